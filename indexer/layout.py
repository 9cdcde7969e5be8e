"""Layout repair: turn the text layer of pages into paragraphs with the page each starts on.

PDF text layers break lines at the right margin (even inside words), interleave page footers
(``— 3 —``) and running headers with the text, and insert spaces between CJK characters. Search,
citations and the structure parsers all need real paragraphs, so this stage undoes that:

* page markers and running headers/footers are removed, page boundaries are kept as page
  numbers (printed numbers win over physical ones);
* hard-wrapped lines are joined; a paragraph ends at a numbered heading, at a line that opens
  a new unit (出席：, 会议指出 …), or after a short line (the text did not reach the margin);
  blank lines mean nothing (the seed has one after every line);
* the distribution block at the end (整理/印发 dates, 分送, 记录, 此件公开发布) becomes
  ``Layout.trailer`` metadata instead of body text;
* a paragraph over ``indexer.units.MAX_UNIT_CHARS`` is split at sentence boundaries (an
  attendance list, whose lines must stay together, only over ``MAX_LIST_CHARS``);
* attendance blocks (出席/列席) keep their line breaks and spacing, because the spacing is the
  only delimiter between names there (``王  翔`` is one name); ``structure`` reads them.

Text that is not hard-wrapped (JSON Lines, HTML: one paragraph per line) is detected by its
line widths and keeps its lines as paragraphs.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

import cn2an

from indexer.models import Layout, Page, RawParagraph
from indexer.normalize import squeeze_cjk_spaces
from indexer.units import MAX_LIST_CHARS, MAX_UNIT_CHARS, split_long

log = logging.getLogger(__name__)

_DASH = "—–\\-－―─‒"
PAGE_MARKER = re.compile(
    rf"^\s*(?:[{_DASH}]+\s*(?P<a>\d{{1,4}})\s*[{_DASH}]+|第\s*(?P<b>\d{{1,4}})\s*页(?:\s*共\s*\d+\s*页)?"
    rf"|(?P<c>\d{{1,4}})\s*/\s*\d{{1,4}})\s*$"
)
_CN_NUM = "一二三四五六七八九十百千零〇两"
# Lines that always start a paragraph: numbered headings, attendance and distribution blocks.
UNIT_START = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[）)]|\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]"
    rf"|第[{_CN_NUM}\d]+[条章节编]|(?:出席|列席|记录|分送|抄送|主送|附件)[：:]"
    r"|(?:会议(?:议定|指出|认为|决定|强调|要求|同意|通过|听取|审议|研究)|会上|会议还)"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$)"
)
ATTENDANCE_START = re.compile(r"^\s*(出席|列席)[：:]")
_SENTENCE_END = re.compile(r"[。！？；：!?;:][”’」』）)》]*\s*$")

_DATE_DIGITS = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_CN = re.compile(r"([一二三四五六七八九〇零○Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DATE_TEXT = rf"(?:{_DATE_DIGITS.pattern}|{_DATE_CN.pattern})"

# The distribution block of minutes and notices (see the seed's last lines).
_ORGANISED = re.compile(r"^\s*(?P<office>\S{2,30}?)\s*整理\s*$")
_ISSUED = re.compile(rf"^\s*(?P<office>\S{{2,30}}?)\s+(?P<date>{DATE_TEXT})\s*印发\s*$")
_DISTRIBUTION = re.compile(r"^\s*(?:分送|抄送)[：:]\s*(?P<rest>.*)$")
_RECORDER = re.compile(r"^\s*记录[：:]\s*(?P<name>.+?)\s*$")
_PUBLIC = re.compile(r"^\s*[（(]此件(?P<neg>不)?公开(?:发布)?[）)]\s*$")
_DATE_LINE = re.compile(rf"^\s*{DATE_TEXT}\s*$")
# Every trailer line holds one of these words.
_TRAILER_WORD = re.compile("整理|印发|此件|记录|分送|抄送")

_MIN_WRAPPED_LINES = 4
_WIDTH_CAP = 130  # every margin test is decided below this width
_MAX_WIDER = 0.05  # share of lines wider than the margin that hard-wrapped text can have
_SHORT = 8  # a line this much narrower than the margin ended its paragraph (an indent is 4)
_PROSE_WIDTH = 16  # lines narrower than this (table cells, numbers) say nothing about the margin
_HEADER_SHARE = 0.6  # a line on this share of pages (top or bottom) is a running header/footer


def to_iso_date(text: str) -> str | None:
    """First date in ``text`` as ISO (``2020年 12月 21日``, ``一九八一年五月二十三日``).

    Shared with the structure parsers: every date these documents print has one of the two forms.
    """
    m = _DATE_DIGITS.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DATE_CN.search(text)
        if not m:
            return None
        year = m.group(1).translate(str.maketrans("一二三四五六七八九〇零○Ｏ", "1234567890000"))
        try:
            y, mo, d = int(year), int(cn2an.cn2an(m.group(2), "normal")), int(cn2an.cn2an(m.group(3), "normal"))
        except ValueError:
            return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


# Characters printed two cells wide: CJK, kana, hangul, full-width forms, and the quotes, dashes
# and ellipsis that Chinese fonts set full width (East Asian Width W, F and the common A ones).
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\u2018\u2019\u201c\u201d\u2026\u2014\u00b7\U00020000-\U0003fffd]"
)


def display_width(line: str) -> int:
    """Width in half-width cells: CJK and full-width punctuation (and “”) count two."""
    return 2 * len(line) - len(_WIDE.sub("", line))


def page_marker_number(line: str) -> int | None:
    m = PAGE_MARKER.match(line)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


@dataclass
class _Line:
    text: str
    page: int | None


def repair(pages: list[Page]) -> Layout:
    """Paragraphs of ``pages`` with page numbers, plus the trailer metadata."""
    lines = _paginate(pages)
    lines, trailer = _split_trailer(lines)
    paragraphs = [
        RawParagraph(piece, para.page)
        for para in _join(lines)
        for piece in split_long(para.text, MAX_LIST_CHARS if ATTENDANCE_START.match(para.text) else MAX_UNIT_CHARS)
    ]  # long paragraphs become citable units (indexer.units)
    numbers = [ln.page for ln in lines if ln.page is not None]
    page_count = max([len(pages), *numbers]) if pages else 0
    return Layout(paragraphs=paragraphs, trailer=trailer, page_count=page_count)


# --- pages ---------------------------------------------------------------------------------


def _paginate(pages: list[Page]) -> list[_Line]:
    """Non-blank lines with the page they are on; markers and running headers removed."""
    if len(pages) == 1:
        return _paginate_single(pages[0])
    per_page = [[ln.rstrip() for ln in p.text.splitlines() if ln.strip()] for p in pages]
    repeated = _running_lines(per_page)
    printed: list[int | None] = []
    kept: list[list[str]] = []
    for lines in per_page:
        marker = next((n for n in map(page_marker_number, lines) if n is not None), None)
        printed.append(marker)
        kept.append([ln for ln in lines if page_marker_number(ln) is None and _header_key(ln) not in repeated])
    numbers = _page_numbers([p.number for p in pages], printed)
    return [_Line(ln, numbers[i]) for i, lines in enumerate(kept) for ln in lines]


def _page_numbers(physical: list[int], printed: list[int | None]) -> list[int | None]:
    """Printed number where a page has one; others shifted by the nearest printed offset."""
    marked = {i: n for i, n in enumerate(printed) if n is not None}
    if not marked:
        return list(physical)
    out: list[int | None] = []
    for i, phys in enumerate(physical):
        if printed[i] is not None:
            out.append(printed[i])
            continue
        j = min(marked, key=lambda k: abs(k - i))
        n = phys + (marked[j] - physical[j])
        out.append(n if n >= 1 else None)
    return out


def _header_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running_lines(per_page: list[list[str]]) -> set[str]:
    """Keys of lines that repeat at the top or bottom of most pages (headers, footers)."""
    if len(per_page) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in per_page:
        counts.update({_header_key(ln) for ln in lines[:2] + lines[-2:]})
    need = max(3, int(len(per_page) * _HEADER_SHARE + 0.999))
    return {key for key, n in counts.items() if n >= need and len(key) <= 40}


def _paginate_single(page: Page) -> list[_Line]:
    """One text with page markers in it: rebuild pages from the markers (see module doc).

    ``— N —`` after the text closes page N (footer); a marker before any text opens it
    (header). Where markers skip numbers (odd pages only), a chunk is spread evenly over the
    missing pages; text before the first / after the last footer is paged backwards / forwards
    with the lines-per-page measured between markers.
    """
    raw = [ln.rstrip() for ln in page.text.splitlines() if ln.strip()]
    marks = [(i, n) for i, ln in enumerate(raw) if (n := page_marker_number(ln)) is not None]
    if not marks:
        return [_Line(ln, page.number) for ln in raw]
    body_index: list[int] = []  # positions (in body lines) where each marker sits
    body: list[str] = []
    for ln in raw:
        if page_marker_number(ln) is None:
            body.append(ln)
        else:
            body_index.append(len(body))
    numbers = [n for _, n in marks]
    header = marks[0][0] == 0
    pages: list[int | None] = [None] * len(body)
    if header:  # marker N opens page N (it is the first line, so no text comes before it)
        bounds = body_index + [len(body)]
        for k, n in enumerate(numbers):
            for i in range(bounds[k], bounds[k + 1]):
                pages[i] = n
        return [_Line(t, p) for t, p in zip(body, pages)]
    spans = [(body_index[k], body_index[k + 1], numbers[k], numbers[k + 1]) for k in range(len(numbers) - 1)]
    measured = [(end - start, b - a) for start, end, a, b in spans if b > a]
    lpp = sum(n for n, _ in measured) / sum(p for _, p in measured) if measured else None
    for start, end, a, b in spans:
        count = max(b - a, 1)
        for i in range(start, end):
            pages[i] = a + 1 + min(count - 1, (i - start) * count // max(end - start, 1))
    first, last = body_index[0], body_index[-1]
    for i in range(first):  # count back from the first footer
        back = int((first - 1 - i) // lpp) if lpp else 0
        pages[i] = max(1, numbers[0] - back)
    for i in range(last, len(body)):  # and forwards after the last one
        ahead = int((i - last) // lpp) if lpp else 0
        pages[i] = numbers[-1] + 1 + ahead
    return [_Line(t, p) for t, p in zip(body, pages)]


# --- trailer -------------------------------------------------------------------------------


def _split_trailer(lines: list[_Line]) -> tuple[list[_Line], dict]:
    """Move the distribution block lines into metadata; everything else stays in order."""
    trailer: dict = {}
    body: list[_Line] = []
    i = 0
    while i < len(lines):
        text = lines[i].text
        if not _TRAILER_WORD.search(text):  # one scan rules out every trailer pattern
            body.append(lines[i])
            i += 1
            continue
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if (m := _ORGANISED.match(text)) and _DATE_LINE.match(nxt):
            trailer["organiser"] = m.group("office")
            trailer["organised"] = to_iso_date(nxt)
            i += 2
            continue
        if m := _ISSUED.match(text):
            trailer["issuer_office"] = m.group("office")
            trailer["issued"] = to_iso_date(m.group("date"))
            i += 1
            continue
        if m := _PUBLIC.match(text):
            trailer["public"] = m.group("neg") is None
            i += 1
            continue
        if m := _RECORDER.match(text):
            trailer["recorder"] = squeeze_cjk_spaces(m.group("name")).replace(" ", "")
            i += 1
            continue
        if m := _DISTRIBUTION.match(text):
            parts = [m.group("rest").strip()]
            i += 1
            while i < len(lines) and not _is_trailer_line(lines, i) and not UNIT_START.match(lines[i].text):
                parts.append(lines[i].text.strip())
                i += 1
            trailer["distribution"] = squeeze_cjk_spaces("".join(parts))
            continue
        body.append(lines[i])
        i += 1
    return body, trailer


def _is_trailer_line(lines: list[_Line], i: int) -> bool:
    text = lines[i].text
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    return bool(
        (_ORGANISED.match(text) and _DATE_LINE.match(nxt)) or _ISSUED.match(text)
        or _PUBLIC.match(text) or _RECORDER.match(text) or _DISTRIBUTION.match(text)
    )


# --- paragraphs ----------------------------------------------------------------------------


def _margin(lines: list[_Line]) -> int | None:
    """The right margin (display width of a full line) if the text is hard-wrapped, else None.

    Hard-wrapped text has many lines of about the same width and almost none wider; text with
    one paragraph per line (JSON Lines, HTML) has widths all over the place.
    """
    # Widths above _WIDTH_CAP all mean "a whole paragraph", and a line that long in characters is
    # at least that wide: measuring it would only cost time.
    texts = [ln.text.strip() for ln in lines]
    n = len(texts)
    if n < _MIN_WRAPPED_LINES:
        return None
    if sum(len(t) > _WIDTH_CAP for t in texts) > _MAX_WIDER * n:
        return None  # too many lines wider than any margin: paragraphs, whatever the rest says
    widths = [display_width(t) if len(t) <= _WIDTH_CAP else _WIDTH_CAP + 1 for t in texts]
    counts = Counter(widths)
    # lines of width m - 6 .. m + 4 for every candidate margin m, from running totals
    below = [0] * (_WIDTH_CAP + 3)
    for w in range(1, len(below)):
        below[w] = below[w - 1] + counts.get(w - 1, 0)  # lines narrower than w
    best, best_near = None, 0
    for m in sorted(w for w in counts if 30 <= w <= 120):
        near = below[m + 5] - below[m - 6]
        if near > best_near:
            best, best_near = m, near
    prose = sum(c for w, c in counts.items() if w >= _PROSE_WIDTH)  # table cells do not count
    if best is None or best_near < max(_MIN_WRAPPED_LINES, 0.25 * prose):
        return None
    wider = sum(c for w, c in counts.items() if w > best + 8)
    if wider > _MAX_WIDER * n:
        return None
    near_widths = Counter({w: c for w, c in counts.items() if best - 6 <= w <= best + 4})
    return max(near_widths.items(), key=lambda wc: (wc[1], wc[0]))[0]  # the most common full width


def _join(lines: list[_Line]) -> list[RawParagraph]:
    margin = _margin(lines)
    log.debug("layout: %d lines, %s", len(lines), f"hard-wrapped at width {margin}" if margin else "one paragraph per line")
    paragraphs: list[RawParagraph] = []
    current: list[str] = []
    page: int | None = None
    attendance = False

    def flush() -> None:
        if current:
            text = "\n".join(current) if attendance else _join_text(current, squeeze=margin is not None)
            paragraphs.append(RawParagraph(text=text, page=page))

    prev = ""
    for ln in lines:
        text = ln.text.rstrip()
        starts = bool(UNIT_START.match(text))
        if attendance and not starts:
            current.append(text.strip())
            prev = text
            continue
        new = (
            not current
            or margin is None
            or starts
            or display_width(prev.strip()) < margin - _SHORT
            or (bool(_SENTENCE_END.search(prev)) and display_width(prev.strip()) < margin - 1)
        )
        if new:
            flush()
            current, page = [text.strip()], ln.page
            attendance = bool(ATTENDANCE_START.match(text))
        else:
            current.append(text.strip())
        prev = text
    flush()
    return paragraphs


def _join_text(parts: list[str], squeeze: bool) -> str:
    """Join wrapped lines: no separator between CJK, one space between Latin words.

    Spaces between CJK characters are removed only in printed (hard-wrapped) text, where the
    PDF put them; in text that came as paragraphs (第一条 为了…) they were typed on purpose.
    """
    out = parts[0]
    for part in parts[1:]:
        if out and part and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " " + part
        else:
            out += part
    return (squeeze_cjk_spaces(out) if squeeze else out).strip()
