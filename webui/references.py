"""Links from a document's cited references (《title》, 发文字号) to documents in the index.

The store has no lookup by title or number, so the map is built from the lifecycle corpus
summaries (one pass over the document records, cached per index generation by
``webui.lifecycle.corpus``) with the same tolerant title keys the lifecycle links use, so a
reference and a "cited by" link never disagree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.docnumber import normalize_doc_number
from indexer.lifecycle import DocSummary, places_of, title_key
from indexer.models import Document, Reference

from .lifecycle import corpus
from .resources import resources


@dataclass(frozen=True)
class ReferenceMap:
    by_key: dict[str, str] = field(default_factory=dict)
    by_number: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_summaries(cls, summaries: Iterable[DocSummary]) -> ReferenceMap:
        """Newest document wins a shared title (the version a later citation most likely means).

        Each title is keyed with and without its issuer's place names, since a citation may or
        may not spell the place out (苏州市再生资源管理办法 vs 再生资源管理办法).
        """
        by_key: dict[str, str] = {}
        by_number: dict[str, str] = {}
        for s in sorted(summaries, key=lambda s: (s.date or "", s.doc_id)):
            for key in {*s.title_keys, title_key(s.title)}:
                by_key[key] = s.doc_id
            if s.doc_number:
                by_number[s.doc_number] = s.doc_id
        return cls(by_key, by_number)

    def resolve(self, ref: Reference, citing: Document) -> str | None:
        """doc_id of the cited document, by 发文字号 first (exact), then by title key."""
        number = normalize_doc_number(ref.doc_number) if ref.doc_number else None
        if number and number in self.by_number:
            return self.by_number[number]
        places = places_of(citing.issuer, citing.meeting.body if citing.meeting else None)
        for key in (title_key(ref.title, places), title_key(ref.title)):
            if key in self.by_key:
                return self.by_key[key]
        return None


def reference_map() -> ReferenceMap:
    """The map for the current index generation (rebuilt after a new ingest commit)."""
    return resources().store.derived(ReferenceMap, lambda store: ReferenceMap.from_summaries(corpus().links.docs.values()))
