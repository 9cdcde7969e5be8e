"""Laws, regulations and judicial interpretations: chapters as items, articles as citable paragraphs.

The promulgation lines at the top (``2004年10月13日 国务院第66次常务会议通过`` /
``2004年10月21日 中华人民共和国国务院令第423号公布``) are kept as paragraphs and also read into
metadata: ``adopted`` (the meetings that adopted or revised the text) is what links a regulation
to the State Council meeting, ``promulgated`` (the last 公布/发布 date) and the order number say
when and as what it was issued.
"""
from __future__ import annotations

import re
from typing import Any

from indexer import topics
from indexer.articles import article_groups, label_clauses
from indexer.citation import document_id
from indexer.docnumber import find_doc_numbers, normalize_doc_number
from indexer.layout import DATE_TEXT, to_iso_date
from indexer.models import Document, Extracted, Item, Layout, Paragraph, Parsed
from indexer.structure.common import ARTICLE, CHAPTER, CN_DIGITS, cn_int, new_paragraph, untitled

_NTH = rf"第[{CN_DIGITS}\d]+次"
# What the meeting did, read in a lookahead so that a joint adoption (最高人民法院审判委员会第N次会议、
# 日期 最高人民检察院…第M次会议通过) yields both meetings: 通过 / 修订通过 / 审议通过, a bare 修订 or
# 第二次修正, or 通过的《…修正案》修正. ``通过的《…》`` alone is not an adoption of this text.
_ADOPTED = re.compile(
    rf"(?P<date>{DATE_TEXT})\s*(?P<body>[^\s，,、。；]*?)第(?P<n>[{CN_DIGITS}\d]+)次(?:常务会议|会议)"
    rf"(?=(?:、[^\n。；]{{0,60}}?)?(?P<verb>(?:审议)?(?:修订|修正)?通过(?!的)"
    rf"|通过的《[^》\n]{{1,120}}》(?:{_NTH})?(?:修订|修正)|(?:{_NTH})?(?:修订|修正)))"
)
_REVISION = re.compile("修订|修正")
_REVISION_OR_PROMULGATION = re.compile("修订|修正|公布|发布")
# ``2017年3月16日 中华人民共和国国务院令第677号公布``: the date nearest before 公布/发布 on a line that
# starts with a date (``…会议批准2015年4月1日青岛市…公告公布`` is promulgated on the second date).
_DATE_START = re.compile(rf"^\s*{DATE_TEXT}")
_PROMULGATED = re.compile(
    rf"(?P<date>{DATE_TEXT})(?P<by>(?:(?!{DATE_TEXT})[^\n，,。；《》])*?)(?:公布|发布)(?!之日|的)"
)


def adoption_records(text: str) -> list[dict[str, Any]]:
    """``{body, number, date}`` for every 第N次(常务)会议通过/修订 in the promulgation lines.

    ``revision: True`` marks a meeting that revised or amended an existing text (修订/修正)
    rather than adopting it the first time.
    """
    out: list[dict[str, Any]] = []
    if "会议" not in text:  # the header of a law without articles can be its whole text
        return out
    for m in _ADOPTED.finditer(text):
        record: dict[str, Any] = {
            "body": m.group("body") or None, "number": cn_int(m.group("n")), "date": to_iso_date(m.group("date"))}
        if _REVISION.search(m.group("verb")):
            record["revision"] = True
        out.append(record)
    return out


def promulgation(line: str) -> tuple[str, str | None] | None:
    """(ISO date, canonical order number or None) of a 公布/发布 line; None for other lines."""
    m = _PROMULGATED.search(line) if ("公布" in line or "发布" in line) and _DATE_START.match(line) else None
    date = to_iso_date(m.group("date")) if m else None
    if not m or not date:
        return None
    # only a line naming exactly one order: in 国务院、中央军事委员会令第578号 the order is joint
    order = normalize_doc_number(m.group("by"))
    return date, order if order and "令" in order else None


def own_orders(lines: list[str]) -> list[str]:
    """The orders that issued this text or a revision of it (``…国务院令第711号修订``): they are
    the document's own numbers, so a search for one finds this text before those citing it."""
    found: list[str] = []
    for line in lines:
        if _DATE_START.match(line) and _REVISION_OR_PROMULGATION.search(line):
            found += [canon for _, _, canon in find_doc_numbers(line) if "令" in canon]
    return list(dict.fromkeys(found))


def read_promulgation(lines: list[str]) -> dict[str, Any]:
    """Metadata of the lines above the first chapter/article: adopted, promulgated, order.

    An adoption directly followed by a 公布 line gets that line's date as its own
    ``promulgated``: the issue date of that version, which later amendments do not move.
    """
    adopted: list[dict[str, Any]] = []
    found = [promulgation(line) for line in lines]
    for line, following in zip(lines, [*found[1:], None]):
        records = adoption_records(line)
        if following:
            for record in records:
                record["promulgated"] = following[0]
        adopted += records
    stated = [f for f in found if f]
    orders = [order for _, order in stated if order]
    meta: dict[str, Any] = {}
    if adopted:
        meta["adopted"] = adopted
    if stated:
        meta["promulgated"] = stated[-1][0]
    if orders:
        meta["order"] = orders[-1]
    return meta


def parse_law(extracted: Extracted, layout: Layout) -> Parsed:
    meta = extracted.meta
    raws = layout.paragraphs
    title = meta.get("title") or (raws[0].text if raws else untitled("法规", meta.get("issuer"), meta.get("date")))
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
    header: list[str] = []  # promulgation lines above the first chapter/article
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
                header.append(text)
            para = new_paragraph(paragraphs, text, raw.page, label=article, item=chapter.label if chapter else None)
        if chapter:
            chapter.para_ids.append(para.para_id)
    for group in article_groups(paragraphs):
        label_clauses(group)  # 第三条第二款, 第三条第（一）项
    doc.paragraphs, doc.items = paragraphs, items
    stated = read_promulgation(header)
    order = stated.pop("order", None)
    doc.metadata.update(stated)
    doc.doc_number = doc.doc_number or order
    own = own_orders(header)
    if own:
        doc.metadata["orders"] = own
    doc.topics = topics.classify(title, "\n".join(p.text for p in paragraphs[:200]))
    for item in items:
        item.topics = list(doc.topics)
    return Parsed(doc, suzhou_forms="苏州" in f"{doc.issuer or ''}{title}")
