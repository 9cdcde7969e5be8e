"""The document page: metadata header, outline, attendees, references, every paragraph with its
anchor, and, when arriving from a search, the query highlighted and 上一处/下一处 links between
the paragraphs that search matched."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from indexer.citation import reference
from indexer.errors import QueryError
from indexer.highlight import HighlightTerms, highlight
from indexer.models import Document
from indexer.query import document_hits

from .doclinks import EVENT_LABELS, RELATION_LABELS, document_lifecycle, link_facts, resolved_references
from .feeds import cited_by_feed
from .links import permalink, search_href
from .params import KIND_LABELS, QueryState, parse_search_args
from .resources import resources

bp = Blueprint("document", __name__)

# Ids the pipeline produces (JSONL ids, suzhou-gov-exec-120, doc-<sha1>); anything else, and any
# traversal shape, is refused before the index is asked.
DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")


def lookup_document(doc_id: str) -> Document:
    """The indexed document ``doc_id``.

    :raise 404: the id is malformed (``..``, backslashes, colons …) or not in the index.
    """
    if not DOC_ID.fullmatch(doc_id) or ".." in doc_id:
        abort(404)
    doc = resources().store.get_document(doc_id)
    if doc is None:
        abort(404)
    return doc


def safe_source_url(url: str | None) -> str | None:
    """Only web links are rendered as links; ``javascript:`` and the like never reach an href."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


@dataclass(frozen=True)
class HitStep:
    """A matching paragraph's place among the document's hits, for 上一处/下一处 links."""

    number: int  # 1-based, in reading order
    prev: str | None  # para_id of the previous hit
    next: str | None


@dataclass(frozen=True)
class ParagraphView:
    para_id: str
    label: str | None
    page: int | None
    role: str
    html: Markup  # escaped text, query matches in <mark>
    citation: str
    hit: HitStep | None = None  # set when the search this page was opened from matched it


def hit_steps(para_ids: list[str]) -> dict[str, HitStep]:
    """Each hit with its neighbours: the first has no previous hit, the last no next one."""
    return {
        pid: HitStep(i + 1, para_ids[i - 1] if i else None, para_ids[i + 1] if i + 1 < len(para_ids) else None)
        for i, pid in enumerate(para_ids)
    }


def search_hits(state: QueryState, doc_id: str) -> tuple[HighlightTerms, list[str]]:
    """What the search in ``state`` marks on this page and which paragraphs it matched (the
    search's own ranking, ``indexer.query.document_hits``). A state the search would refuse
    (a bad filter value in a hand-edited URL) still shows the document: its words marked, no
    hit navigation."""
    q = state.get("q").strip()
    if not q:
        return HighlightTerms(), []
    try:
        found = document_hits(resources().store, parse_search_args(state), doc_id)
    except QueryError:
        return HighlightTerms.from_query(q), []
    return HighlightTerms.of(found.compiled), found.para_ids


def metadata_rows(doc: Document) -> list[tuple[str, str]]:
    """Header facts in reading order; absent facts are left out, not shown as blanks."""
    m = doc.meeting
    meta = doc.metadata
    organised = " ".join(str(v) for v in (meta.get("organiser"), meta.get("organised")) if v)
    rows = [
        ("类型", KIND_LABELS.get(doc.kind, doc.kind)),
        ("会议", f"{m.body or ''}{m.name or ''}" if m else None),
        ("会次", f"第{m.number}次" if m and m.number is not None else None),
        ("会议日期" if m else "成文日期", doc.date),
        ("主持", m.chair if m else None),
        ("发文机关", doc.issuer if not m else None),
        ("发文字号", doc.doc_number),
        ("主送", meta.get("addressees")),
        ("效力级别", meta.get("legal_level")),
        ("发布日期", meta.get("promulgated") or meta.get("published")),
        ("施行日期", meta.get("effective")),
        ("时效性", meta.get("validity")),
        ("整理", organised or None),
        ("印发日期", meta.get("issued") if meta.get("issued") != doc.date else None),
        ("记录", meta.get("recorder")),
        ("分送", meta.get("distribution")),
        ("主题", "、".join(doc.topics) or None),
        ("页数", str(doc.page_count) if doc.page_count else None),
    ]
    return [(label, str(value)) for label, value in rows if value]


@bp.get("/doc/<doc_id>")
def show(doc_id: str) -> str:
    doc = lookup_document(doc_id)
    state = QueryState.from_args(request.args)  # the search this page was opened from, if any
    q = state.get("q").strip()
    terms, hit_ids = search_hits(state, doc.doc_id)
    steps = hit_steps(hit_ids)
    paragraphs = [
        ParagraphView(
            para_id=p.para_id,
            label=p.label,
            page=p.page,
            role=p.role,
            html=highlight(p.text, terms),
            citation=reference(doc, p, permalink(doc.doc_id, p.para_id, external=True)),
            hit=steps.get(p.para_id),
        )
        for p in doc.paragraphs
    ]
    attendees: dict[str, list[str]] = {}
    for a in doc.attendees:
        who = " ".join(part for part in (a.department, a.name) if part)
        if who:
            attendees.setdefault(a.role, []).append(who)
    return render_template(
        "document.html",
        doc=doc,
        q=q,
        feeds=[cited_by_feed(doc.doc_id, doc.title)],
        back_url=search_href(state) if state.pairs else None,
        rows=metadata_rows(doc),
        doc_citation=reference(doc, None, permalink(doc.doc_id, external=True)),
        source_url=safe_source_url(doc.source_url),
        paragraphs=paragraphs,
        hit_ids=hit_ids,
        references=resolved_references(doc),
        lifecycle=document_lifecycle(doc.doc_id),
        relation_labels=RELATION_LABELS,
        event_labels=EVENT_LABELS,
        link_facts=link_facts,
        attendees=attendees,
    )
