"""Policy documents (通知, 意见, 方案 …) and the generic fallback for any other text.

Both are read the same way: a title block, optionally a 发文字号 line and the addressees (主送,
the line ending with ：), then numbered sections 一、 / （一） / 1. that become items and labels,
then the signature and date. Stated metadata (JSONL title, doc_number, date, topic) wins over
what is read from the text.
"""
from __future__ import annotations

import re

from indexer import topics
from indexer.citation import document_id
from indexer.docnumber import normalize_doc_number
from indexer.layout import to_iso_date
from indexer.models import Document, Extracted, Item, Layout, Paragraph, Parsed, RawParagraph
from indexer.references import clean_title
from indexer.structure.common import LEVEL1, LEVEL2, LEVEL3, heading_of, new_paragraph, untitled

_ADDRESSEE_MAX = 200
_ADDRESSEE_POSITION = 3  # 主送 comes right after the title (and a 发布时间 line on web pages)
_TITLE_BLOCK_MAX = 4  # title lines before the number / addressees
_TITLE_MAX = 80
_SIGNATURE_MAX = 30
_DERIVED_TITLE_MAX = 100  # a first paragraph up to this long can be a title line  # 国务院办公厅 above the date line


_SENTENCE_MARKS = re.compile(r"[。；，！？;!?]")


def _printed_title_around(acc: str, target: str) -> bool:
    """Whether ``acc`` is a printed title line that contains the (shorter) stated one.

    A PDF's own title (政府信息公开工作年度报告) can be a part of the printed title; a sentence
    that quotes the title (现公布…《…条例》，自…起施行。) is not a title, whatever it contains.
    """
    if target not in acc or len(acc) > _TITLE_MAX or _SENTENCE_MARKS.search(acc):
        return False
    return f"《{target}》" not in acc


def _title_block(raws: list[RawParagraph], title: str | None, authoritative: bool) -> tuple[str | None, int]:
    """The title and how many leading paragraphs it spans (gov.cn splits titles over lines).

    An ``authoritative`` title (the source record's own) is kept as stated: the printed lines
    only say how many paragraphs it spans. File metadata (PDF/DOCX title) may be a part of
    the printed title, which then wins.
    """
    if title:
        target, acc = clean_title(title), ""
        for i, raw in enumerate(raws[:_TITLE_BLOCK_MAX]):
            acc += clean_title(raw.text)
            if acc == target:
                return title, i + 1
            if not authoritative and _printed_title_around(acc, target):
                return acc, i + 1
            if len(acc) > _TITLE_MAX:
                break
        return title, 0
    for i, raw in enumerate(raws[: _TITLE_BLOCK_MAX + 1]):
        if normalize_doc_number(raw.text.strip()) and len(raw.text) < 30 and i:
            return "".join(clean_title(r.text) for r in raws[:i]), i
    return derived_title(raws)


def derived_title(raws: list[RawParagraph]) -> tuple[str | None, int]:
    """Title of a document that states none, and how many paragraphs it consumes.

    A title-sized first paragraph is the title (consumed: it becomes the title paragraph,
    whole). A longer one stays body text in full and lends the document its first sentence
    (shortened with …) as a label: a derived title never removes text from the body.
    """
    if not raws:
        return None, 0
    first = clean_title(raws[0].text)
    if len(first) <= _DERIVED_TITLE_MAX:
        return first, 1
    return heading_of(first, limit=_TITLE_MAX), 0


def _is_doc_number_line(text: str) -> str | None:
    text = text.strip()
    return normalize_doc_number(text) if len(text) <= 30 else None


def _is_date_line(text: str) -> bool:
    return len(text.strip()) <= 16 and to_iso_date(text) is not None


def parse_sections(extracted: Extracted, layout: Layout, kind: str) -> Parsed:
    meta = extracted.meta
    raws = layout.paragraphs
    stated = meta.get("title") or meta.get("pdf_title") or meta.get("file_title")
    title, used = _title_block(raws, stated, authoritative=bool(meta.get("title")) and extracted.fmt == "jsonl")
    doc = Document(
        doc_id=document_id(extracted), kind=kind, title=title or untitled("文件", meta.get("issuer"), meta.get("date")), source=extracted.source,
        source_url=meta.get("source_url"), fmt=extracted.fmt, sha1=extracted.sha1,
        issuer=meta.get("issuer") or meta.get("source_name"), page_count=layout.page_count, metadata=dict(layout.trailer),
    )
    doc.doc_number = normalize_doc_number(meta.get("doc_number") or "") or None
    paragraphs: list[Paragraph] = []
    if title and (used or stated):  # a title derived from a body paragraph is not repeated
        new_paragraph(paragraphs, title, raws[0].page if raws else None, role="title")
    items: list[Item] = []
    item: Item | None = None
    sub: str | None = None
    lead_done = False
    for raw in raws[used:]:
        text = raw.text
        number = _is_doc_number_line(text)
        if number and not paragraphs[1:]:
            doc.doc_number = doc.doc_number or number
            continue
        if len(paragraphs) <= _ADDRESSEE_POSITION and text.rstrip().endswith(("：", ":")) \
                and len(text) <= _ADDRESSEE_MAX and "addressees" not in doc.metadata and not LEVEL1.match(text):
            doc.metadata["addressees"] = text.rstrip().rstrip("：:")
            new_paragraph(paragraphs, text, raw.page, role="body")
            continue
        if m := LEVEL1.match(text):
            item = Item(label=m.group("n"), heading=heading_of(text))
            items.append(item)
            sub = None
            para = new_paragraph(paragraphs, text, raw.page, label=item.label, item=item.label, role="heading")
        elif (m := LEVEL2.match(text)) and item:
            sub = f"（{m.group('n')}）"
            para = new_paragraph(paragraphs, text, raw.page, label=item.label + sub, item=item.label)
        elif (m := LEVEL3.match(text)) and item:
            label = item.label + (sub or "") + (f"{m.group('n')}." if m.group("n") else f"（{m.group('m')}）")
            para = new_paragraph(paragraphs, text, raw.page, label=label, item=item.label)
        else:
            role = "lead" if not lead_done and not items and len(text) > 20 else "body"
            para = new_paragraph(paragraphs, text, raw.page, item=item.label if item else None, role=role)
            if _is_date_line(text) and "issued" not in doc.metadata and len(paragraphs) > 1 \
                    and len(paragraphs[-2].text) <= _SIGNATURE_MAX:
                doc.metadata["issued"] = to_iso_date(text)  # the date under the signature
        lead_done = lead_done or para.role == "lead" or bool(items)
        if item:
            item.para_ids.append(para.para_id)
    doc.paragraphs, doc.items = paragraphs, items
    # 成文日期 (stated, or the date under the signature) is the document's date; 发布时间 is the web page's
    doc.date = meta.get("date") or meta.get("written") or doc.metadata.get("issued") or meta.get("published")
    topic_label = meta.get("topic")
    if topic_label:
        doc.metadata["topic"] = topic_label
        top = topics.top_level_of(topic_label)
        doc.topics = [top] if top else []
    body = "\n".join(p.text for p in paragraphs)
    if not doc.topics:
        doc.topics = topics.classify(doc.title, body)
    for it in items:
        it.topics = list(doc.topics)
    return Parsed(doc, suzhou_forms="苏州" in f"{doc.issuer or ''}{doc.title}")


def parse_policy(extracted: Extracted, layout: Layout) -> Parsed:
    return parse_sections(extracted, layout, "policy")


def parse_generic(extracted: Extracted, layout: Layout) -> Parsed:
    return parse_sections(extracted, layout, extracted.meta.get("kind") or "other")
