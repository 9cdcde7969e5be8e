"""Word .docx sources: paragraphs, headings and tables in body order, read with python-docx.

Each Word paragraph is one line of the page text (a table row is one line, its cells joined),
so layout repair and structure parsing see the same lines a PDF would give. Pages follow the
page breaks Word stored (manual ones and the ``lastRenderedPageBreak`` marks of its last
layout), so citations can give a page when the file has them. Title, author and dates come
from the core properties where they are set.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from indexer.errors import ExtractError
from indexer.extract.package import open_package, what_is
from indexer.models import Extracted, Page

log = logging.getLogger(__name__)

KIND = "Word document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAGE_BREAK = "\f"
# Values word processors and libraries write when nobody set one.
PLACEHOLDERS = {"", "untitled", "anonymous", "unknown", "python-docx", "administrator", "user"}


def _paragraph_text(element: Any) -> str:
    """Text of one ``w:p`` with ``PAGE_BREAK`` where Word broke the page inside it."""
    out: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == _W + "t" and node.text:
            out.append(node.text)
        elif tag == _W + "tab":
            out.append(" ")
        elif tag in (_W + "cr",) or (tag == _W + "br" and node.get(_W + "type") not in ("page",)):
            out.append("\n")
        elif tag == _W + "lastRenderedPageBreak" or (tag == _W + "br" and node.get(_W + "type") == "page"):
            out.append(PAGE_BREAK)
    return "".join(out)


def _row_text(row: Any) -> str:
    """A table row as one line: its cells' text, merged cells once, joined by a space."""
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return " ".join(cells)


def body_lines(document: Any) -> list[str]:
    """Lines of the body in order: paragraphs (headings included) and table rows."""
    from docx.table import Table

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += [line for line in map(_row_text, block.rows) if line]
        else:
            lines.append(_paragraph_text(block._p))
    return lines


def split_pages(lines: list[str]) -> list[Page]:
    """Pages at the page breaks; a break with no text before it since the last one (Word
    writes both a manual break and a rendered-break mark) does not make an empty page."""
    pages: list[list[str]] = [[]]
    for line in lines:
        for index, part in enumerate(line.split(PAGE_BREAK)):
            if index and pages[-1]:
                pages.append([])
            pages[-1] += [text for text in part.split("\n") if text.strip()]
    return [Page(number, "\n".join(page) + "\n") for number, page in enumerate(filter(None, pages), start=1)]


def _properties(document: Any) -> dict[str, str]:
    props = document.core_properties
    meta: dict[str, str] = {}
    for name, value in (("file_title", props.title), ("file_author", props.author)):
        value = (value or "").strip()
        if value.lower() not in PLACEHOLDERS:
            meta[name] = value
    for name, value in (("file_created", props.created), ("file_modified", props.modified)):
        if value is not None and value.year > 1980:
            meta[name] = value.date().isoformat()
    return meta


def extract_docx(path: Path, data: bytes, sha1: str, *, max_entries: int, max_unpacked: int) -> Extracted:
    import docx

    source = str(path)
    package = open_package(source, data, KIND, max_entries=max_entries, max_unpacked=max_unpacked)
    names = set(package.namelist())
    if "word/document.xml" not in names:
        raise ExtractError(source, f"not a {KIND}: {what_is(names)} (no word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(data))
    except ExtractError:
        raise
    except Exception as err:  # noqa: BLE001 - python-docx raises many kinds for damaged parts
        log.debug("python-docx failed on %s", source, exc_info=True)
        raise ExtractError(source, f"damaged {KIND} ({type(err).__name__}: {err})"[:240]) from None
    pages = split_pages(body_lines(document))
    if not pages:
        raise ExtractError(source, "empty document (no text)")
    return Extracted(source, "docx", pages, _properties(document), sha1)
