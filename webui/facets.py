"""Facet sidebar and per-year chart as plain view data, built from a search result and the URL state.

Each facet value carries its own toggle URL (datasette's pattern), so the template only renders.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.facets import BY_VALUE_DESC, SEARCH_FACETS

from .params import QueryState

# result facet name -> (URL key, heading), in sidebar order: read from the one declaration
FACETS: tuple[tuple[str, str, str], ...] = tuple((spec.name, spec.url_key, spec.label) for spec in SEARCH_FACETS)

Href = Callable[[QueryState], str]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int | None  # None: selected, but the engine returned no count for it
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    key: str
    heading: str
    values: list[FacetValue]


@dataclass(frozen=True)
class YearBar:
    year: str
    count: int
    x: float  # pixels
    y: float
    height: float
    label: bool  # print the year under the bar
    selected: bool
    toggle_url: str


def facet_groups(facets: dict[str, list[dict[str, Any]]], state: QueryState, href: Href,
                 resolved: dict[str, dict[str, list[str]]] | None = None) -> list[FacetGroup]:
    """Sidebar groups; selected values stay visible even when the engine returned no count.

    ``resolved`` (the result's ``selected``) says which canonical rows a URL value selects: a
    department written as an alias (dept=市场监管局) selects its canonical row(s), shown as
    selected, and unticking such a row drops the alias (keeping any other row it selected).
    """
    groups = []
    for spec in SEARCH_FACETS:
        name, key, heading = spec.name, spec.url_key, spec.label
        by_value = (resolved or {}).get(name, {})
        written_of: dict[str, list[str]] = {}
        for written, names in by_value.items():
            for canonical in names:
                written_of.setdefault(canonical, []).append(written)
        rows: list[tuple[str, int | None]] = [(str(r["value"]), r["count"]) for r in facets.get(name, [])]
        shown = {value for value, _ in rows}
        rows += [(v, None) for v in state.getlist(key)
                 if v not in shown and not any(n in shown for n in by_value.get(v, ()))]
        if spec.order == BY_VALUE_DESC:
            rows.sort(key=lambda vn: vn[0], reverse=True)
        values = [
            FacetValue(
                value=value,
                label=spec.value_label(value),
                count=count,
                selected=state.has(key, value) or value in written_of,
                toggle_url=href(_toggled(state, key, value, written_of.get(value, []), by_value)),
            )
            for value, count in rows
        ]
        if values:
            groups.append(FacetGroup(name, key, heading, values))
    return groups


def _toggled(state: QueryState, key: str, value: str, written: list[str],
             by_value: dict[str, list[str]]) -> QueryState:
    """The state with ``value`` toggled; a row selected through other written forms is
    unselected by dropping them and keeping the other rows they selected."""
    if not written and not state.has(key, value):
        return state.toggled(key, value)
    rest = state.without(key, value)
    for form in written:
        rest = rest.without(key, form)
    for form in written:
        for other in by_value.get(form, ()):
            if other != value and not rest.has(key, other):
                rest = QueryState(rest.pairs + ((key, other),))
    return rest


CHART_HEIGHT = 80.0
CHART_MAX_WIDTH = 720.0
BAR_STEP_MAX = 36.0  # bar plus gap, in pixels
LABEL_MIN_STEP = 30.0  # narrower bars only label the first and last year


@dataclass(frozen=True)
class YearChart:
    width: float
    height: float  # bars; labels go below
    bar_width: float
    bars: list[YearBar]


def year_chart(histogram: list[tuple[int, int]], state: QueryState, href: Href) -> YearChart:
    """Bars for ``query.year_histogram`` (oldest first), in pixels, as wide as the years allow."""
    step = min(BAR_STEP_MAX, CHART_MAX_WIDTH / max(1, len(histogram)))
    bar_width = round(step * 0.8, 1)
    peak = max((count for _, count in histogram), default=0) or 1
    bars = []
    for i, (year, count) in enumerate(histogram):
        height = round(max(1.0, CHART_HEIGHT * count / peak), 1)
        bars.append(YearBar(
            year=str(year),
            count=count,
            x=round(i * step, 1),
            y=round(CHART_HEIGHT - height, 1),
            height=height,
            label=step >= LABEL_MIN_STEP or i in (0, len(histogram) - 1),
            selected=state.has("year", str(year)),
            toggle_url=href(state.toggled("year", str(year))),
        ))
    return YearChart(width=round(step * len(histogram), 1), height=CHART_HEIGHT, bar_width=bar_width, bars=bars)
