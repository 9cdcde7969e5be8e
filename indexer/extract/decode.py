"""Bytes -> str for text and HTML sources, without silent mojibake.

Order of evidence: a byte-order mark, then the charset the document declares, then strict
UTF-8, then charset-normalizer's detection. Each candidate must decode *strictly*; when none
does, the caller gets an ``UndecodableError`` to report instead of replacement characters.
"""

from __future__ import annotations

import codecs
import logging

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Government sites label GBK (or its superset) pages "gb2312"; GB18030 decodes all of them.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz"}


class UndecodableError(ValueError):
    """No candidate encoding decodes the bytes without errors."""


def canonical_encoding(name: str) -> str | None:
    """Python codec name for a declared/detected charset label, ``None`` if unknown.

    Labels in the GB family map to gb18030 so a page declared gb2312 but using GBK-only
    characters still decodes.
    """
    try:
        codec = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    canonical = codec.name.replace("_", "-")
    if canonical in _GB_FAMILY or canonical in {"gb-2312", "cp936"}:
        return "gb18030"
    return canonical


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``UndecodableError`` rather than guess badly."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise UndecodableError(f"invalid {encoding.upper()} after its byte-order mark")
            return text, encoding
    if declared:
        declared_encoding = canonical_encoding(declared)
        if declared_encoding:
            text = _strict(data, declared_encoding)
            if text is not None:
                return text, declared_encoding
        log.info("declared charset %r does not decode; detecting instead", declared)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    best = from_bytes(data).best()
    if best is not None:
        encoding = canonical_encoding(best.encoding) or best.encoding
        text = _strict(data, encoding)
        if text is not None:
            return text, encoding
    raise UndecodableError(
        f"cannot decode text: not UTF-8 (invalid byte at offset {utf8_error.start}) "
        "and no other encoding fits"
    )
