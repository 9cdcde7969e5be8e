"""Running a translated query over one searcher: the match set, the ranking, the date order.

One pass computes what a search page needs: every match inside the scope (for the total and
the facet counts) and the scores of those the facet selections allow. The OR fallback ranks
by coverage from docnum sets instead of nested union matchers.
"""
from __future__ import annotations

import bisect
import heapq
import logging
import math
import time
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit

from indexer import facets
from indexer.engine import leafscore
from indexer.engine.postcache import CachedPhrase, phrase_docnums, term_bytes, term_docnums
from indexer.engine.tables import GenerationTables
from indexer.engine.translate import Coordinated, DocSet
from indexer.querytree import OR_CLAUSE_BONUS

log = logging.getLogger(__name__)

PROBE_RATIO = 16  # a word this many times as frequent as the candidates is probed, not made a set
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
    # every match the selections allow with its score (those scored before the deadline when
    # timed out): a deeper ranking (a grouped page that needs more paragraphs) is read from it
    # without matching again
    pool: dict[int, float] | None = None

    def ranking(self, limit: int) -> list[tuple[int, float]] | None:
        """The best ``limit`` matches, from ``pool``; ``None`` without one."""
        return best(self.pool, limit) if self.pool is not None else None


def best(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), higher scores first and equal scores in index order
    (Whoosh's ``TopCollector`` order)."""
    return heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], -item[0]))


def run(searcher: Any, query: wq.Query | None, req: MatchRequest) -> Match:
    """Docnums of ``req.scope`` matching ``query`` (before facet selections) and, when
    ``req.scored``, the top ``req.limit`` (docnum, BM25F score) among those the selections allow.
    ``None`` for a scope or a base is every paragraph (no query, no year range).

    Trees of words, phrases and document sets (``leafscore.supported``: what the query
    language compiles to) are matched by set algebra and scored leaf by leaf, work bounded by the
    postings read (the deadline is checked once the matches are known); any other query steps
    Whoosh's matchers once, recording every match inside the scope (for the total and the facet
    counts) and scoring those the selections allow, and after the deadline its ranking is partial
    (``timed_out``) but the match set is completed without scoring, so totals and facet counts
    stay exact.
    """
    scope = req.scope
    if query is None:
        return Match(scope, [])
    coordinated = _coordinated_part(query)
    if coordinated is not None:
        return _run_coordinated(searcher, coordinated, *_narrowed(searcher, query, req))
    memo = _Memo()
    if not req.scored:
        found = _docset(searcher, query, memo) if leafscore.supported(query) else set(searcher.docs_for_query(query))
        return Match(_within(scope, found), [])
    allow = facets.apply_selections(scope, req.selections)
    if leafscore.supported(query):
        base = _within(scope, _docset(searcher, query, memo))
        pool, timed_out = _sum_leaves(searcher, query, _within(allow, base), req.deadline, memo)
        return Match(base, best(pool, req.limit), timed_out=timed_out, pool=pool)
    matched: set[int] = set()
    pool = {}
    try:
        _step_matchers(searcher, query, scope, allow, req.deadline, matched, pool)
    except TimeLimit:
        log.warning("search timed out: %.200r", query)  # the tree can be huge
        return Match(_within(scope, set(searcher.docs_for_query(query))), best(pool, req.limit), timed_out=True,
                     pool=pool)
    return Match(matched, best(pool, req.limit), pool=pool)


def _sum_leaves(searcher: Any, query: wq.Query, wanted: set[int], deadline: float,
                memo: _Memo) -> tuple[dict[int, float], bool]:
    """Scores of ``wanted`` (``leafscore.scores``: one pass per leaf, bounded work). When
    matching has used up the time, only the first match in index order is scored, as when
    stepping matchers past the deadline."""
    timed_out = len(wanted) > 1 and time.monotonic() >= deadline
    if timed_out:
        log.warning("search timed out: %.200r", query)
        wanted = {min(wanted)}
    return leafscore.scores(searcher, query, wanted, _among_in(searcher, memo)), timed_out


def _among_in(searcher: Any, memo: _Memo) -> leafscore.Among:
    """``_among`` as ``leafscore`` calls it."""
    return lambda query, docs: _among(searcher, query, docs if isinstance(docs, set) else set(docs), memo)


def _step_matchers(searcher: Any, query: wq.Query, scope: AbstractSet[int] | None, allow: AbstractSet[int] | None,
                   deadline: float, matched: set[int], scores: dict[int, float]) -> None:
    """One pass of Whoosh's matchers: every match inside ``scope`` into ``matched``, and the
    score of those in ``allow`` into ``scores`` (``None``: every paragraph). Block-quality
    skipping is not used, since it skips matches the total must count. The deadline is checked
    per match, without a timer thread (the web server searches from worker threads)."""
    context = searcher.context()
    clock = time.monotonic
    for sub, offset in searcher.leaf_searchers():
        matcher = query.matcher(sub, context)
        while matcher.is_active():
            docnum = offset + matcher.id()
            if scope is None or docnum in scope:
                matched.add(docnum)
                if allow is None or docnum in allow:
                    scores[docnum] = matcher.score()
            matcher.next()
            if clock() >= deadline:
                raise TimeLimit


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
    memo = _Memo()
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
    memo = _Memo()
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
    top = heapq.nlargest(limit, scores.items(), key=lambda item: (coverage[item[0]], item[1], -item[0]))
    dropped = tuple(i for i, docs in enumerate(clause_sets) if top[0][0] not in docs) if top else ()
    return Match(matched, top, timed_out, dropped)


def _add_scores(searcher: Any, query: wq.Query, docnums: list[int], scores: dict[int, float],
                memo: _Memo, deadline: float) -> None:
    """Add ``query``'s score for each of the sorted ``docnums`` (all of which it matches) to
    ``scores``. A ``Coordinated`` query scores as the sum over its clauses of clause score plus
    ``OR_CLAUSE_BONUS``, as its Whoosh form would; a clause ``leafscore`` can sum leaf by leaf,
    anything else through its Whoosh matcher, skipping straight to the wanted documents."""
    if isinstance(query, Coordinated):
        for clause in query.clauses:
            docs = _docset(searcher, clause, memo)
            wanted = [n for n in docnums if n in docs]
            for n in wanted:
                scores[n] += OR_CLAUSE_BONUS
            _add_scores(searcher, clause, wanted, scores, memo, deadline)
        return
    if leafscore.supported(query):
        for n, score in leafscore.scores(searcher, query, set(docnums), _among_in(searcher, memo)).items():
            scores[n] += score
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


class _Memo:
    """What one search has read of the index, by query node: docnum sets, size estimates, and
    each word's sorted docnums (a query names the same words in several places: in the
    paragraph, the rest of its article, the title, a cover)."""

    def __init__(self) -> None:
        self.sets: dict[int, set[int]] = {}
        self._sizes: dict[int, int] = {}
        self._arrays: dict[tuple[str, str], Sequence[int]] = {}

    def size(self, searcher: Any, query: wq.Query) -> int:
        found = self._sizes.get(id(query))
        if found is None:
            found = self._sizes[id(query)] = query.estimate_size(searcher.reader())
        return found

    def array(self, searcher: Any, term: wq.Term) -> Sequence[int]:
        """A word's docnums in the whole index, sorted."""
        key = (term.fieldname, term.text)
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = _term_array(searcher, term)
        return found


def _term_array(searcher: Any, term: wq.Term) -> Sequence[int]:
    btext = term_bytes(searcher, term.fieldname, term.text)
    return () if btext is None else term_docnums(searcher, term.fieldname, btext)


def _within(scope: AbstractSet[int] | None, docs: set[int]) -> set[int]:
    """``docs`` inside ``scope`` (``None``: no restriction)."""
    return docs if scope is None else docs & scope


def _docset(searcher: Any, query: wq.Query, memo: _Memo) -> set[int]:
    """Docnums matching ``query``, by set algebra over the leaves: a word's docnums come from the
    cache of frequent words or are read a block at a time (``postcache.term_docnums``), unions
    are C set operations (Whoosh's union matchers step one docnum at a time in Python), an AND
    narrows its rarest conjunct's set (``_among``). ``memo`` is per search."""
    found = memo.sets.get(id(query))
    if found is not None:
        return found
    if isinstance(query, wq.Term):
        found = set(memo.array(searcher, query))
    elif isinstance(query, DocSet):
        found = set(query.docnums)
    elif isinstance(query, CachedPhrase) and query.slop == 1:
        found = phrase_docnums(searcher, query.fieldname, query.words)
    elif isinstance(query, wq.Or):
        found = set().union(*(_docset(searcher, q, memo) for q in query.subqueries))
    elif isinstance(query, wq.And) and _positives(query):
        first = min(_positives(query), key=lambda q: memo.size(searcher, q))
        found = _among(searcher, query, _docset(searcher, first, memo), memo, skip=first)
    elif isinstance(query, wq.AndMaybe):
        found = _docset(searcher, query.a, memo)
    elif isinstance(query, wq.ConstantScoreQuery):
        found = _docset(searcher, query.child, memo)
    else:
        found = set(searcher.docs_for_query(query))
    memo.sets[id(query)] = found
    return found


def _among(searcher: Any, query: wq.Query, candidates: set[int], memo: _Memo,
           skip: wq.Query | None = None) -> set[int]:
    """The ``candidates`` that match ``query`` (an AND's conjunct ``skip`` taken as met).

    A word far more frequent than the candidates is looked up by bisection in its sorted
    docnums instead of made into a set: 关于 … 的若干措施 has 的 and 关于 (hundreds of thousands
    of paragraphs) beside words in a few hundred."""
    if not candidates:
        return set()
    known = memo.sets.get(id(query))
    if known is not None:
        return candidates & known
    if isinstance(query, wq.And) and _positives(query):
        for sub in sorted(_positives(query), key=lambda q: memo.size(searcher, q)):
            if sub is not skip:
                candidates = _among(searcher, sub, candidates, memo)
        for sub in query.subqueries:
            if isinstance(sub, wq.Not):
                candidates = candidates - _among(searcher, sub.query, candidates, memo)
        return candidates
    if type(query) is wq.Or:
        return set().union(*(_among(searcher, sub, candidates, memo) for sub in query.subqueries))
    if isinstance(query, wq.AndMaybe):
        return _among(searcher, query.a, candidates, memo)
    if isinstance(query, CachedPhrase) and query.slop == 1:
        return phrase_docnums(searcher, query.fieldname, query.words, within=candidates)
    if isinstance(query, (wq.Term, DocSet)) and len(candidates) * PROBE_RATIO < memo.size(searcher, query):
        ids = query.docnums if isinstance(query, DocSet) else memo.array(searcher, query)
        return {n for n in candidates if _holds(ids, n)}
    return candidates & _docset(searcher, query, memo)


def _positives(query: wq.And) -> list[wq.Query]:
    return [q for q in query.subqueries if not isinstance(q, wq.Not)]


def _holds(ids: Sequence[int], n: int) -> bool:
    i = bisect.bisect_left(ids, n)
    return i < len(ids) and ids[i] == n


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


