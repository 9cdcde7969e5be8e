"""Child process that parses one PDF with pdfminer.six under hard resource limits.

Run as a script (``python -I pdf_child.py MEMORY_MB CPU_SECONDS < file.pdf``); the indexer
imports only its constants. It reads the bytes the caller already size-checked and hashed
from stdin, limits its own address space and CPU time *before* importing pdfminer, so a
decompression bomb or a runaway parser dies here, not in the batch. It prints one JSON object
on stdout: ``{"pages": [...], "meta": {...}}`` or ``{"error": "<reason>"}``. It deliberately
imports nothing from ``indexer`` so it starts fast and has no access to the caller's state.
"""

from __future__ import annotations

import io
import json
import logging
import re
import resource
import sys
import warnings
from typing import Any

NO_TEXT_REASON = "no text layer (scanned or image-only PDF)"
CID_REASON = "unreadable text layer (fonts without a Unicode mapping)"
# pdfminer writes a glyph it cannot map to Unicode as "(cid:123)".
_UNMAPPED = re.compile(r"\(cid:\d+\)")
MEMORY_EXIT = 3  # exit status when even reporting the MemoryError failed
# Values PDF producers write when nobody set one (reportlab, some office suites).
PLACEHOLDERS = {"untitled", "anonymous", "unknown", "unspecified"}


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    """Lower (never try to raise: that fails) the address-space and CPU-time limits."""
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory_mb * 1024 * 1024, memory_mb * 1024 * 1024),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
    ):
        _, current_hard = resource.getrlimit(kind)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(kind, (soft, hard))


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


def parse(data: bytes) -> dict[str, Any]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        pages.append(_page_text(device.get_result()))
    meta = _info(document)
    text = "".join(pages)
    unmapped = len(_UNMAPPED.findall(text))
    readable = len("".join(_UNMAPPED.sub("", text).split()))
    if not readable and not unmapped:
        return {"error": NO_TEXT_REASON}
    if unmapped > readable:
        return {"error": CID_REASON}
    return {"pages": pages, "meta": meta}


def classify(error: BaseException, memory_mb: int) -> str:
    """A reason a person can act on, for whatever pdfminer (or Python) raised."""
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.psexceptions import PSEOF

    if isinstance(error, MemoryError):
        return f"exceeded memory limit ({memory_mb} MB)"
    if isinstance(error, RecursionError):
        return "circular or too deeply nested PDF objects"
    if isinstance(error, PDFEncryptionError):
        return "encrypted PDF (password required)"
    if isinstance(error, PSEOF):
        return "truncated or damaged PDF"
    detail = f"{type(error).__name__}: {error}"[:200]
    return f"truncated or damaged PDF ({detail})"


def main(argv: list[str]) -> int:
    memory_mb, cpu_seconds = int(argv[0]), int(argv[1])
    _limit(memory_mb, cpu_seconds)
    logging.basicConfig(level=logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        result = parse(sys.stdin.buffer.read())
    except Exception as error:  # noqa: BLE001 - every failure becomes a reason for the report
        result = {"error": classify(error, memory_mb)}
    try:
        sys.stdout.write(json.dumps(result))  # ASCII-only: independent of the child's locale
    except MemoryError:
        return MEMORY_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
