"""The backstop for a page stuck where the OCR child's own per-page timer cannot fire.

The child stops a slow page itself with SIGALRM, but a page stuck inside C code (ONNX Runtime,
pdfium) never returns to Python, so the alarm's handler never runs. The parent then kills the
child when no progress mark arrives within the page cap plus a grace. The stand-in child below
behaves exactly so: it announces the OCR phase and its first page, blocks SIGALRM and hangs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from indexer.errors import ExtractError
from indexer.extract import pdf

STUCK_CHILD = """
import os, signal, sys, time
fd = int(sys.argv[-1])
sys.stdin.buffer.read()
os.write(fd, b"o")          # OCR phase started
os.write(fd, b"p")          # first page
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])  # as if inside C code
time.sleep(600)
"""

SLOW_BUT_MOVING_CHILD = """
import json, os, sys, time
fd = int(sys.argv[-1])
sys.stdin.buffer.read()
os.write(fd, b"o")
for page in range(6):       # each page well within its cap: the child must not be killed
    os.write(fd, b"p")
    time.sleep(0.3)
sys.stdout.write(json.dumps({"pages": ["done"]}))
"""


@pytest.fixture
def short_caps(monkeypatch: pytest.MonkeyPatch) -> pdf.OcrOptions:
    monkeypatch.setattr(pdf, "OCR_START_SECONDS", 0.2)
    monkeypatch.setattr(pdf, "OCR_PAGE_GRACE", 0.2)
    return pdf.OcrOptions(page_timeout=0.4)


def test_a_page_stuck_in_c_code_is_killed_by_the_parent(tmp_path: Path, short_caps: pdf.OcrOptions) -> None:
    child = tmp_path / "stuck.py"
    child.write_text(STUCK_CHILD, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        pdf._communicate(tmp_path / "scan.pdf", [sys.executable, str(child)], b"%PDF", 0.5, short_caps)
    assert caught.value.reason == "OCR of a page took longer than the 0.4 s per-page cap"
    assert str(tmp_path / "scan.pdf") in str(caught.value)
    assert time.monotonic() - started < 60  # killed, not left to its 600 s sleep


def test_a_slow_child_that_keeps_reporting_pages_is_not_killed(tmp_path: Path, short_caps: pdf.OcrOptions) -> None:
    """1.8 s in all, past the 1 s text-phase deadline: each page mark extends it."""
    child = tmp_path / "slow.py"
    child.write_text(SLOW_BUT_MOVING_CHILD, encoding="utf-8")
    caps = pdf.OcrOptions(page_timeout=1.0)  # > 3 pages' time: only a missing mark may kill
    code, stdout, _ = pdf._communicate(tmp_path / "scan.pdf", [sys.executable, str(child)], b"%PDF", 1.0, caps)
    assert (code, stdout) == (0, b'{"pages": ["done"]}')
