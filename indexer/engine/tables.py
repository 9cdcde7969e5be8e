"""Per-generation tables: what every search needs about the whole index, built once per commit.

Doc numbers are the same for every reader of one index generation, so these tables are built on
the first search of a generation and shared by all threads: the document info of every
document, the owner document of every paragraph, facet columns, date keys and date orders, and
the paragraph sets of document-level conditions (title words, years, kinds, 发文字号). Layers
above the engine keep their own per-generation products here too (``derived``), so nothing
outside the engine needs to know what a generation is.
"""
from __future__ import annotations

import logging
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from whoosh.query import Term
from whoosh.searching import Searcher

from indexer import facets
from indexer.engine.postcache import posting_ids
from indexer.engine.records import DOC, INFO_COLUMN, column_values, hit_fields, info_document
from indexer.jurisdiction import place_paths
from indexer.labels import meeting_label
from indexer.models import Document

log = logging.getLogger(__name__)
T = TypeVar("T")
DOC_LEVEL_CACHE = 8_000_000  # paragraph docnums of cached document-level conditions (4 bytes each)
DOC_LEVEL_SETS = 4  # cached filter sets (year ranges, kinds: ~40 bytes per paragraph)
# facets whose value each paragraph takes from its document (``build`` fills them by document)
DOCUMENT_FACETS = ("kind", "issuer", "year", "meeting", "jurisdiction", "legal_level")


def date_key(date: str | None, digits: int = 8) -> int:
    """ISO date (or a prefix of one) as yyyymmdd, 0 when unknown; ``digits=14`` keeps the time
    of an ISO timestamp (yyyymmddHHMMSS)."""
    return int("".join(filter(str.isdigit, date or ""))[:digits].ljust(digits, "0") or 0)


@dataclass
class GenerationTables:
    """The tables of one index generation (see the module docstring)."""

    generation: int
    docs: dict[str, Document]  # doc_id -> info document (no paragraphs)
    owner: list[str | None]  # docnum -> doc_id of a paragraph record (None: a document record)
    members: dict[str, range | array]  # doc_id -> its paragraph docnums
    record_doc: dict[int, str]  # docnum of a document record -> doc_id
    facets: facets.FacetIndex
    date_keys: list[int]  # docnum -> yyyymmdd (0: undated)
    _orders: dict[tuple[str, bool], list[int]] = field(default_factory=dict)
    _doc_level: dict[Any, array] = field(default_factory=dict)
    _doc_level_size: int = 0
    _doc_level_sets: dict[Any, frozenset[int]] = field(default_factory=dict)
    _derived: dict[Callable[..., Any], Any] = field(default_factory=dict)
    _building: dict[Callable[..., Any], threading.Lock] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def paragraphs(self) -> list[int]:
        """Sorted docnums of all paragraph records (not whole-document records)."""
        return self.facets.paragraphs

    def sort_keys(self, by: str) -> list[int]:
        """docnum -> its sort key (0: unknown). ``date``: the document's date as yyyymmdd;
        ``indexed``: when its document was written to the index (yyyymmddHHMMSS, one stamp per
        commit), then its date, so a feed lists a back-filled old document among the new ones.
        Built on first use."""
        if by == "date":
            return self.date_keys
        return self.derived(GenerationTables.sort_keys, self._indexed_keys)

    def _indexed_keys(self) -> list[int]:
        stamps = {i: date_key(d.indexed_at, 14) for i, d in self.docs.items()}
        return [stamps.get(i, 0) * 10**8 + day if i else 0 for i, day in zip(self.owner, self.date_keys)]

    def order(self, by: str, newest: bool) -> list[int]:
        """Every paragraph docnum by ``sort_keys(by)`` (newest or oldest first; same key in
        reading order, unknown last), built on first use."""
        found = self._orders.get((by, newest))
        if found is None:
            keys, sign = self.sort_keys(by), -1 if newest else 1
            found = sorted(self.paragraphs, key=lambda n: (keys[n] == 0, sign * keys[n], n))
            with self._lock:
                self._orders[(by, newest)] = found
        return found

    def doc_paragraphs(self, key: Any, records: Callable[[], Iterable[int]]) -> array:
        """Sorted paragraph docnums of the documents whose record is in ``records()`` (the
        document records matching a document-level condition ``key``).

        Cached as C arrays up to ``DOC_LEVEL_CACHE`` docnums in all: the same title words and
        filters come back query after query, and a common title word (人民政府) covers a third
        of the paragraphs.
        """
        found = self._doc_level.get(key)
        if found is None:
            docs: set[int] = set()
            for docnum in records():
                docs.update(self.members.get(self.record_doc.get(docnum, ""), ()))
            found = array("I", sorted(docs))
            with self._lock:
                self._doc_level_size += len(found)
                if self._doc_level_size > DOC_LEVEL_CACHE:
                    self._doc_level.clear()
                    self._doc_level_size = len(found)
                self._doc_level[key] = found
        return found

    def doc_paragraph_set(self, key: Any, records: Callable[[], Iterable[int]]) -> frozenset[int]:
        """``doc_paragraphs`` as a set, for narrowing a search scope (year ranges, kinds);
        cached for the few filters in use."""
        found = self._doc_level_sets.get(key)
        if found is None:
            found = frozenset(self.doc_paragraphs(key, records))
            with self._lock:
                if len(self._doc_level_sets) >= DOC_LEVEL_SETS:
                    self._doc_level_sets.clear()
                self._doc_level_sets[key] = found
        return found

    def hit_fields(self, docnum: int, stored: tuple[Any, ...]) -> dict[str, Any]:
        """Flat fields of one paragraph hit: its stored tuple joined with its document's info."""
        return hit_fields(self.docs[self.owner[docnum] or ""], stored)

    def derived(self, key: Callable[..., Any], build: Callable[[], T]) -> T:
        """The product of ``build()`` for this generation, built once: threads that want the
        same product wait for it instead of building it again.

        The build holds a lock of its own key, never the tables' lock: a build takes seconds
        (the corpus tables, the spelling vocabulary), and every search caches its filter sets
        and date orders under the tables' lock, so holding that lock made every search of a
        freshly started server wait for the warm-up.
        """
        if key in self._derived:
            return self._derived[key]
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            if key not in self._derived:
                value = build()
                with self._lock:
                    self._derived[key] = value
            return self._derived[key]

    @classmethod
    def build(cls, searcher: Searcher) -> GenerationTables:
        """Built from the (few) document records and the order of the records, so paragraph
        records need not repeat document-level values."""
        reader = searcher.reader()
        size = reader.doc_count_all()
        docs = {}
        record_doc = {}
        info = column_values(reader, INFO_COLUMN)
        for docnum in searcher.docs_for_query(Term("rtype", DOC)):
            doc = info_document(info(docnum))
            docs[doc.doc_id] = doc
            record_doc[docnum] = doc.doc_id
        members = _members_by_order(reader, record_doc)
        if members is None:
            log.warning("index %s: paragraphs not grouped before their document record; "
                        "reading document membership from the doc_id postings", reader.generation())
            members = _members_by_postings(reader, record_doc)
        owner: list[str | None] = [None] * size
        for doc_id, nums in members.items():
            if isinstance(nums, range):
                owner[nums.start:nums.stop] = [doc_id] * len(nums)
            else:
                for n in nums:
                    owner[n] = doc_id
        columns: dict[str, list[Any]] = {name: [None] * size for name in ("year", "kind", "meeting", "legal_level")}
        where: dict[str, dict[Any, list[Sequence[int]]]] = {name: {} for name in facets.FACETS}
        for doc_id, nums in members.items():
            document = docs.get(doc_id)
            if document is None:
                continue
            for name, value in (("year", document.year or None), ("kind", document.kind or None),
                                ("meeting", meeting_label(document)),
                                ("legal_level", document.metadata.get("legal_level"))):
                if value is None:
                    continue
                column = columns[name]
                if isinstance(nums, range):
                    column[nums.start:nums.stop] = [value] * len(nums)
                else:
                    for n in nums:
                        column[n] = value
                where[name].setdefault(value, []).append(nums)
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        for facet, fieldname in (("department", "departments"), ("lead", "leads"), ("topic", "topics")):
            column = columns[facet] = [()] * size
            for term in reader.lexicon(fieldname):
                value = term.decode("utf-8")
                nums = array("I", (n for n in posting_ids(reader, fieldname, term) if owner[n] is not None))
                for n in nums:
                    grown = column[n] + (value,)
                    column[n] = shared.setdefault(grown, grown)
                if nums:
                    where[facet][value] = [nums]
        _document_columns(columns, where, docs, members, size)
        days: dict[str | None, int] = {i: date_key(d.date) for i, d in docs.items()}
        return cls(
            generation=reader.generation(),
            docs=docs,
            owner=owner,
            members=members,
            record_doc=record_doc,
            facets=facets.FacetIndex(columns, where, (n for n, d in enumerate(owner) if d is not None), owner,
                                     {name: {doc_id: columns[name][nums[0]] for doc_id, nums in members.items()}
                                      for name in DOCUMENT_FACETS}),
            date_keys=[days.get(i, 0) for i in owner],
        )



def _members_by_order(reader: Any, record_doc: dict[int, str]) -> dict[str, range | array] | None:
    """doc_id -> its paragraph docnums, read off the order of the records.

    The writer adds a document's paragraphs and then its record as one group, to one segment
    (``writer.index_records``, ``end_group``), and Whoosh's merges keep the order and drop a
    deleted document whole, so the live docnums of a segment between two document records are
    the later record's paragraphs. One pass over the docnums, where reading each document's
    ``doc_id`` postings took most of the server's start. ``None`` when a segment ends in
    paragraphs without their record (the layout above does not hold).
    """
    members: dict[str, range | array] = {}
    for leaf, offset in reader.leaf_readers():
        pending = array("I")
        # without deletions every docnum is live: no per-document deletion check
        live = leaf.all_doc_ids() if leaf.has_deletions() else range(leaf.doc_count_all())
        for n in live:
            n += offset
            doc_id = record_doc.get(n)
            if doc_id is None:
                pending.append(n)
                continue
            if pending:
                members[doc_id] = _compact(pending)
                pending = array("I")
        if pending:
            return None
    return members


def _members_by_postings(reader: Any, record_doc: dict[int, str]) -> dict[str, range | array]:
    """doc_id -> its paragraph docnums, from each document's ``doc_id`` postings (the slow,
    layout-free way)."""
    members: dict[str, range | array] = {}
    for term in reader.lexicon("doc_id"):
        nums = array("I", (n for n in posting_ids(reader, "doc_id", term) if n not in record_doc))
        if nums:
            members[term.decode("utf-8")] = _compact(nums)
    return members


def _compact(nums: array) -> range | array:
    """Consecutive docnums (the usual case) as a range: 48 bytes instead of 4 per paragraph."""
    return range(nums[0], nums[-1] + 1) if nums[-1] - nums[0] + 1 == len(nums) else nums


def _document_columns(columns: dict[str, list[Any]], where: dict[str, dict[Any, list[Sequence[int]]]],
                      docs: dict[str, Document], members: dict[str, range | array], size: int) -> None:
    """Multi-valued facets read off the document: its place (``place_paths``) and its issuers
    (发文机关) for all its paragraphs, and the types of the departments each paragraph names (from the document's own
    name -> type table)."""
    place = columns["jurisdiction"] = [()] * size
    issuers = columns["issuer"] = [()] * size
    types = columns["dept_type"] = [()] * size
    departments = columns["department"]
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for doc_id, nums in members.items():
        doc = docs.get(doc_id)
        if doc is None:
            continue
        paths = place_paths(doc.jurisdiction)
        if paths:
            for n in nums:
                place[n] = paths
            for path in paths:
                where["jurisdiction"].setdefault(path, []).append(nums)
        if doc.issuers:
            issued = shared.setdefault(tuple(doc.issuers), tuple(doc.issuers))
            for n in nums:
                issuers[n] = issued
            for name in issued:
                where["issuer"].setdefault(name, []).append(nums)
        if not doc.department_types:
            continue
        found: dict[str, list[int]] = {}
        for n in nums:
            named = tuple(dict.fromkeys(t for d in departments[n] if (t := doc.department_types.get(d))))
            if named:
                types[n] = shared.setdefault(named, named)
                for t in named:
                    found.setdefault(t, []).append(n)
        for t, ns in found.items():
            where["dept_type"].setdefault(t, []).append(array("I", ns))
