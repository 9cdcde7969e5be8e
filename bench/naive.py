"""The naive build the issue compares against: jieba's bundled ``ChineseAnalyzer``, Whoosh's
default writer, one Whoosh document per text line, facets by ``groupedby`` on sortable columns,
highlights by ``hit.highlights("body")`` — the schema of perf-anchors.md."""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba
from whoosh import index, query, sorting
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser

from bench.corpus import read_docs
from bench.machine import dir_size
from bench.queries import extra_filter, parse


@dataclass(frozen=True)
class NaiveBuild:
    documents: int
    paragraphs: int
    read_seconds: float  # reading the files and splitting lines: its whole "extract" stage
    add_seconds: float  # add_document calls: jieba analysis + in-memory postings
    commit_seconds: float
    size_bytes: int

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.add_seconds + self.commit_seconds


def naive_schema() -> Schema:
    # Imported here: jieba.analyse loads its IDF table (~0.5 s, ~100 MB) on import.
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        dept=KEYWORD(stored=True, sortable=True),
        year=NUMERIC(stored=True, sortable=True),
        meeting=ID(stored=True),
    )


def build_naive(files: Sequence[Path], index_dir: Path) -> NaiveBuild:
    """Index every non-empty line of ``files`` as its own Whoosh document, the way a first
    attempt would."""
    jieba.setLogLevel(logging.WARNING)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    begin = time.perf_counter()
    docs = [doc for path in files for doc in read_docs(path)]
    start = time.perf_counter()
    paragraphs = 0
    for doc in docs:
        extra = {"dept": doc.issuer} if doc.issuer else {}
        if doc.year is not None:
            extra["year"] = doc.year
        for n, line in enumerate(doc.lines, 1):
            writer.add_document(id=f"{doc.doc_id}#{n}", title=doc.title, body=line, meeting=doc.doc_id, **extra)
            paragraphs += 1
    added = time.perf_counter()
    writer.commit()
    committed = time.perf_counter()
    ix.close()
    return NaiveBuild(
        documents=len(docs),
        paragraphs=paragraphs,
        read_seconds=start - begin,
        add_seconds=added - start,
        commit_seconds=committed - added,
        size_bytes=dir_size(index_dir),
    )


class NaiveSearch:
    """The naive build's answer to a benchmark query in each mode (one searcher, kept open)."""

    def __init__(self, index_dir: Path):
        self._ix = index.open_dir(str(index_dir))
        self._searcher = self._ix.searcher()
        self._parser = QueryParser("body", self._ix.schema)
        self._facets = {"dept": sorting.FieldFacet("dept"), "year": sorting.FieldFacet("year")}

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def _translate(self, typed: str, index: int, mode: str) -> tuple[query.Query, query.Query | None]:
        """Our syntax in naive terms: words through its QueryParser, department and year filters as
        filter queries. It has no kind/topic field and no department aliases, so those filters
        are dropped or matched literally — that is what the naive build can do."""
        parsed = parse(typed)
        q = self._parser.parse(parsed.words) if parsed.words else query.Every()
        filters: list[query.Query] = [query.Term("dept", d) for d in parsed.departments]
        if parsed.year_from is not None:
            filters.append(query.NumericRange("year", parsed.year_from, parsed.year_to))
        if mode == "filters":
            extra = extra_filter(index)
            filters.append(query.NumericRange("year", extra.year_from, extra.year_to))
        return q, (query.And(filters) if filters else None)

    def run(self, index: int, typed: str, mode: str) -> int:
        """Top 10 with title and body highlights; facet counts on dept and year except in the
        plain "snippets" mode."""
        q, filt = self._translate(typed, index, mode)
        grouped = self._facets if mode != "snippets" else None
        results = self._searcher.search(q, limit=10, filter=filt, groupedby=grouped, maptype=sorting.Count)
        for hit in results:
            _ = (hit["title"], hit.highlights("body"))
        if grouped:
            results.groups("dept")
            results.groups("year")
        return len(results)
