"""The curated tables under data/: loaded, typed, consistent, and faithful to the raw source text.

Facts are checked against data/raw/000_35f81f830df77f46.txt (parsed here, independently of the tables),
and structural rules against data/datapackage.json (read here, independently of the loader).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
import workplan
from workplan import countries as wp_countries
from workplan.data import Catalog, source_text, strip_whitespace
from workplan.errors import UnknownDatasetError
from workplan.paths import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
RAW_FILE = DATA_DIR / "raw" / "000_35f81f830df77f46.txt"
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
NAMES = list(RESOURCES)
RAW_TEXT = RAW_FILE.read_text(encoding="utf-8")
RAW_LINES = RAW_TEXT.split("\n")


def flat(text: str) -> str:
    """Remove all whitespace (str.split knows U+3000, tabs, newlines): independent of strip_whitespace."""
    return "".join(text.split())


RAW_FLAT = flat(RAW_TEXT)


def fields_of(name: str) -> list[dict]:
    return RESOURCES[name]["schema"]["fields"]


def field_names(name: str) -> list[str]:
    return [f["name"] for f in fields_of(name)]


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def raw_csv(name: str) -> pd.DataFrame:
    """The CSV as plain strings ('' = empty), read with pandas alone, not through the loader."""
    return pd.read_csv(DATA_DIR / RESOURCES[name]["path"], dtype=str, keep_default_na=False, encoding="utf-8")


def filled(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(DATA_DIR)


@pytest.fixture(scope="module")
def tables(catalog: Catalog) -> dict[str, pd.DataFrame]:
    return catalog.load_all()


def section_lines(start: str, stop: str) -> list[str]:
    """Raw lines strictly between the first line equal to `start` and the next line equal to `stop`."""
    stripped = [line.strip() for line in RAW_LINES]
    i = stripped.index(start)
    j = stripped.index(stop, i + 1)
    return RAW_LINES[i + 1 : j]


# --- source quotes ------------------------------------------------------------------------------------


def test_flattening_keeps_the_quote_check_able_to_fail():
    assert flat("日ASEAN\u3000デジタル\tワーク\nプラン") == "日ASEANデジタルワークプラン"
    assert flat("日ASEAN デジタルワークプラン 2026") in RAW_FLAT
    assert flat("日ASEAN デジタルワークプラン 2027") not in RAW_FLAT


@pytest.mark.parametrize("name", NAMES)
def test_every_row_has_a_verbatim_source_quote(name):
    table = raw_csv(name)
    fields = {f["name"]: f for f in fields_of(name)}
    if RESOURCES[name].get("x-source-quote") == "none":  # outcome_checks: a record of searches, not of facts
        assert "source_quote" not in fields and name == "outcome_checks"
        return
    assert "source_quote" in fields, f"{name}: no source_quote column in the schema"
    quote_columns = [c for c in fields if c.endswith("source_quote")]
    problems = []
    for i, row in table.iterrows():
        where = f"{name} row {i + 1} ({field_names(name)[0]}={row.iloc[0]!r})"
        if not filled(row["source_quote"]):
            optional = not fields["source_quote"].get("constraints", {}).get("required", False)
            if not optional:
                problems.append(f"{where}: empty source_quote")
            elif not filled(row.get("outside_source", "")):
                problems.append(f"{where}: empty source_quote and no outside_source")
        if RESOURCES[name].get("x-source-quote", "plan") != "plan":
            continue  # words of an outside source (outcomes): checked against source_url, not the plan
        for column in quote_columns:
            quote = row[column]
            if filled(quote) and flat(quote) not in RAW_FLAT:
                problems.append(f"{where}: {column} not in the raw text: {quote!r}")
    assert not problems, "\n".join(problems)


def test_ivo_phase2_quote_accompanies_every_phase2_figure():
    table = raw_csv("ivo_projects")
    for _, row in table.iterrows():
        assert filled(row["phase2_projects"]) == filled(row["phase2_source_quote"]), row["fiscal_year"]
        if filled(row["phase2_projects"]):
            assert f"{row['fiscal_year']}年度:{row['phase2_projects']}件" in flat(row["phase2_source_quote"])


# --- bilingual twins ---------------------------------------------------------------------------------

# English-only by design: the schema describes them as editorial notes written in English.
ENGLISH_ONLY_COLUMNS = {"note_en"}


@pytest.mark.parametrize("name", NAMES)
def test_every_ja_column_has_an_en_twin_and_vice_versa(name):
    columns = field_names(name)
    descriptions = {f["name"]: f.get("description", "") for f in fields_of(name)}
    for column in columns:
        if column.endswith("_ja"):
            assert column[:-3] + "_en" in columns, f"{name}.{column} has no English twin"
        if column.endswith("_en"):
            if column in ENGLISH_ONLY_COLUMNS:
                assert "in English" in descriptions[column], (
                    f"{name}.{column} is not described as English-only"
                )
                continue
            assert column[:-3] + "_ja" in columns, f"{name}.{column} has no Japanese twin"


@pytest.mark.parametrize("name", NAMES)
def test_bilingual_twins_are_filled_together(name):
    """X_ja filled => X_en filled. X_en without X_ja only where the source prints X in English only
    (README: "English printed in the source"), i.e. the English text itself is in the raw text."""
    table = raw_csv(name)
    columns = field_names(name)
    problems = []
    for column in columns:
        if not column.endswith("_ja") or column[:-3] + "_en" not in columns:
            continue
        twin = column[:-3] + "_en"
        for i, row in table.iterrows():
            ja, en = filled(row[column]), filled(row[twin])
            if ja and not en:
                problems.append(f"{name} row {i + 1}: {column} filled, {twin} empty")
            if en and not ja and flat(row[twin]) not in RAW_FLAT:
                problems.append(f"{name} row {i + 1}: {twin} filled, {column} empty: {row[twin]!r}")
    assert not problems, "\n".join(problems)


# --- loading and types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_dataset_loads_with_the_declared_dtypes(tables, name):
    table = tables[name]
    assert list(table.columns) == field_names(name)
    for f in fields_of(name):
        dtype = table[f["name"]].dtype
        enum = f.get("constraints", {}).get("enum")
        where = f"{name}.{f['name']}"
        if enum is not None:
            assert isinstance(dtype, pd.CategoricalDtype), where
            assert list(dtype.categories) == [str(v) for v in enum], where
        elif f.get("type") == "integer":
            assert dtype == pd.Int64Dtype(), where
        elif f.get("type") == "number":
            assert dtype == pd.Float64Dtype(), where
        elif f.get("type") == "boolean":
            assert dtype == pd.BooleanDtype(), where
        elif f.get("type") == "date":
            assert str(dtype) == "datetime64[s]", where
        else:
            assert isinstance(dtype, pd.StringDtype), where


@pytest.mark.parametrize("name", NAMES)
def test_typed_values_hold_exactly_what_the_file_says(tables, name):
    raw, typed = raw_csv(name), tables[name]
    assert len(raw) == len(typed)
    for f in fields_of(name):
        column = f["name"]
        for i, (text, value) in enumerate(zip(raw[column], typed[column], strict=True)):
            where = f"{name} row {i + 1} {column}"
            if text == "":
                assert pd.isna(value), where
                continue
            if f.get("constraints", {}).get("enum") is not None or f.get("type", "string") == "string":
                assert value == text, where
            elif f["type"] == "integer":
                assert value == int(text), where
            elif f["type"] == "number":
                assert value == float(text), where
            elif f["type"] == "boolean":
                assert value == (text == "true"), where
            elif f["type"] == "date":
                assert value.strftime("%Y-%m-%d") == text, where


def test_importing_workplan_loads_neither_pandas_nor_matplotlib():
    code = "import workplan, sys; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_source_text_is_the_raw_file_and_strip_whitespace_removes_all_whitespace():
    assert source_text() == RAW_TEXT
    assert strip_whitespace(RAW_TEXT) == RAW_FLAT
    assert strip_whitespace(" a\u3000b\tc\r\nd ") == "abcd"


# --- keys ------------------------------------------------------------------------------------------------

FOREIGN_KEYS = [
    pytest.param(name, fk, id=f"{name}.{'+'.join(as_list(fk['fields']))}->{fk['reference']['resource']}")
    for name in NAMES
    for fk in RESOURCES[name]["schema"].get("foreignKeys", [])
]


@pytest.mark.parametrize(("name", "fk"), FOREIGN_KEYS)
def test_foreign_key_holds(name, fk):
    child = raw_csv(name)
    parent = raw_csv(fk["reference"]["resource"])
    fields, ref_fields = as_list(fk["fields"]), as_list(fk["reference"]["fields"])
    known = set(parent[ref_fields].itertuples(index=False, name=None))
    dangling = [
        (i + 1, values)
        for i, values in enumerate(child[fields].itertuples(index=False, name=None))
        if all(v != "" for v in values) and values not in known
    ]
    assert not dangling, f"{name}: rows with values not in {fk['reference']['resource']}: {dangling}"


@pytest.mark.parametrize("name", NAMES)
def test_primary_key_is_unique_and_complete(name):
    key = as_list(RESOURCES[name]["schema"]["primaryKey"])
    table = raw_csv(name)
    assert not (table[key] == "").any().any(), f"{name}: empty primary-key cell"
    duplicated = table[table.duplicated(key, keep=False)]
    assert duplicated.empty, f"{name}: duplicate keys\n{duplicated[key]}"


# --- stated totals ------------------------------------------------------------------------------------

STATED_TOTALS = [
    pytest.param(name, rule, id=f"{name}.{rule['field']}={rule['equals_key_figure']}")
    for name in NAMES
    for rule in RESOURCES[name].get("x-stated-totals", [])
]


@pytest.mark.parametrize(("name", "rule"), STATED_TOTALS)
def test_stated_total_equals_key_figure(name, rule):
    """The total is read from the source (the key figure's own words, 合計N件 / 計N件), not from the CSV."""
    figure = raw_csv("key_figures").set_index("metric").loc[rule["equals_key_figure"]]
    assert flat(figure["source_quote"]) in RAW_FLAT
    (stated,) = re.findall(r"計(\d+)件", flat(figure["source_quote"]))
    column = raw_csv(name)[rule["field"]]
    assert sum(int(v) for v in column if v != "") == int(stated)
    assert float(figure["value"]) == int(stated)


def test_stated_totals_are_declared():
    declared = {
        rule["equals_key_figure"] for r in RESOURCES.values() for rule in r.get("x-stated-totals", [])
    }
    assert declared >= {"ivo_projects_total", "ivo_phase2_projects_total"}


def _ivo_project_block() -> str:
    start = RAW_TEXT.index("プロジェクト数: 合計")
    return RAW_TEXT[start : RAW_TEXT.index("経緯", start)]


def test_ivo_yearly_project_counts_match_the_source(tables):
    block = _ivo_project_block()
    head, phase2 = block.split("フェーズⅡ")
    stated_total = int(re.search(r"合計\s*(\d+)\s*件", head).group(1))
    # "2025 年度: 5件" has a stray space before 年度
    yearly = {int(y): int(n) for y, n in re.findall(r"(\d{4})\s*年度\s*:\s*(\d+)\s*件", head)}
    assert len(yearly) == 10
    assert sum(yearly.values()) == stated_total == 52
    table = tables["ivo_projects"]
    assert dict(zip(table["fiscal_year"], table["projects"], strict=True)) == yearly
    figures = tables["key_figures"].set_index("metric")["value"]
    assert figures["ivo_projects_total"] == stated_total


def test_ivo_phase2_project_counts_match_the_source(tables):
    phase2 = _ivo_project_block().split("フェーズⅡ")[1]
    stated_total = int(re.search(r"計\s*(\d+)\s*件", phase2).group(1))
    yearly = {
        int(y): (int(n), note)
        for y, n, note in re.findall(r"(\d{4})\s*年度\s*:\s*(\d+)\s*件\((.+?)\)", phase2)
    }
    assert sum(n for n, _ in yearly.values()) == stated_total
    table = tables["ivo_projects"].set_index("fiscal_year")
    stored = table[table["phase2_projects"].notna()]
    assert {y: (int(r.phase2_projects), r.phase2_note_ja) for y, r in stored.iterrows()} == yearly
    assert tables["key_figures"].set_index("metric")["value"]["ivo_phase2_projects_total"] == stated_total


# --- discovery: datasets() and search() ---------------------------------------------------------------


def test_datasets_lists_every_resource_with_its_row_count():
    listing = workplan.datasets()
    assert list(listing["name"]) == NAMES
    for row in listing.itertuples(index=False):
        assert row.rows == len(workplan.load(row.name)), row.name
        assert row.path == f"data/{RESOURCES[row.name]['path']}"
        assert row.title == RESOURCES[row.name]["title"]
        assert row.title_ja == RESOURCES[row.name]["title_ja"]


def test_readme_documents_every_dataset_with_its_columns_and_row_count(tables):
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    summary = dict(re.findall(r"^\| \[`(\w+)`\]\(#\w+\) \| (\d+) \|", readme, flags=re.M))
    assert {n: int(r) for n, r in summary.items()} == {n: len(t) for n, t in tables.items()}
    for name in NAMES:
        section = readme.split(f"\n### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert f"`{name}.csv`, {len(tables[name])} rows." in section, name
        documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        assert documented == field_names(name), name


def test_unknown_dataset_raises_with_the_known_names():
    with pytest.raises(UnknownDatasetError) as info:
        workplan.load("ivo_project")
    message = str(info.value)
    assert "'ivo_project'" in message
    for name in NAMES:
        assert name in message
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownDatasetError):
        Catalog(DATA_DIR).resource("nope")


# --- caching -------------------------------------------------------------------------------------------


def test_loaded_tables_are_cached_per_catalog(monkeypatch):
    reads: list[str] = []
    original = Catalog._read_and_check

    def counting(self, resource):
        reads.append(resource.name)
        return original(self, resource)

    monkeypatch.setattr(Catalog, "_read_and_check", counting)
    fresh = Catalog(DATA_DIR)
    first = fresh.load("ivo_projects")
    second = fresh.load("ivo_projects")
    pd.testing.assert_frame_equal(first, second)
    fresh.load("key_figures")  # already read for the stated totals of ivo_projects
    assert reads.count("ivo_projects") == 1
    assert reads.count("key_figures") == 1
    fresh.load_all()
    assert sorted(reads) == sorted(NAMES)


def test_default_catalog_is_cached_across_calls(monkeypatch):
    workplan.load("countries")
    calls: list[str] = []
    monkeypatch.setattr(Catalog, "_read_and_check", lambda self, r: calls.append(r.name))
    workplan.load("countries")
    assert calls == []


def test_mutating_a_returned_table_does_not_change_the_next_load():
    fresh = Catalog(DATA_DIR)
    table = fresh.load("ivo_forums")
    pristine = table.copy(deep=True)
    table.loc[0, "city_en"] = "Atlantis"
    table.loc[0, "year"] = 1900
    table["status"] = table["status"].cat.rename_categories(lambda c: c.upper())
    del table["note_en"]
    table.iloc[1, 0] = 1800
    pd.testing.assert_frame_equal(fresh.load("ivo_forums"), pristine)


# --- membership as of a date --------------------------------------------------------------------------


def test_members_on_the_eve_of_timor_leste_joining():
    members = wp_countries.members_on("2025-10-25")
    assert len(members) == 10
    assert "TLS" not in set(members["iso3"])


def test_members_on_the_day_timor_leste_joined():
    members = wp_countries.members_on("2025-10-26")
    assert len(members) == 11
    assert "TLS" in set(members["iso3"])


def test_country_codes_agree_with_iso_3166(tables):
    pycountry = pytest.importorskip("pycountry")
    for row in tables["countries"].itertuples(index=False):
        assert pycountry.countries.get(alpha_3=row.iso3).alpha_2 == row.iso2, row.iso3


# --- coverage of the numbers in the source -------------------------------------------------------------

# Digits that are not facts to record; each with the reason. Every pattern must still match the text.
COVERAGE_EXCLUSIONS: list[tuple[str, str]] = [
    (r"G7", "part of a name: G7 (Group of Seven), as in G7広島サミット"),
    (r"5G", "part of a name: 5G (fifth-generation mobile networks)"),
    (r"WSIS\+20", "part of a name: the WSIS+20 review"),
    (r"ASEANデジタルマスタープラン2030", "part of a document name: ASEAN Digital Masterplan 2030"),
    (r"(?m)^[79]$", "slide page numbers '7' (before the AJCCBC slide) and '9' (before 5G/Open RAN)"),
    (r"2\s*国間", "part of a word: 2国間 = bilateral, not a count"),
    (
        r"(?m)(?:^|(?<=[\s|]))\d{1,2}\.(?=\s)",
        "list numbering '1.', '2.', ...: pillars, AI points, framework and AJCCBC components "
        "(checked against the tables by the fact tests below)",
    ),
    (
        r"(?m)^[12] (?=広島AIプロセス$|アウトリーチ活動$)",
        "section numbers 1 / 2 of the Hiroshima AI Process slide",
    ),
]

YEAR = r"(?:19|20)\d{2}"
# Counted quantities: (pattern, how to get the value from the groups)
QUANTITIES: list[tuple[str, object]] = [
    (r"第(\d+)回", lambda g: int(g[0])),
    (r"(\d+)\s*周年", lambda g: int(g[0])),
    (r"(\d+)\s*年間", lambda g: int(g[0])),
    (r"(\d+)\s*万\s*米ドル", lambda g: int(g[0]) * 10_000),
    (r"(\d+)年に(\d+)度", lambda g: int(g[1]) / int(g[0])),
    (r"(\d+)\s*件", lambda g: int(g[0])),
    (r"(\d+)\s*[かカヶケ]\s*国", lambda g: int(g[0])),
    (r"(\d+)\s*の国・地域", lambda g: int(g[0])),
    (r"(\d+)\s*機関", lambda g: int(g[0])),
]


def _line_of(pos: int) -> int:
    return RAW_TEXT.count("\n", 0, pos) + 1


def _precision_column(columns: list[str], date_column: str) -> str | None:
    for candidate in (f"{date_column}_precision", date_column.removesuffix("_date") + "_precision"):
        if candidate in columns:
            return candidate
    return None


def _dates(tables: dict[str, pd.DataFrame]) -> list[tuple[str, pd.Timestamp, str | None]]:
    out = []
    for name, table in tables.items():
        for f in fields_of(name):
            if f.get("type") != "date":
                continue
            precision = _precision_column(list(table.columns), f["name"])
            for i, value in table[f["name"]].items():
                if pd.notna(value):
                    p = None if precision is None else table.at[i, precision]
                    out.append((f"{name}.{f['name']}", value, None if pd.isna(p) else str(p)))
    return out


def _coverage_failures(tables: dict[str, pd.DataFrame]) -> tuple[list[str], dict[str, int]]:
    digits = {m.start(): m for m in re.finditer(r"\d+", RAW_TEXT)}
    claimed: dict[int, str] = {}

    def claim(match: re.Match, groups: tuple[int, ...] | None = None) -> bool:
        """Claim the digit runs of the match (or of the given groups); False if any was claimed before."""
        spans = [match.span(g) for g in groups] if groups else [match.span()]
        starts = [s for s in digits if any(a <= s < b for a, b in spans)]
        if any(s in claimed for s in starts):
            return False
        for s in starts:
            claimed[s] = match.group(0)
        return True

    hits = {reason: 0 for _, reason in COVERAGE_EXCLUSIONS}
    for pattern, reason in COVERAGE_EXCLUSIONS:
        for m in re.finditer(pattern, RAW_TEXT):
            if claim(m):
                hits[reason] += 1

    numeric = {
        float(v)
        for t in tables.values()
        for c in t.columns
        if t[c].dtype in ("Int64", "Float64")
        for v in t[c].dropna()
    }
    integers = {
        int(v) for t in tables.values() for c in t.columns if t[c].dtype == "Int64" for v in t[c].dropna()
    }
    dates = _dates(tables)
    failures: list[str] = []

    def where(m: re.Match) -> str:
        return f"L{_line_of(m.start())} {m.group(0)!r}"

    def has_month(year: int, month: int) -> bool:
        return any(d.year == year and d.month == month and d.day == 1 and p == "month" for _, d, p in dates)

    # Year and month, end of month ("2025年12月末現在": the last day, precision day)
    for m in re.finditer(rf"({YEAR})年(\d{{1,2}})月末", RAW_TEXT):
        if claim(m):
            y, mo = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(y, mo)[1]
            if not any((d.year, d.month, d.day, p) == (y, mo, last, "day") for _, d, p in dates):
                failures.append(f"{where(m)}: no date {y}-{mo:02d}-{last} of precision day")
    # Year and month: a month-precision date
    for pattern in (rf"({YEAR})年(\d{{1,2}})月", rf"({YEAR})\.\s*(\d{{1,2}}):"):
        for m in re.finditer(pattern, RAW_TEXT):
            if claim(m) and not has_month(int(m.group(1)), int(m.group(2))):
                failures.append(f"{where(m)}: no month-precision date {m.group(1)}-{int(m.group(2)):02d}")
    # Month without a year ("同年10月及び12月"): the year is the last one written before it
    for m in re.finditer(r"(?<![年\d])(\d{1,2})月", RAW_TEXT):
        if claim(m):
            year = int(re.findall(rf"({YEAR})年", RAW_TEXT[: m.start()])[-1])
            if not has_month(year, int(m.group(1))):
                failures.append(f"{where(m)}: no month-precision date {year}-{int(m.group(1)):02d}")
    # Counted quantities: a typed value of a row whose source quote holds the words
    for pattern, value_of in QUANTITIES:
        for m in re.finditer(pattern, RAW_TEXT):
            groups = tuple(range(1, (m.re.groups or 0) + 1))
            if not claim(m, groups):
                continue
            value = float(value_of(m.groups()))
            words = flat(m.group(0))
            if not _quantity_recorded(tables, value, words):
                failures.append(f"{where(m)}: no typed value {value:g} in a row quoting {words!r}")
    # Years (fiscal years, bare years, years in names such as ワークプラン2026)
    for m in re.finditer(rf"(?<!\d)({YEAR})(?!\d)", RAW_TEXT):
        if claim(m):
            year = int(m.group(1))
            if year not in integers and not any(d.year == year for _, d, _ in dates):
                failures.append(f"{where(m)}: year {year} in no date or integer column")
    # Anything else: some typed value or date part
    for start, m in digits.items():
        if start not in claimed:
            n = int(m.group(0))
            parts = {x for _, d, _ in dates for x in (d.year, d.month, d.day)}
            if float(n) not in numeric and n not in parts:
                failures.append(f"{where(m)} (line: {RAW_LINES[_line_of(start) - 1].strip()!r}): in no table")
    return failures, hits


def _quantity_recorded(tables: dict[str, pd.DataFrame], value: float, words: str) -> bool:
    for table in tables.values():
        numbers = [c for c in table.columns if table[c].dtype in ("Int64", "Float64")]
        quotes = [c for c in table.columns if c.endswith("source_quote")]
        for _, row in table.iterrows():
            if any(pd.notna(row[c]) and float(row[c]) == value for c in numbers) and any(
                pd.notna(row[q]) and words in flat(row[q]) for q in quotes
            ):
                return True
    return False


PLAN_QUOTED = [name for name in NAMES if RESOURCES[name].get("x-source-quote", "plan") == "plan"]


@pytest.fixture(scope="module")
def coverage(tables) -> tuple[list[str], dict[str, int]]:
    return _coverage_failures({name: tables[name] for name in PLAN_QUOTED})


def test_every_number_in_the_source_is_recorded(coverage):
    failures, _ = coverage
    assert not failures, "numbers of the raw text missing from the tables:\n" + "\n".join(failures)


def test_every_coverage_exclusion_is_used(coverage):
    _, hits = coverage
    unused = [reason for reason, n in hits.items() if n == 0]
    assert not unused, f"exclusions matching nothing in the raw text: {unused}"


def _years_months_of_quote(quote: str, first_line: int) -> set[tuple[int, int | None]]:
    """(year, month) pairs the words give; a month with no year (同年10月, 及び12月) takes the last year
    written in the source before the quote's first line; 本年 is the plan's year, read from its title."""
    text = flat(quote)
    found: set[tuple[int, int | None]] = set()
    context = re.findall(r"(\d{4})年", flat("\n".join(RAW_LINES[: first_line - 1])))
    plan_year = int(re.search(r"デジタルワークプラン(\d{4})\(ADGMIN", RAW_FLAT).group(1))
    for y, m in re.findall(r"(\d{4})(?:年|\.)(\d{1,2})(?:月|:)", text):
        found |= {(int(y), int(m)), (int(y), None)}
    for y in re.findall(r"(\d{4})年(?!度)", text):
        found.add((int(y), None))
    for m in re.findall(r"(?:同年|及び)(\d{1,2})月", text):
        found |= {(int(context[-1]), int(m)), (int(context[-1]), None)}
    if "本年" in text:
        found.add((plan_year, None))
    return found


def test_every_date_in_the_tables_is_in_its_own_rows_words(tables):
    """Not 'somewhere in the source': the year (and month) must be what the row's own quote says."""
    outside = {"countries.asean_joined"}  # joining dates: outside_source (ASEAN's record), not the plan
    problems = []
    for name in PLAN_QUOTED:
        table = tables[name]
        for f in fields_of(name):
            column = f"{name}.{f['name']}"
            is_year = f.get("type") == "integer" and re.fullmatch(r"(\w+_)?year", f["name"])
            if column in outside or (f.get("type") != "date" and not is_year):
                continue
            precision_column = _precision_column(list(table.columns), f["name"])
            for i, row in table.iterrows():
                value = row[f["name"]]
                if pd.isna(value):
                    continue
                if name == "ajccbc_support" and pd.notna(row["outside_source"]) and f["name"] == "start_date":
                    continue  # the start of JAIF support rests on the outside source the row names
                if name == "actions" and row["year_basis"] == "plan_title":
                    continue  # dated by the plan's title (checked below)
                year = int(value) if is_year else value.year
                precision = None if precision_column is None else row[precision_column]
                month = value.month if (not is_year and precision in ("month", "day")) else None
                lines = row["source_lines"]
                words = _years_months_of_quote(row["source_quote"], int(re.match(r"L(\d+)", lines).group(1)))
                if name == "ivo_projects" and f["name"] == "fiscal_year":
                    words = {(int(y), None) for y in re.findall(r"(\d{4})年度", flat(row["source_quote"]))}
                if (year, month) not in words:
                    problems.append(
                        f"{column} row {i + 1}: {year}-{month} not in its words {row['source_quote']!r}"
                    )
    assert not problems, "\n".join(problems)


def test_actions_dated_by_the_plan_title_carry_the_title_year(tables):
    title_year = int(re.search(r"デジタルワークプラン(\d{4})\(ADGMIN", RAW_FLAT).group(1))
    actions = tables["actions"]
    by_title = actions[actions["year_basis"] == "plan_title"]
    assert not by_title.empty and (by_title["year"] == title_year).all()
    for row in by_title.itertuples():
        # had the words given the year, the basis would be 'stated'
        assert f"{title_year}年" not in flat(row.source_quote) and "本年" not in row.source_quote, (
            row.action_id
        )


# --- facts against the source -------------------------------------------------------------------------


def _ivo_forum_venues() -> dict[int, dict]:
    start = next(i for i, line in enumerate(RAW_LINES) if line.strip().endswith("開催地:"))
    block = []
    for line in RAW_LINES[start + 1 :]:
        if not re.match(rf"\s*{YEAR}\.", line):
            break
        block.append(line.strip())
    entries = re.findall(
        rf"({YEAR})\.\s*(\d{{1,2}}):\s*(.+?)\s*(?=(?:{YEAR})\.\s*\d{{1,2}}:|$)", " ".join(block)
    )
    venues = {}
    for year, month, text in entries:
        planned = "(予定)" in text
        text = text.replace("(予定)", "").strip()
        place = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
        venues[int(year)] = {
            "month": int(month),
            "planned": planned,
            "online": text.endswith("開催"),
            "text": text,
            "city": place.group(1) if place else text,
            "country": place.group(2) if place else None,
        }
    return venues


def test_source_lists_twelve_ivo_forums():
    venues = _ivo_forum_venues()
    assert sorted(venues) == list(range(2015, 2027))
    assert venues[2019]["city"] == "Manila" and venues[2019]["country"] == "Philippines"


@pytest.mark.parametrize("year", range(2015, 2027))
def test_ivo_forum_venue_matches_the_source(tables, year):
    venue = _ivo_forum_venues()[year]
    forums = tables["ivo_forums"].set_index("year")
    row = forums.loc[year]
    assert row["month"] == venue["month"]
    assert row["date"] == pd.Timestamp(year, venue["month"], 1) and row["date_precision"] == "month"
    assert row["status"] == ("planned" if venue["planned"] else "held")
    if venue["online"]:
        assert row["format"] == "online"
        assert row["online_wording_ja"] == venue["text"]
        assert pd.isna(row["city_en"]) and pd.isna(row["country_iso3"])
    else:
        assert row["format"] == "in_person"
        assert row["city_en"] == venue["city"]
        if venue["country"] is None:
            assert pd.isna(row["country_en_as_printed"])
        else:
            assert row["country_en_as_printed"] == venue["country"]
        pycountry = pytest.importorskip("pycountry")
        printed = venue["country"] or venue["city"]  # Singapore: a city-state printed without a country
        assert row["country_iso3"] == pycountry.countries.search_fuzzy(printed)[0].alpha_3


def test_friends_group_asean_members_match_the_source(tables):
    pattern = r"ASEAN\s*(\d+)\s*か国（([^）]+)）を含む(\d+)の国・地域が参加（(\d{4})年(\d{1,2})月末現在）"
    m = re.search(pattern, RAW_TEXT)
    assert m, "Friends Group sentence not found in the raw text"
    listed = m.group(2).split("、")
    assert len(listed) == int(m.group(1)) == 9
    iso_by_name = dict(zip(tables["countries"]["name_ja"], tables["countries"]["iso3"], strict=True))
    assert all(name in iso_by_name for name in listed), listed
    members = tables["memberships"]
    assert list(members["iso3"]) == [iso_by_name[name] for name in listed]  # in the order listed
    assert (members["body"] == "hiroshima_ai_process_friends_group").all()
    year, month = int(m.group(4)), int(m.group(5))
    assert (members["as_of"] == pd.Timestamp(year, month, calendar.monthrange(year, month)[1])).all()
    figures = tables["key_figures"].set_index("metric")["value"]
    assert figures["friends_group_asean_participants"] == len(listed)
    assert figures["friends_group_participants"] == int(m.group(3))


def test_cyber_collaborative_activities_match_the_source(tables):
    lines = section_lines("協力活動\t概要", "")
    rows = [line.split("\t") for line in lines]
    assert len(rows) == 7 and all(len(r) == 2 for r in rows)
    table = tables["cyber_activities_2026"].sort_values("activity_id")
    assert list(table["activity_id"]) == list(range(1, 8))
    assert list(table["activity_ja"]) == [r[0].strip() for r in rows]
    assert list(table["summary_ja"]) == [r[1].strip() for r in rows]


def test_ai_points_match_the_source(tables):
    lines = section_lines("総論", "1 広島AIプロセス")
    points, category, order = {}, "総論", 1
    for line in (line.strip() for line in lines):
        m = re.fullmatch(r"(\d{1,2})\.\s*(.+)", line)
        if m:
            points[int(m.group(1))] = (m.group(2), category, order)
        elif line:
            category, order = line, order + 1
    assert sorted(points) == list(range(1, 17))
    table = tables["ai_principles"].set_index("number")
    assert sorted(table.index) == sorted(points)
    for number, (text, category, order) in points.items():
        row = table.loc[number]
        assert flat(row["text_ja"]) == flat(text), number
        assert row["category_ja"] == category, number
        assert row["category_order"] == order, number
    count = tables["key_figures"].set_index("metric")["value"]["ai_principles_count"]
    assert count == max(points)


def test_pillars_match_the_overview_slide(tables):
    lines = section_lines(
        "日ASEANデジタルワークプラン2026における取組", "ASEANデジタルマスタープラン2030の達成に力強く貢献"
    )
    pillars = dict(re.findall(r"(?m)^(\d)\.\s*(.+?)\s*$", "\n".join(lines)))
    table = tables["pillars"]
    assert dict(zip(table["pillar_id"].astype(str), table["name_ja"], strict=True)) == pillars


def test_hiroshima_framework_components_match_the_source(tables):
    start = RAW_TEXT.index("広島AIプロセス包括的政策枠組\n")
    table_text = RAW_TEXT[start : RAW_TEXT.index("(参考) 国際指針", start)]
    cells = dict(re.findall(r"(\d)\.\s*([^|]+?)\s*(?=\||$)", table_text, flags=re.M))
    assert sorted(cells) == ["1", "2", "3", "4"]
    components = tables["hiroshima_process"]
    components = components[components["element_type"] == "framework_component"]
    assert sorted(components["number"]) == [1, 2, 3, 4]
    for row in components.itertuples(index=False):
        cell = flat(cells[str(row.number)])
        # "(下表)" (see the table below) is a pointer of the slide, not part of the title
        assert cell.removeprefix(flat(row.text_ja)) in ("", "(下表)"), row.number


def test_next_ajccbc_support_components_match_the_source(tables):
    line = next(line for line in RAW_LINES if line.startswith("実施概要\t"))
    items = re.findall(r"(\d)\.\s*(.+?)（(継続|新規)）", line)
    assert [int(n) for n, _, _ in items] == [1, 2, 3, 4]
    table = tables["ajccbc_components"].sort_values("number")
    assert list(table["phase_id"].unique()) == ["next"]
    for (n, text, continuity), row in zip(items, table.itertuples(index=False), strict=True):
        assert row.number == int(n)
        assert flat(row.text_ja) == flat(text)
        assert row.continuity == {"継続": "continued", "新規": "new"}[continuity]
        assert row.non_exhaustive == ("等" in text or "など" in text)  # README: 等 / など -> non_exhaustive


def test_ict_fund_projects_match_the_source(tables):
    rows = re.findall(r"(?m)^(.+?)\t(\d{4})年承認\t提案国：(.+)$", RAW_TEXT)
    assert len(rows) == 4
    table = tables["ict_fund_projects"].sort_values("project_id")
    assert list(table["title_ja"]) == [r[0].strip() for r in rows]
    assert list(table["approved_year"]) == [int(r[1]) for r in rows]
    assert list(table["proposer_ja"]) == [r[2].strip() for r in rows]


def test_every_ordinal_of_the_source_is_an_ordinal_row_and_no_quantity(tables):
    """第N回 and N周年 number things; they live in ordinals, never among the key figures' quantities."""
    printed = [
        (m.group(0), int(m.group(1) or m.group(2))) for m in re.finditer(r"第(\d+)回|(\d+)周年", RAW_TEXT)
    ]
    assert len(printed) == 3
    ordinals = tables["ordinals"]
    for words, n in printed:
        rows = ordinals[[words in flat(q) for q in ordinals["source_quote"]]]
        assert list(rows["ordinal"]) == [n], words
        assert words in flat(rows["label_ja"].iloc[0]), words
        assert rows["form"].iloc[0] == ("anniversary" if words.endswith("周年") else "occurrence")
    assert len(ordinals) == len(printed)
    figures = tables["key_figures"]
    for words, _ in printed:
        assert not any(words in flat(q) for q in figures["source_quote"]), words
    assert "ordinal" not in set(figures["unit"].cat.categories)
    # the ordinal numbers what its row points to: the 18th meeting is the dated event of that caption
    meeting = ordinals.set_index("ordinal_id").loc["cyber_policy_meeting_18"]
    event = tables["events"].set_index("event_id").loc[meeting["event_id"]]
    assert flat(meeting["source_quote"]) in flat(event["source_quote"])


def test_ivo_proposal_targets_match_the_source(tables):
    m = re.search(r"目指し、(.+?)からの提案採択を予定", RAW_TEXT)
    names = m.group(1).split("、")
    assert names == ["カンボジア", "ラオス", "ミャンマー"]
    assert list(tables["ivo_proposal_targets"]["name_ja"]) == names


# --- sections, ids and statuses -----------------------------------------------------------------------

SECTION_LINES = {
    section: tuple(int(n) for n in re.match(r"raw lines L(\d+)-L(\d+)", text).groups())
    for section, text in DESCRIPTOR["x-vocabularies"]["section_id"].items()
}


def _flat_line_numbers() -> list[int]:
    """For each character of RAW_FLAT, the raw line it comes from."""
    numbers = []
    for n, line in enumerate(RAW_LINES, start=1):
        numbers.extend([n] * len(flat(line)))
    return numbers


FLAT_LINE = _flat_line_numbers()


def _section_of_line(line: int) -> str | None:
    return next((s for s, (a, b) in SECTION_LINES.items() if a <= line <= b), None)


def test_sections_cover_the_raw_text_in_order():
    ranges = list(SECTION_LINES.values())
    assert ranges == sorted(ranges)
    assert all(a <= b < c for (a, b), (c, _) in zip(ranges, ranges[1:], strict=False))
    assert ranges[-1][1] == len(RAW_TEXT.rstrip("\n").split("\n"))
    uncovered = [n for n, line in enumerate(RAW_LINES, 1) if line.strip() and _section_of_line(n) is None]
    assert not uncovered, f"non-blank raw lines in no section: {uncovered}"


SECTIONED = [name for name in NAMES if "section_id" in field_names(name)]


def _lines_of(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"L(\d+)(?:-L(\d+))?", value)
    assert m, f"not a line range: {value!r}"
    return int(m.group(1)), int(m.group(2) or m.group(1))


@pytest.mark.parametrize("name", SECTIONED)
def test_row_section_is_the_section_of_its_lines(name):
    """section_id names the part of the source the row's words are on (not any part where they occur)."""
    problems = []
    for i, row in raw_csv(name).iterrows():
        first, _ = _lines_of(row["source_lines"])
        if _section_of_line(first) != row["section_id"]:
            problems.append(f"{name} row {i + 1} ({row.iloc[0]}): {row['section_id']} but L{first}")
    assert not problems, "\n".join(problems)


LOCATED = [
    pytest.param(name, f["name"], f["x-locates"], id=f"{name}.{f['name']}")
    for name in NAMES
    for f in fields_of(name)
    if "x-locates" in f
]


def test_every_quote_of_the_plan_is_located():
    for name in NAMES:
        quotes = [c for c in field_names(name) if c.endswith("source_quote")]
        located = {f["x-locates"] for f in fields_of(name) if "x-locates" in f}
        if RESOURCES[name].get("x-source-quote", "plan") == "plan":
            assert set(quotes) == located, name
        else:
            assert not located, name


@pytest.mark.parametrize(("name", "lines_column", "quote_column"), LOCATED)
def test_every_quote_is_on_the_lines_its_row_gives(name, lines_column, quote_column):
    """The words start on the first line given and end on the last, all within one section (one place)."""
    problems = []
    for i, row in raw_csv(name).iterrows():
        where = f"{name} row {i + 1} ({row.iloc[0]})"
        quote, lines = flat(row[quote_column]), row[lines_column]
        if not quote or not lines:
            if bool(quote) != bool(lines):
                problems.append(f"{where}: {quote_column} and {lines_column} must be filled together")
            continue
        first, last = _lines_of(lines)
        if _section_of_line(first) != _section_of_line(last) or _section_of_line(first) is None:
            problems.append(f"{where}: {lines} cross sections of the source")
            continue
        text = [flat(line) for line in RAW_LINES[first - 1 : last]]
        joined = "".join(text)
        position = joined.find(quote)
        if position < 0:
            problems.append(f"{where}: {quote_column} is not within {lines}")
        elif position >= len(text[0]) or position + len(quote) <= len(joined) - len(text[-1]):
            problems.append(f"{where}: {quote_column} does not start on L{first} and end on L{last}")
    assert not problems, "\n".join(problems)


def test_slide_numbers_are_the_lone_numbers_printed_on_their_slides():
    """The lone lines '7' and '9' are slide numbers; a row on such a slide records it, other rows none."""
    lone = {
        n: int(line) for n, line in enumerate(RAW_LINES, start=1) if re.fullmatch(r"\d{1,2}", line.strip())
    }
    assert lone == {196: 7, 237: 9}
    slide_of_section = {_section_of_line(n): number for n, number in lone.items()}
    checked = 0
    for name in NAMES:
        if "source_slide" not in field_names(name):
            continue
        for i, row in raw_csv(name).iterrows():
            if not row["source_lines"]:
                assert row["source_slide"] == "", f"{name} row {i + 1}"
                continue
            expected = slide_of_section.get(_section_of_line(_lines_of(row["source_lines"])[0]))
            assert row["source_slide"] == ("" if expected is None else str(expected)), f"{name} row {i + 1}"
            checked += expected is not None
    assert checked > 10  # the AJCCBC and 5G/Open RAN slides hold many rows


GLOSSARY_NOT_IN_SOURCE = {"MIC": "総務省", "METI": "経済産業省"}
GLOSSARY_FIRST_SEEN_ERRORS: dict[str, str] = {}  # acronym -> known data error (none at present)


def _glossary_params():
    for row in raw_csv("glossary").itertuples(index=False):
        marks = []
        if row.acronym in GLOSSARY_FIRST_SEEN_ERRORS:
            reason = "data error in data/glossary.csv: " + GLOSSARY_FIRST_SEEN_ERRORS[row.acronym]
            marks = [pytest.mark.xfail(strict=True, reason=reason)]
        yield pytest.param(row.acronym, row.first_seen, row.source_quote, id=row.acronym, marks=marks)


@pytest.mark.parametrize(("acronym", "first_seen", "quote"), list(_glossary_params()))
def test_glossary_first_seen_is_the_section_of_the_first_occurrence(acronym, first_seen, quote):
    """first_seen = "Section where the acronym first occurs" (schema). MIC / METI: their Japanese name."""
    written_as = GLOSSARY_NOT_IN_SOURCE.get(acronym, acronym)  # the source writes these two in Japanese only
    before = r"(?<![A-Za-z])" if written_as[0].isalpha() else ""
    after = r"(?![A-Za-z])" if written_as[-1].isalpha() else ""
    match = re.search(before + re.escape(written_as) + after, RAW_TEXT)
    assert match, f"{acronym} not in the raw text"
    if acronym in GLOSSARY_NOT_IN_SOURCE:
        assert not re.search(rf"(?<![A-Za-z]){acronym}(?![A-Za-z])", RAW_TEXT)
        assert written_as in flat(quote)
    line = _line_of(match.start())
    assert _section_of_line(line) == first_seen, f"{acronym} first occurs on raw L{line}"


def test_ids_agree_with_their_parts(tables):
    initiatives = tables["initiatives"]
    parts = initiatives["initiative_id"].str.split(".", expand=True).astype(int)
    assert (parts[0] == initiatives["pillar_id"]).all() and (
        parts[1] == initiatives["number_in_pillar"]
    ).all()
    actions = tables["actions"]
    assert (
        actions["action_id"] == actions["initiative_id"] + "-" + actions["order_in_initiative"].astype(str)
    ).all()
    for name, table in tables.items():
        if {"pillar_id", "initiative_id"} <= set(table.columns):
            both = table.dropna(subset=["pillar_id", "initiative_id"])
            pillar = both["initiative_id"].str.split(".").str[0].astype(int)
            assert (pillar == both["pillar_id"]).all(), name
    elements = tables["hiroshima_process"]
    assert (
        elements["element_id"]
        == elements["element_id"].str.split("_").str[0] + "_" + elements["number"].astype(str)
    ).all()
    assert (
        elements["element_id"].str.startswith("component")
        == (elements["element_type"] == "framework_component")
    ).all()


def test_event_status_agrees_with_its_dates():
    """x-vocabularies.status, relative to the plan's publication (January 2026)."""
    publication = pd.Timestamp("2026-01-01")
    events = workplan.load("events")
    for row in events.itertuples(index=False):
        has_end = pd.notna(row.end_date)
        expected = {
            "held": row.date <= publication,
            "completed": has_end and row.end_date < publication,
            "ongoing": row.date < publication and (not has_end or row.end_date >= publication),
            "planned": row.date >= publication,
            "provisional": row.date >= publication,
        }[row.status]
        assert expected, f"{row.event_id}: {row.status} with {row.date.date()}..{row.end_date}"


# --- environment ---------------------------------------------------------------------------------------


def test_raw_source_is_unchanged():
    readme = (DATA_DIR / "raw" / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"SHA-256 \| `([0-9a-f]{64})`", readme).group(1)
    assert hashlib.sha256(RAW_FILE.read_bytes()).hexdigest() == stated
    assert sorted(p.name for p in (DATA_DIR / "raw").glob("*.txt")) == [RAW_FILE.name]


def test_raw_readme_describes_the_file():
    readme = (DATA_DIR / "raw" / "README.md").read_text(encoding="utf-8")
    data = RAW_FILE.read_bytes()
    lines = int(re.search(r"(\d+) lines", readme).group(1))
    size = int(re.search(r"([\d,]+) bytes", readme).group(1).replace(",", ""))
    assert (data.count(b"\n") + (not data.endswith(b"\n")), len(data)) == (lines, size)
    assert b"\r" not in data


# --- every fact table, row by row, against the source ------------------------------------------------------


def _section_text(lines: str) -> str:
    first, _ = _lines_of(lines)
    a, b = next((a, b) for a, b in SECTION_LINES.values() if a <= first <= b)
    return flat("\n".join(RAW_LINES[a - 1 : b])).replace("*", "")


VERBATIM = [
    pytest.param(name, f["name"], f["x-verbatim"], id=f"{name}.{f['name']}")
    for name in NAMES
    for f in fields_of(name)
    if "x-verbatim" in f
]


@pytest.mark.parametrize(("name", "column", "scope"), VERBATIM)
def test_words_copied_from_the_source_are_in_it(name, column, scope):
    """x-verbatim: the value is the source's words, on the row's slide (or, for repeated names, anywhere)."""
    table = raw_csv(name)
    joined = table.get("text_source", pd.Series("", index=table.index)) == "detail_list_joined"
    problems = []
    for i, row in table.iterrows():
        value = row[column]
        if not filled(value) or not filled(row["source_lines"]):
            continue
        text = _section_text(row["source_lines"]) if scope == "section" else RAW_FLAT.replace("*", "")
        parts = value.split(" / ") if joined[i] else [value]
        for part in parts:
            if flat(part).replace("*", "") not in text:
                problems.append(
                    f"{name} row {i + 1} ({row.iloc[0]}): {column} {part!r} not in the source ({scope})"
                )
    assert not problems, "\n".join(problems)


def test_every_japanese_column_is_copied_or_says_it_is_ours():
    """A _ja column is either the source's words (x-verbatim) or described as built or translated."""
    ours = ("built", "our rendering", "translation", "Label in Japanese", "Short title", "our ", "English")
    for name in NAMES:
        for f in fields_of(name):
            if f["name"].endswith("_ja") and "x-verbatim" not in f:
                description = f.get("description", "") + " " + RESOURCES[name].get("description", "")
                assert any(word in description for word in ours) or name in (
                    "glossary",
                    "ivo_forums",
                    "ajccbc_support",
                ), f"{name}.{f['name']}"


def test_actions_continuity_and_etc_are_what_their_words_say(tables):
    """README: continued only where the source says so (継続, 継続的に, さらに, 本年も); 等/など -> non_exhaustive."""
    for row in tables["actions"].itertuples():
        words = flat(row.text_ja) + flat(row.examples_ja if isinstance(row.examples_ja, str) else "")
        # the activity itself continues (協力を継続, 継続して実施, 継続的に); not 支援継続に向けた (the support's)
        says_continued = re.search(r"を継続|継続して|継続的に|さらに|本年も", flat(row.text_ja)) is not None
        assert (row.continuity == "continued") == says_continued, row.action_id
        assert bool(row.non_exhaustive) == ("等" in words or "など" in words), row.action_id


def test_statuses_are_what_the_words_say(tables):
    """予定 -> planned, ※暫定 -> provisional, a date before publication -> held/completed."""
    for name, key in (
        ("apt_joint_research", "research_id"),
        ("ivo_proposal_targets", "iso3"),
        ("ivo_forums", "year"),
    ):
        for _, row in tables[name].iterrows():
            assert (row["status"] == "planned") == ("予定" in row["source_quote"]), (name, row[key])
    for row in tables["ajccbc_support"].itertuples():
        assert (row.status == "provisional") == ("※暫定" in row.source_quote), row.phase_id
        section = _section_text(row.source_lines)
        assert (row.total_cost_status == "under_coordination") == (
            row.phase_id == "next" and "総事業費調整中" in section
        )
        if isinstance(row.funder_ja, str):
            assert row.funder_ja in row.source_quote, row.phase_id
        if isinstance(row.name_en, str):
            assert flat(row.name_en) in RAW_FLAT, row.phase_id  # printed in English (L204)
    for row in tables["key_figures"].itertuples():
        qualifier = {"approximate": "およそ", "provisional": "※暫定", "planned": "予定"}.get(row.value_status)
        if qualifier:
            assert qualifier in row.source_quote, row.metric
        else:
            assert not any(w in row.source_quote for w in ("およそ", "※暫定", "予定")), row.metric
        assert (row.value_status == "derived") == (row.unit == "count"), row.metric


def test_frequencies_and_places_are_what_the_words_say(tables):
    for row in tables["meeting_channels"].itertuples():
        wording = row.frequency_ja if isinstance(row.frequency_ja, str) else ""
        expected = "approximate" if "およそ" in wording else "stated" if wording else "not_stated"
        assert row.frequency_precision == expected, row.channel_id
    names = dict(zip(tables["countries"]["name_ja"], tables["countries"]["iso3"], strict=True))
    for row in tables["apt_joint_research"].itertuples():
        assert (
            f"（{row.partner_name_ja}）" in flat(row.source_quote)
            and names[row.partner_name_ja] == row.partner_iso3
        )
    for row in tables["apt_trainings"].itertuples():
        if isinstance(row.place_ja, str):
            assert f"（{row.place_ja}）" in row.source_quote and row.place_iso3 == "JPN"
    for row in tables["ivo_proposal_targets"].itertuples():
        assert row.name_ja in row.source_quote and names[row.name_ja] == row.iso3
    for row in tables["ict_fund_projects"].itertuples():
        assert f"提案国：{row.proposer_ja}" in flat(row.source_quote)


def test_list_items_and_their_etc_are_what_the_words_say(tables):
    targets = tables["ajccbc_target_groups"]
    assert all(flat(t) in flat(q) for t, q in zip(targets["text_ja"], targets["source_quote"], strict=True))
    assert (targets["list_non_exhaustive"] == targets["source_quote"].str.endswith("等")).all()
    lists = tables["ivo_activities"].groupby("list_id", observed=True)
    for list_id, items in lists:
        last = items.sort_values("item_order").iloc[-1]
        assert items["list_non_exhaustive"].all() == last["text_ja"].endswith("等"), list_id
    for row in tables["document_mentions"].itertuples():
        assert flat(row.wording_ja) in flat(row.source_quote), row.mention_id
    for row in tables["basis_document_themes"].itertuples():
        assert f"{flat(row.partner_ja)}[{flat(row.field_ja)}]" in flat(row.source_quote)


def test_glossary_acronyms_are_in_their_words(tables):
    for row in tables["glossary"].itertuples():
        written = GLOSSARY_NOT_IN_SOURCE.get(row.acronym, row.acronym)
        assert written in row.source_quote, row.acronym
        if row.expansion_en_source == "plan":  # the plan spells it out, in English or in Japanese
            assert flat(row.expansion_en) in RAW_FLAT or flat(row.expansion_ja) in RAW_FLAT, row.acronym


# --- organisations and what they do -------------------------------------------------------------------------

ROLE_WORDS = {
    role: re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]+", meaning)
    for role, meaning in DESCRIPTOR["x-vocabularies"]["organisation_role"].items()
}
ROLE_TARGETS = {
    "channel_id": ("meeting_channels", "channel_id"),
    "phase_id": ("ajccbc_support", "phase_id"),
    "event_id": ("events", "event_id"),
    "action_id": ("actions", "action_id"),
    "ict_fund_project_id": ("ict_fund_projects", "project_id"),
    "ai_principle_number": ("ai_principles", "number"),
    "statement_id": ("statements", "statement_id"),
}


def test_every_body_the_plan_names_in_running_text_is_an_organisation(tables):
    organisations = tables["organisations"]
    names = (
        set(organisations["name_ja"]) | set(organisations["name_en"]) | set(organisations["acronym"].dropna())
    )
    for body in (
        "ASEAN AI Safety Network",
        "ASEAN Regional CERT",
        "ASEAN事務局",
        "総務省",
        "NICT",
        "JICA",
        "JAIF",
        "APT",
        "NCO",
        "経済産業省",
    ):
        assert body in RAW_TEXT
        assert body in names or any(body in n for n in names), body


def test_each_role_is_said_by_its_words_and_points_to_one_thing_on_the_same_slide(tables):
    organisations = tables["organisations"].set_index("org_id")
    for _, row in tables["organisation_roles"].iterrows():
        where = f"role {row['role_id']} ({row['org_id']} {row['organisation_role']})"
        words = flat(row["source_quote"])
        assert any(w in words for w in ROLE_WORDS[row["organisation_role"]]), where
        body = organisations.loc[row["org_id"]]
        named = [body["name_ja"]] + [body["acronym"]] * isinstance(body["acronym"], str)
        named += [body["name_en"]] * (body["name_en_source"] == "as_printed")  # printed in English
        implied = row["org_id"] == "asean_ivo"  # 毎年フォーラムを開催: the sentence's subject is ASEAN IVO
        assert implied or any(flat(n) in words for n in named), where
        targets = [c for c in ROLE_TARGETS if pd.notna(row[c])]
        assert len(targets) == 1, where
        dataset, key = ROLE_TARGETS[targets[0]]
        target = tables[dataset].set_index(key).loc[row[targets[0]]]
        assert _section_of_line(_lines_of(row["source_lines"])[0]) == _section_of_line(
            _lines_of(target["source_lines"])[0]
        ), where


def test_the_summit_is_a_channel_and_its_28th_meeting_an_ordinal(tables):
    channels = tables["meeting_channels"].set_index("channel_id")
    summit = channels.loc["asean_japan_summit"]
    assert flat(summit["name_ja"]) in flat(summit["source_quote"]) and summit["japan_role"] == "party"
    ordinal = tables["ordinals"].set_index("ordinal_id").loc["asean_japan_summit_28"]
    assert (
        ordinal["channel_id"] == "asean_japan_summit"
        and f"第{ordinal['ordinal']}回日ASEAN首脳会議" in RAW_FLAT
    )


def test_every_mention_of_a_referenced_document_is_recorded(tables):
    """Each place a referenced document's name (as the plan writes it there) occurs is a mention row."""
    mentions = tables["document_mentions"]
    located = {(row.doc_id, _lines_of(row.source_lines)[0]) for row in mentions.itertuples()}
    for row in tables["referenced_documents"].itertuples():
        forms = set(mentions.loc[mentions["doc_id"] == row.doc_id, "wording_ja"])
        for form in forms:
            for m in re.finditer(re.escape(flat(form)), RAW_FLAT):
                line = FLAT_LINE[m.start()]
                covered = any(d == row.doc_id and abs(line - first) <= 1 for d, first in located)
                longer = any(
                    flat(other) != flat(form)
                    and flat(form) in flat(other)
                    and flat(other) in RAW_FLAT[m.start() - 30 : m.end() + 30]
                    for other in forms
                )
                assert covered or longer, f"{row.doc_id}: {form} at L{line} has no mention row"
    assert (mentions["wording_ja"] == "国際指針").any()  # (参考) 国際指針, L176
    assert (
        len(mentions[mentions["doc_id"] == "hiroshima_comprehensive_policy_framework"]) == 2
    )  # L167 and L169


def test_the_printed_title_is_a_statement(tables):
    title = tables["statements"].set_index("statement_id").loc["plan_title"]
    assert title["kind"] == "title" and title["source_lines"] == "L4"
    assert title["text_ja"] == RAW_LINES[3].strip()


# --- one spelling of each English name -------------------------------------------------------------------------

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
# Words of outside pages, kept as written there, notes that discuss the variants they saw, and search words as typed.
AS_WRITTEN_ELSEWHERE = {
    ("english_names", "en_source_title"),
    ("english_names", "en_source_words"),
    ("english_names", "note_en"),
    ("outcomes", "source_title"),
    ("outcomes", "source_quote"),
    ("outcome_checks", "query"),  # the words typed into a search, kept as typed (searches fold case)
}


def _spelling(text: str) -> str:
    """Case, dashes and spacing folded, and Japan-ASEAN read as ASEAN-Japan: what makes two spellings one name."""
    folded = re.sub(rf"\s*[{DASHES}]\s*", "-", text.casefold()).replace(
        "\u2019", "'"
    )  # a typographic apostrophe too
    folded = re.sub(r"\s+", " ", folded)
    return folded.replace("japan-asean", "asean-japan")


def _texts_of_the_data() -> list[tuple[str, str]]:
    texts = []
    for name in NAMES:
        table = raw_csv(name)
        for column in table.columns:
            if (name, column) not in AS_WRITTEN_ELSEWHERE:
                texts += [(f"{name}.{column} row {i + 1}", v) for i, v in table[column].items() if filled(v)]
    texts.append(("datapackage.json", (DATA_DIR / "datapackage.json").read_text(encoding="utf-8")))
    for readme in (DATA_DIR / "README.md", PROJECT_ROOT / "CITATION.cff"):
        if readme.exists():
            texts.append((readme.name, readme.read_text(encoding="utf-8")))
    return texts


def _texts_of_the_project() -> list[tuple[str, str]]:
    """What readers see besides the data: labels and sentences of the library, the README, the notebooks' own text."""
    texts = [
        (p.name, p.read_text(encoding="utf-8"))
        for p in (PROJECT_ROOT / "README.md", PROJECT_ROOT / "pyproject.toml")
    ]
    library = PROJECT_ROOT / "lib" / "workplan"
    for path in sorted([*library.rglob("*.py"), *library.rglob("*.j2")]):
        texts.append((str(path.relative_to(PROJECT_ROOT)), path.read_text(encoding="utf-8")))
    for path in sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts.append((str(path.relative_to(PROJECT_ROOT)), "\n".join("".join(c["source"]) for c in cells)))
    return texts


def test_each_english_name_is_spelled_one_way_everywhere():
    """Hyphen or dash, ASEAN-Japan or Japan-ASEAN, case: a name in english_names has one spelling in the data."""
    names = raw_csv("english_names")["name_en"]
    texts = _texts_of_the_data()
    problems = []
    for name in names:
        wanted = _spelling(name)
        for where, text in texts:
            folded = _spelling(text)
            found = folded.count(wanted)
            if found and text.count(name) < found:
                problems.append(f"{where}: another spelling of {name!r}")
    assert not problems, "\n".join(problems)


def test_each_english_name_is_spelled_as_the_data_spells_it_in_labels_readme_and_notebooks():
    """The plan's title in a chart's source line or the README is the name english_names records, dash included."""
    names = raw_csv("english_names")["name_en"]
    problems = []
    for name in names:
        wanted = _spelling(name)
        for where, text in _texts_of_the_project():
            found = _spelling(text).count(wanted)
            if found and text.count(name) < found:
                problems.append(f"{where}: another spelling of {name!r}")
    assert not problems, "\n".join(problems)


def test_the_spelling_check_sees_dashes_order_and_case():
    assert _spelling("Japan–ASEAN Digital Work Plan 2026") == _spelling("Japan-ASEAN Digital Work Plan 2026")
    assert _spelling("28th ASEAN – Japan Summit") == _spelling("28th Japan-ASEAN summit")
    assert _spelling("ASEAN-Japan Summit") != _spelling("ASEAN Japan Summit")


def test_english_names_say_where_they_come_from(tables):
    for row in tables["english_names"].itertuples():
        sourced = [row.en_source_title, row.en_source_publisher, row.en_source_url, row.en_source_words]
        if row.en_status == "translation":
            assert all(pd.isna(v) for v in sourced), row.name_id
        else:  # the page's title may be missing where the copy read did not show it; never the rest
            assert all(isinstance(v, str) for v in sourced[1:]), row.name_id
            # the page's words show the name (dashes and spacing as the page writes them)
            assert _spelling(row.name_en) in _spelling(row.en_source_words) or _spelling(
                row.en_source_words
            ) in _spelling(row.name_en), row.name_id
    required = {
        "joint_vision_statement": "Trusted Partners",
        "asean_japan_summit_28": "28th ASEAN-Japan Summit",
        "ai_cocreation_initiative": "AI Co-Creation Initiative",
        "jdm_joint_statement_ai": "Digital Ministers' Joint Statement",
        "friendship_50th_year": "50th Year of ASEAN-Japan Friendship and Cooperation",
        "hiroshima_code_of_conduct": "Hiroshima Process International Code of Conduct",
        "plan_title": "Digital Work Plan 2026",
    }
    names = tables["english_names"].set_index("name_id")["name_en"]
    for name_id, words in required.items():
        assert words in names[name_id], name_id
    glossary = tables["glossary"].dropna(subset=["name_id"])
    for row in glossary.itertuples():
        assert row.expansion_en == names[row.name_id], row.acronym


# --- citable -------------------------------------------------------------------------------------------------

CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "title", "type", "url", "version",
}  # fmt: skip
CFF_REFERENCE_TYPES = {"report", "software", "dataset", "generic", "article", "book", "website", "standard"}


def test_citation_file_is_valid_cff_1_2_0():
    """The required keys and forms of CFF 1.2.0 (https://citation-file-format.github.io/1.2.0/schema)."""
    import yaml  # PyYAML comes with the pinned Jupyter stack (requirements.lock)

    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors"} <= set(cff) <= CFF_KEYS
    assert cff["cff-version"] == "1.2.0" and cff["type"] in ("software", "dataset")
    assert cff["authors"] and all(set(a) & {"name", "family-names"} for a in cff["authors"])
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cff["version"]}"' in pyproject
    assert cff["license"] == "MIT" and 'license = { text = "MIT" }' in pyproject
    for reference in cff.get("references", []):
        assert {"type", "title", "authors"} <= set(reference) and reference["type"] in CFF_REFERENCE_TYPES
        assert 1 <= reference.get("month", 1) <= 12
    plan = cff["references"][0]
    assert "日ASEANデジタルワークプラン2026" in plan["title"] and plan["year"] == 2026 and plan["month"] == 1
    assert "総務省" in RAW_TEXT and "2026年1月" in RAW_TEXT  # publisher and month as the cover gives them


def test_licences_are_stated_for_code_and_data():
    licence = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in licence
    (declared,) = DESCRIPTOR["licenses"]
    assert declared["name"] == "CC-BY-4.0" and declared["path"].startswith(
        "https://creativecommons.org/licenses/by/4.0"
    )
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    terms = readme.split("## Licences and terms of use", 1)[1].split("\n## ", 1)[0]
    assert "CC BY 4.0" in terms and "総務省" in terms and "remain MIC's" in terms
    assert "## How to cite" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_what_is_worked_out_once_per_catalog_still_records_what_it_read():
    """A report that uses the dated items another cell (or the fork server) worked out depends on the
    files they came from, as if it had worked them out itself."""
    from workplan.digest import READS
    from workplan.tracker import dated_items

    catalog = Catalog()
    READS.clear()
    first = dated_items(catalog)
    read = set(READS)
    assert {"events.csv", "item_links.csv"} <= read
    READS.clear()
    again = dated_items(catalog)
    assert set(READS) == read
    pd.testing.assert_frame_equal(first, again)
    first.loc[0, "title_en"] = "changed by a caller"
    assert dated_items(catalog).loc[0, "title_en"] != "changed by a caller"  # each use gets a copy
    READS.clear()


def test_a_failure_while_working_something_out_is_not_kept():
    catalog = Catalog()
    calls = []

    def make() -> pd.DataFrame:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("first time")
        return pd.DataFrame({"a": [1]})

    with pytest.raises(ValueError, match="first time"):
        catalog.derived("x", make)
    assert catalog.derived("x", make)["a"].tolist() == [1]
    assert catalog.derived("x", make)["a"].tolist() == [1]
    assert len(calls) == 2
