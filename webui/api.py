"""Machine-readable views of the same searches: JSON, CSV export and an Atom feed.

They take exactly the search page's parameters, so any page URL can be turned into data by
changing its path.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, jsonify, request

from indexer.citation import reference
from indexer.models import Document, Paragraph
from indexer.query import SearchParams, export, validate

from .atom import atom_feed
from .doclinks import document_lifecycle, resolved_references
from .document import lookup_document
from .exports import Completeness, Slot, csv_response, run_export
from .feeds import cited_by_title, feed_title
from .links import doc_url, hit_with_url, permalink
from .params import QueryState, parse_search_args
from .resources import resources, run_search

bp = Blueprint("api", __name__)

CSV_MAX_ROWS = 10_000
ATOM_ENTRIES = 50
CSV_COLUMNS = (
    "doc_id", "para_id", "title", "kind", "date", "meeting", "item", "label", "departments", "topics",
    "doc_number", "jurisdiction", "page", "citation", "permalink", "text",
)


def _params() -> SearchParams:
    """The request's parameters, checked as the search page would check them, even where an
    export then overrides some (page, sort): a URL that is wrong for the page is wrong here too."""
    params = parse_search_args(QueryState.from_args(request.args))
    validate(params)
    return params


@bp.get("/api/search")
def search_json() -> Response:
    result = run_search(_params())
    return jsonify({**result, "hits": [hit_with_url(h) for h in result["hits"]]})


@bp.get("/api/doc/<doc_id>")
def document_json(doc_id: str) -> Response:
    """The document, its links, and its references each with the ``doc_id`` they resolve to
    (or null): the same resolution as the document page."""
    doc = lookup_document(doc_id)
    return jsonify({
        **doc.to_dict(),
        "references": resolved_references(doc),
        **document_lifecycle(doc.doc_id),
        "url": permalink(doc.doc_id, external=True),
    })


@bp.get("/api/doc/<doc_id>/links")
def document_links_json(doc_id: str) -> Response:
    doc = lookup_document(doc_id)
    return jsonify(doc_id=doc.doc_id, **document_lifecycle(doc.doc_id))


def _csv_row(hit: dict[str, Any], documents: dict[str, Document | None]) -> list[Any]:
    """One export row; ``citation`` is the document page's 引用 for the paragraph
    (``indexer.citation.reference``), read from the document (``documents`` caches them per export)."""
    joined = {k: "；".join(hit.get(k) or []) for k in ("departments", "topics")}
    link = permalink(hit["doc_id"], hit["para_id"], external=True)
    doc_id = hit["doc_id"]
    if doc_id not in documents:
        documents[doc_id] = resources().store.get_document(doc_id, with_paragraphs=False)
    doc = documents[doc_id]
    para = Paragraph(hit["para_id"], "", page=hit.get("page"), label=hit.get("label"))
    cited = {"permalink": link, "citation": reference(doc, para, link) if doc else hit.get("citation")}
    return [joined.get(c, cited[c] if c in cited else hit.get(c)) for c in CSV_COLUMNS]


@bp.get("/api/search.csv")
def search_csv() -> Response:
    """Up to ``CSV_MAX_ROWS`` results from one ranking, streamed row by row (UTF-8 with a BOM
    so Excel opens the Chinese text correctly). ``group=para`` exports every matching paragraph.
    Runs under an export slot and within the export time budget (``webui.exports``)."""
    params = _params()  # a bad request is a 400 even when every export slot is taken

    def build(slot: Slot, started: float) -> Response:
        found = export(resources().store, params, CSV_MAX_ROWS)
        known = Completeness(found.total, CSV_MAX_ROWS, found.timed_out)
        documents: dict[str, Document | None] = {}
        return csv_response(slot, started, CSV_COLUMNS, (_csv_row(hit, documents) for hit in found.hits), known,
                            "policysearch.csv")

    return run_export(build)


@bp.get("/search.atom")
def search_atom() -> Response:
    # most recently indexed first: a back-filled old document is in the feed, dated when indexed
    params = replace(_params(), sort="indexed", page=1, per_page=ATOM_ENTRIES)
    result = run_search(params)
    entries = [
        {**hit, "link": permalink(hit["doc_id"], hit["para_id"], params.q, external=True)}
        for hit in result["hits"]
    ]
    xml = atom_feed(
        title=feed_title(QueryState.from_args(request.args)),
        feed_url=request.url,
        entries=entries,
    )
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/doc/<doc_id>/cited-by.atom")
def cited_by_atom(doc_id: str) -> Response:
    """The documents that cite ``doc_id`` (as the document page's 被引用 lists them), newest first."""
    doc = lookup_document(doc_id)
    citing = sorted(document_lifecycle(doc.doc_id)["cited_by"], key=lambda c: (c["date"] or "", c["doc_id"]), reverse=True)
    snap = resources().store.snapshot()
    entries = [
        {"title": c["title"], "date": c["date"], "link": doc_url(c["doc_id"], external=True), "text": f"引用了《{doc.title}》",
         "indexed_at": info.indexed_at if (info := snap.info_document(c["doc_id"])) else None}
        for c in citing[:ATOM_ENTRIES]
    ]
    return Response(atom_feed(cited_by_title(doc.title), request.url, entries), mimetype="application/atom+xml")
