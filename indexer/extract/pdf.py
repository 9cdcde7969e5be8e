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
import os
import select
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


def _communicate(path: Path, command: list[str], data: bytes, timeout: float, ocr: OcrOptions) -> tuple[int, bytes, bytes]:
    """Run the child: killed after ``timeout`` unless it has told us (one byte on the phase
    pipe) that the text phase is over and OCR began; then after the OCR budget too."""
    phase_read, phase_write = os.pipe()
    try:
        child = subprocess.Popen(
            [*command, str(phase_write)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, pass_fds=(phase_write,),
        )
        os.close(phase_write)
        phase_write = -1
        try:
            stdout, stderr = child.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            readable, _, _ = select.select([phase_read], [], [], 0)
            if not (ocr.enabled and readable and os.read(phase_read, 1)):
                child.kill()
                child.communicate()
                raise ExtractError(str(path), f"timed out after {timeout:g} s") from None
            try:
                stdout, stderr = child.communicate(timeout=ocr.budget())
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                raise ExtractError(str(path), f"OCR timed out after {ocr.budget():g} s") from None
        return child.returncode, stdout, stderr
    finally:
        os.close(phase_read)
        if phase_write >= 0:
            os.close(phase_write)


def _run_child(path: Path, data: bytes, timeout: float, memory_mb: int, ocr: OcrOptions) -> dict:
    """The child's JSON result, or an ``ExtractError`` for a child that timed out or died.

    The text phase is killed at ``timeout`` as before OCR existed; the OCR phase stops each
    page itself at its cap, and the kill after the whole OCR budget is the backstop."""
    options = {
        "ocr": ocr.enabled,
        "ocr_max_pages": ocr.max_pages,
        "ocr_page_timeout": ocr.page_timeout,
        "ocr_memory_mb": ocr.memory_mb,
    }
    cpu_seconds = math.ceil(timeout + ocr.budget()) + 1
    # -I: no PYTHONPATH, user site or script folder on sys.path (this folder's html.py
    # must not shadow the standard library's html module in the child).
    command = [sys.executable, "-I", str(CHILD), str(memory_mb), str(cpu_seconds), json.dumps(options)]
    returncode, stdout, stderr_bytes = _communicate(path, command, data, timeout, ocr)
    done = subprocess.CompletedProcess(command, returncode, stdout, stderr_bytes)
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
