"""Links between documents across a policy's life: reviewed at a meeting, issued, cited.

Minutes say what was reviewed (``Decision.subjects``) but never which document came out of it;
regulations say which State Council meeting adopted them (``metadata["adopted"]``) but the
meeting summaries rarely name the regulation. This module joins the two sides by tolerant title
keys and by meeting date. Everything here is a pure function over ``Document`` records (or the
light ``DocSummary`` built from them), so the links can be tested without an index and rebuilt
by the web app from whatever the store yields.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .models import MEETING_KINDS, Document
from .resolver import ReferenceResolver
from .summary import (
    STATE_COUNCIL,
    DocSummary,
    days_between,
    places_of,
    summarize,
    title_key,
)

# Relations as seen from the document that carries them.
ADOPTED_AT = "adopted_at"  # regulation -> the State Council meeting that adopted it
ADOPTED = "adopted"  # meeting -> regulation it adopted
REVIEWED_AT = "reviewed_at"  # issued document -> the meeting that reviewed its draft
ISSUED_AS = "issued_as"  # meeting -> document issued from a draft it reviewed

# Evidence for a link, strongest first.
BASIS_TITLE = "title"  # the other side names the document (tolerant title key)
BASIS_DRAFT = "draft"  # meeting summary adopted an unnamed / renamed 条例（草案）
BASIS_DATE = "date"  # only the meeting date agrees

# Drafts are issued within months; a longer gap means the index holds a later version of the
# document (revised since), whose date says nothing about when the reviewed draft was issued.
MAX_ISSUE_DAYS = 730  # shorter keys (条例, 办法) would link unrelated documents


@dataclass(frozen=True)
class Link:
    """One directed relation between two documents, stored once and shown from both ends."""

    relation: str  # ADOPTED_AT or REVIEWED_AT (seen from the later document)
    doc_id: str  # the later document: regulation or issued policy
    meeting_id: str  # the minutes
    meeting_date: str | None
    issued_date: str | None
    days: int | None  # meeting -> issue
    basis: str
    subject: str  # the title as the meeting saw it (or the regulation's title)
    para_id: str | None = None  # paragraph of the minutes with the decision
    number: int | None = None  # 国务院第N次常务会议


def _plausible(days: int | None) -> int | None:
    return days if days is not None and 0 <= days <= MAX_ISSUE_DAYS else None


def _meeting_rank(meeting: DocSummary) -> int:
    """Prefer the executive meeting (常务会议) when a plenary met on the same day."""
    return 0 if "常务" in (meeting.meeting_name or "") + (meeting.title or "") else 1


def _sc_basis(meeting: DocSummary, regulation: DocSummary) -> str:
    """How much the summary text supports a date-matched adoption (see the BASIS_* values)."""
    if any(key in meeting.text for key in regulation.title_keys):
        return BASIS_TITLE
    return BASIS_DRAFT if "草案" in meeting.text else BASIS_DATE


def adoption_links(docs: Iterable[DocSummary]) -> list[Link]:
    """Regulations adopted at 国务院第N次常务会议 -> the State Council summary of that date.

    The news summaries carry no meeting number, so the date is the key; ``basis`` records how
    far the summary itself supports the link (it names the regulation, or only "a draft").
    """
    docs = list(docs)
    meetings: dict[str, list[DocSummary]] = defaultdict(list)
    for d in docs:
        if d.is_state_council_meeting and d.date:
            meetings[d.date[:10]].append(d)
    links = []
    for reg in docs:
        adoptions = [a for a in reg.adopted if a.get("body") == STATE_COUNCIL and a.get("date")]
        latest = max((a["date"] for a in adoptions), default=None)
        for a in adoptions:
            candidates = sorted(meetings.get(a["date"][:10], []), key=_meeting_rank)
            if not candidates:
                continue
            meeting = candidates[0]
            issued = a.get("promulgated") or reg.date  # the issue date of the adopted version
            links.append(
                Link(
                    relation=ADOPTED_AT,
                    doc_id=reg.doc_id,
                    meeting_id=meeting.doc_id,
                    meeting_date=a["date"],
                    issued_date=issued,
                    # a later version's date says nothing about an earlier adoption
                    days=_plausible(days_between(a["date"], issued)) if a["date"] == latest else None,
                    basis=_sc_basis(meeting, reg),
                    subject=reg.title,
                    number=a.get("number"),
                )
            )
    return links


def issued_links(docs: Iterable[DocSummary]) -> list[Link]:
    """Drafts reviewed at a meeting -> the earliest document issued on or after that day.

    Titles are compared by ``title_key`` with the places of both the meeting body and the
    issuer removed, so 关于推进苏州市…实施意见（草案） finds 苏州市人民政府关于推进…的实施意见.
    """
    docs = list(docs)
    by_key: dict[str, list[DocSummary]] = defaultdict(list)
    for d in docs:
        if d.kind not in MEETING_KINDS:
            for key in d.title_keys:
                by_key[key].append(d)
    links = []
    for meeting in docs:
        places = places_of(meeting.meeting_body, meeting.issuer)
        seen: set[tuple[str, str]] = set()
        for subject, para_id in meeting.reviewed:
            key = title_key(subject, places)
            later = [
                d
                for d in by_key.get(key, [])
                if d.date and meeting.date and d.date >= meeting.date[:10]
                and (d.doc_id, key) not in seen
            ]
            if not later:
                continue
            issued = min(later, key=lambda d: (d.date, d.doc_id))
            seen.add((issued.doc_id, key))
            links.append(
                Link(
                    relation=REVIEWED_AT,
                    doc_id=issued.doc_id,
                    meeting_id=meeting.doc_id,
                    meeting_date=meeting.date,
                    issued_date=issued.date,
                    days=_plausible(days_between(meeting.date, issued.date)),
                    basis=BASIS_TITLE,
                    subject=subject,
                    para_id=para_id,
                )
            )
    return links


class LinkIndex:
    """All links of a corpus, looked up from either end; built once, then read-only."""

    def __init__(self, summaries: Iterable[DocSummary], resolver: ReferenceResolver | None = None):
        self.docs = {s.doc_id: s for s in summaries}
        docs = list(self.docs.values())
        adopted = adoption_links(docs)
        pairs = {(link.doc_id, link.meeting_id) for link in adopted}
        # a State Council summary that 通过《X条例（草案）》 also yields a title link; keep one
        self.links = adopted + [link for link in issued_links(docs) if (link.doc_id, link.meeting_id) not in pairs]
        self._by_doc: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            self._by_doc[link.doc_id].append(link)
            self._by_doc[link.meeting_id].append(link)
        self.resolver = resolver or ReferenceResolver(docs)
        self._cited_by = self.resolver.cited_by()

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> LinkIndex:
        return cls(summarize(d) for d in docs)

    def links_for(self, doc_id: str) -> list[dict[str, Any]]:
        """Links as seen from ``doc_id``: the other document, relation, dates and day count."""
        out = []
        for link in self._by_doc.get(doc_id, []):
            later_side = link.doc_id == doc_id
            other_id = link.meeting_id if later_side else link.doc_id
            other = self.docs.get(other_id)
            relation = link.relation
            if not later_side:
                relation = ADOPTED if link.relation == ADOPTED_AT else ISSUED_AS
            row = asdict(link)
            row.update(
                relation=relation,
                other_id=other_id,
                other_title=other.title if other else None,
                other_date=other.date if other else None,
                other_para_id=link.para_id if later_side else None,  # the minutes' decision paragraph
            )
            out.append(row)
        return sorted(out, key=lambda r: (r["meeting_date"] or "", r["other_id"]))

    def cited_by(self, doc_id: str) -> list[dict[str, Any]]:
        """Documents citing ``doc_id``, oldest first, with title, date and kind."""
        rows = [
            {"doc_id": d.doc_id, "title": d.title, "date": d.date, "kind": d.kind}
            for d in (self.docs[i] for i in self._cited_by.get(doc_id, []) if i in self.docs)
        ]
        return sorted(rows, key=lambda r: (r["date"] or "", r["doc_id"]))

    def timeline(self, doc_id: str) -> list[dict[str, Any]]:
        """Events of a policy in date order: reviewed/adopted at a meeting, issued, cited later."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return []
        events = []
        for link in self._by_doc.get(doc_id, []):
            if link.doc_id != doc_id:
                continue
            meeting = self.docs.get(link.meeting_id)
            events.append(
                {
                    "date": link.meeting_date,
                    "event": "adopted" if link.relation == ADOPTED_AT else "reviewed",
                    "doc_id": link.meeting_id,
                    "title": meeting.title if meeting else link.meeting_id,
                    "para_id": link.para_id,
                }
            )
        events.append({"date": doc.date, "event": "issued", "doc_id": doc_id, "title": doc.title, "para_id": None})
        events += [
            {"date": c["date"], "event": "cited", "doc_id": c["doc_id"], "title": c["title"], "para_id": None}
            for c in self.cited_by(doc_id)
        ]
        order = {"adopted": 0, "reviewed": 0, "issued": 1, "cited": 2}
        return sorted(events, key=lambda e: (e["date"] or "9999", order[e["event"]]))
