"""Plain-text sources: decode, normalise line ends, split pages at form feeds."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import ExtractError
from indexer.extract.decode import UndecodableError, decode_bytes
from indexer.models import Extracted, Page


def split_pages(text: str) -> list[Page]:
    """One page per form-feed-separated chunk; a trailing empty chunk is not a page.

    Text without form feeds is the single page 1, which is how the seed minutes arrive
    (their page markers stay in the text for layout repair to read).
    """
    chunks = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    while len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    return [Page(number, chunk) for number, chunk in enumerate(chunks, start=1)]


def extract_text(path: Path, data: bytes, sha1: str) -> Extracted:
    try:
        text, encoding = decode_bytes(data)
    except UndecodableError as err:
        raise ExtractError(str(path), str(err)) from None
    if not text.strip():
        raise ExtractError(str(path), "empty file (no text)")
    return Extracted(str(path), "text", split_pages(text), {"encoding": encoding}, sha1)
