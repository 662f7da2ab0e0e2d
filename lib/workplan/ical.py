"""The plan's dated items as an iCalendar file (RFC 5545), written with the `icalendar` library.

    >>> from workplan.ical import calendar_bytes
    >>> calendar_bytes("2026-11-27", lang="en")              # every dated item
    >>> calendar_bytes("2026-11-27", lang="ja", pillar=2)    # one pillar's; country="PHL" for one member's

One event per dated item of `workplan.tracker.status(as_of)`: an all-day event over the item's period
as precisely as the plan gives it (a day, a month, a year, or a start–end span; an open-ended period
over its start's period), its summary the item's title and when ("in 2026", "November 2026"), its
description the status on `as_of`, the plan's words and the source line, and its URL the outcome's
source where one is recorded, else the item's line on the source page. Nothing depends on the clock:
DTSTAMP is `as_of`, so the same data and date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .data import Catalog

PRODID = "-//workplan//Japan-ASEAN Digital Work Plan 2026//EN"
UID_DOMAIN = "japan-asean-digital-work-plan-2026.workplan"


def when(date: Any, precision: str, end: Any, end_precision: Any, lang: str, open_ended: bool = False) -> str:
    """'in 2026', 'November 2026', '27 November 2026', 'June 2027 – May 2031', 'since 2009' (an
    open-ended period), or in Japanese 2026年中, 2026年11月, 2027年6月–2031年5月, 2009年以降."""
    from .i18n import format_date

    first = format_date(date, precision, lang)
    if open_ended:
        return f"{first}以降" if lang == "ja" else f"since {first}"
    if end is not None and not pd.isna(end):
        last = format_date(end, str(end_precision), lang)
        return f"{first}–{last}" if lang == "ja" else f"{first} – {last}"
    if lang == "ja":
        return f"{first}中" if precision == "year" else first
    return f"in {first}" if precision == "year" else first


def _catalog(catalog: Catalog | None) -> Catalog:
    from .data import default_catalog

    return catalog if catalog is not None else default_catalog()


def source_lines_of(catalog: Catalog) -> dict[tuple[str, str], str]:
    """(dataset, key) → the row's source lines, for the dated items' links."""
    from .search import index_of

    return {(r.dataset, r.key): r.source_lines for r in index_of(catalog).rows if r.source_lines}


def items_on(
    as_of: str, pillar: int | None = None, country: str | None = None, catalog: Catalog | None = None
) -> pd.DataFrame:
    """tracker.status(as_of), narrowed to a pillar or a country, with each item's source_lines."""
    from .tracker import status

    c = _catalog(catalog)
    items = status(as_of, catalog=c)
    if pillar is not None:
        items = items[items["pillar_id"] == pillar]
    if country is not None:
        items = items[items["country_iso3"] == country]
    lines = source_lines_of(c)
    items = items.assign(
        source_lines=[lines.get((d, k)) for d, k in zip(items["dataset"], items["key"], strict=True)]
    )
    return items.reset_index(drop=True)


def calendar_bytes(
    as_of: str,
    lang: str = "en",
    pillar: int | None = None,
    country: str | None = None,
    catalog: Catalog | None = None,
    base: str = "",
    items: pd.DataFrame | None = None,
) -> bytes:
    """The iCalendar file of the dated items (all, one pillar's or one country's) with their status on
    `as_of`. `base`: where the reports are published ('' for links relative to reports/); `items`:
    items_on(as_of) when already at hand."""
    from icalendar import Calendar, Event

    from .i18n import t
    from .search import source_link

    if items is None:
        items = items_on(as_of, catalog=catalog)
    if pillar is not None:
        items = items[items["pillar_id"] == pillar]
    if country is not None:
        items = items[items["country_iso3"] == country]
    stamp = dt.datetime.combine(dt.date.fromisoformat(str(as_of)[:10]), dt.time(), tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = t("site.project", lang)
    if pillar is not None:
        name += f" · {t('calendar.pillar', lang, n=pillar)}"
    if country is not None:
        name += f" · {country}"
    cal.add("x-wr-calname", name)
    tracker_page = f"{base}{lang}/tracker.html"
    for item in items.itertuples(index=False):
        title = getattr(item, f"title_{lang}")
        span = when(
            item.date, item.date_precision, item.end_date, item.end_precision, lang, bool(item.open_ended)
        )
        status_label = t(f"status.{item.status}", lang)
        start = pd.Timestamp(item.period_start).date()
        end = pd.Timestamp(item.period_end).date() if not pd.isna(item.period_end) else None
        if end is None:  # open-ended: shown over its start's period
            from .tracker import period

            end = period(item.date, item.date_precision)[1].date()
        line_link = source_link(item.source_lines)
        outcome_url = item.source_url if isinstance(item.source_url, str) else None
        event = Event()
        event.add("uid", f"{item.item_id}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{title} ({span})")
        lines = [
            f"{t('status', lang)}: {status_label} ({t('site.as_of_each', lang, date=_day(as_of, lang))})",
            f"{t('calendar.precision', lang)}: {span}",
        ]
        if isinstance(item.source_quote, str):
            lines.append(f"{t('source_quote', lang)}: {item.source_quote}")
        if item.source_lines:
            lines.append(f"{t('calendar.source_lines', lang)}: {item.source_lines} ({base}{line_link})")
        if outcome_url:
            lines.append(f"{t('calendar.outcome', lang)}: {item.source_title} ({outcome_url})")
        lines.append(f"{t('calendar.tracker', lang)}: {tracker_page}")
        event.add("description", "\n".join(lines))
        url = outcome_url or (f"{base}{line_link}" if line_link else tracker_page)
        if url.startswith(
            ("http://", "https://")
        ):  # URL must be absolute: only once the site's address is known
            event.add("url", url)
        event.add("categories", [f"pillar {item.pillar_id}", str(item.status)])
        event.add("x-workplan-status", str(item.status))
        event.add("x-workplan-precision", str(item.date_precision))
        event.add("x-workplan-item", str(item.item_id))
        if item.status == "cancelled":
            event.add("status", "CANCELLED")
        elif item.plan_status == "provisional":
            event.add("status", "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()


def _day(iso: str, lang: str) -> str:
    from .i18n import format_date

    return format_date(iso, "day", lang)


def calendar_files(as_of: str, catalog: Catalog | None = None, base: str = "") -> dict[str, bytes]:
    """Every calendar the site publishes, by path under reports/: calendar/<lang>/all.ics,
    pillar-<n>.ics and country-<iso3>.ics (for each ASEAN member with a dated item)."""
    c = _catalog(catalog)
    items = items_on(as_of, catalog=c)
    members = list(c.load("countries")["iso3"].astype(str))
    files = {}
    for lang in ("en", "ja"):
        files[f"calendar/{lang}/all.ics"] = calendar_bytes(as_of, lang, catalog=c, base=base, items=items)
        for pillar in sorted(int(p) for p in items["pillar_id"].dropna().unique()):
            files[f"calendar/{lang}/pillar-{pillar}.ics"] = calendar_bytes(
                as_of, lang, pillar=pillar, catalog=c, base=base, items=items
            )
        for iso3 in members:
            if (items["country_iso3"] == iso3).any():
                files[f"calendar/{lang}/country-{iso3.lower()}.ics"] = calendar_bytes(
                    as_of, lang, country=iso3, catalog=c, base=base, items=items
                )
    return files
