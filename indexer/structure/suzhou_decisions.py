"""Decisions of municipal minutes in Suzhou's 纪要 form: verbs, subjects, leads and next steps.

Shape (the seed): a lead sentence (date, chair, meeting number, agenda), 会议议定以下意见：, agenda
items 一、…五、 whose sub-paragraphs （一）（二）… are the decisions: verb (原则同意 …), the
documents acted on (《…》, short names resolved), the lead department (由市工信局…) and the
next step (按程序发文实施 …). Then the 学法 paragraph, the 出席/列席 lists and the trailer.

Decision actions (``Decision.action``), the vocabulary this parser uses:

* 原则同意 / 同意 / 原则通过 / 通过 / 批准 / 决定 — the meeting decided (takes precedence);
* 传达 / 听取 / 审议 / 研究 / 部署 — the meeting deliberated;
* 要求 — a directive (各地各部门要…);
* 指出 — an assessment with none of the above (…是…的重要举措).

The 学法 paragraph (会上，还进行了…) belongs to no item: it is not on the agenda. The record itself
is assembled by :mod:`indexer.structure.minutes`, for any government's minutes; these rules are
the ones it applies to Suzhou's own 纪要, whose departments the curated gazetteer knows.
"""
from __future__ import annotations

import re

from indexer.gazetteer import get_gazetteer
from indexer.structure.common import LEVEL1, LEVEL2

DECIDING = ("原则同意", "原则通过", "同意", "通过", "批准", "决定")
DELIBERATING = ("传达", "听取", "审议", "研究", "部署")
_VERB = re.compile("|".join(DECIDING + DELIBERATING))
_DIRECTIVE = re.compile(r"^[^。；，]{0,20}?要(?!求)")
_LEAD_DEPT = re.compile(r"由(?P<rest>[^。；]{2,40})")
# 由市工信局… (the lead), or 原则同意市应急局关于…的汇报 (the reporting department).
_IN_CHARGE = (_LEAD_DEPT, re.compile(r"同意(?P<rest>[^《。]{2,30})"))
_FOLLOW_UP = re.compile(r"意见(?P<next>[^。]*?)。")
_STRIP_HEAD = re.compile(r"^(?:关于|推进|加快|加强|进一步|深化|做好|开展|实施|我市|全市|苏州市|苏州)+")
_STRIP_TAIL = re.compile(
    r"(?:[（(][^（）()]*\d{4}[^（）()]*[）)])?(?:的)?(?:若干措施|实施意见|行动方案|实施方案|工作方案|若干意见|意见|办法|方案|"
    r"规定|细则|通知|协议|规划|计划|情况汇报|汇报|精神)?(?:[（(][^（）()]*\d{4}[^（）()]*[）)])?$"
)
_YEARS = re.compile(r"(?:[一二三四五]年|\d{4}[～~—-]\d{4}年)$")
_CLAUSE_VERB = re.compile(r"^(?:" + "|".join(DECIDING + DELIBERATING) + ")")


def item_subject(heading: str) -> str | None:
    """The item's own subject phrase, without the 关于/推进 and 若干措施/实施意见 wrappers.

    审议《关于推进苏州市再生资源回收利用体系建设实施意见》 -> 再生资源回收利用体系建设.
    """
    body = LEVEL1.sub("", heading).strip("。 ")
    m = re.search(r"《(?P<t>[^《》]+)》", body)
    phrase = m.group("t") if m else re.split(r"[，；]", body)[-1]
    if not m:
        phrase = _CLAUSE_VERB.sub("", phrase)
    if "关于" in phrase:
        phrase = phrase[phrase.index("关于"):]
    for _ in range(3):  # wrappers nest: 关于 推进 … 的 若干措施
        phrase = _STRIP_TAIL.sub("", _STRIP_HEAD.sub("", phrase))
        phrase = _YEARS.sub("", phrase)
    return phrase or None


def decision_action(text: str) -> str:
    """Main verb of a decision paragraph (vocabulary in the module docstring)."""
    body = LEVEL2.sub("", text)
    first = re.split(r"(?<=。)", body, maxsplit=2)
    head = "".join(first[:2])
    for verb in DECIDING:
        if verb in head and not re.search(f"[要应]{verb}", head):
            return verb
    m = _VERB.search(first[0])
    if m and m.start() < 12:
        return m.group()
    if _DIRECTIVE.search(body):
        return "要求"
    return "指出"


def lead_department(text: str) -> str | None:
    """Canonical department in charge: from 由X…, else the body named right after 同意."""
    for pattern in _IN_CHARGE:
        m = pattern.search(text)
        found = get_gazetteer().find(m.group("rest")) if m else []
        if found and found[0].start == 0:
            return found[0].canonical
    return None


def follow_up(text: str) -> str | None:
    """The next step after the lead department: 按程序发文实施 / 作进一步细化完善后，… ."""
    m = _LEAD_DEPT.search(text)
    if not m:
        return None
    f = _FOLLOW_UP.search(text, m.start())
    if not f:
        return None
    return f.group("next").lstrip("，, ") or None


