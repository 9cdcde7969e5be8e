"""Search state in the URL: parse and validate request arguments, and build the links that change it.

Every state of the search page lives in the query string, so a search can be shared and the back
button works. Links that change one thing (toggle a facet value, drop a filter, go to a page) are
computed here from the current state, datasette-style, so templates never assemble URLs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.facets import DECISION_FACETS, KIND_LABELS, SEARCH_FACETS, FacetSpec  # noqa: F401  (KIND_LABELS: pages import it from here)
from indexer.query import SearchParams

# Repeatable (multi-select) filters, then single-valued keys; anything else in a URL is ignored.
MULTI_FILTERS = tuple(spec.url_key for spec in SEARCH_FACETS)
SINGLE_KEYS = ("q", "year_from", "year_to", "sort", "page", "per_page", "group")
KNOWN_KEYS = frozenset(MULTI_FILTERS + SINGLE_KEYS)

SORT_LABELS = {"relevance": "相关度", "newest": "最新", "oldest": "最早", "indexed": "最近收录"}
# every filter a page reads (the decisions table's too: a bad 决定或表述 value must name its filter)
FILTER_LABELS = {**{spec.url_key: spec.label for spec in DECISION_FACETS},
                 **{spec.url_key: spec.label for spec in SEARCH_FACETS}}
BY_URL_KEY: dict[str, FacetSpec] = {spec.url_key: spec for spec in SEARCH_FACETS}

PER_PAGE_DEFAULT = 10
MAX_VALUES_PER_FILTER = 20
MAX_VALUE_CHARS = 100
YEAR_MIN, YEAR_MAX = 1900, 2100

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class QueryState:
    """The search-relevant (key, value) pairs of a request, in their original order."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_args(cls, args: MultiDict[str, str], keys: frozenset[str] = KNOWN_KEYS) -> QueryState:
        """Keep ``keys`` (a page's parameters; the search page's by default) with non-empty
        values; unknown parameters are ignored, not errors."""
        return cls(tuple((k, v) for k, v in args.items(multi=True) if k in keys and v.strip()))

    def get(self, key: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == key), default)

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def has(self, key: str, value: str) -> bool:
        return (key, value) in self.pairs

    def without(self, key: str, value: str | None = None) -> QueryState:
        """Drop ``key`` (or only its ``value``) and the page number, which no longer applies."""
        return QueryState(
            tuple(
                (k, v)
                for k, v in self.pairs
                if k != "page" and not (k == key and (value is None or v == value))
            )
        )

    def toggled(self, key: str, value: str) -> QueryState:
        """Select ``value`` of a multi-select filter, or unselect it when already selected."""
        if self.has(key, value):
            return self.without(key, value)
        return QueryState(self.without("page").pairs + ((key, value),))

    def replaced(self, key: str, value: str | None) -> QueryState:
        """Set a single-valued key (``None`` removes it); the page resets unless it is the key."""
        state = self.without(key)
        return QueryState(state.pairs + ((key, value),)) if value is not None else state

    def query_string(self) -> str:
        return urlencode(self.pairs)


def parse_search_args(state: QueryState) -> SearchParams:
    """Turn URL state into search parameters.

    Only what a URL can get wrong is checked here (numbers that are not numbers, junk filter
    values); ranges, sorts, kinds and the query itself are checked by ``query.search``. Raises
    ``QueryError`` with a message for the person who typed the URL: the page shows it with status
    400, the API returns it as ``{"error": ...}``.
    """
    selections: dict[str, list[Any]] = {
        spec.param: [_year(v) for v in _values(state, spec.url_key)] if spec.name == "year" else _values(state, spec.url_key)
        for spec in SEARCH_FACETS
    }
    return SearchParams(
        q=state.get("q").strip(),
        **selections,
        year_from=_optional_year(state, "year_from"),
        year_to=_optional_year(state, "year_to"),
        sort=state.get("sort", "relevance"),
        page=_integer(state, "page", 1, "页码"),
        per_page=_integer(state, "per_page", PER_PAGE_DEFAULT, "每页条数"),
        group=state.get("group", "doc"),
    )


def has_filters(state: QueryState) -> bool:
    return any(k in MULTI_FILTERS or k in ("year_from", "year_to") for k, _ in state.pairs)


def filter_values(state: QueryState, key: str) -> list[str]:
    """The distinct values of a multi-select filter; too many, too long or control characters
    are a ``QueryError``."""
    return _values(state, key)


def year_value(text: str) -> int:
    """A year in the accepted range, else a ``QueryError``."""
    return _year(text)


def integer_value(state: QueryState, key: str, default: int, label: str) -> int:
    """A non-negative decimal integer parameter (``default`` when absent), else a ``QueryError``."""
    return _integer(state, key, default, label)


def _values(state: QueryState, key: str) -> list[str]:
    values = list(dict.fromkeys(v.strip() for v in state.getlist(key)))
    if len(values) > MAX_VALUES_PER_FILTER:
        raise QueryError(f"筛选条件“{FILTER_LABELS[key]}”最多可选 {MAX_VALUES_PER_FILTER} 个值")
    for v in values:
        if len(v) > MAX_VALUE_CHARS or _CONTROL.search(v):
            raise QueryError(f"筛选条件“{FILTER_LABELS[key]}”的值无效")
    return values


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not YEAR_MIN <= int(text) <= YEAR_MAX:
        raise QueryError(f"年份无效：{text[:20]}（应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位数字）")
    return int(text)


def _optional_year(state: QueryState, key: str) -> int | None:
    text = state.get(key).strip()
    return _year(text) if text else None


def _integer(state: QueryState, key: str, default: int, label: str) -> int:
    """A decimal integer of at most 10 digits (so 10**9 still reaches the engine's range check)."""
    text = state.get(key).strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise QueryError(f"{label}无效：{text[:20]}（应为正整数）")
    return int(text)


def filter_chips(state: QueryState) -> Iterable[tuple[str, str, QueryState]]:
    """(filter label, value label, state without it) for every active filter."""
    for key, value in state.pairs:
        if key in BY_URL_KEY:
            spec = BY_URL_KEY[key]
            yield spec.label, spec.value_label(value), state.without(key, value)
    if state.get("year_from") or state.get("year_to"):
        span = f"{state.get('year_from', '…')}–{state.get('year_to', '…')}"
        yield "年份范围", span, state.without("year_from").without("year_to")
