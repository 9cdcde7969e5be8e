"""Exact multi-select facet counts over the whole result set.

Whoosh's ``groupedby`` counts only within one query and cannot exclude a facet's own selection,
so counting is done here with plain sets of document numbers: per index generation we build
``value -> {docnums}`` once for every facet (from document-level values for single-valued fields
and from postings for multi-valued keywords), then each search intersects them with its match set.

Multi-select semantics (as in openparliament/Solr tag-exclude): several values of one facet are
ORed, different facets are ANDed, and a facet's counts apply every *other* facet's selection
but not its own, so the user sees what ticking another value would add.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from whoosh.reading import IndexReader

# facet name -> (index field, multi-valued)
FACETS: dict[str, tuple[str, bool]] = {
    "department": ("departments", True),
    "year": ("year", False),
    "topic": ("topics", True),
    "kind": ("kind", False),
    "meeting": ("meeting", False),
}
FACET_LIMIT = 100  # values returned per facet (selected values are always included)

Tables = dict[str, dict[Any, set[int]]]


def build_tables(reader: IndexReader, paragraphs: set[int],
                 doc_values: Iterable[tuple[Mapping[str, Any], set[int]]]) -> Tables:
    """``{facet: {value: docnums}}`` restricted to paragraph records.

    Multi-valued facets come from the postings of their keyword field; single-valued ones are
    document-level values, so ``doc_values`` gives each document's ``{field: value}`` with the
    docnums of its paragraphs (one set union per document instead of a column read per record).
    """
    doc_values = list(doc_values)
    tables: Tables = {}
    for facet, (fieldname, multi) in FACETS.items():
        table: dict[Any, set[int]] = {}
        if multi:
            for term in reader.lexicon(fieldname):
                docs = set(reader.postings(fieldname, term).all_ids()) & paragraphs
                if docs:
                    table[term.decode("utf-8")] = docs
        else:
            for values, docs in doc_values:
                value = values.get(fieldname)
                if value not in (None, "", 0) and docs:
                    table.setdefault(value, set()).update(docs)
        tables[facet] = table
    return tables


def selection_sets(tables: Tables, selected: Mapping[str, list[Any]]) -> dict[str, set[int]]:
    """For each facet with a selection, the docnums matching any of its selected values."""
    out: dict[str, set[int]] = {}
    for facet, values in selected.items():
        if values:
            table = tables[facet]
            out[facet] = set().union(*(table.get(v, set()) for v in values))
    return out


def apply_selections(base: set[int], selections: Mapping[str, set[int]], skip: str | None = None) -> set[int]:
    docs = base
    for facet, sel in selections.items():
        if facet != skip:
            docs = docs & sel
    return docs


def count(tables: Tables, base: set[int], selections: Mapping[str, set[int]],
          selected: Mapping[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """``{facet: [{value, count}, …]}`` sorted by count desc then value, selected values kept."""
    result: dict[str, list[dict[str, Any]]] = {}
    for facet, table in tables.items():
        docs = apply_selections(base, selections, skip=facet)
        counts = {v: len(d & docs) for v, d in table.items()} if docs else {}
        rows = sorted(((v, n) for v, n in counts.items() if n), key=lambda vn: (-vn[1], str(vn[0])))
        rows = rows[:FACET_LIMIT]
        shown = {v for v, _ in rows}
        rows += [(v, counts.get(v, 0)) for v in selected.get(facet, []) if v not in shown]
        result[facet] = [{"value": v, "count": n} for v, n in rows]
    return result
