"""Load the curated tables described by data/datapackage.json: parse, validate, type, cache.

The data package descriptor is the only declaration of the tables. This module turns each
resource's Frictionless Table Schema into a pandera schema (types, required values, closed
vocabularies, ranges, patterns, unique keys), then checks what pandera cannot see within one
table: foreign keys and the totals the source states.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from . import checks
from .checks import parse_lines, strip_whitespace
from .digest import PACKAGE, READS, VALIDATED_ENV, data_digest, reads_of, record_read
from .errors import DataValidationError, Problem, UnknownDatasetError
from .paths import DEFAULT_DATA_DIR, PROJECT_ROOT

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

# What Catalog.derived hands out: a frame or a mapping, copied at each use.
Derived = TypeVar("Derived", pd.DataFrame, dict[str, str])

DESCRIPTOR = "datapackage.json"

# Raw text patterns for each Frictionless type, checked before any conversion.
TYPE_PATTERNS: dict[str, tuple[str, str]] = {
    "integer": (r"-?(0|[1-9][0-9]*)", "an integer"),
    "number": (r"-?(0|[1-9][0-9]*)(\.[0-9]+)?", "a number"),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date YYYY-MM-DD"),
    "boolean": (r"true|false", "true or false"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    enum: tuple[str, ...] | None
    minimum: float | None
    maximum: float | None
    pattern: str | None
    unique: bool
    description: str

    @classmethod
    def from_descriptor(cls, d: dict[str, Any]) -> Field:
        c = d.get("constraints", {})
        enum = c.get("enum")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            required=bool(c.get("required", False)),
            enum=tuple(str(v) for v in enum) if enum is not None else None,
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            pattern=c.get("pattern"),
            unique=bool(c.get("unique", False)),
            description=d.get("description", ""),
        )

    @property
    def dtype(self) -> Any:
        if self.enum is not None:
            return pd.CategoricalDtype(list(self.enum))
        return {
            "integer": "Int64",
            "number": "Float64",
            "boolean": "boolean",
            "date": "datetime64[s]",
        }.get(self.type, "string")


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    title_ja: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict[str, Any], ...]
    stated_totals: tuple[dict[str, Any], ...]
    item_references: tuple[str, ...] = ()  # columns holding item ids of workplan.tracker.dated_items()
    date_not_after: tuple[dict[str, str], ...] = ()  # {field, precision, not_after}: a date before another
    quotes: str = "plan"  # whose words source_quote holds: the plan's ("plan") or an outside source's
    quote_numbers: tuple[tuple[str, dict[str, Any]], ...] = ()  # (column, x-quote-number) pairs
    locates: tuple[tuple[str, str], ...] = ()  # (lines column, quote column) pairs: x-locates
    slides: tuple[tuple[str, str], ...] = ()  # (slide column, lines column) pairs: x-slide-of

    @classmethod
    def from_descriptor(cls, d: dict[str, Any]) -> Resource:
        schema = d["schema"]
        pk = schema.get("primaryKey", [])
        return cls(
            name=d["name"],
            path=d["path"],
            title=d.get("title", d["name"]),
            title_ja=d.get("title_ja", ""),
            description=d.get("description", ""),
            fields=tuple(Field.from_descriptor(f) for f in schema["fields"]),
            primary_key=tuple([pk] if isinstance(pk, str) else pk),
            foreign_keys=tuple(schema.get("foreignKeys", [])),
            stated_totals=tuple(d.get("x-stated-totals", [])),
            item_references=tuple(_as_list(d.get("x-dated-item-reference", []))),
            date_not_after=tuple(d.get("x-date-not-after", [])),
            quotes=d.get("x-source-quote", "plan"),
            quote_numbers=tuple(
                (f["name"], f["x-quote-number"]) for f in schema["fields"] if "x-quote-number" in f
            ),
            locates=tuple((f["name"], f["x-locates"]) for f in schema["fields"] if "x-locates" in f),
            slides=tuple((f["name"], f["x-slide-of"]) for f in schema["fields"] if "x-slide-of" in f),
        )

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _expected(field: Field) -> str:
    """Human wording of what a field accepts, used in every message about it."""
    if field.enum is not None:
        return "one of " + ", ".join(field.enum)
    text = TYPE_PATTERNS.get(field.type, ("", "text"))[1]
    if field.minimum is not None and field.maximum is not None:
        text += f" from {field.minimum} to {field.maximum}"
    elif field.minimum is not None:
        text += f" ≥ {field.minimum}"
    elif field.maximum is not None:
        text += f" ≤ {field.maximum}"
    if field.pattern:
        text += f" matching {field.pattern}"
    return text


def _pandera_schema(resource: Resource) -> pa.DataFrameSchema:
    """Checks on the raw text of each cell, so a message can quote exactly what the file holds."""
    import pandera.pandas as pa

    columns = {}
    for f in resource.fields:
        cell_checks = []
        if f.type in TYPE_PATTERNS:
            cell_checks.append(pa.Check.str_matches(rf"(?:{TYPE_PATTERNS[f.type][0]})\Z", error=_expected(f)))
        if f.type == "date":
            cell_checks.append(
                pa.Check(
                    lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(),
                    element_wise=False,
                    error="a real calendar date YYYY-MM-DD",
                )
            )
        if f.enum is not None:
            cell_checks.append(pa.Check.isin(list(f.enum), error=_expected(f)))
        if f.pattern:
            cell_checks.append(pa.Check.str_matches(rf"(?:{f.pattern})\Z", error=_expected(f)))
        if f.minimum is not None:
            cell_checks.append(
                pa.Check(lambda s, m=f.minimum: pd.to_numeric(s, errors="coerce") >= m, error=_expected(f))
            )
        if f.maximum is not None:
            cell_checks.append(
                pa.Check(lambda s, m=f.maximum: pd.to_numeric(s, errors="coerce") <= m, error=_expected(f))
            )
        columns[f.name] = pa.Column(
            "string",
            checks=cell_checks,
            nullable=not f.required,
            unique=f.unique,
            coerce=False,
            required=True,
        )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        unique=list(resource.primary_key) or None,
        report_duplicates="all",
        name=resource.name,
    )


@dataclass(frozen=True)
class Section:
    """A part of the source text (one slide, or a part of one): its lines and the slide number it prints."""

    section_id: str
    first_line: int
    last_line: int
    slide: int | None


class Source:
    """The raw text the tables quote, with what is needed to find a quote's lines and section."""

    def __init__(self, text: str, sections: list[Section]):
        self.text = text
        self.lines = text.split("\n")
        self.sections = sections
        flat: list[str] = []
        owner: list[int] = []
        for number, line in enumerate(self.lines, start=1):
            part = strip_whitespace(line)
            flat.append(part)
            owner.extend([number] * len(part))
        self.flat = "".join(flat)
        self.owner = owner  # the line of each character of `flat`

    def section_of(self, line: int) -> Section | None:
        return next((s for s in self.sections if s.first_line <= line <= s.last_line), None)

    def occurrences(self, quote: str) -> list[tuple[int, int, int]]:
        """Each place the quote's words occur: (first line, last line, position in the flat text)."""
        needle = strip_whitespace(quote)
        if not needle:
            return []
        return [
            (self.owner[m.start()], self.owner[m.start() + len(needle) - 1], m.start())
            for m in re.finditer(re.escape(needle), self.flat)
        ]


SAVE_AS_UTF8 = "in Excel: File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)'"


def _encoding_hint(raw: bytes) -> str:
    """What a file that is not UTF-8 looks like, and how to save it as UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        looks = "UTF-16 (Excel's 'Unicode Text')"
    else:
        non_ascii = sum(b >= 0x80 for b in raw)
        valid_utf8 = sum(len(ch.encode("utf-8")) for ch in raw.decode("utf-8", "ignore") if ord(ch) >= 0x80)
        if valid_utf8 * 2 >= non_ascii:
            return ""  # mostly good UTF-8 with a few broken bytes: not another encoding
        try:
            raw.decode("cp932")
        except UnicodeDecodeError:
            return ""
        looks = "Shift-JIS (cp932), as Japanese Excel saves a plain 'CSV'"
    return f"; this file looks like {looks}: save it as UTF-8 ({SAVE_AS_UTF8})"


# The characters a download's CSV puts an apostrophe before so that no spreadsheet runs the text as a
# formula (workplan.build.downloads.FORMULA_STARTS; a test checks they agree).
DOWNLOAD_GUARDED = ("=", "+", "-", "@", "\t", "\r")


def _download_guarded(
    resource: Resource, file: str, rows: list[list[str]], lines: list[int]
) -> list[Problem]:
    """Cells that still carry the downloads' formula guard ('+J for +J): a downloaded CSV copied back."""
    problems = []
    for i, row in enumerate(rows):
        for column, value in zip(resource.field_names, row, strict=True):
            if value.startswith("'") and value[1:].startswith(DOWNLOAD_GUARDED):
                expected = (
                    f"{value[1:]!r} without the leading apostrophe: the downloads (reports/data/*.csv) put "
                    "' before text starting with = + - @ so that spreadsheets do not run it as a formula, "
                    "and this value came from one; remove the apostrophe, or copy the row from data/"
                )
                problems.append(
                    Problem(
                        resource.name, file, expected, row=i + 1, line=lines[i], column=column, found=value
                    )
                )
    return problems


class Catalog:
    """All datasets of one data directory. Tables are validated once and cached per process."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, check_all: bool = False):
        """`check_all`: run every check even where the build has just validated these bytes (the
        build's own validation, which is what makes that true)."""
        self.data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
        self.check_all = check_all
        self._tables: dict[str, pd.DataFrame] = {}
        self._lines: dict[str, list[int]] = {}  # file line of each data row, for messages
        self._derived: dict[Any, tuple[Any, frozenset[str]]] = {}

    # --- the descriptor -------------------------------------------------------------------------
    @cached_property
    def descriptor(self) -> dict[str, Any]:
        path = self.data_dir / DESCRIPTOR
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problem = Problem("datapackage", str(path), f"a readable JSON data package ({exc})")
            raise DataValidationError([problem]) from exc

    @cached_property
    def resources(self) -> dict[str, Resource]:
        return {r["name"]: Resource.from_descriptor(r) for r in self.descriptor["resources"]}

    def resource(self, name: str) -> Resource:
        try:
            return self.resources[name]
        except KeyError:
            raise UnknownDatasetError(name, sorted(self.resources)) from None

    def names(self) -> list[str]:
        return list(self.resources)

    @property
    def source(self) -> Source:
        """The raw text the tables quote (the data package's source path) and its sections; recorded as
        read at each use, as a table is."""
        record_read(self._source_path)
        READS.add(PACKAGE)  # its sections are in the package's vocabularies
        return self._source

    @cached_property
    def _source_path(self) -> str:
        return [src["path"] for src in self.descriptor.get("sources", []) if "path" in src][0]

    @cached_property
    def _source(self) -> Source:
        path = self.data_dir / self._source_path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataValidationError(
                [Problem("datapackage", str(path), f"a readable source text ({exc})")]
            ) from exc
        sections = []
        for section_id, meaning in self.descriptor["x-vocabularies"]["section_id"].items():
            m = re.match(r"raw lines L(\d+)-L(\d+)(?: \(slide (\d+))?", meaning)
            if m is None:
                problem = Problem(
                    "datapackage", DESCRIPTOR, f"'raw lines La-Lb' in section {section_id}'s meaning"
                )
                raise DataValidationError([problem])
            slide = int(m.group(3)) if m.group(3) else None
            sections.append(Section(section_id, int(m.group(1)), int(m.group(2)), slide))
        return Source(text, sections)

    # --- loading --------------------------------------------------------------------------------
    def load(self, name: str) -> pd.DataFrame:
        """The dataset as a typed, validated DataFrame (a copy: callers may change it freely)."""
        record_read(self.resource(name).path, name)  # the build rebuilds a report when what it read changes
        if name not in self._tables:
            resource = self.resource(name)
            table = self._read_and_check(resource)
            # Bytes the build has just validated passed every check below too (its validation runs
            # them): a kernel it started need not run them again.
            for check in () if self.validated_by_build else checks.TABLE_CHECKS:
                problems = check(self, resource, table)
                if problems:
                    raise DataValidationError(problems)
            self._tables[name] = table
            for check in () if self.validated_by_build else checks.STATED_TOTALS:
                problems = check(self, resource, table)
                if problems:
                    self._tables.pop(name, None)
                    raise DataValidationError(problems)
        return self._tables[name].copy()

    def derived(self, key: Any, make: Callable[[], Derived]) -> Derived:
        """A frame worked out from this catalog's tables (the dated items, their status on a day), made
        once per catalog and handed out as a copy. What making it read is recorded again at each use,
        so a report that uses it depends on those files as if it had made it itself."""
        if key not in self._derived:
            with reads_of() as made:
                value = make()
            self._derived[key] = (value, frozenset(made))
        value, made = self._derived[key]
        READS.update(made)
        return value.copy()

    def load_all(self) -> dict[str, pd.DataFrame]:
        """Every dataset; all problems of all files are reported together."""
        problems: list[Problem] = []
        for name in self.names():
            try:
                self.load(name)
            except DataValidationError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
        if problems:
            raise DataValidationError(problems)
        return {name: self.load(name) for name in self.names()}

    def _read_rows(self, resource: Resource) -> tuple[list[list[str]], list[int]]:
        """Parse the CSV strictly: UTF-8, the declared header, the same number of fields on every row."""
        file = self.display_path(resource)
        path = self.data_dir / resource.path
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DataValidationError(
                [Problem(resource.name, file, f"a readable file ({exc.strerror})")]
            ) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            expected = "UTF-8 text" + _encoding_hint(raw)
            problem = Problem(
                resource.name, file, expected, line=line, found=raw[exc.start : exc.end].hex(" ")
            )
            raise DataValidationError([problem]) from exc
        text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" starts with a byte-order mark
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[list[str]] = []
        lines: list[int] = []
        try:
            header = next(reader, None)
            for record in reader:
                rows.append(record)
                lines.append(reader.line_num)
        except csv.Error as exc:
            problem = Problem(resource.name, file, f"well-formed CSV ({exc})", line=reader.line_num)
            raise DataValidationError([problem]) from exc
        expected_header = resource.field_names
        if header != expected_header:
            header = header or []
            missing = [c for c in expected_header if c not in header]
            extra = [c for c in header if c not in expected_header]
            detail = []
            if missing:
                detail.append("missing column(s) " + ", ".join(missing))
            if extra:
                detail.append("unexpected column(s) " + ", ".join(extra))
            if not detail:
                detail.append("columns in a different order")
            problem = Problem(
                resource.name,
                file,
                "the header " + ",".join(expected_header) + " (" + "; ".join(detail) + ")",
                line=1,
                found=",".join(header),
            )
            raise DataValidationError([problem])
        bad = [
            Problem(
                resource.name,
                file,
                f"{len(expected_header)} fields (a truncated or malformed line?)",
                row=i + 1,
                line=lines[i],
                found=f"{len(r)} field(s)",
            )
            for i, r in enumerate(rows)
            if len(r) != len(expected_header)
        ]
        if bad:
            raise DataValidationError(bad)
        guarded = _download_guarded(resource, file, rows, lines)
        if guarded:
            raise DataValidationError(guarded)
        return rows, lines

    def _read_and_check(self, resource: Resource) -> pd.DataFrame:
        rows, lines = self._read_rows(resource)
        self._lines[resource.name] = lines
        file = self.display_path(resource)
        raw = pd.DataFrame(rows, columns=resource.field_names, dtype="string")
        raw = raw.replace("", pd.NA)
        if not self.validated_by_build:
            from pandera.errors import SchemaErrors

            try:
                _pandera_schema(resource).validate(raw, lazy=True)
            except SchemaErrors as exc:
                raise DataValidationError(self._problems_from_pandera(resource, file, exc, lines)) from None
        return self._typed(resource, raw)

    @cached_property
    def validated_by_build(self) -> bool:
        """True in the build, or a kernel it started, when these exact bytes were validated by it moments ago."""
        if self.check_all:
            return False
        digest = os.environ.get(VALIDATED_ENV)
        return bool(digest) and digest == data_digest(self.data_dir)

    def _problems_from_pandera(
        self, resource: Resource, file: str, exc: SchemaErrors, lines: list[int]
    ) -> list[Problem]:
        fields = {f.name: f for f in resource.fields}
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) and case.column in fields else None
            index = case.index if isinstance(case.index, int) else None
            check = str(case.check)
            if check == "not_nullable":
                expected = "a value (this column is required)"
            elif check == "multiple_fields_uniqueness":
                expected = f"a unique value of {', '.join(resource.primary_key)}"
            elif check.startswith("field_uniqueness"):
                expected = f"a unique value of {column}"
            elif column is not None:
                expected = check if check != "None" else _expected(fields[column])
            else:
                expected = check
            found = None if pd.isna(case.failure_case) else str(case.failure_case)
            problems.append(
                Problem(
                    resource.name,
                    file,
                    expected,
                    row=None if index is None else index + 1,
                    line=None if index is None else lines[index],
                    column=column,
                    found=found,
                )
            )
        # A one-column key declared unique too is checked twice by pandera: list each problem once.
        unique_problems = list(dict.fromkeys(problems))
        return sorted(unique_problems, key=lambda p: (p.row or 0, p.column or ""))

    @staticmethod
    def _typed(resource: Resource, raw: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for f in resource.fields:
            col = raw[f.name]
            if f.enum is not None:
                out[f.name] = col.astype(object).astype(f.dtype)
            elif f.type == "integer":
                out[f.name] = pd.to_numeric(col).astype("Int64")
            elif f.type == "number":
                out[f.name] = pd.to_numeric(col).astype("Float64")
            elif f.type == "boolean":
                out[f.name] = col.map({"true": True, "false": False}).astype("boolean")
            elif f.type == "date":
                out[f.name] = pd.to_datetime(col, format="%Y-%m-%d").astype("datetime64[s]")
            else:
                out[f.name] = col
        return pd.DataFrame(out)

    # --- what the checks (workplan.checks) use -------------------------------------------------------
    @property
    def row_lines(self) -> dict[str, list[int]]:
        """The file line of each data row of each loaded table, for messages."""
        return self._lines

    def display_path(self, resource: Resource) -> str:
        path = self.data_dir / resource.path
        try:
            return str(path.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(path)

    def problem(self, resource: Resource, i: Any, column: str, expected: str, found: Any) -> Problem:
        """A problem of row i (0-based) of a loaded table, naming its file line and column."""
        return Problem(
            resource.name,
            self.display_path(resource),
            expected,
            row=int(i) + 1,
            line=self._lines[resource.name][int(i)],
            column=column,
            found=None if found is None or (not isinstance(found, str) and pd.isna(found)) else str(found),
        )

    @cached_property
    def plan_year(self) -> int:
        """The plan's year (x-quote-numbers.plan_year), checked against the words it is read from."""
        declared = self.descriptor["x-quote-numbers"]["plan_year"]
        span = parse_lines(declared["source_lines"])
        found = [(a, b) for a, b, _ in self.source.occurrences(declared["source_quote"]) if (a, b) == span]
        if not found or str(declared["year"]) not in strip_whitespace(declared["source_quote"]):
            expected = (
                f"x-quote-numbers.plan_year whose year is in its source_quote on {declared['source_lines']}"
            )
            raise DataValidationError(
                [Problem("datapackage", DESCRIPTOR, expected, found=str(declared["year"]))]
            )
        return int(declared["year"])

    # --- discovery ------------------------------------------------------------------------------
    def datasets(self) -> pd.DataFrame:
        """One row per dataset: name, English and Japanese title, row count, file."""
        rows = [
            {
                "name": r.name,
                "title": r.title,
                "title_ja": r.title_ja,
                "rows": len(self.load(r.name)),
                "path": f"data/{r.path}",
            }
            for r in self.resources.values()
        ]
        return pd.DataFrame(rows).astype(
            {"name": "string", "title": "string", "title_ja": "string", "path": "string"}
        )

    def row_keys(self, name: str, table: pd.DataFrame) -> list[str]:
        """Each row's primary key as one string, parts joined with '/' (as in tracker item ids)."""
        key = list(self.resource(name).primary_key)
        return ["/".join(str(v) for v in row) for row in table[key].itertuples(index=False)]


_DEFAULT: Catalog | None = None


def default_catalog() -> Catalog:
    """The catalog of the project's data/ (or of $WORKPLAN_DATA_DIR, for checking another copy)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Catalog(os.environ.get("WORKPLAN_DATA_DIR") or None)
    return _DEFAULT


def source_text(catalog: Catalog | None = None) -> str:
    """The raw source text the curated tables quote."""
    catalog = catalog or default_catalog()
    raw = catalog.data_dir / "raw"
    (path,) = sorted(raw.glob("*.txt"))
    record_read(path.relative_to(catalog.data_dir).as_posix())
    return path.read_text(encoding="utf-8")
