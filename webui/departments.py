"""Department pages of any government: official name and aliases, items and led decisions per
year, documents and paragraphs naming it; ``/dept`` lists them all by government and type."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from indexer.decisions import department_activity
from indexer.deptnames import gazetteer_only
from indexer.errors import QueryError
from indexer.gazetteer import get_gazetteer
from indexer.query import SearchParams

from .decisions import row_json
from .feeds import search_feed
from .links import department_url, doc_url, hit_with_url, page_links
from .params import QueryState, integer_value
from .resources import run_search
from .tables import corpus_tables, department_directory

bp = Blueprint("departments", __name__)
T = TypeVar("T")

MAX_NAME_CHARS = 100
DEPT_PER_PAGE = 200  # departments a /dept page lists (the shared corpus names thousands)
DEPT_MAX_PER_PAGE = 1000
INDEX_KEYS = frozenset(("page", "per_page"))
LED_SHOWN = 100
MENTIONS_SHOWN = 10
DOCUMENTS_SHOWN = 20
CHART_HEIGHT = 80.0
BAR_WIDTH = 12.0
BAR_GAP = 6.0


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


@dataclass(frozen=True)
class DeptView:
    """What the page header shows: the gazetteer's facts for Suzhou's bodies, the directory's
    (type, government) for every body the index names."""

    name: str
    type: str | None = None
    place: str | None = None
    since: int | None = None
    until: int | None = None


def _not_found(name: str, candidates: list[tuple[str, str]]) -> tuple[str, int]:
    """A readable 404: the name is unknown, or an abbreviation whose meaning depends on the
    government that wrote it (then each government's department is offered)."""
    links = [(region, target, url_for("departments.department_page", name=target, region=region))
             for region, target in candidates]
    return render_template("dept_missing.html", name=name, candidates=links), 404


@bp.get("/dept/<name>")
def department_page(name: str) -> Any:
    """A department of any government. A name the index uses is shown; an abbreviation is
    redirected to the department it means in ``region`` (a jurisdiction's name or place path),
    and without ``region`` only Suzhou's gazetteer abbreviations are (the curated city); an
    unknown name is a 404 page that lists what the abbreviation means elsewhere."""
    if len(name) > MAX_NAME_CHARS:
        return _not_found(name[:MAX_NAME_CHARS] + "…", [])
    directory = department_directory()
    gazetteer = get_gazetteer()
    entry = directory.get(name)
    if entry is None:
        region = request.args.get("region", "").strip()[:MAX_NAME_CHARS]
        target = directory.alias(region, name) if region else gazetteer.canonical(name)
        if target is None:
            return _not_found(name, directory.candidates(name))
        if target != name:
            return redirect(url_for("departments.department_page", name=target), code=301)
        entry = directory.get(name)
    known = gazetteer.department(name)
    tables = corpus_tables()
    activity = department_activity(tables.items, tables.decisions, name)
    # a name Suzhou's gazetteer reads as another body (市政府, kept as written in a text whose
    # city is not named) would also select that body: it is not searched for, its documents
    # are listed instead
    searchable = gazetteer_only(name) == (name,)
    mentions: dict[str, Any] = run_search(SearchParams(departments=[name], sort="newest", per_page=MENTIONS_SHOWN,
                                                          group="para")) if searchable else {"hits": [], "total": 0}
    per_year = _bars(activity["per_year"])
    written = [w for w, _ in entry.written.most_common() if w != name] if entry else []
    return render_template(
        "dept.html",
        dept=DeptView(name, entry.type if entry else None, entry.place if entry else None,
                      known.since if known else None, known.until if known else None),
        aliases=list(dict.fromkeys([*gazetteer.aliases_of(name), *written])),
        activity=activity,
        per_year=per_year,
        chart={"height": CHART_HEIGHT, "bar": BAR_WIDTH, "width": max(1, len(per_year)) * (2 * BAR_WIDTH + BAR_GAP)},
        led=[row_json(r) for r in activity["led"][:LED_SHOWN]],
        recent_items=[{**vars(i), "url": doc_url(i.doc_id, i.para_id)} for i in activity["recent_items"]],
        mentions=[hit_with_url(h) for h in mentions["hits"]],
        mentions_total=mentions["total"],
        searchable=searchable,
        documents=[{**vars(d), "url": doc_url(d.doc_id)} for d in (entry.documents[:DOCUMENTS_SHOWN] if entry else [])],
        documents_total=entry.count if entry else 0,
        search_url=url_for("search.index", dept=name) if searchable else None,
        decisions_url=url_for("decisions.decisions_page", dept=name),
        index_url=url_for("departments.department_index"),
        feeds=[search_feed(QueryState((("dept", name),)))] if searchable else [],
    )


Grouped = list[tuple[str, list[tuple[str, list[T]]]]]


def page_of_groups(groups: Grouped[T], page: int, per_page: int) -> Grouped[T]:
    """Entries ``(page - 1) * per_page`` .. ``page * per_page`` of ``[(place, [(type, entries)])]``
    in reading order, under their place and type headings (a group cut by a page boundary keeps
    its headings on both pages)."""
    start, end = (page - 1) * per_page, page * per_page
    out: Grouped[T] = []
    seen = 0
    for place, types in groups:
        kept = []
        for dtype, entries in types:
            lo, hi = max(start - seen, 0), max(min(end - seen, len(entries)), 0)
            if lo < hi:
                kept.append((dtype, entries[lo:hi]))
            seen += len(entries)
        if kept:
            out.append((place, kept))
        if seen >= end:
            break
    return out


def _index_href(state: QueryState) -> str:
    qs = state.query_string()
    return url_for("departments.department_index") + (f"?{qs}" if qs else "")


@bp.get("/dept")
def department_index() -> str:
    """Every department the index names, by government (国家 first, unplaced last) and type,
    with the documents naming it and the decisions it led; ``DEPT_PER_PAGE`` a page (``page``,
    ``per_page`` in the URL, checked as on the search page: a bad value is a 400)."""
    state = QueryState.from_args(request.args, INDEX_KEYS)
    page = integer_value(state, "page", 1, "页码")
    per_page = integer_value(state, "per_page", DEPT_PER_PAGE, "每页条数")
    if not 1 <= per_page <= DEPT_MAX_PER_PAGE:
        raise QueryError(f"每页条数应为 1–{DEPT_MAX_PER_PAGE}")
    directory = department_directory()
    total = len(directory.entries)
    last = max(1, math.ceil(total / per_page))
    if not 1 <= page <= last:
        raise QueryError(f"页码无效：{page}（共 {last} 页）")
    led = Counter(row.lead_department for row in corpus_tables().decisions if row.lead_department)
    groups = [
        (place or "所属政府不详", [
            (dtype, [{"name": e.name, "url": url_for("departments.department_page", name=e.name),
                      "documents": e.count, "led": led.get(e.name, 0)} for e in entries])
            for dtype, entries in types
        ])
        for place, types in page_of_groups(directory.grouped(), page, per_page)
    ]
    return render_template("dept_index.html", groups=groups, total=total, page=page,
                           first=(page - 1) * per_page + 1, last_shown=min(page * per_page, total),
                           pages=page_links(page, last, lambda n: _index_href(state.replaced("page", str(n)))))


def register(app: Flask) -> None:
    """Add the blueprint and the ``dept_url`` / ``doc_url`` template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(dept_url=department_url, doc_url=doc_url)
