"""House style: one look for every chart, in both languages.

- Japanese glyphs come from IPAexGothic, shipped by the matplotlib-fontja package (no system font).
- Pillar colours are fixed here and nowhere else.
- Every chart has a title, labelled axes and a source line under it, in the report's language.
- PNG bytes are reproducible: fixed size and dpi, no timestamp or software version in the metadata;
  `Chart.save_for_slides` writes a 16:9 PNG and an SVG with reproducible bytes too.
- Importing this module changes nothing in matplotlib: the style applies inside each chart call
  (`matplotlib.rc_context`), so a researcher's own plots keep their own settings.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from .i18n import header, relabel, t
from .paths import FONT_PATH  # noqa: E402 (IPAexGothic, shipped by matplotlib-fontja)

FONT_NAME = "IPAexGothic"  # the family name inside FONT_PATH (a test reads it from the file)

# Colour-blind-safe (Okabe–Ito), one per pillar, used in every report.
PILLAR_COLOURS = {1: "#0072B2", 2: "#D55E00", 3: "#009E73", 4: "#CC79A7"}
NEUTRAL = "#7B8794"  # lines and edges (3.6:1 on white, above the 3:1 graphics need)
NEUTRAL_TEXT = "#52606D"  # quiet text: source lines, notes (6.4:1 on white, above AA's 4.5:1)
LIGHT = "#D9E2EC"
TEXT = "#1F2933"
HIGHLIGHT = "#E69F00"  # an outline or a fill, never the colour of text (2.2:1 on white)
HIGHLIGHT_TEXT = "#8A5A00"  # text in the highlight's hue (6.1:1 on white)

# One colour per kind of engagement in the country lens (the roles of workplan.analysis).
ROLE_COLOURS = {
    "forum_host": "#009E73",
    "fund_proposer": "#CC79A7",
    "research_partner": "#56B4E9",
    "friends_group": "#0072B2",
    "ivo_proposal": "#E69F00",
    "event_place": "#7B8794",
    "training_place": "#D55E00",
}

# Markers that tell statuses apart without colour: as the plan gives them (held, ongoing, planned,
# provisional) and on a date (workplan.tracker: upcoming, in_period, overdue, and recorded outcomes).
STATUS_STYLE = {
    "held": {"marker": "o", "filled": True},
    "completed": {"marker": "o", "filled": True},
    "ongoing": {"marker": "s", "filled": True},
    "in_progress": {"marker": "s", "filled": True},
    "planned": {"marker": "o", "filled": False},
    "upcoming": {"marker": "o", "filled": False},
    "not_yet": {"marker": "o", "filled": False},
    "in_period": {"marker": "s", "filled": False},
    "provisional": {"marker": "D", "filled": False},
    "overdue": {"marker": "X", "filled": True},
    "due": {"marker": "X", "filled": True},
    "postponed": {"marker": ">", "filled": False},
    "changed": {"marker": "P", "filled": False},
    "cancelled": {"marker": "x", "filled": True},
}

# One colour per status on a date, for the tracker's timeline (colour-blind-safe, Okabe–Ito).
STATUS_COLOURS = {
    "held": "#009E73",
    "completed": "#009E73",
    "in_progress": "#0072B2",
    "in_period": "#56B4E9",
    "upcoming": "#7B8794",
    "overdue": "#D55E00",
    "ended": "#52606D",
    "approved": "#009E73",
    "activity_recorded": "#0072B2",
    "postponed": "#E69F00",
    "changed": "#CC79A7",
    "cancelled": "#1F2933",
}

WIDTH_IN = 9.0  # fits the report column at 100% zoom
DPI = 120

STYLE = {
    "font.family": [FONT_NAME],
    "font.size": 10,
    "axes.titlesize": 13,
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.edgecolor": NEUTRAL,
    "axes.labelcolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "text.color": TEXT,
    "legend.frameon": False,
    "svg.hashsalt": "workplan",
    "text.parse_math": False,  # a "$" in the data is a dollar sign, never mathematics
    "axes.unicode_minus": False,
}

SLIDE_SIZE_IN = (12.8, 7.2)  # 16:9 exactly: 2560 × 1440 pixels at SLIDE_DPI
SLIDE_DPI = 200


@functools.cache
def register_font() -> None:
    """Make IPAexGothic known to matplotlib's font manager (once per process, on first use)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(FONT_PATH)


def style() -> Any:
    """The house style as a context: every chart is drawn, and saved, inside it."""
    register_font()
    return matplotlib.rc_context(STYLE)


ChartFunction = TypeVar("ChartFunction", bound=Callable[..., Any])


def styled(function: ChartFunction) -> ChartFunction:
    """Draw the chart inside the house style: text objects take their font when they are created."""

    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any) -> Any:
        with style():
            return function(*args, **kwargs)

    return draw  # type: ignore[return-value]


def _luminance(colour: Any) -> float:
    """Relative luminance (WCAG 2) of a matplotlib colour."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: Any, second: Any) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(background: Any) -> str:
    """Black or white, whichever reads better on `background`: at least 4.5:1 (WCAG AA) on any
    colour, so a label drawn on a bar or a tile is readable whatever the fill."""
    return "#000000" if contrast("#000000", background) >= contrast("#FFFFFF", background) else "#FFFFFF"


def edge_for(fill: Any) -> str:
    """The outline of a mark filled with `fill`: the fill itself where it stands out from white at
    3:1 (WCAG's need for graphics), else the same hue darkened until it does."""
    from matplotlib.colors import to_hex, to_rgb

    rgb = to_rgb(fill)
    factor = 1.0
    while contrast(tuple(c * factor for c in rgb), "#FFFFFF") < 3 and factor > 0:
        factor -= 0.05
    return to_hex(tuple(c * max(factor, 0.0) for c in rgb))


def pillar_colour(pillar_id: int | None) -> str:
    return (
        PILLAR_COLOURS.get(int(pillar_id), NEUTRAL)
        if pillar_id is not None and not pd.isna(pillar_id)
        else NEUTRAL
    )


@dataclass
class Chart:
    """A finished chart: shows as a PNG in notebooks and reports, and as its data in plain text.

    The plain-text form is what nbval compares, so a change in the plotted data shows up in the
    notebook regression tests even though PNGs are not compared.
    """

    figure: Figure
    title: str
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: str = ""
    lang: str = "en"
    _png: bytes | None = field(default=None, repr=False)

    def png(self) -> bytes:
        """The chart as PNG bytes: drawn once (savefig would draw twice to run the layout engine)."""
        if self._png is None:
            self._png = self._render_png()
        return self._png

    def _render_png(self) -> bytes:
        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        with style():
            canvas = FigureCanvasAgg(self.figure)
            canvas.draw()
        dpi = round(self.figure.get_dpi())
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", dpi=(dpi, dpi))
        return buffer.getvalue()

    @property
    def alt(self) -> str:
        """What the chart shows, in words: its title and what its data say (the image's alt text)."""
        stop = "" if self.title.endswith((".", "。")) else ("。" if self.lang == "ja" else ".")
        return f"{self.title}{stop}{'' if self.lang == 'ja' else ' '}{self.summary}".strip()

    def html(self) -> str:
        """The chart as readers see it: the image with its alt text, and its data one click away."""
        import base64

        from PIL import Image

        from .pieces import cell_text, render

        png = self.png()
        width, height = Image.open(io.BytesIO(png)).size
        data = self.data.reset_index(drop=True)
        try:  # vocabulary values and headers as the report's tables show them
            data = relabel(data, self.lang)
        except KeyError:  # a value without a label (a researcher's own chart): shown as it is
            data = data.rename(columns=lambda c: header(str(c), self.lang))
        return render(
            "chart.html.j2",
            png=base64.b64encode(png).decode("ascii"),
            alt=self.alt,
            title=self.title,
            width=width,
            height=height,
            data_label=t("chart_data", self.lang),
            head=[str(c) for c in data.columns],
            rows=[[cell_text(v) for v in row] for row in data.itertuples(index=False)],
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # The HTML holds the PNG: no second copy of it as image/png in the notebook.
        return {"text/html": self.html(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        text = self.title
        if not self.data.empty:
            text += "\n" + self.data.to_string(index=False)
        return text

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.png())

    def save_for_slides(self, name: str | Path, folder: str | Path = ".") -> list[Path]:
        """Write `name`.png (16:9 at 200 dpi: 2560 × 1440 pixels) and `name`.svg for a slide, in `folder`.

        The chart is laid out again at the slide's size, on a copy (the report's chart is left as it
        is). The bytes are the same every time: no date in the SVG, ids from a fixed salt, and the
        layout always starts from the chart as drawn for the report. Returns the two paths.
        """
        import pickle

        self.png()  # the constrained layout of the copy starts from the report's layout
        base = Path(folder) / name
        base.parent.mkdir(parents=True, exist_ok=True)
        outputs = {}
        for kind in ("png", "svg"):
            figure = pickle.loads(pickle.dumps(self.figure))
            figure.set_size_inches(SLIDE_SIZE_IN)
            figure.set_dpi(SLIDE_DPI)
            if kind == "png":
                outputs[kind] = Chart(figure, self.title)._render_png()
            else:
                buffer = io.BytesIO()
                with style():
                    figure.savefig(buffer, format="svg", metadata={"Date": None})
                outputs[kind] = buffer.getvalue()
        paths = []
        for kind, content in outputs.items():
            path = base.with_name(f"{base.name}.{kind}")
            path.write_bytes(content)
            paths.append(path)
        return paths


def new_figure(
    height_in: float, ncols: int = 1, width_in: float = WIDTH_IN, **subplot_kw
) -> tuple[Figure, object]:
    """A figure in the house style (not registered with pyplot: nothing is shown twice)."""
    with style():
        fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
        axes = fig.subplots(1, ncols, **subplot_kw)
    return fig, axes


def finish(
    fig: Figure,
    ax,
    lang: str,
    title: str,
    xlabel: str | None,
    ylabel: str | None,
    data: pd.DataFrame | None = None,
    source: str | None = None,
    note: str | None = None,
    summary: str = "",
) -> Chart:
    """Title, axis labels and the source line: every chart passes through here. `summary` says in
    one or two sentences of the report's language what the chart's data show (its alt text)."""
    with style():
        ax.set_title(title, loc="left", fontsize=STYLE["axes.titlesize"], pad=10)
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        line = source or t("source_line", lang)
        if note:
            # A long note wraps to the figure's width (about 16 Latin characters an inch at 8 pt).
            line = f"{wrap(note, lang, int(fig.get_figwidth() * 16))}\n{line}"
        fig.supxlabel(line, x=0.01, ha="left", fontsize=8, color=NEUTRAL_TEXT)
    return Chart(fig, title, data if data is not None else pd.DataFrame(), summary, lang)


def status_legend_handles(
    lang: str, statuses: Sequence[str], colour: str = TEXT, colours: dict[str, str] | None = None
) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for status in statuses:
        style = STATUS_STYLE[status]
        edge = (colours or {}).get(status, colour)
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style["marker"],
                markersize=8,
                markerfacecolor=edge if style["filled"] else "white",
                markeredgecolor=edge_for(edge),
                label=t(f"status.{status}", lang),
            )
        )
    return handles


# --- text ------------------------------------------------------------------------------------------


def number(value: float, value_format: str = "{:,.0f}") -> str:
    return value_format.format(float(value))


def listing(pairs: Sequence[tuple[Any, Any]], lang: str) -> str:
    """'label: value; label: value' (or 'label：value、…') for a chart's alt text."""
    colon = "：" if lang == "ja" else ": "
    return t("list_sep", lang).join(f"{label}{colon}{value}" for label, value in pairs)


def summary(key: str, lang: str, **values: Any) -> str:
    """A sentence of a chart's alt text (`alt.<key>` of workplan.i18n) with its values put in."""
    return t(f"alt.{key}", lang, **values)


def wrap(text: str, lang: str, width: int = 40) -> str:
    """Wrap a label to lines about `width` Latin characters wide (a Japanese character counts two).

    Latin words are never split; Japanese text may break between any two characters, except
    before closing punctuation.
    """
    import re
    import unicodedata

    def cells(token: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)

    tokens = re.findall(r"[A-Za-z0-9.,'()/&+\-]+|\s+|.", text)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if (
            line
            and cells(line + token.rstrip()) > width
            and not token.isspace()
            and token not in "、。）」・"
        ):
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines) or text


# --- chart types -------------------------------------------------------------------------------------


@styled
def hbar(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str] | str,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str | None,
    data: pd.DataFrame,
    value_format: str = "{:,.0f}",
    note: str | None = None,
    source: str | None = None,
    legend: list | None = None,
    label_width: int = 44,
) -> Chart:
    """Horizontal bars, first item on top, each labelled with its value; one colour or one per bar."""
    said = summary(
        "bars",
        lang,
        items=listing(
            [(label, number(v, value_format)) for label, v in zip(labels, values, strict=True)], lang
        ),
    )
    labels = [wrap(str(label), lang, label_width) for label in labels]
    values = [float(v) for v in values]
    colours = [colours] * len(values) if isinstance(colours, str) else list(colours)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = new_figure(max(2.2, 0.36 * lines + 1.4))
    positions = list(range(len(labels)))[::-1]
    ax.barh(
        positions, values, color=list(colours), edgecolor=[edge_for(c) for c in colours], lw=0.8, height=0.65
    )
    ax.set_yticks(positions, labels)
    top = max([float(v) for v in values] + [1.0])
    for y, v in zip(positions, values, strict=True):
        ax.text(float(v) + top * 0.01, y, value_format.format(v), va="center", fontsize=9)
    ax.set_xlim(0, top * 1.12)
    if all(float(v).is_integer() for v in values):
        ax.xaxis.get_major_locator().set_params(integer=True)  # counts: no 0.5 ticks
    ax.tick_params(axis="y", length=0)
    if legend:
        ax.legend(handles=legend, loc="lower right", fontsize=8)
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)


@styled
def columns(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    colours: dict[str, str],
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    data: pd.DataFrame,
    note: str | None = None,
    source: str | None = None,
    height: float = 3.6,
    stacked: bool = True,
) -> Chart:
    """Vertical bars. Several series are stacked, with totals on top, only when they add up
    (`stacked=True`); otherwise they stand side by side, each bar with its own value, and a series
    without a value at a label (NaN) leaves no empty slot there."""
    fig, ax = new_figure(height)
    if stacked:
        tops = _stacked_columns(ax, labels, series, colours)
    else:
        tops = _side_by_side_columns(ax, labels, series, colours)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, max(tops + [1.0]) * (1.35 if len(series) > 1 else 1.15))
    if all(float(top).is_integer() for top in tops):
        ax.yaxis.get_major_locator().set_params(integer=True)  # counts: no 0.2 ticks
    if len(series) > 1:
        ax.legend(loc="upper center", fontsize=8, ncols=min(4, len(series)))
    said = summary("columns", lang, items=_series_items(labels, series, lang))
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)


def _series_items(labels: Sequence[Any], series: dict[str, Sequence[float]], lang: str) -> str:
    """Each label with the value of each series at it (a missing value left out), as the chart shows."""
    sep = "、" if lang == "ja" else ", "
    series = {name: list(values) for name, values in series.items()}
    pairs = []
    for i, label in enumerate(labels):
        present = [(name, vals[i]) for name, vals in series.items() if not pd.isna(vals[i])]
        if len(series) == 1:
            pairs += [(label, number(v)) for _, v in present]
        elif present := [(name, v) for name, v in present if v]:  # a zero draws no bar: not said
            pairs.append((label, sep.join(f"{name} {number(v)}" for name, v in present)))
    return listing(pairs, lang)


def _stacked_columns(ax, labels, series, colours) -> list[float]:
    bottom = [0.0] * len(labels)
    for name, values in series.items():
        vals = [0.0 if pd.isna(v) else float(v) for v in values]
        ax.bar(
            range(len(labels)),
            vals,
            bottom=bottom,
            color=colours[name],
            edgecolor=edge_for(colours[name]),
            lw=0.8,
            label=name,
            width=0.7,
        )
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    for x, total in enumerate(bottom):
        ax.text(x, total + max(bottom) * 0.02, f"{total:,.0f}", ha="center", fontsize=9)
    return bottom


def _side_by_side_columns(ax, labels, series, colours) -> list[float]:
    values = {name: [None if pd.isna(v) else float(v) for v in vals] for name, vals in series.items()}
    top = max([v for vals in values.values() for v in vals if v is not None] + [1.0])
    in_legend: set[str] = set()
    for x in range(len(labels)):
        present = [name for name in series if values[name][x] is not None]
        width = 0.7 / max(1, len(present))
        for i, name in enumerate(present):
            centre = x - 0.35 + width * (i + 0.5)
            value = values[name][x]
            label = None if name in in_legend else name  # one legend entry per series
            in_legend.add(name)
            ax.bar(
                centre,
                value,
                width=width * 0.95,
                color=colours[name],
                edgecolor=edge_for(colours[name]),
                lw=0.8,
                label=label,
            )
            ax.text(centre, value + top * 0.02, f"{value:,.0f}", ha="center", fontsize=9)
    return [v for vals in values.values() for v in vals if v is not None]


@styled
def gantt(
    rows: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str | None,
    data: pd.DataFrame,
    gaps: Sequence[tuple[pd.Timestamp, pd.Timestamp, str]] = (),
    as_of: pd.Timestamp | None = None,
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """Bars from `start` to `end` (exclusive) per row; `provisional` rows are hatched; gaps shaded.

    rows: label, start, end, colour, provisional (bool), bar_text.
    """
    import matplotlib.dates as mdates

    fig, ax = new_figure(0.55 * len(rows) + 1.9)
    positions = list(range(len(rows)))[::-1]
    for y, r in zip(positions, rows.itertuples(), strict=True):
        width = (r.end - r.start).days
        ax.barh(
            y,
            width,
            left=mdates.date2num(r.start),
            height=0.55,
            color="white" if r.provisional else r.colour,
            edgecolor=edge_for(r.colour),
            hatch="///" if r.provisional else None,
            linewidth=1.2,
        )
        ax.text(
            mdates.date2num(r.start) + width / 2,
            y,
            r.bar_text,
            ha="center",
            va="center",
            fontsize=8.5,
            color=TEXT if r.provisional else text_on(r.colour),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5} if r.provisional else None,
        )
    for start, end, text in gaps:
        ax.axvspan(mdates.date2num(start), mdates.date2num(end), color=HIGHLIGHT, alpha=0.25, lw=0)
        ax.annotate(
            text,
            xy=(mdates.date2num(start) + (end - start).days / 2, len(rows) - 0.45),
            ha="center",
            va="bottom",
            fontsize=8.5,
            color=HIGHLIGHT_TEXT,
            annotation_clip=False,
        )
    if as_of is not None:
        ax.axvline(mdates.date2num(as_of), color=NEUTRAL, lw=1, ls="--")
        ax.annotate(
            t("as_of", lang) + f" {as_of.date()}",
            (mdates.date2num(as_of), -0.85),
            xytext=(-4, 0),
            textcoords="offset points",
            fontsize=7.5,
            color=NEUTRAL_TEXT,
            ha="right",
            va="bottom",
        )
    ax.set_yticks(positions, [wrap(str(label), lang, 24) for label in rows["label"]])
    ax.set_ylim(-1, len(rows) + 0.2)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="y", length=0)
    said = summary(
        "periods", lang, items=listing(list(zip(rows["label"], rows["bar_text"], strict=True)), lang)
    )
    if len(gaps):
        said += " " + summary("gaps", lang, items=t("list_sep", lang).join(str(text) for _, _, text in gaps))
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said.strip())


@styled
def event_timeline(
    events: pd.DataFrame,
    lanes: dict[int, str],
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str | None,
    data: pd.DataFrame,
    start_year: int,
    end_year: int,
    as_of: pd.Timestamp | None = None,
    note: str | None = None,
    source: str | None = None,
    label_column: str | None = None,
) -> Chart:
    """One lane per pillar; points for dated items, bars for periods, marker by status.

    events: lane, start, end (first day after, for periods; NaT for points), status (a key of
    STATUS_STYLE), optionally colour (else the lane's pillar colour), and optionally a short label
    column written beside points (used for few items).
    """
    import matplotlib.dates as mdates

    fig, ax = new_figure(0.75 * len(lanes) + 2.2)
    lane_y = {lane: i for i, lane in enumerate(sorted(lanes, reverse=True))}
    for r in events.itertuples():
        y = lane_y[r.lane]
        colour = getattr(r, "colour", None) or pillar_colour(r.lane)
        style = STATUS_STYLE.get(r.status, STATUS_STYLE["held"])
        if r.end is not None and not pd.isna(r.end):
            width = (r.end - r.start).days
            ax.barh(
                y - 0.22,
                width,
                left=mdates.date2num(r.start),
                height=0.12,
                color=colour if style["filled"] else "white",
                edgecolor=edge_for(colour),
                hatch=None if style["filled"] else "///",
                lw=0.8,
            )
        ax.plot(
            mdates.date2num(r.start),
            y,
            linestyle="none",
            marker=style["marker"],
            markersize=7,
            markerfacecolor=colour if style["filled"] else "white",
            markeredgecolor=edge_for(colour),
            markeredgewidth=1.4,
        )
        if label_column:
            ax.annotate(
                str(getattr(r, label_column)),
                (mdates.date2num(r.start), y),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                rotation=45,
            )
    if as_of is not None:
        ax.axvline(mdates.date2num(as_of), color=NEUTRAL, lw=1, ls="--")
    ax.set_yticks(list(lane_y.values()), [wrap(lanes[lane], lang, 26) for lane in lane_y])
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.set_xlim(
        mdates.date2num(pd.Timestamp(f"{start_year - 1}-09-01")),
        mdates.date2num(pd.Timestamp(f"{end_year}-12-31")),
    )
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_minor_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", which="major", color=LIGHT, lw=0.6)
    statuses = [s for s in STATUS_STYLE if s in set(events["status"])]
    colours = dict(zip(events["status"], events["colour"], strict=True)) if "colour" in events else {}
    # Below the year ticks and the axis label (a fixed distance in points, whatever the chart's height),
    # so the legend never sits on the same line as the axis label.
    from matplotlib.transforms import offset_copy

    ax.legend(
        handles=status_legend_handles(lang, statuses, colours=colours),
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=offset_copy(ax.transAxes, fig=fig, y=-36, units="points"),
        ncols=min(4, len(statuses)),
        fontsize=8,
    )
    counts = events["status"].value_counts()
    said = summary(
        "events",
        lang,
        n=len(events),
        lanes=t("list_sep", lang).join(lanes[lane] for lane in sorted(lanes)),
        counts=listing([(t(f"status.{s}", lang), int(counts[s])) for s in statuses], lang),
    )
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)


@styled
def heatmap(
    matrix: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    data: pd.DataFrame,
    highlight_rows: Sequence[str] = (),
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """Counts in a grid (rows × columns) with the number in each cell; zero cells left blank."""
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("workplan", ["#FFFFFF", "#9CC3E4", "#0B4F8A"])
    n_rows, n_cols = matrix.shape
    fig, ax = new_figure(0.38 * n_rows + 2.4)
    values = matrix.to_numpy(dtype=float)
    ax.imshow(values, cmap=cmap, aspect="auto", vmin=0, vmax=max(1.0, values.max()))
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            if v:
                ax.text(
                    j,
                    i,
                    f"{v:.0f}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=text_on(cmap(v / max(1.0, values.max()))),
                )
    ax.set_xticks(range(n_cols), [wrap(str(c), lang, 16) for c in matrix.columns], fontsize=8.5)
    ax.set_yticks(range(n_rows), list(matrix.index))
    for label in ax.get_yticklabels():
        if label.get_text() in highlight_rows:
            label.set_color(HIGHLIGHT_TEXT)
            label.set_fontweight("bold")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
    ax.grid(which="minor", color=LIGHT, lw=0.8)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    cells = [
        (f"{row} – {column}", number(values[i, j]))
        for i, row in enumerate(matrix.index)
        for j, column in enumerate(matrix.columns)
        if values[i, j]
    ]
    said = summary("grid", lang, rows=n_rows, cols=n_cols, items=listing(cells, lang) or t("none", lang))
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)


@styled
def tile_map(
    tiles: pd.DataFrame,
    *,
    lang: str,
    title: str,
    data: pd.DataFrame,
    legend_title: str,
    highlight: str | None = None,
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """Each member a square tile placed roughly where it lies, shaded by `value`.

    tiles: iso3, label, row, col, value (number; NaN = not a member on the date), caption.
    """
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import FancyBboxPatch

    cmap = LinearSegmentedColormap.from_list("workplan", ["#EEF2F6", "#9CC3E4", "#0B4F8A"])
    top = max(1.0, float(tiles["value"].max(skipna=True) or 1))
    n_rows = int(tiles["row"].max()) + 1
    n_cols = int(tiles["col"].max()) + 1
    fig, ax = new_figure(0.95 * n_rows + 1.2, width_in=min(WIDTH_IN, 1.35 * n_cols + 1.6))
    for r in tiles.itertuples():
        member = not pd.isna(r.value)
        colour = cmap(float(r.value) / top) if member else "white"
        x, y = r.col, n_rows - 1 - r.row
        ax.add_patch(
            FancyBboxPatch(
                (x + 0.05, y + 0.05),
                0.9,
                0.9,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=colour,
                edgecolor=HIGHLIGHT_TEXT if r.iso3 == highlight else NEUTRAL,
                linewidth=2.5 if r.iso3 == highlight else 0.8,
                linestyle="-" if member else ":",
            )
        )
        ink = text_on(colour)
        # The name readers know, in the report's language ("Brunei Darussalam" takes two lines).
        ax.text(
            x + 0.5,
            y + 0.64,
            wrap(str(r.label), lang, 12),
            ha="center",
            va="center",
            fontsize=9,
            linespacing=1.1,
            color=ink,
        )
        ax.text(
            x + 0.5,
            y + 0.3,
            r.caption,
            ha="center",
            va="center",
            fontsize=8,
            color=ink,
        )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    # The dotted border is explained only where a tile has one.
    if tiles["value"].isna().any():
        legend_title = f"{legend_title}{'' if lang == 'ja' else ' '}{t('tiles_dotted', lang)}"
    ax.text(0, -0.25, legend_title, fontsize=8, color=NEUTRAL_TEXT, va="top")
    shown = tiles.sort_values(["row", "col"], kind="stable")
    said = summary(
        "tiles",
        lang,
        legend=legend_title,
        items=listing(list(zip(shown["label"], shown["caption"], strict=True)), lang),
    )
    return finish(fig, ax, lang, title, None, None, data, source=source, note=note, summary=said)


@styled
def structure_chart(
    table: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    data: pd.DataFrame,
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """Pillars (left blocks) → initiatives (labels) → number of actions (bars).

    table: pillar_id, pillar_label, initiative_label, actions, in plan order.
    """
    from matplotlib.patches import Rectangle

    n = len(table)
    fig, axes = new_figure(0.42 * n + 1.6, ncols=2, gridspec_kw={"width_ratios": [1.25, 1]}, sharey=True)
    ax_tree, ax = axes
    positions = list(range(n))[::-1]
    for pid, group in table.groupby("pillar_id", sort=False):
        ys = [positions[i] for i in group.index]
        colour = pillar_colour(pid)
        ax_tree.add_patch(
            Rectangle(
                (0, min(ys) - 0.42), 0.34, max(ys) - min(ys) + 0.84, facecolor=colour, edgecolor="white"
            )
        )
        ax_tree.text(
            0.17,
            (min(ys) + max(ys)) / 2,
            wrap(group["pillar_label"].iloc[0], lang, 16),
            ha="center",
            va="center",
            color=text_on(colour),
            fontsize=8.5,
        )
        for y, label in zip(ys, group["initiative_label"], strict=True):
            ax_tree.plot([0.34, 0.38], [y, y], color=colour, lw=1.2)
            ax_tree.text(0.39, y, wrap(label, lang, 46), va="center", fontsize=8.5)
    ax_tree.set_xlim(0, 1.6)
    ax_tree.set_ylim(-0.6, n - 0.4)
    ax_tree.axis("off")
    colours = [pillar_colour(p) for p in table["pillar_id"]]
    ax.barh(
        positions,
        table["actions"],
        color=colours,
        edgecolor=[edge_for(c) for c in colours],
        lw=0.8,
        height=0.6,
    )
    for y, v in zip(positions, table["actions"], strict=True):
        ax.text(float(v) + 0.08, y, f"{v}", va="center", fontsize=9)
    ax.set_xlim(0, float(table["actions"].max()) + 1)
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.spines["left"].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    sep = "、" if lang == "ja" else ", "
    said = summary(
        "structure",
        lang,
        items=listing(
            [
                (
                    group["pillar_label"].iloc[0],
                    sep.join(
                        f"{i} {n}" for i, n in zip(group["initiative_label"], group["actions"], strict=True)
                    ),
                )
                for _, group in table.groupby("pillar_id", sort=False)
            ],
            lang,
        ),
    )
    return finish(fig, ax_tree, lang, title, None, None, data, source=source, note=note, summary=said)


@styled
def stacked_hbar(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    colours: dict[str, str],
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str | None,
    data: pd.DataFrame,
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """Horizontal bars stacked by series (e.g. pillars), first label on top, totals at the end."""
    names = list(labels)
    labels = [wrap(str(label), lang, 36) for label in labels]
    fig, ax = new_figure(max(2.4, 0.36 * len(labels) + 1.8))
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for name, values in series.items():
        vals = [float(v) for v in values]
        ax.barh(
            positions,
            vals,
            left=left,
            color=colours[name],
            edgecolor=edge_for(colours[name]),
            lw=0.8,
            label=name,
            height=0.65,
        )
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total + 0.05, y, f"{total:.0f}", va="center", fontsize=9)
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, max(left + [1.0]) + 1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", length=0)
    ax.legend(loc="lower right", fontsize=8)
    said = summary("bars", lang, items=_series_items(names, series, lang))
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)


@styled
def milestones(
    points: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    data: pd.DataFrame,
    colour: str,
    note: str | None = None,
    source: str | None = None,
) -> Chart:
    """The few dated values the source gives (label, date, ordinal), joined by a dashed line.

    The line says only that the value went from one to the other: the source gives nothing between.
    """
    import matplotlib.dates as mdates

    fig, ax = new_figure(3.0)
    x = [mdates.date2num(d) for d in points["date"]]
    y = [float(v) for v in points["ordinal"]]
    ax.plot(x, y, ls="--", color=colour, lw=1.2)
    ax.plot(x, y, ls="none", marker="o", markersize=8, color=colour)
    for xi, yi, label in zip(x, y, points["label"], strict=True):
        ax.annotate(f"{label}: {yi:,.0f}", (xi, yi), xytext=(8, -4), textcoords="offset points", fontsize=9)
    span = max(x) - min(x) if len(x) > 1 else 365.0
    ax.set_xlim(min(x) - span * 0.08, max(x) + span * 0.3)
    ax.set_ylim(0, max(y) * 1.25)
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    said = summary(
        "milestones",
        lang,
        items=listing(
            [
                (f"{label} ({pd.Timestamp(d).year})", number(v))
                for label, d, v in zip(points["label"], points["date"], y, strict=True)
            ],
            lang,
        ),
    )
    return finish(fig, ax, lang, title, xlabel, ylabel, data, source=source, note=note, summary=said)
