"""Search: parse the query language, filter by facets, rank, count facets, build snippets.

Public API (shared with the web UI and the CLI):
    SearchParams(q="", departments=[], leads=[], issuers=[], years=[], year_from=None, year_to=None, topics=[],
                 kinds=[], meetings=[], sort="relevance", page=1, per_page=10, group="doc")
    search(store, params) -> dict   (result shape in docs/INTERFACES.md)
    year_histogram(result) -> [(year, count)]  (hits per year, oldest first, for a chart)
Raises ``QueryError`` (Chinese + English message) for input we cannot run.

The query language is parsed here (not by Whoosh's QueryParser, whose wildcard, range, fuzzy and
"every" plugins are DoS vectors): see ``indexer.querysyntax`` for the grammar. The search runs
through the engine boundary (``indexer.engine``) on one snapshot of the index.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Any

from indexer import facets
from indexer import querytree as qt
from indexer.deptnames import DepartmentNames, forms_for
from indexer.engine import Match, SearchableStore, SearchSnapshot
from indexer.errors import QueryError
from indexer.grouping import DocGroup, count_documents, group_ranked, hits_in, matched_in
from indexer.querycompile import Compiled, Departments, compile_query, resolve_kind, resolve_topic
from indexer.querysyntax import Node, lex, parse
from indexer.querytext import Rewritten, rewrite
from indexer.snippets import make_snippet
from indexer.spelling import SpellVocabulary, candidate_words

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest", "indexed")  # indexed: most recently indexed first (feeds)
GROUPS = ("doc", "para")
GROUP_DEPTH = 20  # paragraphs ranked per wanted document on the first try of a grouped search
GROUP_DEPTH_MAX = 200_000  # deepest paragraph ranking a grouped search reads
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000  # page * per_page: deep paging costs a full sort for nothing useful
TIME_LIMIT = 3.0  # seconds of matching per search before the ranking is cut short (totals stay exact)
NOTICE_FALLBACK = "没有同时包含全部检索词的段落，以下为包含其中部分检索词的结果（包含越多、所含词越少见，排名越前）。"
NOTICE_DROPPED = "排在最前的结果未包含：{words}。"
NOTICE_TIMEOUT = "检索超时，结果可能不完整。"


@dataclass
class SearchParams:
    q: str = ""
    departments: list[str] = field(default_factory=list)  # 涉及部门 (names, aliases, abbreviations)
    leads: list[str] = field(default_factory=list)  # 牵头部门
    issuers: list[str] = field(default_factory=list)  # 发文机关
    years: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    topics: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)  # place paths (jurisdiction_paths)
    dept_types: list[str] = field(default_factory=list)
    legal_levels: list[str] = field(default_factory=list)  # 效力级别 (法律, 行政法规 …)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    group: str = "doc"  # "doc": one result per document; "para": every matching paragraph


def validate(params: SearchParams) -> None:
    """Refuse parameters that cannot be honoured, with a message the web can show as is."""
    if params.sort not in SORTS:
        shown = params.sort[:40] + ("…" if len(params.sort) > 40 else "")  # echoed once, bounded
        raise QueryError(f"排序方式无效：{shown}（可选 relevance / newest / oldest / indexed）")
    if params.group not in GROUPS:
        raise QueryError(f"分组方式无效：{params.group[:40]}（可选 doc / para）")
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


# the facets whose values are departments (a typed name resolves per jurisdiction)
DEPARTMENT_FACETS = ("department", "lead", "issuer")


def department_names(store: SearchableStore) -> DepartmentNames:
    """How this index's documents name departments: a typed name resolves to what it denotes in
    each document's own jurisdiction (``indexer.deptnames``)."""
    return DepartmentNames(lambda: store.snapshot().facets.where["department"], lambda: forms_for(store))


def resolved_departments(params: SearchParams, names: DepartmentNames) -> dict[str, dict[str, list[str]]]:
    """``{facet: {value as given: [canonical names it selects]}}`` for the department facets:
    市场监管局 selects 苏州市市场监督管理局 (and any other city's 市场监管局 in that city's
    documents), so the facet shows those canonical rows as selected, never a row for the alias."""
    return {facet: {v.strip(): list(names.resolve(v)) for v in getattr(params, facets.SEARCH_FACET[facet].param)
                    if v.strip()}
            for facet in DEPARTMENT_FACETS}


def _selected(params: SearchParams, resolved: dict[str, dict[str, list[str]]]) -> dict[str, list[Any]]:
    """Facet selections in index values (abbreviations -> canonical department names, …)."""
    return {
        **{facet: list(dict.fromkeys(n for names in by_value.values() for n in names))
           for facet, by_value in resolved.items()},
        "year": list(dict.fromkeys(params.years)),
        "topic": list(dict.fromkeys(resolve_topic(t) for t in params.topics if t)),
        "kind": list(dict.fromkeys(resolve_kind(k) for k in params.kinds if k)),
        "meeting": list(dict.fromkeys(m for m in params.meetings if m)),
        "jurisdiction": list(dict.fromkeys(j.strip() for j in params.jurisdictions if j.strip())),
        "dept_type": list(dict.fromkeys(t.strip() for t in params.dept_types if t.strip())),
        "legal_level": list(dict.fromkeys(v.strip() for v in params.legal_levels if v.strip())),
    }


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
        "jurisdiction": fields.get("jurisdiction"),
        "page": fields.get("page"),
        "indexed_at": fields.get("indexed_at"),
        "text": text,
        "snippet": make_snippet(text, compiled.terms, compiled.departments, compiled.doc_numbers),
        "citation": fields.get("citation", ""),
        "score": round(score, 4) if score is not None else None,
    }


def _none_in(docs: AbstractSet[int] | None) -> bool:
    """No paragraph in ``docs`` (``None`` is every paragraph)."""
    return docs is not None and not docs


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


@dataclass
class _Ranked:
    """One ranking of one snapshot: what a page of hits, an export and the totals read."""

    snap: SearchSnapshot
    compiled: Compiled  # the query that ran (the OR fallback's when it fell back)
    found: Match
    matched: AbstractSet[int] | None  # matches with the facet selections (None: every paragraph)
    ranked: list[tuple[int, float | None]]  # paragraphs, best (or by date) first
    groups: list[DocGroup]  # documents, when grouped
    grouped: bool
    fallback: str | None
    rewritten: Rewritten  # what was searched for, and the words dropped from what was typed


def _rank(store: SearchableStore, params: SearchParams, wanted: int,
          selections: Callable[[SearchSnapshot], dict[str, frozenset[int]]], departments: Departments) -> _Ranked:
    """The first ``wanted`` results (paragraphs, or documents when grouped) of ``params``."""
    rewritten = rewrite(params.q)
    tree = parse(rewritten.text)
    compiled = compile_query(tree, mode="and", departments=departments)
    if compiled.query is None and params.q.strip():
        raise QueryError(f"检索式中没有可检索的文字：{params.q} (the query has no searchable words)")
    snap = store.snapshot()
    chosen = selections(snap)
    sort = params.sort
    if sort == "relevance" and compiled.positive_terms == 0:
        sort = "newest"  # browsing by filters only: every hit scores the same
    in_years = snap.year_scope(params.year_from, params.year_to)
    grouped = params.group == "doc"
    depth = wanted * GROUP_DEPTH if grouped else wanted
    deadline = time.monotonic() + TIME_LIMIT
    scored = sort == "relevance"
    used, found, fallback = _match(snap, tree, compiled, in_years, chosen, depth, deadline, scored, departments)
    matched = facets.apply_selections(found.base, chosen)
    while True:
        ranked: list[tuple[int, float | None]]
        if scored:
            ranked = list(found.ranked)
        else:
            ranked = [(n, None) for n in snap.by_date(matched, depth, newest=sort != "oldest",
                                                      by="indexed" if sort == "indexed" else "date")]
        groups = group_ranked(ranked, snap.doc_of, wanted) if grouped else []
        if not grouped or len(groups) >= wanted or len(ranked) < depth or depth >= GROUP_DEPTH_MAX \
                or found.timed_out:
            return _Ranked(snap, used, found, matched, ranked, groups, grouped, fallback, rewritten)
        depth *= 8  # the ranked paragraphs held too few documents: rank deeper
        if not scored:
            continue  # the date order reads deeper into the same match set
        deeper = found.ranking(depth)
        if deeper is not None:
            found = replace(found, ranked=deeper)
        else:  # the fallback scores only what fills the page: match again
            used, found, fallback = _match(snap, tree, compiled, in_years, chosen, depth, deadline, scored,
                                           departments)
            matched = facets.apply_selections(found.base, chosen)


def _rank_filtered(store: SearchableStore, params: SearchParams, wanted: int) -> _Ranked:
    """``_rank`` with the facet selections of ``params``, for the callers that do not show
    facets (an export, a document page stepping through its hits)."""
    names, _, selected = _selections(store, params)
    return _rank(store, params, wanted, lambda snap: facets.selection_sets(snap.facets, selected), names.resolve)


def _selections(store: SearchableStore, params: SearchParams) -> tuple[DepartmentNames, dict[str, dict[str, list[str]]],
                                                                          dict[str, list[Any]]]:
    """The index's department names, the departments ``params`` selects, and every facet
    selection of ``params``."""
    names = department_names(store)
    resolved = resolved_departments(params, names)
    return names, resolved, _selected(params, resolved)


def _hits(r: _Ranked, start: int, end: int) -> Iterator[dict[str, Any]]:
    """Hits ``start``..``end`` of a ranking, decoded one at a time (an export streams them)."""
    if r.grouped:
        for group in r.groups[start:end]:
            yield _group_hit(r.snap, group, r.matched, r.compiled)
        return
    for n, score in r.ranked[start:end]:
        yield _hit(r.snap.hit_fields(n), score, r.compiled)


def search(store: SearchableStore, params: SearchParams) -> dict[str, Any]:
    """Run one search; see the module docstring for the result shape."""
    t0 = time.perf_counter()
    validate(params)
    names, resolved, selected = _selections(store, params)
    chosen: dict[str, frozenset[int]] = {}

    def selections(snap: SearchSnapshot) -> dict[str, frozenset[int]]:
        chosen.update(facets.selection_sets(snap.facets, selected))
        return chosen

    wanted = params.page * params.per_page
    r = _rank(store, params, wanted, selections, names.resolve)
    hits = list(_hits(r, (params.page - 1) * params.per_page, wanted))
    dropped = _dropped_words(r)
    notices = [n for n in (r.rewritten.notice(), NOTICE_FALLBACK if r.fallback else None,
                           _dropped_notice(dropped), NOTICE_TIMEOUT if r.found.timed_out else None) if n]
    return {
        "query": params.q,
        "total": len(r.snap.paragraphs if r.matched is None else r.matched),
        "total_docs": count_documents(r.matched, r.snap.doc_of, r.snap.documents),
        "group": params.group,
        "page": params.page,
        "per_page": params.per_page,
        "fallback": r.fallback,
        "dropped": dropped,
        "hits": hits,
        "facets": facets.count(r.snap.facets, r.found.base, chosen, selected),
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "notice": " ".join(notices) or None,
        "suggestion": _suggestion(store, r) if r.fallback or not r.ranked else None,
        "selected": resolved,
    }


def _dropped_words(r: _Ranked) -> list[str]:
    """In the fallback, the typed words the first result does not hold (in the order typed)."""
    if not r.fallback or not r.found.dropped:
        return []
    query = r.compiled.query
    if isinstance(query, qt.And):
        query = next((c for c in query.children if isinstance(c, qt.Coordinated)), None)
    if not isinstance(query, qt.Coordinated):
        return []
    return list(dict.fromkeys(query.labels[i] for i in r.found.dropped if i < len(query.labels) and query.labels[i]))


def _dropped_notice(words: list[str]) -> str | None:
    return NOTICE_DROPPED.format(words="、".join(f"“{w}”" for w in words)) if words else None


def spelling_vocabulary(store: SearchableStore) -> SpellVocabulary:
    """The index's frequent words for spelling suggestions, once per generation (seconds on a
    large index: the web app builds it ahead, after its first answer)."""
    return store.derived(SpellVocabulary, lambda s: SpellVocabulary(candidate_words(s.snapshot().vocabulary())))


def _suggestion(store: SearchableStore, r: _Ranked) -> str | None:
    """您是不是要找 for a query that found little: its typed words with likely typos corrected
    from the index's own vocabulary (None when no word needs a correction)."""
    words = [t.value for t in lex(r.rewritten.text) if t.kind == "word" and not t.negated]
    return spelling_vocabulary(store).suggest(words, r.snap.word_frequency) if words else None


@dataclass
class Export:
    """An export's hits and what its reader must be told about their completeness."""

    hits: Iterator[dict[str, Any]]  # decoded as consumed
    total: int  # results of the query: documents when grouped, else paragraphs
    timed_out: bool  # the ranking was cut at ``TIME_LIMIT``: later results may be missing


def export(store: SearchableStore, params: SearchParams, limit: int) -> Export:
    """The first ``limit`` results of ``params`` (its page and per_page ignored), from one
    ranking on one snapshot, each hit decoded as it is consumed: an export streams its rows
    without running a search per page, so it holds a worker no longer than the ranking."""
    validate(replace(params, page=1, per_page=1))
    r = _rank_filtered(store, params, limit)
    total = count_documents(r.matched, r.snap.doc_of, r.snap.documents) if r.grouped \
        else len(r.snap.paragraphs if r.matched is None else r.matched)
    return Export(_hits(r, 0, limit), total, r.found.timed_out)



def _match(snap: SearchSnapshot, tree: Node | None, compiled: Compiled, scope: AbstractSet[int] | None,
           selections: dict[str, frozenset[int]], limit: int, deadline: float,
           scored: bool, departments: Departments) -> tuple[Compiled, Match, str | None]:
    """``(compiled, match, fallback)``: all the words, or when no paragraph holds them all (and
    there are several), any of them, paragraphs matching more of them first."""
    found = snap.match(compiled.query, scope, selections, limit, deadline, scored)
    if _none_in(facets.apply_selections(found.base, selections)) and compiled.positive_terms > 1:
        or_compiled = compile_query(tree, mode="or", departments=departments)
        or_found = snap.match(or_compiled.query, scope, selections, limit, deadline, scored, narrow=False)
        if not _none_in(facets.apply_selections(or_found.base, selections)):
            return or_compiled, or_found, "or"
    return compiled, found, None


def _group_hit(snap: SearchSnapshot, group: DocGroup, matched: AbstractSet[int] | None,
               compiled: Compiled) -> dict[str, Any]:
    """A document's result: its best paragraph as a hit, how many of its paragraphs matched,
    and the next best ones."""
    docnum, score = group.best
    hit = _hit(snap.hit_fields(docnum), score, compiled)
    hit["doc_hits"] = hits_in(snap.paragraphs_of(group.doc_id), matched)
    hit["more"] = []
    for n, _ in group.more:
        fields = snap.hit_fields(n)
        hit["more"].append({
            "para_id": fields["para_id"],
            "label": fields.get("label"),
            "snippet": make_snippet(fields.get("text", ""), compiled.terms, compiled.departments, compiled.doc_numbers),
        })
    return hit


@dataclass(frozen=True)
class DocumentHits:
    """The paragraphs of one document a search matched, and the query that matched them."""

    para_ids: list[str]  # in reading order
    compiled: Compiled  # what ran (the fallback's query when the search fell back): its marks


def document_hits(store: SearchableStore, params: SearchParams, doc_id: str) -> DocumentHits:
    """Which paragraphs of ``doc_id`` the search ``params`` matches: its result's ``doc_hits``,
    from the same ranking (rewrite, fallback and filters) as ``search``, so a document page
    opened from a result counts and steps through what the result counted."""
    validate(replace(params, page=1, per_page=1))
    r = _rank_filtered(store, params, 1)
    matched = matched_in(r.snap.paragraphs_of(doc_id), r.matched)
    return DocumentHits([r.snap.para_id(n) for n in matched], r.compiled)


def year_histogram(result: dict[str, Any]) -> list[tuple[int, int]]:
    """Hits per year for the current query, oldest first.

    The ``year`` facet already holds exact per-year counts over the whole result set (with the
    other facets applied), so a chart needs no second search.
    """
    return sorted((row["value"], row["count"]) for row in result["facets"]["year"])
