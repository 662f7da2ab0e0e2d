"""What a report shows: narrative text, tables and charts, each displayable in Jupyter.

Each object has a plain-text form that nbval compares (so a change in data shows up in the
notebook tests) and a rich form (Markdown, HTML, PNG) for readers. Table cells are HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Text:
    """Narrative Markdown. Data-derived text must go through `escape_md` before it gets here."""

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown


def escape_md(text: object) -> str:
    """Text from the data, made safe inside Markdown: HTML escaped, Markdown markers neutralised."""
    value = html.escape(str(text), quote=False)
    for ch in ("\\", "`", "*", "_", "[", "]", "#", "|"):
        value = value.replace(ch, "\\" + ch)
    return value


@dataclass
class Table:
    """A table with a caption above and a source line below. Shown without the index."""

    frame: pd.DataFrame
    caption: str
    source: str

    def _repr_html_(self) -> str:
        body = self.frame.to_html(index=False, escape=True, border=0, na_rep="—", classes="workplan-table")
        return (
            f'<div class="workplan-table-block"><p><strong>{html.escape(self.caption)}</strong></p>'
            f"{body}"
            f'<p style="font-size: 0.8em; color: #7b8794;">{html.escape(self.source)}</p></div>'
        )

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 80, "display.width", 200):
            return f"{self.caption}\n{self.frame.to_string(index=False, na_rep='—')}\n{self.source}"


@dataclass
class Section:
    """Several parts shown one after another in a single cell."""

    parts: list[object] = field(default_factory=list)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for part in self.parts:
            display(part)

    def __repr__(self) -> str:
        return "\n\n".join(repr(p) for p in self.parts)

    def __iter__(self) -> Iterable[object]:
        return iter(self.parts)
