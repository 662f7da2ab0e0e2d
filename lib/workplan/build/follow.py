"""What the site publishes besides the reports for finding, citing and following: the source page,
the search box's index, the calendars and the feeds. Written by the build beside the index, each
piece only when what it read from the data, the library, the as-of date or the site's address
changed; the same inputs give the same bytes (no clock).

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


# Each piece is made, and its files rewritten, only when something it read changed (the files and
# schema entries it read, recorded as a report's reads are), or the library, the date or the site's
# address did: an edit to a table the calendars do not read leaves them alone.
PIECES = ("source", "search", "calendars", "feeds")
LABELS = {"source": "source page", "search": "search index", "calendars": "calendars", "feeds": "feeds"}


def piece_files(piece: str, catalog: Any, as_of: str, base: str) -> dict[str, bytes]:
    """One piece's files, by path under reports/."""
    if piece == "source":
        from ..cite import source_page
        from ..search import SOURCE_PAGE

        return {SOURCE_PAGE: source_page(catalog).encode("utf-8")}
    if piece == "search":
        from ..search import static_index

        index = json.dumps(static_index(catalog), ensure_ascii=False, separators=(",", ":"))
        return {SEARCH_INDEX: f"window.WORKPLAN_SEARCH = {index};\n".encode()}  # built in a fixed order
    if piece == "calendars":
        from ..ical import calendar_files

        return calendar_files(as_of, catalog, base)
    from ..feed import feed_files

    return feed_files(as_of, catalog, base)


def fresh(entry: Any, inputs: dict[str, str], hashes: Any, out_dir: Path) -> bool:
    """Whether a piece's record says its files are up to date: same inputs, every read unchanged,
    every file there."""
    return (
        isinstance(entry, dict)
        and entry.get("inputs") == inputs
        and isinstance(entry.get("reads"), dict)
        and bool(entry["reads"])
        and all(hashes(k) == h for k, h in entry["reads"].items())
        and isinstance(entry.get("files"), list)
        and all((out_dir / f).is_file() for f in entry["files"])
    )


def write_published(
    out_dir: Path,
    data_dir: Path,
    as_of: str,
    base: str = "",
    record: dict[str, Any] | None = None,
    library: str = "",
) -> tuple[list[str], dict[str, Any]]:
    """Make the pieces that are not fresh by `record` and write what changed. Returns the pieces
    whose files changed (LABELS, for the summary) and the new record (per piece: its inputs, the
    hashes of what it read, its files)."""
    from ..digest import reads_of
    from .plan import DataHashes

    hashes = DataHashes(data_dir)
    inputs = {"library": library, "as_of": as_of, "base": base}
    catalog = None
    written: list[str] = []
    new_record: dict[str, Any] = {}
    for piece in PIECES:
        entry = (record or {}).get(piece)
        if fresh(entry, inputs, hashes, out_dir):
            new_record[piece] = entry
            continue
        if catalog is None:
            from ..data import Catalog

            catalog = Catalog(data_dir)
        with reads_of() as read:
            files = piece_files(piece, catalog, as_of, base)
        reads = sorted(read)
        for path, content in sorted(files.items()):
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if write_if_changed(target, content) and LABELS[piece] not in written:
                written.append(LABELS[piece])
        new_record[piece] = {"inputs": inputs, "reads": hashes.record(reads), "files": sorted(files)}
    return written, new_record


def listing(out_dir: Path) -> dict[str, Any]:
    """What the index links to, from the files present (calendars by language and what they cover)."""
    calendars: dict[str, list[str]] = {}
    for lang in ("en", "ja"):
        folder = out_dir / "calendar" / lang
        calendars[lang] = sorted(p.name for p in folder.glob("*.ics")) if folder.is_dir() else []
    return {"calendars": calendars}
