"""Exact multi-select facet counts over the whole result set.

Whoosh's ``groupedby`` counts only within one query and cannot exclude a facet's own selection,
so counting is done here. Per index generation, ``FacetIndex`` holds each paragraph's value of
every facet in a list indexed by docnum (a document-level value, or a tuple of keyword values
shared by all paragraphs that have the same ones); a search counts the values of the paragraphs
it matched. That is a C-level ``Counter`` pass over the match set, and it costs 8 bytes per
paragraph and facet: a set of docnums per value held ~40 bytes per paragraph and facet (180 MB
for the whole shared corpus, more than the rest of the server).

Multi-select semantics (as in openparliament/Solr tag-exclude): several values of one facet are
ORed, different facets are ANDed, and a facet's counts apply every *other* facet's selection
but not its own, so the user sees what ticking another value would add.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import chain
from types import MappingProxyType
from typing import Any, NamedTuple

BY_COUNT = "count"  # most frequent first, then by value
BY_VALUE_DESC = "value_desc"  # newest year first, whatever the counts

KIND_LABELS = {"minutes": "会议纪要", "report": "会议报道", "policy": "政策文件", "other": "法律法规"}


class FacetSpec(NamedTuple):
    """One facet, declared once and read by every surface (engine counts, search sidebar, filter
    chips, URL parameters, API, decisions table): adding a facet is one entry here plus its data.
    """

    name: str  # in results: ``facets[name]``
    label: str  # heading shown to the reader
    field: str  # index field (search) or row attribute (decisions)
    url_key: str  # URL parameter
    multi: bool = False  # a paragraph can have several values
    order: str = BY_COUNT
    param: str = ""  # ``SearchParams`` attribute holding the selection (search facets)
    value_labels: Mapping[str, str] = MappingProxyType({})  # display label of a stored value

    def sort(self, counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
        """(value, count) pairs in this facet's display order."""
        if self.order == BY_VALUE_DESC:
            return sorted(counts, key=lambda vn: vn[0], reverse=True)
        return sorted(counts, key=lambda vn: (-vn[1], str(vn[0])))

    def value_label(self, value: Any) -> str:
        return self.value_labels.get(str(value), str(value))


# the search page's facets, in sidebar order
SEARCH_FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("kind", "类型", "kind", "kind", param="kinds", value_labels=MappingProxyType(KIND_LABELS)),
    # 涉及部门: the departments a paragraph names, leads or issued (``enrich.tag_departments``)
    FacetSpec("department", "涉及部门", "departments", "dept", multi=True, param="departments"),
    FacetSpec("lead", "牵头部门", "leads", "lead", multi=True, param="leads"),
    FacetSpec("issuer", "发文机关", "issuers", "issuer", multi=True, param="issuers"),  # of the document
    FacetSpec("year", "年份", "year", "year", order=BY_VALUE_DESC, param="years"),
    FacetSpec("topic", "主题", "topics", "topic", multi=True, param="topics"),
    FacetSpec("meeting", "会议", "meeting", "meeting", param="meetings"),
    # the body's place as a path (山西省 / 山西省 › 吕梁市 / 山西省 › 吕梁市 › 兴县): ticking a
    # province selects everything held or issued within it
    FacetSpec("jurisdiction", "行政区划", "jurisdiction", "region", multi=True, param="jurisdictions"),
    FacetSpec("dept_type", "部门类型", "dept_types", "dtype", multi=True, param="dept_types"),
    FacetSpec("legal_level", "效力级别", "legal_level", "level", param="legal_levels"),
)
# the decisions table's facets (fields are ``DecisionRow`` attributes), in sidebar order
# (``param``: the ``decisions.DecisionQuery`` attribute holding the selection)
DECISION_FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("action", "决定类型", "action", "action", param="actions"),
    FacetSpec("nature", "决定或表述", "nature", "nature", param="natures"),
    FacetSpec("department", "牵头部门", "lead_department", "dept", param="departments"),
    FacetSpec("meeting", "会议", "meeting", "meeting", param="meetings"),
    FacetSpec("year", "年份", "year", "year", order=BY_VALUE_DESC, param="years"),
    FacetSpec("region", "行政区划", "places", "region", multi=True, param="places"),
)
SEARCH_FACET = {spec.name: spec for spec in SEARCH_FACETS}

# facet name -> (index field, multi-valued): the engine's view of the declaration
FACETS: dict[str, tuple[str, bool]] = {spec.name: (spec.field, spec.multi) for spec in SEARCH_FACETS}
FACET_LIMIT = 100  # values returned per facet (selected values are always included)
SELECTION_CACHE = 32  # docnum sets of selected values kept per generation


class FacetIndex:
    """Facet values by paragraph docnum, for counting and for selections.

    ``values[facet][docnum]`` is the paragraph's value (``None`` for none, and for the
    document records), or for a multi-valued facet a tuple of values (``()`` for none).
    ``where[facet][value]`` lists the docnums with that value as a few sequences (a range per
    document, an array per keyword). ``paragraphs`` is the sorted docnums of every paragraph.
    """

    def __init__(self, values: dict[str, list[Any]], where: dict[str, dict[Any, list[Sequence[int]]]],
                 paragraphs: Iterable[int], owner: Sequence[Any] | None = None,
                 by_document: Mapping[str, Mapping[Any, Any]] | None = None):
        self.values = values
        self.where = where
        self.paragraphs = list(paragraphs)
        # Facets whose value is the document's (year, kind, issuer …): ``by_document[facet]``
        # maps ``owner[docnum]`` (the paragraph's document) to it.
        self.owner = owner
        self.by_document = dict(by_document or {}) if owner is not None else {}
        self._selections: dict[tuple[str, tuple[Any, ...]], frozenset[int]] = {}
        self._totals: dict[str, Counter[Any]] = {}
        self._lock = threading.Lock()

    def count(self, facet: str, docs: Iterable[int] | None, per_document: Counter[Any] | None = None) -> Counter[Any]:
        """Paragraphs per value among ``docs`` (``None``: all paragraphs, cached).

        A document-level facet counts from ``per_document`` (``documents(docs)``, which the
        caller may share between facets): one pass over a big match set serves them all,
        instead of a pass per facet."""
        if docs is None:
            found = self._totals.get(facet)
            if found is None:
                found = self._totals[facet] = self.count(facet, self.paragraphs)
            return found
        values = self.by_document.get(facet)
        if values is not None:
            counts: Counter[Any] = Counter()
            multi = FACETS[facet][1]
            for doc, n in (per_document if per_document is not None else self.documents(docs)).items():
                value = values.get(doc)
                if multi:
                    for v in value or ():
                        counts[v] += n
                elif value is not None:
                    counts[value] += n
            return counts
        lookup = self.values[facet].__getitem__
        if FACETS[facet][1]:
            return Counter(chain.from_iterable(map(lookup, docs)))
        counts = Counter(map(lookup, docs))
        counts.pop(None, None)
        return counts

    def documents(self, docs: Iterable[int]) -> Counter[Any]:
        """Paragraphs of ``docs`` per document (the ``owner`` of each)."""
        assert self.owner is not None
        counts = Counter(map(self.owner.__getitem__, docs))
        counts.pop(None, None)
        return counts

    def distinct(self, facet: str) -> list[Any]:
        """Every value of ``facet`` in the index, most frequent first."""
        return [value for value, _ in self.count(facet, None).most_common()]

    def selection(self, facet: str, chosen: Iterable[Any]) -> frozenset[int]:
        """Docnums of the paragraphs whose value is one of ``chosen`` (cached: a selection stays
        on while the user pages and refines)."""
        key = (facet, tuple(chosen))
        found = self._selections.get(key)
        if found is None:
            where = self.where[facet]
            found = frozenset(chain.from_iterable(chain.from_iterable(where.get(v, ()) for v in key[1])))
            with self._lock:
                if len(self._selections) >= SELECTION_CACHE:
                    self._selections.clear()
                self._selections[key] = found
        return found


def selection_sets(index: FacetIndex, selected: Mapping[str, list[Any]]) -> dict[str, frozenset[int]]:
    """For each facet with a selection, the docnums matching any of its selected values."""
    return {facet: index.selection(facet, values) for facet, values in selected.items() if values}


def apply_selections(base: AbstractSet[int] | None, selections: Mapping[str, AbstractSet[int]],
                     skip: str | None = None) -> AbstractSet[int] | None:
    """``base`` narrowed by every selection but ``skip``'s; ``None`` (all paragraphs) stays
    ``None`` when nothing narrows it."""
    docs = base
    for facet, sel in selections.items():
        if facet != skip:
            docs = sel if docs is None else docs & sel
    return docs


def count(index: FacetIndex, base: AbstractSet[int] | None, selections: Mapping[str, AbstractSet[int]],
          selected: Mapping[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """``{facet: [{value, count}, …]}`` in each facet's declared order (the values with the most
    paragraphs kept), selected values kept.

    ``base`` is the match set before selections (``None``: every paragraph)."""
    result: dict[str, list[dict[str, Any]]] = {}
    shared: tuple[AbstractSet[int] | None, Counter[Any] | None] = (None, None)  # (docs, their documents)
    for facet in FACETS:
        docs = apply_selections(base, selections, skip=facet)
        per_document = None
        if docs is not None and facet in index.by_document:
            if shared[0] is not docs:
                shared = (docs, index.documents(docs))
            per_document = shared[1]
        counts = index.count(facet, docs, per_document)
        rows = sorted(((v, n) for v, n in counts.items() if n), key=lambda vn: (-vn[1], str(vn[0])))
        rows = rows[:FACET_LIMIT]
        shown = {v for v, _ in rows}
        # selected values stay listed, in the facet's own order (a selected year among the years)
        rows = SEARCH_FACET[facet].sort(rows + [(v, counts.get(v, 0)) for v in selected.get(facet, []) if v not in shown])
        result[facet] = [{"value": v, "count": n} for v, n in rows]
    return result
