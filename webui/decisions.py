"""The decisions table: page, JSON and CSV, all from the indexer's decision rows.

URL state and validation are ``params.QueryState`` and its checks, as on the search page; the
rows come from the corpus tables of the generation being served.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from indexer.decisions import CSV_COLUMNS, SORT_KEYS, DecisionQuery, DecisionRow, csv_rows, select
from indexer.errors import QueryError
from indexer.facets import DECISION_FACETS
from indexer.query import department_names

from .exports import Completeness, Slot, csv_response, run_export
from .links import department_url, doc_url, page_links
from .params import QueryState, filter_values, integer_value, year_value
from .resources import resources
from .tables import corpus_tables

bp = Blueprint("decisions", __name__)

PER_PAGE = 50
MAX_PER_PAGE = 500
CSV_MAX_ROWS = 10_000
TEXT_SHOWN = 60  # characters of a decision shown before 展开
MAX_PAGE = 10_000
FILTER_KEYS = tuple(spec.url_key for spec in DECISION_FACETS)
KEYS = frozenset(("q", *FILTER_KEYS, "sort", "order", "page", "per_page"))
SORT_LABELS = {"date": "日期", "meeting": "会议", "action": "决定类型", "lead_department": "牵头部门"}


@dataclass(frozen=True)
class DecisionRequest:
    query: DecisionQuery
    page: int
    per_page: int


def parse_decision_args(state: QueryState) -> DecisionRequest:
    """URL state -> filters, order and page; a bad value is a ``QueryError`` (400)."""
    sort = state.get("sort", "date")
    if sort not in SORT_KEYS:
        raise QueryError(f"未知的排序方式：{sort[:20]}（可用：{'、'.join(SORT_KEYS)}）")
    order = state.get("order", "desc")
    if order not in ("asc", "desc"):
        raise QueryError("排序方向应为 asc 或 desc")
    page = integer_value(state, "page", 1, "页码")
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"页码无效：{page}")
    per_page = integer_value(state, "per_page", PER_PAGE, "每页条数")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"每页条数应为 1–{MAX_PER_PAGE}")
    names = department_names(resources().store)
    query = DecisionQuery(
        q=state.get("q").strip(),
        # an alias means each jurisdiction's own body (indexer.deptnames), as in the search
        departments=names.resolve_all(filter_values(state, "dept")),
        years=[year_value(v) for v in filter_values(state, "year")],
        actions=filter_values(state, "action"),
        places=filter_values(state, "region"),
        natures=filter_values(state, "nature"),
        meetings=filter_values(state, "meeting"),
        sort=sort,
        descending=order == "desc",
    )
    return DecisionRequest(query, page, per_page)


def _state() -> QueryState:
    return QueryState.from_args(request.args, KEYS)


def _href(state: QueryState, endpoint: str = "decisions.decisions_page") -> str:
    qs = state.query_string()
    return url_for(endpoint) + (f"?{qs}" if qs else "")


def row_json(row: DecisionRow) -> dict[str, Any]:
    """A row as the page and the API show it: with its paragraph's URL and the lead's page."""
    return {**row.to_dict(), "url": doc_url(row.doc_id, row.para_id), "dept_url": department_url(row.lead_department or "")}


def _facet_groups(facets: dict[str, list[dict[str, Any]]], query: DecisionQuery, state: QueryState) -> list[tuple[str, str, list[dict[str, Any]]]]:
    selected = {spec.url_key: {str(v) for v in getattr(query, spec.param)} for spec in DECISION_FACETS}
    return [
        (spec.label, spec.url_key, [
            {
                "value": str(f["value"]),
                "count": f["count"],
                "selected": str(f["value"]) in selected[spec.url_key],
                "url": _href(state.toggled(spec.url_key, str(f["value"]))),
                "dept_url": department_url(f["value"]) if spec.url_key == "dept" else None,
            }
            for f in facets[spec.name]
        ])
        for spec in DECISION_FACETS
    ]


@bp.get("/decisions")
def decisions_page() -> tuple[str, int]:
    state = _state()
    try:
        req = parse_decision_args(state)
        result = select(corpus_tables().decisions, req.query)
    except QueryError as exc:
        return render_template("decisions.html", error=str(exc), q=state.get("q"), rows=[], facets=[], total=0), 400
    query = req.query
    last = max(1, math.ceil(result["total"] / req.per_page))
    page = min(req.page, last)
    rows = result["rows"][(page - 1) * req.per_page : page * req.per_page]
    order = "desc" if query.descending else "asc"
    exported = state.without("page")
    # (label, url, active, order): another column's link sorts by it, the active one's reverses it
    sort_links = [
        (label,
         _href(state.replaced("sort", key)) if query.sort != key
         else _href(state.replaced("order", "asc" if order == "desc" else "desc")),
         query.sort == key, order)
        for key, label in SORT_LABELS.items()
    ]
    return render_template(
        "decisions.html",
        q=query.q,
        rows=[row_json(r) for r in rows],
        total=result["total"],
        facets=_facet_groups(result["facets"], query, state),
        chips=[(k, v, _href(state.toggled(k, v))) for k, v in state.pairs if k in FILTER_KEYS],
        sort_links=sort_links,
        sort_by={key: (url, active, direction) for (label, url, active, direction), key in zip(sort_links, SORT_LABELS)},
        text_shown=TEXT_SHOWN,
        pages=page_links(page, last, lambda n: _href(state.replaced("page", str(n)))),
        # filters go; the text, the order and the page size stay
        clear_url=_href(QueryState(tuple((k, v) for k, v in state.pairs if k in ("q", "sort", "order", "per_page")))),
        csv_url=_href(exported, "decisions.decisions_csv"),
        api_url=_href(exported, "decisions.decisions_api"),
        hidden=[(k, v) for k, v in exported.pairs if k != "q"],
    ), 200


@bp.get("/api/decisions")
def decisions_api() -> Response:
    req = parse_decision_args(_state())
    result = select(corpus_tables().decisions, req.query)
    rows = result["rows"][(req.page - 1) * req.per_page : req.page * req.per_page]
    return jsonify(
        total=result["total"], page=req.page, per_page=req.per_page,
        rows=[row_json(r) for r in rows], facets=result["facets"],
    )


def _permalink(row: DecisionRow) -> str:
    return doc_url(row.doc_id, row.para_id, external=True)


@bp.get("/api/decisions.csv")
def decisions_csv() -> Response:
    """Up to ``CSV_MAX_ROWS`` decision rows, streamed under an export slot (``webui.exports``)."""
    req = parse_decision_args(_state())

    def build(slot: Slot, started: float) -> Response:
        rows = select(corpus_tables().decisions, req.query)["rows"]
        return csv_response(slot, started, CSV_COLUMNS, csv_rows(rows[:CSV_MAX_ROWS], _permalink),
                            Completeness(len(rows), CSV_MAX_ROWS), "decisions.csv")

    return run_export(build)
