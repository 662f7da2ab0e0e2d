"""The rules the data obeys across rows and tables (workplan.checks), one test or more per check, on copies of
data/ with one thing broken; the monitor's own rules (links between items, searches on record); and the
library's import graph (no cycle, imports inside functions included)."""

from __future__ import annotations

import ast
import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from workplan import checks, dated, tracker
from workplan.data import Catalog
from workplan.errors import DataValidationError
from workplan.paths import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _edit(copy: Path, name: str, change) -> None:
    path = copy / f"{name}.csv"
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows = _rows(path)
    _write(path, change(rows), header)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _problems(copy: Path, name: str) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        Catalog(copy).load(name)
    return [str(p) for p in info.value.problems]


# --- each check is a named function of workplan.checks and runs on load ----------------------------------


def test_every_check_is_a_named_function_the_loader_runs():
    names = [c.__name__ for c in (*checks.TABLE_CHECKS, *checks.STATED_TOTALS)]
    assert names == [
        "foreign_keys",
        "source_locations",
        "quoted_numbers",
        "date_order",
        "item_references",
        "item_links",
        "outcome_dates",
        "outcome_checks",
        "stated_totals",
    ]
    catalog = Catalog()
    for name in catalog.names():
        table = catalog.load(name)
        for check in (*checks.TABLE_CHECKS, *checks.STATED_TOTALS):
            assert check(catalog, catalog.resource(name), table) == [], (check.__name__, name)


def test_foreign_keys_names_the_value_and_the_table_it_must_be_in(copy):
    _edit(copy, "events", lambda rows: [dict(rows[0], channel_id="no_such_channel"), *rows[1:]])
    problems = _problems(copy, "events")
    assert any("meeting_channels.channel_id" in p and "no_such_channel" in p for p in problems), problems


def test_source_locations_finds_a_quote_on_other_lines(copy):
    _edit(copy, "item_links", lambda rows: [dict(rows[0], source_lines="L113"), *rows[1:]])
    assert any("its words are at L112" in p for p in _problems(copy, "item_links"))


def test_quoted_numbers_refuses_a_year_its_words_do_not_give(copy):
    _edit(
        copy,
        "events",
        lambda rows: [
            dict(r, date="2027-01-01") if r["event_id"] == "ajccbc_new_content_2026" else r for r in rows
        ],
    )
    assert any("the date its source_quote gives (2026)" in p for p in _problems(copy, "events"))


def test_date_order_refuses_an_outcome_ending_before_it_begins(copy):
    _edit(copy, "outcomes", lambda rows: [dict(rows[0], end_date="2026-01-01"), *rows[1:]])
    problems = _problems(copy, "outcomes")
    assert any(
        "a date on or before end_date (2026-01-01): an outcome of several days ends" in p for p in problems
    ), problems


def test_item_references_checks_every_declared_column(copy):
    _edit(copy, "item_links", lambda rows: [dict(rows[0], other_item_id="9.9-9"), *rows[1:]])
    assert any("column 'other_item_id'" in p and "9.9-9" in p for p in _problems(copy, "item_links"))
    assert Catalog(copy).resource("item_links").item_references == ("item_id", "other_item_id")


def test_stated_totals_refuses_a_changed_count():
    catalog = Catalog()
    table = catalog.load("ivo_projects")
    table.loc[0, "projects"] += 1
    (problem,) = checks.stated_totals(catalog, catalog.resource("ivo_projects"), table)
    assert (
        problem.expected == "a column total equal to key_figures 'ivo_projects_total' (52.0)"
        and problem.found == "53"
    )


# --- one commitment, one dated item -----------------------------------------------------------------------


def test_two_dated_items_quoting_one_commitment_without_a_link_are_refused(copy):
    """Dropping the same_as link of action 4.1-1 and the ICT Fund slide's 2026 contribution is caught."""
    _edit(
        copy, "item_links", lambda rows: [r for r in rows if r["item_id"] != "mic_ict_fund_contribution_2026"]
    )
    problems = _problems(copy, "item_links")
    assert any(
        "4.1-1 and mic_ict_fund_contribution_2026" in p and "2026年も本基金への拠出を継続" in p
        for p in problems
    )


def test_every_pair_quoting_the_same_words_is_linked_in_the_data():
    catalog = Catalog()
    items = dated.all_items(catalog)
    assert checks.unlinked_quotes(items, catalog.load("item_links")) == []
    pairs = {frozenset(p[:2]) for p in checks.shared_words(items)}
    assert frozenset(("4.1-1", "mic_ict_fund_contribution_2026")) in pairs


def test_an_item_linked_to_itself_or_folded_twice_is_refused(copy):
    def change(rows):
        return [*rows, dict(rows[0], item_id="4.1-1", other_item_id="4.1-1", relation="part_of")]

    _edit(copy, "item_links", change)
    assert any("another item than item_id" in p for p in _problems(copy, "item_links"))


def test_no_commitment_is_counted_twice():
    """The items folded by same_as are not dated items of their own; their outcomes and searches are the kept
    item's."""
    catalog = Catalog()
    links = catalog.load("item_links")
    folded = set(links.loc[links["relation"] == "same_as", "item_id"])
    assert folded == {"mic_ict_fund_contribution_2026", "ajccbc_next_support_coordination"}
    items = tracker.dated_items()
    assert not folded & set(items["item_id"]) and items["item_id"].is_unique
    kept = items.set_index("item_id")["same_as_ids"]
    assert (
        kept["4.1-1"] == "mic_ict_fund_contribution_2026"
        and kept["2.1-2"] == "ajccbc_next_support_coordination"
    )


def test_an_outcome_of_an_example_shows_on_the_action_it_serves():
    outcomes = pd.DataFrame(
        [
            {
                "outcome_id": "forum",
                "item_id": "ivo_forums:2026",
                "status": "held",
                "date": "2026-11-20",
                "date_precision": "day",
                "source_date": "2026-11-21",
                "source_url": "https://example.org/forum",
            }
        ]
    )
    on = tracker.status("2026-11-27", outcomes=outcomes).set_index("item_id")
    assert on.loc["ivo_forums:2026", "status"] == "held"
    assert (on.loc["3.3-1", "status"], on.loc["3.3-1", "outcome_item_id"]) == (
        "activity_recorded",
        "ivo_forums:2026",
    )
    before = tracker.status("2026-11-20", outcomes=outcomes).set_index("item_id")
    assert before.loc["3.3-1", "status"] == "in_period"


def test_a_postponed_example_is_no_activity_of_its_action():
    outcomes = pd.DataFrame(
        [
            {
                "outcome_id": "later",
                "item_id": "friends_group_in_person_meeting_2026",
                "status": "postponed",
                "date": "2026-03-01",
                "date_precision": "month",
                "source_date": "2026-02-20",
            }
        ]
    )
    on = tracker.status("2026-03-01", outcomes=outcomes).set_index("item_id")
    assert on.loc["friends_group_in_person_meeting_2026", "status"] == "postponed"
    assert (on.loc["1.1-2", "status"], pd.isna(on.loc["1.1-2", "outcome_id"])) == ("in_period", True)


def test_an_outcome_of_a_folded_item_is_the_kept_items_own():
    outcomes = pd.DataFrame(
        [
            {
                "outcome_id": "paid",
                "item_id": "mic_ict_fund_contribution_2026",
                "status": "completed",
                "date": "2026-06-01",
                "date_precision": "month",
                "source_date": "2026-06-30",
            }
        ]
    )
    on = tracker.status("2026-07-01", outcomes=outcomes).set_index("item_id")
    assert (on.loc["4.1-1", "status"], on.loc["4.1-1", "outcome_item_id"]) == (
        "completed",
        "mic_ict_fund_contribution_2026",
    )


# --- outcomes and the searches on record ------------------------------------------------------------------


def test_every_dated_item_from_2026_on_has_a_search_on_record():
    """Items dated 2026 or later, and periods running into 2026 (the JICA support to February 2027)."""
    catalog = Catalog()
    items = dated.all_items(catalog)
    searched = set(catalog.load("outcome_checks")["item_id"].astype(str))
    due = []
    for item in items.itertuples(index=False):
        after = tracker.span(item.date, item.date_precision, item.end_date, item.end_precision)[1]
        if item.date >= pd.Timestamp("2026-01-01") or (
            not pd.isna(item.end_date) and after > pd.Timestamp("2026-01-01")
        ):
            due.append(str(item.item_id))
    assert "ajccbc_support:jica" in due and "ajccbc_support:next" in due
    assert sorted(set(due) - searched) == []


def test_a_found_search_names_its_outcome_and_a_fruitless_one_none(copy):
    _edit(
        copy,
        "outcome_checks",
        lambda rows: [dict(r, outcome_id="") if r["result"] == "found" else r for r in rows],
    )
    assert any("the outcome_id recorded from what was found" in p for p in _problems(copy, "outcome_checks"))


def test_a_search_before_its_outcome_was_published_is_refused(copy):
    def change(rows):
        return [
            dict(r, checked_on="2026-01-10") if r["outcome_id"] == "jdm5_held_vietjo" else r for r in rows
        ]

    _edit(copy, "outcome_checks", change)
    assert any(
        "on or after the outcome's source_date (2026-01-16)" in p for p in _problems(copy, "outcome_checks")
    )


def test_an_outcome_without_a_source_date_needs_a_search_that_found_it(copy):
    def change(rows):
        return [r for r in rows if r["outcome_id"] != "hayashi_bilateral_vn_kh_sg_2026_01"]

    _edit(copy, "outcome_checks", change)
    assert any(
        "a search that found outcome hayashi_bilateral_vn_kh_sg_2026_01" in p
        for p in _problems(copy, "outcome_checks")
    )


def test_a_source_date_without_its_basis_is_refused(copy):
    _edit(
        copy,
        "outcomes",
        lambda rows: [dict(r, source_date_basis="") if r["source_date"] else r for r in rows],
    )
    assert any("where source_date was read" in p for p in _problems(copy, "outcomes"))


def test_an_outcome_without_a_source_date_counts_from_the_search_that_found_it():
    table = tracker.status("2026-12-02").set_index("item_id")
    assert table.loc["4.3-1", "outcome_id"] == "hayashi_bilateral_vn_kh_sg_2026_01"
    earlier = tracker.status("2026-12-01").set_index("item_id")
    assert pd.isna(earlier.loc["4.3-1", "outcome_id"]) and earlier.loc["4.3-1", "status"] == "in_period"


def test_a_search_counts_from_its_day_and_the_latest_is_shown():
    table = tracker.status("2026-12-02").set_index("item_id")
    assert table.loc["1.1-3", "last_check_result"] == "nothing_found"
    assert table.loc["1.1-3", "last_checked"] == pd.Timestamp("2026-12-02")
    assert tracker.status("2026-12-01").set_index("item_id")["last_checked"].isna().all()


# --- statuses per kind of item ----------------------------------------------------------------------------


def test_a_period_ends_an_approval_is_approved_and_nothing_past_is_held_unless_held():
    none = pd.DataFrame(columns=["outcome_id", "item_id", "status", "date", "date_precision", "source_date"])
    table = tracker.status("2027-03-01", outcomes=none).set_index("item_id")
    assert table.loc["ajccbc_support:jica", "status"] == "ended"  # 2027年2月に終了: not overdue
    assert table.loc["ajccbc_support:jaif", "status"] == "ended"
    assert (table.loc[table["kind"] == "approval", "status"] == "approved").all()
    held = table[table["status"] == "held"]
    assert set(held["kind"].astype(str)) <= set(tracker.HELD_KINDS)


# --- the library's import graph ---------------------------------------------------------------------------


def _imports(tree: ast.AST) -> list[ast.ImportFrom | ast.Import]:
    """Every import statement, those inside functions included, except under `if TYPE_CHECKING:` (never run)."""
    found: list[ast.ImportFrom | ast.Import] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    lib = PROJECT_ROOT / "lib" / "workplan"
    modules: dict[str, Path] = {}
    for path in lib.rglob("*.py"):
        parts = path.relative_to(lib.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                named = {f"{target}.{a.name}" for a in node.names} & set(modules)
                edges |= named or {target}  # `from . import x`: the module x, not the package
            elif isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name.startswith("workplan")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workplan"):
                named = {f"{node.module}.{a.name}" for a in node.names} & set(modules)
                edges |= named or {node.module}
        graph[module] = {e for e in edges if e in modules and e != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_cycle_finder_sees_an_import_inside_a_function():
    graph = {"a": {"b"}, "b": set(), "c": set()}
    assert cycles(graph) == []
    tree = ast.parse("def f():\n    from .a import x\nif TYPE_CHECKING:\n    from .c import y\n")
    names = [n.module for n in _imports(tree)]
    assert names == ["a"]
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]


def test_the_library_has_no_import_cycle_deferred_imports_included():
    graph = import_graph()
    assert "workplan.checks" in graph["workplan.data"] and "workplan.data" in graph["workplan.tracker"]
    assert cycles(graph) == []
