"""发文字号 (document numbers): find them in text and bring every written variant to one form.

The same document is cited as ``国发〔2018〕39号``, ``国发[2018]39号``, ``国发（2018）39 号`` or
with full-width digits; search and cross-references only work if all of them compare equal, so
every variant is reduced to the canonical ``国发〔2018〕39号`` (〔〕 brackets, ASCII digits, no
spaces, no 第 before the number). Orders keep their written shape (``国务院令第711号``,
``第711号令``) minus spaces, because that is how they are cited; ``国令`` is read as ``国务院令``.

Everything here is a regular expression over the original characters (no folding pass), so the
spans returned by :func:`find_doc_numbers` index straight into the caller's text.
"""
from __future__ import annotations

import re

from indexer.normalize import CJK, fold

_SP = r"[ \u3000\u00a0\r\n]*"  # PDF layouts break lines inside numbers too
_DIGIT = r"[0-9０-９]"
_NUM = rf"{_DIGIT}{{1,5}}"
_YEAR = rf"(?:19|20|１９|２０){_DIGIT}{{2}}"
_OPEN = re.escape("〔[［(（【｛{")
_CLOSE = re.escape("〕]］)）】｝}")
_HAO = "[号號]"

# The distinctive right-hand part is searched first (a bracketed or bare year + number + 号,
# 令第N号, 第N号令); the organ is then read backwards from it. Scanning for the organ first
# would try a CJK run at every character of the text, which is ~50x slower on long laws.


def _tail(typed: bool) -> re.Pattern[str]:
    """The right-hand part. ``typed`` (what people type in a search box, never running text)
    also accepts 年 after a bare year (国办发2018年129号) and a missing 号 at the end of the
    input or before a space or closing quote (国办发〔2018〕129); in running text those shapes
    are too often something else (2018年3号台风, 〔2018〕5 项)."""
    year_word = rf"(?:{_SP}年)?" if typed else ""
    hao = rf"(?:{_SP}{_HAO}|(?=[ \u3000\u00a0\"”」』]|$))" if typed else rf"{_SP}{_HAO}"
    bare_next = rf"[第 \u3000年]|{_DIGIT}" if typed else rf"[第 \u3000]|{_DIGIT}"
    return re.compile(
        rf"(?:[{_OPEN}]{_SP}(?P<year>{_YEAR}){_SP}[{_CLOSE}]|(?<=[{CJK}])(?P<bare>{_YEAR})(?={bare_next}){year_word})"
        rf"{_SP}第?{_SP}(?P<num>{_NUM}){hao}"
        rf"|令{_SP}第{_SP}(?P<order>{_NUM}){_SP}{_HAO}"
        rf"|第{_SP}(?P<suffix>{_NUM}){_SP}{_HAO}{_SP}令"
    )


_TAIL = _tail(typed=False)
_TYPED_TAIL = _tail(typed=True)
# An issuing-organ code right before the year: 1–8 CJK characters, optionally with one short
# parenthesised part as in 法（研）发. Punctuation, digits and Latin letters end it.
_CODE_BEFORE = re.compile(rf"[{CJK}]{{1,8}}(?:[（(][{CJK}]{{1,2}}[）)][{CJK}]{{1,4}})?{_SP}$")
# The organ of an order is spelt out (中华人民共和国国家发展计划委员会令), so it may be longer.
_ORGAN_BEFORE = re.compile(rf"[{CJK}]{{1,20}}{_SP}$")
_LOOKBACK = 30

# Sentence words right before a number that would otherwise be read as part of the organ
# (要按照国办发〔1993〕71号 -> 国办发; 1992年10月20日北京市人民政府第15号令). Two-character words
# never occur inside a code, so the text is cut after the last one; single characters are only
# stripped from the front, because some do occur inside codes (农经发, 国经贸).
_LEAD_WORDS = re.compile("根据|依据|按照|参照|依照|对照|遵照|执行|贯彻|落实|印发|转发|下发|废止|修改|修订|经过|我院|本院|我部|本部")
_LEAD_CHARS = frozenset("见即经据和及与或以按由为是了的将在把于请同照自从等文件号予其原现并年月日要应须均也还已")
# A code never contains the name of the body that issued it: in 市人民政府京政发〔1986〕148号
# the code is what follows 政府.
_CODE_CUT_AFTER = re.compile("政府|法院|检察院|以|的")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ORGAN_ENDINGS_FOR_ORDER = ("院", "部", "委", "局", "署", "行", "会", "办", "厅", "国", "府", "总")
# The state's full name in front of an organ adds nothing: 中华人民共和国国务院令 = 国务院令.
_STATE_NAME = "中华人民共和国"


def _strip_lead(organ: str) -> str:
    """Drop the words in front of the organ that belong to the sentence."""
    cuts = [m.end() for m in _LEAD_WORDS.finditer(organ) if m.end() < len(organ)]
    if cuts:
        organ = organ[cuts[-1]:]
    start = 0
    while start < len(organ) - 1 and organ[start] in _LEAD_CHARS:
        start += 1
    return organ[start:]


def _digits(s: str) -> str:
    return s.translate(_FULLWIDTH_DIGITS).lstrip("0") or "0"


def _before(pattern: re.Pattern[str], text: str, end: int) -> str:
    """The run matched by ``pattern`` that ends at ``end`` (spaces removed), or ''."""
    m = pattern.search(text, max(0, end - _LOOKBACK), end)
    return re.sub(r"[ \u3000\u00a0]", "", m.group()) if m else ""


def _code(text: str, end: int) -> str:
    code = _before(_CODE_BEFORE, text, end)
    cuts = list(_CODE_CUT_AFTER.finditer(code))
    if cuts and cuts[-1].end() < len(code):
        code = code[cuts[-1].end():]
    return _strip_lead(code)


# gov.cn metadata cites State Council orders as 国令第706号, their own text as 国务院令第706号.
_ORDER_ORGAN_ALIASES = {"国": "国务院"}


def _order_organ(text: str, end: int) -> tuple[str, str]:
    """(organ as written, organ as cited) in front of an order number; ('', '') when what
    precedes is ordinary text rather than an organ."""
    written = _strip_lead(_before(_ORGAN_BEFORE, text, end))
    simple = _simplified(written)  # same length: fold is one character for one
    if not simple.endswith(_ORGAN_ENDINGS_FOR_ORDER):
        return "", ""
    if _STATE_NAME in simple:
        at = simple.index(_STATE_NAME)
        return written[at:], simple[at + len(_STATE_NAME):]
    return written, simple


def _start_of(text: str, end: int, written: str) -> int:
    """Index where ``written`` (spaces removed) begins, walking back over spaces from ``end``."""
    pos, remaining = end, len(written)
    while remaining and pos > 0:
        pos -= 1
        if text[pos] not in " \u3000\u00a0\r\n":
            remaining -= 1
    return pos


def _simplified(organ: str) -> str:
    """An organ code in Simplified characters (國辦發 -> 国办发), other characters as written:
    brackets inside a code such as 法（研）发 keep their full-width form."""
    return "".join(fold(ch) if _IS_CJK.match(ch) else ch for ch in organ)


_IS_CJK = re.compile(f"[{CJK}]")


def _candidates(text: str, typed: bool = False) -> list[tuple[int, int, str]]:
    """Matches of the three forms, left to right; (start, end, canonical)."""
    found: list[tuple[int, int, str]] = []
    for m in (_TYPED_TAIL if typed else _TAIL).finditer(text):
        if m.group("num"):
            code = _code(text, m.start())
            if not code or code.endswith("第"):
                continue  # 〔2018〕39号 alone, or 案件第2020123号 (a serial number, not a year)
            year = (m.group("year") or m.group("bare")).translate(_FULLWIDTH_DIGITS)
            canon = f"{_simplified(code)}〔{year}〕{_digits(m.group('num'))}号"
            found.append((_start_of(text, m.start(), code), m.end(), canon))
        elif m.group("order"):
            written, organ = _order_organ(text, m.start())
            if organ:
                organ = _simplified(organ)
                organ = _ORDER_ORGAN_ALIASES.get(organ, organ)
                canon = f"{organ}令第{_digits(m.group('order'))}号"
                found.append((_start_of(text, m.start(), written), m.end(), canon))
        else:
            written, organ = _order_organ(text, m.start())
            start = _start_of(text, m.start(), written) if organ else m.start()
            found.append((start, m.end(), f"{_simplified(organ)}第{_digits(m.group('suffix'))}号令"))
    return found


def find_doc_numbers(text: str, typed: bool = False) -> list[tuple[int, int, str]]:
    """Every 发文字号 in ``text`` as ``(start, end, canonical)``, left to right, non-overlapping.

    A bracketed year alone is not enough (``方案（2021～2023年）`` is not a number): an organ code
    before it and ``号`` after the number are both required. ``typed=True`` is for search input
    and also accepts the looser shapes people type (see ``_tail``).
    """
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, canon in sorted(_candidates(text, typed), key=lambda c: (c[0], -(c[1] - c[0]))):
        if start >= last_end:
            chosen.append((start, end, canon))
            last_end = end
    return chosen


_QUOTES = "\"'“”「」『』＂‘’"


def normalize_doc_number(s: str, typed: bool = False) -> str | None:
    """Canonical form of one 发文字号, or None when ``s`` is not exactly one.

    ``typed=True`` is for what people type in a search box or a 文号: field, and also accepts
    国办发2018年129号, a missing final 号 and surrounding quotes. Parsers of documents keep the
    default: there a line such as 某某区人民政府2024年1 is not a number.
    """
    compact = re.sub(r"\s+", "", s or "")
    if typed:
        compact = compact.strip(_QUOTES)
    if not compact:
        return None
    for start, end, canon in find_doc_numbers(compact, typed=typed):
        if start == 0 and end == len(compact):
            return canon
    return None
