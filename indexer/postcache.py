"""Posting lists of frequent words, decoded once and kept in memory (an LRU bounded by size).

Whoosh stores a posting list as zlib-compressed pickled blocks of 128 postings, ids, weights and
positions together, and decodes a block each time a matcher enters it, even just to skip past.
Queries of common words (人民政府 应当 加强, 县级以上地方人民政府应当加强) spent most of their
time re-decoding the same blocks of the same words. ``CachedTerm`` matches a frequent word from
a decoded copy of its ids and weights instead: stepping is an array index, skipping a bisect.
Positions are not kept; phrase checks still read the postings (they need far fewer of them).

Entries are keyed by segment and its deletion count, so a commit that deletes documents from a
segment, or replaces it, never reuses a stale list.
"""
from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import ListMatcher, ReadTooFar

MIN_DOC_FREQUENCY = 1_000  # rarer words are cheap to read from the index each time
MAX_POSTINGS = 8_000_000  # all cached lists together (8 bytes each: id and weight)


class SortedIdsMatcher(ListMatcher):
    """``ListMatcher`` whose ``skip_to`` bisects: Whoosh's steps one id at a time, which made
    an intersection with a long list a Python loop."""

    def skip_to(self, id: int) -> None:  # noqa: A002 (Whoosh's signature)
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect.bisect_left(self._ids, id, self._i)


class _Cache:
    def __init__(self) -> None:
        self._lists: OrderedDict[tuple[Any, ...], tuple[array, array]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, reader: Any, fieldname: str, btext: bytes) -> tuple[array, array]:
        segment = reader.segment()
        key = (segment.segment_id(), segment.deleted_count(), fieldname, btext)
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        found = _decode(reader.postings(fieldname, btext))
        with self._lock:
            if key not in self._lists:
                self._lists[key] = found
                self._size += len(found[0])
                while self._size > MAX_POSTINGS and len(self._lists) > 1:
                    _, (ids, _) = self._lists.popitem(last=False)
                    self._size -= len(ids)
        return found

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()
            self._size = 0


def _decode(matcher: Any) -> tuple[array, array]:
    ids, weights = array("I"), array("f")
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


CACHE = _Cache()


class CachedTerm(wq.Term):
    """``whoosh.query.Term`` that matches a frequent word from ``CACHE`` (same ids, weights and
    BM25F scores as the index's own matcher)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None or not reader.is_atomic():
            return super().matcher(searcher, context)
        try:
            btext = field.to_bytes(self.text)
        except ValueError:
            return matching.NullMatcher()
        if (self.fieldname, btext) not in reader:
            return matching.NullMatcher()
        if reader.doc_frequency(self.fieldname, btext) < MIN_DOC_FREQUENCY:
            return super().matcher(searcher, context)
        ids, weights = CACHE.get(reader, self.fieldname, btext)
        if not ids:
            return matching.NullMatcher()
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        scorer = weighting.scorer(searcher, self.fieldname, btext)
        m = SortedIdsMatcher(ids, weights=weights, scorer=scorer, term=(self.fieldname, btext))
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
