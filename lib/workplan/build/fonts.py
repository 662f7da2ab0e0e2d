"""The Japanese face each page carries, so its Japanese text shows on a machine without a Japanese font.

Each page embeds a subset of IPAexGothic (the face the charts use, shipped by the pinned
matplotlib-fontja package) holding only the Japanese characters of that page (kana, kanji, CJK punctuation and full-width forms), as a WOFF font in
a `data:` address: the page stays one file that works offline and by mail. The IPA Font License
v1.0 that comes with the font allows this: a font embedded in a document "for the display of the
font" within that document (its Article 1.5, "Embedded Fonts"), reproduced with the document without
further obligation (Article 2.5). The bytes are the same for the same characters: no timestamp is
written into the subset.
"""

from __future__ import annotations

import base64
import functools
import io

FAMILY = "Workplan IPAexGothic"


@functools.cache
def _font_bytes() -> bytes:
    from ..paths import FONT_PATH

    with open(FONT_PATH, "rb") as f:
        return f.read()


@functools.cache
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(_font_bytes()), lazy=True).getBestCmap())


# CJK punctuation, kana, kanji and full-width forms: what the embedded face draws. Latin letters and
# punctuation (–, —, …) are left to the reader's own fonts.
JAPANESE_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def characters(text: str) -> list[int]:
    """The code points of `text` in Japanese ranges that the font has a glyph for, in order."""
    have = _cmap()
    return sorted(
        {cp for cp in map(ord, set(text)) if cp in have and any(a <= cp <= b for a, b in JAPANESE_RANGES)}
    )


@functools.cache
def subset(codepoints: tuple[int, ...]) -> bytes:
    """A WOFF font with the glyphs of `codepoints` only (same codepoints → same bytes)."""
    from fontTools import subset as fts
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False)
    options = fts.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # vertical forms, kana variants, … as the full font has them
    options.name_IDs = ["*"]  # keep the font's names and its licence notice
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = fts.Subsetter(options)
    subsetter.populate(unicodes=list(codepoints))
    subsetter.subset(font)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def face_css(text: str) -> str:
    """An @font-face rule embedding the subset `text` needs ('' when it needs none)."""
    codepoints = tuple(characters(text))
    if not codepoints:
        return ""
    data = base64.b64encode(subset(codepoints)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-display: block; '
        f'src: url(data:font/woff;base64,{data}) format("woff"); }}'
    )


def embed(page: str) -> str:
    """The page with its font face added at the end of its <head> (the page as it is if it needs none)."""
    css = face_css(page)
    if not css:
        return page
    head_end = page.index("</head>")
    return f"{page[:head_end]}<style>{css}</style>\n{page[head_end:]}"
