"""Corpus-wide tables of one index generation: decisions, agenda items, links, references.

The decisions table, the department pages, the links between documents, "cited by" and the
resolved references need the whole corpus at once, which the paragraph index cannot answer per
request. ``build_tables`` makes them in one pass over the stored documents, as one typed, read-only
value per index generation that every thread shares.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from .decisions import DecisionRow, ItemRow, decision_rows, item_rows
from .engine import DocumentStore
from .lifecycle import LinkIndex
from .meetings import MeetingRow, meeting_row
from .models import MEETING_KINDS, Document
from .resolver import ReferenceResolver, ResolvedReference
from .summary import DocSummary, summarize

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class CorpusTables:
    decisions: list[DecisionRow]
    items: list[ItemRow]
    links: LinkIndex  # reviewed/adopted -> issued links, cited-by and timelines
    resolver: ReferenceResolver
    meetings: list[MeetingRow] = field(default_factory=list)  # one per minutes/report document

    @property
    def summaries(self) -> dict[str, DocSummary]:
        return self.links.docs

    def references(self, doc: Document) -> list[ResolvedReference]:
        """``doc``'s references resolved to indexed documents (the page, the API and "cited by"
        give the same answer, since all three come from ``resolver``)."""
        citing = self.summaries.get(doc.doc_id) or summarize(doc)
        return self.resolver.resolve_all(citing)


def build_tables(documents: Iterable[Document]) -> CorpusTables:
    """One pass over the documents: summaries, decision rows, agenda-item rows; then the links."""
    summaries: list[DocSummary] = []
    decisions: list[DecisionRow] = []
    items: list[ItemRow] = []
    meetings: list[MeetingRow] = []
    for doc in documents:
        summaries.append(summarize(doc))
        decisions += decision_rows(doc)
        items += item_rows(doc)
        if (row := meeting_row(doc)) is not None:
            meetings.append(row)
    resolver = ReferenceResolver(summaries)
    return CorpusTables(decisions, items, LinkIndex(summaries, resolver), resolver, meetings)


def tables_for(store: DocumentStore) -> CorpusTables:
    """The tables of the store's current generation, built once per generation and shared by
    threads; only minutes' paragraphs are decoded (they alone have decisions and are matched by
    their text)."""
    return store.derived(build_tables, _build)


def _build(store: DocumentStore) -> CorpusTables:
    built = build_tables(store.iter_documents(with_paragraphs=lambda doc: doc.kind in MEETING_KINDS))
    log.info("corpus tables: %d decisions, %d links", len(built.decisions), len(built.links.links))
    return built
