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
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TopCollector, WrappingCollector

from indexer import facets
from indexer.errors import QueryError
from indexer.postcache import term_docnums
from indexer.querylang import (OR_CLAUSE_BONUS, Compiled, Coordinated, DocSet, compile_query, parse,
                               prune_covers, resolve_department, resolve_doc_level, resolve_kind, resolve_topic,
                               split_filters)
from indexer.snippets import make_snippet

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000  # page * per_page: deep paging costs a full sort for nothing useful
SCOPE_SET_MAX = 50_000  # a filter conjunct with more paragraphs stays a matcher instead of a scope set
DATE_SORT_MAX = 20_000  # results up to this size are sorted by date; bigger ones read the date order
TIME_LIMIT = 3.0  # seconds of matching per search before the ranking is cut short (totals stay exact)
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
        shown = params.sort[:40] + ("…" if len(params.sort) > 40 else "")  # echoed once, bounded
        raise QueryError(f"排序方式无效：{shown}（可选 relevance / newest / oldest）")
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


def _scope(store: Any, searcher: Any, params: SearchParams) -> AbstractSet[int] | None:
    """Paragraph docnums inside the year range (``None``, all paragraphs, without one).

    Years are document-level values: the range is matched on the document records once and
    the paragraph set cached (``IndexStore.doc_paragraphs``), instead of a ``NumericRange``
    walk over every paragraph on each filtered search.
    """
    if params.year_from is None and params.year_to is None:
        return None
    low = params.year_from if params.year_from is not None else 0
    high = params.year_to if params.year_to is not None else 9999
    return store.doc_paragraph_set(searcher, wq.NumericRange("year", low, high))


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


class _MatchCollector(WrappingCollector):
    """One pass over the query's matches: records every match inside ``scope`` (for the total
    and the facet counts) and scores only those in ``allow`` (the facet selections applied);
    ``None`` for either means every paragraph.

    Walking the matcher once replaces a ``docs_for_query`` pass plus a ranking pass, which
    halves the cost of the queries that dominate the tail (common words, phrase checks of
    compound covers). Block-quality skipping and matcher replacement are not used, since both
    skip matches the total must count. The deadline is checked against the clock per document,
    like ``TimeLimitCollector(use_alarm=False)`` but without a timer thread (SIGALRM would only
    work in the main thread; the web server searches from worker threads).
    """

    def __init__(self, child: Any, scope: AbstractSet[int] | None, allow: AbstractSet[int] | None,
                 deadline: float):
        super().__init__(child)
        self.scope = scope
        self.allow = allow
        self.deadline = deadline
        self.matched: set[int] = set()

    def collect_matches(self) -> None:
        child, matcher, offset = self.child, self.child.matcher, self.offset
        scope, allow, matched, deadline = self.scope, self.allow, self.matched, self.deadline
        clock = time.monotonic
        while matcher.is_active():
            sub_docnum = matcher.id()
            docnum = offset + sub_docnum
            if scope is None or docnum in scope:
                matched.add(docnum)
                if allow is None or docnum in allow:
                    child.collect(sub_docnum)
            matcher.next()
            if clock() >= deadline:
                raise TimeLimit


def _match(searcher: Any, query: wq.Query | None, scope: AbstractSet[int] | None,
           selections: dict[str, frozenset[int]], limit: int, deadline: float, scored: bool,
           notices: list[str]) -> tuple[AbstractSet[int] | None, list[tuple[int, float]]]:
    """``(base, ranked)``: docnums of ``scope`` matching ``query`` (before facet selections) and,
    when ``scored``, the top ``limit`` (docnum, BM25F score) among those the selections allow.
    ``None`` for ``scope`` or ``base`` is every paragraph (no query, no year range).

    After the deadline the ranking is partial (with a notice) but the match set is completed
    without scoring, so totals and facet counts stay exact. Unscored (date-sorted) searches take
    Whoosh's ``all_ids`` fast path instead of stepping the matcher.
    """
    if query is None:
        return scope, []
    if isinstance(query, Coordinated):
        return _match_coordinated(searcher, query, scope, selections, limit, deadline, scored, notices)
    if not scored:
        return _within(scope, set(searcher.docs_for_query(query))), []
    collector = _MatchCollector(TopCollector(limit=limit, usequality=False, replace=0), scope,
                                facets.apply_selections(scope, selections), deadline)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        notices.append(NOTICE_TIMEOUT)
        log.warning("search timed out after %.1f s: %.200r", TIME_LIMIT, query)  # the tree can be huge
        return _within(scope, set(searcher.docs_for_query(query))), _top(collector)
    return collector.matched, _top(collector)


def _match_coordinated(searcher: Any, query: Coordinated, scope: AbstractSet[int] | None,
                       selections: dict[str, frozenset[int]],
                       limit: int, deadline: float, scored: bool,
                       notices: list[str]) -> tuple[set[int], list[tuple[int, float]]]:
    """``_match`` for a top-level ``Coordinated`` OR (the fallback): coverage first, then BM25F.

    The match set is a union of docnum sets (``_docset``), and each paragraph's coverage (how
    many clauses it matches) is counted from them. Only the paragraphs of the highest coverage
    levels that fill the requested page window are scored: their score is the sum, over the
    clauses they match, of the clause's BM25F score plus ``OR_CLAUSE_BONUS``. Scoring every
    match of a common word (实施 in 41,823 paragraphs) through nested union matchers took
    0.9 s for a ranking that coverage already decides.
    """
    allow = facets.apply_selections(scope, selections)
    memo: dict[int, set[int]] = {}
    clause_sets = [_within(scope, _docset(searcher, clause, memo)) for clause in query.clauses]
    matched: set[int] = set().union(*clause_sets)
    if not scored:
        return matched, []
    coverage = Counter(n for docs in clause_sets for n in _within(allow, docs))
    by_level: dict[int, list[int]] = {}
    for docnum, level in coverage.items():
        by_level.setdefault(level, []).append(docnum)
    candidates: list[int] = []
    for level in sorted(by_level, reverse=True):
        candidates += by_level[level]
        if len(candidates) >= limit:
            break
    candidates.sort()
    scores = dict.fromkeys(candidates, 0.0)
    try:
        _add_scores(searcher, query, candidates, scores, memo, deadline)
    except TimeLimit:
        notices.append(NOTICE_TIMEOUT)
        log.warning("search timed out after %.1f s: %.200r", TIME_LIMIT, query)
    return matched, _best(scores, limit)


def _add_scores(searcher: Any, query: wq.Query, docnums: list[int], scores: dict[int, float],
                memo: dict[int, set[int]], deadline: float) -> None:
    """Add ``query``'s score for each of the sorted ``docnums`` (all of which it matches) to
    ``scores``. A ``Coordinated`` query scores as the sum over its clauses of clause score plus
    ``OR_CLAUSE_BONUS``, as its Whoosh form would; anything else through its Whoosh matcher,
    skipping straight to the wanted documents."""
    if isinstance(query, Coordinated):
        for clause in query.clauses:
            docs = _docset(searcher, clause, memo)
            wanted = [n for n in docnums if n in docs]
            for n in wanted:
                scores[n] += OR_CLAUSE_BONUS
            _add_scores(searcher, clause, wanted, scores, memo, deadline)
        return
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.reader().doc_count_all()
        local = [n - offset for n in docnums if offset <= n < end]
        if not local:
            continue
        matcher = query.matcher(sub, context)
        for i, n in enumerate(local):
            if not matcher.is_active():
                break
            matcher.skip_to(n)
            if matcher.is_active() and matcher.id() == n:
                scores[offset + n] += matcher.score()
            if not i % 256 and time.monotonic() >= deadline:
                raise TimeLimit


def _none_in(docs: AbstractSet[int] | None) -> bool:
    """No paragraph in ``docs`` (``None`` is every paragraph)."""
    return docs is not None and not docs


def _within(scope: AbstractSet[int] | None, docs: set[int]) -> set[int]:
    """``docs`` inside ``scope`` (``None``: no restriction)."""
    return docs if scope is None else docs & scope


def _docset(searcher: Any, query: wq.Query, memo: dict[int, set[int]]) -> set[int]:
    """Docnums matching ``query``, by set algebra over the leaves: a word's docnums come from the
    cache of frequent words or are read a block at a time (``postcache.term_docnums``), unions and intersections are C set operations
    (Whoosh's union matchers step one docnum at a time in Python). ``memo`` is per search."""
    found = memo.get(id(query))
    if found is not None:
        return found
    if isinstance(query, wq.Term) and query.fieldname in searcher.schema:
        try:
            btext = searcher.schema[query.fieldname].to_bytes(query.text)
        except ValueError:
            btext = None
        found = set(term_docnums(searcher, query.fieldname, btext)) if btext is not None else set()
    elif isinstance(query, DocSet):
        found = set(query.docnums)
    elif isinstance(query, wq.Or):
        found = set().union(*(_docset(searcher, q, memo) for q in query.subqueries))
    elif isinstance(query, wq.And):
        sets = sorted((_docset(searcher, q, memo) for q in query.subqueries), key=len)
        found = sets[0].intersection(*sets[1:]) if sets else set()
    elif isinstance(query, wq.AndMaybe):
        found = _docset(searcher, query.a, memo)
    elif isinstance(query, wq.ConstantScoreQuery):
        found = _docset(searcher, query.child, memo)
    else:
        found = set(searcher.docs_for_query(query))
    memo[id(query)] = found
    return found


def _best(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """Top ``limit`` (docnum, score), ties in index order like Whoosh's collector."""
    return heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], -item[0]))


def _top(collector: _MatchCollector) -> list[tuple[int, float]]:
    results = collector.results()
    return [(results.docnum(i), results.score(i)) for i in range(len(results.top_n))]


def _by_date(store: Any, searcher: Any, docs: AbstractSet[int] | None, limit: int, newest: bool) -> list[int]:
    """First ``limit`` docnums by date; same-date paragraphs in reading order, undated last.

    A big result set (browsing every paragraph by date) is read off the generation's
    date order instead of sorting hundreds of thousands of docnums per request."""
    if docs is not None and len(docs) <= DATE_SORT_MAX:
        days = store.date_keys(searcher)
        sign = -1 if newest else 1
        return heapq.nsmallest(limit, docs, key=lambda n: (days[n] == 0, sign * days[n], n))
    order = store.date_order(searcher, newest)
    if docs is None:
        return order[:limit]
    return list(islice((n for n in order if n in docs), limit))


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
    index = store.facet_index(searcher)
    paragraphs = index.paragraphs

    def resolved(c: Compiled) -> Compiled:
        c.query = resolve_doc_level(c.query, lambda q: store.doc_paragraphs(searcher, q), len(paragraphs))
        c.query = prune_covers(c.query, lambda word: searcher.doc_frequency("text", word))
        return c

    compiled = resolved(compiled)
    selected = _selected(params)
    selections = facets.selection_sets(index, selected)

    fallback = None
    notices: list[str] = []
    sort = params.sort
    if sort == "relevance" and compiled.positive_terms == 0:
        sort = "newest"  # browsing by filters only: every hit scores the same
    in_years = _scope(store, searcher, params)
    query, filters = split_filters(compiled.query)
    scope = in_years
    for docset in filters:
        if query is not None and len(docset.docnums) > SCOPE_SET_MAX:
            query = wq.And([query, docset])  # kind:other: skipping a sorted list beats a 300k set
            continue
        members = store.doc_paragraph_set(searcher, docset.inner)
        scope = members if scope is None else scope & members
    limit = params.page * params.per_page
    deadline = time.monotonic() + TIME_LIMIT
    base, ranked = _match(searcher, query, scope, selections, limit, deadline, sort == "relevance", notices)
    if _none_in(facets.apply_selections(base, selections)) and compiled.positive_terms > 1:
        or_compiled = resolved(compile_query(tree, mode="or"))
        or_notices: list[str] = []
        or_base, or_ranked = _match(searcher, or_compiled.query, in_years, selections, limit, deadline,
                                    sort == "relevance", or_notices)
        if not _none_in(facets.apply_selections(or_base, selections)):
            compiled, base, ranked, fallback = or_compiled, or_base, or_ranked, "or"
            notices = [NOTICE_FALLBACK, *or_notices]
    matched = facets.apply_selections(base, selections)  # None: every paragraph

    start = (params.page - 1) * params.per_page
    if sort != "relevance":
        ranked = [(n, None) for n in _by_date(store, searcher, matched, limit, newest=sort == "newest")]
    hits = [_hit(store.hit_fields(searcher, n), score, compiled) for n, score in ranked[start:]]
    return {
        "query": params.q,
        "total": len(paragraphs if matched is None else matched),
        "page": params.page,
        "per_page": params.per_page,
        "fallback": fallback,
        "hits": hits,
        "facets": facets.count(index, base, selections, selected),
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "notice": " ".join(notices) or None,
    }


def year_histogram(result: dict[str, Any]) -> list[tuple[int, int]]:
    """Hits per year for the current query, oldest first.

    The ``year`` facet already holds exact per-year counts over the whole result set (with the
    other facets applied), so a chart needs no second search.
    """
    return sorted((row["value"], row["count"]) for row in result["facets"]["year"])
