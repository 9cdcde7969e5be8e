"""Decisions table, department pages and document links (reviewed -> issued -> cited).

These views need the whole corpus at once (every decision, every title), which the paragraph
index cannot answer per request; the decision rows and the ``LinkIndex`` are therefore built
once per index generation from the stored document records and shared by all threads.
"""
from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from jinja2 import Environment, Template
from markupsafe import Markup

from indexer.decisions import (
    SORT_KEYS,
    DecisionQuery,
    DecisionRow,
    ItemRow,
    canonical_departments,
    decision_rows,
    department_activity,
    item_rows,
    select,
    to_csv,
)
from indexer.errors import QueryError
from indexer.gazetteer import get_gazetteer
from indexer.lifecycle import LinkIndex, summarize
from indexer.models import Document
from indexer.query import SearchParams
from indexer.query import search as run_search

from .links import page_links, permalink
from .resources import resources

log = logging.getLogger(__name__)

bp = Blueprint("lifecycle", __name__)

PER_PAGE = 50
CSV_MAX_ROWS = 10_000
MAX_VALUES = 20
SORT_LABELS = {"date": "日期", "meeting": "会议", "action": "决定类型", "lead_department": "牵头部门"}
RELATION_LABELS = {
    "adopted_at": "通过会议",
    "adopted": "会议通过",
    "reviewed_at": "审议会议",
    "issued_as": "印发文件",
}
EVENT_LABELS = {"adopted": "会议通过", "reviewed": "会议审议", "issued": "印发/公布", "cited": "被引用"}
BASIS_LABELS = {"title": "标题一致", "draft": "会议通过草案", "date": "仅日期一致"}
CHART_HEIGHT = 80.0
BAR_WIDTH = 12.0
BAR_GAP = 6.0

_build_lock = threading.Lock()


@dataclass(frozen=True)
class Corpus:
    links: LinkIndex
    decisions: list[DecisionRow]
    items: list[ItemRow]


def build_corpus(docs: Iterator[Document]) -> Corpus:
    """One pass over the documents: link summaries, decision rows and agenda-item rows."""
    summaries, decisions, items = [], [], []
    for doc in docs:
        summaries.append(summarize(doc))
        decisions += decision_rows(doc)
        items += item_rows(doc)
    return Corpus(LinkIndex(summaries), decisions, items)


def corpus() -> Corpus:
    """The corpus tables for the searcher's current index generation (built on first use)."""
    store = resources().store
    cache = store.generation_cache(store.searcher())
    if "lifecycle" not in cache:
        with _build_lock:
            if "lifecycle" not in cache:
                # Only meeting minutes have decisions and are matched by their text.
                docs = store.iter_documents(with_paragraphs=lambda doc: doc.kind == "minutes")
                built = cache["lifecycle"] = build_corpus(docs)
                log.info("lifecycle tables: %d decisions, %d links", len(built.decisions), len(built.links.links))
    return cache["lifecycle"]


# --- document links (for the document page and /api/doc) -------------------------------------


def document_lifecycle(doc_id: str) -> dict[str, Any]:
    """``links`` (both directions), ``cited_by`` and ``timeline`` of one document, for the API."""
    index = corpus().links
    return {"links": index.links_for(doc_id), "cited_by": index.cited_by(doc_id), "timeline": index.timeline(doc_id)}


# The panel is a fragment inside another blueprint's page; it lives here (not in templates/)
# so that page needs one line, ``{{ lifecycle_panel(doc.doc_id) }}``, to show it.
PANEL = """\
<section class="lifecycle" id="lifecycle">
  <h2>文件关联</h2>
  {% if data.links %}
  <ul class="lifecycle-links">
    {% for link in data.links %}
    <li data-relation="{{ link.relation }}">
      <span class="relation">{{ relations[link.relation] }}：</span><a href="{{ link.url }}">{{ link.other_title or link.other_id }}</a>
      <span class="link-facts">（{{ facts(link)|join("，") }}）</span>
    </li>
    {% endfor %}
  </ul>
  {% endif %}
  {% if show_timeline %}
  <h3>时间线</h3>
  <ol class="timeline">
    {% for e in data.timeline %}
    <li><time>{{ e.date or "日期不详" }}</time>&ensp;<span class="event">{{ events[e.event] }}</span>&ensp;<a href="{{ e.url }}">{{ e.title }}</a></li>
    {% endfor %}
  </ol>
  {% endif %}
  {% if data.cited_by %}
  <h3>被以下文件引用（{{ data.cited_by|length }}）</h3>
  <ul class="cited-by">
    {% for c in data.cited_by %}<li><a href="{{ c.url }}">{{ c.title }}</a>&ensp;<time>{{ c.date or "" }}</time></li>{% endfor %}
  </ul>
  {% endif %}
</section>
"""


def link_facts(link: dict[str, Any]) -> list[str]:
    """The short facts shown after a link: meeting number and date, delay, evidence."""
    adoption = link["relation"] in ("adopted_at", "adopted")
    facts = [f"国务院第{link['number']}次常务会议" if link["number"] else None,
             f"会议日期 {link['meeting_date']}" if link["meeting_date"] else None,
             f"会后 {link['days']} 天{'公布' if adoption else '印发'}" if link["days"] is not None else None,
             f"依据：{BASIS_LABELS[link['basis']]}"]
    return [f for f in facts if f]


@lru_cache(maxsize=4)
def _panel_template(env: Environment) -> Template:
    return env.from_string(PANEL)  # autoescaped: Flask escapes templates that have no file name


def lifecycle_panel(doc_id: str) -> Markup:
    """The document page's 文件关联 section (empty when the document has no links)."""
    data = document_lifecycle(doc_id)
    if not (data["links"] or data["cited_by"]):
        return Markup("")
    return Markup(_panel_template(current_app.jinja_env).render(
        data=data, relations=RELATION_LABELS, events=EVENT_LABELS, facts=link_facts,
        show_timeline=len(data["timeline"]) > 1,
    ))


@bp.get("/api/doc/<doc_id>/links")
def api_doc_links(doc_id: str) -> Response:
    if resources().store.get_document(doc_id) is None:
        abort(404)
    return jsonify(doc_id=doc_id, **document_lifecycle(doc_id))


# --- decisions table ---------------------------------------------------------------------------


def _values(key: str) -> list[str]:
    values = list(dict.fromkeys(v.strip() for v in request.args.getlist(key) if v.strip()))
    if len(values) > MAX_VALUES or any(len(v) > 100 for v in values):
        raise QueryError(f"筛选条件 {key} 的值过多或过长")
    return values


def _query_from_args() -> tuple[DecisionQuery, int]:
    """Request arguments -> filters and page; a bad value is a ``QueryError`` (400)."""
    gazetteer = get_gazetteer()
    years = []
    for v in _values("year"):
        if not (v.isascii() and v.isdigit() and 1900 <= int(v) <= 2100):
            raise QueryError(f"年份无效：{v[:20]}")
        years.append(int(v))
    sort = request.args.get("sort", "date")
    if sort not in SORT_KEYS:
        raise QueryError(f"未知的排序方式：{sort[:20]}（可用：{'、'.join(SORT_KEYS)}）")
    order = request.args.get("order", "desc")
    if order not in ("asc", "desc"):
        raise QueryError("排序方向应为 asc 或 desc")
    page_arg = request.args.get("page", "1")
    if not (page_arg.isascii() and page_arg.isdigit() and 1 <= int(page_arg) <= 10_000):
        raise QueryError(f"页码无效：{page_arg[:20]}")
    query = DecisionQuery(
        q=request.args.get("q", "").strip(),
        departments=canonical_departments(_values("dept"), gazetteer.canonical),
        years=years,
        actions=_values("action"),
        sort=sort,
        descending=order == "desc",
    )
    return query, int(page_arg)


def _pairs() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k in ("q", "dept", "year", "action", "sort", "order") and v]


def _href(pairs: list[tuple[str, str]]) -> str:
    qs = urlencode(pairs)
    return url_for("lifecycle.decisions_page") + (f"?{qs}" if qs else "")


def _toggled(key: str, value: str) -> str:
    pairs = _pairs()
    if (key, value) in pairs:
        return _href([p for p in pairs if p != (key, value)])
    return _href(pairs + [(key, value)])


def _replaced(key: str, value: str | None) -> str:
    pairs = [p for p in _pairs() if p[0] != key]
    return _href(pairs + ([(key, value)] if value else []))


def _row_json(row: DecisionRow) -> dict[str, Any]:
    return {**row.to_dict(), "dept_url": department_url(row.lead_department or "")}


def _dept_url(name: str) -> str:
    return url_for("lifecycle.department_page", name=name)


@bp.get("/decisions")
def decisions_page() -> tuple[str, int]:
    try:
        query, page = _query_from_args()
        result = select(corpus().decisions, query)
    except QueryError as exc:
        return render_template("decisions.html", error=str(exc), q=request.args.get("q", ""), rows=[], facets=[], total=0), 400
    selected = {"dept": set(query.departments), "year": {str(y) for y in query.years}, "action": set(query.actions)}
    facet_groups = [
        (heading, key, [
            {
                "value": str(f["value"]),
                "count": f["count"],
                "selected": str(f["value"]) in selected[key],
                "url": _toggled(key, str(f["value"])),
                "dept_url": department_url(f["value"]) if key == "dept" else None,
            }
            for f in result["facets"][name]
        ])
        for name, key, heading in (("action", "action", "决定类型"), ("department", "dept", "牵头部门"), ("year", "year", "年份"))
    ]
    last = max(1, math.ceil(result["total"] / PER_PAGE))
    page = min(page, last)
    rows = result["rows"][(page - 1) * PER_PAGE : page * PER_PAGE]
    current_order = "desc" if query.descending else "asc"
    return render_template(
        "decisions.html",
        q=query.q,
        rows=[_row_json(r) for r in rows],
        total=result["total"],
        facets=facet_groups,
        chips=[(k, v, _toggled(k, v)) for k, v in _pairs() if k in ("dept", "year", "action")],
        sort_links=[
            (label, _replaced("sort", key) if query.sort != key else _replaced("order", "asc" if current_order == "desc" else "desc"),
             query.sort == key, current_order)
            for key, label in SORT_LABELS.items()
        ],
        pages=page_links(page, last, lambda n: _replaced("page", str(n))),
        csv_url=url_for("lifecycle.decisions_csv") + (f"?{urlencode(_pairs())}" if _pairs() else ""),
        api_url=url_for("lifecycle.decisions_api") + (f"?{urlencode(_pairs())}" if _pairs() else ""),
        hidden=[(k, v) for k, v in _pairs() if k != "q"],
    ), 200


@bp.get("/api/decisions")
def decisions_api() -> Response:
    query, page = _query_from_args()
    per_page_arg = request.args.get("per_page", str(PER_PAGE))
    if not (per_page_arg.isascii() and per_page_arg.isdigit() and 1 <= int(per_page_arg) <= 500):
        raise QueryError("每页条数应为 1–500")
    per_page = int(per_page_arg)
    result = select(corpus().decisions, query)
    rows = result["rows"][(page - 1) * per_page : page * per_page]
    return jsonify(
        total=result["total"], page=page, per_page=per_page,
        rows=[_row_json(r) for r in rows], facets=result["facets"],
    )


@bp.get("/api/decisions.csv")
def decisions_csv() -> Response:
    query, _ = _query_from_args()
    rows = select(corpus().decisions, query)["rows"][:CSV_MAX_ROWS]
    return Response(
        to_csv(rows, link=lambda r: permalink(r.doc_id, r.para_id, external=True)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=decisions.csv"},
    )


# --- department pages ------------------------------------------------------------------------


def _bars(per_year: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs of bars (agenda items, decisions led) per year, scaled to the chart height."""
    peak = max((max(y["items"], y["decisions"]) for y in per_year), default=0) or 1
    step = 2 * BAR_WIDTH + BAR_GAP
    return [
        {
            **y,
            "x": i * step,
            "items_h": round(CHART_HEIGHT * y["items"] / peak, 1),
            "decisions_h": round(CHART_HEIGHT * y["decisions"] / peak, 1),
        }
        for i, y in enumerate(per_year)
    ]


@bp.get("/dept/<name>")
def department_page(name: str) -> Any:
    gazetteer = get_gazetteer()
    canonical = gazetteer.canonical(name) if len(name) <= 100 else None
    if canonical is None:
        abort(404)
    if canonical != name:
        return redirect(_dept_url(canonical), code=301)
    dept = gazetteer.department(canonical)
    data = corpus()
    activity = department_activity(data.items, data.decisions, canonical)
    mentions = run_search(resources().store, SearchParams(departments=[canonical], sort="newest", per_page=10))
    per_year = _bars(activity["per_year"])
    return render_template(
        "dept.html",
        dept=dept,
        aliases=gazetteer.aliases_of(canonical),
        activity=activity,
        per_year=per_year,
        chart={"height": CHART_HEIGHT, "bar": BAR_WIDTH, "width": max(1, len(per_year)) * (2 * BAR_WIDTH + BAR_GAP)},
        led=[_row_json(r) for r in activity["led"][:100]],
        mentions=mentions["hits"],
        mentions_total=mentions["total"],
        search_url=url_for("search.index", dept=canonical),
        decisions_url=url_for("lifecycle.decisions_page", dept=canonical),
    )


def department_url(name: str) -> str | None:
    """Link to a department's page for any spelling the gazetteer knows; None otherwise, so a
    chip for an unknown body is rendered as plain text instead of a link to a 404."""
    canonical = get_gazetteer().canonical(name) if name else None
    return _dept_url(canonical) if canonical else None


def register(app: Flask) -> None:
    """Add the blueprint and the ``lifecycle_panel`` / ``dept_url`` template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(lifecycle_panel=lifecycle_panel, dept_url=department_url)
