"""OFD sources (GB/T 33190 版式文档): the text of every page, in reading order.

The package is walked as the standard lays it out: ``OFD.xml`` names each document's root
(``DocBody/DocRoot``) and its ``DocInfo`` (title, author, dates); ``Document.xml`` lists the
pages (``Pages/Page@BaseLoc``), the template pages they use (``CommonData/TemplatePage``) and
the annotations (``Annotations``); each page's content holds ``TextObject`` elements whose
``TextCode`` runs carry the text and its position. Runs are sorted into lines by their
baseline and left to right within a line, one line per text line on the page, so layout
repair rejoins lines broken at the margin exactly as it does for PDF.

A small reader rather than a library: the OFD readers on PyPI render to images or PDF and pull
in large dependencies, and the text model needed here is a few elements (``docs/FORMATS.md``).
Every member is read from memory (never extracted), paths are resolved inside the package,
and ``package.open_package`` caps the entries and the unpacked size.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from indexer.errors import ExtractError
from indexer.extract.package import member_name, open_package, read_member, what_is
from indexer.models import Extracted, Page

KIND = "OFD document"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass
class Run:
    """One ``TextCode``: its text, left edge and baseline in millimetres, and font size."""

    x: float
    y: float
    size: float
    text: str
    width: float


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _child_text(element: etree._Element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else ""


def _numbers(value: str | None) -> list[float]:
    try:
        return [float(v) for v in (value or "").split() if v != "g"]
    except ValueError:
        return []


def _delta_width(delta: str | None, count: int, size: float) -> float:
    """Advance of a run: ``DeltaX`` (with ``g N d`` repeats) plus the last glyph."""
    tokens = (delta or "").split()
    advances: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            advances += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            advances.append(float(tokens[i]))
            i += 1
    return sum(advances[: max(count - 1, 0)]) + size if advances else count * size


def _xml(source: str, package: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return etree.fromstring(read_member(source, package, name, KIND), _PARSER)
    except etree.XMLSyntaxError as err:
        raise ExtractError(source, f"damaged {KIND}: {name} is not well-formed XML ({err})") from None


def page_runs(content: etree._Element) -> list[Run]:
    """Every ``TextCode`` of a page content, positioned on the page."""
    runs: list[Run] = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _numbers(obj.get("Boundary")) + [0.0, 0.0]
        size = (_numbers(obj.get("Size")) or [3.5])[0] or 3.5
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            x = (_numbers(code.get("X")) or [x])[0]
            y = (_numbers(code.get("Y")) or [y])[0]
            try:
                width = _delta_width(code.get("DeltaX"), len(text), size)
            except ValueError:
                width = len(text) * size
            if text.strip():
                runs.append(Run(box[0] + x, box[1] + y, size, text, width))
            x += width
    return runs


def lines_of(runs: list[Run]) -> list[str]:
    """Runs grouped into lines (baselines within half a glyph), top to bottom, left to right;
    a wide gap inside a line (a signature block, a date pushed right) becomes spaces."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: r.y):
        if lines and abs(lines[-1][0].y - run.y) <= run.size / 2:
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        line.sort(key=lambda r: r.x)
        text = line[0].text
        for previous, run in zip(line, line[1:]):
            gap = run.x - (previous.x + previous.width)
            text += ("    " if gap > 2 * run.size else "") + run.text
        out.append(text)
    return out


def _doc_info(body: etree._Element) -> dict[str, str]:
    info = (_children(body, "DocInfo") or [None])[0]
    if info is None:
        return {}
    meta = {}
    for tag, name in (("Title", "file_title"), ("Author", "file_author")):
        if _child_text(info, tag):
            meta[name] = _child_text(info, tag)
    for tag, name in (("CreationDate", "file_created"), ("ModDate", "file_modified")):
        match = _DATE.match(_child_text(info, tag))
        if match:
            meta[name] = f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    return meta


def _member(source: str, base: str, target: str, what: str) -> str:
    name = member_name(base, target)
    if name is None:
        raise ExtractError(source, f"damaged {KIND}: {what} points outside the package")
    return name


def _shifted(runs: list[Run], dx: float, dy: float) -> list[Run]:
    return [Run(r.x + dx, r.y + dy, r.size, r.text, r.width) for r in runs]


def _annotation_runs(source: str, package: zipfile.ZipFile, doc_name: str,
                     document: etree._Element) -> dict[str, list[Run]]:
    """Text of each page's annotations (``Annotations.xml`` -> one file per page), by page ID.

    An annotation draws its ``Appearance`` inside its own ``Boundary``. Watermarks are left out:
    the same 样本/内部资料 across every page is not the document's text.
    """
    found: dict[str, list[Run]] = {}
    for annots in _children(document, "Annotations"):
        list_name = _member(source, doc_name, (annots.text or "").strip(), "Annotations")
        for page in _children(_xml(source, package, list_name), "Page"):
            for loc in _children(page, "FileLoc"):
                annot_name = _member(source, list_name, (loc.text or "").strip(), "an annotation")
                for annot in _xml(source, package, annot_name).iter():
                    if _local(annot.tag) != "Annot" or annot.get("Type") == "Watermark":
                        continue
                    for appearance in _children(annot, "Appearance"):
                        box = _numbers(appearance.get("Boundary")) + [0.0, 0.0]
                        found.setdefault(page.get("PageID") or "", []).extend(
                            _shifted(page_runs(appearance), box[0], box[1]))
    return found


def _document_pages(source: str, package: zipfile.ZipFile, doc_name: str) -> list[str]:
    """The text of each page of one document: its template pages (page furniture such as a
    红头 or folio drawn behind or over every page), its content and its annotations, merged by
    position so each line reads as printed."""
    document = _xml(source, package, doc_name)
    templates = {
        tpl.get("ID") or "": _member(source, doc_name, tpl.get("BaseLoc") or "", "a template page")
        for common in _children(document, "CommonData") for tpl in _children(common, "TemplatePage")
    }
    template_runs: dict[str, list[Run]] = {}
    annotations = _annotation_runs(source, package, doc_name, document)
    texts = []
    for pages in _children(document, "Pages"):
        for page in _children(pages, "Page"):
            content = _xml(source, package, _member(source, doc_name, page.get("BaseLoc") or "", "a page"))
            runs = page_runs(content)
            for used in _children(content, "Template"):
                name = templates.get(used.get("TemplateID") or "")
                if name is None:
                    continue  # a page naming a template the document does not declare
                if name not in template_runs:
                    template_runs[name] = page_runs(_xml(source, package, name))
                runs += template_runs[name]
            runs += annotations.get(page.get("ID") or "", [])
            texts.append("\n".join(lines_of(runs)))
    return texts


def read_ofd(source: str, package: zipfile.ZipFile) -> tuple[list[Page], dict[str, str]]:
    """Pages and ``DocInfo`` metadata of every document in an opened OFD package."""
    names = set(package.namelist())
    if "OFD.xml" not in names:
        raise ExtractError(source, f"not an {KIND}: {what_is(names)} (no OFD.xml)")
    root = _xml(source, package, "OFD.xml")
    bodies = _children(root, "DocBody")
    if not bodies:
        raise ExtractError(source, f"damaged {KIND}: OFD.xml has no DocBody")
    meta = _doc_info(bodies[0])
    texts: list[str] = []
    for body in bodies:
        texts += _document_pages(source, package, _member(source, "OFD.xml", _child_text(body, "DocRoot"), "DocRoot"))
    if not any(text.strip() for text in texts):
        raise ExtractError(source, "no text in the OFD pages (scanned or image-only OFD)")
    return [Page(n, text + "\n") for n, text in enumerate(texts, start=1)], meta


def extract_ofd(path: Path, data: bytes, sha1: str, *, max_entries: int, max_unpacked: int) -> Extracted:
    source = str(path)
    package = open_package(source, data, KIND, max_entries=max_entries, max_unpacked=max_unpacked)
    pages, meta = read_ofd(source, package)
    return Extracted(source, "ofd", pages, meta, sha1)
