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


OCR_START_SECONDS = 30.0  # loading the models, once per file
OCR_PAGE_GRACE = 10.0  # the child stops a page itself at its cap; this is the backstop


def _progress(pipe: int) -> bytes:
    """Bytes the child has written on the progress pipe since the last look (never blocks)."""
    readable, _, _ = select.select([pipe], [], [], 0)
    return os.read(pipe, 4096) if readable else b""


def _communicate(path: Path, command: list[str], data: bytes, timeout: float, ocr: OcrOptions) -> tuple[int, bytes, bytes]:
    """Run the child with deadlines that follow its progress pipe: the text phase is killed
    at ``timeout``; once the child reports the OCR phase (``o``, then ``p`` before each page)
    each step gets the engine start or one page's cap plus a grace, so a page stuck in C code
    (where the child's own per-page timer cannot fire) is still killed."""
    progress_read, progress_write = os.pipe()
    try:
        child = subprocess.Popen(
            [*command, str(progress_write)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, pass_fds=(progress_write,),
        )
        os.close(progress_write)
        progress_write = -1
        step, started = timeout, False
        stdin: bytes | None = data
        while True:
            try:
                stdout, stderr = child.communicate(stdin, timeout=step)
                return child.returncode, stdout, stderr
            except subprocess.TimeoutExpired:
                stdin = None  # already sent; communicate() resumes without losing output
                seen = _progress(progress_read) if ocr.enabled else b""
                if not seen:
                    child.kill()
                    child.communicate()
                    reason = (
                        f"OCR of a page took longer than the {ocr.page_timeout:g} s per-page cap"
                        if started else f"timed out after {timeout:g} s"
                    )
                    raise ExtractError(str(path), reason) from None
                step = ocr.page_timeout + OCR_PAGE_GRACE + (0 if started else OCR_START_SECONDS)
                started = True
    finally:
        os.close(progress_read)
        if progress_write >= 0:
            os.close(progress_write)


def _run_child(path: Path, data: bytes, timeout: float, memory_mb: int, ocr: OcrOptions) -> dict:
    """The child's JSON result, or an ``ExtractError`` for a child that timed out or died.

    The text phase is killed at ``timeout`` as before OCR existed; the OCR phase stops each
    page itself at its cap, with a kill per page as the backstop (``_communicate``)."""
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
