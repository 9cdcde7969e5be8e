"""Scanned PDFs read by OCR: a minutes page rendered here (200 dpi, skew, paper noise) comes
back at >= 97% character accuracy and parses as its text version; the caps and --no-ocr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.ocr import chars, edit_distance
from indexer.cli import cli
from indexer.engine import IndexStore
from indexer.extract import Limits, extract_path, iter_sources
from indexer.extract.ocr import Box, clean_line, group_lines
from indexer.models import Document, Extracted, Page
from indexer.pipeline import index_documents, ingest
from indexer.pipeline import read_document as parse
from pdfgen import render_pdf
from scangen import cjk_font, scanned_pdf, wrap

DATA = Path(__file__).parent / "data"
MINUTES = (DATA / "minutes-scan.txt").read_text(encoding="utf-8").splitlines()
FONT = cjk_font()
needs_font = pytest.mark.skipif(
    FONT is None, reason="no CJK font to draw the scan (apt-get install fonts-wqy-zenhei; .ci/run does)"
)
SECOND_ITEM = MINUTES.index("二、审议《苏州市公共数据管理办法》")


def scan_pages() -> list[list[str]]:
    """The minutes on two pages: item 二 starts page 2."""
    return [wrap(MINUTES[:SECOND_ITEM]), wrap(MINUTES[SECOND_ITEM:])]


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    if FONT is None:
        pytest.skip("no CJK font")
    return scanned_pdf(scan_pages(), tmp_path_factory.mktemp("scan") / "minutes-131.pdf", FONT)


@pytest.fixture(scope="module")
def scanned(scan: Path, tmp_path_factory) -> Document:
    """The scan ingested into a real index (one OCR run for the module), read back."""
    index = tmp_path_factory.mktemp("scan-index") / "index"
    report = ingest([scan], index, workers=1)
    assert (report.documents, report.problems) == (1, [])
    store = IndexStore.open(index)
    try:
        return store.get_document("suzhou-gov-exec-131")
    finally:
        store.close()


# --- pure helpers -------------------------------------------------------------------------------


def test_runs_on_one_printed_line_are_joined_left_to_right() -> None:
    boxes = [
        Box(300, 102, 600, 140, "，由市住建局按程序发文实施。", 0.99),
        Box(100, 100, 290, 138, "（一）原则同意", 0.98),
        Box(100, 160, 400, 198, "会议议定以下意见：", 0.97),
        Box(100, 220, 200, 258, "Word", 0.9),
        Box(210, 221, 300, 259, "2016", 0.9),
    ]
    assert group_lines(boxes) == ["（一）原则同意，由市住建局按程序发文实施。", "会议议定以下意见：", "Word 2016"]


@pytest.mark.parametrize(
    ("read", "fixed"),
    [("-1一", "— 1 —"), ("一1一", "— 1 —"), ("— 12 —", "— 12 —"), ("~3-", "— 3 —"), ("1", "1"), ("(一）原则同意", "（一）原则同意"),
     ("（二)会议指出", "（二）会议指出"), ("一、审议", "一、审议"), ("2021年", "2021年")],
)
def test_ocr_misreadings_of_folios_and_enumerations(read: str, fixed: str) -> None:
    assert clean_line(read) == fixed


# --- the scan -----------------------------------------------------------------------------------


@needs_font
def test_scan_has_no_text_layer_and_is_read_at_97_percent(scan: Path, scanned: Document) -> None:
    assert _reason(scan, Limits(ocr=False)) == "no text layer (scanned or image-only PDF); OCR is off"
    truth = chars("\n".join(MINUTES))
    read = chars("".join(p.text for p in scanned.paragraphs))
    accuracy = 1 - edit_distance(read, truth) / len(truth)
    assert accuracy >= 0.97, (accuracy, read)
    assert scanned.page_count == 2
    assert not any("—" in p.text for p in scanned.paragraphs)  # folios read as folios, not text


@needs_font
def test_scan_parses_as_its_text_version(scanned: Document) -> None:
    text = parse(Extracted("minutes.txt", "text", [Page(1, "\n".join(MINUTES))], {}, "0" * 40))
    doc = scanned
    assert (doc.doc_id, doc.kind, doc.title) == ("suzhou-gov-exec-131", "minutes", "苏州市人民政府第131次常务会议纪要")
    assert doc.meeting == text.meeting
    assert (doc.meeting.number, doc.meeting.date, doc.meeting.chair) == (131, "2021-03-15", "李亚平")
    assert [(i.label, i.heading) for i in doc.items] == [(i.label, i.heading) for i in text.items]

    def decisions(d):
        return [[(x.label, x.action, x.lead_department) for x in i.decisions] for i in d.items]

    assert decisions(doc) == decisions(text)
    assert [i.decisions[0].lead_department for i in doc.items] == ["苏州市住房和城乡建设局", "苏州市司法局"]
    assert [p.text for p in doc.paragraphs] == [p.text for p in text.paragraphs]
    # Paragraphs keep the page they start on: item 二 is on page 2.
    assert [p.page for p in doc.paragraphs if p.item == "二"] == [2, 2, 2]
    assert doc.paragraphs[0].page == 1


@needs_font
def test_record_says_ocr_was_used(scanned: Document) -> None:
    ocr = scanned.metadata["ocr"]
    assert ocr["engine"] == "RapidOCR PP-OCRv6 (ONNX Runtime)"
    assert ocr["pages"] == [1, 2]
    assert 0.9 <= ocr["confidence"] <= 1.0


def test_text_layer_is_not_read_by_ocr(tmp_path: Path) -> None:
    [record], _ = extract_path(render_pdf([["会议议定以下意见："]], tmp_path / "t.pdf"))
    assert "ocr" not in record.meta
    assert "ocr" not in parse(record).metadata


# --- caps, batch, command line ------------------------------------------------------------------


def _reason(path: Path, limits: Limits = Limits()) -> str:
    records, problems = extract_path(path, limits)
    assert records == []
    assert [p.source for p in problems] == [str(path)]
    return problems[0].reason


@needs_font
def test_caps_report_the_scan_by_name_and_the_batch_lands(scan: Path, tmp_path: Path) -> None:
    (tmp_path / "a-scan.pdf").write_bytes(scan.read_bytes())
    render_pdf([["会议议定以下意见："]], tmp_path / "b-text.pdf")
    records, problems = [], []
    for path in iter_sources([tmp_path]):
        got, bad = extract_path(path, Limits(ocr_max_pages=1))
        records += got
        problems += bad
    assert [Path(r.source).name for r in records] == ["b-text.pdf"]
    assert [(Path(p.source).name, p.reason) for p in problems] == [
        ("a-scan.pdf", "scanned PDF: 2 pages need OCR, over the cap of 1 pages")
    ]
    assert _reason(scan, Limits(ocr_page_timeout=0.01)) == "OCR of page 1 took longer than the 0.01 s per-page cap"


@needs_font
def test_hostile_scans_are_named(scan: Path, tmp_path: Path) -> None:
    # OCR's address space is capped like pdfminer's: a bound too small for the engine is a reason.
    assert _reason(scan, Limits(ocr_memory_mb=600)) == "OCR exceeded the memory limit (600 MB)"
    truncated = tmp_path / "truncated-scan.pdf"
    truncated.write_bytes(scan.read_bytes()[: scan.stat().st_size // 2])
    assert _reason(truncated).startswith("truncated or damaged PDF")


@needs_font
def test_ingest_without_ocr_skips_scans_by_name(scan: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a-scan.pdf").write_bytes(scan.read_bytes())
    render_pdf([["苏州市人民政府关于做好再生资源回收工作的通知"], ["现将有关事项通知如下。"]], src / "b-text.pdf")
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "index"), "ingest", "--no-progress", "--no-ocr", str(src)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 documents")
    assert f"skipped {src / 'a-scan.pdf'}: no text layer (scanned or image-only PDF); OCR is off" in result.output


def test_reference_cycle_is_reported_at_once(tmp_path: Path) -> None:
    """A 60-byte PDF whose root object is a reference to itself: reported as a cycle, not
    left to the 30 s timeout."""
    path = tmp_path / "cycle.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n1 0 R\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n")
    assert _reason(path) == "circular PDF object references"
    longer = tmp_path / "cycle2.pdf"
    longer.write_bytes(
        b"%PDF-1.4\n1 0 obj\n2 0 R\nendobj\n2 0 obj\n3 0 R\nendobj\n3 0 obj\n1 0 R\nendobj\n"
        b"trailer\n<</Root 1 0 R>>\n%%EOF\n"
    )
    assert _reason(longer) == "circular PDF object references"


@needs_font
def test_parse_json_of_a_scan_and_no_ocr_switch(scan: Path, tmp_path: Path) -> None:
    one_page = scanned_pdf(scan_pages()[:1], tmp_path / "page1.pdf", FONT, seed=3)
    result = CliRunner().invoke(cli, ["parse", str(one_page), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["doc_id"], record["fmt"]) == ("suzhou-gov-exec-131", "pdf")
    assert record["items"][0]["decisions"][0]["lead_department"] == "苏州市住房和城乡建设局"
    assert record["metadata"]["ocr"]["pages"] == [1]
    off = CliRunner().invoke(cli, ["parse", str(scan), "--json", "--no-ocr"])
    assert off.exit_code != 0
    assert f"{scan}: no text layer (scanned or image-only PDF); OCR is off" in off.output


def test_document_page_says_the_text_was_machine_read(tmp_path: Path) -> None:
    from webui import create_app

    ocr = {"engine": "RapidOCR PP-OCRv6 (ONNX Runtime)", "pages": [1, 2], "confidence": 0.963}
    scanned = parse(Extracted("scan.pdf", "pdf", [Page(1, "\n".join(MINUTES))], {"ocr": ocr}, "1" * 40))
    typed = parse(Extracted("typed.txt", "text", [Page(1, "关于做好再生资源回收工作的通知\n各市、区人民政府：\n现将有关事项通知如下。")], {}, "2" * 40))
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, [scanned, typed])
    store.close()
    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True})
    client = app.test_client()
    try:
        page = client.get(f"/doc/{scanned.doc_id}").get_data(as_text=True)
        assert "本文由扫描件经机器识别（OCR）得到，共 2 页，平均置信度 96%，可能存在识别错误，引用前请核对原件。" in page
        assert client.get(f"/api/doc/{scanned.doc_id}").get_json()["metadata"]["ocr"] == ocr
        assert "机器识别" not in client.get(f"/doc/{typed.doc_id}").get_data(as_text=True)
    finally:
        app.extensions["policysearch"].store.close()


def test_bench_helpers_measure_what_they_say() -> None:
    from bench import ocr as bench_ocr

    pages = bench_ocr.seed_pages(2)
    assert [len(page) for page in pages] == [26, 26]
    assert max(len(line) for page in pages for line in page) == 26
    assert bench_ocr.accuracy(["\n".join(page) for page in pages], pages) == 1.0
    assert bench_ocr.edit_distance("原则同意", "原则同总") == 1
