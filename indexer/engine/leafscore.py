"""BM25F scores of a query's matches, summed leaf by leaf instead of stepped through matchers.

Whoosh scores a match by moving a tree of union and intersection matchers onto it, a Python
call per matcher per step. 人民政府 应当 加强 is an intersection of three unions (each word in
the paragraph, in the rest of its law article, or in its document's title) whose words are in
tens of thousands of paragraphs each: 600 ms of stepping for 5,219 matches. Yet a score is a
sum over the leaves that match (a union adds its matching children, an intersection all of
them; a phrase, the words it matched), so the same scores come from the match set, known
from set algebra (``matching``), and one pass per leaf over its posting array, with the field
lengths of a segment read once into memory. The arithmetic is Whoosh's own (``bm25`` with the
same operands), so scores agree up to the order of the additions (``tests/test_leafscore.py``).

Trees of terms, slop-1 phrases, document sets, AND, OR, AND-MAYBE and NOT under AND (what the
query language compiles to) are summed here; ``supported`` says no to anything else (other
spans, ranges, the fallback's coordinated OR), which keeps going through Whoosh's matchers.
"""
from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length

from indexer.engine.postcache import CachedPhrase, term_bytes, term_postings
from indexer.engine.translate import DocSet

NOT_WEIGHT = 1.0  # what Whoosh's InverseMatcher adds for a NOT under an AND (its weight)
BISECT_RATIO = 4  # postings this many times as many as the wanted docnums are bisected, not walked
LENGTH_SEGMENTS = 32  # segments whose field-length bytes are kept (a few per generation)

# among(query, docnums): those of ``docnums`` that a (sub)query matches (``matching._among``)
Among = Callable[[wq.Query, AbstractSet[int]], AbstractSet[int]]


def supported(query: wq.Query) -> bool:
    """Whether ``scores`` can sum ``query`` exactly as Whoosh's matchers would score it."""
    if isinstance(query, (wq.Term, DocSet)):
        return True
    if isinstance(query, CachedPhrase):
        return query.slop == 1  # consecutive words, as ``postcache.phrase_docnums`` matches them
    if isinstance(query, wq.And):  # at least one positive conjunct (Whoosh cannot run a bare NOT)
        return any(not isinstance(q, wq.Not) for q in query.subqueries) and \
            all(supported(q.query if isinstance(q, wq.Not) else q) for q in query.subqueries)
    if type(query) is wq.Or:  # not Coordinated, nor Whoosh's other OR flavours, nor a scaled one
        return not query.scale and not query.minmatch and all(supported(q) for q in query.subqueries)
    if isinstance(query, wq.AndMaybe):
        return supported(query.a) and supported(query.b)
    return False


def scores(searcher: Any, query: wq.Query, wanted: AbstractSet[int], among: Among) -> dict[int, float]:
    """Score of each docnum of ``wanted`` that ``query`` matches (its BM25F score as Whoosh
    computes it). ``query`` must be ``supported``."""
    if isinstance(query, wq.Term):
        return _term_scores(searcher, query, wanted)
    if isinstance(query, DocSet):
        return dict.fromkeys(among(query, wanted), query.score)
    if isinstance(query, CachedPhrase):  # Whoosh scores a phrase as the sum of its words
        keep = among(query, wanted)
        found = _sums(keep, (_term_scores(searcher, wq.Term(query.fieldname, word), keep) for word in query.words))
    elif isinstance(query, wq.AndMaybe):
        found = scores(searcher, query.a, wanted, among)
        return _sums(found.keys(), (found, scores(searcher, query.b, set(found), among)))
    elif len(query.subqueries) == 1:  # Whoosh runs a lone subquery's matcher alone, without the boost
        return scores(searcher, query.subqueries[0], wanted, among)
    elif isinstance(query, wq.Or):
        found = {}
        for sub in query.subqueries:
            for n, s in scores(searcher, sub, wanted, among).items():
                found[n] = found.get(n, 0.0) + s
    else:  # an AND
        keep = among(query, wanted)
        found = _sums(keep, (dict.fromkeys(keep, NOT_WEIGHT) if isinstance(sub, wq.Not)
                             else scores(searcher, sub, keep, among) for sub in query.subqueries))
    if query.boost != 1.0:
        return {n: s * query.boost for n, s in found.items()}
    return found


def _sums(keep: Iterable[int], parts: Iterable[dict[int, float]]) -> dict[int, float]:
    """Per docnum of ``keep``, the sum of its scores in ``parts`` (each holds only ``keep``'s)."""
    found = dict.fromkeys(keep, 0.0)
    for part in parts:
        for n, s in part.items():
            found[n] += s
    return found


def _term_scores(searcher: Any, term: wq.Term, wanted: AbstractSet[int]) -> dict[int, float]:
    """The term's score in each wanted paragraph holding it, segment by segment, from its
    postings (``postcache.term_postings``) and the segment's field lengths."""
    found: dict[int, float] = {}
    btext = term_bytes(searcher, term.fieldname, term.text)
    if btext is None or not wanted:
        return found
    boost = term.boost
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (term.fieldname, btext) not in reader:
            continue
        ids, weights = term_postings(reader, term.fieldname, btext)
        scorer = searcher.weighting.scorer(sub, term.fieldname, btext)
        if isinstance(scorer, BM25FScorer):
            # bm25() of whoosh.scoring with its operands in its order, the length part per
            # length byte: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            idf, k1_plus, B, K1, avgfl = scorer.idf, scorer.K1 + 1, scorer.B, scorer.K1, scorer.avgfl
            # Byte 0 is a segment without the column, where Whoosh takes the length as 1 (a
            # paragraph holding the term has a non-zero byte otherwise).
            norms = [K1 * ((1 - B) + B * (byte_to_length(b) or 1) / avgfl) for b in range(256)]
            lengths = field_length_bytes(reader, term.fieldname)
            for i, w in _held(ids, weights, wanted, offset):  # x * 1.0 is x: a boost of 1 costs no rounding
                found[i + offset] = idf * ((w * k1_plus) / (w + norms[lengths[i]])) * boost
        elif isinstance(scorer, WeightScorer):  # a field without lengths scores its weight
            for i, w in _held(ids, weights, wanted, offset):
                found[i + offset] = w * boost
        else:
            raise TypeError(f"no leaf sum for {type(scorer).__name__}")
    return found


def _held(ids: Sequence[int], weights: Sequence[float], wanted: AbstractSet[int], offset: int) -> list[tuple[int, float]]:
    """(id, weight) of the postings whose docnum (``id + offset``) is wanted: bisection for
    each wanted docnum when they are few enough (的 in 200k paragraphs, scored in three), else
    a walk over the postings between the lowest and the highest wanted."""
    if not wanted:
        return []
    if len(wanted) * BISECT_RATIO < len(ids):
        size, left = len(ids), bisect.bisect_left
        return [(ids[j], weights[j]) for n in wanted
                if (j := left(ids, n - offset)) < size and ids[j] == n - offset]
    low, high = bisect.bisect_left(ids, min(wanted) - offset), bisect.bisect_right(ids, max(wanted) - offset)
    return [(i, w) for i, w in zip(ids[low:high], weights[low:high]) if i + offset in wanted]


class _LengthBytes:
    """Each segment's length byte per document and field (Whoosh's ``LENGTHS_COLUMN``: one byte,
    ``byte_to_length`` decodes it), read in one piece: Whoosh reads it from the file per
    document scored. Keyed by segment, since a segment's lengths never change."""

    def __init__(self) -> None:
        self._bytes: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader: Any, fieldname: str) -> bytes:
        key = (reader.segment().segment_id(), fieldname)
        with self._lock:
            found = self._bytes.get(key)
            if found is not None:
                self._bytes.move_to_end(key)
                return found
        doccount = reader.doc_count_all()
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count) if column is not None else emptybytes
        found = raw.ljust(doccount, b"\0")
        with self._lock:
            self._bytes[key] = found
            while len(self._bytes) > LENGTH_SEGMENTS:
                self._bytes.popitem(last=False)
        return found


_LENGTHS = _LengthBytes()
field_length_bytes = _LENGTHS.get
