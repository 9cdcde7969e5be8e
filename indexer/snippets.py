"""Snippets: the best ~120 characters of a paragraph, HTML-escaped, matches in ``<mark>``.

Which characters are marked, and the escaping, are ``indexer.highlight``'s (the document page
uses the same highlighter); this module only chooses the window. The result is safe HTML for
element content and may be wrapped in ``markupsafe.Markup`` as is.
"""
from __future__ import annotations

from collections.abc import Collection

from indexer.highlight import match_spans, render

WIDTH = 120

__all__ = ["WIDTH", "best_window", "make_snippet", "match_spans", "render"]


def best_window(length: int, spans: list[tuple[int, int]], width: int = WIDTH) -> tuple[int, int]:
    """The ``width``-character window covering the most matched characters, matches a little
    after its start so the reader sees some context before them."""
    if length <= width or not spans:
        return 0, min(length, width)
    best, best_start = -1, 0
    for anchor, _ in spans:
        start = max(0, min(anchor - width // 5, length - width))
        end = start + width
        covered = sum(min(e, end) - max(s, start) for s, e in spans if s < end and e > start)
        if covered > best:
            best, best_start = covered, start
    return best_start, best_start + width


def make_snippet(text: str, terms: Collection[str], departments: Collection[str] = (),
                 doc_numbers: Collection[str] = (), width: int = WIDTH) -> str:
    """Safe HTML snippet of ``text`` around its best-matching region."""
    spans = match_spans(text, terms, departments, doc_numbers)
    start, end = best_window(len(text), spans, width)
    return str(render(text, spans, start, end))
