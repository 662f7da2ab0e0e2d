"""The rules the data obeys across rows and tables, as small named checks.

Each check takes the catalog, a resource and its typed table, and returns the problems it finds (empty when
the table obeys the rule); `workplan.data.Catalog.load` runs `TABLE_CHECKS` in order on every table it loads
and stops at the first check with problems, and `STATED_TOTALS` once the table is cached (a total may need
another table). What each rule reads from data/datapackage.json:

- `foreign_keys`: schema.foreignKeys;
- `source_locations`: x-locates (source_lines hold source_quote) and x-slide-of (the slide number printed);
- `quoted_numbers`: x-quote-number (a number or date is one its own quote gives);
- `date_order`: x-date-not-after (a date does not begin after another date of the row);
- `item_references`: x-dated-item-reference (columns holding item ids of workplan.tracker.dated_items());
- `item_links`: item_links' own rules (no item linked to itself, a same_as item is not itself kept for
  another, and no two dated items quote the same commitment without a link: `unlinked_quotes`, by the
  words they share, `shared_words`);
- `outcome_dates`: an outcome's source_date_basis is given exactly when its source_date is;
- `outcome_checks`: outcome_checks' own rules (outcome_id exactly when result is found, the search made
  on or after the outcome's source_date, and every outcome without a source_date found by a search);
- `stated_totals`: x-stated-totals (a column's total equals a key_figures row).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import dated
from .errors import Problem

if TYPE_CHECKING:
    from .data import Catalog, Resource

LINES_PATTERN = re.compile(r"L([1-9][0-9]*)(?:-L([1-9][0-9]*))?")
_WHITESPACE = re.compile(r"\s+")


def parse_lines(value: str) -> tuple[int, int] | None:
    """'L12' -> (12, 12); 'L12-L14' -> (12, 14); anything else None."""
    m = LINES_PATTERN.fullmatch(value)
    if m is None:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def strip_whitespace(text: str) -> str:
    """Remove every kind of whitespace (full-width space included): how source quotes are compared."""
    return _WHITESPACE.sub("", text)


def foreign_keys(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """Every value of a foreign key is a key of the table it refers to (schema.foreignKeys)."""
    file = catalog.display_path(resource)
    problems = []
    for fk in resource.foreign_keys:
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_name = ref.get("resource") or resource.name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = table if ref_name == resource.name else catalog.load(ref_name)
        known = {tuple(str(v) for v in row) for row in target[ref_fields].dropna().itertuples(index=False)}
        for i, row in enumerate(table[fields].itertuples(index=False)):
            if any(pd.isna(v) for v in row):
                continue
            if tuple(str(v) for v in row) not in known:
                problems.append(
                    Problem(
                        resource.name,
                        file,
                        f"a value of {ref_name}.{', '.join(ref_fields)}",
                        row=i + 1,
                        line=catalog.row_lines[resource.name][i],
                        column=", ".join(fields),
                        found=", ".join(str(v) for v in row),
                    )
                )
    return problems


def source_locations(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """source_lines give where the quote is: within one section, starting on the first line given and
    ending on the last; source_slide is the number that section prints (x-locates, x-slide-of)."""
    if not resource.locates:
        return []
    source = catalog.source
    raw = catalog.descriptor["sources"][0]["path"]
    problems = []
    for lines_column, quote_column in resource.locates:
        for i, row in table.iterrows():
            quote, where = row[quote_column], row[lines_column]
            if pd.isna(quote) != pd.isna(where):
                expected = f"a line range exactly when {quote_column} is filled"
                problems.append(catalog.problem(resource, i, lines_column, expected, where))
                continue
            if pd.isna(quote):
                continue
            at = sorted({f"L{a}" if a == b else f"L{a}-L{b}" for a, b, _ in source.occurrences(quote)})
            at_text = f"its words are at {', '.join(at)}" if at else f"its words are nowhere in {raw}"
            span = parse_lines(str(where))
            if span is None or span[1] > len(source.lines) or span[0] > span[1]:
                expected = f"lines L<first>-L<last> of {raw} ({len(source.lines)} lines): {at_text}"
                problems.append(catalog.problem(resource, i, lines_column, expected, where))
                continue
            first, last = span
            sections = {source.section_of(first), source.section_of(last)}
            if len(sections) != 1 or None in sections:
                expected = f"lines within one section of the source (a quote comes from one place): {at_text}"
                problems.append(catalog.problem(resource, i, lines_column, expected, where))
                continue
            found = [(a, b) for a, b, _ in source.occurrences(quote) if (a, b) == (first, last)]
            if not found:
                expected = f"the lines holding {quote_column}, its first and last line: {at_text}"
                problems.append(catalog.problem(resource, i, lines_column, expected, where))
    for slide_column, lines_column in resource.slides:
        for i, row in table.iterrows():
            span = parse_lines(str(row[lines_column])) if not pd.isna(row[lines_column]) else None
            section = source.section_of(span[0]) if span else None
            printed = section.slide if section else None
            value = row[slide_column]
            stated = None if pd.isna(value) else int(value)
            if stated != printed:
                expected = (
                    f"{printed}, the number printed on the slide of {row[lines_column]}"
                    if printed is not None
                    else f"empty: the slide of {row[lines_column]} prints no number"
                )
                problems.append(catalog.problem(resource, i, slide_column, expected, value))
    return problems


def _number_kinds(catalog: Catalog) -> dict[str, Any]:
    return catalog.descriptor.get("x-quote-numbers", {}).get("kinds", {})


def _quoted_values(catalog: Catalog, kind: str, quote: str, lines: str | None) -> set[Any]:
    """The numbers of `kind` the quote gives: numbers, or (year, month, day) tuples for dates."""
    spec = _number_kinds(catalog)[kind]
    flat = strip_whitespace(quote)
    found: set[Any] = set()
    for pattern in spec["patterns"]:
        for m in re.finditer(pattern, flat):
            groups = m.groupdict()
            if kind != "date":
                value = int(groups["n"]) * spec.get("multiplier", 1) / int(groups.get("per") or 1)
                found.add(value)
                continue
            if groups.get("this_year"):
                found.add((catalog.plan_year, None, None))
                continue
            year = int(groups["year"]) if groups.get("year") else _year_before(catalog, quote, lines)
            if year is None:
                continue
            found.add((year, None, None))
            if groups.get("month"):
                month = int(groups["month"])
                found.add((year, month, None))
                if groups.get("end"):
                    found.add((year, month, calendar.monthrange(year, month)[1]))
    return found


def _year_before(catalog: Catalog, quote: str, lines: str | None) -> int | None:
    """The last year written in the source before the quote (同年M月: the same year as before)."""
    span = parse_lines(lines) if isinstance(lines, str) else None
    places = [pos for a, b, pos in catalog.source.occurrences(quote) if span is None or (a, b) == span]
    if not places:
        return None
    years = re.findall(r"(\d{4})年", catalog.source.flat[: places[0]])
    return int(years[-1]) if years else None


def quoted_numbers(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """Every declared number is one its own quote gives (x-quote-number; kinds in x-quote-numbers)."""
    problems = []
    for column, rule in resource.quote_numbers:
        quote_column = rule.get("quote", "source_quote")
        lines_column = next((lc for lc, qc in resource.locates if qc == quote_column), None)
        for i, row in table.iterrows():
            value, quote = row[column], row[quote_column]
            if pd.isna(value) or pd.isna(quote):
                continue
            if any(str(row[c]) != v for c, v in rule.get("when", {}).items()):
                continue
            if "unless" in rule and not pd.isna(row[rule["unless"]]):
                continue  # the value rests on the outside source the row names
            kind = str(row[rule["kind_from"]]) if "kind_from" in rule else rule["kind"]
            basis = str(row[rule["basis"]]) if "basis" in rule and not pd.isna(row[rule["basis"]]) else None
            if basis == "plan_title":
                if int(value) != catalog.plan_year:
                    expected = f"the plan's year {catalog.plan_year} (year_basis plan_title)"
                    problems.append(catalog.problem(resource, i, column, expected, value))
                continue
            lines = None if lines_column is None else row[lines_column]
            where = None if pd.isna(lines) else str(lines)
            if kind == "month":  # the month of a date the quote gives
                given = {d[1] for d in _quoted_values(catalog, "date", str(quote), where) if d[1] is not None}
            else:
                given = _quoted_values(catalog, kind, str(quote), where)
            wanted, shown = _wanted(kind, value, row, rule)
            if wanted not in given:
                words = ", ".join(sorted(_show(g) for g in given)) or "none"
                expected = f"the {kind.replace('_', ' ')} its {quote_column} gives ({words})"
                problems.append(catalog.problem(resource, i, column, expected, shown))
    return problems


def _wanted(kind: str, value: Any, row: pd.Series, rule: dict[str, Any]) -> tuple[Any, str]:
    """What must be among the quote's numbers for `value`, and how to show the value."""
    if kind == "date":
        if isinstance(value, pd.Timestamp):
            precision = str(row[rule["precision"]]) if "precision" in rule else "day"
            if precision == "year":
                return (value.year, None, None), str(value.year)
            if precision == "month":
                return (value.year, value.month, None), f"{value.year}-{value.month:02d}"
            return (value.year, value.month, value.day), str(value.date())
        return (int(value), None, None), str(int(value))
    if kind == "month":
        return int(value), str(int(value))
    number = float(value)
    return number, _show(number)


def _show(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        year, month, day = value
        return "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(x for x in (year, month, day) if x))
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def date_order(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """A date (of its stated precision) may not begin after another date of the row (x-date-not-after)."""
    problems = []
    for rule in resource.date_not_after:
        column, limit = rule["field"], rule["not_after"]
        for i, row in table.iterrows():
            when, bound = row[column], row[limit]
            if pd.isna(when) or pd.isna(bound):
                continue
            first = dated.period(when, str(row[rule["precision"]]))[0]
            if first > pd.Timestamp(bound):
                problems.append(
                    Problem(
                        resource.name,
                        catalog.display_path(resource),
                        f"a {column} on or before {limit} ({pd.Timestamp(bound).date()}): "
                        + rule.get(
                            "why", "a source cannot report what had not happened when it was published"
                        ),
                        row=int(i) + 1,
                        line=catalog.row_lines[resource.name][int(i)],
                        column=column,
                        found=str(pd.Timestamp(when).date()),
                    )
                )
    return problems


def item_references(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """Every value of the declared column is an item_id of the plan's dated items (workplan.tracker)."""
    if not resource.item_references or table.empty:
        return []
    known = dated.item_ids(catalog)
    return [
        Problem(
            resource.name,
            catalog.display_path(resource),
            "the item_id of a dated item (an event_id, an action_id or <dataset>:<key>, "
            "see workplan.tracker.dated_items())",
            row=int(i) + 1,
            line=catalog.row_lines[resource.name][int(i)],
            column=column,
            found=str(value),
        )
        for column in resource.item_references
        for i, value in table[column].items()
        if not pd.isna(value) and str(value) not in known
    ]


def stated_totals(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """A column's total equals the key_figures row the plan states it in (x-stated-totals)."""
    if not resource.stated_totals:
        return []
    figures = catalog.load("key_figures").set_index("metric")["value"]
    problems = []
    for rule in resource.stated_totals:
        metric = rule["equals_key_figure"]
        total = table[rule["field"]].sum()
        stated = figures.get(metric)
        if stated is None or pd.isna(stated) or float(total) != float(stated):
            problems.append(
                Problem(
                    resource.name,
                    catalog.display_path(resource),
                    f"a column total equal to key_figures '{metric}' ({stated})",
                    column=rule["field"],
                    found=str(total),
                )
            )
    return problems


# Two quotes sharing fewer characters than this (a year, a name) do not make one commitment.
MIN_SHARED = 12


def shared_words(items: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(item, other item, the longest words both quote) for each two dated items of different owner tables
    whose periods begin in the same year and whose quotes share at least MIN_SHARED characters (whitespace
    ignored): the plan writing one commitment twice, e.g. on a pillar's page and on a reference slide. Rows
    of one owner table are distinct by its key (the items of one list may share the list's words)."""
    rows = list(items.itertuples(index=False))
    quotes = [strip_whitespace(str(r.source_quote)) for r in rows]
    found = []
    for n, a in enumerate(rows):
        for m in range(n + 1, len(rows)):
            b = rows[m]
            if a.dataset == b.dataset or pd.Timestamp(a.date).year != pd.Timestamp(b.date).year:
                continue
            qa, qb = quotes[n], quotes[m]
            match = SequenceMatcher(None, qa, qb, autojunk=False).find_longest_match(0, len(qa), 0, len(qb))
            if match.size >= MIN_SHARED:
                found.append((str(a.item_id), str(b.item_id), qa[match.a : match.a + match.size]))
    return found


def unlinked_quotes(items: pd.DataFrame, links: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Pairs of dated items that quote the same commitment (`shared_words`) and that item_links does not link."""
    linked = {
        frozenset((str(a), str(b))) for a, b in zip(links["item_id"], links["other_item_id"], strict=True)
    }
    seen: set[frozenset[str]] = set()
    out = []
    for a, b, shared in shared_words(items):
        pair = frozenset((a, b))
        if pair not in linked and pair not in seen:
            seen.add(pair)
            out.append((a, b, shared))
    return out


def item_links(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """item_links: no item linked to itself; an item folded into another (same_as) is not itself kept for a
    third; and every two dated items that quote the same words of the plan are linked."""
    if resource.name != "item_links":
        return []
    problems = []
    kept = set(table.loc[table["relation"] == "same_as", "other_item_id"].astype(str))
    for i, row in table.iterrows():
        if row["item_id"] == row["other_item_id"]:
            problems.append(
                catalog.problem(
                    resource, i, "other_item_id", "another item than item_id", row["other_item_id"]
                )
            )
        if row["relation"] == "same_as" and str(row["item_id"]) in kept:
            expected = "an item kept for another: item_id is itself folded into another item (same_as)"
            problems.append(catalog.problem(resource, i, "other_item_id", expected, row["item_id"]))
    for a, b, shared in unlinked_quotes(dated.all_items(catalog), table):
        problems.append(
            Problem(
                resource.name,
                catalog.display_path(resource),
                f"a row linking {a} and {b}: both quote the plan's words '{shared}' (one commitment written "
                "twice is same_as; an example or a part of an action is example_of or part_of)",
            )
        )
    return problems


def outcome_dates(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """outcomes: source_date_basis is given exactly when source_date is (how the date was read)."""
    if resource.name != "outcomes":
        return []
    problems = []
    for i, row in table.iterrows():
        if pd.isna(row["source_date"]) != pd.isna(row["source_date_basis"]):
            expected = (
                "where source_date was read (page, address or archive_capture), as source_date is given"
                if pd.isna(row["source_date_basis"])
                else "empty: no source_date was read"
            )
            problems.append(
                catalog.problem(resource, i, "source_date_basis", expected, row["source_date_basis"])
            )
    return problems


def outcome_checks(catalog: Catalog, resource: Resource, table: pd.DataFrame) -> list[Problem]:
    """outcome_checks: outcome_id exactly when result is found; the search was made on or after the day the
    outcome's source was published; and every outcome whose source_date was not read is found by a search
    (it is known from that search's day on)."""
    if resource.name != "outcome_checks":
        return []
    outcomes = catalog.load("outcomes").set_index("outcome_id")
    problems = []
    for i, row in table.iterrows():
        found, outcome_id = str(row["result"]) == "found", row["outcome_id"]
        if found and pd.isna(outcome_id):
            expected = "the outcome_id recorded from what was found (result found)"
            problems.append(catalog.problem(resource, i, "outcome_id", expected, None))
            continue
        if not found and not pd.isna(outcome_id):
            problems.append(
                catalog.problem(resource, i, "outcome_id", "empty: result is nothing_found", outcome_id)
            )
            continue
        if not found or outcome_id not in outcomes.index:
            continue  # an unknown outcome_id is the foreign key's to report
        published = outcomes.loc[outcome_id, "source_date"]
        if not pd.isna(published) and pd.Timestamp(published) > pd.Timestamp(row["checked_on"]):
            expected = f"a day on or after the outcome's source_date ({pd.Timestamp(published).date()})"
            problems.append(
                catalog.problem(resource, i, "checked_on", expected, pd.Timestamp(row["checked_on"]).date())
            )
    found_ids = set(table.loc[table["result"] == "found", "outcome_id"].dropna().astype(str))
    for outcome_id in outcomes.index[outcomes["source_date"].isna()]:
        if str(outcome_id) not in found_ids:
            problems.append(
                Problem(
                    resource.name,
                    catalog.display_path(resource),
                    f"a search that found outcome {outcome_id}: its source_date was not read, so it is known "
                    "only from the day a search found it",
                )
            )
    return problems


Check = Callable[["Catalog", "Resource", pd.DataFrame], list[Problem]]

# Run on every table as it is loaded, in this order; the first with problems stops the load.
TABLE_CHECKS: tuple[Check, ...] = (
    foreign_keys,
    source_locations,
    quoted_numbers,
    date_order,
    item_references,
    item_links,
    outcome_dates,
    outcome_checks,
)
# Run once the table is cached: a total may be checked against a table that refers back to this one.
STATED_TOTALS: tuple[Check, ...] = (stated_totals,)
