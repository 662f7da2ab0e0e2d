"""Citations of one row, and the source text as a page every citation links into.

    >>> from workplan.cite import cite
    >>> c = cite("ajccbc_support", "next")            # or lang="ja"
    >>> print(c.text); print(c.bibtex); c.csl         # plain text, BibTeX, CSL-JSON (a dict)
    >>> c.url                                         # …/source.html#L205: the row's first source line

A citation names the row (dataset, key, what the row is called), the project and its version (the
package's and the data package's), where its words are in the source (lines and, where the slide prints
it, the slide number) and links to that line on the source page. The source page (`source_page`) is the
raw text as published with the reports (reports/source.html): one anchor per line (#L205), one per
section (#section-ajccbc) and one per slide whose number the source prints (#slide-7).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from .errors import ParameterError
from .search import SOURCE_PAGE

if TYPE_CHECKING:
    from .data import Catalog

PROJECT_TITLE = "Japan-ASEAN Digital Work Plan 2026: data and analysis notebooks"
PROJECT_TITLE_JA = "日ASEANデジタルワークプラン2026：データと分析ノートブック"
AUTHOR = "The workplan project contributors"
PLAN = {
    "en": "MIC, Japan-ASEAN Digital Work Plan 2026 (January 2026)",
    "ja": "総務省「日ASEANデジタルワークプラン2026」（2026年1月）",
}


def _catalog(catalog: Catalog | None) -> Catalog:
    from .data import default_catalog

    return catalog if catalog is not None else default_catalog()


def project_version() -> str:
    """The installed package's version (pyproject.toml)."""
    try:
        return metadata.version("workplan")
    except metadata.PackageNotFoundError:  # pragma: no cover - the project is always installed
        return "0"


def source_url(anchor: str, base: str | None = None) -> str:
    """The source page's address with an anchor: the published site's when known, else reports/."""
    if base is None:
        from .paths import site_url

        base = site_url() or "reports/"
    return f"{base}{SOURCE_PAGE}#{anchor}"


@dataclass(frozen=True)
class Citation:
    dataset: str
    key: str
    lang: str
    label: str | None
    source_lines: str | None
    slide: int | None
    quote: str | None
    version: str
    data_version: str
    year: int
    url: str | None
    outside: str | None = None  # a row quoting another source (outcomes): its publisher, title, date, address
    outside_url: str | None = None  # that source's address, the link of a citation with no line of the plan

    @property
    def where(self) -> str:
        """'data/raw L205 (slide 7)' or, in Japanese, '原文L205（スライド7）'."""
        if not self.source_lines:
            return ""
        if self.lang == "ja":
            return f"原文{self.source_lines}" + (f"（スライド{self.slide}）" if self.slide else "")
        return f"data/raw {self.source_lines}" + (f" (slide {self.slide})" if self.slide else "")

    @property
    def text(self) -> str:
        row = f"{self.dataset} “{self.key}”" + (f" ({self.label})" if self.label else "")
        if self.lang == "ja":
            parts = [
                f"{self.dataset}「{self.key}」" + (f"（{self.label}）" if self.label else ""),
                f"{PROJECT_TITLE_JA}、バージョン{self.version}（データパッケージ{self.data_version}）",
            ]
            if self.where:
                quote = f"「{self.quote}」" if self.quote else ""
                parts.append(f"出典：{PLAN['ja']}{self.where}{quote}")
            elif self.outside:
                parts.append(f"出典：{self.outside}" + (f"「{self.quote}」" if self.quote else ""))
            text = "、".join(parts[:2]) + "。" + (parts[2] + "。" if len(parts) > 2 else "")
        else:
            text = f"{row}, in {PROJECT_TITLE}, version {self.version} (data package {self.data_version})."
            if self.where:
                quote = f": “{self.quote}”" if self.quote else ""
                text += f" Source: {PLAN['en']}, {self.where}{quote}."
            elif self.outside:
                text += f" Source: {self.outside}" + (f": “{self.quote}”." if self.quote else ".")
        return text + (f" {self.url}" if self.url else "")

    @property
    def bibtex(self) -> str:
        def esc(value: str) -> str:
            return re.sub(r"([&%$#_{}])", r"\\\1", value)

        ident = re.sub(r"[^A-Za-z0-9]+", "_", f"workplan_{self.dataset}_{self.key}").strip("_")
        title = f"{self.dataset} {self.key}" + (f": {self.label}" if self.label else "")
        note = (
            f"Source: {PLAN[self.lang]}, {self.where}"
            if self.where
            else f"Source: {self.outside or PLAN[self.lang]}"
        )
        if self.quote:
            note += f": {self.quote}"
        fields = [
            ("title", "{" + esc(title) + "}"),
            ("author", "{" + esc(AUTHOR) + "}"),
            ("year", str(self.year)),
            ("version", esc(self.version)),
            ("howpublished", esc(f"{PROJECT_TITLE}, data package {self.data_version}")),
            ("note", esc(note)),
            ("language", "japanese" if self.lang == "ja" else "english"),
        ]
        if self.url or self.outside_url:
            fields.append(("url", self.url or self.outside_url))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{ident},\n{body}\n}}"

    @property
    def csl(self) -> dict[str, Any]:
        """CSL-JSON (one item), as reference managers import it."""
        item: dict[str, Any] = {
            "id": f"workplan/{self.dataset}/{self.key}",
            "type": "dataset",
            "title": f"{self.dataset} {self.key}" + (f": {self.label}" if self.label else ""),
            "author": [{"literal": AUTHOR}],
            "container-title": PROJECT_TITLE_JA if self.lang == "ja" else PROJECT_TITLE,
            "version": f"{self.version} (data package {self.data_version})",
            "issued": {"date-parts": [[self.year]]},
            "language": self.lang,
            "source": self.outside if self.outside and not self.where else PLAN[self.lang],
        }
        if self.where:
            item["locator"] = self.source_lines
            item["note"] = self.where + (f": {self.quote}" if self.quote else "")
        if self.url or self.outside_url:
            item["URL"] = self.url or self.outside_url
        return item

    def render(self) -> str:
        """All three forms, as the command line prints them."""
        csl = json.dumps([self.csl], ensure_ascii=False, indent=2)
        return f"{self.text}\n\n{self.bibtex}\n\n{csl}"


def cite(
    dataset: str, key: str, lang: str = "en", catalog: Catalog | None = None, base: str | None = None
) -> Citation:
    """The citation of one row: `dataset` and its `key` (primary key parts joined with '/', as search and
    the tracker's item ids write them), in `lang` ("en" or "ja"). `base`: the address the source page is
    published under (default: the site's, else reports/)."""
    from .search import index_of, row_label

    if lang not in ("en", "ja"):
        raise ParameterError("lang", lang, '"ja" or "en"')
    c = _catalog(catalog)
    c.resource(dataset)  # an unknown dataset names the known ones
    rows = [r for r in index_of(c).rows if r.dataset == dataset]
    row = next((r for r in rows if r.key == key), None)
    if row is None:
        keys = ", ".join(r.key for r in rows[:30]) + (", …" if len(rows) > 30 else "")
        raise ParameterError("key", key, f"a key of {dataset}: {keys}")
    created = str(c.descriptor.get("created", ""))[:4]
    first = re.match(r"L(\d+)", row.source_lines or "")
    quote = row.values.get("source_quote")
    outside = outside_url = None
    if c.resource(dataset).quotes != "plan":  # the row quotes a page it names (an outcome's source)
        v = row.values
        parts = [v.get("source_publisher"), v.get("source_title"), v.get("source_date"), v.get("source_url")]
        outside = ", ".join(str(p.date()) if hasattr(p, "date") else str(p) for p in parts if p is not None)
        outside_url = v.get("source_url")
    return Citation(
        dataset=dataset,
        key=key,
        lang=lang,
        label=row_label(row.values, lang),
        source_lines=row.source_lines,
        slide=row.slide,
        quote=quote if isinstance(quote, str) else None,
        version=project_version(),
        data_version=str(c.descriptor.get("version", "")),
        year=int(created) if created.isdigit() else 2026,
        url=source_url(f"L{first.group(1)}", base) if first else None,
        outside=outside or None,
        outside_url=outside_url or None,
    )


# --- the source page ------------------------------------------------------------------------------------


def source_page(catalog: Catalog | None = None) -> str:
    """The source text as an HTML page: a numbered line each with its anchor (#L1 …), a heading per
    section (#section-<id>) and an anchor per printed slide number (#slide-7)."""
    c = _catalog(catalog)
    source = c.source
    starts = {s.first_line: s for s in source.sections}
    title = (c.descriptor.get("sources") or [{}])[0].get("title", "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Source text · 原文 — Japan-ASEAN Digital Work Plan 2026</title>",
        "<style>",
        "  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1f2933; }",
        "  .line { display: flex; gap: 0.8rem; font-family: ui-monospace, monospace; white-space: pre-wrap; }",
        "  .line a.n { color: #616e7c; min-width: 3.5rem; text-align: right; text-decoration: none; }",
        "  .line:target { background: #fff3c4; }",
        "  h2 { font-size: 1rem; border-top: 2px solid #d9e2ec; margin: 1.2rem 0 0.3rem; padding-top: 0.4rem; }",
        "  h2:target { background: #fff3c4; }",
        "</style>",
        "</head>",
        "<body>",
        '<header><h1 lang="en">Source text <span lang="ja">/ 原文</span></h1>',
        f"<p>{html.escape(title)}.</p>",
        '<p lang="en">The text extracted from the published slides (data/raw/), unchanged. Each line has its own '
        "anchor (#L205); each section (#section-ajccbc) and each slide whose number the text prints (#slide-7) "
        'too. <a href="index.html">All reports</a>.</p></header>',
        "<main>",
    ]
    for number, line in enumerate(source.lines, start=1):
        section = starts.get(number)
        if section is not None:
            ids = f' id="section-{html.escape(section.section_id)}"'
            slide = (
                f' <span id="slide-{section.slide}">(slide {section.slide})</span>' if section.slide else ""
            )
            out.append(
                f'<h2{ids} lang="en">{html.escape(section.section_id)}: L{section.first_line}-L{section.last_line}{slide}</h2>'
            )
        out.append(
            f'<div class="line" id="L{number}"><a class="n" href="#L{number}">{number}</a>'
            f"<span>{html.escape(line)}</span></div>"
        )
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
