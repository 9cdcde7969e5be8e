"""URLs the pages and the API hand out: search-state links and paragraph permalinks."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from .params import QueryState


def search_href(state: QueryState) -> str:
    """Relative link to the search page in ``state`` (no trailing ``?`` for the empty state)."""
    qs = state.query_string()
    return url_for("search.index") + (f"?{qs}" if qs else "")


def permalink(doc_id: str, para_id: str | None = None, q: str = "", external: bool = False) -> str:
    """``/doc/<doc_id>?q=…#<para_id>``: the query is kept so the document page can highlight it."""
    url = url_for("document.show", doc_id=doc_id, q=q or None, _external=external)
    return f"{url}#{para_id}" if para_id else url


PAGER_RADIUS = 3  # page numbers shown either side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def page_links(page: int, last: int, href: Callable[[int], str]) -> list[PageLink]:
    """First, last and nearby page numbers (none when everything fits on one page)."""
    if last <= 1:
        return []
    numbers = sorted({1, last, *range(max(1, page - PAGER_RADIUS), min(last, page + PAGER_RADIUS) + 1)})
    return [PageLink(n, href(n), n == page) for n in numbers]
