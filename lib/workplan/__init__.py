"""Data, charts and reports for the Japan-ASEAN Digital Work Plan 2026.

    >>> import workplan
    >>> workplan.load("ivo_projects")        # a typed, validated DataFrame
    >>> workplan.datasets()                  # names, titles, row counts
    >>> workplan.search("Open RAN")          # rows about it or mentioning it (OpenRAN, オープンRAN too), and why

Importing this package is light: pandas loads on first use, matplotlib only with workplan.charts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import DataValidationError, ParameterError, UnknownDatasetError, WorkplanError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DataValidationError",
    "ParameterError",
    "UnknownDatasetError",
    "WorkplanError",
    "datasets",
    "load",
    "search",
]


def load(name: str) -> pd.DataFrame:
    """One curated dataset, typed and validated against data/datapackage.json."""
    from .data import default_catalog

    return default_catalog().load(name)


def datasets() -> pd.DataFrame:
    """Every dataset with its English and Japanese title and row count."""
    from .data import default_catalog

    return default_catalog().datasets()


def search(term: str, lang: str = "en") -> pd.DataFrame:
    """Rows of any dataset the term finds, best first, each once, with why: the column and the words
    matched, the source lines and slide (see workplan.search)."""
    from .search import search as _search

    return _search(term, lang=lang)
