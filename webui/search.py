"""The search page: query box, hits, facet sidebar, per-year chart, sort and pagination."""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, render_template, request
from markupsafe import Markup

from indexer.errors import QueryError
from indexer.query import MAX_WINDOW, year_histogram

from .facets import facet_groups, year_chart
from .feeds import search_feed
from .links import PageLink, doc_from_search, hit_with_url, page_links, search_href
from .params import KIND_LABELS, SORT_LABELS, QueryState, filter_chips, has_filters, parse_search_args
from .resources import resources, run_search

bp = Blueprint("search", __name__)

HIT_DEPARTMENTS_SHOWN = 6  # a State Council paragraph can name 20 ministries
GROUP_LABELS = {"doc": "按文件", "para": "按段落"}


def hit_view(hit: dict[str, Any], state: QueryState) -> dict[str, Any]:
    """A hit plus what the page shows: the engine's snippet is safe HTML (escaped text + <mark>)."""
    depts = hit.get("departments") or []
    return {
        **hit_with_url(hit, state.get("q")),
        "kind_label": KIND_LABELS.get(hit.get("kind") or "", hit.get("kind") or ""),
        "permalink": doc_from_search(hit["doc_id"], hit["para_id"], state),
        "snippet_html": Markup(hit.get("snippet") or ""),  # the one trusted HTML fragment
        "dept_links": [(d, search_href(state.toggled("dept", d))) for d in depts[:HIT_DEPARTMENTS_SHOWN]],
        "dept_total": len(depts),
        "more_views": [
            {**m, "permalink": doc_from_search(hit["doc_id"], m["para_id"], state),
             "snippet_html": Markup(m.get("snippet") or "")}
            for m in hit.get("more") or []
        ],
        "others": max(0, (hit.get("doc_hits") or 1) - 1 - len(hit.get("more") or [])),
        "doc_link": doc_from_search(hit["doc_id"], None, state),
    }


def pager(state: QueryState, page: int, per_page: int, total: int) -> list[PageLink]:
    last = min(max(1, math.ceil(total / per_page)), MAX_WINDOW // per_page)
    return page_links(page, last, lambda n: search_href(state.replaced("page", str(n))))


@bp.get("/")
def index() -> tuple[str, int]:
    state = QueryState.from_args(request.args)
    context: dict[str, Any] = {
        "state": state,
        "q": state.get("q"),
        "chips": [(label, value, search_href(rest)) for label, value, rest in filter_chips(state)],
        "sort_links": [
            (label, search_href(state.replaced("sort", key)), state.get("sort", "relevance") == key)
            for key, label in SORT_LABELS.items()
        ],
        "export_qs": state.without("page").query_string(),
        "clear_url": search_href(QueryState((("q", state.get("q")),)) if state.get("q") else QueryState()),
    }
    try:
        params = parse_search_args(state)
        if not params.q and not has_filters(state):
            return render_template("search.html", stats=resources().store.stats(), **context), 200
        result = run_search(params)
    except QueryError as exc:
        return render_template("search.html", error=str(exc), **context), 400
    context.update(
        result=result,
        hits=[hit_view(h, state) for h in result["hits"]],
        facets=facet_groups(result["facets"], state, search_href, result.get("selected")),
        chart=year_chart(year_histogram(result), state, search_href),
        pages=pager(state, params.page, params.per_page,
                    result["total_docs"] if params.group == "doc" else result["total"]),
        grouped=params.group == "doc",
        suggestion_url=search_href(state.replaced("q", result["suggestion"])) if result["suggestion"] else None,
        feeds=[search_feed(state)],
        group_links=[(label, search_href(state.replaced("group", key)), params.group == key)
                     for key, label in GROUP_LABELS.items()],
        first_rank=(params.page - 1) * params.per_page + 1,
    )
    return render_template("search.html", **context), 200
