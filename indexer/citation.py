"""Document ids and citation strings: what a reader copies to point at one paragraph.

Ids must be stable across re-ingests (permalinks ``/doc/<doc_id>#<para_id>``), so they come from
stated metadata (JSONL id; body + meeting number for minutes) and only fall back to a content
hash. Citation labels use the short body name the documents themselves use
(苏州市政府第120次常务会议纪要), or the title preceded by the jurisdiction when the title does
not name it, plus the structural path and the printed page.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from indexer.divisions import short_forms
from indexer.labels import minutes_label, short_body
from indexer.models import Document, Extracted, Jurisdiction, Meeting, Paragraph

# Known meeting bodies get a readable id prefix; any other body gets a short hash of its name.
_BODY_SLUGS = {"苏州市人民政府": "suzhou-gov"}
_DOC_TYPE = {"minutes": "Z", "report": "Z", "policy": "Z", "other": "Z"}
_REPORT_WORDS = ("报告", "年报")
NATIONAL_WORDS = ("国务院", "中华人民共和国", "全国", "国家", "中共中央")


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


def names_jurisdiction(label: str, jur: Jurisdiction) -> bool:
    """The label already says whose document it is: the body (苏州市人民政府, 苏州市政府), its
    place in full or short form (上海口岸服务条例 names 上海市), or for a national body one of the
    words national texts are named with (国务院关于…, 中华人民共和国…)."""
    deepest = next((p for p in (jur.county, jur.prefecture, jur.province) if p), None)
    return _names(label, jur.name, jur.level == "国家", deepest)


@lru_cache(maxsize=4096)
def _names(label: str, body: str, national: bool, deepest: str | None) -> bool:
    """``names_jurisdiction`` on hashable values, memoised: every paragraph of a document asks
    the same question (on ingest and for every search hit)."""
    if national:
        return any(word in label for word in NATIONAL_WORDS)
    forms = {body, short_body(body), *([deepest, *short_forms(deepest)] if deepest else [])}
    return any(form and form in label for form in forms)


def citation_label(doc: Document, para: Paragraph) -> str:
    """``苏州市政府第120次常务会议纪要 二（一） 第3页``; page only when known. The one short
    label of a paragraph (search hits, the API, the CSV ``citation`` column, feeds): it names
    the jurisdiction when the document has one and its name does not already say it
    (``国务院 志愿服务条例 第三条``)."""
    label = document_label(doc)
    jur = doc.jurisdiction
    if jur and jur.name and not names_jurisdiction(label, jur):
        label = f"{short_body(jur.name)} {label}"
    parts = [label, para.label, f"第{para.page}页" if para.page else None]
    return " ".join(p for p in parts if p)


def gbt7714(doc: Document, para: Paragraph | None = None) -> str:
    """A GB/T 7714-2015 style reference: ``责任者. 题名[Z]. 日期: 页码. URL``.

    Minutes are cited under their issuing office (the 整理 office when known), other documents
    under their issuer, else under the jurisdiction's body; [R] marks reports (年度报告), everything else is [Z] (其他).
    A policy document's 发文字号 follows its title as other title information
    (``国务院关于…的通知: 国发〔2018〕39号[Z]``); the paragraph's label (第三条第二款) follows in brackets.
    """
    author = (doc.metadata.get("organiser") or doc.issuer or (doc.meeting.body if doc.meeting else None)
              or (doc.jurisdiction.name if doc.jurisdiction else None))
    kind = "R" if any(w in doc.title for w in _REPORT_WORDS) else _DOC_TYPE.get(doc.kind, "Z")
    title = document_label(doc)
    if doc.kind == "policy" and doc.doc_number and doc.doc_number not in title:  # 其他题名信息
        title = f"{title}: {doc.doc_number}"
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


def reference(doc: Document, para: Paragraph | None, url: str) -> str:
    """What a reader copies to cite one paragraph (or, without one, the document): its GB/T
    7714 reference and its permalink. The one string of the document page's 引用 and of the CSV
    export's ``citation`` column."""
    return f"{gbt7714(doc, para)} {url}"


def assign_citations(doc: Document) -> None:
    """Fill ``Paragraph.citation`` for every paragraph of a finished document."""
    for para in doc.paragraphs:
        para.citation = citation_label(doc, para)
