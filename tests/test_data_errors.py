"""The loader rejects a corrupted copy of each table with the promised message.

Every test corrupts one file of a fresh copy of data/ (tmp_path) and loads it through Catalog(copy).
Messages are checked both as structured `exc.problems` and as the text a user reads (str(exc)).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from workplan.data import Catalog
from workplan.errors import DataValidationError, Problem
from workplan.paths import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
NAMES = list(RESOURCES)

# The wording the loader promises for each type (see TYPE_PATTERNS in lib/workplan/data.py).
TYPE_WORDING = {"integer": "an integer", "number": "a number", "date": "a date YYYY-MM-DD"}


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def fields_of(name: str) -> list[dict]:
    return RESOURCES[name]["schema"]["fields"]


def constraints(field: dict) -> dict:
    return field.get("constraints", {})


def primary_key(name: str) -> list[str]:
    return as_list(RESOURCES[name]["schema"]["primaryKey"])


def file_name(name: str) -> str:
    return RESOURCES[name]["path"]


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


# Valid outcomes of the tests' own: the corruptions below need a few rows in every table.
SAMPLE_OUTCOMES = [
    {
        "outcome_id": "sample_forum_held",
        "item_id": "ivo_forums:2026",
        "status": "held",
        "date": "2026-11-01",
        "date_precision": "month",
        "end_date": "",
        "source_lang": "en",
        "source_title_other": "",
        "source_publisher_other": "",
        "archive_url": "",
        "source_title": "Sample report of a forum",
        "source_publisher": "Sample publisher",
        "source_url": "https://example.org/forum",
        "source_date": "2026-11-30",
        "source_date_basis": "page",
        "source_quote": "The forum was held.",
        "note_ja": "",
        "note_en": "Test fixture.",
    },
    {
        "outcome_id": "sample_action_in_progress",
        "item_id": "1.1-1",
        "status": "in_progress",
        "date": "2026-02-01",
        "date_precision": "month",
        "end_date": "",
        "source_lang": "en",
        "source_title_other": "",
        "source_publisher_other": "",
        "archive_url": "",
        "source_title": "Sample progress note",
        "source_publisher": "Sample publisher",
        "source_url": "http://example.org/progress",
        "source_date": "2026-02-15",
        "source_date_basis": "page",
        "source_quote": "Work has started.",
        "note_ja": "テスト用",
        "note_en": "Test fixture.",
    },
    {
        "outcome_id": "sample_support_changed",
        "item_id": "ajccbc_support:next",
        "status": "changed",
        "date": "2026-01-01",
        "date_precision": "year",
        "end_date": "",
        "source_lang": "ja",
        "source_title_other": "",
        "source_publisher_other": "",
        "archive_url": "",
        "source_title": "Sample announcement",
        "source_publisher": "Sample publisher",
        "source_url": "https://example.org/support?id=1",
        "source_date": "2026-06-30",
        "source_date_basis": "address",
        "source_quote": "The support will start later.",
        "note_ja": "",
        "note_en": "Test fixture.",
    },
]


# Valid searches of the tests' own, for the same reason (the real file may hold few rows or none).
SAMPLE_CHECKS = [
    {
        "check_id": "sample_check_forum",
        "item_id": "ivo_forums:2026",
        "checked_on": "2026-12-01",
        "searched_where": "example.org",
        "query": "ASEAN IVOフォーラム2026",
        "result": "found",
        "outcome_id": "sample_forum_held",
        "note_en": "Test fixture.",
    },
    {
        "check_id": "sample_check_action",
        "item_id": "1.1-3",
        "checked_on": "2026-12-01",
        "searched_where": "example.org",
        "query": "AI安全性 ASEAN; AI safety ASEAN",
        "result": "nothing_found",
        "outcome_id": "",
        "note_en": "",
    },
    {
        "check_id": "sample_check_support",
        "item_id": "ajccbc_support:next",
        "checked_on": "2026-07-01",
        "searched_where": "example.org",
        "query": "AJCCBC 次期支援",
        "result": "found",
        "outcome_id": "sample_support_changed",
        "note_en": "",
    },
]


def add_sample_outcomes(data_dir: Path) -> None:
    """Append SAMPLE_OUTCOMES and SAMPLE_CHECKS to the copy's outcomes.csv and outcome_checks.csv."""
    for name, samples in (("outcomes", SAMPLE_OUTCOMES), ("outcome_checks", SAMPLE_CHECKS)):
        path = data_dir / file_name(name)
        rows = read_rows(path)
        rows += [[sample[c] for c in rows[0]] for sample in samples]
        write_rows(path, rows)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    add_sample_outcomes(copy)
    return copy


def load_error(data_dir: Path, name: str) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        Catalog(data_dir).load(name)
    exc = info.value
    assert exc.problems, "a DataValidationError without problems"
    assert all(isinstance(p, Problem) for p in exc.problems)
    return exc


def assert_names_the_file(exc: DataValidationError, name: str) -> None:
    text = str(exc)
    assert f"dataset '{name}'" in text
    assert file_name(name) in text
    assert all(p.dataset == name and p.file.endswith(file_name(name)) for p in exc.problems)


@pytest.mark.parametrize("name", NAMES)
def test_csv_dialect_round_trip_is_byte_identical(data_copy, name):
    """The corruptions below rewrite files with the csv module; that alone must change nothing."""
    path = data_copy / file_name(name)
    before = path.read_bytes()
    write_rows(path, read_rows(path))
    assert path.read_bytes() == before


# --- (a) a wrong value in a typed column ----------------------------------------------------------------


def _typed_field(name: str) -> tuple[dict, str, str]:
    """The column to break, the value to put in it, and the expected wording."""
    fields = fields_of(name)
    for f in fields:
        if f.get("type") in TYPE_WORDING:
            return f, "x-1", TYPE_WORDING[f["type"]]
    for f in fields:
        if constraints(f).get("enum"):
            return f, "not_in_enum", "one of " + ", ".join(str(v) for v in constraints(f)["enum"])
    for f in fields:
        if constraints(f).get("required"):
            return f, "", "a value (this column is required)"
    raise AssertionError(f"{name}: nothing typed, enumerated or required to break")


@pytest.mark.parametrize("name", NAMES)
def test_wrong_type_names_dataset_file_row_column_and_expectation(data_copy, name):
    field, bad, wording = _typed_field(name)
    path = data_copy / file_name(name)
    rows = read_rows(path)
    column = rows[0].index(field["name"])
    rows[2][column] = bad  # data row 2 (line 3)
    write_rows(path, rows)

    exc = load_error(data_copy, name)
    problems = [p for p in exc.problems if p.row == 2 and p.column == field["name"]]
    assert problems, exc.problems
    assert any(p.expected.startswith(wording) for p in problems), problems
    assert all(p.line == 3 and p.found == (bad or None) for p in problems)
    assert_names_the_file(exc, name)
    text = str(exc)
    assert "row 2 (line 3)" in text
    assert f"column '{field['name']}'" in text
    assert f"expected {wording}" in text


ENUM_FIELDS = [
    pytest.param(name, f["name"], id=f"{name}.{f['name']}")
    for name in NAMES
    for f in fields_of(name)
    if constraints(f).get("enum") and constraints(f).get("required")
]


@pytest.mark.parametrize(("name", "column"), ENUM_FIELDS)
def test_value_outside_the_enum_lists_the_allowed_values(data_copy, name, column):
    path = data_copy / file_name(name)
    rows = read_rows(path)
    rows[1][rows[0].index(column)] = "not_in_enum"
    write_rows(path, rows)
    exc = load_error(data_copy, name)
    enum = next(constraints(f)["enum"] for f in fields_of(name) if f["name"] == column)
    wording = "one of " + ", ".join(str(v) for v in enum)
    assert Problem(name, exc.problems[0].file, wording, 1, 2, column, "not_in_enum") in exc.problems
    assert f"row 1 (line 2), column '{column}': expected {wording}, found 'not_in_enum'" in str(exc)


@pytest.mark.parametrize("name", NAMES)
def test_emptied_required_cell_is_reported(data_copy, name):
    column = next(
        f["name"]
        for f in fields_of(name)
        if constraints(f).get("required") and f.get("type", "string") == "string"
    )
    path = data_copy / file_name(name)
    rows = read_rows(path)
    rows[1][rows[0].index(column)] = ""
    write_rows(path, rows)
    exc = load_error(data_copy, name)
    assert any(p.row == 1 and p.column == column and "required" in p.expected for p in exc.problems), (
        exc.problems
    )
    assert f"row 1 (line 2), column '{column}': expected a value (this column is required)" in str(exc)


def test_out_of_range_integer_is_reported(data_copy):
    path = data_copy / "pillars.csv"
    rows = read_rows(path)
    rows[4][0] = "5"
    write_rows(path, rows)
    exc = load_error(data_copy, "pillars")
    assert any(p.row == 4 and p.column == "pillar_id" and p.found == "5" for p in exc.problems)
    assert "expected an integer from 1 to 4, found '5'" in str(exc)


def test_impossible_calendar_date_is_reported(data_copy):
    path = data_copy / "events.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("date")] = "2026-02-30"
    write_rows(path, rows)
    exc = load_error(data_copy, "events")
    assert any(p.row == 1 and p.column == "date" and "real calendar date" in p.expected for p in exc.problems)
    assert "found '2026-02-30'" in str(exc)


# --- (b) a missing column --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_missing_column_is_named(data_copy, name):
    path = data_copy / file_name(name)
    rows = read_rows(path)
    drop = len(rows[0]) // 2
    column = rows[0][drop]
    write_rows(path, [r[:drop] + r[drop + 1 :] for r in rows])
    exc = load_error(data_copy, name)
    assert len(exc.problems) == 1
    problem = exc.problems[0]
    assert problem.line == 1 and problem.row is None
    assert f"missing column(s) {column}" in problem.expected
    assert_names_the_file(exc, name)
    assert f"line 1: expected the header {','.join(f['name'] for f in fields_of(name))}" in str(exc)
    assert f"(missing column(s) {column})" in str(exc)


def test_extra_and_reordered_columns_are_named(data_copy):
    path = data_copy / "pillars.csv"
    rows = read_rows(path)
    write_rows(path, [r + ["x"] for r in rows[:1]] + [r + ["x"] for r in rows[1:]])
    assert "unexpected column(s) x" in str(load_error(data_copy, "pillars"))
    write_rows(path, [[r[1], r[0], *r[2:]] for r in rows])
    assert "columns in a different order" in str(load_error(data_copy, "pillars"))


# --- (c) a duplicate primary key --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_primary_key_is_reported_as_not_unique(data_copy, name):
    path = data_copy / file_name(name)
    rows = read_rows(path)
    rows.insert(2, list(rows[1]))  # the first data row, twice: rows 1 and 2
    write_rows(path, rows)
    exc = load_error(data_copy, name)
    key = primary_key(name)
    unique = [p for p in exc.problems if "unique" in p.expected]
    for column in key:
        assert {p.row for p in unique if p.column == column} >= {1, 2}, (column, exc.problems)
    assert_names_the_file(exc, name)
    text = str(exc)
    assert "row 1 (line 2)" in text and "row 2 (line 3)" in text
    for column in key:
        assert f"column '{column}': expected a unique value of" in text


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_primary_key_message_names_the_whole_key(data_copy, name):
    path = data_copy / file_name(name)
    rows = read_rows(path)
    rows.insert(2, list(rows[1]))
    write_rows(path, rows)
    exc = load_error(data_copy, name)
    wording = "a unique value of " + ", ".join(primary_key(name))
    assert {p.row for p in exc.problems if p.expected == wording} == {1, 2}, exc.problems
    assert f"expected {wording}," in str(exc)


def test_duplicate_row_problems_are_listed_once(data_copy):
    path = data_copy / "ivo_projects.csv"
    rows = read_rows(path)
    rows.insert(2, list(rows[1]))
    write_rows(path, rows)
    exc = load_error(data_copy, "ivo_projects")
    assert len(exc.problems) == len(set(exc.problems))


# --- (d) a truncated line ---------------------------------------------------------------------------------


def _separators(line: str) -> list[int]:
    """Positions of the commas that separate fields (outside quotes)."""
    positions, quoted = [], False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            positions.append(i)
    return positions


@pytest.mark.parametrize("name", NAMES)
def test_truncated_last_line_names_row_line_and_field_count(data_copy, name):
    path = data_copy / file_name(name)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    head, last = text[:-1].rsplit("\n", 1)
    # cut the last line in half, at the field boundary nearest its middle
    cut = min(_separators(last), key=lambda i: abs(i - len(last) // 2))
    path.write_text(f"{head}\n{last[:cut]}\n", encoding="utf-8", newline="")
    kept = len(_separators(last[:cut])) + 1
    n_fields, n_rows, n_lines = len(fields_of(name)), len(read_rows(path)) - 1, text.count("\n")

    exc = load_error(data_copy, name)
    assert exc.problems == [
        Problem(
            name,
            exc.problems[0].file,
            f"{n_fields} fields (a truncated or malformed line?)",
            row=n_rows,
            line=n_lines,
            found=f"{kept} field(s)",
        )
    ]
    assert_names_the_file(exc, name)
    assert f"row {n_rows} (line {n_lines}): expected {n_fields} fields" in str(exc)
    assert f"found '{kept} field(s)'" in str(exc)


@pytest.mark.parametrize("name", NAMES[::4])
def test_unterminated_quote_is_reported_as_malformed_csv_with_its_line(data_copy, name):
    path = data_copy / file_name(name)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '"an unterminated quoted field,\n', encoding="utf-8", newline="")
    exc = load_error(data_copy, name)
    (problem,) = exc.problems
    assert problem.expected.startswith("well-formed CSV")
    assert problem.line == text.count("\n") + 1
    assert f"line {text.count(chr(10)) + 1}: expected well-formed CSV" in str(exc)


# --- (e) broken UTF-8 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_broken_utf8_names_the_line(data_copy, name):
    path = data_copy / file_name(name)
    lines = path.read_bytes().split(b"\n")
    middle = lines[2].decode("utf-8")  # line 3 = data row 2
    half = len(middle) // 2
    lines[2] = middle[:half].encode("utf-8") + b"\xff\xfe" + middle[half:].encode("utf-8")
    path.write_bytes(b"\n".join(lines))
    exc = load_error(data_copy, name)
    (problem,) = exc.problems
    assert problem.expected == "UTF-8 text"
    assert problem.line == 3
    assert problem.found.startswith("ff")
    assert_names_the_file(exc, name)
    assert "line 3: expected UTF-8 text, found 'ff" in str(exc)


# --- foreign keys -----------------------------------------------------------------------------------------

FOREIGN_KEYS = [
    pytest.param(name, fk, id=f"{name}.{'+'.join(as_list(fk['fields']))}->{fk['reference']['resource']}")
    for name in NAMES
    for fk in RESOURCES[name]["schema"].get("foreignKeys", [])
]


def _dangling_value(field: dict, known: set[str]) -> str | None:
    """A value the child column accepts (type, range, pattern) that the parent does not hold."""
    c = constraints(field)
    if field.get("type") == "integer":
        low, high = int(c.get("minimum", 1)), int(c.get("maximum", 999))
        candidates = [str(v) for v in range(low, high + 1)]
    else:
        candidates = ["ZZZ", "QQQ", "no_such_id", "9.9"]
    pattern = c.get("pattern")
    for value in candidates:
        if value not in known and (pattern is None or re.fullmatch(pattern, value)):
            return value
    return None


def _cascade_delete(data_dir: Path, name: str, column: str, values: set[str], keep: str) -> None:
    """Delete the rows of `name` whose `column` is in `values`, and, recursively, the rows of the other
    tables (all but `keep`) that refer to them."""
    path = data_dir / file_name(name)
    rows = read_rows(path)
    i = rows[0].index(column)
    removed = [r for r in rows[1:] if r[i] in values]
    write_rows(path, [rows[0]] + [r for r in rows[1:] if r[i] not in values])
    for other in NAMES:
        for fk in RESOURCES[other]["schema"].get("foreignKeys", []):
            if other == keep or fk["reference"]["resource"] != name:
                continue
            (referenced,) = as_list(fk["reference"]["fields"])
            gone = {r[rows[0].index(referenced)] for r in removed}
            if gone:
                (referring,) = as_list(fk["fields"])
                _cascade_delete(data_dir, other, referring, gone, keep)


@pytest.mark.parametrize(("name", "fk"), FOREIGN_KEYS)
def test_dangling_foreign_key_names_the_referenced_field(data_copy, name, fk):
    (column,) = as_list(fk["fields"])
    ref_name = fk["reference"]["resource"]
    (ref_column,) = as_list(fk["reference"]["fields"])
    child_path, parent_path = data_copy / file_name(name), data_copy / file_name(ref_name)
    child, parent = read_rows(child_path), read_rows(parent_path)
    ci, pi = child[0].index(column), parent[0].index(ref_column)
    known = {r[pi] for r in parent[1:]}
    field = next(f for f in fields_of(name) if f["name"] == column)
    value = _dangling_value(field, known)
    if value is not None:
        row = 1
        child[row][ci] = value
        write_rows(child_path, child)
    else:
        # Every value the column accepts is taken (e.g. pillar_id 1-4): remove the referenced row instead,
        # with the rows of other tables that depend on it, so that only this table is left dangling.
        row = next(i for i, r in enumerate(child[1:], start=1) if r[ci] != "")
        value = child[row][ci]
        _cascade_delete(data_copy, ref_name, ref_column, {value}, keep=name)

    exc = load_error(data_copy, name)
    wording = f"a value of {ref_name}.{ref_column}"
    assert any(
        p.row == row and p.column == column and p.expected == wording and p.found == value
        for p in exc.problems
    )
    assert_names_the_file(exc, name)
    assert f"row {row}" in str(exc) and f"column '{column}': expected {wording}, found '{value}'" in str(exc)


def test_dangling_foreign_key_message_gives_the_line(data_copy):
    path = data_copy / "memberships.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("iso3")] = "ZZZ"
    write_rows(path, rows)
    exc = load_error(data_copy, "memberships")
    assert exc.problems[0].line == 2
    assert "row 1 (line 2), column 'iso3'" in str(exc)


# --- stated totals ----------------------------------------------------------------------------------------

STATED_TOTALS = [
    pytest.param(name, rule, id=f"{name}.{rule['field']}")
    for name in NAMES
    for rule in RESOURCES[name].get("x-stated-totals", [])
]


@pytest.mark.parametrize(("name", "rule"), STATED_TOTALS)
def test_broken_stated_total_names_the_key_figure(data_copy, name, rule):
    """A value dropped (every value left still what its words say) leaves a sum short of the stated total."""
    path = data_copy / file_name(name)
    rows = read_rows(path)
    header = rows[0]
    column = header.index(rule["field"])
    others = [header.index(r["field"]) for r in RESOURCES[name]["x-stated-totals"] if r is not rule]
    filled = [i for i, r in enumerate(rows[1:], start=1) if r[column] != ""]
    alone = [i for i in filled if all(rows[i][o] == "" for o in others)]
    if alone:
        del rows[alone[0]]  # a whole row no other total depends on
    else:  # only this value, with the words that give it
        row = filled[0]
        quote = next(f["x-quote-number"].get("quote") for f in fields_of(name) if f["name"] == rule["field"])
        for emptied in (rule["field"], quote, quote.replace("_quote", "_lines")):
            rows[row][header.index(emptied)] = ""
    write_rows(path, rows)
    total = sum(int(r[column]) for r in rows[1:] if r[column] != "")

    catalog = Catalog(data_copy)
    for _ in range(2):  # the failing table is not cached: a second load fails the same way
        with pytest.raises(DataValidationError) as info:
            catalog.load(name)
        (problem,) = info.value.problems
        assert problem.column == rule["field"]
        assert rule["equals_key_figure"] in problem.expected
        assert problem.found == str(total)
        assert f"key_figures '{rule['equals_key_figure']}'" in str(info.value)


def test_load_all_reports_problems_of_several_files_together(data_copy):
    for name, line in (("pillars", 2), ("ivo_forums", 3)):
        path = data_copy / file_name(name)
        lines = path.read_bytes().split(b"\n")
        lines[line - 1] = b"\xff" + lines[line - 1]
        path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as info:
        Catalog(data_copy).load_all()
    assert {p.dataset for p in info.value.problems} >= {"pillars", "ivo_forums"}
    assert "dataset(s) " in str(info.value) and "ivo_forums" in str(info.value).splitlines()[0]


# --- command line -----------------------------------------------------------------------------------------


def _cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WORKPLAN_DATA_DIR"}
    if data_dir is not None:
        env["WORKPLAN_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "workplan", *args], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT
    )


def test_cli_validate_accepts_the_real_data():
    result = _cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok: {len(NAMES)} datasets valid"


def test_cli_validate_rejects_a_corrupted_copy_with_exit_2(data_copy):
    path = data_copy / "ivo_projects.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("projects")] = "five"
    write_rows(path, rows)
    result = _cli("validate", data_dir=data_copy)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "dataset 'ivo_projects'" in result.stderr
    assert "ivo_projects.csv, row 2 (line 3), column 'projects': expected an integer" in result.stderr
    assert "found 'five'" in result.stderr


# --- outcomes: what happened, each with its outside source ----------------------------------------------


def _set_outcome(data_dir: Path, row: int, **values: str) -> None:
    path = data_dir / file_name("outcomes")
    rows = read_rows(path)
    header = rows[0]
    data_rows = rows[1:]
    index = len(data_rows) - len(SAMPLE_OUTCOMES) + row - 1  # the row-th sample outcome
    for column, value in values.items():
        data_rows[index][header.index(column)] = value
    write_rows(path, [header, *data_rows])


def _outcome_row(data_dir: Path, sample: int) -> int:
    """The 1-based data row of the sample-th sample outcome in the copy."""
    return len(read_rows(data_dir / file_name("outcomes"))) - 1 - len(SAMPLE_OUTCOMES) + sample


def test_sample_outcomes_are_valid(data_copy):
    table = Catalog(data_copy).load("outcomes")
    assert set(table["outcome_id"]) >= {o["outcome_id"] for o in SAMPLE_OUTCOMES}


def test_an_outcome_table_without_rows_loads(data_copy):
    path = data_copy / file_name("outcomes")
    write_rows(path, read_rows(path)[:1])
    table = Catalog(data_copy).load("outcomes")
    assert table.empty and list(table.columns) == [f["name"] for f in fields_of("outcomes")]


def test_an_outcome_for_an_unknown_item_is_refused(data_copy):
    _set_outcome(data_copy, 1, item_id="ivo_forums:2030")
    row = _outcome_row(data_copy, 1)
    exc = load_error(data_copy, "outcomes")
    (problem,) = exc.problems
    assert (problem.row, problem.line, problem.column, problem.found) == (
        row,
        row + 1,
        "item_id",
        "ivo_forums:2030",
    )
    assert "item_id of a dated item" in problem.expected
    assert_names_the_file(exc, "outcomes")
    assert f"row {row} (line {row + 1}), column 'item_id'" in str(exc)


def test_an_outcome_dated_after_the_source_reporting_it_is_refused(data_copy):
    _set_outcome(data_copy, 2, date="2026-03-01", source_date="2026-02-27")
    row = _outcome_row(data_copy, 2)
    exc = load_error(data_copy, "outcomes")
    (problem,) = exc.problems
    assert (problem.row, problem.column, problem.found) == (row, "date", "2026-03-01")
    assert "on or before source_date (2026-02-27)" in problem.expected


def test_an_outcome_of_the_source_month_is_not_after_its_source(data_copy):
    """A month-precise outcome reported within that month is fine: its month began before the source."""
    _set_outcome(data_copy, 2, date="2026-02-01", date_precision="month", source_date="2026-02-01")
    Catalog(data_copy).load("outcomes")


@pytest.mark.parametrize("column", ["source_lang", "source_publisher", "source_url", "source_quote"])
def test_an_outcome_without_its_source_is_refused(data_copy, column):
    _set_outcome(data_copy, 1, **{column: ""})
    row = _outcome_row(data_copy, 1)
    exc = load_error(data_copy, "outcomes")
    assert any(p.row == row and p.column == column and "required" in p.expected for p in exc.problems)


def test_an_outcome_source_date_without_its_basis_is_refused_and_none_without_a_search(data_copy):
    """A page's title and date may be missing where the copy read did not show them; a date then needs no
    basis, but the outcome needs a search that found it (it counts from that day)."""
    _set_outcome(data_copy, 1, source_date_basis="")
    exc = load_error(data_copy, "outcomes")
    (problem,) = exc.problems
    assert (problem.row, problem.column) == (_outcome_row(data_copy, 1), "source_date_basis")
    _set_outcome(data_copy, 1, source_date="", source_title="", source_date_basis="page")
    assert "empty: no source_date was read" in str(load_error(data_copy, "outcomes"))
    _set_outcome(data_copy, 1, source_date="", source_title="", source_date_basis="")
    Catalog(data_copy).load("outcomes")  # found by sample_check_forum


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "www.example.org/page",
        "https://example.org/a b",
        'https://example.org/"onmouseover="alert(1)',
    ],
)
def test_an_outcome_link_that_is_not_http_is_refused(data_copy, url):
    _set_outcome(data_copy, 3, source_url=url)
    row = _outcome_row(data_copy, 3)
    exc = load_error(data_copy, "outcomes")
    (problem,) = exc.problems
    assert (problem.row, problem.column, problem.found) == (row, "source_url", url)
    assert "https?://" in problem.expected


def test_an_outcome_status_outside_the_vocabulary_is_refused(data_copy):
    _set_outcome(data_copy, 1, status="done")
    exc = load_error(data_copy, "outcomes")
    (problem,) = [p for p in exc.problems if p.column == "status"]
    assert problem.expected == "one of held, completed, in_progress, postponed, cancelled, changed"
    assert problem.found == "done"


def test_cli_validate_and_the_build_check_refuse_a_bad_outcome_with_exit_2(data_copy):
    _set_outcome(data_copy, 1, item_id="no_such_item")
    result = _cli("validate", data_dir=data_copy)
    assert result.returncode == 2, result.stdout
    assert "dataset 'outcomes'" in result.stderr and "column 'item_id'" in result.stderr
    assert "found 'no_such_item'" in result.stderr
    out = data_copy.parent / "reports"
    for check in (["--check"], []):  # the plan, and a real build: both stop before any kernel starts
        build = _cli("build", *check, "--only", "en/overview", "--data", str(data_copy), "--out", str(out))
        assert build.returncode == 2, build.stdout + build.stderr
        assert "outcomes.csv" in build.stderr and "no_such_item" in build.stderr
        assert not list(out.rglob("*.ipynb")) and not list(out.rglob("*.html"))


# --- where in the source: line ranges and slide numbers --------------------------------------------------


def _edit_row(data_dir: Path, name: str, key: str, **values: str) -> int:
    """Set columns of the row whose first column is `key`; its 1-based data row."""
    path = data_dir / file_name(name)
    rows = read_rows(path)
    index = next(i for i, r in enumerate(rows[1:], start=1) if r[0] == key)
    for column, value in values.items():
        rows[index][rows[0].index(column)] = value
    write_rows(path, rows)
    return index


def test_a_quote_not_on_its_lines_is_refused_saying_where_it_is(data_copy):
    row = _edit_row(data_copy, "statements", "ajccbc_heading", source_lines="L12", source_slide="")
    exc = load_error(data_copy, "statements")
    problem = next(p for p in exc.problems if p.column == "source_lines")
    assert (problem.row, problem.found) == (row, "L12")
    assert "its words are at L194" in problem.expected


def test_a_range_wider_than_the_quote_is_refused(data_copy):
    _edit_row(data_copy, "statements", "ajccbc_heading", source_lines="L194-L198")
    exc = load_error(data_copy, "statements")
    (problem,) = exc.problems
    assert problem.column == "source_lines" and "first and last line" in problem.expected


def test_a_quote_joined_across_two_slides_is_refused(data_copy):
    """The old caption quote 'OECD閣僚理事会 2026年以降の…' joined a caption to the next slide's heading."""
    row = _edit_row(
        data_copy,
        "statements",
        "caption_oecd_ministerial",
        source_quote="OECD閣僚理事会 2026年以降のAJCCBCに対する協力",
        source_lines="L192-L194",
    )
    exc = load_error(data_copy, "statements")
    (problem,) = exc.problems
    assert (problem.row, problem.column) == (row, "source_lines")
    assert "within one section of the source (a quote comes from one place)" in problem.expected


@pytest.mark.parametrize("value", ["12", "L0", "L12-", "l12", "L12–L14"])
def test_a_malformed_line_range_is_refused(data_copy, value):
    _edit_row(data_copy, "statements", "basis_heading", source_lines=value)
    exc = load_error(data_copy, "statements")
    assert any(p.column == "source_lines" and p.found == value for p in exc.problems), exc.problems


@pytest.mark.parametrize(
    ("key", "slide", "wording"),
    [
        ("ajccbc_heading", "8", "7, the number printed"),
        ("basis_heading", "7", "empty: the slide of L12 prints no number"),
        ("open_ran_priority", "", "9, the number printed"),
    ],
)
def test_a_wrong_slide_number_is_refused(data_copy, key, slide, wording):
    row = _edit_row(data_copy, "statements", key, source_slide=slide)
    exc = load_error(data_copy, "statements")
    (problem,) = exc.problems
    assert (problem.row, problem.column) == (row, "source_slide")
    assert problem.expected.startswith(wording)


# --- numbers checked against their own words ---------------------------------------------------------------

# One wrong number per declared column (x-quote-number): the row's value, or (where the schema's range or key
# forbids the wrong value) its words moved to a passage that gives another number. (dataset, row key, column,
# edits, what the words give)
WRONG_NUMBERS = [
    (
        "pillars",
        "2",
        "pillar_id",
        {"source_quote": "3. デジタルインフラ及びデジタルトランスフォーメーション", "source_lines": "L34"},
        "(3)",
    ),
    (
        "ai_principles",
        "15",
        "number",
        {"source_quote": "16. ASEANと日本との共創を通じて", "source_lines": "L162"},
        "(16)",
    ),
    (
        "ajccbc_components",
        "next",
        "number",
        {"source_quote": "2. AIセキュリティ、AI開発", "source_lines": "L206"},
        "(2)",
    ),
    ("hiroshima_process", "component_4", "number", {"number": "5"}, "(4)"),
    ("events", "ajccbc_establishment", "date", {"date": "2017-01-01"}, "(2018)"),
    ("events", "hap_leaders_statement_2023_10", "date", {"date": "2024-10-01"}, "2023-10"),
    ("events", "plan_publication", "date", {"date": "2026-02-01"}, "(2026, 2026-01)"),
    ("events", "mic_ict_fund_annual_contributions", "date", {"date": "2010-01-01"}, "(2009)"),
    ("events", "cyber_ca_2026", "end_date", {"end_date": "2027-01-01", "end_precision": "year"}, "(2026)"),
    ("key_figures", "ict_fund_cumulative_contribution", "value", {"value": "2000000"}, "(2100000)"),
    ("key_figures", "friends_group_participants", "value", {"value": "61"}, "(60)"),
    ("key_figures", "cyber_policy_meeting_frequency", "value", {"value": "2"}, "(1)"),
    ("key_figures", "ivo_member_institutions", "as_of", {"as_of": "2025-11-01"}, "2025-12"),
    ("ordinals", "cyber_policy_meeting_18", "ordinal", {"ordinal": "19"}, "(18)"),
    ("memberships", "hiroshima_ai_process_friends_group", "as_of", {"as_of": "2025-12-30"}, "2025-12-31"),
    ("ajccbc_support", "next", "start_date", {"start_date": "2027-07-01"}, "2027-06"),
    ("ajccbc_support", "jica", "end_date", {"end_date": "2027-03-01"}, "2027-02"),
    ("ajccbc_support", "next", "duration_years", {"duration_years": "5"}, "(4)"),
    (
        "apt_joint_research",
        "2",
        "year",
        {"source_quote": "島嶼・山間部での強靱な情報通信網", "source_lines": "L262"},
        "(none)",
    ),
    (
        "ivo_forums",
        "2019",
        "year",
        {"source_quote": "2018. 11: Jakarta (Indonesia)", "source_lines": "L291"},
        "2018",
    ),
    ("ivo_forums", "2020", "month", {"month": "11"}, "(10)"),
    ("ivo_forums", "2020", "date", {"date": "2020-11-01"}, "2020-10"),
    (
        "ivo_projects",
        "2016",
        "fiscal_year",
        {"source_quote": "2017年度: 5件", "source_lines": "L302"},
        "(2017)",
    ),
    ("ivo_projects", "2016", "projects", {"projects": "9"}, "(8)"),
    ("ivo_projects", "2025", "phase2_projects", {"phase2_projects": "2"}, "(3)"),
    (
        "ivo_proposal_targets",
        "KHM",
        "year",
        {"source_quote": "カンボジア、ラオス、ミャンマーからの提案採択を予定"},
        "(none)",
    ),
    ("ict_fund_projects", "4", "approved_year", {"approved_year": "2023"}, "(2024)"),
    ("actions", "4.1-1", "year", {"source_quote": "日ASEAN統合基金", "source_lines": "L113"}, "(none)"),
]


def test_every_declared_number_has_a_wrong_number_case():
    declared = {(name, f["name"]) for name in NAMES for f in fields_of(name) if "x-quote-number" in f}
    assert declared == {(name, column) for name, _, column, _, _ in WRONG_NUMBERS}


@pytest.mark.parametrize(
    ("name", "key", "column", "edits", "words"),
    [pytest.param(*case, id=f"{case[0]}.{case[2]}") for case in WRONG_NUMBERS],
)
def test_a_number_its_words_do_not_give_is_refused(data_copy, name, key, column, edits, words):
    path = data_copy / file_name(name)
    rows = read_rows(path)
    keys = primary_key(name)
    index = next(
        i
        for i, r in enumerate(rows[1:], start=1)
        if "/".join(r[rows[0].index(k)] for k in keys).startswith(key)
    )
    for edited, value in edits.items():
        rows[index][rows[0].index(edited)] = value
    write_rows(path, rows)
    exc = load_error(data_copy, name)
    problems = [p for p in exc.problems if p.column == column and p.row == index]
    assert problems, exc.problems
    assert "gives (" in problems[0].expected and words in problems[0].expected, problems[0]
    assert_names_the_file(exc, name)


def test_a_commitment_dated_by_the_plan_title_has_the_plans_year(data_copy):
    """year_basis plan_title: the year is the plan's (2026, from its title), whatever the action's words."""
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    actions = next(r for r in descriptor["resources"] if r["name"] == "actions")
    next(f for f in actions["schema"]["fields"] if f["name"] == "year")["constraints"]["maximum"] = 2030
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    row = _edit_row(data_copy, "actions", "1.1-1", year="2027")
    exc = load_error(data_copy, "actions")
    (problem,) = exc.problems
    assert (problem.row, problem.column, problem.found) == (row, "year", "2027")
    assert problem.expected == "the plan's year 2026 (year_basis plan_title)"


def test_the_plans_year_must_be_the_one_its_title_gives(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["x-quote-numbers"]["plan_year"]["year"] = 2027
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataValidationError, match="plan_year"):
        Catalog(data_copy).load("actions")


def test_a_changed_count_is_refused_even_with_its_total_changed_too(data_copy):
    """The bug of old: 5 -> 6 projects and the stated total 52 -> 53 together validated."""
    _edit_row(data_copy, "ivo_projects", "2024", projects="6")
    _edit_row(data_copy, "key_figures", "ivo_projects_total", value="53")
    with pytest.raises(DataValidationError) as info:
        Catalog(data_copy).load_all()
    flagged = {(p.dataset, p.column, p.found) for p in info.value.problems}
    assert ("ivo_projects", "projects", "6") in flagged and ("key_figures", "value", "53") in flagged


def test_the_ajccbc_establishment_year_is_tied_to_its_words(data_copy):
    """2018年のAJCCBC設立: a 2017 anywhere it is recorded is refused, naming the row."""
    row = _edit_row(data_copy, "events", "ajccbc_establishment", date="2017-01-01")
    exc = load_error(data_copy, "events")
    assert f"row {row}" in str(
        exc
    ) and "column 'date': expected the date its source_quote gives (2018)" in str(exc)


# --- a table round-tripped through Excel ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["statements", "ivo_forums", "key_figures", "glossary"])
def test_a_table_saved_as_excel_csv_utf8_loads_the_same(data_copy, name):
    """Excel's 'CSV UTF-8 (Comma delimited)' writes a byte-order mark and CRLF line ends."""
    path = data_copy / file_name(name)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(Catalog(data_copy).load(name), Catalog(DATA_DIR).load(name))


def test_an_excel_csv_utf8_table_still_reports_problems_on_the_right_line(data_copy):
    path = data_copy / file_name("ivo_projects")
    rows = read_rows(path)
    rows[3][rows[0].index("projects")] = "six"
    write_rows(path, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    exc = load_error(data_copy, "ivo_projects")
    assert any(p.row == 3 and p.line == 4 and p.column == "projects" for p in exc.problems)


def test_a_table_saved_as_shift_jis_is_refused_saying_how_to_save_it(data_copy):
    """Japanese Excel's plain 'CSV' is Shift-JIS (cp932): the message names it and the way out."""
    path = data_copy / file_name("statements")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    exc = load_error(data_copy, "statements")
    (problem,) = exc.problems
    assert problem.expected.startswith("UTF-8 text; this file looks like Shift-JIS (cp932)")
    assert "File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)'" in problem.expected
    assert problem.line == 2  # the first line with Japanese text
    assert_names_the_file(exc, "statements")


def test_a_table_saved_as_unicode_text_is_refused_naming_utf16(data_copy):
    path = data_copy / file_name("pillars")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    exc = load_error(data_copy, "pillars")
    assert "looks like UTF-16" in exc.problems[0].expected and "CSV UTF-8" in exc.problems[0].expected


def test_a_table_that_cannot_be_read_names_its_dataset_file_and_why(data_copy):
    path = data_copy / "ivo_forums.csv"
    path.unlink()
    exc = load_error(data_copy, "ivo_forums")
    (problem,) = exc.problems
    assert (problem.dataset, problem.expected) == (
        "ivo_forums",
        "a readable file (No such file or directory)",
    )
    assert problem.file.endswith("ivo_forums.csv")
    assert "dataset 'ivo_forums'" in str(exc)


def test_every_malformed_line_range_of_a_table_is_reported_at_once(data_copy):
    # well-formed, so the pattern lets them through, but past the end of the source and backwards
    first = _edit_row(data_copy, "statements", "ajccbc_heading", source_lines="L9999")
    second = _edit_row(data_copy, "statements", "basis_heading", source_lines="L30-L20")
    exc = load_error(data_copy, "statements")
    rows = sorted(p.row for p in exc.problems if p.column == "source_lines")
    assert rows == sorted([first, second]), exc.problems
