"""Laws, regulations and judicial interpretations: chapters as items, articles as citable paragraphs.

The promulgation lines at the top (``2004年10月13日 国务院第66次常务会议通过``) are kept as
paragraphs and also read into ``metadata["adopted"]``: they are what links a regulation to the
State Council meeting that adopted it.
"""
from __future__ import annotations

import re

from indexer import topics
from indexer.citation import document_id
from indexer.docnumber import normalize_doc_number
from indexer.layout import DATE_TEXT, to_iso_date
from indexer.models import Document, Extracted, Item, Layout, Paragraph
from indexer.structure.common import ARTICLE, CHAPTER, CN_DIGITS, cn_int, finish, new_paragraph

_ADOPTED = re.compile(
    rf"(?P<date>{DATE_TEXT})\s*(?P<body>[^\s，,、。；]*?)第(?P<n>[{CN_DIGITS}\d]+)次(?P<meeting>常务会议|会议)(?:审议)?通过"
)


def adoption_records(text: str) -> list[dict]:
    """``{body, number, date}`` for every 第N次(常务)会议通过 in the promulgation lines."""
    out = []
    for m in _ADOPTED.finditer(text):
        body = m.group("body")
        out.append({"body": body or None, "number": cn_int(m.group("n")), "date": to_iso_date(m.group("date"))})
    return out


def parse_law(extracted: Extracted, layout: Layout) -> Document:
    meta = extracted.meta
    raws = layout.paragraphs
    title = meta.get("title") or (raws[0].text if raws else extracted.source)
    doc = Document(
        doc_id=document_id(extracted), kind=meta.get("kind") or "other", title=title, source=extracted.source,
        source_url=meta.get("source_url"), fmt=extracted.fmt, sha1=extracted.sha1, issuer=meta.get("issuer"),
        date=meta.get("date"), page_count=layout.page_count, metadata=dict(layout.trailer),
    )
    doc.doc_number = normalize_doc_number(meta.get("doc_number") or "") or None
    if meta.get("topic"):
        doc.metadata["topic"] = meta["topic"]
    paragraphs: list[Paragraph] = []
    start = 0
    if raws and raws[0].text.strip() == title.strip():
        start = 1
    new_paragraph(paragraphs, title, raws[0].page if raws else None, role="title")
    items: list[Item] = []
    chapter: Item | None = None
    article: str | None = None
    promulgation: list[str] = []
    for raw in raws[start:]:
        text = raw.text
        if (m := CHAPTER.match(text)) and len(text) <= 40:
            if m.group("unit") == "节" and chapter:
                para = new_paragraph(paragraphs, text, raw.page, item=chapter.label, role="heading")
            else:
                chapter = Item(label=m.group("label"), heading=text.strip())
                items.append(chapter)
                para = new_paragraph(paragraphs, text, raw.page, label=chapter.label, item=chapter.label, role="heading")
            article = None
        elif m := ARTICLE.match(text):
            article = m.group("label")
            para = new_paragraph(paragraphs, text, raw.page, label=article, item=chapter.label if chapter else None,
                                 role="article")
        else:
            if not items and article is None:
                promulgation.append(text)
            para = new_paragraph(paragraphs, text, raw.page, label=article, item=chapter.label if chapter else None)
        if chapter:
            chapter.para_ids.append(para.para_id)
    doc.paragraphs, doc.items = paragraphs, items
    adopted = adoption_records("\n".join(promulgation))
    if adopted:
        doc.metadata["adopted"] = adopted
    doc.topics = topics.classify(title, "\n".join(p.text for p in paragraphs[:200]))
    for item in items:
        item.topics = list(doc.topics)
    local = "苏州" in f"{doc.issuer or ''}{title}"
    return finish(doc, local=local)
