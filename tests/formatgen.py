"""Word and OFD fixtures built on the fly (no binary test files), and their hostile variants.

Public API:

* ``seed_pages(lines_per_page=28)`` - the seed minutes' non-blank lines laid out on pages.
* ``write_docx(paragraphs, path, *, pages=None, title=None, author=None, created=None,
  table=None)`` - a .docx with one Word paragraph per entry (``\\n`` inside becomes a line
  break), a page break before each paragraph whose ``pages`` entry changes, and an optional
  table (list of rows of cells) after the first paragraph.
* ``write_ofd(pages, path, *, title=None, created=None, shuffle=True)`` - an OFD package per
  GB/T 33190 (``OFD.xml`` -> ``Doc_0/Document.xml`` -> ``Pages/Page_N/Content.xml`` with one
  ``TextObject``/``TextCode`` per line, long lines split into two runs, objects written in
  shuffled order so reading order must come from positions, a "— n —" folio on each page).
* Hostile: ``truncated(path)``, ``zip_bomb(path, mb)``, ``encrypted_office(path)``,
  ``other_zip(path)``, ``encrypted_zip(path)``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from paths import SEED

OFD_NS = "http://www.ofdspec.org/2016"
_MARKER = re.compile(r"^\s*—\s*(\d+)\s*—\s*$")
SIZE = 5.6  # mm, about 16 pt
LEADING = 8.5


def seed_pages(lines_per_page: int = 28) -> list[list[str]]:
    """The seed's non-blank lines (its own folios dropped), ``lines_per_page`` to a page."""
    lines = [
        line.strip()
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not _MARKER.match(line)
    ]
    return [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]


def write_docx(
    paragraphs: list[str],
    path: Path,
    *,
    pages: list[int | None] | None = None,
    title: str | None = None,
    author: str | None = None,
    created: dt.datetime | None = None,
    table: list[list[str]] | None = None,
) -> Path:
    document = docx.Document()
    props = document.core_properties
    props.title, props.author = title or "", author or ""
    props.created = created or dt.datetime(2000, 1, 1)
    props.modified = created or dt.datetime(2000, 1, 1)
    previous = None
    for index, text in enumerate(paragraphs):
        page = pages[index] if pages else None
        if previous is not None and page != previous:
            document.add_page_break()
        previous = page
        document.add_paragraph(text)
        if index == 0 and table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, cells in zip(grid.rows, table):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
    document.save(str(path))
    return Path(path)


def _text_object(ident: int, x: float, y: float, text: str) -> str:
    width = SIZE * len(text)
    return (
        f'<ofd:TextObject ID="{ident}" Boundary="{x:.2f} {y - SIZE:.2f} {width:.2f} {SIZE * 1.4:.2f}"'
        f' Font="2" Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE:.2f}"'
        f' DeltaX="g {max(len(text) - 1, 1)} {SIZE}">{escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def _page_xml(lines: list[str], number: int, rng: random.Random | None, first_id: int) -> str:
    objects = [_text_object(first_id, 95.0, 282.0, f"— {number} —")]
    ident = first_id + 1
    for row, line in enumerate(lines):
        y = 30.0 + row * LEADING
        cut = len(line) // 2 if len(line) > 8 else len(line)
        for x, part in ((26.0, line[:cut]), (26.0 + SIZE * cut, line[cut:])):
            if part:
                objects.append(_text_object(ident, x, y, part))
                ident += 1
    if rng is not None:
        rng.shuffle(objects)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
        f'<ofd:Layer ID="{first_id - 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def _annotations_xml(page_id: int, annots: list[tuple[str, str, float]]) -> str:
    """One page's annotation file: each ``(type, text, y)`` draws ``text`` in an appearance box at ``y``."""
    body = "".join(
        f'<ofd:Annot ID="{9000 + i}" Type="{kind}"><ofd:Appearance Boundary="120 {y:.2f} 60 20">'
        f"{_text_object(9100 + i, 5.0, 10.0, text)}</ofd:Appearance></ofd:Annot>"
        for i, (kind, text, y) in enumerate(annots)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><ofd:PageAnnot xmlns:ofd="{OFD_NS}">{body}</ofd:PageAnnot>'


def write_ofd(
    pages: list[list[str]], path: Path, *, title: str | None = None, created: str | None = None,
    shuffle: bool = True, template: str | None = None, annotations: dict[int, list[tuple[str, str, float]]] | None = None,
) -> Path:
    """``template``: a line every page draws from one template page (page furniture);
    ``annotations``: page index -> ``(type, text, y)`` annotations (a Stamp, a Watermark …)."""
    rng = random.Random(7) if shuffle else None
    annotations = annotations or {}
    info = "".join(
        f"<ofd:{tag}>{escape(value)}</ofd:{tag}>"
        for tag, value in (("DocID", "0c1d4f7e"), ("Title", title), ("CreationDate", created))
        if value
    )
    ofd = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>"
    )
    page_list = "".join(
        f'<ofd:Page ID="{n + 3}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages))
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        + ('<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else "")
        + f"</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>"
        + ("<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>" if annotations else "")
        + "</ofd:Document>"
    )
    res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", ofd)
        package.writestr("Doc_0/Document.xml", document)
        package.writestr("Doc_0/PublicRes.xml", res)
        for n, lines in enumerate(pages):
            content = _page_xml(lines, n + 1, rng, 1000 * (n + 1))
            if template:
                content = content.replace("<ofd:Content>", '<ofd:Template TemplateID="2" ZOrder="Background"/><ofd:Content>')
            package.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", content)
        if template:
            package.writestr("Doc_0/Tpls/Tpl_0/Content.xml", (
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                f'<ofd:Layer ID="50">{_text_object(51, 26.0, 18.0, template)}</ofd:Layer></ofd:Content></ofd:Page>'))
        if annotations:
            listed = "".join(
                f'<ofd:Page PageID="{n + 3}"><ofd:FileLoc>Page_{n}/Annotation.xml</ofd:FileLoc></ofd:Page>'
                for n in sorted(annotations))
            package.writestr("Doc_0/Annots/Annotations.xml",
                             f'<?xml version="1.0" encoding="UTF-8"?><ofd:Annotations xmlns:ofd="{OFD_NS}">{listed}</ofd:Annotations>')
            for n, annots in annotations.items():
                package.writestr(f"Doc_0/Annots/Page_{n}/Annotation.xml", _annotations_xml(n + 3, annots))
    return Path(path)


# --- hostile variants --------------------------------------------------------------------------


def truncated(path: Path) -> Path:
    """A real package cut in the middle (an interrupted download): no central directory."""
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path)


def zip_bomb(path: Path, member: str, mb: int = 400) -> Path:
    """A package whose ``member`` inflates to ``mb`` MB of zeros (a few hundred KB on disk)."""
    chunk = b"\0" * 1_000_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        with package.open(member, "w", force_zip64=True) as stream:
            for _ in range(mb):
                stream.write(chunk)
    return Path(path)


def encrypted_office(path: Path) -> Path:
    """What Word saves with a password: a compound file holding an ``EncryptedPackage``."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    directory = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    Path(path).write_bytes(header + directory + bytes(4096))
    return Path(path)


def other_zip(path: Path) -> Path:
    """A zip of something else (photos and a note) given a .docx/.ofd name."""
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("photos/1.jpg", b"\xff\xd8\xff" + bytes(100))
        package.writestr("readme.txt", "会议照片")
    return Path(path)


def encrypted_zip(path: Path) -> Path:
    """A package whose entries carry the 'encrypted' flag (zip password protection)."""
    write_ofd([["会议议定以下意见："]], path, shuffle=False)
    data = bytearray(Path(path).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            data[start + offset] |= 0x1
            start += 4
    Path(path).write_bytes(bytes(data))
    return Path(path)
