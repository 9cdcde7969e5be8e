"""URLs the pages and the API hand out: search-state links and paragraph permalinks."""
from __future__ import annotations

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
