"""HTML pages from government sites: the article text only, plus what the page says about itself.

Navigation, scripts, styles and page furniture are dropped; the article is taken from a known
CMS content container (TRS/UCAP/gov.cn templates) when the page has one, else from the block
holding the most CJK text outside links. Paragraphs come out one per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from indexer.errors import ExtractError
from indexer.extract.decode import UndecodableError, decode_bytes
from indexer.models import Extracted, Page
from indexer.normalize import CJK

# Content containers of the CMSs Chinese government sites run on, most specific first:
# (attribute, value) pairs, matched in one walk over the tree ("tag" matches the element name).
CONTENT_CONTAINERS = (
    ("id", "UCAP-CONTENT"),
    ("class", "TRS_Editor"),
    ("class", "TRS_UEDITOR"),
    ("class", "pages_content"),
    ("id", "zoom"),
    ("id", "Zoom"),
    ("class", "article-content"),
    ("tag", "article"),
)
NOISE_TAGS = (
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "canvas", "nav", "header", "footer", "aside", "select", "button", "input", "textarea",
)  # fmt: skip
BLOCK_TAGS = {
    "address", "article", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption",
}  # fmt: skip
CELL_TAGS = {"td", "th"}
# Elements that can hold an article; <p> is not one (its text counts for its container).
CONTAINER_TAGS = {"div", "td", "section", "article", "main", "body"}

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CJK_CHAR = re.compile(f"[{CJK}]")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_LABEL_START = r"(?<!\S)"  # a label starts a line or follows a space: not 资金来源：
_DATE_LABELS = {  # meta key -> labels, in order of preference
    "published": ("发布时间", "发布日期", "发文日期", "成文日期"),
    "written": ("成文日期",),
}
_FIELD_LABELS = {"source_name": "来源", "doc_number": "发文字号", "issuer": "发文机关"}
# Where a label's value runs into the next label on the same line.
_NEXT_LABEL = re.compile(r"(发布|时间|日期|作者|浏览|字号|点击|编辑|分享|打印)")


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``http-equiv`` tag declares near the top.

    A UTF-16/32 label is ignored (as browsers do): a page whose <meta> is readable as ASCII
    is not UTF-16, and decoding it so would "succeed" with garbage.
    """
    match = _META_CHARSET.search(data[:4096])
    label = match.group(1).decode("ascii") if match else None
    return None if label and label.lower().startswith(("utf-16", "utf-32")) else label


def _cjk_count(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def text_lines(root: Tag) -> list[str]:
    """Visible text of ``root``, one line per block element or <br>, blank lines dropped.

    Iterative (explicit stack) so a page nested thousands of levels deep cannot hit the
    recursion limit.
    """
    parts: list[str] = []
    stack: list[tuple[Iterator[PageElement], bool]] = [(iter(root.contents), False)]
    while stack:
        children, is_block = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if is_block:
                parts.append("\n")
        elif type(node) is NavigableString:
            parts.append(_SPACES.sub(" ", str(node)))
        elif isinstance(node, Tag):
            if node.name == "br":
                parts.append("\n")
                continue
            block = node.name in BLOCK_TAGS
            parts.append("\n" if block else " " if node.name in CELL_TAGS else "")
            stack.append((iter(node.contents), block))
    return [line.strip() for line in "".join(parts).split("\n") if line.strip()]


def _densest_block(soup: BeautifulSoup) -> Tag:
    """The container with the most CJK text outside links (half credit to its parent, so an
    article split over sibling <div>s still elects their common parent)."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for string in soup.find_all(string=True):
        count = _cjk_count(string) if type(string) is NavigableString else 0
        if not count:
            continue
        ancestors = list(string.parents)
        if any(parent.name == "a" for parent in ancestors):
            continue
        containers = [parent for parent in ancestors if parent.name in CONTAINER_TAGS][:2]
        for weight, container in zip((1.0, 0.5), containers, strict=False):
            scores[id(container)] = scores.get(id(container), 0.0) + weight * count
            elements[id(container)] = container
    if not scores:
        return soup.body or soup
    return elements[max(scores, key=scores.__getitem__)]


def _container_rank(tag: Tag) -> int | None:
    """Position of ``tag`` in CONTENT_CONTAINERS, ``None`` if it is not a known container."""
    for rank, (attribute, value) in enumerate(CONTENT_CONTAINERS):
        if attribute == "tag":
            found = tag.name == value
        elif attribute == "class":
            found = value in (tag.get("class") or ())
        else:
            found = tag.get(attribute) == value
        if found:
            return rank
    return None


def _content_root(soup: BeautifulSoup) -> Tag:
    """The best-ranked known container holding CJK text (the first in document order among
    equals), else the densest block."""
    best: tuple[int, Tag] | None = None
    for element in soup.descendants:
        if not isinstance(element, Tag):
            continue
        rank = _container_rank(element)
        if rank is not None and (best is None or rank < best[0]) and _cjk_count(element.get_text()):
            best = (rank, element)
    return best[1] if best else _densest_block(soup)


def _remove_noise(soup: BeautifulSoup) -> None:
    for element in soup.find_all(NOISE_TAGS):
        element.decompose()
    for element in soup.find_all(style=re.compile(r"display\s*:\s*none", re.I)):
        element.decompose()


def _head_titles(soup: BeautifulSoup) -> tuple[str | None, str | None]:
    """What the <head> states: the CMS ``<meta name=ArticleTitle>`` and the <title> without
    its site suffix (``…_中国政府网``)."""
    tag = soup.find("meta", attrs={"name": re.compile("^ArticleTitle$", re.I)})
    meta_title = tag.get("content") if tag else None
    page_title = soup.title.string if soup.title else None
    if page_title:
        page_title = re.split(r"\s*(?:_|\||｜| - )\s*", page_title.strip())[0]
    return (meta_title if isinstance(meta_title, str) else None), page_title


def _title(
    head_titles: tuple[str | None, str | None], soup: BeautifulSoup, root: Tag
) -> str | None:
    """The CMS meta title, else the article's <h1>, else the <title>, else any <h1>."""
    meta_title, page_title = head_titles
    article_h1, any_h1 = root.find("h1"), soup.find("h1")
    candidates = [
        meta_title,
        " ".join(text_lines(article_h1)) if article_h1 else None,
        page_title,
        " ".join(text_lines(any_h1)) if any_h1 else None,
    ]
    return next((c.strip() for c in candidates if c and c.strip()), None)


def _labelled_fields(lines: list[str]) -> dict[str, str]:
    """发布时间/成文日期 as ISO dates, 来源/发文字号/发文机关 as written."""
    text = "\n".join(lines)
    meta: dict[str, str] = {}
    for key, labels in _DATE_LABELS.items():
        for label in labels:
            match = re.search(_LABEL_START + label + r"\s*[：:]\s*" + _DATE, text)
            if match:
                year, month, day = (int(g) for g in match.groups())
                meta[key] = f"{year:04d}-{month:02d}-{day:02d}"
                break
    for key, label in _FIELD_LABELS.items():
        match = re.search(_LABEL_START + label + r"[ \t]*[：:][ \t]*([^\s|｜]+)", text)
        value = _NEXT_LABEL.split(match.group(1))[0].strip() if match else ""
        if value:
            meta[key] = value
    return meta


def extract_html(path: Path, data: bytes, sha1: str) -> Extracted:
    """One page of article text; ``meta`` has title, published, source_name, charset (and
    written, doc_number, issuer when the page labels them)."""
    try:
        text, charset = decode_bytes(data, declared_charset(data))
    except UndecodableError as err:
        raise ExtractError(str(path), str(err)) from None
    soup = BeautifulSoup(text, "lxml")
    head_titles = _head_titles(soup)
    _remove_noise(soup)
    root = _content_root(soup)
    lines = text_lines(root)
    if not lines:
        raise ExtractError(str(path), "no article text found in the HTML page")
    meta: dict[str, str] = {"charset": charset}
    title = _title(head_titles, soup, root)
    if title:
        meta["title"] = title
    meta.update(_labelled_fields(text_lines(soup)))
    return Extracted(str(path), "html", [Page(1, "\n".join(lines))], meta, sha1)
