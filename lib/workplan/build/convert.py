"""Conversion: an executed notebook to the HTML readers see, the same way for every path in.

The build, `python -m workplan render` and `python -m workplan html` (for a notebook executed by
papermill) all go through `Converter.html`: code and parameter cells hidden, notes for researchers
removed, images inline, a navigation bar to the index and the other language, and the Japanese
face the page needs embedded (`fonts.py`). What differs between
two executions of the same inputs (execution counts, timings, papermill's metadata) is dropped first.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from ..matrix import ReportSpec
from ..paths import LIB_DIR

REMOVED_TAGS = ["notes", "parameters", "injected-parameters"]
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info")


@dataclass(frozen=True)
class Links:
    """Where a report's navigation points: None leaves a link out (no dead links)."""

    index: str | None
    other_language: str | None

    @classmethod
    def for_report(cls, spec: ReportSpec, site_url: str | None, in_site: bool) -> Links:
        """Relative links inside the built site; absolute ones when the site's address is known;
        none for a file that lives outside the site when it is not."""
        other = "en" if spec.lang == "ja" else "ja"
        if site_url:
            base = site_url.rstrip("/") + "/"
            return cls(base + "index.html", f"{base}{other}/{spec.report_id}.html")
        if in_site:
            return cls("../index.html", f"../{other}/{spec.report_id}.html")
        return cls(None, None)


def for_readers(nb: Any) -> Any:
    """A copy without what differs between two runs of the same notebook with the same inputs."""
    nb = copy.deepcopy(nb)
    nb.metadata = {k: nb.metadata[k] for k in KEPT_NOTEBOOK_METADATA if k in nb.metadata}
    for cell in nb.cells:
        cell.metadata = {"tags": list(cell.metadata.get("tags", []))}
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
    return nb


class Converter:
    """HTML for readers. Loads nbconvert once; safe to call from several threads."""

    def __init__(self, warm: tuple[str, ...] = ()) -> None:
        """`warm`: languages to convert a one-cell notebook in at once, so that the first report's
        conversion does not also compile the templates and load the font's map (made while the
        kernels start, this is off the reports' path)."""
        from .execute import import_nbformat

        nbformat = import_nbformat()
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = REMOVED_TAGS
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        config.HTMLExporter.extra_template_basedirs = [str(LIB_DIR / "templates")]
        config.HTMLExporter.template_name = "reader"
        # One exporter per language: <html lang> comes from the exporter's own setting.
        self.exporters = {}
        self.lock = threading.Lock()  # exporters are not safe to share between threads
        for lang in ("ja", "en"):
            config.HTMLExporter.language_code = lang
            self.exporters[lang] = HTMLExporter(config=config.copy())
        if warm:
            from .fonts import characters

            characters("日本")  # loads the face's character map
            blank = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("日本")])
            for lang in warm:
                resources = page_resources("", lang, Links(None, None), [])
                self.exporters[lang].from_notebook_node(blank, resources=resources)

    def html(self, nb: Any, spec: ReportSpec, links: Links) -> bytes:
        resources = page_resources(spec.title[spec.lang], spec.lang, links, follow_links(spec, links))
        reader_nb = for_readers(nb)
        with self.lock:
            body, _ = self.exporters[spec.lang].from_notebook_node(reader_nb, resources=resources)
        from .fonts import embed

        return embed(body).encode("utf-8")


def page_resources(title: str, lang: str, links: Links, follow: list[dict[str, str]]) -> dict[str, Any]:
    """What the page template reads besides the notebook."""
    from ..i18n import t

    return {
        "metadata": {"name": title},
        "workplan": {
            "lang": lang,
            "other_lang": "en" if lang == "ja" else "ja",
            "index": links.index,
            "other_lang_href": links.other_language,
            "other_lang_label": t("other_language", lang),
            "index_label": t("all_reports", lang),
            "project_label": t("site.project", lang),
            "nav_label": t("site.nav", lang),
            "follow": follow,
        },
    }


def follow_links(spec: ReportSpec, links: Links) -> list[dict[str, str]]:
    """The tracker's links to the calendar and the feed (workplan.build.follow), beside the index's:
    none where the index is not linked either (a file outside the site)."""
    if spec.notebook != "tracker" or links.index is None:
        return []
    from ..feed import FEEDS
    from ..i18n import t

    base = links.index.removesuffix("index.html")
    return [
        {
            "href": f"{base}calendar/{spec.lang}/all.ics",
            "type": "text/calendar",
            "label": t("follow.calendar", spec.lang),
        },
        {
            "href": base + FEEDS[spec.lang],
            "type": "application/atom+xml",
            "label": t("follow.feed", spec.lang),
        },
    ]


def notebook_bytes(nb: Any) -> bytes:
    from .execute import import_nbformat

    nbformat = import_nbformat()

    return (nbformat.writes(nb) + "\n").encode("utf-8")
