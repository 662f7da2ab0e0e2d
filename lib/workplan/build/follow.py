"""What the site publishes besides the reports for finding, citing and following: the source page,
the search box's index, the calendars and the feeds. Written by the build beside the index, only when
the data, the library or the as-of date changed; the same inputs give the same bytes (no clock).

    reports/source.html                    the source text, an anchor per line, section and slide
    reports/search-index.js                the index page's search box (workplan.search.static_index)
    reports/calendar/<lang>/all.ics        dated items (also pillar-<n>.ics, country-<iso3>.ics)
    reports/feed.xml, reports/feed-ja.xml  outcomes and status changes (Atom)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .outputs import write_if_changed

SEARCH_INDEX = "search-index.js"


def published_files(data_dir: Path, as_of: str, base: str = "") -> dict[str, bytes]:
    """Every file, by its path under reports/."""
    from ..cite import source_page
    from ..data import Catalog
    from ..feed import feed_files
    from ..ical import calendar_files
    from ..search import SOURCE_PAGE, static_index

    catalog = Catalog(data_dir)
    index = json.dumps(
        static_index(catalog), ensure_ascii=False, separators=(",", ":")
    )  # built in a fixed order
    files = {
        SOURCE_PAGE: source_page(catalog).encode("utf-8"),
        SEARCH_INDEX: f"window.WORKPLAN_SEARCH = {index};\n".encode(),
    }
    files.update(calendar_files(as_of, catalog, base))
    files.update(feed_files(as_of, catalog, base))
    return files


def write_published(out_dir: Path, data_dir: Path, as_of: str, base: str = "") -> list[str]:
    """Write what changed; returns the paths written."""
    written = []
    for path, content in sorted(published_files(data_dir, as_of, base).items()):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if write_if_changed(target, content):
            written.append(path)
    return written


def listing(out_dir: Path) -> dict[str, Any]:
    """What the index links to, from the files present (calendars by language and what they cover)."""
    calendars: dict[str, list[str]] = {}
    for lang in ("en", "ja"):
        folder = out_dir / "calendar" / lang
        calendars[lang] = sorted(p.name for p in folder.glob("*.ics")) if folder.is_dir() else []
    return {"calendars": calendars}
