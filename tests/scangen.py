"""Scanned-page fixtures made on the fly: text drawn with a CJK font at 200 dpi, slightly
skewed, with paper noise, and wrapped as an image-only PDF (no text layer), so the OCR tests
need no binary fixtures.

Public API: ``cjk_font() -> Path | None`` (a Debian CJK font, ``None`` when none is
installed), ``wrap(paragraphs, width) -> list[str]`` and
``scanned_pdf(lines_per_page, path, font, *, dpi=200, skew=0.7, seed=0) -> Path``.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

# Debian's fonts-wqy-zenhei and fonts-noto-cjk (installed by make test as root).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
POINT = 16  # 三号-like body size of official documents
CHARS_PER_LINE = 26


def cjk_font() -> Path | None:
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).is_file()), None)


def wrap(paragraphs: list[str], width: int = CHARS_PER_LINE) -> list[str]:
    """Break each paragraph into lines of ``width`` characters, as a typeset page would."""
    lines: list[str] = []
    for para in paragraphs:
        para = para.strip()
        lines += [para[i : i + width] for i in range(0, len(para), width)] or [""]
    return lines


def _page_image(lines: list[str], number: int, font: Path, dpi: int, skew: float, rng: random.Random) -> Image.Image:
    width, height = round(A4[0] / 72 * dpi), round(A4[1] / 72 * dpi)
    size = round(POINT / 72 * dpi)
    face = ImageFont.truetype(str(font), size)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    left, top, leading = round(width * 0.12), round(height * 0.09), round(size * 1.7)
    for row, line in enumerate(lines):
        draw.text((left, top + row * leading), line, font=face, fill=rng.randint(15, 45))
    draw.text((width // 2 - size, height - round(height * 0.06)), f"— {number} —", font=face, fill=30)
    page = page.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    # Paper: a grey tint, grain, and dark specks.
    noise = Image.effect_noise((width, height), 18).point(lambda v: 235 + (v - 128) // 6)
    page = Image.composite(page, noise, page.point(lambda v: 255 if v < 200 else 0))
    draw = ImageDraw.Draw(page)
    for _ in range(400):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.choice((1, 1, 2))
        draw.ellipse((x, y, x + r, y + r), fill=rng.randint(60, 160))
    return page


def scanned_pdf(
    pages: list[list[str]], path: Path, font: Path, *, dpi: int = 200, skew: float = 0.7, seed: int = 0
) -> Path:
    """An image-only PDF: each page one grey JPEG at ``dpi``, like a copier's scan."""
    rng = random.Random(seed)
    canvas = Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        image = _page_image(lines, number, font, dpi, skew if number % 2 else -skew, rng)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        buffer.seek(0)
        canvas.drawImage(ImageReader(buffer), 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return Path(path)
