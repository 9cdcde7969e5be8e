"""File names as text: safe to store, safe to print.

POSIX file names are bytes. ``unzip`` turns a Chinese archive built on Windows into GBK bytes,
which Python represents with lone surrogates that cannot be encoded as UTF-8 (so they cannot be
stored, served or even printed on a UTF-8 terminal). A name may also hold a newline or a
right-to-left override that would garble a report line. These helpers turn any name into text
that is valid Unicode and prints as one unambiguous line.
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

__all__ = ["source_name", "printable"]

# Categories that move, hide or break text when printed: controls (newline, ESC …), format
# characters (bidi overrides and isolates, zero-width joiners), line/paragraph separators, and the
# lone surrogates a non-UTF-8 name decodes to.
_UNPRINTABLE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def source_name(path: Path | str) -> tuple[str, bool]:
    """``(name, exact)``: the path as valid Unicode, and whether that is its exact spelling.

    A name that is not UTF-8 keeps its undecodable bytes as ``\\xNN`` escapes; guessing an
    encoding (GBK? Big5?) could show a wrong name, an escape is at least exact and reversible.
    """
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), False


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format (bidi) and separator character written as an escape,
    so a report line cannot be split, reordered or hidden by a hostile file name."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in text)
