"""The Japanese face each page carries, so its Japanese text shows on a machine without a Japanese font.

Each page embeds a subset of IPAexGothic (the face the charts use, shipped by the pinned
matplotlib-fontja package) holding only the Japanese characters of that page (kana, kanji, CJK punctuation and full-width forms), as a WOFF font in
a `data:` address: the page stays one file that works offline and by mail. The IPA Font License
v1.0 that comes with the font allows this: a font embedded in a document "for the display of the
font" within that document (its Article 1.5, "Embedded Fonts"), reproduced with the document without
further obligation (Article 2.5). The bytes are the same for the same characters: no timestamp is
written into the subset.

Making a subset takes most of a second (fontTools reads the whole 4 MiB face), so each subset is
also kept in the cache folder (`workplan.paths.cache_dir`), named by a hash of what makes it: the
face's bytes, the fontTools version, the options and the characters. A page rendered again, or a
report on demand whose page the build already made, takes its subset from there; an entry that is
not exactly what was written (its own hash is stored with it) is made again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path

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


# Part of the cache key: a change to how subsets are made below must change it.
SUBSET_RECIPE = "woff; layout_features=*; name_IDs=*; name_languages=*; notdef_outline; reorderTables"


@functools.cache
def _face_digest() -> str:
    return hashlib.sha256(_font_bytes()).hexdigest()


def _cache_file(codepoints: tuple[int, ...]) -> Path:
    import fontTools

    from ..paths import cache_dir

    key = hashlib.sha256(
        f"{_face_digest()}\n{fontTools.version}\n{SUBSET_RECIPE}\n{codepoints}".encode()
    ).hexdigest()
    return cache_dir() / "font-subsets" / f"{key}.woff"


def _cached(path: Path) -> bytes | None:
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    digest, content = stored[:32], stored[32:]
    return content if hashlib.sha256(content).digest() == digest else None


def _keep(path: Path, content: bytes) -> None:
    """Write the entry whole or not at all; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(content).digest() + content)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


@functools.cache
def subset(codepoints: tuple[int, ...]) -> bytes:
    """A WOFF font with the glyphs of `codepoints` only (same codepoints → same bytes)."""
    path = _cache_file(codepoints)
    content = _cached(path)
    if content is None:
        content = make_subset(codepoints)
        _keep(path, content)
    return content


def make_subset(codepoints: tuple[int, ...]) -> bytes:
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
