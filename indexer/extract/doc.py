"""Legacy Word .doc (Word 97-2003 binary) sources, read by ``antiword`` when it is installed.

No maintained pure-Python reader exists for the binary format, so a .doc is read only when the
Debian package ``antiword`` is on the PATH (run with a time limit, its output decoded as
UTF-8); otherwise the file is reported by name with the commands that would make it readable.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from indexer.errors import ExtractError
from indexer.extract.package import OLE_MAGIC
from indexer.extract.text import split_pages
from indexer.models import Extracted

CONVERTER = "antiword"
TIMEOUT = 30.0


def unsupported_reason(path: Path) -> str:
    return (
        "legacy Word .doc needs a converter: install antiword (apt-get install antiword), "
        f"or convert it to .docx first: soffice --headless --convert-to docx '{path}'"
    )


def extract_doc(path: Path, data: bytes, sha1: str) -> Extracted:
    source = str(path)
    if not data:
        raise ExtractError(source, "empty file")
    if data.startswith(b"PK"):
        raise ExtractError(source, "a .docx (zip package) named .doc: rename it to .docx")
    if not data.startswith(OLE_MAGIC):
        raise ExtractError(source, "not a Word .doc file")
    program = shutil.which(CONVERTER)
    if program is None:
        raise ExtractError(source, unsupported_reason(path))
    try:
        done = subprocess.run(
            [program, "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True,
            timeout=TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractError(source, f"antiword timed out after {TIMEOUT:g} s") from None
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        raise ExtractError(source, failure_reason(path, done.returncode, done.stderr))
    return Extracted(source, "doc", split_pages(text), {"converter": CONVERTER}, sha1)


def failure_reason(path: Path, returncode: int, stderr: bytes) -> str:
    """Why antiword gave no text, in words a user can act on.

    antiword's first stderr line says what it found ("The Big Block Depot is damaged", "I can't
    find the text of this document"); it names the file itself in some messages, which the
    problem line already does, so the path is replaced by "the file". A crash (a signal) and an
    empty document are told apart from damage that antiword diagnosed."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    first = lines[0].replace(str(path), "the file")[:160] if lines else ""
    if "encrypt" in first.lower():
        return "encrypted Word .doc (password required)"
    if returncode < 0:
        return f"damaged Word .doc: antiword stopped with signal {-returncode}" + (f" ({first})" if first else "")
    if returncode == 0:
        return "Word .doc without text"
    return f"truncated or damaged Word .doc (antiword: {first})" if first else (
        f"truncated or damaged Word .doc (antiword exit status {returncode})"
    )
