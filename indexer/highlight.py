"""The one highlighter: which characters of a text a query marks, and the escaped HTML.

Matches are whole tokens of our own analysis, so a query word never marks characters of a longer
word (市场 is not marked inside 城市场所, which segments as 城市/场所); a domain compound matched
through its cover words is marked whole; department mentions are found by the gazetteer in any
written form and 发文字号 in any bracket form. Both the search snippet and the document page use
it. The original text is escaped piece by piece *before* the marks are inserted, so the result is
safe HTML for element content (never for an attribute).
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

from indexer.analysis import get_segmenter
from indexer.docnumber import find_doc_numbers
from indexer.errors import QueryError
from indexer.gazetteer import get_gazetteer
from indexer.normalize import fold

if TYPE_CHECKING:
    from indexer.querycompile import Compiled

ELLIPSIS = "…"

Span = tuple[int, int]


@dataclass(frozen=True)
class HighlightTerms:
    """What a query marks: folded words, canonical departments, canonical 发文字号."""

    words: frozenset[str] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    doc_numbers: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_query(cls, q: str) -> HighlightTerms:
        """The terms the search itself highlights for ``q`` (rewritten as the search rewrites
        it); none for an empty or unparsable query (a page then renders without marks instead
        of failing)."""
        from indexer.querycompile import compile_query  # late: the compiler needs the segmenter
        from indexer.querysyntax import parse
        from indexer.querytext import rewrite

        if not q.strip():
            return cls()
        try:
            compiled = compile_query(parse(rewrite(q).text))
        except QueryError:
            return cls()
        return cls.of(compiled)

    @classmethod
    def of(cls, compiled: Compiled) -> HighlightTerms:
        """The terms of a query the search ran (its fallback's, when it fell back)."""
        return cls(frozenset(compiled.terms), frozenset(compiled.departments), frozenset(compiled.doc_numbers))

    def __bool__(self) -> bool:
        return bool(self.words or self.departments or self.doc_numbers)


def match_spans(text: str, terms: Collection[str], departments: Collection[str] = (),
                doc_numbers: Collection[str] = ()) -> list[Span]:
    """Character spans of ``text`` to mark, merged where they overlap or touch."""
    segmenter = get_segmenter()
    spans = segmenter.word_spans(text, terms) if terms else []
    compounds = [t for t in terms if segmenter.covers(t)]
    if compounds:  # 再生资源回收 inside 再生资源/回收利用: matched through its cover, marked whole
        folded = fold(text)
        spans += [(m.start(), m.end()) for m in re.finditer("|".join(map(re.escape, compounds)), folded)]
    if departments:
        spans += [(m.start, m.end) for m in get_gazetteer().find(fold(text)) if m.canonical in departments]
    if doc_numbers:
        spans += [(a, b) for a, b, canon in find_doc_numbers(text) if canon in doc_numbers]
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def render(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> Markup:
    """``text[start:end]`` escaped, spans wrapped in ``<mark>``, ellipses where cut."""
    end = len(text) if end is None else end
    out = [ELLIPSIS] if start > 0 else []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return Markup("".join(out))


def highlight(text: str, terms: HighlightTerms) -> Markup:
    """The whole of ``text`` as safe HTML with the query's matches marked."""
    if not terms:
        return Markup(escape(text))
    return render(text, match_spans(text, terms.words, terms.departments, terms.doc_numbers))
