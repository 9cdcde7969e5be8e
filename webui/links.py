"""URLs the pages and the API hand out: search-state links and paragraph permalinks."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for

from indexer.gazetteer import get_gazetteer

from .params import QueryState
from .tables import department_directory


def search_href(state: QueryState) -> str:
    """Relative link to the search page in ``state`` (no trailing ``?`` for the empty state)."""
    qs = state.query_string()
    return url_for("search.index") + (f"?{qs}" if qs else "")


def permalink(doc_id: str, para_id: str | None = None, q: str = "", external: bool = False) -> str:
    """``/doc/<doc_id>?q=…#<para_id>``: the query is kept so the document page can highlight it."""
    url = url_for("document.show", doc_id=doc_id, q=q or None, _external=external)
    return f"{url}#{para_id}" if para_id else url


def doc_from_search(doc_id: str, para_id: str | None, state: QueryState) -> str:
    """The document page opened from a search page in ``state``: the whole search state rides
    along (the query for highlighting; filters, sort, grouping and page for the way back), so
    ``search_href(QueryState.from_args(...))`` on the document page returns to the same results."""
    qs = state.query_string()
    url = url_for("document.show", doc_id=doc_id) + (f"?{qs}" if qs else "")
    return f"{url}#{para_id}" if para_id else url


def doc_url(doc_id: str, para_id: str | None = None, external: bool = False) -> str:
    """The document page (at a paragraph): the indexer hands out ids, only the web app URLs."""
    return permalink(doc_id, para_id, external=external)


def hit_with_url(hit: Mapping[str, Any], q: str = "") -> dict[str, Any]:
    """A search hit as pages and APIs serialise it: its ``url`` is the paragraph's permalink
    (with the query, so the document page highlights it, when ``q`` is given)."""
    return {**hit, "url": permalink(hit["doc_id"], hit["para_id"], q)}


def department_url(name: str) -> str | None:
    """Link to a department's page: any department the index names (of any government), or
    any spelling Suzhou's gazetteer knows; None otherwise, so a chip for an unknown body is
    rendered as plain text instead of a link to a 404. A name with a slash has no page: the
    route takes one path segment."""
    if not name or "/" in name:
        return None
    if department_directory().get(name) is not None:
        return url_for("departments.department_page", name=name)
    canonical = get_gazetteer().canonical(name)
    return url_for("departments.department_page", name=canonical) if canonical else None


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
