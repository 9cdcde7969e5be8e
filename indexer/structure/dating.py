"""The meeting date of a record, and the document's own dating that supplies a missing year.

* The opening sentence states the meeting day: 2021年1月11日 (full), 7月31日 (no year), or, in
  pages that lost a character, 911日 / 2022年33日 / 3月8, .
* A year-less day takes its year from the document's own dating, in this order: a year-numbered
  meeting (2022年第9次), the page's dating lines before the text (发布时间 / 日期 / 更新时间), the
  source's metadata, the 印发 date of the trailer. The publication date itself is never the
  meeting date.
* A day that lost its 月 (911日) is repaired only when exactly one split gives a real date and
  that date falls within a month before the document's own dating; the repair is reported in
  ``Meeting.date_problem``. Anything else is reported and left empty.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

_FULL = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:[日号]|(?=[,，]))")
_LOST_MONTH = re.compile(r"(?:(?P<y>(?:19|20)\d\d)\s*年?\s*(?P<md>\d{2,3})|(?<!\d)(?P<md2>\d{2,3}))\s*日")
_DATING = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_SPLIT_WINDOW = timedelta(days=31)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def dating_in(text: str) -> str | None:
    """The first full date in a page's dating lines (2024-04-25, 2022年03月15日)."""
    for m in _DATING.finditer(text):
        if day := _valid(int(m.group("y")), int(m.group("m")), int(m.group("d"))):
            return day.isoformat()
    return None


def meeting_date(opening: str, known: str | None, year: int | None) -> tuple[str | None, str | None]:
    """(ISO meeting date, problem) from the opening sentence up to its convening verb.

    ``known`` is the document's own dating (ISO), ``year`` the year of a year-numbered meeting.
    """
    if m := _FULL.search(opening):
        day = _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        return (day.isoformat(), None) if day else (None, f"impossible date {m.group()!r}")
    if m := _MONTH_DAY.search(opening):
        month, dom = int(m.group("m")), int(m.group("d"))
        if year:
            day = _valid(year, month, dom)
            return (day.isoformat(), None) if day else (None, f"impossible date {m.group()!r}")
        if not known:
            return None, None
        ky = int(known[:4])
        day = _valid(ky, month, dom)
        if day and day.isoformat() > known:
            day = _valid(ky - 1, month, dom)  # a December meeting published in January
        return (day.isoformat(), None) if day else (None, f"impossible date {m.group()!r}")
    if m := _LOST_MONTH.search(opening):
        return _repair(m, known, year)
    return None, None


def _repair(m: re.Match[str], known: str | None, year: int | None) -> tuple[str | None, str | None]:
    problem = f"month missing in {m.group().strip()!r}"
    y = int(m.group("y")) if m.group("y") else year or (int(known[:4]) if known else None)
    if not y or not known:
        return None, problem
    digits = m.group("md") or m.group("md2")
    days = [d for i in (1, 2) if (d := _valid(y, int(digits[:i]), int(digits[i:]) if digits[i:] else 0))]
    anchor = date.fromisoformat(known[:10])
    days = [d for d in days if anchor - _SPLIT_WINDOW <= d <= anchor]
    if len(days) != 1:
        return None, problem
    return days[0].isoformat(), problem + f", read as {days[0].isoformat()}"
