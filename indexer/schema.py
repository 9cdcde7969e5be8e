"""The Whoosh schema and the mapping from a ``Document`` to index records.

One Whoosh document per paragraph (``rtype="p"``), plus one record per source document
(``rtype="d"``) holding the whole ``Document`` as compressed JSON, so the index folder alone can
render any document and the two are replaced in the same commit.
"""
from __future__ import annotations

import json
import zlib
from typing import Any

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import policy_analyzer
from indexer.models import Document, Paragraph

FORMAT_VERSION = 2

PARA, DOC = "p", "d"
# Every record gets a value for every sortable column: Whoosh 2.7.4 writes a column only up
# to the last document that has a value, and reading past its end raises IndexError.
SORTABLE_DEFAULTS: dict[str, Any] = {"kind": "", "meeting": "", "date": "", "year": 0}
# BM25F weight of a paragraph by its role: titles, headings and decisions carry the meaning.
ROLE_BOOST = {"title": 2.0, "heading": 1.5, "decision": 1.4, "lead": 1.2}
TITLE_FIELD_BOOST = 1.5


def build_schema() -> Schema:
    """Facet fields are sortable ID/KEYWORD/NUMERIC columns so counts and sorts are cheap."""
    analyzer = policy_analyzer()
    return Schema(
        key=ID(stored=True, unique=True),  # "<doc_id>#<para_id>" or "<doc_id>" for the doc record
        rtype=ID(stored=True),
        doc_id=ID(stored=True),
        para_id=STORED(),
        sha1=STORED(),
        kind=ID(stored=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_FIELD_BOOST),
        meeting=ID(stored=True, sortable=True),  # label, e.g. 苏州市政府第120次常务会议
        meeting_no=NUMERIC(stored=True),
        item=STORED(),
        label=STORED(),  # structural path of the paragraph, e.g. 二（一）
        date=ID(stored=True, sortable=True),  # ISO; sorts newest/oldest
        year=NUMERIC(stored=True, sortable=True),
        departments=KEYWORD(stored=True, commas=True),
        lead_department=ID(stored=True),
        topics=KEYWORD(stored=True, commas=True),
        doc_number=ID(stored=True),
        references=KEYWORD(stored=True, commas=True),  # canonical 发文字号 cited by the document
        page=STORED(),
        citation=STORED(),
        role=ID(stored=True),
        text=TEXT(analyzer=analyzer, stored=True),
        payload=STORED(),
    )


def meeting_label(doc: Document) -> str | None:
    """Short display label of a meeting: 苏州市政府第120次常务会议, 国务院常务会议（2020-12-07）."""
    m = doc.meeting
    if m is None or not (m.body or m.name):
        return None
    body = (m.body or "").replace("人民政府", "政府")
    name = m.name or "会议"
    if m.number is not None:
        return f"{body}第{m.number}次{name}"
    return f"{body}{name}（{m.date or doc.date or '日期不详'}）"


def _keywords(values: list[str]) -> str:
    return ",".join(dict.fromkeys(v.replace(",", "，") for v in values if v))


def paragraph_record(doc: Document, para: Paragraph) -> dict[str, Any]:
    """Fields of one paragraph record (plus ``_boost`` by role)."""
    rec: dict[str, Any] = {
        "key": f"{doc.doc_id}#{para.para_id}",
        "rtype": PARA,
        "doc_id": doc.doc_id,
        "para_id": para.para_id,
        "kind": doc.kind,
        "title": doc.title,
        "item": para.item,
        "label": para.label,
        "departments": _keywords(para.departments),
        "lead_department": para.lead_department,
        "topics": _keywords(para.topics or doc.topics),
        "references": _keywords(doc.cited_numbers + [r.doc_number for r in doc.references if r.doc_number]),
        "page": para.page,
        "citation": para.citation,
        "role": para.role,
        "text": para.text,
        "_boost": ROLE_BOOST.get(para.role, 1.0),
    }
    return _clean({**rec, **_doc_fields(doc)})


def document_record(doc: Document) -> dict[str, Any]:
    """The whole-document record: metadata for filters/stats and the compressed JSON payload."""
    rec: dict[str, Any] = {
        "key": doc.doc_id,
        "rtype": DOC,
        "doc_id": doc.doc_id,
        "sha1": doc.sha1,
        "kind": doc.kind,
        "departments": _keywords(doc.departments),
        "topics": _keywords(doc.topics),
        "payload": encode_document(doc),
    }
    return _clean({**rec, **_doc_fields(doc)})


def _clean(rec: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields; sortable columns get their default instead."""
    out = {k: v for k, v in rec.items() if v not in (None, "")}
    for k, default in SORTABLE_DEFAULTS.items():
        if out.get(k) in (None, ""):
            out[k] = default
    return out


def _doc_fields(doc: Document) -> dict[str, Any]:
    return {
        "meeting": meeting_label(doc),
        "meeting_no": doc.meeting.number if doc.meeting else None,
        "date": doc.date,
        "year": doc.year,
        "doc_number": doc.doc_number,
    }


def encode_document(doc: Document) -> bytes:
    return zlib.compress(json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8"), 6)


def decode_document(blob: bytes) -> Document:
    return Document.from_dict(json.loads(zlib.decompress(blob).decode("utf-8")))
