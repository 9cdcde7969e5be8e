"""Atom feeds a reader can subscribe to, and the names and addresses pages advertise them by.

Three feeds, all served by ``api``: a search (any query and filters, most recently indexed first,
so a back-filled old document shows up: ``/search.atom``), a department's documents (the same feed with ``dept=``), and the documents
citing one document (``/doc/<id>/cited-by.atom``, from the corpus tables). Pages list theirs as ``feeds`` (title,
href) and ``base.html`` turns them into ``<link rel="alternate">`` so feed readers find them.
The title of a search feed names its query and every filter, built here from the ``QueryState``
only, so two subscriptions to different filters never look alike in a reader.
"""
from __future__ import annotations

from flask import url_for

from .params import QueryState, filter_chips

SITE = "政策文件检索"
# Keys a feed ignores: it has its own page, order (most recently indexed first) and size.
FEED_KEYS = ("page", "sort", "per_page")


def feed_state(state: QueryState) -> QueryState:
    """The part of a search state a feed depends on."""
    for key in FEED_KEYS:
        state = state.without(key)
    return state


def feed_title(state: QueryState) -> str:
    """``政策文件检索：再生资源（类型：政策文件；部门：苏州市商务局）``; without query or filters,
    ``政策文件检索：最新文件``."""
    q = state.get("q").strip()
    filters = "；".join(f"{label}：{value}" for label, value, _ in filter_chips(state))
    if not q and not filters:
        return f"{SITE}：最新文件"
    if not q:
        return f"{SITE}：{filters}"
    return f"{SITE}：{q}" + (f"（{filters}）" if filters else "")


def search_feed(state: QueryState) -> tuple[str, str]:
    """(title, relative href) of the feed of the search in ``state``."""
    qs = feed_state(state).query_string()
    return feed_title(state), url_for("api.search_atom") + (f"?{qs}" if qs else "")


def cited_by_title(title: str) -> str:
    return f"{SITE}：引用《{title}》的文件"


def cited_by_feed(doc_id: str, title: str) -> tuple[str, str]:
    return cited_by_title(title), url_for("api.cited_by_atom", doc_id=doc_id)
