"""Documents a text cites: 《…》 titles (with their 以下简称 short names) and 发文字号.

Minutes cite a draft once by its full title and afterwards by a short name (《若干措施》); links
between documents and the decision table need the full title every time, so short names are
resolved here, once, for the whole document.
"""
from __future__ import annotations

import re

from indexer.docnumber import find_doc_numbers, normalize_doc_number
from indexer.models import Reference

_TITLE = re.compile(r"《(?P<title>[^《》]{2,200})》")
# 《X》（国发〔2018〕39号，以下简称《Y》） and the variants with only one of the two parts.
_AFTER = re.compile(
    r"[（(](?P<num>[^（）()]{0,30}?号)?[，,、]?\s*(?:以下(?:简称|称)[《“\"](?P<short>[^》”\"]{1,30})[》”\"])?[）)]"
)
_SPACE = re.compile(r"\s+")


def clean_title(title: str) -> str:
    """A cited title without the line breaks and spaces the layout left inside it."""
    return _SPACE.sub("", title)


def find_references(text: str) -> list[Reference]:
    """Every distinct title cited in ``text``, short names resolved to the full title.

    Order is first appearance; a title cited only by its short name is not listed twice.
    """
    found: dict[str, Reference] = {}
    short_to_full: dict[str, str] = {}
    for m in _TITLE.finditer(text):
        title = clean_title(m.group("title"))
        after = _AFTER.match(text, m.end())
        short = number = None
        if after:
            short = clean_title(after.group("short")) if after.group("short") else None
            number = normalize_doc_number(after.group("num")) if after.group("num") else None
        if title in short_to_full:
            continue  # a later use of a short name
        ref = found.setdefault(title, Reference(title=title))
        if short and not ref.short_name:
            ref.short_name = short
            short_to_full[short] = title
            found.pop(short, None)  # cited by the short name before it was defined
        if number and not ref.doc_number:
            ref.doc_number = number
    return list(found.values())


def resolve(title: str, references: list[Reference]) -> str:
    """Full title for a short name (若干措施 -> 关于推进…的若干措施); other titles unchanged."""
    title = clean_title(title)
    for ref in references:
        if ref.short_name == title:
            return ref.title
    return title


def titles_in(text: str, references: list[Reference]) -> list[str]:
    """Full titles cited in ``text`` (one paragraph), in order, short names resolved."""
    out: list[str] = []
    for m in _TITLE.finditer(text):
        full = resolve(m.group("title"), references)
        if full not in out:
            out.append(full)
    return out


def cited_numbers(text: str) -> list[str]:
    """Canonical 发文字号 cited in ``text``, first appearance order, no duplicates."""
    return list(dict.fromkeys(canon for _, _, canon in find_doc_numbers(text)))
