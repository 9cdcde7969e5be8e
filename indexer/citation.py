"""Document ids and citation strings: what a reader copies to point at one paragraph.

Ids must be stable across re-ingests (permalinks ``/doc/<doc_id>#<para_id>``), so they come from
stated metadata (JSONL id; body + meeting number for minutes) and only fall back to a content
hash. Citation labels use the short body name the documents themselves use
(苏州市政府第120次常务会议纪要) plus the structural path and the printed page.
"""
from __future__ import annotations

import hashlib

from indexer.labels import minutes_label
from indexer.models import Document, Extracted, Meeting, Paragraph

# Known meeting bodies get a readable id prefix; any other body gets a short hash of its name.
_BODY_SLUGS = {"苏州市人民政府": "suzhou-gov"}
_DOC_TYPE = {"minutes": "Z", "report": "Z", "policy": "Z", "other": "Z"}
_REPORT_WORDS = ("报告", "年报")


def document_id(extracted: Extracted, meeting: Meeting | None = None) -> str:
    """JSONL id; else body + meeting number for numbered minutes; else a content hash."""
    meta_id = extracted.meta.get("id")
    if meta_id:
        return str(meta_id)
    if meeting and meeting.body and meeting.number is not None:
        slug = _BODY_SLUGS.get(meeting.body) or hashlib.sha1(meeting.body.encode("utf-8")).hexdigest()[:6]
        return f"{slug}-exec-{meeting.number}" if meeting.body in _BODY_SLUGS else f"exec-{slug}-{meeting.number}"
    digest = extracted.sha1 or hashlib.sha1(
        "\n".join(p.text for p in extracted.pages).encode("utf-8")
    ).hexdigest()
    return f"doc-{digest[:12]}"


def document_label(doc: Document) -> str:
    """Name of the document in a citation: minutes by body and number, others by title."""
    return minutes_label(doc) or doc.title


def citation_label(doc: Document, para: Paragraph) -> str:
    """``苏州市政府第120次常务会议纪要 二（一） 第3页``; page only when known."""
    parts = [document_label(doc), para.label, f"第{para.page}页" if para.page else None]
    return " ".join(p for p in parts if p)


def gbt7714(doc: Document, para: Paragraph | None = None) -> str:
    """A GB/T 7714-2015 style reference: ``责任者. 题名[Z]. 日期: 页码. URL``.

    Minutes are cited under their issuing office (the 整理 office when known), other documents
    under their issuer; [R] marks reports (年度报告), everything else is [Z] (其他).
    """
    author = doc.metadata.get("organiser") or doc.issuer or (doc.meeting.body if doc.meeting else None)
    kind = "R" if any(w in doc.title for w in _REPORT_WORDS) else _DOC_TYPE.get(doc.kind, "Z")
    title = document_label(doc)
    if para is not None and para.label:
        title = f"{title}（{para.label}）"
    ref = f"{author}. {title}[{kind}]" if author else f"{title}[{kind}]"
    if doc.date:
        ref += f". {doc.date}"
        if para is not None and para.page:
            ref += f": {para.page}"
    ref += "."
    if doc.source_url:
        ref += f" {doc.source_url}."
    return ref


def assign_citations(doc: Document) -> None:
    """Fill ``Paragraph.citation`` for every paragraph of a finished document."""
    for para in doc.paragraphs:
        para.citation = citation_label(doc, para)
