"""Posting lists of frequent words, decoded once and kept in memory (an LRU bounded by size).

Whoosh stores a posting list as zlib-compressed pickled blocks of 128 postings, ids, weights and
positions together, and decodes a block each time a matcher enters it, even just to skip past.
Queries of common words (人民政府 应当 加强, 县级以上地方人民政府应当加强) spent most of their
time re-decoding the same blocks of the same words, above all for phrase checks, which need
the positions of every word in every candidate paragraph. ``CachedTerm`` and ``CachedPhrase``
match a frequent word from a decoded copy of its ids, weights and positions instead (C arrays,
~12 bytes per posting): stepping is an array index, skipping a bisect.

Entries are keyed by segment and its deletion count, so a commit that deletes documents from a
segment, or replaces it, never reuses a stale list.
"""
from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from io import BytesIO
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.structfile import StructFile
from whoosh.matching import ListMatcher, ReadTooFar

MIN_DOC_FREQUENCY = 1_000  # rarer words are cheap to read from the index each time
POSITIONS_MEMO = 200_000  # decoded position lists by their bytes (most are one short position)
MAX_POSTINGS = 6_000_000  # postings plus positions of all cached lists (4 bytes each per array)


class SortedIdsMatcher(ListMatcher):
    """``ListMatcher`` whose ``skip_to`` bisects: Whoosh's steps one id at a time, which made
    an intersection with a long list a Python loop."""

    _i: int  # ListMatcher's current position in ``_ids``

    def skip_to(self, id: int) -> None:  # noqa: A002 (Whoosh's signature)
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect.bisect_left(self._ids, id, self._i)


class PositionsMatcher(SortedIdsMatcher):
    """A cached posting list with positions: what Whoosh's span (phrase) matchers read."""

    def __init__(self, postings: Postings, scorer: Any, term: tuple[str, bytes], terminfo: Any, i: int = 0):
        # The term info is what block-quality bounds read (``block_min_length`` …): Whoosh asks
        # for them whenever a union or exclusion is optimised with ``replace()``, scored or not.
        super().__init__(postings.ids, weights=postings.weights, scorer=scorer, term=term, position=i,
                         terminfo=terminfo)
        self._postings = postings

    def supports(self, astype: str) -> bool:
        return astype == "positions"

    def value_as(self, astype: str) -> list[int]:
        if astype != "positions":
            raise ValueError(f"cached postings hold positions, not {astype}")
        starts = self._postings.starts
        return self._postings.positions[starts[self._i]:starts[self._i + 1]].tolist()

    def spans(self) -> list[Any]:
        from whoosh.query.spans import Span

        return [Span(pos) for pos in self.value_as("positions")]

    def copy(self) -> PositionsMatcher:
        return PositionsMatcher(self._postings, self._scorer, self._term, self._terminfo, self._i)


class Postings:
    """One term's decoded postings: ids, weights, and positions (``positions[starts[i]:starts[i+1]]``)."""

    __slots__ = ("ids", "weights", "starts", "positions")

    def __init__(self) -> None:
        self.ids, self.weights = array("I"), array("f")
        self.starts, self.positions = array("I", [0]), array("I")

    @property
    def size(self) -> int:
        return 3 * len(self.ids) + len(self.positions)


class _Cache:
    def __init__(self) -> None:
        self._lists: OrderedDict[tuple[Any, ...], Postings] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, reader: Any, fieldname: str, btext: bytes) -> Postings:
        segment = reader.segment()
        key = (segment.segment_id(), segment.deleted_count(), fieldname, btext)
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        found = _decode(read_postings(reader, fieldname, btext))
        with self._lock:
            if key not in self._lists:
                self._lists[key] = found
                self._size += found.size
                while self._size > MAX_POSTINGS and len(self._lists) > 1:
                    _, dropped = self._lists.popitem(last=False)
                    self._size -= dropped.size
        return found

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()
            self._size = 0


_POSITIONS: dict[bytes, tuple[int, ...]] = {}


def _decode(matcher: Any, positions: bool = True) -> Postings:
    """All postings of ``matcher`` (without positions: ``starts`` all 0), a block at a time when
    it is a plain Whoosh 3 leaf matcher (2 µs -> ~0.5 µs per posting; a segment with deletions
    wraps it and is read one by one)."""
    positions = positions and matcher.supports("positions")
    if type(matcher) is not W3LeafMatcher:
        return _decode_slowly(matcher, positions)
    found = Postings()
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        found.ids.extend(matcher._ids)
        found.weights.extend(matcher._weights)
        if positions:
            matcher._read_values()
            for value in matcher._values:
                decoded = _POSITIONS.get(value)
                if decoded is None:  # Positions.encode: a uint count, then the pickled deltas
                    decoded = tuple(accumulate(loads(value[4:])))
                    if len(_POSITIONS) < POSITIONS_MEMO:
                        _POSITIONS[value] = decoded
                found.positions.extend(decoded)
                found.starts.append(len(found.positions))
        else:
            found.starts.extend([0] * len(matcher._ids))
        matcher._next_block()
    return found


def term_bytes(searcher: Any, fieldname: str, text: str) -> bytes | None:
    """A word as its field stores it; ``None`` when the index has no such field or the word
    cannot be one of its values (it then matches nothing)."""
    if fieldname not in searcher.schema:
        return None
    try:
        return searcher.schema[fieldname].to_bytes(text)
    except ValueError:
        return None


def read_postings(reader: Any, fieldname: str, btext: bytes) -> Any:
    """A segment's matcher of a term for reading its whole list, over a copy of the list's bytes.

    Whoosh reads a posting block's header and data through the index's file object in many
    small reads (the pickled header: one per opcode, ~20 a block); reading the list's extent in
    one piece and decoding it from memory made the facet columns of the server's start (a
    million postings) take half the time. Segments with deletions, and lists inlined in the
    term info, are read by Whoosh's own matcher (it skips the deleted)."""
    if reader.has_deletions():
        return reader.postings(fieldname, btext)
    terminfo = reader.term_info(fieldname, btext)
    if terminfo.is_inlined():
        return reader.postings(fieldname, btext)
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # Whoosh 2.7.4 reads it with struct.unpack, never unwrapped
        length = length[0]
    data = reader._terms._postfile.get(offset, length)
    return W3LeafMatcher(StructFile(BytesIO(data)), 0, length, reader.schema[fieldname].format,
                         term=(fieldname, btext))


def posting_ids(reader: Any, fieldname: str, btext: bytes) -> array:
    """Docnums of a term in the whole index (any reader), read a block at a time."""
    out = array("I")
    for leaf, offset in reader.leaf_readers():
        if (fieldname, btext) not in leaf:
            continue
        matcher = read_postings(leaf, fieldname, btext)
        if type(matcher) is W3LeafMatcher:
            while not matcher._atend:
                matcher._read_ids()
                out.extend([n + offset for n in matcher._ids] if offset else matcher._ids)
                matcher._next_block()
        else:
            out.extend(n + offset for n in matcher.all_ids())
    return out


def term_postings(reader: Any, fieldname: str, btext: bytes) -> tuple[array, array]:
    """Ids and weights of a term in one segment: a frequent word's from ``CACHE`` (filling
    it), the others read from the index a block at a time, without their positions."""
    found = _postings(reader, fieldname, btext, positions=False)
    return found.ids, found.weights


def _postings(reader: Any, fieldname: str, btext: bytes, positions: bool = True) -> Postings:
    """A frequent word's postings from ``CACHE`` (filling it, positions included), a rarer
    word's decoded from the index (each time: they are short)."""
    if reader.doc_frequency(fieldname, btext) >= MIN_DOC_FREQUENCY:
        return CACHE.get(reader, fieldname, btext)
    return _decode(read_postings(reader, fieldname, btext), positions)


def phrase_docnums(searcher: Any, fieldname: str, words: Sequence[str],
                   within: AbstractSet[int] | None = None) -> set[int]:
    """Docnums (whole index; only those ``within`` when given) where ``words`` stand at
    consecutive positions: what Whoosh's ``Phrase`` (``SpanNear2``, slop 1, in order) matches.
    Candidates are the ids of the rarest word (or ``within``); each is looked up by bisection in
    the other words' ids and its positions compared, from decoded lists (a frequent word's
    cached) instead of span objects per posting."""
    found: set[int] = set()
    field = searcher.schema[fieldname] if fieldname in searcher.schema else None
    if field is None or not words:
        return found
    try:
        btexts = [field.to_bytes(word) for word in words]
    except ValueError:
        return found
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if any((fieldname, b) not in reader for b in btexts):
            continue
        end = offset + reader.doc_count_all()
        lists = [_postings(reader, fieldname, b) for b in btexts]
        if within is None:
            candidates: Iterable[int] = min(lists, key=lambda p: len(p.ids)).ids
        else:
            candidates = [n - offset for n in within if offset <= n < end]
        for n in candidates:
            starts: set[int] | None = None
            for k, p in enumerate(lists):
                i = bisect.bisect_left(p.ids, n)
                if i == len(p.ids) or p.ids[i] != n:
                    starts = None
                    break
                at = {pos - k for pos in p.positions[p.starts[i]:p.starts[i + 1]]}
                starts = at if starts is None else starts & at
                if not starts:
                    break
            if starts:
                found.add(n + offset)
    return found


def term_docnums(searcher: Any, fieldname: str, btext: bytes) -> array:
    """Docnums of a term in the whole index: frequent words from ``CACHE`` (filling it), the
    others read from the index a block at a time."""
    out = array("I")
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, btext) not in reader:
            continue
        if reader.doc_frequency(fieldname, btext) >= MIN_DOC_FREQUENCY:
            ids = CACHE.get(reader, fieldname, btext).ids
        else:
            ids = posting_ids(reader, fieldname, btext)
        out.extend([n + offset for n in ids] if offset else ids)
    return out


def _decode_slowly(matcher: Any, positions: bool) -> Postings:
    found = Postings()
    while matcher.is_active():
        found.ids.append(matcher.id())
        found.weights.append(matcher.weight())
        if positions:
            found.positions.extend(matcher.value_as("positions"))
        found.starts.append(len(found.positions))
        matcher.next()
    return found


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
        postings = CACHE.get(reader, self.fieldname, btext)
        if not postings.ids:
            return matching.NullMatcher()
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        scorer = weighting.scorer(searcher, self.fieldname, btext)
        m = PositionsMatcher(postings, scorer, (self.fieldname, btext), reader.term_info(self.fieldname, btext))
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class CachedPhrase(wq.Phrase):
    """``whoosh.query.Phrase`` whose words are ``CachedTerm``s (the same span matching)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        from whoosh.query import SpanNear2

        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        words = []
        for word in self.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (self.fieldname, btext) not in reader:
                return matching.NullMatcher()
            words.append(CachedTerm(self.fieldname, word))
        m = SpanNear2(words, slop=self.slop, ordered=True, mindist=1).matcher(searcher, context)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
