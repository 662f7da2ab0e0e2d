"""The site: the index page and the data downloads, rewritten only when what they show changed.

The index lists every report of the matrix in both languages with the as-of date, the tables each
report read (from the manifest), the downloads and how to cite. Its inputs are hashed without
importing jinja2; the page is rendered only when that hash changed or the page is missing. The
downloads are rewritten only when the data or the library changed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..digest import data_digest
from ..paths import LIB_DIR, REPOSITORY, SITE_URL_ENV, site_url  # noqa: F401 (SITE_URL_ENV: tests)
from .outputs import atomic_write

INDEX = "index.html"
DATA_FOLDER = "data"


def binder_url() -> str:
    """The Binder link for JupyterLab on the repository (placeholder names until REPOSITORY is set)."""
    repository = REPOSITORY or "OWNER/REPO"
    return f"https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/notebooks"


def _package(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def index_inputs(manifest: dict[str, Any], keys: list[str], data_dir: Path, library: str) -> dict[str, Any]:
    """Everything the index shows, as plain data (also what its hash is taken over)."""
    from .downloads import download_names, workbook_name

    package = _package(data_dir)
    paths = {r["path"]: r["name"] for r in package["resources"]}
    reports: dict[str, dict[str, Any]] = {}
    dates: Counter[str] = Counter()
    for key in keys:
        entry = manifest["reports"].get(key)
        if entry is None:
            continue
        lang, report_id = key.split("/", 1)
        row = reports.setdefault(
            report_id,
            {
                "id": report_id,
                "title": entry["title"],
                "description": entry["description"],
                "group": entry.get("group", "plan"),
                "langs": {},
                "tables": set(),
            },
        )
        status = entry.get("status")
        available = status == "ok" or bool(entry.get("last_good"))
        as_of = entry.get("params", {}).get("as_of") if status == "ok" else None
        as_of = as_of or (entry.get("last_good") or {}).get("as_of") or entry.get("params", {}).get("as_of")
        row["langs"][lang] = {
            "html": f"{lang}/{report_id}.html",
            "ipynb": f"{lang}/{report_id}.ipynb",
            "status": status,
            "available": available,
            "as_of": as_of,
        }
        if available and as_of:
            dates[as_of] += 1
        reads = entry.get("reads") or (entry.get("last_good") or {}).get("reads") or {}
        row["tables"].update(paths[p] for p in reads if p in paths)
    for row in reports.values():
        row["tables"] = [
            {"name": name, "path": f"{DATA_FOLDER}/{path}"}
            for path, name in paths.items()
            if name in row["tables"]
        ]
    as_of = dates.most_common(1)[0][0] if dates else None
    groups = {
        "plan": [r for r in reports.values() if r["group"] == "plan"],
        "country": sorted(
            (r for r in reports.values() if r["group"] == "country"), key=lambda r: r["title"]["en"]
        ),
    }
    source = (package.get("sources") or [{}])[0]
    return {
        "as_of": as_of,
        "groups": groups,
        "package": {
            "title": package.get("title", ""),
            "version": package.get("version", ""),
            "created": str(package.get("created", ""))[:10],
            "source_title": source.get("title", ""),
        },
        "resources": [
            {
                "name": r["name"],
                "path": f"{DATA_FOLDER}/{r['path']}",
                "title": r.get("title", ""),
                "title_ja": r.get("title_ja", ""),
            }
            for r in package["resources"]
        ],
        "downloads": {
            "workbook": f"{DATA_FOLDER}/{workbook_name(package)}",
            "descriptor": f"{DATA_FOLDER}/datapackage.json",
            "others": [
                f"{DATA_FOLDER}/{n}"
                for n in download_names(package, data_dir)
                if not n.endswith((".csv", ".xlsx")) and n != "datapackage.json"
            ],
        },
        "data_hash": manifest.get("data", "")[:12],
        "site_url": site_url(),
        "repository": REPOSITORY,
        "binder_url": binder_url() if REPOSITORY else None,
        "library": library,
    }


def digest_of(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=sorted)
    return hashlib.sha256(text.encode()).hexdigest()


def render_index(inputs: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from ..i18n import format_date, t

    env = Environment(
        loader=FileSystemLoader(LIB_DIR / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.globals["t"] = t
    env.globals["day"] = lambda iso, lang: format_date(iso, "day", lang)
    from .fonts import embed

    return embed(env.get_template("index.html.j2").render(**inputs))


def update_site(
    out_dir: Path, data_dir: Path, manifest: dict[str, Any], keys: list[str], library: str
) -> list[str]:
    """Rewrite the downloads and the index where what they show changed; record their hashes in
    `manifest["site"]`. Returns what was written, for the summary."""
    site = manifest.setdefault("site", {})
    written = []
    downloads = digest_of({"data": manifest.get("data") or data_digest(data_dir), "library": library})
    if site.get("downloads") != downloads or not (out_dir / DATA_FOLDER / "datapackage.json").exists():
        from .downloads import write_downloads

        if write_downloads(data_dir, out_dir / DATA_FOLDER):
            written.append("data downloads")
        site["downloads"] = downloads
    inputs = index_inputs(manifest, keys, data_dir, library)
    written += _update_follow(out_dir, data_dir, manifest, library, inputs)
    index = digest_of(inputs)
    if site.get("index") != index or not (out_dir / INDEX).exists():
        atomic_write(out_dir / INDEX, render_index(inputs).encode("utf-8"))
        site["index"] = index
        written.append("index")
    return written


def _update_follow(
    out_dir: Path, data_dir: Path, manifest: dict[str, Any], library: str, inputs: dict[str, Any]
) -> list[str]:
    """The source page, the search index, the calendars and the feeds (workplan.build.follow), as of the
    reports' date, each rewritten when what it read, the library, that date or the site's address
    changed; adds what the index links to to `inputs["follow"]`."""
    from ..params import DEFAULT_AS_OF
    from .follow import SEARCH_INDEX, listing, write_published

    site = manifest.setdefault("site", {})
    as_of = inputs.get("as_of") or DEFAULT_AS_OF
    record = site.get("follow") if isinstance(site.get("follow"), dict) else None
    changed, site["follow"] = write_published(out_dir, data_dir, as_of, site_url() or "", record, library)
    inputs["follow"] = {"as_of": as_of, "search_index": SEARCH_INDEX, **listing(out_dir)}
    return changed
