"""Meeting records of any Chinese government: 常务会议纪要, portal write-ups, 办公会, 主任会议.

The record is read in this order, each step by a rule of the genre rather than of one source:

1. the opening sentence (:mod:`indexer.structure.opening`): meeting type, number, chair, the
   level of the body speaking; page chrome before it (breadcrumbs, 索引号, 发布时间) is header;
2. the date (:mod:`indexer.structure.dating`), its year from the document's own dating;
3. the jurisdiction (:mod:`indexer.jurisdiction`), from the places the text names;
4. items and decisions (:mod:`indexer.structure.matters`), leads resolved against the
   jurisdiction (:mod:`indexer.deptresolve`). Suzhou's own 纪要 keep the curated gazetteer and
   their decision rules (:mod:`indexer.structure.suzhou_decisions`).
"""
from __future__ import annotations

import re

import cn2an

from indexer import topics
from indexer.citation import document_id
from indexer.deptresolve import Resolver, is_suzhou
from indexer.jurisdiction import BODY, CITED, HEADER, LEAD, cited_titles, from_issuer, resolve
from indexer.layout import ATTENDANCE_START
from indexer.models import Attendee, Decision, Document, Extracted, Item, Layout, Meeting, Paragraph, Parsed, RawParagraph
from indexer.references import find_references, titles_in
from indexer.structure import matters
from indexer.structure.actions import action_type, is_decision, opening_verb
from indexer.structure.attendance import prose_attendees, read_block
from indexer.structure.common import LEVEL1, LEVEL2, merge, new_paragraph, untitled
from indexer.structure.dating import dating_in, meeting_date
from indexer.structure.opening import Opening, convened_at, find_chair, find_meeting, read_opening, stated_count
from indexer.structure.suzhou_decisions import decision_action, follow_up, item_subject, lead_department

__all__ = ["parse_minutes", "decision_action", "item_subject"]
_LEAD_SEARCH = 25  # paragraphs that may hold the opening sentence (after page chrome)
_TITLE_MAX = 80
_SENTENCE = re.compile(r"[。，,；;]")
_DID = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])?\s*(?:会议|会上)")
# a numbered paragraph that itself decides (（一）原则同意…，由县财政局负责…)
_DECIDES = re.compile(r"同意|通过|决定|由[^，,。；]{2,20}?(?:负责|牵头)|请[^，,。；]{2,20}?(?:负责|牵头)")
_TIME_LABEL = re.compile(r"^\s*时\s*间\s*[：:]")


def _is_title(text: str) -> bool:
    """A headline: short, no sentence punctuation, names a meeting."""
    return len(text) <= _TITLE_MAX and not _SENTENCE.search(text) and bool(find_meeting(text))


def find_lead(texts: list[str]) -> int | None:
    """Index of the opening sentence: a meeting convened, with a date or a full sentence."""
    for i, text in enumerate(texts[:_LEAD_SEARCH]):
        if find_meeting(text) and convened_at(text) >= 0 and not _is_title(text):
            return i
    return None


def _opening(texts: list[str], lead: int | None, meta: dict) -> tuple[Opening, str | None]:
    """The opening read from the lead sentence, completed from the title line; and the title."""
    header = texts[:lead] if lead is not None else texts[:5]
    title = meta.get("title") or next((t.strip() for t in header if _is_title(t)), None)
    op = read_opening(texts[lead]) if lead is not None else Opening()
    if title:
        more = read_opening(title)
        for name in ("name", "type", "number", "term", "year", "level"):
            if getattr(op, name) is None:
                setattr(op, name, getattr(more, name))
        if more.body != "政府" and op.body == "政府":
            op.body = more.body
    if not op.chair:
        found = find_chair("\n".join(texts[: lead + 3 if lead is not None else _LEAD_SEARCH]))
        if found:
            op.chair, op.chair_title, op.acting = found
    return op, title


def _dating(header: list[str], meta: dict, trailer: dict) -> str | None:
    return dating_in("\n".join(header)) or meta.get("published") or meta.get("date") or trailer.get("issued") or trailer.get("organised")


def parse_minutes(extracted: Extracted, layout: Layout) -> Parsed:
    meta = extracted.meta
    trailer = dict(layout.trailer)
    raws = [RawParagraph(t, r.page) for r in layout.paragraphs for t in matters.split_midline([r.text])]
    texts = [r.text for r in raws]
    lead = find_lead(texts)
    lead_text = texts[lead] if lead is not None else ""
    header = texts[:lead] if lead is not None else []
    op, title = _opening(texts, lead, meta)
    verb_at = convened_at(lead_text)
    opening_text = lead_text[: verb_at + 12] if verb_at >= 0 else lead_text[:40]
    if lead is None:  # a 纪要 with labelled header lines: 时 间：2016年11月29日上午
        opening_text = next((t for t in texts[:_LEAD_SEARCH] if _TIME_LABEL.match(t)), "")
    date, problem = meeting_date(opening_text, _dating(header, meta, trailer), op.year)
    body_text = "\n".join(texts)
    zones = [("\n".join([*header, title or "", str(meta.get("issuer") or ""), str(trailer.get("organiser") or "")]), HEADER),
             (lead_text, LEAD), (cited_titles(body_text), CITED), (body_text, BODY)]
    jur = resolve(zones, op.level, op.body) or from_issuer(meta.get("issuer"))
    meeting = Meeting(
        body=jur.name if jur else None, name=op.name, number=op.number, date=date, chair=op.chair,
        type=op.type, chair_title=op.chair_title, acting=op.acting, term=op.term,
        agenda_count=stated_count(body_text), date_problem=problem,
    )
    if not title:  # the source states none: name the minutes as the genre does, from what the text says
        meeting_name = op.name or "会议"
        title = untitled(f"第{op.number}次{meeting_name}纪要" if op.number else f"{meeting_name}纪要",
                         jur.name if jur else None, None if jur and op.number else date)
    doc = Document(
        # a news page about the meeting (市政府召开第120次常务会议) must not take the minutes' own id
        doc_id=document_id(extracted, meeting if "纪要" in (meta.get("title") or "纪要") else None),
        kind="minutes", title=title, date=date, issuer=jur.name if jur else None, source=extracted.source,
        source_url=meta.get("source_url"), fmt=extracted.fmt, sha1=extracted.sha1, meeting=meeting,
        page_count=layout.page_count, metadata=trailer, jurisdiction=jur,
    )
    local = is_suzhou(jur)
    builder = _Builder(doc, find_references(body_text), Resolver(jur, body_text), local)
    builder.run(raws, lead)
    if trailer.get("recorder"):
        builder.attendees.append(Attendee("记录", trailer["recorder"], None))
    for it in builder.items:
        text = "\n".join(p.text for p in builder.paragraphs if p.para_id in it.para_ids)
        it.topics = topics.classify(it.heading, text)
    doc.paragraphs, doc.items, doc.attendees = builder.paragraphs, builder.items, builder.attendees
    doc.topics = merge(*(it.topics for it in builder.items))
    return Parsed(doc, suzhou_forms=local)


class _Builder:
    """Paragraphs, items and decisions of one record, in reading order."""

    def __init__(self, doc: Document, references: list, resolver: Resolver, local: bool):
        self.doc, self.references, self.resolver, self.local = doc, references, resolver, local
        self.paragraphs: list[Paragraph] = []
        self.items: list[Item] = []
        self.attendees: list[Attendee] = []
        self.item: Item | None = None
        self.reported: dict = {}

    def open_item(self, label: str, heading: str) -> Item:
        self.item = Item(label=label, heading=heading, subject=item_subject(heading))
        self.items.append(self.item)
        self.reported = {}
        return self.item

    def decide(self, para: Paragraph, label: str, text: str) -> Decision:
        action = (None if self.local else opening_verb(text)) or decision_action(text)
        kind = action_type(text, action)
        dec = Decision(label=label, action=action, subjects=titles_in(text, self.references),
                       para_ids=[para.para_id], action_type=kind, is_decision=is_decision(kind))
        if self.local:
            dec.lead_department = para.lead_department = lead_department(text)
            dec.follow_up = follow_up(text)
        else:
            self.reported.update(matters.reporters(text, self.resolver))
            lead = matters.lead_in(text, self.resolver)
            if not lead and dec.is_decision:  # 听取X关于《T》的汇报 … 原则同意《T》
                lead = next((self.reported[t] for t in dec.subjects if t in self.reported), None)
            if lead:
                dec.lead_department = para.lead_department = lead.name
                dec.lead_written, dec.lead_type = lead.written, lead.type
            # the Suzhou verb rules read （一）-paragraphs; elsewhere the typed action is the verb
            dec.action = kind or action
        if self.item is not None:
            self.item.decisions.append(dec)
        return dec

    def run(self, raws: list[RawParagraph], lead: int | None) -> None:
        texts = [r.text for r in raws]
        after = texts[(lead or -1) + 1:]
        scheme = ("l1" if any(LEVEL1.match(t) for t in after) else
                  "l2" if any(matters.bare_l2(t) for t in after) else
                  "shi" if any(matters.shi_label(t) for t in after) else
                  "arabic" if sum(bool(matters.arabic_label(t)) for t in after) >= 2 else "matter")
        for i, raw in enumerate(raws):
            text = raw.text
            if ATTENDANCE_START.match(text):
                _, people, display = read_block(text, local=self.local)
                self.attendees += people
                new_paragraph(self.paragraphs, display, raw.page, role="attendance")
                self.item = None
                continue
            if i == lead:
                para = new_paragraph(self.paragraphs, text, raw.page, role="lead")
                self._submitted(para, text)
                if not self.local:
                    self.attendees += prose_attendees(text)
                continue
            if lead is not None and i < lead:
                new_paragraph(self.paragraphs, text, raw.page, role="header")
                continue
            self._body(raw, text, scheme)
        if lead is not None and not self.local:  # 出席/列席 in prose, after the opening or at the end
            for i in sorted({lead + 1, len(raws) - 2, len(raws) - 1}):
                if lead < i < len(raws):
                    self.attendees += prose_attendees(texts[i])

    def _submitted(self, para: Paragraph, text: str) -> None:
        """One sentence listing documents with their submitters: one matter per document."""
        pairs = matters.submitted(text) if not self.local else []
        if len(pairs) < 2:
            return
        for _, title in pairs:
            item = self.open_item(cn2an.an2cn(len(self.items) + 1), f"《{title}》")
            dec = self.decide(para, item.label, text)
            dec.subjects = [title]
            found = matters.unit(self.resolver, next(u for u, t in pairs if t == title))
            if found:
                dec.lead_department, dec.lead_written, dec.lead_type = found.name, found.written, found.type
            item.para_ids.append(para.para_id)
        self.item = None

    def _body(self, raw: RawParagraph, text: str, scheme: str) -> None:
        page = raw.page
        label = None
        if scheme == "l1" and (m := LEVEL1.match(text)):
            label = m.group("n")
        elif scheme == "l2" and (m := matters.bare_l2(text)):
            label = m.group("n")
        elif scheme == "shi" and (n := matters.shi_label(text)):
            label = n
        elif scheme == "arabic" and (n := matters.arabic_label(text)):
            label = n
        elif scheme == "matter" and matters.is_matter(text):
            label = cn2an.an2cn(len(self.items) + 1)
        if label is not None:
            self.open_item(label, text)
            role = "heading" if scheme in ("l1", "l2") else "decision"
            para = new_paragraph(self.paragraphs, text, page, label=label, item=label, role=role)
            # a heading that is itself a sentence of what the meeting did (一、会议原则通过了…)
            if role == "decision" or (not self.local and (_DID.match(text) or _DECIDES.search(text))):
                self.decide(para, label, text)
        elif self.item and scheme == "l1" and (m := LEVEL2.match(text)):
            sub = f"（{m.group('n')}）"
            para = new_paragraph(self.paragraphs, text, page, label=self.item.label + sub, item=self.item.label,
                                 role="decision")
            self.decide(para, sub, text)
        elif self.item and not self.local and text.lstrip().startswith(("会议", "会上")) and not matters.is_closing(text):
            para = new_paragraph(self.paragraphs, text, page, label=None, item=self.item.label, role="decision")
            self.decide(para, self.item.label, text)
        else:
            if text.startswith("会上") or matters.is_closing(text) or not self.item:
                self.item = None
            para = new_paragraph(self.paragraphs, text, page, item=self.item.label if self.item else None, label=None)
        if self.item:
            self.item.para_ids.append(para.para_id)
