"""Validation before any kernel starts: every table valid, checking again only what could have changed.

Each table is validated with the loader (`Catalog.load`, a fresh catalog each), which also reads what its checks need
(the tables its foreign keys point to, the stated totals' key figures, its schema entry). What each
table's validation read is recorded in the manifest with its content hashes, as for reports: a table
is validated again when one of those changed, and all of them when the library or the pinned
dependencies changed or there is no record. The data is then valid as a whole: the tables not
checked again are byte for byte the ones that passed, against the same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .plan import DataHashes, Shared


def stale_tables(
    names: list[str], record: dict[str, Any] | None, shared: Shared, hashes: DataHashes
) -> list[str]:
    """The tables whose validation must run again."""
    if (
        not isinstance(record, dict)
        or record.get("library") != shared.library
        or record.get("dependencies") != shared.dependencies
    ):
        return list(names)
    tables = record.get("tables", {})
    return [
        name
        for name in names
        if not isinstance(tables.get(name), dict) or any(hashes(k) != h for k, h in tables[name].items())
    ]


def validate(
    data_dir: Path, record: dict[str, Any] | None, shared: Shared, hashes: DataHashes
) -> dict[str, Any]:
    """Validate what may have changed; return the new record. DataValidationError lists every problem."""
    from ..data import Catalog
    from ..digest import READS
    from ..errors import DataValidationError, Problem

    names = Catalog(data_dir, check_all=True).names()  # a broken descriptor raises DataValidationError here
    stale = stale_tables(names, record, shared, hashes)
    tables = {n: v for n, v in ((record or {}).get("tables") or {}).items() if n in names and n not in stale}
    problems: list[Problem] = []
    for name in stale:
        READS.clear()
        try:
            # A catalog of its own: the table and everything its checks need are read, not taken from
            # a cache filled by another table, so the record lists all of it.
            Catalog(data_dir, check_all=True).load(name)
        except DataValidationError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
            continue
        tables[name] = hashes.record(sorted(READS))
    READS.clear()
    if problems:
        raise DataValidationError(problems)
    return {
        "library": shared.library,
        "dependencies": shared.dependencies,
        "tables": dict(sorted(tables.items())),
    }
