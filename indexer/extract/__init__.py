"""Extraction: source files -> ``Extracted`` records (text per page plus stated metadata).

``extract_path`` never raises for bad input: every file that cannot be read comes back as a
``Problem`` with a reason a person can act on, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ExtractError
from indexer.extract.doc import extract_doc
from indexer.extract.docx import extract_docx
from indexer.extract.html import extract_html
from indexer.extract.jsonl import read_jsonl
from indexer.extract.ofd import extract_ofd
from indexer.extract.pdf import OcrOptions, extract_pdf
from indexer.extract.text import extract_text
from indexer.models import Extracted, Problem

__all__ = ["SUPPORTED_SUFFIXES", "Limits", "iter_sources", "extract_path"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".html", ".htm", ".txt", ".jsonl", ".docx", ".doc", ".ofd"}


@dataclass(frozen=True)
class Limits:
    """Per-source resource caps. ``max_bytes`` bounds a whole file, except JSON Lines where
    it bounds each line (corpora are streamed and may be larger)."""

    max_bytes: int = 50_000_000
    pdf_timeout: float = 30.0
    pdf_memory_mb: int = 512
    # OCR of PDF pages without a text layer (``ocr=False``: such pages stay empty).
    ocr: bool = True
    ocr_max_pages: int = 50
    ocr_page_timeout: float = 60.0
    ocr_memory_mb: int = 2048
    # .docx / .ofd packages: caps on the zip's entries and their total uncompressed size.
    zip_max_entries: int = 5_000
    zip_max_unpacked: int = 300_000_000

    def ocr_options(self) -> OcrOptions:
        return OcrOptions(self.ocr, self.ocr_max_pages, self.ocr_page_timeout, self.ocr_memory_mb)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _unreadable_folder(error: OSError) -> None:
    log.warning("skipping unreadable folder %s: %s", error.filename, error.strerror)


def iter_sources(paths: Iterable[Path]) -> list[Path]:
    """Files to extract: folders are walked recursively (hidden entries and unsupported
    suffixes skipped silently, symlinked folders not followed); files named explicitly are
    kept whatever their suffix, so ``extract_path`` can report an unsupported one."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if not path.is_dir():
            found.add(path)
            continue
        for folder, subfolders, files in os.walk(path, onerror=_unreadable_folder):
            subfolders[:] = [name for name in subfolders if not _hidden(name)]
            found.update(
                Path(folder, name)
                for name in files
                if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
            )
    return sorted(found, key=str)


def _too_large(size: int, limit: int) -> str:
    return f"file too large: {size / 1e6:.1f} MB > {limit / 1e6:g} MB limit"


def _extract(path: Path, suffix: str, limits: Limits) -> tuple[list[Extracted], list[Problem]]:
    if suffix == ".jsonl":
        with path.open("rb") as stream:
            return read_jsonl(path, stream, limits.max_bytes)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ExtractError(str(path), _too_large(size, limits.max_bytes))
    data = path.read_bytes()
    sha1 = hashlib.sha1(data).hexdigest()
    if suffix == ".pdf":
        record = extract_pdf(
            path, data, sha1, timeout=limits.pdf_timeout, memory_mb=limits.pdf_memory_mb,
            ocr=limits.ocr_options(),
        )
    elif suffix in (".html", ".htm"):
        record = extract_html(path, data, sha1)
    elif suffix in (".docx", ".ofd"):
        reader = extract_docx if suffix == ".docx" else extract_ofd
        record = reader(
            path, data, sha1, max_entries=limits.zip_max_entries, max_unpacked=limits.zip_max_unpacked
        )
    elif suffix == ".doc":
        record = extract_doc(path, data, sha1)
    else:
        record = extract_text(path, data, sha1)
    return [record], []


def extract_path(path: Path, limits: Limits = Limits()) -> tuple[list[Extracted], list[Problem]]:
    """Read one source file; returns its records and the problems met, never raises for bad
    input (missing, unreadable, unsupported, oversized, damaged or hostile files)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return [], [
            Problem(
                str(path), f"unsupported file type '{suffix or path.name}' (supported: {supported})"
            )
        ]
    try:
        return _extract(path, suffix, limits)
    except ExtractError as err:
        return [], [Problem(err.source, err.reason, err.line)]
    except FileNotFoundError:
        return [], [Problem(str(path), "file not found")]
    except IsADirectoryError:
        return [], [Problem(str(path), "is a directory, not a file")]
    except OSError as err:
        return [], [Problem(str(path), f"cannot read file: {err.strerror or err}")]
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop the batch
        log.exception("unexpected error extracting %s", path)
        return [], [Problem(str(path), f"unexpected error: {type(err).__name__}: {err}")]
