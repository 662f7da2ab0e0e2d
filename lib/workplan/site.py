"""The landing page of the reports folder: every report in both languages, and the data files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .build import atomic_write, copy_data
from .paths import LIB_DIR


def _data_facts(data_dir: Path) -> dict[str, Any]:
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = [
        {
            "name": r["name"],
            "path": f"data/{r['path']}",
            "title": r.get("title", ""),
            "title_ja": r.get("title_ja", ""),
        }
        for r in package["resources"]
    ]
    return {
        "package_title": package.get("title", ""),
        "source": (package.get("sources") or [{}])[0],
        "version": package.get("version", ""),
        "updated": str(package.get("created", ""))[:10],
        "resources": resources,
    }


def render_index(manifest: dict[str, Any], data: dict[str, Any], keys: set[str]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(LIB_DIR / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    reports: dict[str, dict[str, Any]] = {}
    for key, entry in manifest["reports"].items():
        if key not in keys:
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
            },
        )
        row["langs"][lang] = {
            "html": f"{lang}/{report_id}.html",
            "ipynb": f"{lang}/{report_id}.ipynb",
            "status": entry.get("status"),
            "available": entry.get("status") == "ok" or bool(entry.get("last_good")),
        }
    groups = {
        "plan": [r for r in reports.values() if r["group"] == "plan"],
        "country": sorted(
            (r for r in reports.values() if r["group"] == "country"), key=lambda r: r["title"]["en"]
        ),
    }
    data_hash = manifest.get("inputs", {}).get("data", "")
    return env.get_template("index.html.j2").render(groups=groups, data=data, data_hash=data_hash[:12])


def write_site(out_dir: Path, data_dir: Path, manifest: dict[str, Any], keys: set[str]) -> None:
    copy_data(data_dir, out_dir)
    html = render_index(manifest, _data_facts(data_dir), keys)
    atomic_write(out_dir / "index.html", html.encode("utf-8"))
