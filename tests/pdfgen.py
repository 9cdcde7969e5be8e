"""PDF fixtures generated on the fly, so no binary test files need to be committed.

Public API (used by several test modules, keep it small):

* ``render_pdf(pages, path, *, page_markers=True, title=None)`` - a text PDF, one list of lines
  per page, drawn with reportlab's built-in CID font ``STSong-Light`` (pdfminer reads the
  Chinese back exactly), with a centred ``— n —`` marker at the bottom of page n.
* ``render_seed_pdf(seed_text, path, lines_per_page=28)`` - the seed minutes laid out as a PDF;
  returns the pages of lines so a test knows which line is on which page.
* Hostile inputs, each ``f(path) -> path``: ``truncated_pdf``, ``encrypted_pdf``,
  ``image_only_pdf``, ``bomb_pdf`` (memory or CPU bomb), ``circular_pdf`` (an XObject that
  draws itself; pdfminer refuses the cycle) and ``nested_pdf`` (a chain of XObjects deep
  enough to exhaust Python's recursion limit).
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
FONT_SIZE = 12
LEADING = 20
TOP_MARGIN = 72
LEFT_MARGIN = 72
MARKER_Y = 40

# The seed's own page markers ("— 3 —") are dropped before re-paginating it.
_SEED_MARKER = re.compile(r"^\s*—\s*\d+\s*—\s*$")


def _canvas(path: Path, title: str | None, encrypt: StandardEncryption | None = None) -> Canvas:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if title is not None:
        canvas.setTitle(title)
    return canvas


def _draw_pages(canvas: Canvas, pages: list[list[str]], page_markers: bool) -> None:
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        canvas.setFont(FONT, FONT_SIZE)
        for row, line in enumerate(lines):
            canvas.drawString(LEFT_MARGIN, height - TOP_MARGIN - row * LEADING, line)
        if page_markers:
            canvas.drawCentredString(width / 2, MARKER_Y, f"— {number} —")
        canvas.showPage()


def render_pdf(
    pages: list[list[str]], path: Path, *, page_markers: bool = True, title: str | None = None
) -> Path:
    """Write a text PDF with one page per list of lines (lines must fit the A4 width)."""
    canvas = _canvas(Path(path), title)
    _draw_pages(canvas, pages, page_markers)
    canvas.save()
    return Path(path)


def render_seed_pdf(seed_text: str, path: Path, lines_per_page: int = 28) -> list[list[str]]:
    """Lay the seed's non-blank body lines out ``lines_per_page`` to a page and render them."""
    lines = [
        line.strip()
        for line in seed_text.splitlines()
        if line.strip() and not _SEED_MARKER.match(line)
    ]
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    render_pdf(pages, path)
    return pages


def _write_raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """Assemble numbered objects (1..n, object 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    Path(path).write_bytes(bytes(out))
    return Path(path)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page_pdf(path: Path, content: bytes, resources: bytes, extra_objects: list[bytes]) -> Path:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        + resources
        + b" /Contents 4 0 R >>",
        content,
        *extra_objects,
    ]
    return _write_raw_pdf(path, objects)


def truncated_pdf(path: Path) -> Path:
    """A real two-page text PDF cut off in the middle (an interrupted download)."""
    render_pdf([["会议议定以下意见："], ["二、审议有关文件"]], path)
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path)


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A text PDF that needs a user password to open (RC4/AES via reportlab)."""
    canvas = _canvas(
        Path(path), None, encrypt=StandardEncryption(password, ownerPassword="owner-" + password)
    )
    _draw_pages(canvas, [["保密文件内容"]], page_markers=True)
    canvas.save()
    return Path(path)


def image_only_pdf(path: Path) -> Path:
    """A 'scanned' page: a filled rectangle and an inline grey image, no text operators."""
    content = (
        b"q 0.5 g 50 50 200 100 re f Q\n"
        b"q 200 0 0 200 100 400 cm\n"
        b"BI /W 4 /H 4 /CS /G /BPC 8 ID\n" + bytes(range(0, 256, 16)) + b"\nEI Q"
    )
    return _one_page_pdf(path, _stream(content), b"<< >>", [])


def bomb_pdf(path: Path, inflated_mb: int = 400, fill: bytes = b" ") -> Path:
    """A small PDF whose FlateDecode content stream inflates to ``inflated_mb`` MB of ``fill``.

    Spaces (the default) make a memory bomb; ``fill=b"q Q\n"`` makes a CPU bomb: a few MB of
    no-op graphics operators take pdfminer seconds each. The stream is compressed in 1 MB
    chunks so building it never holds the inflated bytes.
    """
    compressor = zlib.compressobj(9)
    chunk = fill * (1_000_000 // len(fill))
    compressed = (
        b"".join(compressor.compress(chunk) for _ in range(inflated_mb)) + compressor.flush()
    )
    return _one_page_pdf(path, _stream(compressed, b"/Filter /FlateDecode"), b"<< >>", [])


def circular_pdf(path: Path) -> Path:
    """A page that draws Form XObject /X, whose own content draws /X again, forever."""
    form = _stream(
        b"/X Do",
        b"/Type /XObject /Subtype /Form /BBox [0 0 100 100]"
        b" /Resources << /XObject << /X 5 0 R >> >>",
    )
    return _one_page_pdf(path, _stream(b"/X Do"), b"<< /XObject << /X 5 0 R >> >>", [form])


def nested_pdf(path: Path, depth: int = 2000) -> Path:
    """A chain of ``depth`` distinct Form XObjects, each drawing the next (no cycle, just deep)."""
    first = 5
    forms = []
    for level in range(depth):
        number = first + level
        draws = b"/X Do" if level + 1 < depth else b"BT ET"
        resources = (
            b"/Resources << /XObject << /X %d 0 R >> >>" % (number + 1)
            if level + 1 < depth
            else b""
        )
        forms.append(
            _stream(draws, b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] " + resources)
        )
    return _one_page_pdf(path, _stream(b"/X Do"), b"<< /XObject << /X %d 0 R >> >>" % first, forms)
