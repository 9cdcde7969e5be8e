"""Query-term highlighting on the document page, without building HTML in Python.

The text is split into (segment, is_match) pairs and the template wraps matches in ``<mark>``;
Jinja escapes every segment, so document text can never become markup. Matching runs on
``fold``-ed text (length-preserving), so full-width, Traditional and upper-case forms are found
while the reader sees the original characters.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.errors import QueryError
from indexer.normalize import fold
from indexer.querycompile import compile_query
from indexer.querysyntax import parse

Segment = tuple[str, bool]


def query_terms(q: str) -> set[str]:
    """The folded words the search itself highlights; none for an empty or unparsable query
    (the document page still renders, just without marks)."""
    try:
        return compile_query(parse(q)).terms if q else set()
    except QueryError:
        return set()


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of the folded terms, longest first so 再生资源 wins over 资源."""
    folded = sorted({fold(t) for t in terms if t.strip()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, folded))) if folded else None


def mark_segments(text: str, pattern: re.Pattern[str] | None) -> list[Segment]:
    """Split ``text`` into alternating plain and matching segments (original characters)."""
    if pattern is None:
        return [(text, False)]
    segments: list[Segment] = []
    pos = 0
    for m in pattern.finditer(fold(text)):
        if m.start() == m.end():
            continue
        if m.start() > pos:
            segments.append((text[pos : m.start()], False))
        segments.append((text[m.start() : m.end()], True))
        pos = m.end()
    if pos < len(text):
        segments.append((text[pos:], False))
    return segments
