"""State Council meeting summaries (新闻联播 write-ups of 国务院常务会议 / 全体会议).

They have no numbered items: the lead sentence lists the agenda (研究…；部署…；听取…), and later
paragraphs open with what the meeting did (会议指出 / 认为 / 决定 / 强调 / 要求 / 通过), or, at a
plenary, with the premier's speech (李克强说，…). Each such paragraph opens an item labelled 一,
二, … with one decision; the paragraphs after it (（一）… lists, explanations) belong to that item
until the next one opens, so departments, topics and citations reach them too. A few summaries
print an agenda headline above each part (研究部署…); there the headline opens the item and every
会议X paragraph under it is one of its decisions. Only the background before the first item and
the closing 会议还研究了其他事项 belong to no item; the editors' credits go to metadata.
"""
from __future__ import annotations

import re
from dataclasses import replace

import cn2an

from indexer import topics
from indexer.citation import document_id
from indexer.jurisdiction import STATE_COUNCIL
from indexer.models import Decision, Document, Extracted, Item, Layout, Meeting, Paragraph, Parsed, RawParagraph, Reference
from indexer.references import find_references, titles_in
from indexer.structure.common import cn_int, heading_of, merge, new_paragraph

_CHAIR = re.compile(
    r"国务院(?:总理|副总理)(?P<chair>[\u4e00-\u9fff]{2,3}?)(?=\d|[一二三四五六七八九十]+[月日]|主持|今天|今日|昨天|近日)"
)
_CONVENED = re.compile(
    r"主持召开(?:新一届)?国务院(?:第(?P<n>[一二三四五六七八九十百\d]+)次)?(?:常务|全体)会议[，,：:]?"
)
_AGENDA_LINE_MAX = 40
AGENDA_VERBS = ("研究", "部署", "听取", "审议", "通过", "确定", "决定", "讨论", "要求", "核准", "原则通过")
_AGENDA_START = re.compile("^(?:" + "|".join(sorted(AGENDA_VERBS, key=len, reverse=True)) + ")")
# What the meeting did, at the start of a paragraph (possibly after a 为…/按照… clause):
# 会议指出, 会议还审议了, 会议讨论并原则通过, 会议深入分析了, 会议专门听取了.
ITEM_ACTIONS = ("指出", "认为", "决定", "强调", "要求", "通过", "原则通过", "听取", "审议", "确定", "部署", "研究",
                "批准", "明确", "提出", "分析", "讨论", "学习", "肯定")
_ACTIONS = "|".join(sorted(ITEM_ACTIONS, key=len, reverse=True))
_PURPOSE = r"^(?:[^。]{0,100}?[，,])?"
_PURPOSE_IN_HEADING = 20  # a longer purpose clause is left out of the item heading
_ITEM = re.compile(rf"{_PURPOSE}会议还?(?:讨论并?|深入|集中|专门|进一步|认真|充分)?(?P<action>{_ACTIONS})")
# 会议对进一步加强和改进最低生活保障工作进行了部署 / 会议对…提出了指导意见
_ITEM_ON = re.compile(rf"{_PURPOSE}会议对[^。]{{1,60}}?(?:作出|作了|进行了?|提出了?)(?P<action>部署|研究|指导意见)")
_CLOSING = re.compile(r"^会议还(?:研究|讨论)了?其他事项")
_CREDITS = re.compile(r"\s*[（(](?P<credits>(?:视频|文字)编辑[：:][^（）()]*)[）)]\s*$")
# The chair's own words at a plenary: 李克强说，… / 温家宝在会上作了讲话。
_SPEECH_VERBS = {"说": "讲话", "作了讲话": "讲话", "发表讲话": "讲话", "指出": "指出", "强调": "强调", "要求": "要求"}
_SPEECH = "(?:在会上|在讲话中)?(?P<verb>" + "|".join(sorted(_SPEECH_VERBS, key=len, reverse=True)) + ")"


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


def _is_headline(text: str, lead: str) -> bool:
    """An agenda headline printed above its part: short, no sentence, an agenda clause."""
    text = text.strip()
    return (len(text) <= _AGENDA_LINE_MAX and not re.search("[。；：:]", text)
            and bool(_AGENDA_START.match(text) or text in lead))


def _opening(text: str, chair: str | None) -> tuple[str, str] | None:
    """(action, heading) of a paragraph that opens an item (指出, 决定, 讲话 …), None for others.

    The heading is the first sentence; a long 按照…/为… clause before 会议 is left out of it, so
    that the heading says what the meeting did.
    """
    if m := _ITEM.match(text) or _ITEM_ON.match(text):
        start = text.rfind("会议", 0, m.start("action"))
        return m.group("action"), heading_of(text[start:] if start > _PURPOSE_IN_HEADING else text)
    if chair and (m := re.match(re.escape(chair) + _SPEECH, text)):
        return _SPEECH_VERBS[m.group("verb")], heading_of(text)
    return None


class _Items:
    """Items as the paragraphs open them, and the item a following paragraph belongs to."""

    def __init__(self, references: list[Reference]) -> None:
        self.items: list[Item] = []
        self.current: Item | None = None
        self.headed = False  # the current item was opened by a headline: 会议X lines are its decisions
        self.references = references

    def open(self, heading: str, headed: bool) -> Item:
        label = cn2an.an2cn(len(self.items) + 1)
        self.current = Item(label=label, heading=heading)
        self.items.append(self.current)
        self.headed = headed
        return self.current

    def decide(self, item: Item, para: Paragraph, action: str) -> None:
        item.decisions.append(Decision(label=item.label, action=action,
                                       subjects=titles_in(para.text, self.references), para_ids=[para.para_id]))
        item.topics = merge(item.topics, topics.classify("", para.text))

    def close(self) -> None:
        self.current, self.headed = None, False


def parse_state_council(extracted: Extracted, layout: Layout) -> Parsed:
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
        doc_id=document_id(extracted, None), kind="report", title=meta.get("title") or lead[:40],
        date=meta.get("date"), issuer=issuer, source=extracted.source, source_url=meta.get("source_url"),
        fmt=extracted.fmt, sha1=extracted.sha1, meeting=meeting, page_count=layout.page_count,
        metadata={**layout.trailer, "agenda": agenda_topics(lead) or _agenda_lines(raws[1:])},
    )
    texts = [raw.text for raw in raws]
    credits: list[str] = []
    for i, text in enumerate(texts):
        if m := _CREDITS.search(text):
            credits.append(m.group("credits").strip())
            texts[i] = text[: m.start()]
    items = _Items(find_references("\n".join(texts)))
    paragraphs: list[Paragraph] = []
    for i, (raw, text) in enumerate(zip(raws, texts)):
        if i == 0:
            new_paragraph(paragraphs, text, raw.page, role="lead")
            continue
        if not text.strip():
            continue
        following = texts[i + 1] if i + 1 < len(texts) else ""
        opening = None if _CLOSING.match(text) else _opening(text, meeting.chair)
        # a run of headlines under a bare lead is the agenda, a lone one heads its part
        if (_is_headline(text, lead) and following and not _is_headline(following, lead)
                and not (i > 1 and _is_headline(texts[i - 1], lead))):
            item = items.open(text.strip(), headed=True)
            para = new_paragraph(paragraphs, text, raw.page, label=item.label, item=item.label, role="heading")
        elif opening:
            action, heading = opening
            item = items.current if items.current and items.headed else items.open(heading, headed=False)
            para = new_paragraph(paragraphs, text, raw.page, label=item.label, item=item.label, role="decision")
            items.decide(item, para, action)
        else:
            if _CLOSING.match(text):
                items.close()
            label = items.current.label if items.current else None
            para = new_paragraph(paragraphs, text, raw.page, label=label, item=label)
        if items.current:
            items.current.para_ids.append(para.para_id)
    if credits:
        doc.metadata["credits"] = credits
    doc.paragraphs, doc.items = paragraphs, items.items
    doc.topics = merge(*(it.topics for it in doc.items))[:3] or topics.classify(doc.title, lead)
    doc.jurisdiction = replace(STATE_COUNCIL)
    return Parsed(doc)
