"""The opening sentence of a meeting record: who presided, when, which meeting and its number.

The genre writes it in a handful of shapes, all read by the same few rules:

* ``[date][,][在…会议室,][受X委托,][titles、]TITLE NAME|NAME TITLE [date][在…]主持召开 MEETING`` —
  the chair's title may come before or after the name (区长张某某 / 张某某区长), a chair acting for
  another is introduced by 受…委托, and 会议由区长X主持 / 主持人：X may follow in a sentence of
  their own;
* MEETING is ``[year][term][body]第N次 TYPE`` in any order: 第十六次, 四届六十七次, 第16届75次,
  2022年第9次, 第58次市政府常务会议, 第 32 次 (spaces), or unnumbered (县政府常务会议);
* TYPE is one of the meeting types in :data:`MEETING_TYPES`.

Dates with their year come from the sentence itself; a 7月31日 takes its year from the document's
own dating (see :func:`meeting_date`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.structure.common import cn_int

NUM = r"[\d一二三四五六七八九十百零〇两]+"
# Written meeting name -> controlled meeting type.
_TYPE_WORDS = (
    ("常务会议", "常务会议"), ("常务会", "常务会议"), ("全体会议", "全体会议"), ("全体会", "全体会议"),
    ("办公会议", "办公会议"), ("办公会", "办公会议"), ("专题会议", "专题会议"), ("专题会", "专题会议"),
    ("协调会议", "协调会议"), ("协调会", "协调会议"), ("周例会", "周例会"), ("主任会议", "主任会议"),
)
MEETING_TYPES = tuple(dict.fromkeys(t for _, t in _TYPE_WORDS))
_MEETING = re.compile(
    r"(?P<name>(?:(?:[省市州县区旗盟镇乡]|局)长)?(?:" + "|".join(w for w, _ in _TYPE_WORDS) + "))(?!议?室|议?厅)"
)
_NUMBER = re.compile(rf"(?:第|届|年度?)\s*(?P<n>{NUM})\s*次")
_TERM = re.compile(rf"(?P<t>{NUM})\s*届")
_YEAR_NUMBERED = re.compile(rf"(?P<y>(?:19|20)\d\d)\s*年度?(?:[^，,。；\d]{{0,8}}?)第\s*{NUM}\s*次")
_CONVENE = re.compile(r"主持召开|召开|主持会议|主持")
_SPAN_BEFORE = 40
# Titles a chair carries, longest first (常务副州长 before 州长 before 长).
_TITLE = re.compile(
    r"(?:常务副|代理|代|副|执行)?(?:[省市州县区旗盟镇乡]长|局长|主任|总理|主席|书记|秘书长|委员|领导|调研员|咨询员)"
)
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{2,8}·[\u4e00-\u9fff]{2,8}$")
_NOT_NAME = re.compile(r"政府|会议|人民|委员|办公|常务|常委|部门|领导|同志|会上|班子|成员|[省市县区州]委")
_CHAIR_BEFORE = re.compile(r"(?P<who>[^，,。；;：:]{2,60}?)\s*(?:\d{1,2}月\d{1,2}日)?\s*(?:在[^，,。；]{1,30}?)?主持(?:召开|会议)?")
_CHAIR_BY = re.compile(r"会议由(?P<who>[^，,。；]{2,30}?)主持")
_CHAIR_LABEL = re.compile(r"主\s*持\s*人?\s*[：:]\s*(?P<who>[^\s，,。；]{2,20})")
_ACTING = re.compile(r"受[^，,。；]{2,40}?委托")
_LEVEL_BEFORE_GOV = re.compile(r"(?P<lvl>自治区|自治州|自治县|[省市州县区旗盟])(?:第?[\d一二三四五六七八九十]+届)?(?:人民)?政府")
_LEVEL_TITLE = re.compile(r"(?P<lvl>[省市州县区旗盟])长")
_NPC = re.compile(r"(?P<lvl>[省市州县区旗])?(?:第?[\d一二三四五六七八九十]+届)?人大常委会")
_STATED_COUNT = re.compile(rf"(?P<n>{NUM})\s*(?:个|项)(?:议题|事项|报告)")


@dataclass
class Opening:
    """What the opening sentence states (all optional)."""

    name: str | None = None  # the meeting name as written: 常务会议, 县长办公会
    type: str | None = None
    number: int | None = None
    term: int | None = None
    year: int | None = None  # year of a year-numbered meeting (2021年区政府第1次)
    chair: str | None = None
    chair_title: str | None = None
    acting: bool = False
    level: str | None = None  # 省/市/州/县/区/旗: the level of the body speaking (区政府, 区长)
    body: str = "政府"  # 政府 | 人大常委会


def meeting_type(name: str) -> str | None:
    """Controlled type of a written meeting name (县长办公会 -> 办公会议)."""
    for word, kind in _TYPE_WORDS:
        if name.endswith(word):
            return kind
    return None


def find_meeting(text: str) -> re.Match[str] | None:
    """The first meeting name in ``text`` (the one the sentence is about)."""
    return _MEETING.search(text)


def read_opening(text: str) -> Opening:
    """Read the meeting, its number and its chair from an opening sentence (or a title)."""
    out = Opening()
    m = _MEETING.search(text)
    if m:
        out.name = m.group("name")
        out.type = meeting_type(out.name)
        span = text[max(0, m.start() - _SPAN_BEFORE): m.start()]
        span = re.split(r"[，,。；;]", span)[-1]
        # 第58次市政府常务会议: the number may precede the body named before the type
        if n := list(_NUMBER.finditer(span)):
            out.number = cn_int(n[-1].group("n"))
        if t := _TERM.search(span):
            out.term = cn_int(t.group("t"))
        if y := _YEAR_NUMBERED.search(span):
            out.year = int(y.group("y"))
        if lv := list(_LEVEL_BEFORE_GOV.finditer(span)):
            out.level = lv[-1].group("lvl")
        if npc := _NPC.search(span + out.name):
            out.body = "人大常委会"
            out.level = npc.group("lvl") or out.level
        elif not out.level and (lt := _LEVEL_TITLE.match(out.name)):
            out.level = lt.group("lvl")
    _read_chair(text, out)
    if not out.level and out.chair_title and (lt := _LEVEL_TITLE.search(out.chair_title)):
        out.level = lt.group("lvl")
    return out


def _read_chair(text: str, out: Opening) -> None:
    for pattern in (_CHAIR_LABEL, _CHAIR_BY, _CHAIR_BEFORE):
        for m in pattern.finditer(text):
            who = m.group("who")
            # 受州长X委托，常务副州长Y主持: the 委托 clause stands just before the chair's
            acting = _ACTING.search(text, max(0, m.start() - _SPAN_BEFORE), m.end())
            if acting:
                who = who[acting.end() - m.start():] if acting.end() > m.start() else who
            name, title = split_name_title(who)
            if name:
                out.chair, out.chair_title, out.acting = name, title, bool(acting)
                return


def split_name_title(who: str) -> tuple[str | None, str | None]:
    """区长张某某 / 张某某区长 / 县委副书记、县长李某 / 某县政府县长王某某 -> (name, title)."""
    who = re.split(r"[、，,]", who.strip())[-1].strip()
    who = re.sub(r"\d{1,2}月\d{1,2}日.*$", "", who)
    titles = list(_TITLE.finditer(who))
    if not titles:
        return (who, None) if _is_name(who) else (None, None)
    last = titles[-1]
    if last.end() == len(who):  # name before title: 张某某区长
        name = who[: last.start()]
        prev = titles[-2] if len(titles) > 1 else None
        name = name[prev.end():] if prev else name
        return (name, last.group()) if _is_name(name) else (None, None)
    name = who[last.end():]
    return (name, last.group()) if _is_name(name) else (None, None)


def _is_name(text: str) -> bool:
    return bool(_NAME.match(text)) and not _NOT_NAME.search(text)


def stated_count(text: str) -> int | None:
    """A number of matters the text states (会议共有九项议题, 8个议题, 三个报告)."""
    m = _STATED_COUNT.search(text)
    return cn_int(m.group("n")) if m else None


def convened_at(text: str) -> int:
    """Offset of the convening verb (主持召开 / 召开 / 主持), or -1."""
    m = _CONVENE.search(text)
    return m.start() if m else -1


def find_chair(text: str) -> tuple[str, str | None, bool] | None:
    """A chair stated apart from the opening sentence: 会议由区长X主持 / 主持人：X."""
    for pattern in (_CHAIR_LABEL, _CHAIR_BY):
        for m in pattern.finditer(text):
            name, title = split_name_title(m.group("who"))
            if name:
                return name, title, False
    return None
