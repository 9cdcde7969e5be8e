"""OCR figures: character accuracy, seconds per page and install size of the engines compared
in docs/FORMATS.md, on scans of the seed minutes rendered here (200 dpi, skew, paper noise).

    python bench/ocr.py [--pages N] [--seed S]

Engines: RapidOCR (PP-OCR through ONNX Runtime, the one the indexer uses; timed per page
in-process, and end to end through ``extract_path`` with the child process and engine start)
and Tesseract with Debian's chi_sim data when ``tesseract`` is installed. Prints a table; the
run is not part of the test suite (it takes a few seconds per page on a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scangen import cjk_font, scanned_pdf, wrap  # noqa: E402

from indexer.extract import Limits, extract_path  # noqa: E402

log = logging.getLogger("bench.ocr")
SEED = ROOT / "corpus" / "suzhou-120th-executive-meeting-2020-12-07.txt"
LINES_PER_PAGE = 26
RAPIDOCR_DISTS = ("rapidocr", "onnxruntime", "opencv-python-headless", "numpy", "shapely", "pyclipper",
                  "omegaconf", "antlr4-python3-runtime", "colorlog", "pypdfium2", "pypdfium2-raw", "pillow")
TESSERACT_DEBS = ("tesseract-ocr", "libtesseract5", "liblept5", "tesseract-ocr-chi-sim", "tesseract-ocr-eng",
                  "tesseract-ocr-osd")


def seed_pages(count: int) -> list[list[str]]:
    """The seed minutes wrapped as a typeset page would be, ``count`` pages of it."""
    text = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip() and "—" not in ln]
    paragraphs = "".join(text).replace("。", "。\n").splitlines()
    lines = wrap(paragraphs)
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, LINES_PER_PAGE * count, LINES_PER_PAGE)]


def chars(text: str) -> str:
    """Characters compared for accuracy: NFKC, no whitespace, no folio lines."""
    kept = [ln for ln in text.splitlines() if not ln.strip().startswith("—")]
    return "".join(unicodedata.normalize("NFKC", "".join(kept)).split())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(reads: list[str], truths: list[list[str]]) -> float:
    errors = total = 0
    for read, truth in zip(reads, truths):
        expected = chars("\n".join(truth))
        errors += edit_distance(chars(read), expected)
        total += len(expected)
    return 1 - errors / total


def dist_mb(names: tuple[str, ...]) -> float:
    size = 0
    for name in names:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        size += sum(f.locate().stat().st_size for f in files if f.locate().is_file())
    return size / 1e6


def deb_mb(names: tuple[str, ...]) -> float:
    total = 0
    for name in names:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", name], capture_output=True, text=True)
        total += int(done.stdout or 0) if done.returncode == 0 else 0
    return total / 1000


def images(pdf: Path) -> list:
    import pypdfium2

    from indexer.extract.ocr import render_page

    document = pypdfium2.PdfDocument(str(pdf))
    return [render_page(document, i) for i in range(len(document))]


def rapidocr(pages: list) -> tuple[list[str], float]:
    from indexer.extract.ocr import Reader, group_lines

    reader = Reader()
    reads, start = [], time.perf_counter()
    for image in pages:
        reads.append("\n".join(group_lines(reader.read(image))))
    return reads, (time.perf_counter() - start) / len(pages)


def tesseract(pages: list, folder: Path) -> tuple[list[str], float] | None:
    if not shutil.which("tesseract"):
        return None
    from PIL import Image

    reads, elapsed = [], 0.0
    for n, image in enumerate(pages):
        path = folder / f"page{n}.png"
        Image.fromarray(image).save(path)
        start = time.perf_counter()
        done = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "6"],
                              capture_output=True, text=True)
        elapsed += time.perf_counter() - start
        if done.returncode != 0:
            log.warning("tesseract failed: %s", done.stderr[-200:])
            return None
        reads.append(done.stdout)
    return reads, elapsed / len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    font = cjk_font()
    if font is None:
        log.error("no CJK font installed (apt-get install fonts-wqy-zenhei)")
        return 1
    truths = [page for page in seed_pages(args.pages) if page]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = scanned_pdf(truths, Path(tmp) / "scan.pdf", font, seed=args.seed)
        start = time.perf_counter()
        records, problems = extract_path(pdf, Limits())
        end_to_end = time.perf_counter() - start
        if problems:
            log.error("extract failed: %s", problems[0])
            return 1
        pages = images(pdf)
        rows = []
        reads, per_page = rapidocr(pages)
        rows.append(("RapidOCR PP-OCRv6 (ONNX Runtime)", accuracy(reads, truths), per_page, dist_mb(RAPIDOCR_DISTS)))
        pipeline_reads = [page.text for page in records[0].pages]
        tess = tesseract(pages, Path(tmp))
        if tess:
            rows.append(("Tesseract 5 chi_sim (Debian)", accuracy(tess[0], truths), tess[1], deb_mb(TESSERACT_DEBS)))
    print(f"{len(truths)} pages at 200 dpi, {sum(len(chars(chr(10).join(t))) for t in truths)} characters")
    print(f"{'engine':36} {'accuracy':>9} {'s/page':>7} {'pages/s':>8} {'install MB':>11}")
    for name, acc, seconds, size in rows:
        print(f"{name:36} {acc:9.2%} {seconds:7.2f} {1 / seconds:8.2f} {size:11.0f}")
    print(f"indexer end to end (child process, engine start, render, OCR): {end_to_end:.1f} s, "
          f"{len(truths) / end_to_end:.2f} pages/s, accuracy {accuracy(pipeline_reads, truths):.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
