"""Data, charts and reports for the Japan–ASEAN Digital Work Plan 2026.

    >>> import workplan
    >>> workplan.load("ivo_projects")        # a typed, validated DataFrame
    >>> workplan.datasets()                  # names, titles, row counts
    >>> workplan.search("Open RAN")          # rows in any dataset mentioning it

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


def search(text: str) -> pd.DataFrame:
    """Rows of any dataset whose Japanese or English text contains `text`, with their source quote."""
    from .data import default_catalog

    return default_catalog().search(text)
