"""OCR of scanned PDF pages: render with PDFium, read with RapidOCR (PP-OCR models run by
ONNX Runtime, shipped inside the ``rapidocr`` wheel, so nothing is downloaded at run time).

Loaded by path from ``pdf_child.py`` (which runs isolated, ``python -I``), so it imports
nothing from ``indexer``; everything that needs the engine runs inside that child under its
time and memory limits. The pure helpers (``group_lines``, ``clean_line``) are unit-tested
on their own. ``docs/FORMATS.md`` has the engine comparison behind this choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rapidocr.utils.output import RapidOCROutput

ENGINE = "RapidOCR PP-OCRv6 (ONNX Runtime)"
DPI = 200  # what a copier scans at; PP-OCR reads 3号/4号 body text well from it
MAX_PIXELS = 30_000_000  # a hostile MediaBox must not make the renderer allocate gigabytes

# OCR output of a centred "— 3 —" folio: dashes misread as hyphens, 一 or tildes (a line of
# nothing but a number and dash-like marks is a folio in this genre).
_FOLIO = re.compile(r"^[\s\-—–―一~～_.·]*[\-—–―一~～_][\s\-—–―一~～_.·]*?(\d{1,4})[\s\-—–―一~～_.·]*$")
# "(一）" / "（一)": brackets round an enumeration in Chinese official text are full-width.
_ENUM = re.compile(r"[(（]\s*([一二三四五六七八九十百]+|\d{1,3})\s*[)）]")


@dataclass
class Box:
    """One detected text run: its corners' bounding box in pixels, text and confidence."""

    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float


def clean_line(line: str) -> str:
    """Undo the OCR misreadings that break the genre's structure (folios, enumerations)."""
    folio = _FOLIO.match(line)
    if folio:
        return f"— {folio[1]} —"
    return _ENUM.sub(lambda m: f"（{m[1]}）", line)


def group_lines(boxes: list[Box]) -> list[str]:
    """Runs whose vertical extents overlap by more than half the smaller height are one
    printed line; lines top to bottom, runs left to right (CJK runs join without a space)."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        if lines:
            last = lines[-1]
            top = max(b.top for b in last)
            bottom = min(b.bottom for b in last)
            overlap = min(bottom, box.bottom) - max(top, box.top)
            height = min(bottom - top, box.bottom - box.top)
            if height > 0 and overlap > height / 2:
                last.append(box)
                continue
        lines.append([box])
    out = []
    for runs in lines:
        runs.sort(key=lambda b: b.left)
        text = runs[0].text
        for previous, run in zip(runs, runs[1:]):
            gap = run.left - previous.right
            glyph = (previous.bottom - previous.top) or 1
            ascii_edge = previous.text[-1:].isascii() and run.text[:1].isascii()
            text += (" " if ascii_edge or gap > 2 * glyph else "") + run.text
        out.append(clean_line(text.strip()))
    return [line for line in out if line]


class Reader:
    """The engine, loaded once per child process (about a second) and used for every page."""

    def __init__(self, threads: int = 2) -> None:
        from rapidocr import RapidOCR

        self._engine = RapidOCR(
            params={
                "Global.log_level": "critical",
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    def read(self, image: Any) -> list[Box]:
        """Boxes of one page image (a numpy RGB array)."""
        # Detection, classification and recognition all run, so the engine returns a full result
        result = cast("RapidOCROutput", self._engine(image))
        if result.boxes is None or result.txts is None:
            return []
        assert result.scores is not None  # set with ``txts`` (filter_by_text_score)
        boxes = []
        for corners, text, score in zip(result.boxes, result.txts, result.scores):
            xs = [float(point[0]) for point in corners]
            ys = [float(point[1]) for point in corners]
            boxes.append(Box(min(xs), min(ys), max(xs), max(ys), str(text), float(score)))
        return boxes


def render_page(pdf: Any, index: int) -> Any:
    """Page ``index`` of a ``pypdfium2.PdfDocument`` as an RGB numpy array at ``DPI``
    (lowered for oversized pages so the bitmap stays under ``MAX_PIXELS``)."""
    import numpy

    page = pdf[index]
    width, height = page.get_size()  # points
    scale = DPI / 72
    pixels = width * scale * height * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    image = bitmap.to_numpy()
    if image.ndim == 3:
        image = image[:, :, 0]
    return numpy.ascontiguousarray(numpy.stack([image] * 3, axis=-1))
