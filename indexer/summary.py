"""What linking and reference resolution need of a document: tolerant title keys, places, a summary.

A policy's title changes between stages (reviewed draft, issued document, later citation) and a
citation may or may not spell out the place; ``title_key`` gives the same key to all of them.
``DocSummary`` keeps the few fields the lifecycle links and the reference resolver read, so a
whole corpus can be held in memory cheaply.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from typing import Any

from .models import MEETING_KINDS, Document
from .normalize import fold

STATE_COUNCIL = "国务院"
# Decision verbs that put a draft before the meeting; 指出/强调 … only mention documents in force.
REVIEW_ACTIONS = frozenset({"原则同意", "同意", "通过", "原则通过", "审议", "审议通过", "讨论通过"})
MIN_KEY_LENGTH = 4

_STATUS = re.compile(
    r"[（(](?:草案|试行|暂行|征求意见稿|送审稿|修订草案|修订稿|代拟稿|讨论稿|草案稿|审议稿)[）)]"
)
# 苏州市人民政府办公室关于印发《X》的通知 -> X
_PROMULGATION = re.compile(r"^.*?关于(?:印发|转发|发布|公布|颁布)(.+?)的?(?:通知|决定|公告|令)$")
# 苏州市人民政府关于X -> 关于X (issuer before 关于)
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,20}?(?:人民政府|政府|办公厅|办公室|委员会|国务院)(?=关于)")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_ALWAYS_STRIPPED = ("中华人民共和国",)
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:省|市|自治区|自治州|县|区))(?:人民政府|人民代表大会)")


def places_of(*bodies: str | None) -> tuple[str, ...]:
    """Place names to ignore in titles, from issuing bodies (苏州市人民政府 -> 苏州市, 苏州).

    A draft reviewed by Suzhou's executive meeting is often titled 关于推进苏州市… while the issued
    document says 苏州市人民政府关于推进…; the place is context, not part of the policy's name.
    """
    found: list[str] = []
    for body in bodies:
        m = _PLACE.match(body or "")
        if m:
            place = m.group(1)
            found += [place, place[:-1]] if len(place) > 2 and place[-1] in "省市县区" else [place]
    return tuple(dict.fromkeys(sorted(found, key=len, reverse=True)))


def title_key(title: str, places: Iterable[str] = ()) -> str:
    """Matching key of a title: tolerant of 《》, status markers, places, 关于/印发 wrappers.

    Two titles of the same policy at different stages (reviewed draft, issued document, a later
    citation) give the same key; the display title is never replaced by it. Memoised: resolving
    the corpus's references asks for the keys of the same few thousand titles about 100,000 times.
    """
    return _title_key(title, tuple(places))


@lru_cache(maxsize=65536)
def _title_key(title: str, places: tuple[str, ...]) -> str:
    s = fold("".join(title.split()))
    s = s.replace("《", "").replace("》", "").replace("〈", "").replace("〉", "")
    m = _PROMULGATION.match(s)
    if m:
        s = m.group(1)
    s = _ISSUER.sub("", s)
    s = _STATUS.sub("", s)
    for place in (*_ALWAYS_STRIPPED, *(fold(p) for p in places)):
        s = s.replace(place, "")
    if s.startswith("关于"):
        s = s[2:]
    s = s.replace("的", "")
    return _NOT_WORD.sub("", s)


def days_between(start: str | None, end: str | None) -> int | None:
    """Whole days from ``start`` to ``end`` (ISO dates); None when either is missing or bad."""
    try:
        return (Date.fromisoformat(end[:10]) - Date.fromisoformat(start[:10])).days  # type: ignore[index]
    except (TypeError, ValueError):
        return None


@dataclass
class DocSummary:
    """The few fields linking needs, so a whole corpus can be held in memory cheaply."""

    doc_id: str
    kind: str
    title: str
    date: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    meeting_body: str | None = None
    meeting_name: str | None = None
    title_keys: frozenset[str] = frozenset()
    reviewed: list[tuple[str, str | None]] = field(default_factory=list)  # (subject title, para_id)
    reference_keys: frozenset[str] = frozenset()
    cited_numbers: frozenset[str] = frozenset()
    adopted: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""  # State Council summaries only, folded and without punctuation: do they name a regulation?
    # for the reference resolver: the jurisdiction's place names (none: national), the cited
    # titles with their 发文字号, and the titles acted on (where a short name gets its meaning)
    places: tuple[str, ...] = ()
    references: tuple[tuple[str, str | None], ...] = ()
    subjects: tuple[str, ...] = ()

    @property
    def is_state_council_meeting(self) -> bool:
        return self.kind in MEETING_KINDS and self.meeting_body == STATE_COUNCIL


def summarize(doc: Document) -> DocSummary:
    """Reduce a Document to what linking needs (title keys, subjects, references, adoptions)."""
    body = doc.meeting.body if doc.meeting else None
    places = places_of(doc.issuer, body)
    key = title_key(doc.title, places)
    reviewed = [
        (subject, dec.para_ids[0] if dec.para_ids else None)
        for item in doc.items
        for dec in item.decisions
        if dec.action in REVIEW_ACTIONS
        for subject in dec.subjects
    ]
    refs = {title_key(ref.title, places) for ref in doc.references}
    is_sc = doc.kind in MEETING_KINDS and body == STATE_COUNCIL
    return DocSummary(
        doc_id=doc.doc_id,
        kind=doc.kind,
        title=doc.title,
        date=doc.date,
        doc_number=doc.doc_number,
        issuer=doc.issuer,
        meeting_body=body,
        meeting_name=doc.meeting.name if doc.meeting else None,
        title_keys=frozenset([key] if len(key) >= MIN_KEY_LENGTH else []),
        reviewed=reviewed if doc.kind in MEETING_KINDS else [],
        reference_keys=frozenset(k for k in refs if len(k) >= MIN_KEY_LENGTH),
        cited_numbers=frozenset(doc.cited_numbers),
        adopted=list(doc.metadata.get("adopted") or []),
        text=_NOT_WORD.sub("", fold("".join(p.text for p in doc.paragraphs))) if is_sc else "",
        places=places_of(doc.issuer, body, doc.title),
        references=tuple((ref.title, ref.doc_number) for ref in doc.references),
        subjects=tuple(dict.fromkeys(s for item in doc.items for dec in item.decisions for s in dec.subjects)),
    )
