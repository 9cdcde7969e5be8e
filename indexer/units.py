"""Citable units: a paragraph longer than ``MAX_UNIT_CHARS`` is split at sentence boundaries.

A paragraph is what a search hit shows, what a snippet is cut from and what a citation points
to. Text that arrives as one huge line (a 20 MB JSON line, a law pasted on one line) would make
one paragraph whose every hit re-segments megabytes, and whose citation says nothing about where
the words are. Splitting is lossless: the pieces joined give back the paragraph exactly, so
every input character still reaches the index. It is deterministic (same text, same pieces), so
paragraph ids stay stable across re-ingests.
"""
from __future__ import annotations

import re

__all__ = ["MAX_LIST_CHARS", "MAX_UNIT_CHARS", "split_long"]

MAX_UNIT_CHARS = 2000
# An attendance list (出席：…) is read line by line by the minutes parser, so it is split only
# far beyond any real meeting's list: no paragraph of any kind is ever longer than this.
MAX_LIST_CHARS = 10_000
# A piece may end after a sentence end (with its closing quotes or brackets), else after a
# clause mark, else after whitespace; only a run with none of these is cut blindly.
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’\"'」』）)》】]*")
_CLAUSE_END = re.compile(r"[，,、：:]+")
_SPACE = re.compile(r"\s+")


def _cut(text: str, start: int, cap: int) -> int:
    """Where the piece of ``text`` starting at ``start`` ends: after the last boundary of the
    strongest kind found within ``cap`` characters, at least a quarter of ``cap`` in so pieces
    are never tiny; ``start + cap`` when there is none."""
    floor, limit = start + cap // 4, start + cap
    for pattern in (_SENTENCE_END, _CLAUSE_END, _SPACE):
        end = None
        for m in pattern.finditer(text, floor, limit):
            end = m.end()
        if end is not None and end <= limit:
            return end
    return limit


def split_long(text: str, cap: int = MAX_UNIT_CHARS) -> list[str]:
    """``text`` as pieces of at most ``cap`` characters; ``"".join(pieces) == text``.

    Offsets, not slices of the remainder, so a 20 MB paragraph costs one pass, not one copy of
    the rest per piece.
    """
    if len(text) <= cap:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > cap:
        end = _cut(text, start, cap)
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces
