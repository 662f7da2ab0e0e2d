"""Search that shows why a row was found: the column, the words matched, the source line and slide.

    >>> from workplan.search import search
    >>> search("AJCCBC")        # the centre's own rows first, then rows about it, then passing mentions
    >>> search("OpenRAN")       # Open RAN / Open-RAN / オープンRAN / Ｏｐｅｎ ＲＡＮ fold together

How a term finds rows:

- Spellings fold together: Unicode NFKC (full- and half-width), case, and the separators between words
  (spaces, hyphens, ・) — "OpenRAN", "Open RAN", "Open-RAN" and "ＯＰＥＮ ＲＡＮ" are one term. Latin letters
  and digits at a term's ends do not match inside a longer Latin word (MIC is not found in "economic").
- A term that is one of the names the data records for one thing — a glossary entry (acronym, English,
  Japanese), an organisation (name, English name, acronym) or an English name (english_names), joined by
  their foreign keys — is that thing: every one of its names is searched, and the rows of those tables
  are the thing's own rows. There is no other list of names.
- Each row is found once, with the strongest reason (`relation`, ranked in this order):
  `entity` (the row that names the thing), `reference` (a key column points at the thing's row, e.g.
  organisation_roles.org_id = ajccbc), `table` (the table's own title names it: every row of
  "Support phases for AJCCBC" is about AJCCBC), `name` (a name, label or title column mentions it) and
  `mention` (any other text, a note or the quote mentions it in passing).

The same function answers `workplan.search`, `python -m workplan search` and, through `static_index`,
the search box of the reports' index page (entity terms are answered there from results computed here;
other words by the page's own folding, the rules above).
"""

from __future__ import annotations

import functools
import re
import sys
import types
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .data import Catalog

SOURCE_PAGE = "source.html"  # the source text as a page with an anchor per line (see workplan.cite)
MARK = ("«", "»")  # how the matched words are marked in plain text
RELATIONS = ("entity", "reference", "table", "name", "mention")
# Tables whose rows name a thing, and the columns holding its names.
NAME_TABLES = {
    "glossary": ("acronym", "expansion_en", "expansion_ja"),
    "organisations": ("name_en", "name_ja", "acronym"),
    "english_names": ("name_en", "name_ja"),
}
# Columns that name or title a row (a match there is about the row, not in passing).
NAME_COLUMNS = re.compile(r"^(name|label|title|heading|acronym|expansion|activity|body|list_name|group)(_|$)")
SEPARATORS = " \t\n\r\u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb\u00b7"
_SEPARATOR_CLASS = "[" + re.escape(SEPARATORS) + "]*"
COLUMNS = [
    "rank",
    "relation",
    "dataset",
    "key",
    "label",
    "column",
    "text",
    "marked",
    "source_lines",
    "slide",
    "link",
    "source_quote",
]


# --- folding ---------------------------------------------------------------------------------------------


def fold(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` with width and case folded (NFKC, casefold), and for each folded character the span of
    the original characters it comes from (so a match can be marked in the original)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    groups: list[tuple[int, int, str]] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        if groups and folded and all(unicodedata.combining(c) for c in folded):
            start, _, previous = groups[-1]  # a voiced-sound mark joins the kana before it (ﾌﾟ → プ)
            groups[-1] = (start, i + 1, unicodedata.normalize("NFKC", previous + folded))
        else:
            groups.append((i, i + 1, folded))
    for start, end, folded in groups:
        out.append(folded)
        spans.extend([(start, end)] * len(folded))
    return "".join(out), spans


@functools.lru_cache(maxsize=65536)  # the same few thousand names are keyed again for every term
def key(text: str) -> str:
    """The form two spellings of one name share: folded, without separators ("Open-RAN" → "openran")."""
    folded, _ = fold(text)
    return "".join(c for c in folded if c not in SEPARATORS)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def pattern(spelling: str) -> re.Pattern[str]:
    """A spelling as a pattern over folded text: separators optional where the spelling has them, where
    it changes script (オープン|RAN) or case (Open|RAN) or between letters and digits (5G)."""
    folded, spans = fold(spelling)
    parts: list[str] = []
    previous: str | None = None
    gap = False
    for i, ch in enumerate(folded):
        if ch in SEPARATORS:
            gap = True
            continue
        original = spelling[spans[i][0]]
        if previous is not None and (
            gap
            or _latin(previous) != _latin(original)
            or (previous.islower() and original.isupper())
            or (previous.isdigit() != original.isdigit())
        ):
            parts.append(_SEPARATOR_CLASS)
        parts.append(re.escape(ch))
        previous, gap = original, False
    body = "".join(parts)
    core = "".join(c for c in folded if c not in SEPARATORS)
    before = r"(?<![a-z0-9])" if core[:1].isascii() and core[:1].isalnum() else ""
    after = r"(?![a-z0-9])" if core[-1:].isascii() and core[-1:].isalnum() else ""
    return re.compile(before + body + after)


def marked(text: str, start: int, end: int, width: int = 40) -> str:
    """The words around a match with the match marked: «…»; long texts cut to `width` characters a side."""
    head = text[max(0, start - width) : start]
    tail = text[end : end + width]
    return (
        ("…" if start > width else "")
        + head
        + MARK[0]
        + text[start:end]
        + MARK[1]
        + tail
        + ("…" if end + width < len(text) else "")
    )


# --- the index -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    dataset: str
    key: str
    position: int  # the row's order in its table
    values: dict[str, Any]
    searched: tuple[str, ...]  # the text columns a term is looked for in
    source_lines: str | None
    slide: int | None


@dataclass(frozen=True)
class Match:
    column: str
    text: str
    start: int
    end: int


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class Index:
    """Every row of every table, ready to be searched; built once per catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._folded: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        self._entities: dict[str, list[Row]] = {}

    @cached_property
    def rows(self) -> list[Row]:
        from .data import parse_lines

        c = self.catalog
        rows = []
        for name, resource in c.resources.items():
            table = c.load(name)
            key_columns = list(resource.primary_key)
            searched = tuple(
                f
                for f in resource.field_names
                if f.endswith(("_ja", "_en")) or f in ("acronym", "source_quote")
            )
            for position, record in enumerate(table.to_dict("records")):
                values = {k: (None if _missing(v) else v) for k, v in record.items()}
                lines = _text(values.get("source_lines"))
                slide = values.get("source_slide")
                if slide is None and lines is not None and (span := parse_lines(lines)):
                    section = c.source.section_of(span[0])
                    slide = section.slide if section is not None else None
                rows.append(
                    Row(
                        dataset=name,
                        key="/".join(str(values[k]) for k in key_columns),
                        position=position,
                        values=values,
                        searched=searched,
                        source_lines=lines,
                        slide=None if slide is None else int(slide),
                    )
                )
        return rows

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Row]:
        return {(r.dataset, r.key): r for r in self.rows}

    @cached_property
    def _order(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.catalog.resources)}

    def folded(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        if text not in self._folded:
            self._folded[text] = fold(text)
        return self._folded[text]

    # --- things and their names ----------------------------------------------------------------------
    @cached_property
    def _links(self) -> list[tuple[str, str, str, str]]:
        """Foreign keys between the name tables: (table, column, referenced table, referenced column)."""
        links = []
        for name in NAME_TABLES:
            if name not in self.catalog.resources:
                continue
            for fk in self.catalog.resource(name).foreign_keys:
                target = fk["reference"]["resource"]
                if target in NAME_TABLES and len(fk["fields"]) == 1:
                    links.append((name, fk["fields"][0], target, fk["reference"]["fields"][0]))
        return links

    def entity_rows(self, term: str) -> list[Row]:
        """The rows of the name tables that name `term` (one of their names folds to the same key), and the
        rows of the other name tables their keys or their names join them to (an organisation's acronym →
        its glossary entry → its English name)."""
        wanted = key(term)
        if wanted not in self._entities:  # asked twice per term (its spellings, then its rows)
            self._entities[wanted] = self._entity_rows(wanted) if wanted else []
        return list(self._entities[wanted])

    @cached_property
    def _blobs(self) -> list[str]:
        """Each row's searched texts as keys, one string per row (NUL between texts, so no key spans two)."""
        return ["\0".join(key(v) for c in r.searched if (v := _text(r.values.get(c)))) for r in self.rows]

    def _entity_rows(self, wanted: str) -> list[Row]:
        found = [
            r
            for r in self.rows
            if r.dataset in NAME_TABLES
            and any(_text(r.values.get(c)) and key(r.values[c]) == wanted for c in NAME_TABLES[r.dataset])
        ]
        changed = True
        while changed:
            changed = False
            for table, column, target, target_column in self._links:
                for r in list(found):
                    if r.dataset == table and r.values.get(column) is not None:
                        joined = [
                            t
                            for t in self.rows
                            if t.dataset == target and t.values.get(target_column) == r.values[column]
                        ]
                    elif r.dataset == target:
                        joined = [
                            t
                            for t in self.rows
                            if t.dataset == table
                            and t.values.get(column) is not None
                            and t.values.get(column) == r.values.get(target_column)
                        ]
                    else:
                        continue
                    for t in joined:
                        if t not in found:
                            found.append(t)
                            changed = True
            # A row of another name table that records one of these names names the same thing
            # (english_names has no key to organisations or the glossary, only the names themselves).
            names = {
                key(r.values[c]) for r in found for c in NAME_TABLES[r.dataset] if _text(r.values.get(c))
            }
            for t in self.rows:
                if (
                    t.dataset in NAME_TABLES
                    and t not in found
                    and any(
                        _text(t.values.get(c)) and key(t.values[c]) in names for c in NAME_TABLES[t.dataset]
                    )
                ):
                    found.append(t)
                    changed = True
        return found

    def spellings(self, term: str) -> list[str]:
        """The names the data records for what `term` names (in table order), then the term itself."""
        names: list[str] = []
        for r in self.entity_rows(term):
            for column in NAME_TABLES[r.dataset]:
                value = _text(r.values.get(column))
                if value and value not in names:
                    names.append(value)
        if term.strip() and key(term) not in {key(n) for n in names}:
            names.append(term.strip())
        return names

    def _references(self, entities: list[Row]) -> dict[tuple[str, str], tuple[str, str]]:
        """Rows whose foreign key points at one of the entity rows: (dataset, key) → (column, value)."""
        targets = {(r.dataset, r.key) for r in entities}
        found: dict[tuple[str, str], tuple[str, str]] = {}
        for name, resource in self.catalog.resources.items():
            for fk in resource.foreign_keys:
                target = fk["reference"]["resource"]
                if len(fk["fields"]) != 1 or not any(t[0] == target for t in targets):
                    continue
                column = fk["fields"][0]
                for r in self.rows:
                    value = r.values.get(column) if r.dataset == name else None
                    if value is not None and (target, str(value)) in targets:
                        found.setdefault((r.dataset, r.key), (column, str(value)))
        return found

    # --- matching ------------------------------------------------------------------------------------
    def _first_match(
        self, text: str, patterns: list[re.Pattern[str]], cores: tuple[str, ...] = ()
    ) -> tuple[int, int] | None:
        # A pattern matches only where its spelling's key (separators dropped) is in the text's key:
        # a text whose key holds none of them is passed over without running a pattern.
        if cores and not any(core in key(text) for core in cores):
            return None
        folded, spans = self.folded(text)
        best = None
        for p in patterns:
            m = p.search(folded)
            if m and m.end() > m.start() and (best is None or m.start() < best[0]):
                best = (spans[m.start()][0], spans[m.end() - 1][1])
        return best

    def find(self, term: str, lang: str = "en") -> list[tuple[int, Row, Match]]:
        """(rank, row, what matched) for every row the term finds, best first; of a row's matching
        columns, one in `lang` is shown before the other language's."""
        names = self.spellings(term)
        patterns = [pattern(n) for n in names if key(n)]
        cores = tuple(key(n) for n in names if key(n))
        if not patterns:
            return []
        wanted = key(term)
        entities = self.entity_rows(term)
        entity_keys = {(r.dataset, r.key) for r in entities}
        references = self._references(entities)
        tables = {}
        for name, resource in self.catalog.resources.items():
            for column, title in (("table title", resource.title), ("table title (ja)", resource.title_ja)):
                where = self._first_match(title, patterns) if title else None
                if where:
                    tables[name] = Match(column, title, *where)
                    break
        # Rows none of whose texts hold a spelling's key cannot match (see _first_match): only rows
        # found some other way (the thing's own rows, rows pointing at it, a table named by it) remain.
        mentions = [any(core in blob for core in cores) for blob in self._blobs]
        found = []
        for r, mentioned in zip(self.rows, mentions, strict=True):
            if not (
                mentioned
                or (r.dataset, r.key) in entity_keys
                or (r.dataset, r.key) in references
                or r.dataset in tables
            ):
                continue
            matches = []
            for column in r.searched:
                value = _text(r.values.get(column))
                where = self._first_match(value, patterns, cores) if value else None
                if where:
                    matches.append(Match(column, value, *where))
            matches.sort(key=lambda m: not m.column.endswith(f"_{lang}"))  # stable: field order otherwise
            named = [m for m in matches if NAME_COLUMNS.match(m.column)]
            if (r.dataset, r.key) in entity_keys and (named or matches):
                exact = [
                    m for m in matches if key(m.text) == wanted
                ]  # the name the term is, if the row has it
                relation, match = "entity", (exact or named or matches)[0]
            elif (r.dataset, r.key) in references:
                column, value = references[(r.dataset, r.key)]
                relation, match = "reference", Match(column, value, 0, len(value))
            elif r.dataset in tables:
                relation, match = "table", (named[0] if named else tables[r.dataset])
            elif named:
                relation, match = "name", named[0]
            elif matches:
                relation, match = (
                    "mention",
                    next((m for m in matches if m.column != "source_quote"), matches[0]),
                )
            else:
                continue
            found.append((RELATIONS.index(relation), r, match))
        found.sort(key=lambda f: (f[0], self._order[f[1].dataset], f[1].position))
        return found

    def frame(self, term: str, lang: str = "en") -> pd.DataFrame:
        records = [_record(rank, row, match, lang) for rank, row, match in self.find(term, lang)]
        out = pd.DataFrame(records, columns=COLUMNS)
        out["rank"] = pd.Series([r["rank"] for r in records], dtype="Int64")
        out["slide"] = pd.Series([r["slide"] for r in records], dtype="Int64")
        strings = [c for c in COLUMNS if c not in ("rank", "slide")]
        out[strings] = out[strings].astype("string")
        return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def row_label(values: dict[str, Any], lang: str) -> str | None:
    """What a row is called in `lang`: its first name, label, title or text there."""
    for stem in ("label", "name", "title", "heading", "activity", "text", "expansion", "wording", "body"):
        for suffix in (f"_{lang}", "_en", "_ja"):
            value = _text(values.get(stem + suffix))
            if value:
                return value
    return _text(values.get("acronym"))


def source_link(lines: str | None) -> str | None:
    """The source page's anchor for a row's first source line: 'L205' → 'source.html#L205'."""
    m = re.match(r"L(\d+)", lines or "")
    return f"{SOURCE_PAGE}#L{m.group(1)}" if m else None


def _record(rank: int, row: Row, match: Match, lang: str) -> dict[str, Any]:
    return {
        "rank": rank + 1,
        "relation": RELATIONS[rank],
        "dataset": row.dataset,
        "key": row.key,
        "label": row_label(row.values, lang),
        "column": match.column,
        "text": match.text,
        "marked": marked(match.text, match.start, match.end),
        "source_lines": row.source_lines,
        "slide": row.slide,
        "link": source_link(row.source_lines),
        "source_quote": _text(row.values.get("source_quote")),
    }


def index_of(catalog: Catalog | None = None) -> Index:
    """The catalog's search index, built on first use and kept with the catalog (as its tables are)."""
    from .data import default_catalog

    c = catalog if catalog is not None else default_catalog()
    index = c.__dict__.get("_search_index")
    if index is None:
        index = c.__dict__["_search_index"] = Index(c)
    return index


def search(term: str, catalog: Catalog | None = None, lang: str = "en") -> pd.DataFrame:
    """Rows of any table the term finds, best first, each once, with why (see the module doc).

    Columns: rank (1 entity, 2 reference, 3 table, 4 name, 5 mention) and relation; dataset, key and
    label (what the row is called, in `lang`); column, text (that column's value) and marked (the words
    matched, «marked», with some context); source_lines, slide (printed on the slide, where the source
    gives it) and link (the line's anchor on the source page); source_quote.
    """
    return index_of(catalog).frame(term, lang)


def spellings(term: str, catalog: Catalog | None = None) -> list[str]:
    """The names the data records for what `term` names, then the term itself."""
    return index_of(catalog).spellings(term)


def format_hits(found: pd.DataFrame) -> str:
    """The command line's listing: one block per row, the reason first."""
    out = []
    for row in found.itertuples(index=False):
        where = row.source_lines if isinstance(row.source_lines, str) else "-"
        slide = f", slide {row.slide}" if not pd.isna(row.slide) else ""
        label = f" — {row.label}" if isinstance(row.label, str) else ""
        out.append(f"{row.dataset} {row.key}{label}")
        out.append(f"    {row.relation}: {row.column}: {row.marked}")
        link = f" (reports/{row.link})" if isinstance(row.link, str) else ""
        out.append(f"    source {where}{slide}{link}")
    return "\n".join(out)


# --- the index page's search box -------------------------------------------------------------------------


def static_index(catalog: Catalog | None = None, lang: str = "en") -> dict[str, Any]:
    """What the index page's search box needs, as plain data (written as JSON into a script).

    rows: every row (dataset, key, label, lines, slide, link, its searched texts); terms: for each name
    the data records (by its folded key), the results `search` gives, as [row number, rank, column,
    start, end] — so a name finds in the page exactly what it finds here; separators: the characters
    folded away. Any other word is matched by the page over the rows' texts (relation `name` or
    `mention`).
    """
    ix = index_of(catalog)
    number = {(r.dataset, r.key): i for i, r in enumerate(ix.rows)}
    rows = []
    for r in ix.rows:
        rows.append(
            {
                "d": r.dataset,
                "k": r.key,
                "l": row_label(r.values, lang),
                "ja": row_label(r.values, "ja"),
                "s": r.source_lines,
                "p": r.slide,
                "a": source_link(r.source_lines),
                "t": {c: r.values[c] for c in r.searched if _text(r.values.get(c))},
            }
        )
    terms: dict[str, list[list[Any]]] = {}
    texts: dict[str, int] = {}
    names: list[str] = []
    for r in ix.rows:
        if r.dataset in NAME_TABLES:
            names += [v for c in NAME_TABLES[r.dataset] if (v := _text(r.values.get(c)))]
    for name in names:
        k = key(name)
        if not k or k in terms:
            continue
        hits = []
        for rank, row, match in ix.find(name, lang):
            if match.text not in texts:
                texts[match.text] = len(texts)
            hits.append(
                [
                    number[(row.dataset, row.key)],
                    rank + 1,
                    match.column,
                    texts[match.text],
                    match.start,
                    match.end,
                ]
            )
        terms[k] = hits
    return {
        "lang": lang,
        "relations": list(RELATIONS),
        "separators": SEPARATORS,
        "name_columns": NAME_COLUMNS.pattern,
        "tables": {name: [r.title, r.title_ja] for name, r in ix.catalog.resources.items()},
        "rows": rows,
        "texts": list(texts),
        "terms": terms,
    }


class _CallableModule(types.ModuleType):
    """Importing this module binds `workplan.search` to it (Python sets a package's attribute to its
    submodule): calling the module calls `search`, so `workplan.search("AJCCBC")` works either way."""

    def __call__(self, term: str, catalog: Catalog | None = None, lang: str = "en") -> pd.DataFrame:
        return search(term, catalog, lang)


sys.modules[__name__].__class__ = _CallableModule
