"""Department pages: official name and aliases, items and led decisions per year, mentions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, redirect, render_template, url_for

from indexer.decisions import department_activity
from indexer.gazetteer import get_gazetteer
from indexer.query import SearchParams
from indexer.query import search as run_search

from .decisions import row_json
from .feeds import search_feed
from .links import department_url, doc_url, hit_with_url
from .params import QueryState
from .resources import resources
from .tables import corpus_tables

bp = Blueprint("departments", __name__)

MAX_NAME_CHARS = 100
LED_SHOWN = 100
MENTIONS_SHOWN = 10
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


@bp.get("/dept/<name>")
def department_page(name: str) -> Any:
    gazetteer = get_gazetteer()
    canonical = gazetteer.canonical(name) if len(name) <= MAX_NAME_CHARS else None
    if canonical is None:
        abort(404)
    if canonical != name:
        return redirect(url_for("departments.department_page", name=canonical), code=301)
    tables = corpus_tables()
    activity = department_activity(tables.items, tables.decisions, canonical)
    mentions = run_search(resources().store, SearchParams(departments=[canonical], sort="newest", per_page=MENTIONS_SHOWN, group="para"))
    per_year = _bars(activity["per_year"])
    return render_template(
        "dept.html",
        dept=gazetteer.department(canonical),
        aliases=gazetteer.aliases_of(canonical),
        activity=activity,
        per_year=per_year,
        chart={"height": CHART_HEIGHT, "bar": BAR_WIDTH, "width": max(1, len(per_year)) * (2 * BAR_WIDTH + BAR_GAP)},
        led=[row_json(r) for r in activity["led"][:LED_SHOWN]],
        recent_items=[{**vars(i), "url": doc_url(i.doc_id, i.para_id)} for i in activity["recent_items"]],
        mentions=[hit_with_url(h) for h in mentions["hits"]],
        mentions_total=mentions["total"],
        search_url=url_for("search.index", dept=canonical),
        feeds=[search_feed(QueryState((("dept", canonical),)))],
        decisions_url=url_for("decisions.decisions_page", dept=canonical),
    )


def register(app: Flask) -> None:
    """Add the blueprint and the ``dept_url`` / ``doc_url`` template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(dept_url=department_url, doc_url=doc_url)
