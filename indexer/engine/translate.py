"""The engine-neutral query tree (``indexer.querytree``) as Whoosh queries.

Translation happens against one searcher generation, because two choices depend on the index:
document-level conditions become the paragraph numbers of the matching documents (``DocSet``),
and the cover phrases of a compound are dropped when the index holds the compound often enough
as one token. Frequent words are matched from cached posting lists (``CachedTerm``).
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.matching import NullMatcher

from indexer import querytree as qt
from indexer.engine.postcache import CachedPhrase, CachedTerm, SortedIdsMatcher

COVER_MAX_FREQUENCY = 200  # paragraphs holding a compound as one token beyond which covers are dropped


class DocSet(wq.Query):
    """Paragraph docnums (of the whole index) as a leaf query; each match scores ``score``."""

    def __init__(self, key: qt.DocLevel, docnums: Sequence[int], score: float):
        self.key = key  # the document-level condition it was resolved from
        self.docnums = docnums  # sorted
        self.score = score

    def __eq__(self, other: object) -> bool:
        return type(other) is DocSet and (self.key, self.score) == (other.key, other.score)

    def __hash__(self) -> int:
        return hash((DocSet, self.key, self.score))

    def __repr__(self) -> str:
        return f"DocSet({len(self.docnums)} paragraphs, score={self.score:.3f})"

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.docnums)

    def estimate_min_size(self, ixreader: Any) -> int:
        return len(self.docnums)

    def docs(self, searcher: Any, deleting: bool = False) -> Any:
        return iter(self._local(searcher))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        ids = self._local(searcher)
        return SortedIdsMatcher(ids, all_weights=self.score) if ids else NullMatcher()

    def _local(self, searcher: Any) -> Sequence[int]:
        """This segment's share of the docnums, numbered within the segment (Whoosh builds a
        matcher per segment and knows the segment's offset only in the parent searcher)."""
        offset = 0
        parent = searcher.parent() if searcher.parent else None
        if parent is not None:
            offset = next(off for sub, off in parent.subsearchers if sub is searcher)
        end = offset + searcher.reader().doc_count_all()
        lo, hi = bisect.bisect_left(self.docnums, offset), bisect.bisect_left(self.docnums, end)
        if not offset:  # the first segment: a slice of the (C) array, no per-docnum loop
            return self.docnums[lo:hi]
        return [n - offset for n in self.docnums[lo:hi]]


class Coordinated(wq.Or):
    """OR that ranks paragraphs matching more of the clauses first.

    Plain BM25 sums per-term scores, so in the OR fallback a paragraph repeating one common word
    (5000元 in a fee table) beat the one with 个人所得税 and 5000元; a constant bonus per matched
    clause puts coverage first and BM25 second. Built as ``Or([Or([p, ConstantScore(p)]) …])``
    so Whoosh can run it anywhere in a tree; at the top of a query ``matching`` scores the
    ``clauses`` one by one instead (same scores, without the nested unions).
    """

    @property
    def clauses(self) -> list[wq.Query]:
        return [sub.subqueries[0] for sub in self.subqueries]


def whoosh_term(field: str, text: str, boost: float = 1.0) -> wq.Query:
    """A term of the paragraph text goes through the posting cache; others are plain."""
    return CachedTerm(field, text, boost=boost) if field == "text" else wq.Term(field, text, boost=boost)


def document_condition(node: qt.Q) -> wq.Query:
    """A condition on document records (never resolved to paragraphs: it *is* the inner side)."""
    return translate(node, _no_doc_level, lambda word: 0)


def _no_doc_level(node: qt.DocLevel) -> wq.Query:
    raise ValueError(f"a document-level condition cannot nest another: {node!r}")


def translate(node: qt.Q, doc_level: Callable[[qt.DocLevel], wq.Query],
              frequency: Callable[[str], int]) -> wq.Query:
    """``node`` as a Whoosh query; ``doc_level`` resolves a ``DocLevel`` (to a ``DocSet``) and
    ``frequency(word)`` says in how many paragraphs the text field holds ``word``."""
    def walk(n: qt.Q) -> wq.Query:
        if isinstance(n, qt.Term):
            return whoosh_term(n.field, n.text, n.boost)
        if isinstance(n, qt.Phrase):
            cls = CachedPhrase if n.field == "text" else wq.Phrase
            return cls(n.field, list(n.words), boost=n.boost)
        if isinstance(n, qt.Range):
            return wq.NumericRange(n.field, n.low, n.high)
        if isinstance(n, qt.Every):
            return wq.Term("rtype", "p")
        if isinstance(n, qt.And):
            return wq.And([walk(c) for c in n.children], boost=n.boost)
        if isinstance(n, qt.Or):
            return wq.Or([walk(c) for c in n.children], boost=n.boost)
        if isinstance(n, qt.Not):
            return wq.Not(walk(n.child))
        if isinstance(n, qt.AndMaybe):
            return wq.AndMaybe(walk(n.required), walk(n.optional))
        if isinstance(n, qt.WordMatch):
            alternatives = n.alternatives
            if len(alternatives) > 2 and frequency(n.word) >= COVER_MAX_FREQUENCY:
                # Such a compound is how the text is usually cut, so its covers add a handful of
                # matches (安全生产: 3,868 paragraphs, 8 more as 安全 生产) for most of the query's
                # time; rare compounds keep them (再生资源回收 in 再生资源/回收利用体系).
                alternatives = alternatives[:2]
            return wq.Or([walk(c) for c in alternatives])
        if isinstance(n, qt.DocLevel):
            return doc_level(n)
        if isinstance(n, qt.Coordinated):
            parts = [walk(c) for c in n.clauses]
            return Coordinated([wq.Or([p, wq.ConstantScoreQuery(p, qt.OR_CLAUSE_BONUS)]) for p in parts])
        raise TypeError(f"unknown query node {n!r}")

    return walk(node)


def doc_set(node: qt.DocLevel, docnums: Sequence[int], paragraphs: int) -> DocSet:
    """A ``DocSet`` that scores like a BM25 idf times the boost, so rarer values weigh more and
    a document's own 发文字号 (boost 10) outranks documents citing it (boost 2)."""
    return DocSet(node, docnums, node.boost * (math.log(paragraphs / (len(docnums) + 1)) + 1.0))


def split_filters(query: wq.Query | None) -> tuple[wq.Query | None, list[DocSet]]:
    """Take the ``DocSet`` conjuncts off the top of a translated query, to restrict the search
    scope with (``year:2015-2019 环境保护`` = 环境保护 within those years).

    Every match would get the same constant score from them, so the ranking is unchanged, and
    a set intersection replaces stepping a matcher through every paragraph of the years. A
    conjunct left alone with exclusions keeps its place (Whoosh cannot run a bare NOT).
    """
    if isinstance(query, DocSet):
        return None, [query]
    if not isinstance(query, wq.And):
        return query, []
    filters = [q for q in query.subqueries if isinstance(q, DocSet)]
    rest = [q for q in query.subqueries if not isinstance(q, DocSet)]
    if not filters or (rest and all(isinstance(q, wq.Not) for q in rest)):
        return query, []
    if not rest:
        return None, filters
    return (rest[0] if len(rest) == 1 else wq.And(rest, boost=query.boost)), filters
