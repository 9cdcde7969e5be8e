"""A document's links to other documents, as the document page and the API show them.

The indexer gives ids (``LinkIndex``: reviewed/adopted -> issued, cited-by, timeline; the
resolver: which document each reference means); URLs are added here, in one place.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from indexer.models import Document

from .links import doc_url
from .tables import corpus_tables

RELATION_LABELS = {
    "adopted_at": "通过会议",
    "adopted": "会议通过",
    "reviewed_at": "审议会议",
    "issued_as": "印发文件",
}
EVENT_LABELS = {"adopted": "会议通过", "reviewed": "会议审议", "issued": "印发/公布", "cited": "被引用"}
BASIS_LABELS = {"title": "标题一致", "draft": "会议通过草案", "date": "仅日期一致"}


def document_lifecycle(doc_id: str) -> dict[str, Any]:
    """``links`` (both directions), ``cited_by`` and ``timeline`` of one document, with URLs."""
    index = corpus_tables().links
    return {
        "links": [{**r, "url": doc_url(r["other_id"], r["other_para_id"])} for r in index.links_for(doc_id)],
        "cited_by": [{**c, "url": doc_url(c["doc_id"])} for c in index.cited_by(doc_id)],
        "timeline": [{**e, "url": doc_url(e["doc_id"], e["para_id"])} for e in index.timeline(doc_id)],
    }


def resolved_references(doc: Document) -> list[dict[str, Any]]:
    """The document's references, each with the ``doc_id`` the resolver gives (or None) and its
    page URL; the same list feeds the page and ``/api/doc``."""
    resolved = {(r.title, r.doc_number): r.doc_id for r in corpus_tables().references(doc)}
    rows = []
    for ref in doc.references:
        target = resolved.get((ref.title, ref.doc_number))
        target = None if target == doc.doc_id else target
        rows.append({**asdict(ref), "doc_id": target, "url": doc_url(target) if target else None})
    return rows


def link_facts(link: dict[str, Any]) -> list[str]:
    """The short facts shown after a link: meeting number and date, delay, evidence."""
    adoption = link["relation"] in ("adopted_at", "adopted")
    facts = [f"国务院第{link['number']}次常务会议" if link["number"] else None,
             f"会议日期 {link['meeting_date']}" if link["meeting_date"] else None,
             f"会后 {link['days']} 天{'公布' if adoption else '印发'}" if link["days"] is not None else None,
             f"依据：{BASIS_LABELS[link['basis']]}"]
    return [f for f in facts if f]
