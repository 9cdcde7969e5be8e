"""Zip packages (.docx, .ofd) opened safely: bounded in entries and unpacked size, never
extracted to disk, with a reason a person can act on for anything that is not a package.

``zipfile`` stops inflating an entry at the size its directory declares (and then fails the
CRC check), so capping the sum of the declared sizes bounds the memory a zip bomb can take.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from indexer.errors import ExtractError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy Office, or encrypted OOXML
# What other packages are, by a member only they have, for the "not a ..." reason.
_KNOWN = (
    ("word/document.xml", "a Word document"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("OFD.xml", "an OFD document"),
    ("mimetype", "an OpenDocument or EPUB file"),
)


def article(kind: str) -> str:
    """``kind`` with its indefinite article: "a Word document", "an OFD document"."""
    return f"{'an' if kind[:1] in 'AEIOU' else 'a'} {kind}"


def compound_file_reason(data: bytes, kind: str) -> str | None:
    """Why an OLE compound file cannot be read as ``kind`` (None when it is not one)."""
    if not data.startswith(OLE_MAGIC):
        return None
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"encrypted {kind} (password required)"
    return f"not {article(kind)}: an older binary Office file (OLE compound document)"


def what_is(names: set[str]) -> str:
    return next((label for member, label in _KNOWN if member in names), "a zip archive")


def open_package(
    source: str, data: bytes, kind: str, *, max_entries: int, max_unpacked: int
) -> zipfile.ZipFile:
    """The zip of ``data``, checked against the caps; ``ExtractError`` naming ``source`` else."""
    if not data:
        raise ExtractError(source, "empty file")
    reason = compound_file_reason(data, kind)
    if reason:
        raise ExtractError(source, reason)
    if not data.startswith(b"PK"):
        raise ExtractError(source, f"not {article(kind)} (not a zip package)")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise ExtractError(source, f"truncated or damaged {kind} ({err})") from None
    if len(entries) > max_entries:
        raise ExtractError(source, f"zip package with {len(entries)} entries (cap {max_entries})")
    unpacked = sum(info.file_size for info in entries)
    if unpacked > max_unpacked:
        raise ExtractError(
            source,
            f"zip bomb: {unpacked / 1e6:.0f} MB unpacked exceeds the {max_unpacked / 1e6:g} MB cap",
        )
    if any(info.flag_bits & 0x1 for info in entries):
        raise ExtractError(source, f"encrypted {kind} (password required)")
    return package


def member_name(base: str, target: str) -> str | None:
    """``target`` as a member name, resolved against the folder of member ``base`` (absolute
    targets from the package root); ``None`` when it would leave the package."""
    target = target.strip().replace("\\", "/")
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(base), target)
    name = posixpath.normpath(joined) if joined else ""
    if not name or name == "." or name.startswith("../") or name == "..":
        return None
    return name


def read_member(source: str, package: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One member's bytes (bounded by the checked directory sizes)."""
    try:
        return package.read(name)
    except KeyError:
        raise ExtractError(source, f"damaged {kind}: missing part {name}") from None
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError) as err:
        raise ExtractError(source, f"truncated or damaged {kind} ({err})") from None
    except RuntimeError as err:  # zipfile: encrypted member
        raise ExtractError(source, f"encrypted {kind} (password required): {err}") from None
