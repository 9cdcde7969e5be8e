"""State Council meeting summaries (新闻联播 write-ups of 国务院常务会议 / 全体会议).

They have no numbered items: the lead sentence lists the agenda (研究…；部署…；听取…), and each
later paragraph opens with what the meeting did (会议指出 / 认为 / 决定 / 强调 / 要求 / 通过).
Those paragraphs become items labelled 一, 二, … with one decision each, so the decision table
and citations work the same way as for municipal minutes.
"""
from __future__ import annotations

import re

import cn2an

from indexer import topics
from indexer.citation import document_id
from indexer.models import Decision, Document, Extracted, Item, Layout, Meeting, Paragraph, RawParagraph
from indexer.references import find_references, titles_in
from indexer.structure.common import cn_int, finish, heading_of, merge, new_paragraph

_CHAIR = re.compile(
    r"国务院(?:总理|副总理)(?P<chair>[\u4e00-\u9fff]{2,3}?)(?=\d|[一二三四五六七八九十]+[月日]|主持|今天|今日|昨天|近日)"
)
_CONVENED = re.compile(
    r"主持召开(?:新一届)?国务院(?:第(?P<n>[一二三四五六七八九十百\d]+)次)?(?:常务|全体)会议[，,：:]?"
)
_AGENDA_LINE_MAX = 40
AGENDA_VERBS = ("研究", "部署", "听取", "审议", "通过", "确定", "决定", "讨论", "要求", "核准", "原则通过")
_AGENDA_START = re.compile("^(?:" + "|".join(sorted(AGENDA_VERBS, key=len, reverse=True)) + ")")
# What the meeting did, at the start of a paragraph (possibly after a short 为… clause).
ITEM_ACTIONS = ("指出", "认为", "决定", "强调", "要求", "通过", "原则通过", "听取", "审议", "确定", "部署", "研究")
_ITEM = re.compile(
    r"^(?:[^。]{0,40}?[，,])?会议(?P<action>" + "|".join(sorted(ITEM_ACTIONS, key=len, reverse=True)) + ")"
)


def agenda_topics(lead: str) -> list[str]:
    """Agenda of the meeting from the lead sentence, one entry per 研究/部署/听取/… clause."""
    m = _CONVENED.search(lead)
    if not m:
        return []
    rest = lead[m.end():].rstrip("。")
    topics_: list[str] = []
    for clause in re.split(r"[，；;,]", rest):
        clause = clause.strip()
        if not clause:
            continue
        if _AGENDA_START.match(clause) or not topics_:
            topics_.append(clause)
        else:
            topics_[-1] += "，" + clause
    return topics_


def _agenda_lines(raws: list[RawParagraph]) -> list[str]:
    """Agenda printed as headline lines under a bare 主持召开国务院常务会议 lead."""
    lines: list[str] = []
    for raw in raws:
        if len(raw.text) > _AGENDA_LINE_MAX or not _AGENDA_START.match(raw.text):
            break
        lines.append(raw.text.strip())
    return lines


def parse_state_council(extracted: Extracted, layout: Layout) -> Document:
    meta = extracted.meta
    raws = layout.paragraphs
    issuer = meta.get("issuer") or "国务院常务会议"
    lead = raws[0].text if raws else ""
    chair = _CHAIR.search(lead)
    convened = _CONVENED.search(lead)
    meeting = Meeting(body="国务院", name=issuer.removeprefix("国务院") or "常务会议", date=meta.get("date"),
                      chair=chair.group("chair") if chair else None,
                      number=cn_int(convened.group("n")) if convened and convened.group("n") else None)
    doc = Document(
        doc_id=document_id(extracted, None), kind="minutes", title=meta.get("title") or lead[:40],
        date=meta.get("date"), issuer=issuer, source=extracted.source, source_url=meta.get("source_url"),
        fmt=extracted.fmt, sha1=extracted.sha1, meeting=meeting, page_count=layout.page_count,
        metadata={**layout.trailer, "agenda": agenda_topics(lead) or _agenda_lines(raws[1:])},
    )
    references = find_references("\n".join(r.text for r in raws))
    paragraphs: list[Paragraph] = []
    items: list[Item] = []
    for i, raw in enumerate(raws):
        text = raw.text
        m = _ITEM.match(text) if i else None
        if i == 0:
            new_paragraph(paragraphs, text, raw.page, role="lead")
            continue
        if m:
            label = cn2an.an2cn(len(items) + 1)
            para = new_paragraph(paragraphs, text, raw.page, label=label, item=label, role="decision")
            item = Item(label=label, heading=heading_of(text), topics=topics.classify("", text))
            item.decisions.append(Decision(label=label, action=m.group("action"), subjects=titles_in(text, references),
                                           para_ids=[para.para_id]))
            item.para_ids.append(para.para_id)
            items.append(item)
        else:
            new_paragraph(paragraphs, text, raw.page)
    doc.paragraphs, doc.items = paragraphs, items
    doc.topics = merge(*(it.topics for it in items))[:3] or topics.classify(doc.title, lead)
    return finish(doc, local=False)
