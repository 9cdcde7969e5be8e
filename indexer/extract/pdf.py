"""PDF sources: pdfminer.six in a child process with a wall-clock and memory limit.

pdfminer inflates FlateDecode streams without a bound and recurses through nested XObjects,
so a hostile file can exhaust memory or the stack; running it in ``pdf_child.py`` (with
``RLIMIT_AS``/``RLIMIT_CPU`` set there, and killed here after ``timeout`` seconds) keeps the
batch alive whatever one file does.
"""

from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ExtractError
from indexer.extract.pdf_child import MEMORY_EXIT
from indexer.models import Extracted, Page

log = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("pdf_child.py")  # run by path: the child imports no indexer code
NOT_A_PDF = "not a PDF"


@dataclass(frozen=True)
class OcrOptions:
    """OCR of pages without a text layer: off, or capped in pages and seconds per page."""

    enabled: bool = True
    max_pages: int = 50
    page_timeout: float = 60.0
    memory_mb: int = 2048

    def budget(self) -> float:
        """Seconds the OCR phase may take at most (engine start plus every page at its cap)."""
        return OCR_START_SECONDS + self.max_pages * self.page_timeout if self.enabled else 0.0


OCR_START_SECONDS = 30.0


def _run_child(path: Path, data: bytes, timeout: float, memory_mb: int, ocr: OcrOptions) -> dict:
    """The child's JSON result, or an ``ExtractError`` for a child that timed out or died.

    The child stops its own text phase at ``timeout`` and each OCR page at its cap; the kill
    here, after the sum of both budgets, is the backstop for a child that cannot stop itself."""
    total = timeout + ocr.budget()
    options = {
        "pdf_timeout": timeout,
        "ocr": ocr.enabled,
        "ocr_max_pages": ocr.max_pages,
        "ocr_page_timeout": ocr.page_timeout,
        "ocr_memory_mb": ocr.memory_mb,
    }
    # -I: no PYTHONPATH, user site or script folder on sys.path (this folder's html.py
    # must not shadow the standard library's html module in the child).
    command = [
        sys.executable, "-I", str(CHILD), str(memory_mb), str(math.ceil(total) + 1), json.dumps(options)
    ]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=total, check=False
        )
    except subprocess.TimeoutExpired:  # run() has already killed the child
        raise ExtractError(str(path), f"timed out after {total:g} s") from None
    stderr = done.stderr.decode("utf-8", "replace")
    if stderr:
        log.debug("pdf child stderr for %s: %s", path, stderr[-2000:])
    try:
        return json.loads(done.stdout)
    except ValueError:
        pass
    if "MemoryError" in stderr or done.returncode == MEMORY_EXIT:
        raise ExtractError(str(path), f"exceeded memory limit ({memory_mb} MB)")
    if done.returncode < 0:
        raise ExtractError(
            str(path), f"PDF parser killed by signal {-done.returncode} (resource limit)"
        )
    last = stderr.strip().splitlines()[-1:] or [""]
    raise ExtractError(
        str(path), f"PDF parser failed (exit status {done.returncode}) {last[0][:200]}".strip()
    )


def extract_pdf(
    path: Path, data: bytes, sha1: str, *, timeout: float, memory_mb: int, ocr: OcrOptions = OcrOptions()
) -> Extracted:
    """One ``Page`` per physical page; ``meta`` has ``pdf_title``/``pdf_author``/``pdf_created``
    when the info dictionary sets them, and ``ocr`` (engine, pages, confidence) when pages
    without a text layer were read by OCR."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractError(str(path), NOT_A_PDF)
    result = _run_child(path, data, timeout, memory_mb, ocr)
    if "error" in result:
        raise ExtractError(str(path), result["error"])
    pages = [Page(number, text) for number, text in enumerate(result["pages"], start=1)]
    return Extracted(str(path), "pdf", pages, result["meta"], sha1)
