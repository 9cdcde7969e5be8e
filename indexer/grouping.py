"""Results grouped by document: each document once, at the rank of its best paragraph.

A researcher looks for documents (a meeting, a policy, a law); ten articles of one regulation
filling page 1 hide everything else. Grouping keeps the paragraph ranking as it is and takes
each document at its first (best) paragraph, so the document order is as total as the
paragraph order and pages never depend on the page size. The first ``k`` documents are known
once the ranked paragraphs hold ``k`` distinct documents: any other document's best paragraph
ranks below all of them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

MORE_PER_DOC = 2  # further matching paragraphs shown under a document's best one


@dataclass
class DocGroup:
    doc_id: str
    best: tuple[int, float | None]  # (docnum, score) of the best paragraph
    more: list[tuple[int, float | None]] = field(default_factory=list)  # next best, in rank order


def group_ranked(ranked: Iterable[tuple[int, float | None]], doc_of: Callable[[int], str | None],
                 wanted: int) -> list[DocGroup]:
    """The first ``wanted`` documents of a paragraph ranking, each with up to
    ``MORE_PER_DOC`` more of its paragraphs from the same ranking."""
    groups: dict[str, DocGroup] = {}
    for docnum, score in ranked:
        doc_id = doc_of(docnum)
        if doc_id is None:
            continue
        found = groups.get(doc_id)
        if found is None:
            if len(groups) < wanted:
                groups[doc_id] = DocGroup(doc_id, (docnum, score))
        elif len(found.more) < MORE_PER_DOC:
            found.more.append((docnum, score))
    return list(groups.values())


def count_documents(matched: AbstractSet[int] | None, doc_of: Callable[[int], str | None],
                    every: int) -> int:
    """Distinct documents among the matched paragraphs (``None``: all ``every`` documents)."""
    if matched is None:
        return every
    return len(set(map(doc_of, matched)) - {None})


def matched_in(paragraphs: Sequence[int], matched: AbstractSet[int] | None) -> list[int]:
    """A document's paragraphs that matched, in reading order."""
    return list(paragraphs) if matched is None else [n for n in paragraphs if n in matched]


def hits_in(paragraphs: Sequence[int], matched: AbstractSet[int] | None) -> int:
    """How many of a document's paragraphs matched."""
    return len(matched_in(paragraphs, matched))
