"""Legacy Word 97-2003 .doc files built on the fly, so the antiword path is tested without
LibreOffice and without binary fixtures.

The file is what Word writes, reduced to the parts a reader needs ([MS-DOC], [MS-CFB]):

* an OLE compound file (CFB version 3, 512-byte sectors) whose streams are padded to at least
  4096 bytes, so every stream lives in regular sectors and no mini stream is needed;
* a ``WordDocument`` stream: the FIB (``wIdent`` 0xA5EC, ``nFib`` 0x00C1, ``lid`` 0x0804,
  ``fWhichTblStm`` = 1, ``ccpText`` in ``fibRgLw``, ``fcClx``/``lcbClx`` in ``fibRgFcLcb97``)
  followed by the text as UTF-16LE (``fCompressed`` = 0), paragraphs ending in ``\\r``;
* a ``1Table`` stream holding a style sheet with the one "Normal" style (antiword reads the
  style sheet unconditionally: without one it reads past its buffer and crashes now and then)
  and the CLX: a ``Pcdt`` (0x02) whose ``PlcPcd`` maps the text to pieces, one piece per
  paragraph, each pointing at its bytes in ``WordDocument``.

No bin tables (character and paragraph formatting), fonts or section table: the text reads as
plain paragraphs in the default style, which is all a text reader needs.

Public API: ``write_doc(paragraphs, path, *, page_breaks=())`` - one Word paragraph per entry; a
paragraph whose index is in ``page_breaks`` starts with a hard page break (0x0C), as Word stores
"Insert > Page break" (antiword's text output does not keep page breaks: they end a line).
Hostile: ``garbage_fib(path)`` - the FIB's counts and table pointers overwritten by noise;
``encrypted_doc(path)`` - the FIB marked encrypted.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Iterable
from pathlib import Path

SECTOR = 512
MIN_STREAM = 4096  # the mini stream cutoff: streams at least this long use regular sectors
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
TEXT_START = 0x400  # where Word 97 puts the first text byte (after the FIB, sector aligned)
FIB_RG_FC_LCB_97 = 93  # cbRgFcLcb for nFib 0x00C1
STSHF_INDEX, CLX_INDEX = 1, 33  # fcStshf/lcbStshf and fcClx/lcbClx pairs in fibRgFcLcb97
ISTD_NIL = 0x0FFF
LID_ZH_CN = 0x0804


def _fib(ccp_text: int, tables: dict[int, tuple[int, int]], cb_mac: int) -> bytes:
    """FibBase, fibRgW, fibRgLw, fibRgFcLcb97 and an empty cswNew: 0x384 bytes."""
    flags = 0x0200 | 0x1000  # fWhichTblStm (the table is 1Table), fExtChar (Unicode text)
    base = struct.pack(
        "<HHHHHHHIBBHHII", 0xA5EC, 0x00C1, 0, LID_ZH_CN, 0, flags, 0x00BF, 0, 0, 0, 0, 0,
        TEXT_START, TEXT_START + 2 * ccp_text,
    )
    rg_w = [0] * 14
    rg_w[13] = LID_ZH_CN  # lidFE
    rg_lw = [0] * 22
    rg_lw[0], rg_lw[3] = cb_mac, ccp_text  # cbMac, ccpText
    pairs = [0] * (2 * FIB_RG_FC_LCB_97)
    for index, (fc, lcb) in tables.items():
        pairs[2 * index], pairs[2 * index + 1] = fc, lcb
    fib = (
        base
        + struct.pack("<H14H", 14, *rg_w)
        + struct.pack("<H22I", 22, *rg_lw)
        + struct.pack(f"<H{len(pairs)}I", FIB_RG_FC_LCB_97, *pairs)
        + struct.pack("<H", 0)  # cswNew: nothing after fibRgFcLcb97
    )
    assert len(fib) == 0x384
    return fib


def _stsh() -> bytes:
    """A style sheet with the one style every document has: istd 0, "Normal" (sti 0), a
    paragraph style based on no style, with an empty paragraph and an empty character UPX."""
    name = "Normal".encode("utf-16-le")
    std = (
        struct.pack("<HHHHH", 0x0000, 1 | ISTD_NIL << 4, 2 | 0 << 4, 0, 0)  # sti, stk+istdBase, cupx+istdNext, bchUpe, grfstd
        + struct.pack("<H", len(name) // 2) + name + b"\0\0"
        + struct.pack("<HH", 2, 0)  # UpxPapx: cbUpx 2, istd 0, no sprms
        + struct.pack("<H", 0)  # UpxChpx: cbUpx 0
    )
    std = std[:6] + struct.pack("<H", len(std)) + std[8:]  # bchUpe: the STD's length
    stshi = struct.pack("<HHHHHHHHH", 1, 10, 1, 0, 0, 0, 0, 0, 0)  # cstd, cbSTDBaseInFile, names written, ..., ftcAsci/FE/Other
    return struct.pack("<H", len(stshi)) + stshi + struct.pack("<H", len(std)) + std


def _clx(pieces: list[tuple[int, int]]) -> bytes:
    """A Pcdt over ``pieces`` of ``(character count, byte offset in WordDocument)``."""
    cps = [0]
    for count, _ in pieces:
        cps.append(cps[-1] + count)
    pcds = b"".join(struct.pack("<HIH", 0, fc, 0) for _, fc in pieces)  # fc bit 30 = 0: UTF-16
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    return b"\x02" + struct.pack("<I", len(plc)) + plc


def _pad(data: bytes, size: int) -> bytes:
    return data + bytes(max(size, -(-len(data) // SECTOR) * SECTOR) - len(data))


def _dir_entry(name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, color, left, right, child)
        + bytes(16 + 4 + 8 + 8)  # CLSID, state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A CFB v3 file holding ``streams`` (each at least 4096 bytes) under the root storage.

    Layout: header, FAT sectors, one directory sector, then each stream's sectors in turn. The
    directory tree is a chain of left siblings, valid while names are given longest first
    (CFB orders names by length, then case-insensitively)."""
    assert len(streams) <= 3 and all(len(data) >= MIN_STREAM for _, data in streams)
    counts = [-(-len(data) // SECTOR) for _, data in streams]
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + 1 + sum(counts):
        fat_sectors += 1
    assert fat_sectors <= 109, "streams too large for a header-only DIFAT"
    fat = [FATSECT] * fat_sectors + [ENDOFCHAIN]  # the FAT itself, then the directory sector
    starts = []
    for count in counts:
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(ENDOFCHAIN)
    fat.extend([FREESECT] * (fat_sectors * SECTOR // 4 - len(fat)))
    entries = [_dir_entry("Root Entry", 5, 1, NOSTREAM, NOSTREAM, 1, ENDOFCHAIN, 0)]
    for i, ((name, data), start) in enumerate(zip(streams, starts), start=1):
        left = i + 1 if i < len(streams) else NOSTREAM
        entries.append(_dir_entry(name, 2, 1, left, NOSTREAM, NOSTREAM, start, len(data)))
    while len(entries) < SECTOR // 128:
        entries.append(_dir_entry("", 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0))
    difat = list(range(fat_sectors)) + [FREESECT] * (109 - fat_sectors)
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16)
        + struct.pack("<HHHHH6sIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors,
                      fat_sectors, 0, MIN_STREAM, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    return header + body + b"".join(_pad(data, len(data)) for _, data in streams)


def doc_bytes(paragraphs: list[str], page_breaks: Iterable[int] = ()) -> bytes:
    """The bytes of a .doc whose main text is ``paragraphs``, one Word paragraph each."""
    breaks = set(page_breaks)
    texts = [("\x0c" if i in breaks else "") + p.replace("\n", "\x0b") + "\r" for i, p in enumerate(paragraphs)]
    if not texts:
        texts = ["\r"]
    pieces, body, offset = [], bytearray(), TEXT_START
    for text in texts:
        encoded = text.encode("utf-16-le")
        assert len(encoded) == 2 * len(text), "characters outside the BMP need two UTF-16 units"
        pieces.append((len(text), offset))
        body += encoded
        offset += len(encoded)
    ccp_text = sum(count for count, _ in pieces)
    stsh, clx = _stsh(), _clx(pieces)
    tables = {STSHF_INDEX: (0, len(stsh)), CLX_INDEX: (len(stsh), len(clx))}
    cb_mac = TEXT_START + len(body)
    word = _fib(ccp_text, tables, cb_mac).ljust(TEXT_START, b"\0") + bytes(body)
    table = stsh + clx
    return compound_file([("WordDocument", _pad(word, MIN_STREAM)), ("1Table", _pad(table, MIN_STREAM))])


def write_doc(paragraphs: list[str], path: Path, *, page_breaks: Iterable[int] = ()) -> Path:
    Path(path).write_bytes(doc_bytes(paragraphs, page_breaks))
    return Path(path)


def garbage_fib(path: Path, seed: int = 3) -> Path:
    """A real .doc whose FIB after its FibBase (the counts and every table pointer, 0x20-0x384
    of ``WordDocument``) is random noise, as when a file is damaged in the middle: the container
    and the magic number are intact, the map of the document is not."""
    data = bytearray(Path(path).read_bytes())
    start = data.index(struct.pack("<HH", 0xA5EC, 0x00C1))
    data[start + 0x20 : start + 0x384] = random.Random(seed).randbytes(0x384 - 0x20)
    Path(path).write_bytes(bytes(data))
    return Path(path)


def encrypted_doc(path: Path) -> Path:
    """A real .doc with FibBase ``fEncrypted`` set, which is how Word marks a password-protected
    binary document (the text that follows is then ciphertext)."""
    data = bytearray(Path(path).read_bytes())
    start = data.index(struct.pack("<HH", 0xA5EC, 0x00C1))
    data[start + 0x0B] |= 0x01  # bit 8 of the flags word at 0x0A (little-endian)
    Path(path).write_bytes(bytes(data))
    return Path(path)
