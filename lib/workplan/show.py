"""What a report shows besides charts: title, headings, sentences, tables, and the parts every report
repeats (a pillar's commitments, its dated items with their status, key figures, sources).

Each helper returns an object Jupyter displays: Markdown or an HTML table for readers, and a
plain-text form that nbval compares. Values from the data are escaped exactly once on the way:
Markdown markers, `$` (which Markdown renderers read as mathematics), `<`, `>` and `&` all show as
written.

    from workplan import show
    t = show.labels(lang)                       # t("forums_caption") → the label in the report's language
    show.table(forums[["year", "city_en", "status"]], lang, caption=t("forums_caption"))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import load
from .countries import members_on
from .i18n import VOCABULARY_LABELS, format_date, header, relabel, t, variant
from .pieces import cell_text

# --- displayable objects -------------------------------------------------------------------------


@dataclass
class Text:
    """Narrative Markdown for readers, with its plain-text form (the values unescaped) for nbval."""

    markdown: str
    plain: str = ""

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.plain or self.markdown


@dataclass
class Table:
    """A table with a caption above and a source line below, shown without the index.

    Every cell is HTML-escaped once here (and nowhere before). `links` maps a column to the column
    holding its http(s) address: that cell becomes a link.
    """

    frame: pd.DataFrame
    caption: str
    source: str
    links: dict[str, str] = field(default_factory=dict)
    lang: str = ""  # the report's language: a cell in the other one is marked with its own `lang`

    def _repr_html_(self) -> str:
        from .pieces import render

        shown = [c for c in self.frame.columns if c not in self.links.values()]
        rows = []
        for _, row in self.frame.iterrows():
            cells = []
            for column in shown:
                text = cell_text(row[column])
                url = row[self.links[column]] if column in self.links else None
                folded = len(text) > FOLD_AT
                cells.append(
                    {
                        "text": text,
                        "url": url if isinstance(url, str) and SAFE_URL.match(url) else None,
                        # A cell holding a long unbroken run (an address) may break it rather than run
                        # past the page; other cells keep their words whole.
                        "long_run": any(len(word) > 40 for word in text.split()),
                        # A long quote folds to its first words; the whole of it is one click away.
                        "folded": folded,
                        "summary": _first_words(text) if folded else "",
                        "lang": "ja" if self.lang == "en" and _JAPANESE.search(text) else "",
                    }
                )
            rows.append(cells)
        return render(
            "table.html.j2",
            caption=self.caption,
            head=[str(c) for c in shown],
            rows=rows,
            source=self.source,
            source_url=source_href(),
        )

    def __repr__(self) -> str:
        shown = self.frame.drop(columns=list(self.links.values())).map(cell_text)
        with pd.option_context("display.max_colwidth", 80, "display.width", 200):
            return f"{self.caption}\n{shown.to_string(index=False)}\n{self.source}"


@dataclass
class Parts:
    """Several outputs shown one after another by a single call (a heading and its table, …)."""

    parts: list[Any]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(*self.parts)

    def __repr__(self) -> str:
        return "\n\n".join(repr(p) for p in self.parts)


SAFE_URL = re.compile(r"https?://|(\.\./)?source\.html#L[0-9]+\Z", re.IGNORECASE)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji: text in Japanese

# A cell longer than this (characters) folds to its first words, so a long quote does not make its
# row tall on a phone; the whole text is one click (or tap) away.
FOLD_AT = 160


def _first_words(text: str, width: int = 60) -> str:
    """The start of a long text, cut at a word boundary where it has spaces, with an ellipsis."""
    cut = text[:width]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def source_href(lines: Any = None) -> str:
    """The source page (workplan.cite), at the first of `lines` ('L205' → …source.html#L205): on the
    published site when its address is known, else beside the report's folder (reports/source.html)."""
    from .paths import site_url

    base = site_url() or "../"
    m = re.match(r"L([0-9]+)", lines) if isinstance(lines, str) else None
    return f"{base}source.html" + (f"#L{m.group(1)}" if m else "")


# --- Markdown escaping ------------------------------------------------------------------------------

# Every ASCII punctuation character may be backslash-escaped in CommonMark; & < > become entities.
_MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%'()*+,\-./:;=?@\[\\\]^_`{|}~])")


def escape_md(value: Any) -> str:
    """A value from the data, made literal inside Markdown: it shows exactly as written.

    Punctuation is backslash-escaped and `&`, `<`, `>` become entities. Spaces and tabs that open a
    line become character references too: four of them (or a tab) would otherwise start a code
    block, in which escapes and entities show literally.
    """
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LEADING_BLANKS.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)


_LEADING_BLANKS = re.compile(r"^[ \t]+", re.MULTILINE)


def _markdown_template(template: str) -> str:
    """A sentence of ours, as Markdown: emphasis kept, a dollar sign never read as mathematics."""
    return template.replace("$", r"\$")


def render(key: str, lang: str, **values: Any) -> Text:
    """The sentence `key` with `values` put in: escaped for readers, as written for nbval."""
    template = t(variant(key, values), lang)
    escaped = {k: escape_md(v) if isinstance(v, str) else v for k, v in values.items()}
    # The plain form (nbval, text consoles) without the emphasis markers of our own sentences.
    return Text(_markdown_template(template).format(**escaped), template.replace("*", "").format(**values))


# --- labels and parameters ------------------------------------------------------------------------


def labels(lang: str) -> Callable[..., str]:
    """`t(key, **values)` in the report's language: for chart titles, axis labels and captions."""

    def label(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    return label


def check_parameters(notebook: str, **values: Any) -> dict[str, Any]:
    """The notebook's parameters checked and normalised (country 'kh' → 'KHM'), or ParameterError
    naming the first bad one and what is allowed. A pillar notebook accepts only its own pillar."""
    from .errors import ParameterError
    from .matrix import NOTEBOOKS, PILLAR_NOTEBOOKS
    from .params import check_mapping

    checked = check_mapping(values, NOTEBOOKS[notebook].parameters)
    pillar = checked.get("pillar")
    if pillar is not None and PILLAR_NOTEBOOKS[pillar] != notebook:
        other = NOTEBOOKS[PILLAR_NOTEBOOKS[pillar]].file
        mine = next(p for p, n in PILLAR_NOTEBOOKS.items() if n == notebook)
        raise ParameterError("pillar", pillar, f"{mine} in this notebook (pillar {pillar} is {other})")
    return checked


def date(value: Any, precision: str, lang: str) -> str:
    """A date as precise as the source gives it, in the report's language."""
    return format_date(value, precision, lang)


def country_names(lang: str) -> dict[str, str]:
    """ISO alpha-3 → name in `lang`, for every ASEAN member and Japan."""
    countries = load("countries")
    names = dict(zip(countries["iso3"].astype(str), countries[f"name_{lang}"].astype(str), strict=True))
    return {**names, "JPN": t("country.JPN", lang)}


# --- text ------------------------------------------------------------------------------------------


def title(
    notebook: str, lang: str, as_of: str, name: str | None = None, description: str | None = None
) -> Text:
    """The report's title, what it covers and the as-of line (title and description from the matrix
    unless given)."""
    from .matrix import NOTEBOOKS

    spec = NOTEBOOKS[notebook]
    name = name if name is not None else spec.title[lang]
    description = description if description is not None else spec.description[lang]
    as_of_line = render("as_of_line", lang, as_of=date(as_of, "day", lang))
    return Text(
        f"# {escape_md(name)}\n\n{escape_md(description)}\n\n*{as_of_line.markdown}*",
        f"# {name}\n\n{description}\n\n{as_of_line.plain}",
    )


def heading(key: str, lang: str, level: int = 2, **values: Any) -> Text:
    """A section heading in the report's language."""
    text = render(key, lang, **values)
    return Text(f"{'#' * level} {text.markdown}", f"{'#' * level} {text.plain}")


def text(key: str, lang: str, **values: Any) -> Text:
    """A sentence of the report with values from the data put in (escaped for readers)."""
    return render(key, lang, **values)


def note(key: str, lang: str, **values: Any) -> Text:
    """A sentence set apart as a note (a block quote)."""
    text = render(key, lang, **values)
    return Text(f"> {text.markdown}", text.plain)


def bullets(items: Iterable[Any], quote: Any = None) -> Text:
    """Values from the data as a bulleted list, optionally under a quoted sentence."""
    items = [str(i) for i in items]
    lines = ([f"> {escape_md(quote)}", ""] if quote is not None else []) + [
        f"- {escape_md(i)}" for i in items
    ]
    plain = ([str(quote), ""] if quote is not None else []) + [f"- {i}" for i in items]
    return Text("\n".join(lines), "\n".join(plain))


def join(values: Iterable[Any], lang: str) -> str:
    """Values as one list in running text ('a; b' or 'a、b'), or 'none'."""
    values = [str(v) for v in values]
    return t("list_sep", lang).join(values) if values else t("none", lang)


# --- tables ----------------------------------------------------------------------------------------


def table(
    frame: pd.DataFrame,
    lang: str,
    caption: str,
    columns: Mapping[str, str] | None = None,
    source: str | None = None,
    links: Mapping[str, str] | None = None,
) -> Table:
    """A frame as readers see it: country codes as names, vocabulary values and headers as labels
    (`workplan.i18n.relabel`), dates as precise as the source, a caption and a source line."""
    frame = frame.reset_index(drop=True)
    codes = [c for c in frame.columns if c == "iso3" or str(c).endswith("_iso3")]
    if codes:
        names = country_names(lang)
        frame = frame.assign(**{c: frame[c].map(lambda v: v if pd.isna(v) else names[str(v)]) for c in codes})
    links = dict(links or {})
    if "source_lines" in frame.columns and "source_lines" not in links:  # each row's line on the source page
        frame = frame.assign(source_lines_href=frame["source_lines"].map(source_href))
        links["source_lines"] = "source_lines_href"
    shown = relabel(frame.drop(columns=list(links.values())), lang, columns)
    link_columns = {}
    for column, url_column in links.items():
        label = t(columns[column], lang) if columns and column in columns else header(column, lang)
        link_columns[label] = f"{label} (URL)"
        shown[link_columns[label]] = frame[url_column].to_numpy()
    return Table(shown, caption, source or t("source_line", lang), link_columns, lang)


# --- what every report repeats -----------------------------------------------------------------------


def commitments(pillar: int, lang: str) -> Parts:
    """What the pillar commits to in 2026: each initiative with its actions, their kind and the
    plan's examples."""
    initiatives = load("initiatives").query("pillar_id == @pillar")
    actions = load("actions").query("initiative_id in @initiatives.initiative_id")
    lines_md: list[str] = []
    lines_plain: list[str] = []
    for initiative in initiatives.itertuples():
        head = f"{initiative.initiative_id} {getattr(initiative, f'heading_{lang}')}"
        lines_md += [f"**{escape_md(head)}**", ""]
        lines_plain += [head, ""]
        for action in actions[actions["initiative_id"] == initiative.initiative_id].itertuples():
            label = getattr(action, f"label_{lang}")
            body = getattr(action, f"text_{lang}")
            kind = t(f"kind.{action.kind}", lang)
            md = f"- {f'*{escape_md(label)}*: ' if isinstance(label, str) else ''}{escape_md(body)} ({kind})"
            plain = f"- {f'{label}: ' if isinstance(label, str) else ''}{body} ({kind})"
            example = getattr(action, f"examples_{lang}")
            if isinstance(example, str):
                md += f"  \n  {t('example', lang)}: {escape_md(example)}"
                plain += f"\n  {t('example', lang)}: {example}"
            lines_md.append(md)
            lines_plain.append(plain)
        lines_md.append("")
        lines_plain.append("")
    return Parts(
        [
            heading("heading.commitments", lang),
            Text("\n".join(lines_md).strip(), "\n".join(lines_plain).strip()),
        ]
    )


def key_figures(figures: pd.DataFrame, lang: str) -> Parts:
    """Stand-alone numbers of the plan with their unit, date, kind of value and the words they come from."""
    shown = figures.assign(value=[f"{v:,.0f}" for v in figures["value"]])
    columns = [f"label_{lang}", "value", "unit", "as_of", "as_of_precision", "value_status", "source_quote"]
    return Parts(
        [
            heading("heading.key_figures", lang),
            table(shown[columns], lang, caption=t("key_figures_caption", lang)),
        ]
    )


def sources(lang: str) -> Parts:
    """Where every fact comes from, and how derived figures are marked."""
    return Parts([heading("heading.about", lang), text("about_text", lang)])


def member_tiles(
    values: Mapping[str, float], captions: Mapping[str, str], lang: str, as_of: str
) -> pd.DataFrame:
    """The tiles of `charts.tile_map`: every country of the dataset at its place, members on `as_of`
    with their value and caption, the others marked as not (yet) in ASEAN."""
    countries = load("countries")
    members = set(members_on(as_of, countries)["iso3"].astype(str))
    codes = countries["iso3"].astype(str)
    return pd.DataFrame(
        {
            "iso3": codes,
            "label": countries[f"name_{lang}"].astype(str),
            "row": countries["tile_row"].astype(int),
            "col": countries["tile_col"].astype(int),
            "value": [float(values.get(c, 0)) if c in members else float("nan") for c in codes],
            "caption": [
                str(captions.get(c, "—")) if c in members else t("not_member_short", lang) for c in codes
            ],
        }
    )


def engagement_map(totals: pd.Series, lang: str, as_of: str, highlight: str | None = None) -> Any:
    """How often the plan names each member on `as_of` (totals: iso3 → rows), as a tile map."""
    from . import charts

    return charts.tile_map(
        member_tiles(totals, totals.astype(str), lang, as_of),
        lang=lang,
        title=t("engagement_map_title", lang),
        data=totals.rename("engagements").reset_index().astype({"iso3": "string"}),
        legend_title=t("engagement_map_legend", lang, as_of=date(as_of, "day", lang)),
        highlight=highlight,
    )


def strong(value: Any) -> Text:
    """A value from the data set in bold (the plan's closing goal, …)."""
    return Text(f"**{escape_md(value)}**", str(value))


def public_record(items: pd.DataFrame, lang: str) -> pd.Series:
    """'no public report found (last checked <date>)' where the latest search by the as-of date found nothing
    (tracker.status columns last_checked, last_check_result), else empty."""
    if "last_check_result" not in items.columns:
        return pd.Series(pd.NA, index=items.index, dtype="string")
    return pd.Series(
        [
            t("no_report_found", lang, date=date(day, "day", lang))
            if str(result) == "nothing_found"
            else pd.NA
            for day, result in zip(items["last_checked"], items["last_check_result"], strict=True)
        ],
        index=items.index,
        dtype="string",
    )


def dated_items_caption(n: int, lang: str, as_of: str) -> str:
    """'Every dated item …' only when the table holds every dated item of the plan; else 'n of the plan's
    total dated items …' (the total: workplan.tracker.dated_items())."""
    from .tracker import dated_items as plan_items

    total = len(plan_items())
    on = date(as_of, "day", lang)
    if n == total:
        return t("dated_items_caption", lang, as_of=on)
    return t("dated_items_caption_some", lang, n=n, total=total, as_of=on)


def dated_items(
    items: pd.DataFrame,
    lang: str,
    as_of: str,
    start_year: int,
    end_year: int,
    lanes: Mapping[int, str],
) -> Parts:
    """Dated items on one lane per pillar, each marked by its status on `as_of`, then listed with the
    source of any outcome recorded for it.

    items: rows of `workplan.tracker.status(as_of)` (date, date_precision, end_date, end_precision,
    period_end, pillar_id, title_ja/title_en, plan_status, status, source_title, source_url, …).
    """
    from . import charts

    items = items.sort_values(["date", "item_id"]).reset_index(drop=True)
    plot = pd.DataFrame(
        {
            "lane": items["pillar_id"].astype(int),
            "start": items["date"],
            "end": items["period_end"].where(items["end_date"].notna()),  # a bar for a stated span
            "status": items["status"].astype(str),
        }
    )
    chart = charts.event_timeline(
        plot,
        dict(lanes),
        lang=lang,
        title=t("timeline_title", lang, start=start_year, end=end_year, as_of=date(as_of, "day", lang)),
        xlabel=t("year", lang),
        ylabel=None,
        data=items[["item_id", "date", "pillar_id", "status"]].assign(
            date=items["date"].dt.strftime("%Y-%m")
        ),
        start_year=start_year,
        end_year=end_year,
        as_of=pd.Timestamp(as_of),
        note=t("timeline_note", lang),
    )
    columns = ["date", "date_precision", "end_date", "end_precision", "pillar_id", f"title_{lang}"]
    columns += ["plan_status", "status", "source_title", "source_url"]
    if items["end_date"].isna().all():  # no period among them: no empty End column
        columns = [c for c in columns if c not in ("end_date", "end_precision")]
    if items["source_url"].isna().all():  # no outcome recorded for any of them
        columns = [c for c in columns if c not in ("source_title", "source_url")]
    items = items.assign(last_search=public_record(items, lang))
    if items["last_search"].notna().any():  # searches on record that found nothing: say so, with their day
        columns.append("last_search")
    return Parts(
        [
            heading("heading.dated_items", lang),
            status_counts(items, lang, as_of),
            chart,
            table(
                items[columns],
                lang,
                caption=dated_items_caption(len(items), lang, as_of),
                columns={f"title_{lang}": "event"},
                links={"source_title": "source_url"} if "source_url" in columns else None,
                source=t("source_line_outcomes", lang),
            ),
        ]
    )


def status_counts(items: pd.DataFrame, lang: str, as_of: str) -> Text:
    """How many items have each status on `as_of`, in the status vocabulary's order."""
    counts = items["status"].astype(str).value_counts()
    order = [s for s in VOCABULARY_LABELS["status"] if s in counts.index]
    return text(
        "status_counts_text",
        lang,
        as_of=date(as_of, "day", lang),
        counts=join(
            [t("status_count", lang, n=counts[s], status=t(f"status.{s}", lang)) for s in order], lang
        ),
    )
