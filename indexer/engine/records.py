"""The Whoosh schema and the mapping from a ``Document`` to index records.

One Whoosh document per paragraph (``rtype="p"``), plus one record per source document
(``rtype="d"``) holding the whole ``Document`` as compressed JSON (``payload`` without the
paragraphs, ``paragraphs`` apart), so the index folder alone can render any document and the two
are replaced in the same commit.

A paragraph record stores and indexes only what differs per paragraph (format 5): its stored
tuple (``PARA_STORED``), its text, departments and topics. Document-level values (title, kind,
year, meeting, 发文字号, cited 发文字号) are indexed and stored once, on the document record; a
query on them, or a query word found in a title, is matched against the document records and
applied to all their paragraphs (``querytree.DocLevel``), and hits and facets join them through
a per-generation table (``store.IndexStore``). Repeating them on every paragraph made 40 % of
all postings (the year alone was 8 numeric terms per paragraph). No field is a sortable column:
facets and date sorting read the document table.
"""
from __future__ import annotations

import json
import zlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import MISSING, asdict, fields, replace
from typing import Any

from whoosh.columns import PickleColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.reading import IndexReader

from indexer.citation import citation_label
from indexer.engine.tokenizer import policy_analyzer
from indexer.labels import meeting_label
from indexer.models import Document, Jurisdiction, Meeting, Paragraph

FORMAT_VERSION = 9  # 6: tokenizer pickled as indexer.engine.tokenizer.PolicyTokenizer; jurisdictions; 7: legal_level;
# 8: a paragraph's departments are only those it names, leads or issued (no chapter/item
# inheritance), ``leads`` on paragraph records, ``issuers`` on document records and in ``info``;
# departments and their written forms in ``info``; ``indexed_at`` on the document record
# (payload and info), so feeds date entries by indexing;
# law paragraphs labelled by 款/项; ``article`` field (on an article's first paragraph, the
# words of its other 款/项 that paragraph lacks); 9: info and paragraphs in columns

PARA, DOC = "p", "d"
INFO_COLUMN, PARAGRAPHS_COLUMN = "info", "paragraphs"
# Indexed on the first paragraph of a law article of several paragraphs: the words of the
# article's other paragraphs (its later 款 and its 项) that the first paragraph does not hold
# itself (``index_records`` gives the tokens; the stored value is only a placeholder text). A
# query of several words matches that paragraph through ``text`` or this field, so the article is
# one unit for matching (words in two 款 find the article) and the hit is its 第X条 paragraph;
# since a word is in one of the two fields, never both, every paragraph the words match by
# themselves scores as before. Words only, no positions (no phrase spans two 款); only
# multi-paragraph articles have it.
ARTICLE_FIELD = "article"
# BM25F weight of a paragraph by its role: titles, headings and decisions carry the meaning.
ROLE_BOOST = {"title": 2.0, "heading": 1.5, "decision": 1.4, "lead": 1.2}
# Layout of the stored tuple of a paragraph record (trailing Nones are dropped). ``topics`` is
# set only when the paragraph's own topics differ from the document's, ``citation`` only when
# it is not the one ``citation_label`` derives.
PARA_STORED = ("para_id", "text", "item", "label", "page", "departments", "topics", "citation")
# Document-level values kept on the document record for hits, facets and sorting.
# The departments, their types and written forms are there so that the department directory is
# built from the tables every search already has, without decoding any document.
DOC_INFO = ("doc_id", "kind", "title", "date", "doc_number", "topics", "meeting", "jurisdiction", "departments",
            "department_types", "department_aliases", "issuers", "indexed_at")


def build_schema() -> Schema:
    """Searchable fields are indexed only; the stored ones are the paragraph tuple and the
    document record's sha1 and payload.

    A document's info and paragraphs are columns, not stored fields: Whoosh keeps all of a
    record's stored fields in one pickle, so reading the info of every document (the
    search tables, at every start) decoded the paragraphs of every document too (0.9 s of
    a 3 s start), and reading a document's metadata decoded all its text.
    """
    analyzer = policy_analyzer()
    return Schema(
        # Document-record fields: key (doc_id, finds it for sha1 checks), kind, title, meeting,
        # meeting_no, year, doc_number, references. Paragraph records: the rest.
        key=ID(unique=True),
        rtype=ID(),
        doc_id=ID(stored=True),  # stored on the document record only
        sha1=STORED(),
        kind=ID(),
        title=TEXT(analyzer=analyzer),
        meeting=ID(),  # label, e.g. 苏州市政府第120次常务会议
        meeting_no=NUMERIC(),
        year=NUMERIC(),
        departments=KEYWORD(commas=True),  # 涉及部门: named, led or issued (``enrich.tag_departments``)
        leads=KEYWORD(commas=True),  # 牵头部门: leads of the decisions in the paragraph
        issuers=KEYWORD(commas=True),  # 发文机关, on the document record
        topics=KEYWORD(commas=True),
        doc_number=KEYWORD(commas=True),  # its own 发文字号, and a law's promulgation/revision orders
        references=KEYWORD(commas=True),  # canonical 发文字号 cited by the document
        text=TEXT(analyzer=analyzer),
        article=TEXT(analyzer=analyzer, phrase=False),  # ARTICLE_FIELD, on an article's first paragraph
        para=STORED(),  # tuple laid out as PARA_STORED
        payload=STORED(),  # document record: the Document without its paragraphs …
        # … and, in columns of their own (``INFO_COLUMN``, ``PARAGRAPHS_COLUMN``), its paragraphs
        # (``encode_document``) and ``doc_info(doc)``
        info=COLUMN(PickleColumn(VarBytesColumn())),
        paragraphs=COLUMN(VarBytesColumn()),
    )


def keywords(values: list[str]) -> str:
    """Comma-joined values for a KEYWORD field (a comma inside a value becomes full-width)."""
    if not values:  # most paragraphs: several calls each at ingest
        return ""
    return ",".join(dict.fromkeys(v.replace(",", "，") for v in values if v))


def references_of(doc: Document) -> str:
    """Keyword string of the 发文字号 the document cites."""
    return keywords(doc.cited_numbers + [r.doc_number for r in doc.references if r.doc_number])


def paragraph_record(doc: Document, para: Paragraph, rest: Sequence[Paragraph] = ()) -> dict[str, Any]:
    """Fields of one paragraph record (plus ``_boost`` by role); ``rest`` are the other
    paragraphs of the law article ``para`` opens (``articles.article_groups``), whose text the
    ``article`` field is analysed from unless ``writer.index_records`` gives its tokens (only
    the words ``para`` lacks)."""
    own_topics = keywords(para.topics)
    stored = [
        para.para_id,
        para.text,
        para.item,
        para.label,
        para.page,
        keywords(para.departments) or None,
        own_topics if para.topics and own_topics != keywords(doc.topics) else None,
        para.citation if para.citation != citation_label(doc, para) else None,
    ]
    while stored[-1] is None:
        stored.pop()
    rec: dict[str, Any] = {
        "rtype": PARA,
        "doc_id": doc.doc_id,
        "departments": keywords(para.departments),
        "leads": keywords(para.leads),
        "topics": own_topics or keywords(doc.topics),
        "text": para.text,
        ARTICLE_FIELD: "\n".join(p.text for p in rest),
        "para": tuple(stored),
        "_boost": ROLE_BOOST.get(para.role, 1.0),
    }
    return _clean(rec)


def document_record(doc: Document) -> dict[str, Any]:
    """The whole-document record: sha1, the document-level values queries match, the info hits
    need, and the compressed JSON payload."""
    return _clean({
        "key": doc.doc_id,
        "rtype": DOC,
        "doc_id": doc.doc_id,
        "sha1": doc.sha1,
        "kind": doc.kind,
        "meeting": meeting_label(doc),
        "meeting_no": doc.meeting.number if doc.meeting else None,
        "year": doc.year,
        "doc_number": keywords([doc.doc_number or "", *doc.metadata.get("orders", [])]),
        "references": references_of(doc),
        "issuers": keywords(doc.issuers),
        "title": doc.title,
        INFO_COLUMN: doc_info(doc),
        **dict(zip(("payload", PARAGRAPHS_COLUMN), encode_document(doc))),
    })


def _clean(rec: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields (Whoosh would index an empty term)."""
    return {k: v for k, v in rec.items() if v not in (None, "")}


def doc_info(doc: Document) -> dict[str, Any]:
    """The document-level values hits show, as plain data (no empty values)."""
    info = {name: getattr(doc, name) for name in DOC_INFO}
    info["meeting"] = asdict(doc.meeting) if doc.meeting else None
    info["jurisdiction"] = asdict(doc.jurisdiction) if doc.jurisdiction else None
    info["legal_level"] = doc.metadata.get("legal_level")  # 效力级别: a search facet
    return {k: v for k, v in info.items() if v not in (None, "", [], {})}


def info_document(info: dict[str, Any]) -> Document:
    """A ``Document`` with only the ``doc_info`` values: enough for labels and citations."""
    info = dict(info)
    meeting, place = info.get("meeting"), info.get("jurisdiction")
    level = info.pop("legal_level", None)
    return Document(**{**info, "meeting": Meeting(**meeting) if meeting else None,
                       "jurisdiction": Jurisdiction(**place) if place else None,
                       "metadata": {"legal_level": level} if level else {}})


def hit_fields(doc: Document, stored: tuple[Any, ...]) -> dict[str, Any]:
    """The flat field dict of one paragraph hit, from its document and its stored tuple.

    ``doc`` is an ``info_document``; the keys are those format 2 stored per paragraph.
    """
    para = dict(zip(PARA_STORED, stored))
    label_para = Paragraph(para["para_id"], "", page=para.get("page"), label=para.get("label"))
    return {
        "doc_id": doc.doc_id,
        "para_id": para["para_id"],
        "title": doc.title,
        "kind": doc.kind,
        "date": doc.date,
        "meeting": meeting_label(doc),
        "item": para.get("item"),
        "label": para.get("label"),
        "departments": para.get("departments"),
        "topics": para.get("topics") or keywords(doc.topics),
        "doc_number": doc.doc_number,
        "jurisdiction": doc.jurisdiction.name if doc.jurisdiction else None,
        "indexed_at": doc.indexed_at,
        "page": para.get("page"),
        "text": para["text"],
        "citation": para["citation"] if para.get("citation") is not None else citation_label(doc, label_para),
    }


def column_values(reader: IndexReader, name: str) -> Callable[[int], Any]:
    """``docnum -> value`` of the column ``name`` (None where a record has none), for any
    reader: Whoosh's multi-segment column reader skips segments without the column and then
    maps later docnums to the wrong segment, and an empty index has no column reader at all.
    A segment's column is opened when first read (opening reads its offsets, one per record):
    a document page reads one value."""
    leaves = list(reader.leaf_readers())
    starts = [offset for _, offset in leaves]
    columns: dict[int, Any] = {}

    def value(docnum: int) -> Any:
        i = bisect_right(starts, docnum) - 1
        leaf, offset = leaves[i]
        if i not in columns:
            columns[i] = leaf.column_reader(name) if leaf.has_column(name) else None
        column = columns[i]
        return (column[docnum - offset] or None) if column is not None else None
    return value


def encode_document(doc: Document) -> tuple[bytes, bytes]:
    """``(payload, paragraphs)``: the document without its paragraphs, and the paragraphs, each
    as compressed JSON. Corpus-wide pages (decisions, document links) read every document but
    the paragraphs of few; decoding the paragraphs of all 4,000 documents took 5 s."""
    data = replace(doc, paragraphs=[]).to_dict()
    del data["paragraphs"]
    return _pack(data), _pack([_paragraph_data(p) for p in doc.paragraphs])


_PARAGRAPH_DEFAULTS = tuple(
    (f.name, f.default_factory() if f.default_factory is not MISSING else f.default) for f in fields(Paragraph))


def _paragraph_data(para: Paragraph) -> dict[str, Any]:
    """A paragraph's fields without those at their default (``Paragraph(**data)`` restores
    them): most paragraphs have no label, page, lead or topics of their own. On the whole shared
    corpus the paragraphs' JSON shrinks from 189 to 165 MB before compression, and so takes
    less time to encode and compress on the ingest's one serial process."""
    return {name: value for name, default in _PARAGRAPH_DEFAULTS if (value := getattr(para, name)) != default}


def decode_document(payload: bytes, paragraphs: bytes | None = None) -> Document:
    """The stored ``Document``; without ``paragraphs`` its paragraph list is empty."""
    data = _unpack(payload)
    data["paragraphs"] = _unpack(paragraphs) if paragraphs is not None else []
    return Document.from_dict(data)


def decode_paragraphs(paragraphs: bytes) -> list[Paragraph]:
    return [Paragraph(**p) for p in _unpack(paragraphs)]


def _pack(value: Any) -> bytes:
    """Compressed JSON, at zlib's fastest level: level 6 made the paragraphs of the whole shared
    corpus 13 % smaller than level 1 (25.8 against 29.8 MB) for 2.9 times the time, on the
    ingest's one serial process."""
    return zlib.compress(json.dumps(value, ensure_ascii=False).encode("utf-8"), 1)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))
