"""ASEAN member states: code and name lookup, and membership as of a date.

`resolve_country` reads data/countries.csv directly (no pandas), so parameter checks stay light.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .digest import record_read
from .errors import ParameterError
from .paths import DEFAULT_DATA_DIR

if TYPE_CHECKING:
    import pandas as pd


def country_rows(data_dir: Path = DEFAULT_DATA_DIR) -> list[dict[str, str]]:
    """The rows of countries.csv as plain dicts, in file order."""
    record_read("countries.csv")
    with (data_dir / "countries.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def resolve_country(value: Any, data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """ISO 3166 alpha-3 code of an ASEAN member given its alpha-3, alpha-2 or English name (any case)."""
    rows = country_rows(data_dir)
    allowed = ", ".join(f"{r['iso3']} ({r['name_en']})" for r in rows)
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for r in rows:
            if wanted in (r["iso3"].casefold(), r["iso2"].casefold(), r["name_en"].casefold()):
                return r["iso3"]
    raise ParameterError(
        "country", value, f"an ASEAN member as ISO alpha-3, alpha-2 or English name: {allowed}"
    )


def members_on(date: str | dt.date, countries: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ASEAN member states on `date` (those that had joined by then), in the dataset's order."""
    import pandas as pd

    from . import load

    table = load("countries") if countries is None else countries
    day = pd.Timestamp(date)
    return table[table["asean_joined"] <= day].reset_index(drop=True)
