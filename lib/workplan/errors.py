"""The project's exception types: one per kind of failure, each carrying what its reader needs."""

from __future__ import annotations

from dataclasses import dataclass


class WorkplanError(Exception):
    """Base class: every error the project raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located as precisely as the file allows."""

    dataset: str
    file: str
    expected: str
    row: int | None = None  # 1-based data row (the header is not a row)
    line: int | None = None  # 1-based line in the file
    column: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        where = [f"{self.file}"]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line is not None else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"dataset '{self.dataset}', " + ", ".join(where) + f": expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found!r}"
        return text


class DataValidationError(WorkplanError):
    """A curated table does not match data/datapackage.json. Lists every problem found."""

    max_listed = 20

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = [f"  - {p}" for p in problems[: self.max_listed]]
        if len(problems) > self.max_listed:
            shown.append(f"  … and {len(problems) - self.max_listed} more")
        datasets = sorted({p.dataset for p in problems})
        head = f"{len(problems)} problem(s) in dataset(s) {', '.join(datasets)}:"
        super().__init__("\n".join([head, *shown]))


class UnknownDatasetError(WorkplanError, KeyError):
    """A dataset name that data/datapackage.json does not declare."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown dataset {self.name!r}; known datasets: {', '.join(self.known)}"


class ParameterError(WorkplanError, ValueError):
    """A notebook or build parameter outside its declared type or allowed values."""

    def __init__(self, name: str, value: object, allowed: str):
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"parameter {name!r}: {value!r} is not allowed; allowed: {allowed}")


class MissingParameterError(ParameterError):
    """A parameter that must be given and was not."""

    def __str__(self) -> str:
        return f"parameter {self.name!r} is missing; allowed: {self.allowed}"


class ParameterErrors(ParameterError):
    """Several bad parameters at once: each is listed (`errors`); the first is this error's own."""

    def __init__(self, errors: list[ParameterError]):
        first = errors[0]
        super().__init__(first.name, first.value, first.allowed)
        self.errors = errors
        self.args = (f"{len(errors)} bad parameters:\n" + "\n".join(f"  - {e}" for e in errors),)

    def __str__(self) -> str:
        return str(self.args[0])


# --- the build ------------------------------------------------------------------------------------


class BuildLockedError(WorkplanError):
    """Another build holds the lock on the output directory."""


class OutputError(WorkplanError):
    """The output directory cannot be written (permissions, disk full)."""


class KernelStartError(WorkplanError):
    """No kernel could be started for a report (it died before answering, twice)."""


class ReportExecutionError(WorkplanError):
    """A notebook failed: names the report, the cell and the exception."""

    def __init__(self, key: str, cell: int | None, ename: str, evalue: str, source: str = ""):
        self.key, self.cell, self.ename, self.evalue, self.source = key, cell, ename, evalue, source
        where = f"cell {cell}" if cell is not None else "before any cell"
        first_line = source.strip().splitlines()[0] if source.strip() else ""
        text = f"{key}: {where}"
        if first_line:
            text += f" ({first_line[:60]})"
        super().__init__(f"{text}: {ename}: {evalue}")


class ShardError(WorkplanError):
    """Shard outputs that cannot be merged: a missing part, a report built by two shards."""
