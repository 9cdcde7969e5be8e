"""Matters and lead departments of meeting write-ups in their usual forms.

Items (agenda matters) are written one of four ways, tried in this order:

1. numbered headings 一、 (a heading that starts mid-line after 。 is split off first);
2. bare （一） headings when there is no 一、 level;
3. 一是 … 二是 … (the first may follow a colon inside the paragraph that announces the agenda);
4. 1. 2. (Arabic numbering, only when none of the above is used);
5. unnumbered write-ups: every paragraph that opens with what the meeting did (会议听取 / 会议审议
   / 会议研究 / 会议传达学习 / 会议原则通过 / 会上 …) is one matter; 会议还研究了其他事项 is not
   (but 会议还研究了《…》等其他事宜 is, it names them). One sentence that lists several documents
   each with its submitter (X提交的《…》, Y提交的《…》) holds one matter per document.

Lead departments (the body a decision is handed to, or that drafted / submitted / reported on
the document the meeting approved): 由X负责/牵头, 请X…, 交由X, X提交的/提出的/拟定的《…》,
提交X研究办理, and 听取X关于《T》的汇报 followed by the adoption of 《T》. A lead must be a
department (typed by :mod:`indexer.depttypes`); X要… (a directive) is not a lead.
"""
from __future__ import annotations

import re

from indexer.deptresolve import Resolved, Resolver

CN = "一二三四五六七八九十"
_MIDLINE_HEADING = re.compile(rf"(?<=[。；])\s*(?=[{CN}]{{1,3}}、)")
_BARE_L2 = re.compile(rf"^\s*[（(](?P<n>[{CN}]{{1,3}})[）)]\s*(?P<rest>.*)$")
_ARABIC = re.compile(r"^\s*(?P<n>\d{1,2})\s*[.．、](?!\d)")
_SHI = re.compile(rf"(?:^|[：:])\s*(?P<n>[{CN}]{{1,3}})是")
_MATTER = re.compile(
    r"^\s*(?:会议|会上)[，,]?(?:还|首先|集中|专题|专门|认真|深入|一并)?(?:讨论并?|审议并?|研究并?)?"
    r"(?:听取|审议|研究|传达|学习|讨论|审定|原则通过|原则同意|通过|同意|决定|部署)"
)
_NOT_A_MATTER = re.compile(r"^\s*会议还(?:讨论)?(?:研究|审议|讨论)了?(?:其他|其它)(?:事项|事宜|议题|工作)")
_TITLE = re.compile(r"《[^《》]+》")
_SUBMITTED = re.compile(r"(?P<x>[^，,。；了《》]{2,60}?)(?:提交|提出|拟定|拟制|起草|草拟|报送)的(?P<titles>(?:《[^《》]+》[、和及]?)+)")
_LEAD_BY = re.compile(
    r"(?:由|请|交由|责成)(?P<x>[^，,。；、由请要]{2,24}?)"
    r"(?:牵头|负责|会同|组织|按程序|根据|抓紧|进一步|做好|统筹|协调|尽快|认真|对|将|按照|结合|研究)"
)
_HANDED = re.compile(r"提交(?P<x>[^，,。；]{2,16}?)(?:研究|审议|审定|办理)")
_REPORT = re.compile(r"听取了?(?P<x>[^，,。；了《》]{2,30}?)关于《(?P<t>[^《》]+)》")
_JUNK_BEFORE = re.compile(r"^.*(?:通过|同意|审议|讨论|研究|听取|了|将)")
_UNIT_MAX = 20


def split_midline(texts: list[str]) -> list[str]:
    """Paragraphs with a 二、 heading that starts mid-line split before it."""
    out: list[str] = []
    for text in texts:
        out += [part for part in _MIDLINE_HEADING.split(text) if part.strip()] if "、" in text else [text]
    return out


def bare_l2(text: str) -> re.Match[str] | None:
    return _BARE_L2.match(text)


def arabic_label(text: str) -> str | None:
    """1. / 2、 label of a top-level matter (only when no Chinese numbering is used)."""
    m = _ARABIC.match(text)
    return m.group("n") if m else None


def shi_label(text: str) -> str | None:
    """一是/二是 label of a paragraph that opens a matter (二是研究部署…, 会议共有九项议题：一是…)."""
    m = _SHI.search(text[:40])
    return m.group("n") if m else None


def is_matter(text: str) -> bool:
    return bool(_MATTER.match(text)) and not (_NOT_A_MATTER.match(text) and not _TITLE.search(text))


def is_closing(text: str) -> bool:
    return bool(_NOT_A_MATTER.match(text)) and not _TITLE.search(text)


def submitted(text: str) -> list[tuple[str, str]]:
    """(submitter as written, title) for each document of an X提交的《…》 list."""
    out = []
    for m in _SUBMITTED.finditer(text):
        unit = _first_unit(m.group("x"))
        for title in _TITLE.findall(m.group("titles")):
            out.append((unit, title[1:-1]))
    return out


def _first_unit(phrase: str) -> str:
    phrase = _JUNK_BEFORE.sub("", phrase.strip("，,、 "))
    return phrase.split("、")[0].split("和")[0].strip()


def unit(resolver: Resolver, phrase: str) -> Resolved | None:
    """The department a lead phrase names, or None when it names none."""
    phrase = _first_unit(phrase)
    if not 2 <= len(phrase) <= _UNIT_MAX:
        return None
    return resolver.named_unit(phrase)


def lead_in(text: str, resolver: Resolver) -> Resolved | None:
    """The lead department a decision paragraph states (see the module docstring)."""
    for m in _SUBMITTED.finditer(text):
        if found := unit(resolver, m.group("x")):
            return found
    for pattern in (_LEAD_BY, _HANDED):
        for m in pattern.finditer(text):
            if found := unit(resolver, m.group("x")):
                return found
    return None


def reporters(text: str, resolver: Resolver) -> dict[str, Resolved]:
    """Title -> the body that reported on it (听取X关于《T》的汇报)."""
    out = {}
    for m in _REPORT.finditer(text):
        if found := unit(resolver, m.group("x")):
            out[m.group("t")] = found
    return out
