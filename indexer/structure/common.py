"""Pieces every document parser shares: numbered labels, numbers, headings, paragraph ids."""
from __future__ import annotations

import re

import cn2an

from indexer.models import Paragraph

CN_DIGITS = "一二三四五六七八九十百千零〇两"
# Numbered headings, outermost first: 一、 / （一） / 1. or （1）.
LEVEL1 = re.compile(rf"^\s*(?P<n>[{CN_DIGITS}]{{1,4}})、")
LEVEL2 = re.compile(rf"^\s*[（(](?P<n>[{CN_DIGITS}]{{1,4}})[）)]")
LEVEL3 = re.compile(r"^\s*(?:(?P<n>\d{1,2})[.．、](?!\d)|[（(](?P<m>\d{1,2})[）)])")
ARTICLE = re.compile(rf"^\s*(?P<label>第(?P<n>[{CN_DIGITS}\d]+)条(?:之[{CN_DIGITS}]+)?)\s*")
CHAPTER = re.compile(rf"^\s*(?P<label>第(?P<n>[{CN_DIGITS}\d]+)(?P<unit>[章编节]))\s*(?P<title>.*)$")
_FIRST_SENTENCE = re.compile(r"^(.+?[。；！？])")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def cn_int(text: str) -> int | None:
    """一百二十 -> 120, 120 -> 120; None when it is not a number."""
    try:
        return int(text) if text.isdigit() else int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def month_day_date(text: str, known: str | None) -> str | None:
    """ISO date of a 12月7日 without a year, in the year of ``known`` (a date on or after it,
    such as the day a news page was published); None when either is missing."""
    m = _MONTH_DAY.search(text)
    if not m or not known or not known[:4].isdigit():
        return None
    year, month, day = int(known[:4]), int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    return iso if iso <= known[:10] else f"{year - 1:04d}-{month:02d}-{day:02d}"


def heading_of(text: str, limit: int = 60) -> str:
    """The heading part of a numbered paragraph: its first sentence, shortened if long."""
    m = _FIRST_SENTENCE.match(text)
    head = (m.group(1) if m else text).rstrip("。；！？")
    return head if len(head) <= limit else head[:limit] + "…"


def merge(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst if x))


def new_paragraph(paragraphs: list[Paragraph], text: str, page: int | None, **fields: object) -> Paragraph:
    """Append a paragraph with the next id (p1, p2, … in reading order)."""
    para = Paragraph(para_id=f"p{len(paragraphs) + 1}", text=text, page=page, **fields)  # type: ignore[arg-type]
    paragraphs.append(para)
    return para


def untitled(kind: str, body: str | None = None, date: str | None = None) -> str:
    """The label of a document whose source states no title: who (when known), what kind, and
    when (``郧西县人民政府会议纪要（2024-02-03）``). Never a file path, never a guessed body."""
    when = f"（{date}）" if date else ""
    return f"{body or ''}{kind}{when}"
