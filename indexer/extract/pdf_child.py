"""Child process that parses one PDF with pdfminer.six under hard resource limits.

Run as a script (``python -I pdf_child.py MEMORY_MB CPU_SECONDS [OPTIONS_JSON PHASE_FD] < file.pdf``);
the indexer imports only its constants. It reads the bytes the caller already size-checked and
hashed from stdin, limits its own address space and CPU time *before* importing pdfminer, so a
decompression bomb or a runaway parser dies here, not in the batch. It prints one JSON object
on stdout: ``{"pages": [...], "meta": {...}}`` or ``{"error": "<reason>"}``. It deliberately
imports nothing from ``indexer`` so it starts fast and has no access to the caller's state.

Pages without a text layer are read by OCR (``ocr.py``, loaded by path) in this same process:
the text phase runs under ``MEMORY_MB`` (and the caller's ``pdf_timeout``); the child then
writes ``o`` (and ``p`` before each page) to ``PHASE_FD`` so the caller moves its deadline
along, raises the soft memory
limit to ``ocr_memory_mb`` (the hard limit was set to it at start), and gives each page
``ocr_page_timeout`` seconds, at most ``ocr_max_pages`` pages.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import re
import resource
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

NO_TEXT_REASON = "no text layer (scanned or image-only PDF)"
CID_REASON = "unreadable text layer (fonts without a Unicode mapping)"
# pdfminer writes a glyph it cannot map to Unicode as "(cid:123)".
_UNMAPPED = re.compile(r"\(cid:\d+\)")
MEMORY_EXIT = 3
SCANNED_PAGE_CHARS = 10  # a page with fewer readable characters is read by OCR
OCR_INSTALL_HINT = "pip install rapidocr onnxruntime pypdfium2"  # exit status when even reporting the MemoryError failed
# Values PDF producers write when nobody set one (reportlab, some office suites).
PLACEHOLDERS = {"untitled", "anonymous", "unknown", "unspecified"}


class PhaseTimeout(BaseException):
    """Raised by the interval timer; a BaseException so no ``except Exception`` in a parser
    swallows it."""


class ReferenceCycle(Exception):
    """An indirect object that resolves, through other references, back to itself."""


def _limit(memory_mb: int, hard_memory_mb: int, cpu_seconds: int) -> None:
    """Lower (never try to raise: that fails) the address-space and CPU-time limits. The
    hard memory limit may sit above the soft one, so the OCR phase can raise the soft one."""
    mb = 1024 * 1024
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory_mb * mb, max(memory_mb, hard_memory_mb) * mb),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
    ):
        _, current_hard = resource.getrlimit(kind)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(kind, (soft, hard))


def _raise_memory(memory_mb: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _on_alarm(signum: int, frame: Any) -> None:
    raise PhaseTimeout


def _alarm(seconds: float) -> None:
    """Raise ``PhaseTimeout`` in this process after ``seconds`` (0 cancels)."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.0))


def _text_string(value: bytes) -> str:
    """A PDF text string: UTF-16 with either BOM (WPS writes little-endian, which pdfminer's
    ``decode_text`` does not recognise) or PDFDocEncoding."""
    from pdfminer.utils import decode_text

    if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return value.decode("utf-16", "replace")
    return decode_text(value)


def _info(document: Any) -> dict[str, str]:
    """Title/author/creation date from the info dictionaries, decoded to str."""
    from pdfminer.psparser import PSLiteral

    meta: dict[str, str] = {}
    wanted = {"Title": "pdf_title", "Author": "pdf_author", "CreationDate": "pdf_created"}
    for info in document.info:
        for key, name in wanted.items():
            value = info.get(key)
            if name in meta or value is None:
                continue
            if isinstance(value, bytes):
                value = _text_string(value)
            elif isinstance(value, PSLiteral):
                value = str(value.name)
            value = str(value).strip()
            if name == "pdf_created":
                match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value)
                value = f"{match[1]}-{match[2]}-{match[3]}" if match else ""
            if value and value.lower() not in PLACEHOLDERS:
                meta[name] = value
    return meta


def _page_text(item: Any) -> str:
    """Text of a layout tree in reading order, as pdfminer's TextConverter writes it."""
    from pdfminer.layout import LTContainer, LTText, LTTextBox

    if isinstance(item, LTTextBox) or (
        isinstance(item, LTText) and not isinstance(item, LTContainer)
    ):
        return item.get_text()
    if isinstance(item, LTContainer):
        return "".join(_page_text(child) for child in item)
    return ""


def _document(data: bytes) -> Any:
    """A pdfminer document whose object lookups refuse reference cycles (``1 0 obj 1 0 R``
    makes pdfminer's ``resolve1`` loop forever)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef

    class Document(PDFDocument):
        def getobj(self, objid: int) -> Any:
            seen = {objid}
            obj = super().getobj(objid)
            while isinstance(obj, PDFObjRef):
                if obj.objid in seen:
                    raise ReferenceCycle(f"object {objid} refers to itself")
                seen.add(obj.objid)
                obj = super().getobj(obj.objid)
            return obj

    return Document(PDFParser(io.BytesIO(data)))


def readable_chars(text: str) -> int:
    return len("".join(_UNMAPPED.sub("", text).split()))


def parse(data: bytes) -> dict[str, Any]:
    """Text layer of every page (empty for image-only pages) and the info dictionary."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    document = _document(data)
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    pages, images = [], []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        layout = device.get_result()
        pages.append(_page_text(layout))
        images.append(_has_image(layout))
    return {"pages": pages, "meta": _info(document), "images": images}


def _has_image(item: Any) -> bool:
    from pdfminer.layout import LTContainer, LTImage

    if isinstance(item, LTImage):
        return True
    return isinstance(item, LTContainer) and any(_has_image(child) for child in item)


def needs_ocr(text: str, has_image: bool) -> bool:
    """An image with (almost) no text on it is a scan; glyphs without a Unicode mapping
    render fine, so OCR reads them too."""
    readable, unmapped = readable_chars(text), len(_UNMAPPED.findall(text))
    return unmapped > readable or (has_image and readable < SCANNED_PAGE_CHARS)


def check_text(result: dict[str, Any]) -> dict[str, Any]:
    """The result, or the reason its text layer is unusable."""
    text = "".join(result["pages"])
    unmapped = len(_UNMAPPED.findall(text))
    readable = readable_chars(text)
    if not readable and not unmapped:
        return {"error": NO_TEXT_REASON}
    if unmapped > readable:
        return {"error": CID_REASON}
    return result


def _ocr_module() -> Any:
    """``ocr.py`` beside this file, loaded by path (this process runs with ``-I``)."""
    spec = importlib.util.spec_from_file_location("_policysearch_ocr", Path(__file__).with_name("ocr.py"))
    assert spec is not None and spec.loader is not None  # a ``.py`` path always gets a source loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def ocr_pages(
    data: bytes, result: dict[str, Any], options: dict[str, Any], report: Callable[[bytes], Any]
) -> dict[str, Any]:
    """Replace the text of pages without a text layer by OCR, within the page and time caps;
    ``report(b"p")`` before each page tells the parent the child is still making progress."""
    pages = result["pages"]
    scanned = [i for i, text in enumerate(pages) if needs_ocr(text, result["images"][i])]
    cap = int(options["ocr_max_pages"])
    if not scanned:
        return result
    if len(scanned) > cap:
        return {"error": f"scanned PDF: {len(scanned)} pages need OCR, over the cap of {cap} pages"}
    try:
        ocr = _ocr_module()
        import pypdfium2

        _raise_memory(int(options["ocr_memory_mb"]))
        reader = ocr.Reader()
    except ImportError as error:
        if _out_of_memory(error):
            raise
        return {"error": f"{NO_TEXT_REASON}; no OCR engine installed ({OCR_INSTALL_HINT})"}
    pdf = pypdfium2.PdfDocument(data)
    per_page = float(options["ocr_page_timeout"])
    scores: list[float] = []
    for index in scanned:
        report(b"p")
        _alarm(per_page)
        try:
            boxes = reader.read(ocr.render_page(pdf, index))
        except PhaseTimeout:
            return {"error": f"OCR of page {index + 1} took longer than the {per_page:g} s per-page cap"}
        finally:
            _alarm(0)
        text = "\n".join(ocr.group_lines(boxes)) + "\n"
        if readable_chars(text) > readable_chars(pages[index]):
            pages[index] = text
        scores += [box.score for box in boxes]
    confidence = round(sum(scores) / len(scores), 3) if scores else 0.0
    result["meta"]["ocr"] = {"engine": ocr.ENGINE, "pages": [i + 1 for i in scanned], "confidence": confidence}
    return result


def classify(error: BaseException, memory_mb: int) -> str:
    """A reason a person can act on, for whatever pdfminer (or Python) raised."""
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.psexceptions import PSEOF

    if isinstance(error, MemoryError):
        return f"exceeded memory limit ({memory_mb} MB)"
    if isinstance(error, ReferenceCycle):
        return "circular PDF object references"
    if isinstance(error, RecursionError):
        return "circular or too deeply nested PDF objects"
    if isinstance(error, PDFEncryptionError):
        return "encrypted PDF (password required)"
    if isinstance(error, PSEOF):
        return "truncated or damaged PDF"
    detail = f"{type(error).__name__}: {error}"[:200]
    return f"truncated or damaged PDF ({detail})"


def _out_of_memory(error: BaseException) -> bool:
    """MemoryError, or what ONNX Runtime and OpenCV wrap in others: a C++ ``bad_alloc``, or
    ENOMEM (ONNX Runtime 1.32 starts its thread pool on the first page; under the address-space
    cap ``pthread_create`` fails with "Cannot allocate memory")."""
    text = str(error)
    return isinstance(error, MemoryError) or any(
        sign in text for sign in ("bad_alloc", "Unable to allocate", "Cannot allocate memory"))


def run(data: bytes, memory_mb: int, options: dict[str, Any], phase_fd: int | None) -> dict[str, Any]:
    """Text phase (the parent kills it at ``pdf_timeout``), then OCR of the pages that have
    no text layer, with progress marks for the parent on ``phase_fd``."""
    try:
        result = parse(data)
    except Exception as error:  # noqa: BLE001 - every failure becomes a reason for the report
        return {"error": classify(error, memory_mb)}
    images = result.pop("images")
    if not options.get("ocr"):
        checked = check_text(result)
        if checked.get("error") == NO_TEXT_REASON and any(images):
            checked["error"] += "; OCR is off"
        return checked
    result["images"] = images
    report = (lambda mark: os.write(phase_fd, mark)) if phase_fd is not None else (lambda mark: 0)
    report(b"o")
    try:
        result = ocr_pages(data, result, options, report)
    except Exception as error:  # noqa: BLE001 - MemoryError included
        if _out_of_memory(error):
            return {"error": f"OCR exceeded the memory limit ({options['ocr_memory_mb']} MB)"}
        first = f"{type(error).__name__}: {error}".strip().splitlines()[0]
        return {"error": f"OCR failed: {first}"[:240]}
    result.pop("images", None)
    return result if "error" in result else check_text(result)


def main(argv: list[str]) -> int:
    memory_mb, cpu_seconds = int(argv[0]), int(argv[1])
    options = json.loads(argv[2]) if len(argv) > 2 else {}
    phase_fd = int(argv[3]) if len(argv) > 3 else None
    _limit(memory_mb, int(options.get("ocr_memory_mb", 0)) if options.get("ocr") else 0, cpu_seconds)
    logging.basicConfig(level=logging.CRITICAL)
    warnings.simplefilter("ignore")
    stdout, sys.stdout = sys.stdout, sys.stderr  # a library's print() must not corrupt the JSON
    result = run(sys.stdin.buffer.read(), memory_mb, options, phase_fd)
    try:
        stdout.write(json.dumps(result))  # ASCII-only: independent of the child's locale
    except MemoryError:
        return MEMORY_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
