"""出席/列席 lists of municipal minutes: person ↔ department pairs.

The PDF separates entries only by runs of spaces, pads two-character names to the width of
three (``王  翔``), runs the department straight into the name (``市工信局蔡剑峰``) and breaks
lines anywhere (``市资`` / ``源规划局史纲``, ``市委组织部`` / ``胡卫江``). The layout keeps these
blocks with their line breaks and spaces so they can be read here.
"""
from __future__ import annotations

import re

from indexer.gazetteer import get_gazetteer
from indexer.models import Attendee
from indexer.normalize import squeeze_cjk_spaces

_ROLE = re.compile(r"^\s*(?P<role>出席|列席)[：:]\s*")
_GAP = re.compile(r"[ \u3000\u00a0]{2,}|\t")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
# 市检察院、市园林绿化局、市工商联、张家港市的代表: units that sent someone unnamed.
_DELEGATES = re.compile(r"^(?P<units>.+?)的代表$")
# Without a gazetteer entry, a unit ends with one of these before the person's name.
_UNIT_END = re.compile(r"^(?P<unit>.+(?:局|委|办|部|院|会|社|中心|公司|集团|区|市|队|支行|中支|分局|海关|监委))(?P<name>[\u4e00-\u9fff]{2,3})$")


def split_entries(line: str) -> list[str]:
    """Entries of one printed line: split on space runs, then rejoin padded names (王  翔)."""
    tokens = [t.strip() for t in _GAP.split(line) if t.strip()]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = squeeze_cjk_spaces(tokens[i]).replace(" ", "")
        if len(tok) == 1 and i + 1 < len(tokens) and len(tokens[i + 1].strip()) == 1:
            tok += tokens[i + 1].strip()
            i += 1
        out.append(tok)
        i += 1
    return out


def _unit_and_name(entry: str) -> tuple[str | None, str | None]:
    """(unit as written, person) of one entry; a bare unit gives (unit, None)."""
    mentions = get_gazetteer().find(entry)
    if mentions and mentions[0].start == 0:
        end = mentions[0].end
        rest = entry[end:]
        return entry[:end], rest or None
    m = _UNIT_END.match(entry)
    if m:
        return m.group("unit"), m.group("name")
    return None, entry


def _complete(entry: str) -> bool:
    """True when an entry at the end of a line of units is unit + name (市工信局蔡剑峰)."""
    unit, name = _unit_and_name(entry)
    return unit is not None and name is not None and bool(_NAME.match(name))


def read_block(block: str, local: bool = True) -> tuple[str, list[Attendee], str]:
    """Role, attendees and a clean display text of one attendance paragraph.

    Departments are canonical when the gazetteer knows them, else as written. ``local=False``
    (a document that is not Suzhou's) keeps every department as written: the gazetteer's
    市委组织部 is Suzhou's, not the writer's.
    """
    m = _ROLE.match(block)
    role = m.group("role") if m else "列席"
    lines = [ln for ln in block[m.end() if m else 0:].split("\n") if ln.strip()]
    entries: list[str] = []
    carry = ""
    for ln in lines:
        parts = split_entries(ln)
        if not parts:
            continue
        parts[0] = carry + parts[0]
        carry = ""
        last = parts[-1]
        has_units = any(_unit_and_name(p)[0] for p in parts)
        if has_units and not _DELEGATES.match(last) and not _complete(last):
            carry = parts.pop()  # 市资 / 市委组织部: continued on the next line
        entries += parts
    if carry:
        entries.append(carry)
    gaz = get_gazetteer()

    def canonical(unit: str) -> str:
        return (gaz.canonical(unit) if local else None) or unit.strip()

    attendees: list[Attendee] = []
    for entry in entries:
        if d := _DELEGATES.match(entry):
            for unit in re.split(r"[、，,]", d.group("units")):
                if unit.strip():
                    attendees.append(Attendee(role, None, canonical(unit)))
            continue
        unit, name = _unit_and_name(entry)
        attendees.append(Attendee(role, name, canonical(unit) if unit else None))
    return role, attendees, f"{role}：" + " ".join(entries)


# Attendance written in prose: 副县长王永涛、任婷出席会议 / 列席会议的有… / 区直有关部门负责人列席.
_PROSE = re.compile(r"(?P<who>[^。；;]{2,240}?)(?:应邀)?(?P<role>出席|列席|参加)(?:了)?(?:会议)?(?=[。；;，,]|$)")
_PROSE_LIST = re.compile(r"(?P<role>出席|列席|参加)会议的(?:有|是)[：:]?(?P<who>[^。；;]{2,200})")
_PROSE_ROLE = {"出席": "出席", "参加": "出席", "列席": "列席"}
_NOT_ATTENDANCE = re.compile(r"主持|召开|会议|\d")
_UNIT_WORDS = re.compile(r"(?:负责人|负责同志|班子成员|组成人员|主要领导|领导|代表|单位)$")


def _prose_entries(who: str) -> list[str]:
    """The attendee entries of the clauses before the verb, back to the clause that convened."""
    clauses: list[str] = []
    for clause in reversed(re.split(r"[，,]", who)):
        if _NOT_ATTENDANCE.search(clause):
            break
        clauses.insert(0, clause)
    entries = (re.sub(r"等.*$", "", e).strip() for c in clauses for e in re.split(r"[、和及]", c))
    return [e for e in entries if e]


def prose_attendees(text: str) -> list[Attendee]:
    """Attendees named in a sentence rather than a 出席：/列席： block: each person with the unit
    written before the title (县人大常委会副主任陈永乐 -> 陈永乐, 县人大常委会), each unnamed unit
    as written (区直有关部门负责人)."""
    from indexer.structure.opening import split_name_title

    out: list[Attendee] = []
    for pattern in (_PROSE_LIST, _PROSE):
        for m in pattern.finditer(text):
            role = _PROSE_ROLE[m.group("role")]
            entries = _prose_entries(m.group("who")) if pattern is _PROSE else [
                e.strip() for e in re.split(r"[、，,和及]", m.group("who")) if e.strip()]
            for entry in entries:
                name, title = split_name_title(entry)
                if name:
                    unit = entry[: entry.rfind(title)] if title else ""
                    out.append(Attendee(role, name, unit if len(unit) > 1 else None))
                elif _UNIT_WORDS.search(entry):
                    out.append(Attendee(role, None, entry))
        if out:
            return out
    return out
