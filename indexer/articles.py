"""A law article as one unit: its 款 and 项 as citable labels, and its paragraphs as one group.

In Chinese legislative drafting an article (条) is made of paragraphs (款: every paragraph of the
article; the first one opens with 第X条) and items (项: lines numbered （一）（二） inside a 款,
whose sub-items 1. 2. are 目). A 款 is cited 第三条第二款, a 项 第三条第二款第（一）项, or
第三条第（一）项 when the article has a single 款 (the form used by the texts themselves and by
the legislative drafting rules). The article's first paragraph keeps the article's label: it is
where a search hit for the whole article is shown.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from indexer.models import Paragraph

_CN_NUMBERS = "一二三四五六七八九十百"
_ITEM = re.compile(rf"^\s*[（(](?P<n>[{_CN_NUMBERS}]{{1,4}})[）)]")
_SUB_ITEM = re.compile(r"^\s*(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|[①-⑳])")
_ARTICLE_LABEL = re.compile(rf"^第[{_CN_NUMBERS}千零〇两\d]+条(?:之[{_CN_NUMBERS}]+)?")


def article_of(label: str | None) -> str | None:
    """The article part of a structural label: 第三条第二款第（一）项 -> 第三条; None for others."""
    m = _ARTICLE_LABEL.match(label or "")
    return m.group(0) if m else None


def _cn(n: int) -> str:
    """1..99 in Chinese numerals (a 款 number: 第二款, 第十二款)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


def label_clauses(article: list[Paragraph]) -> None:
    """Give the paragraphs of one article (its 第X条 paragraph first) their 款/项 labels.

    A line numbered （一） is a 项 of the current 款; a line numbered 1. or ① under a 项 is a 目
    and is cited as its 项; any other line opens the next 款."""
    if not article:
        return
    base = article[0].label or ""
    clause, item = 1, None
    marks: list[tuple[int, str | None]] = [(1, None)]
    for para in article[1:]:
        text = para.text
        if m := _ITEM.match(text):
            item = f"（{m.group('n')}）"
        elif not (item and _SUB_ITEM.match(text)):
            clause, item = clause + 1, None
        marks.append((clause, item))
    several = clause > 1
    for para, (n, item) in zip(article[1:], marks[1:]):
        label = f"{base}第{_cn(n)}款" if several or item is None else base
        para.label = f"{label}第{item}项" if item else label


def article_groups(paragraphs: list[Paragraph]) -> Iterator[list[Paragraph]]:
    """Each article's paragraphs (its 第X条 paragraph, then its 款 and 项), in order; an
    article ends at the next article, heading or title. Only articles of more than one paragraph
    are yielded: a one-paragraph article is its own unit already."""
    group: list[Paragraph] = []
    for para in paragraphs:
        if para.role == "article":
            if len(group) > 1:
                yield group
            group = [para]
        elif group and para.role == "body" and article_of(para.label) == article_of(group[0].label):
            group.append(para)
        else:
            if len(group) > 1:
                yield group
            group = []
    if len(group) > 1:
        yield group
