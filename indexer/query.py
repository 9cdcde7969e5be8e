"""Search: parse the query language, filter by facets, rank, count facets, build snippets.

Public API (shared with the web UI and the CLI):
    SearchParams(q="", departments=[], years=[], year_from=None, year_to=None, topics=[],
                 kinds=[], meetings=[], sort="relevance", page=1, per_page=10)
    search(store, params) -> dict   (result shape in docs/INTERFACES.md)
    year_histogram(result) -> [(year, count)]  (hits per year, oldest first, for a chart)
Raises ``QueryError`` (Chinese + English message) for input we cannot run.

The query language is parsed here (not by Whoosh's QueryParser, whose wildcard, range, fuzzy and
"every" plugins are DoS vectors): see ``indexer.querylang`` for the grammar.
"""
from __future__ import annotations

import heapq
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector

from indexer import facets
from indexer.errors import QueryError
from indexer.querylang import Compiled, compile_query, parse, resolve_department, resolve_kind, resolve_topic
from indexer.snippets import make_snippet

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000  # page * per_page: deep paging costs a full sort for nothing useful
TIME_LIMIT = 3.0  # seconds of ranking per search before partial results are returned
NOTICE_FALLBACK = "没有同时包含全部检索词的段落，以下为包含任一检索词的结果。(No paragraph contains all the words; showing paragraphs with any of them.)"
NOTICE_TIMEOUT = "检索超时，结果可能不完整。(The search timed out; results may be incomplete.)"


@dataclass
class SearchParams:
    q: str = ""
    departments: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    topics: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


def validate(params: SearchParams) -> None:
    """Refuse parameters that cannot be honoured, with a message the web can show as is."""
    if params.sort not in SORTS:
        raise QueryError(f"排序方式无效：{params.sort}（可选 relevance / newest / oldest）(unknown sort {params.sort!r})")
    for name in ("page", "per_page"):
        value = getattr(params, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise QueryError(f"{name} 必须是整数 ({name} must be an integer, got {value!r})")
    if params.page < 1:
        raise QueryError(f"页码必须从 1 开始 (page must be >= 1, got {params.page})")
    if not 1 <= params.per_page <= MAX_PER_PAGE:
        raise QueryError(f"每页条数必须在 1 到 {MAX_PER_PAGE} 之间 (per_page must be 1..{MAX_PER_PAGE}, got {params.per_page})")
    if params.page * params.per_page > MAX_WINDOW:
        raise QueryError(f"最多只能翻到第 {MAX_WINDOW} 条结果 (only the first {MAX_WINDOW} results can be paged through)")
    for name in ("year_from", "year_to"):
        value = getattr(params, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise QueryError(f"{name} 必须是年份 ({name} must be a year, got {value!r})")
    if any(isinstance(y, bool) or not isinstance(y, int) for y in params.years):
        raise QueryError(f"年份必须是整数 (years must be integers, got {params.years!r})")


def _selected(params: SearchParams) -> dict[str, list[Any]]:
    """Facet selections in index values (abbreviations -> canonical department names, …)."""
    return {
        "department": list(dict.fromkeys(resolve_department(d) for d in params.departments if d)),
        "year": list(dict.fromkeys(params.years)),
        "topic": list(dict.fromkeys(resolve_topic(t) for t in params.topics if t)),
        "kind": list(dict.fromkeys(resolve_kind(k) for k in params.kinds if k)),
        "meeting": list(dict.fromkeys(m for m in params.meetings if m)),
    }


def _base_docs(searcher: Any, paragraphs: set[int], compiled: Compiled, params: SearchParams) -> set[int]:
    """Paragraph docnums matching the query and the year range (before facet selections).

    Intersecting with the cached paragraph set is much cheaper than adding ``rtype:p`` to the
    query: Whoosh would walk that term's whole posting list for every search.
    """
    docs = paragraphs
    if compiled.query is not None:
        docs = docs & set(searcher.docs_for_query(compiled.query))
    if params.year_from is not None or params.year_to is not None:
        docs = docs & set(searcher.docs_for_query(wq.NumericRange("year", params.year_from, params.year_to)))
    return docs


def _hit(fields: dict[str, Any], score: float | None, compiled: Compiled) -> dict[str, Any]:
    text = fields.get("text", "")
    return {
        "doc_id": fields["doc_id"],
        "para_id": fields["para_id"],
        "title": fields.get("title", ""),
        "kind": fields.get("kind"),
        "date": fields.get("date") or None,  # "" is the sortable column's default
        "meeting": fields.get("meeting") or None,
        "item": fields.get("item"),
        "label": fields.get("label"),
        "departments": _split(fields.get("departments")),
        "topics": _split(fields.get("topics")),
        "doc_number": fields.get("doc_number"),
        "page": fields.get("page"),
        "text": text,
        "snippet": make_snippet(text, compiled.terms, compiled.departments, compiled.doc_numbers),
        "url": f"/doc/{fields['doc_id']}#{fields['para_id']}",
        "citation": fields.get("citation", ""),
        "score": round(score, 4) if score is not None else None,
    }


class _TimedFilterCollector(WrappingCollector):
    """Docnum filter *and* time limit in one loop, partial results after the deadline.

    Whoosh's ``FilterCollector`` and ``TimeLimitCollector`` each bypass the other's
    ``collect_matches`` when nested, so one guarantee is silently lost. The deadline is checked
    against the clock per document, like ``TimeLimitCollector(use_alarm=False)`` but without a
    timer thread per search (SIGALRM would only work in the main thread; the web server
    searches from worker threads).
    """

    def __init__(self, child: Any, allow: set[int], timelimit: float):
        super().__init__(child)
        self.allow = allow
        self.timelimit = timelimit
        self.deadline = 0.0

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self) -> None:
        child, allow, deadline = self.child, self.allow, self.deadline
        for sub_docnum in child.matches():
            if self.offset + sub_docnum in allow:
                child.collect(sub_docnum)
            if time.monotonic() >= deadline:
                raise TimeLimit


def _rank(searcher: Any, query: wq.Query, matched: set[int], limit: int,
          notices: list[str]) -> list[tuple[int, float]]:
    """Top ``limit`` (docnum, BM25F score) among ``matched``; partial after ``TIME_LIMIT``."""
    if not matched:  # an empty filter set would mean "no filter" to Whoosh
        return []
    timed = _TimedFilterCollector(searcher.collector(limit=limit), matched, TIME_LIMIT)
    try:
        searcher.search_with_collector(query, timed)
    except TimeLimit:
        notices.append(NOTICE_TIMEOUT)
        log.warning("search timed out after %.1f s: %r", TIME_LIMIT, query)
    results = timed.results()
    return [(results.docnum(i), results.score(i)) for i in range(len(results.top_n))]


def _by_date(days: list[int], docs: set[int], limit: int, newest: bool) -> list[int]:
    """First ``limit`` docnums by date; same-date paragraphs in reading order, undated last."""
    sign = -1 if newest else 1
    return heapq.nsmallest(limit, docs, key=lambda n: (days[n] == 0, sign * days[n], n))


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def search(store: Any, params: SearchParams) -> dict[str, Any]:
    """Run one search; see the module docstring for the result shape."""
    t0 = time.perf_counter()
    validate(params)
    tree = parse(params.q)
    compiled = compile_query(tree, mode="and")
    if compiled.query is None and params.q.strip():
        raise QueryError(f"检索式中没有可检索的文字：{params.q} (the query has no searchable words)")
    searcher = store.searcher()
    tables = store.facet_tables(searcher)
    paragraphs = store.paragraph_docnums(searcher)
    selected = _selected(params)
    selections = facets.selection_sets(tables, selected)

    fallback = None
    notices: list[str] = []
    base = _base_docs(searcher, paragraphs, compiled, params)
    if not facets.apply_selections(base, selections) and compiled.positive_terms > 1:
        or_compiled = compile_query(tree, mode="or")
        or_base = _base_docs(searcher, paragraphs, or_compiled, params)
        if facets.apply_selections(or_base, selections):
            compiled, base, fallback = or_compiled, or_base, "or"
            notices.append(NOTICE_FALLBACK)
    matched = facets.apply_selections(base, selections)

    sort = params.sort
    if sort == "relevance" and compiled.positive_terms == 0:
        sort = "newest"  # browsing by filters only: every hit scores the same
    start = (params.page - 1) * params.per_page
    if sort == "relevance":
        ranked = _rank(searcher, compiled.query, matched, params.page * params.per_page, notices)
    else:
        ranked = [(n, None) for n in _by_date(store.date_keys(searcher), matched, params.page * params.per_page,
                                               newest=sort == "newest")]
    hits = [_hit(searcher.stored_fields(n), score, compiled) for n, score in ranked[start:]]
    return {
        "query": params.q,
        "total": len(matched),
        "page": params.page,
        "per_page": params.per_page,
        "fallback": fallback,
        "hits": hits,
        "facets": facets.count(tables, base, selections, selected),
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "notice": " ".join(notices) or None,
    }


def year_histogram(result: dict[str, Any]) -> list[tuple[int, int]]:
    """Hits per year for the current query, oldest first.

    The ``year`` facet already holds exact per-year counts over the whole result set (with the
    other facets applied), so a chart needs no second search.
    """
    return sorted((row["value"], row["count"]) for row in result["facets"]["year"])
