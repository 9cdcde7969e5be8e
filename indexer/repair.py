"""The repair stage: an extracted source's pages -> one ``Layout`` ready for structure parsing.

``layout.repair`` rebuilds paragraphs from lines (page markers, running heads, words broken
across lines); this stage adds what depends on where the text came from: an unpaginated text
has no pages to cite, and a web page's 发布时间/来源 line is a fact about the page (the extractor
has already read it into ``Extracted.meta``), not body text.
"""
from __future__ import annotations

import re

from indexer.layout import repair as repair_lines
from indexer.models import Extracted, Layout

_PAGE_FACT = re.compile(
    r"^\s*[【\[]?(?:发布时间|发布日期|发文日期|成文日期|印发日期|来源|信息来源|文章来源|发文字号|发文机关|"
    r"索引号|主题分类|标题|作者|责任编辑|浏览次数|点击数|阅读次数|字号)[】\]]?\s*[：:]"
)
_PAGE_FACT_MAX = 150
_PAGINATED = ("pdf", "ofd")


def is_page_facts(text: str) -> bool:
    """True for a web page's 发布时间：… 来源：… line (a short labelled line, not a sentence)."""
    return len(text) <= _PAGE_FACT_MAX and "。" not in text and bool(_PAGE_FACT.match(text))


def repair(extracted: Extracted) -> Layout:
    """The repaired layout of one source."""
    layout = repair_lines(extracted.pages)
    if extracted.fmt not in _PAGINATED and layout.page_count <= 1:
        # One unpaginated text (JSON line, web page): "page 1" would be noise in citations.
        for para in layout.paragraphs:
            para.page = None
        layout.page_count = 0
    if extracted.fmt == "html":
        layout.paragraphs = [p for p in layout.paragraphs if not is_page_facts(p.text)]
    return layout
