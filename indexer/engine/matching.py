"""Running a translated query over one searcher: the match set, the ranking, the date order.

One pass computes what a search page needs: every match inside the scope (for the total and
the facet counts) and the scores of those the facet selections allow. The OR fallback ranks
by coverage from docnum sets instead of nested union matchers.
"""
from __future__ import annotations

import heapq
import logging
import math
import time
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TopCollector, WrappingCollector

from indexer import facets
from indexer.engine.postcache import term_docnums
from indexer.engine.tables import GenerationTables
from indexer.engine.translate import Coordinated, DocSet
from indexer.querytree import OR_CLAUSE_BONUS

log = logging.getLogger(__name__)

RARE_TIE = 2.0  # a clause at most this many times as frequent as a required one is required too
DATE_SORT_MAX = 20_000  # results up to this size are sorted by date; bigger ones read the date order


@dataclass(frozen=True)
class MatchRequest:
    scope: AbstractSet[int] | None  # paragraphs the query may match (None: all)
    selections: Mapping[str, frozenset[int]]  # facet selections, applied to the ranking only
    limit: int  # ranked results wanted
    deadline: float  # time.monotonic() after which the ranking is cut short
    scored: bool  # False: only the match set (date-sorted results)


@dataclass
class Match:
    base: AbstractSet[int] | None  # matches before facet selections (None: every paragraph)
    ranked: list[tuple[int, float]]  # (docnum, score), best first
    timed_out: bool = False
    dropped: tuple[int, ...] = ()  # fallback: the clauses the best result does not hold


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


def run(searcher: Any, query: wq.Query | None, req: MatchRequest) -> Match:
    """Docnums of ``req.scope`` matching ``query`` (before facet selections) and, when
    ``req.scored``, the top ``req.limit`` (docnum, BM25F score) among those the selections allow.
    ``None`` for a scope or a base is every paragraph (no query, no year range).

    After the deadline the ranking is partial (``timed_out``) but the match set is completed
    without scoring, so totals and facet counts stay exact. Unscored (date-sorted) searches take
    Whoosh's ``all_ids`` fast path instead of stepping the matcher.
    """
    scope = req.scope
    if query is None:
        return Match(scope, [])
    coordinated = _coordinated_part(query)
    if coordinated is not None:
        return _run_coordinated(searcher, coordinated, *_narrowed(searcher, query, req))
    if not req.scored:
        return Match(_within(scope, set(searcher.docs_for_query(query))), [])
    collector = _MatchCollector(TopCollector(limit=req.limit, usequality=False, replace=0), scope,
                                facets.apply_selections(scope, req.selections), req.deadline)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        log.warning("search timed out: %.200r", query)  # the tree can be huge
        return Match(_within(scope, set(searcher.docs_for_query(query))), _top(collector), timed_out=True)
    return Match(collector.matched, _top(collector))


def _coordinated_part(query: wq.Query) -> Coordinated | None:
    """The fallback's ``Coordinated`` OR when it is the query, or the only one among the
    conjuncts of a top-level AND (the others are filters and exclusions)."""
    if isinstance(query, Coordinated):
        return query
    if isinstance(query, wq.And):
        found = [q for q in query.subqueries if isinstance(q, Coordinated)]
        if len(found) == 1:
            return found[0]
    return None


def _narrowed(searcher: Any, query: wq.Query, req: MatchRequest) -> tuple[MatchRequest, set[int]]:
    """``req`` with the scope narrowed by the filters beside the ``Coordinated`` OR, and the
    paragraphs its exclusions rule out: every result must pass the filters and hold no excluded
    word (set algebra, no scoring: a filter scores every result alike)."""
    excluded: set[int] = set()
    if not isinstance(query, wq.And):
        return req, excluded
    scope = req.scope
    memo: dict[int, set[int]] = {}
    for sub in query.subqueries:
        if isinstance(sub, wq.Not):
            excluded |= _docset(searcher, sub.query, memo)
        elif not isinstance(sub, Coordinated):
            scope = _within(scope, _docset(searcher, sub, memo))
    return replace(req, scope=scope), excluded


def clause_weights(frequencies: list[int], paragraphs: int) -> list[float]:
    """Each clause's idf over paragraphs (``log(N / (df + 1)) + 1``, BM25's shape, ``df``
    counted inside the search's scope): a rare word counts for more than a common one. A clause
    found nowhere weighs 0 (it cannot be met)."""
    return [math.log(paragraphs / (df + 1)) + 1.0 if df else 0.0 for df in frequencies]


def rarest(weights: list[float]) -> set[int]:
    """The clauses a fallback result must hold at least one of: the rarest clauses that make up
    at least half of the total weight, and any clause at most ``RARE_TIE`` times as frequent as
    the least rare of them (near-ties are not cut arbitrarily). Clauses found nowhere never count.

    With 起征点 (found nowhere), 个人所得税 and 5000元 only the two found words count, and the
    rarer must be held; with 垃圾分类 两网融合 积分兑换 a paragraph holding only the common
    垃圾分类 is not a result when the rarer words carry half the weight."""
    order = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: (-weights[i], i))
    total = sum(weights[i] for i in order)
    chosen: list[int] = []
    acc = 0.0
    for i in order:
        if acc >= total / 2:
            break
        chosen.append(i)
        acc += weights[i]
    if not chosen:
        return set()
    floor = weights[chosen[-1]] - math.log(RARE_TIE)
    return {i for i in order if weights[i] >= floor}


def _run_coordinated(searcher: Any, query: Coordinated, req: MatchRequest, excluded: AbstractSet[int]) -> Match:
    """``run`` for the fallback's ``Coordinated`` OR: a minimum-should-match weighted by idf.

    The match set is the paragraphs holding at least one of the rarest clauses (``rarest``).
    Each paragraph's coverage is the summed idf of the clauses it holds (``clause_weights``),
    counted from docnum sets (``_docset``). Only the paragraphs of the highest coverage levels
    that fill the requested page window are scored: their score is the sum, over the clauses
    they match, of the clause's BM25F score plus ``OR_CLAUSE_BONUS``. They are ranked by
    coverage, then score, then index order: a total order in which the levels beyond the window
    cannot take part, so the ranking does not depend on the page size. Scoring every match of a
    common word (实施 in 41,823 paragraphs) through nested union matchers took 0.9 s for a
    ranking that coverage already decides.
    """
    scope, limit = req.scope, req.limit
    allow = facets.apply_selections(scope, req.selections)
    memo: dict[int, set[int]] = {}
    clause_sets = [_within(scope, _docset(searcher, clause, memo)) for clause in query.clauses]
    if excluded:
        clause_sets = [docs - excluded for docs in clause_sets]
    # Frequencies inside the scope: a word that no paragraph of the chosen years holds is
    # dropped there, not required.
    weights = clause_weights([len(docs) for docs in clause_sets], searcher.doc_count_all())
    must = rarest(weights)
    matched: set[int] = set().union(*(clause_sets[i] for i in must))
    if not req.scored:
        return Match(matched, [])
    coverage: dict[int, float] = dict.fromkeys(_within(allow, matched), 0.0)
    for docs, weight in zip(clause_sets, weights):  # clause order: equal sets sum to equal floats
        if len(docs) < len(coverage):
            for n in docs:
                if n in coverage:
                    coverage[n] += weight
        else:
            for n in coverage:
                if n in docs:
                    coverage[n] += weight
    by_level: dict[float, list[int]] = {}
    for docnum, level in coverage.items():
        by_level.setdefault(level, []).append(docnum)
    candidates: list[int] = []
    for level in sorted(by_level, reverse=True):
        candidates += by_level[level]
        if len(candidates) >= limit:
            break
    candidates.sort()
    scores = dict.fromkeys(candidates, 0.0)
    timed_out = False
    try:
        _add_scores(searcher, query, candidates, scores, memo, req.deadline)
    except TimeLimit:
        log.warning("search timed out: %.200r", query)
        timed_out = True
    best = heapq.nlargest(limit, scores.items(), key=lambda item: (coverage[item[0]], item[1], -item[0]))
    dropped = tuple(i for i, docs in enumerate(clause_sets) if best[0][0] not in docs) if best else ()
    return Match(matched, best, timed_out, dropped)


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


def _top(collector: _MatchCollector) -> list[tuple[int, float]]:
    results = collector.results()
    return [(results.docnum(i), results.score(i)) for i in range(len(results.top_n))]


def by_date(tables: GenerationTables, docs: AbstractSet[int] | None, limit: int, newest: bool,
            by: str = "date") -> list[int]:
    """First ``limit`` docnums by date (``by="indexed"``: by when they were indexed, then by
    date); same-key paragraphs in reading order, unknown last.

    A big result set (browsing every paragraph by date) is read off the generation's
    order instead of sorting hundreds of thousands of docnums per request."""
    if docs is not None and len(docs) <= DATE_SORT_MAX:
        keys = tables.sort_keys(by)
        sign = -1 if newest else 1
        return heapq.nsmallest(limit, docs, key=lambda n: (keys[n] == 0, sign * keys[n], n))
    order = tables.order(by, newest)
    if docs is None:
        return order[:limit]
    return list(islice((n for n in order if n in docs), limit))


