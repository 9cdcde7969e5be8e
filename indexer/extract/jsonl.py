"""JSON Lines corpora: one document per line, bad lines reported one by one.

The file is streamed line by line so a 60 MB corpus never sits in memory as bytes and one
malformed line costs only that line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from indexer.models import Extracted, Page, Problem


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes without line end)``; ``None`` bytes for a line over ``max_bytes``,
    which is skipped without ever being held whole in memory."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(max_bytes + 1)
            yield number, None
            continue
        yield number, line.rstrip(b"\r\n")


def _parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """``(record, None)`` for a usable line, ``(None, reason)`` otherwise."""
    try:
        record = json.loads(raw.decode("utf-8-sig"))  # -sig: a BOM Windows tools put on line 1
    except UnicodeDecodeError as err:
        return None, f"not UTF-8 (invalid byte at offset {err.start})"
    except json.JSONDecodeError as err:
        return None, f"invalid JSON: {err.msg} (column {err.colno})"
    if not isinstance(record, dict):
        return None, f"not a JSON object (got {type(record).__name__})"
    doc_id, text = record.get("id"), record.get("text")
    if not (isinstance(doc_id, str) and doc_id.strip()) and not (
        isinstance(doc_id, int) and not isinstance(doc_id, bool)
    ):
        return None, "missing or empty 'id'"
    if not isinstance(text, str) or not text.strip():
        return None, "missing or empty 'text'"
    return record, None


def read_jsonl(
    path: Path, stream: BinaryIO, max_bytes: int
) -> tuple[list[Extracted], list[Problem]]:
    """One ``Extracted`` per good line (source ``<path>#L<n>``, sha1 of the line's bytes)."""
    extracted: list[Extracted] = []
    problems: list[Problem] = []
    for number, raw in _lines(stream, max_bytes):
        if raw is None:
            problems.append(
                Problem(str(path), f"line too large (> {max_bytes / 1e6:g} MB)", line=number)
            )
            continue
        if not raw.strip():
            continue
        record, reason = _parse_line(raw)
        if record is None:
            problems.append(Problem(str(path), reason or "unreadable line", line=number))
            continue
        meta = {key: value for key, value in record.items() if key != "text"}
        extracted.append(
            Extracted(
                source=f"{path}#L{number}",
                fmt="jsonl",
                pages=[Page(1, record["text"])],
                meta=meta,
                sha1=hashlib.sha1(raw).hexdigest(),
            )
        )
    return extracted, problems
