"""Snippets: the best ~120 characters of a paragraph, HTML-escaped, matches in ``<mark>``.

Matches are whole tokens of our own analysis (so a query word never highlights stray single
characters of a longer word, the ChineseAnalyzer highlight bug), department mentions resolved by
the gazetteer and 发文字号 in any bracket form. The original text is escaped piece by piece
*before* the marks are inserted, so the result is safe HTML for element content (never for an
attribute) and the caller may wrap it in ``markupsafe.Markup`` as is.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from html import escape

from indexer.analysis import get_segmenter
from indexer.docnumber import find_doc_numbers
from indexer.gazetteer import get_gazetteer
from indexer.normalize import fold

WIDTH = 120
ELLIPSIS = "…"


def match_spans(text: str, terms: Collection[str], departments: Collection[str] = (),
                doc_numbers: Collection[str] = ()) -> list[tuple[int, int]]:
    """Character spans of ``text`` to mark, merged where they overlap or touch."""
    segmenter = get_segmenter()
    spans = [(s.start, s.end) for s in segmenter.segment(text) if s.text in terms] if terms else []
    compounds = [t for t in terms if segmenter.covers(t)]
    if compounds:  # 再生资源回收 inside 再生资源/回收利用: matched through its cover, marked whole
        folded = fold(text)
        spans += [(m.start(), m.end()) for m in re.finditer("|".join(map(re.escape, compounds)), folded)]
    if departments:
        spans += [(m.start, m.end) for m in get_gazetteer().find(fold(text)) if m.canonical in departments]
    if doc_numbers:
        spans += [(a, b) for a, b, canon in find_doc_numbers(text) if canon in doc_numbers]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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


def render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """``text[start:end]`` escaped, spans wrapped in ``<mark>``, ellipses where cut."""
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
    return "".join(out)


def make_snippet(text: str, terms: Collection[str], departments: Collection[str] = (),
                 doc_numbers: Collection[str] = (), width: int = WIDTH) -> str:
    """Safe HTML snippet of ``text`` around its best-matching region."""
    spans = match_spans(text, terms, departments, doc_numbers)
    start, end = best_window(len(text), spans, width)
    return render(text, spans, start, end)
