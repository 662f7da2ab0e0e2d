"""What changed, as an Atom feed (RFC 4287): reports/feed.xml (English) and reports/feed-ja.xml.

    >>> from workplan.feed import changes, feed_bytes
    >>> changes("2026-11-27")              # each status change of a dated item the plan's dates bring
    >>> feed_bytes("2026-11-27", "ja")

Entries:

- one per recorded outcome known on `as_of` (data/outcomes.csv, its source_date on or before it), dated
  by its source's publication, linked to the publisher's page, the tracker and the item's source line;
- one per status change of a dated item from the plan's publication (2026-01-31) to `as_of`, read from
  `workplan.tracker.status` on each date a period begins or ends or an outcome becomes known (an item
  entering its period, its period passing, …; whatever statuses the tracker gives, without naming them
  here). A change an outcome brought is that outcome's entry.

No clock is read: the feed's own date is `as_of`, each entry's is the day of its change, and ids are
derived from the item, so the same data and date give the same bytes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

if TYPE_CHECKING:
    from .data import Catalog

FEEDS = {"en": "feed.xml", "ja": "feed-ja.xml"}
SINCE = "2026-01-31"  # the plan's date (params.DEFAULT_AS_OF): changes before it are the plan's own
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "workplan/japan-asean-digital-work-plan-2026")


def _catalog(catalog: Catalog | None) -> Catalog:
    from .data import default_catalog

    return catalog if catalog is not None else default_catalog()


def _day(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def changes(as_of: str, catalog: Catalog | None = None, since: str = SINCE) -> pd.DataFrame:
    """Each change of a dated item's status after `since` up to `as_of` that the dates bring (not an
    outcome): item_id, date, old, new, and the item's columns on that date."""
    from .tracker import status

    c = _catalog(catalog)
    start, end = _day(since), _day(as_of)
    before = status(start.date().isoformat(), catalog=c)
    dates: set[pd.Timestamp] = set()
    for column in ("period_start", "period_end"):
        dates.update(_day(d) for d in before[column].dropna())
    dates.update(_day(d) for d in pd.to_datetime(c.load("outcomes")["source_date"]).dropna())
    found = []
    for day in sorted(d for d in dates if start < d <= end):
        now = status(day.date().isoformat(), catalog=c)
        old = before.set_index("item_id")
        for row in now.itertuples(index=False):
            previous = old.loc[row.item_id] if row.item_id in old.index else None
            if previous is None or str(previous["status"]) == str(row.status):
                continue
            before_id = previous["outcome_id"]
            brought_by_outcome = isinstance(row.outcome_id, str) and (
                not isinstance(before_id, str) or row.outcome_id != before_id
            )
            if brought_by_outcome:
                continue
            found.append(
                {**row._asdict(), "date_changed": day, "old": str(previous["status"]), "new": str(row.status)}
            )
        before = now
    columns = ["item_id", "date_changed", "old", "new"]
    frame = pd.DataFrame(found)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame[columns + [c for c in frame.columns if c not in columns]].reset_index(drop=True)


def _stamp(day: Any) -> str:
    return _day(day).strftime("%Y-%m-%dT00:00:00Z")


def _id(kind: str, *parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join((kind, *parts)))}"


def feed_bytes(
    as_of: str,
    lang: str = "en",
    catalog: Catalog | None = None,
    base: str = "",
    changed: pd.DataFrame | None = None,
) -> bytes:
    """The Atom feed in `lang` as of `as_of`; `base`: where the reports are published ('' for links
    relative to reports/); `changed`: changes(as_of) when already at hand."""
    from .i18n import format_date, t
    from .ical import items_on, when
    from .search import source_link

    c = _catalog(catalog)
    items = items_on(as_of, catalog=c).set_index("item_id")
    tracker_page = f"{base}{lang}/tracker.html"
    entries: list[tuple[str, str, str]] = []  # (date, id, xml)

    from .tracker import outcome_known_from

    outcomes = c.load("outcomes")
    outcomes = outcomes.assign(known_from=outcome_known_from(outcomes, c.load("outcome_checks")))
    known = outcomes[outcomes["known_from"] <= _day(as_of)]
    for o in known.itertuples(index=False):
        item = items.loc[o.item_id] if o.item_id in items.index else None
        title_item = item[f"title_{lang}"] if item is not None else o.item_id
        status_label = t(f"status.{o.status}", lang)
        title = t(
            "feed.outcome",
            lang,
            title=title_item,
            status=status_label,
            date=format_date(o.date, str(o.date_precision), lang),
        )
        # The page as its record names it: publisher, title and date where the page gave them.
        title_quoted = (
            (f"「{o.source_title}」" if lang == "ja" else f"“{o.source_title}”")
            if pd.notna(o.source_title)
            else None
        )
        published = format_date(o.source_date, "day", lang) if pd.notna(o.source_date) else None
        page = ("、" if lang == "ja" else ", ").join(
            str(p) for p in (o.source_publisher, title_quoted, published) if p
        )
        summary = t("feed.outcome_text", lang, source=page, quote=o.source_quote)
        note = getattr(o, f"note_{lang}")
        if isinstance(note, str):
            summary += f" ({note})"
        links = [("alternate", o.source_url), ("related", tracker_page)]
        line = source_link(item["source_lines"]) if item is not None else None
        if line:
            links.append(("via", f"{base}{line}"))
        entry_id = _id("outcome", str(o.outcome_id))
        entries.append(
            (
                _stamp(o.known_from),
                entry_id,
                _entry(entry_id, title, o.known_from, links, str(o.status), summary),
            )
        )

    for ch in (changes(as_of, c) if changed is None else changed).itertuples(index=False):
        old, new = t(f"status.{ch.old}", lang), t(f"status.{ch.new}", lang)
        title_item = getattr(ch, f"title_{lang}")
        title = t("feed.change", lang, title=title_item, old=old, new=new)
        span = when(ch.date, ch.date_precision, ch.end_date, ch.end_precision, lang, bool(ch.open_ended))
        summary = t(
            "feed.change_text",
            lang,
            date=format_date(ch.date_changed, "day", lang),
            old=old,
            new=new,
            when=span,
        )
        if isinstance(ch.source_quote, str):
            summary += f" {t('source_quote', lang)}: {ch.source_quote}"
        line = source_link(items.loc[ch.item_id, "source_lines"]) if ch.item_id in items.index else None
        links = [("alternate", tracker_page)] + ([("via", f"{base}{line}")] if line else [])
        day = ch.date_changed.date().isoformat()
        entry_id = _id("status", str(ch.item_id), day, ch.new)
        entries.append((_stamp(day), entry_id, _entry(entry_id, title, day, links, ch.new, summary)))

    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">',
        f"  <id>{_id('feed', lang)}</id>",
        f"  <title>{escape(t('feed.title', lang))}</title>",
        f"  <updated>{_stamp(as_of)}</updated>",
        "  <author><name>The workplan project contributors</name></author>",
        f'  <link rel="self" href={quoteattr(base + FEEDS[lang])}/>',
        f'  <link rel="alternate" href={quoteattr(tracker_page)}/>',
    ]
    return ("\n".join(head + [e[2] for e in entries] + ["</feed>", ""])).encode("utf-8")


def _entry(
    entry_id: str, title: str, day: Any, links: list[tuple[str, str]], category: str, summary: str
) -> str:
    out = [
        "  <entry>",
        f"    <id>{entry_id}</id>",
        f"    <title>{escape(str(title))}</title>",
        f"    <updated>{_stamp(day)}</updated>",
        f"    <published>{_stamp(day)}</published>",
    ]
    out += [f'    <link rel="{rel}" href={quoteattr(str(href))}/>' for rel, href in links]
    out += [
        f"    <category term={quoteattr(category)}/>",
        f"    <summary>{escape(summary)}</summary>",
        "  </entry>",
    ]
    return "\n".join(out)


def feed_files(as_of: str, catalog: Catalog | None = None, base: str = "") -> dict[str, bytes]:
    """The feeds the site publishes, by path under reports/."""
    c = _catalog(catalog)
    changed = changes(as_of, c)
    return {path: feed_bytes(as_of, lang, c, base, changed) for lang, path in FEEDS.items()}
