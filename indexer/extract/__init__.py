"""Extraction: source files -> ``Extracted`` records (text per page plus stated metadata).

``extract_path`` never raises for bad input: every file that cannot be read comes back as a
``Problem`` with a reason a person can act on, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indexer.errors import ExtractError
from indexer.extract.doc import extract_doc
from indexer.extract.docx import extract_docx
from indexer.extract.html import extract_html
from indexer.extract.jsonl import read_jsonl
from indexer.extract.ofd import extract_ofd
from indexer.extract.pdf import OcrOptions, extract_pdf
from indexer.extract.text import extract_text
from indexer.models import Extracted, Problem
from indexer.names import source_name

__all__ = ["SUPPORTED_SUFFIXES", "Limits", "iter_sources", "extract_path", "open_regular"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".html", ".htm", ".txt", ".jsonl", ".docx", ".doc", ".ofd"}


@dataclass(frozen=True)
class Limits:
    """Per-source resource caps; every cap that is hit is reported as a skipped source.

    ``max_bytes`` bounds any one file and is the cap for PDF; HTML and plain text have their own,
    lower caps (both are read whole, and a real page or text is far below them), and the
    smallest of the two applies. JSON Lines corpora are streamed, so the whole file has its own
    cap and each line (one document) another. ``document_chars`` bounds the text of one
    document from any format, after extraction.
    """

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
    html_bytes: int = 20_000_000
    text_bytes: int = 20_000_000
    jsonl_bytes: int = 4_000_000_000
    jsonl_line_bytes: int = 16_000_000
    document_chars: int = 5_000_000

    def ocr_options(self) -> OcrOptions:
        return OcrOptions(self.ocr, self.ocr_max_pages, self.ocr_page_timeout, self.ocr_memory_mb)

    def file_cap(self, suffix: str) -> int:
        """Byte cap of a whole file with this suffix."""
        if suffix == ".jsonl":
            return self.jsonl_bytes
        own = {".html": self.html_bytes, ".htm": self.html_bytes, ".txt": self.text_bytes}.get(suffix)
        return min(self.max_bytes, own) if own else self.max_bytes

    @property
    def line_cap(self) -> int:
        """Byte cap of one JSON line (never more than ``max_bytes``)."""
        return min(self.max_bytes, self.jsonl_line_bytes)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_problem(error: OSError) -> Problem:
    name, _ = source_name(error.filename or "")
    return Problem(name, f"unreadable folder: {error.strerror or error}")


def iter_sources(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[Path]:
    """Files to extract, in the order given: folders are walked recursively (hidden entries and unsupported
    suffixes skipped silently, symlinked folders not followed); files named explicitly are
    kept whatever their suffix, so ``extract_path`` can report an unsupported one.

    A folder that cannot be listed is appended to ``problems`` (when given) and logged: it
    counts as skipped in the ingest report. Special files are listed like any other and refused
    by ``extract_path``, which checks the opened file itself.
    """
    found: dict[Path, None] = {}  # in the order given; each folder's files sorted within it

    def unreadable(error: OSError) -> None:
        problem = _folder_problem(error)
        log.warning("skipping %s", problem)
        if problems is not None:
            problems.append(problem)

    for path in map(Path, paths):
        if not path.is_dir():
            found.setdefault(path)
            continue
        inside: list[Path] = []
        for folder, subfolders, files in os.walk(path, onerror=unreadable):
            subfolders[:] = [name for name in subfolders if not _hidden(name)]
            inside += [
                Path(folder, name)
                for name in files
                if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
            ]
        # Sorted by the path inside the folder, never the absolute path: index order (the tie
        # order of ranking) must not depend on where a checkout happens to live.
        for found_path in sorted(inside, key=lambda p: str(p.relative_to(path))):
            found.setdefault(found_path)
    return list(found)


_NOT_UTF8_NAME = "file name is not UTF-8 (undecodable bytes shown as \\x escapes); read anyway"


def _too_large(size: int, limit: int) -> str:
    return f"file too large: {size / 1e6:.1f} MB > {limit / 1e6:g} MB limit"


_KINDS = (
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"),
)


def _refuse_special(mode: int, shown: str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise ExtractError(shown, f"not a regular file ({kind}); only regular files are read")


def open_regular(path: Path, shown: str) -> BinaryIO:
    """Open ``path`` for reading only if it is (or links to) a regular file.

    The type is checked before opening (a socket cannot be opened at all) and again on the
    opened descriptor, so a link swapped in between cannot smuggle in ``/dev/zero`` or a pipe;
    ``O_NONBLOCK`` keeps the open itself from waiting on a named pipe with no writer.
    """
    _refuse_special(os.stat(path).st_mode, shown)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _refuse_special(os.fstat(fd).st_mode, shown)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_capped(stream: BinaryIO, shown: str, cap: int) -> bytes:
    """The whole file, or an ``ExtractError`` when it is over ``cap`` (checked on the size and
    again on what is read, since a file can grow while it is read)."""
    size = os.fstat(stream.fileno()).st_size
    if size > cap:
        raise ExtractError(shown, _too_large(size, cap))
    # Read what the file holds (plus one byte to notice growth): read(n) allocates n bytes first,
    # so asking for the cap made every small file cost the whole cap in memory.
    data = stream.read(min(cap, size) + 1)
    if len(data) > size and len(data) + len(extra := stream.read(cap + 1 - len(data))) > cap:
        raise ExtractError(shown, f"file too large: over the {cap / 1e6:g} MB limit")
    if len(data) > size:
        data += extra
    if len(data) > cap:
        raise ExtractError(shown, f"file too large: over the {cap / 1e6:g} MB limit")
    return data


def _extract(
    path: Path, shown: Path, suffix: str, limits: Limits
) -> tuple[list[Extracted], list[Problem]]:
    with open_regular(path, str(shown)) as stream:
        if suffix == ".jsonl":
            size = os.fstat(stream.fileno()).st_size
            if size > limits.jsonl_bytes:
                raise ExtractError(str(shown), _too_large(size, limits.jsonl_bytes))
            return read_jsonl(shown, stream, limits.line_cap)
        data = _read_capped(stream, str(shown), limits.file_cap(suffix))
    sha1 = hashlib.sha1(data).hexdigest()
    if suffix == ".pdf":
        record = extract_pdf(
            shown, data, sha1, timeout=limits.pdf_timeout, memory_mb=limits.pdf_memory_mb,
            ocr=limits.ocr_options(),
        )
    elif suffix in (".html", ".htm"):
        record = extract_html(shown, data, sha1)
    elif suffix in (".docx", ".ofd"):
        reader = extract_docx if suffix == ".docx" else extract_ofd
        record = reader(
            shown, data, sha1, max_entries=limits.zip_max_entries, max_unpacked=limits.zip_max_unpacked
        )
    elif suffix == ".doc":
        record = extract_doc(shown, data, sha1)
    else:
        record = extract_text(shown, data, sha1)
    return [record], []


def _too_long(record: Extracted, limit: int) -> Problem | None:
    chars = sum(len(page.text) for page in record.pages)
    if chars <= limit:
        return None
    source, _, line = record.source.rpartition("#L") if record.fmt == "jsonl" else (record.source, "", "")
    return Problem(
        source or record.source, f"document too long: {chars:,} characters > {limit:,} limit",
        line=int(line) if line.isdigit() else None,
    )


def extract_path(path: Path, limits: Limits = Limits()) -> tuple[list[Extracted], list[Problem]]:
    """Read one source file; returns its records and the problems met, never raises for bad
    input (missing, unreadable, unsupported, oversized, damaged or hostile files)."""
    path = Path(path)
    name, exact = source_name(path)
    shown = Path(name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return [], [
            Problem(
                name, f"unsupported file type '{suffix or shown.name}' (supported: {supported})"
            )
        ]
    notes = [] if exact else [Problem(name, _NOT_UTF8_NAME, skipped=False)]
    try:
        records, problems = _extract(path, shown, suffix, limits)
    except ExtractError as err:
        return [], [*notes, Problem(err.source, err.reason, err.line)]
    except FileNotFoundError:
        return [], [*notes, Problem(name, "file not found")]
    except IsADirectoryError:
        return [], [*notes, Problem(name, "is a directory, not a file")]
    except OSError as err:
        return [], [*notes, Problem(name, f"cannot read file: {err.strerror or err}")]
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop the batch
        log.exception("unexpected error extracting %s", name)
        return [], [*notes, Problem(name, f"unexpected error: {type(err).__name__}: {err}")]
    kept: list[Extracted] = []
    for record in records:
        problem = _too_long(record, limits.document_chars)
        if problem:
            problems.append(problem)
        else:
            kept.append(record)
    return kept, [*notes, *problems]
