"""One index generation, as one request reads it: matching, date order, hit fields, facets.

A request takes a snapshot at its start and reads only through it, so its total, facet counts
and hits all come from the same commit even while other commits land.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import facets
from indexer import querytree as qt
from indexer.engine import matching
from indexer.engine.matching import Match, MatchRequest
from indexer.engine.records import PARA_STORED
from indexer.engine.tables import GenerationTables
from indexer.engine.translate import doc_set, document_condition, split_filters, translate
from indexer.models import Document

PARA_ID = PARA_STORED.index("para_id")
SCOPE_SET_MAX = 50_000  # a filter conjunct with more paragraphs stays a matcher instead of a scope set


class Snapshot:
    """A searcher pinned for one request plus its generation's tables."""

    def __init__(self, searcher: Searcher, tables: GenerationTables):
        self.searcher = searcher
        self.tables = tables
        # The doc_id a paragraph belongs to (``None`` for a document record): the owner list's
        # own lookup, so counting the documents of 50,000 matches is a C-level map.
        self.doc_of: Callable[[int], str | None] = tables.owner.__getitem__

    @property
    def generation(self) -> int:
        return self.tables.generation

    @property
    def facets(self) -> facets.FacetIndex:
        return self.tables.facets

    @property
    def paragraphs(self) -> list[int]:
        return self.tables.paragraphs

    @property
    def documents(self) -> int:
        """Documents that have paragraphs."""
        return len(self.tables.members)

    def paragraphs_of(self, doc_id: str) -> Sequence[int]:
        """Paragraph docnums of one document, in reading order."""
        return self.tables.members.get(doc_id, ())

    def info_document(self, doc_id: str) -> Document | None:
        """One document's ``DOC_INFO`` values (``info_documents``), by id."""
        return self.tables.docs.get(doc_id)

    def info_documents(self) -> Iterable[Document]:
        """Every document with its ``DOC_INFO`` values only (no paragraphs, no references):
        what corpus-wide lists (the department directory) need, already in memory."""
        return self.tables.docs.values()

    def word_frequency(self, word: str) -> int:
        """Paragraphs whose text holds ``word`` as a token."""
        return self.searcher.doc_frequency("text", word)

    def vocabulary(self) -> Iterator[tuple[str, int]]:
        """``(word, paragraphs)`` for every word of the paragraph text: one pass over the
        lexicon (spelling suggestions build their table from it once per generation).

        Read segment by segment and summed: the index-wide iteration looks every term up in
        every segment again, six times slower on a two-segment index.
        """
        counts: Counter[str] = Counter()
        for leaf, _ in self.searcher.reader().leaf_readers():
            for text, info in leaf.iter_field("text"):
                counts[text.decode("utf-8") if isinstance(text, bytes) else text] += info.doc_frequency()
        yield from counts.items()

    def year_scope(self, low: int | None, high: int | None) -> AbstractSet[int] | None:
        """Paragraphs of documents dated within the years (``None``: no range, all paragraphs).

        Years are document-level values: the range is matched on the document records once
        and the paragraph set cached, instead of a range walk over every paragraph."""
        if low is None and high is None:
            return None
        node = qt.Range("year", low if low is not None else 0, high if high is not None else 9999)
        return self.tables.doc_paragraph_set(node, self._records(node))

    def match(self, query: qt.Q | None, scope: AbstractSet[int] | None, selections: Mapping[str, frozenset[int]],
              limit: int, deadline: float, scored: bool, narrow: bool = True) -> Match:
        """Run ``query`` within ``scope`` (see ``matching.run``). With ``narrow``, document-level
        conjuncts at the top of the query (kind:, year:, meeting:) shrink the scope by set
        intersection instead of being matched."""
        found = self._translate(query)
        if narrow:
            found, filters = split_filters(found)
            for docset in filters:
                if found is not None and len(docset.docnums) > SCOPE_SET_MAX:
                    found = wq.And([found, docset])  # kind:other: skipping a sorted list beats a 300k set
                    continue
                members = self.tables.doc_paragraph_set(docset.key.inner, self._records(docset.key.inner))
                scope = members if scope is None else scope & members
        return matching.run(self.searcher, found, MatchRequest(scope, selections, limit, deadline, scored))

    def by_date(self, docs: AbstractSet[int] | None, limit: int, newest: bool, by: str = "date") -> list[int]:
        return matching.by_date(self.tables, docs, limit, newest, by)

    def hit_fields(self, docnum: int) -> dict[str, Any]:
        return self.tables.hit_fields(docnum, self.searcher.stored_fields(docnum)["para"])

    def para_id(self, docnum: int) -> str:
        """A paragraph's id alone (``hit_fields`` also builds its labels, topics and citation)."""
        return str(self.searcher.stored_fields(docnum)["para"][PARA_ID])

    def _translate(self, query: qt.Q | None) -> wq.Query | None:
        if query is None:
            return None
        return translate(query, self._resolve, self.word_frequency)

    def _resolve(self, node: qt.DocLevel) -> wq.Query:
        docnums = self.tables.doc_paragraphs(node.inner, self._records(node.inner))
        return doc_set(node, docnums, len(self.tables.paragraphs))

    def _records(self, condition: qt.Q) -> Any:
        return lambda: self.searcher.docs_for_query(document_condition(condition))
