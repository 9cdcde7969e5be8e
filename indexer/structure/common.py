"""Pieces every document parser shares: numbered labels, department mentions, finishing a record."""
from __future__ import annotations

import re
from collections.abc import Callable

import cn2an

from indexer import topics
from indexer.citation import assign_citations
from indexer.deptresolve import Resolver
from indexer.depttypes import get_taxonomy
from indexer.gazetteer import get_gazetteer
from indexer.models import MEETING_KINDS, Document, Item, Paragraph
from indexer.references import cited_numbers, find_references
from indexer.structure.actions import action_type, is_decision

CN_DIGITS = "一二三四五六七八九十百千零〇两"
# Numbered headings, outermost first: 一、 / （一） / 1. or （1）.
LEVEL1 = re.compile(rf"^\s*(?P<n>[{CN_DIGITS}]{{1,4}})、")
LEVEL2 = re.compile(rf"^\s*[（(](?P<n>[{CN_DIGITS}]{{1,4}})[）)]")
LEVEL3 = re.compile(r"^\s*(?:(?P<n>\d{1,2})[.．、](?!\d)|[（(](?P<m>\d{1,2})[）)])")
ARTICLE = re.compile(rf"^\s*(?P<label>第(?P<n>[{CN_DIGITS}\d]+)条(?:之[{CN_DIGITS}]+)?)\s*")
CHAPTER = re.compile(rf"^\s*(?P<label>第(?P<n>[{CN_DIGITS}\d]+)(?P<unit>[章编节]))\s*(?P<title>.*)$")
_FIRST_SENTENCE = re.compile(r"^(.+?[。；！？])")
# The 发布时间/来源/发文字号 … line of a web page: facts about the page (the extractor already put
# them in ``Extracted.meta``), not body text.
_PAGE_FACT = re.compile(
    r"^\s*[【\[]?(?:发布时间|发布日期|发文日期|成文日期|印发日期|来源|信息来源|文章来源|发文字号|发文机关|"
    r"索引号|主题分类|标题|作者|责任编辑|浏览次数|点击数|阅读次数|字号)[】\]]?\s*[：:]"
)
_PAGE_FACT_MAX = 150
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def cn_int(text: str) -> int | None:
    """一百二十 -> 120, 120 -> 120; None when it is not a number."""
    try:
        return int(text) if text.isdigit() else int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def is_page_facts(text: str) -> bool:
    """True for a web page's 发布时间：… 来源：… line (a short labelled line, not a sentence)."""
    return len(text) <= _PAGE_FACT_MAX and "。" not in text and bool(_PAGE_FACT.match(text))


def month_day_date(text: str, known: str | None) -> str | None:
    """ISO date of a 12月7日 without a year, in the year of ``known`` (a date on or after it,
    such as the day a news page was published); None when either is missing."""
    m = _MONTH_DAY.search(text)
    if not m or not known or not known[:4].isdigit():
        return None
    year, month, day = int(known[:4]), int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    return iso if iso <= known[:10] else f"{year - 1:04d}-{month:02d}-{day:02d}"


def heading_of(text: str, limit: int = 60) -> str:
    """The heading part of a numbered paragraph: its first sentence, shortened if long."""
    m = _FIRST_SENTENCE.match(text)
    head = (m.group(1) if m else text).rstrip("。；！？")
    return head if len(head) <= limit else head[:limit] + "…"


def departments_in(text: str, local: bool) -> list[str]:
    """Canonical names of the departments mentioned in ``text``, first appearance order."""
    return list(dict.fromkeys(m.canonical for m in get_gazetteer().find(text, local=local)))


def merge(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst if x))


def new_paragraph(paragraphs: list[Paragraph], text: str, page: int | None, **fields: object) -> Paragraph:
    """Append a paragraph with the next id (p1, p2, … in reading order)."""
    para = Paragraph(para_id=f"p{len(paragraphs) + 1}", text=text, page=page, **fields)  # type: ignore[arg-type]
    paragraphs.append(para)
    return para


def tag_departments(doc: Document, own: dict[str, list[str]]) -> None:
    """Each paragraph gets its item's departments plus its own mentions; the document all of them.

    Attendance lists are skipped: everyone attends, so they would tag every department.
    """
    by_item = {item.label: item.departments for item in doc.items}
    seen: list[str] = []
    for para in doc.paragraphs:
        if para.role == "attendance":
            continue
        para.departments = merge(by_item.get(para.item or "", []), own[para.para_id], [para.lead_department or ""])
        seen += para.departments
    doc.departments = merge(seen)


def item_departments(item: Item, own: dict[str, list[str]]) -> list[str]:
    leads = [d.lead_department or "" for d in item.decisions]
    return merge(leads, *(own.get(pid, []) for pid in item.para_ids))


def _department_scanner(doc: Document, local: bool, body: str) -> Callable[[str], list[str]]:
    """Department names of one paragraph, read as the document's own government writes them.

    Suzhou's documents, laws, policies and the State Council keep the curated gazetteer (with
    ``local`` saying whether city-relative forms are Suzhou's). Other governments' minutes are read
    with the national taxonomy, each mention resolved against the document's jurisdiction, plus
    the gazetteer's unambiguous forms (national ministries); their types go to
    ``doc.department_types``.
    """
    if local or doc.kind not in MEETING_KINDS or (doc.jurisdiction and doc.jurisdiction.level == "国家"):
        return lambda text: departments_in(text, local)
    resolver = Resolver(doc.jurisdiction, body)

    def scan(text: str) -> list[str]:
        found = resolver.find(text)
        for r in found:
            doc.department_types.setdefault(r.name, r.type)
            if r.written != r.name:
                doc.department_aliases.setdefault(r.written, r.name)
        return merge([r.name for r in found], departments_in(text, False))

    return scan


def _type_decisions(doc: Document) -> None:
    """Controlled action type and decision/remark flag of every decision (see structure.actions)."""
    texts = {p.para_id: p.text for p in doc.paragraphs}
    for item in doc.items:
        for dec in item.decisions:
            if dec.action_type is None:
                dec.action_type = action_type(" ".join(texts.get(pid, "") for pid in dec.para_ids), dec.action)
                dec.is_decision = is_decision(dec.action_type)
            if dec.lead_department and dec.lead_type:
                doc.department_types.setdefault(dec.lead_department, dec.lead_type)


def _fill_types(doc: Document) -> None:
    taxonomy = get_taxonomy()
    for name in doc.departments:
        if name not in doc.department_types and (typed := taxonomy.classify(name)):
            doc.department_types[name] = typed[0]


def finish(doc: Document, local: bool) -> Document:
    """References, cited numbers, departments, topics fallback and citations of a parsed document."""
    body = "\n".join(p.text for p in doc.paragraphs if p.role != "attendance")
    doc.references = find_references(body)
    doc.cited_numbers = [n for n in cited_numbers(body) if n != doc.doc_number]
    _type_decisions(doc)
    scan = _department_scanner(doc, local, body)
    # one scan per paragraph serves both the items and the paragraphs
    own = {p.para_id: scan(p.text) for p in doc.paragraphs if p.role != "attendance"}
    for item in doc.items:
        if not item.departments:
            item.departments = item_departments(item, own)
    tag_departments(doc, own)
    if doc.kind in MEETING_KINDS:
        _fill_types(doc)
    if not doc.topics:
        doc.topics = merge(*(item.topics for item in doc.items)) or topics.classify(doc.title, body)
    for para in doc.paragraphs:
        if not para.topics:
            owner = next((i for i in doc.items if i.label == para.item), None)
            para.topics = list(owner.topics) if owner and owner.topics else list(doc.topics)
    assign_citations(doc)
    return doc
