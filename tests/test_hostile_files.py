"""Hostile and broken inputs (reliability checklist P1-P10): each becomes a ``Problem`` with a
reason a person can act on, quickly, and never takes the rest of the batch down with it."""

from __future__ import annotations

import time
from pathlib import Path

import pdfminer
import pytest
from pdfgen import (
    bomb_pdf,
    circular_pdf,
    encrypted_pdf,
    image_only_pdf,
    nested_pdf,
    render_pdf,
    truncated_pdf,
)

from indexer.extract import Limits, extract_path, iter_sources
from indexer.models import Problem

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def memory_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 MB of spaces in a ~0.4 MB file, built once (compressing it takes about a second)."""
    return bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")


def _reason(path: Path, limits: Limits = Limits()) -> str:
    records, problems = extract_path(path, limits)
    assert records == []
    assert len(problems) == 1 and problems[0].source == str(path) and problems[0].line is None
    return problems[0].reason


def test_p1_truncated_pdf(tmp_path: Path) -> None:
    assert _reason(truncated_pdf(tmp_path / "t.pdf")) == "truncated or damaged PDF"


@pytest.mark.parametrize(
    "content",
    [b"", b"<html><body>\xe4\xb8\xad</body></html>", b"PK\x03\x04 a zip file", b"%PD"],
    ids=["empty", "html", "zip", "header-fragment"],
)
def test_p2_not_a_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    assert _reason(path) == "not a PDF"


def test_p2_pdf_header_without_a_document(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\nnothing else here\n")
    assert _reason(path).startswith("truncated or damaged PDF (PDFSyntaxError: No /Root object!")


def test_p3_encrypted_pdf(tmp_path: Path) -> None:
    assert _reason(encrypted_pdf(tmp_path / "e.pdf")) == "encrypted PDF (password required)"


def test_p3_owner_password_only_pdf_opens_but_its_glyphs_do_not_map(tmp_path: Path) -> None:
    # No user password, so pdfminer opens it; but it does not decrypt the font's
    # CIDSystemInfo strings, so every glyph comes out as "(cid:N)": not indexable text.
    pdf = encrypted_pdf(tmp_path / "owner.pdf", password="")
    assert _reason(pdf, Limits(ocr=False)) == "unreadable text layer (fonts without a Unicode mapping)"


def test_p3_unmapped_glyphs_are_read_by_ocr_instead(tmp_path: Path) -> None:
    [record], problems = extract_path(encrypted_pdf(tmp_path / "owner.pdf", password=""))
    assert problems == []
    assert "保密文件内容" in record.pages[0].text
    assert record.meta["ocr"]["pages"] == [1]


def test_p4_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    assert (
        _reason(image_only_pdf(tmp_path / "scan.pdf"))
        == "no text layer (scanned or image-only PDF)"
    )


@pytest.mark.slow  # bombs run in the slow group (make test-slow, .ci/run)
def test_p5_decompression_bomb_is_stopped_by_the_memory_limit(memory_bomb: Path) -> None:
    assert memory_bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    assert _reason(memory_bomb) == "exceeded memory limit (512 MB)"
    assert time.monotonic() - started < 10


@pytest.mark.slow  # bombs run in the slow group (make test-slow, .ci/run)
def test_p5_cpu_bomb_is_killed_at_the_wall_clock_limit(tmp_path: Path) -> None:
    bomb = bomb_pdf(tmp_path / "cpu.pdf", inflated_mb=10, fill=b"q Q\n")  # ~30 s of work
    started = time.monotonic()
    assert _reason(bomb, Limits(pdf_timeout=1.0)) == "timed out after 1 s"
    assert time.monotonic() - started < 5


def test_p6_deeply_nested_xobjects(tmp_path: Path) -> None:
    assert _reason(nested_pdf(tmp_path / "deep.pdf")) == "circular or too deeply nested PDF objects"


def test_p6_self_drawing_xobject_is_refused_not_followed(tmp_path: Path) -> None:
    # pdfminer.six detects the cycle and skips it, leaving a page with nothing on it.
    started = time.monotonic()
    assert (
        _reason(circular_pdf(tmp_path / "loop.pdf")) == "no text layer (scanned or image-only PDF)"
    )
    assert time.monotonic() - started < 5


def test_p7_oversized_file_is_rejected_before_parsing(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(b"%PDF-1.4\n" + b"0" * 2_500_000)
    assert _reason(huge, Limits(max_bytes=1_000_000)) == "file too large: 2.5 MB > 1 MB limit"
    text = tmp_path / "huge.txt"
    text.write_bytes(b"a" * 60_000_001)
    assert _reason(text) == "file too large: 60.0 MB > 20 MB limit"  # the plain-text cap (Limits.text_bytes)


def test_p8_pdfminer_has_the_pickle_free_cmaps() -> None:
    assert pdfminer.__version__ >= "20251230"


def _html_text(name: str) -> str:
    records, problems = extract_path(DATA / "html" / name)
    assert problems == []
    return records[0].pages[0].text


@pytest.mark.parametrize(
    "name", ["govcn-policy-utf8.html", "suzhou-gb2312-declared.html", "undeclared-gbk.html"]
)
def test_p9_no_script_style_handler_or_hidden_text(name: str) -> None:
    text = _html_text(name)
    leaks = [
        "脚本", "alert", "document.write", "样式", "text-indent", "点击处理器", "页面加载",
        "隐藏的统计代码", "统计", "分享", "版权所有", "主办", "<", "&gt;",
    ]  # fmt: skip
    assert [leak for leak in leaks if leak in text] == []


def test_p9_charsets_declared_wrongly_or_not_at_all_decode_exactly() -> None:
    assert "朱镕基同志题词的石碑与䶮字碑刻" in _html_text("suzhou-gb2312-declared.html")
    assert "低温雨雪冰冻等恶劣天气增多" in _html_text("undeclared-gbk.html")


def test_p9_utf16_declaration_on_an_ascii_compatible_page_is_ignored(tmp_path: Path) -> None:
    page = tmp_path / "liar.html"
    page.write_bytes('<meta charset="utf-16"><div id="zoom">会议纪要正文</div>'.encode())
    records, problems = extract_path(page)
    assert problems == []
    assert (records[0].meta["charset"], records[0].pages[0].text) == ("utf-8", "会议纪要正文")


def test_p9_deeply_nested_html_does_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body>" + "<div>" * 20000 + "深层正文" + "</div>" * 20000 + "</body></html>"
    )
    records, problems = extract_path(page)
    assert problems == []
    assert records[0].pages[0].text == "深层正文"


def test_p9_page_without_article_text(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><script>var a='正文';</script></head><body><nav>导航</nav></body></html>"
    )
    assert _reason(page) == "no article text found in the HTML page"


@pytest.mark.parametrize(
    ("name", "encoding", "first_line"),
    [
        ("utf8-bom.txt", "utf-8-sig", "会议议定以下意见："),
        ("gb18030.txt", "gb18030", "会议议定以下意见："),
        ("utf16-bom.txt", "utf-16", "会议议定以下意见："),
    ],
)
def test_p10_text_encodings(name: str, encoding: str, first_line: str) -> None:
    records, problems = extract_path(DATA / "text" / name)
    assert problems == []
    assert records[0].meta == {"encoding": encoding}
    assert records[0].pages[0].text.split("\n")[:2] == [
        first_line,
        "一、传达全国煤矿安全生产工作紧急视频会议和省会议精神",
    ]
    assert "\ufeff" not in records[0].pages[0].text


def test_p10_gb18030_only_characters_survive() -> None:
    records, _ = extract_path(DATA / "text" / "gb18030.txt")
    assert records[0].pages[0].text.endswith("朱镕基 䶮\n")


def test_p10_invalid_bytes_are_reported_not_guessed() -> None:
    # UTF-8 text with a GBK-encoded name pasted in the middle.
    assert _reason(DATA / "text" / "invalid-bytes.txt") == (
        "cannot decode text: not UTF-8 (invalid byte at offset 107) and no other encoding fits"
    )


def test_p10_empty_text_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    assert _reason(empty) == "empty file (no text)"


@pytest.mark.slow  # bombs run in the slow group (make test-slow, .ci/run)
def test_batch_keeps_good_files_when_others_are_hostile(tmp_path: Path, memory_bomb: Path) -> None:
    render_pdf([["会议议定以下意见："]], tmp_path / "a-good.pdf")
    truncated_pdf(tmp_path / "b-truncated.pdf")
    (tmp_path / "c-bomb.pdf").write_bytes(memory_bomb.read_bytes())
    encrypted_pdf(tmp_path / "d-encrypted.pdf")
    (tmp_path / "e-good.txt").write_text("纪要正文\n", encoding="utf-8")
    (tmp_path / "f-bad.txt").write_bytes((DATA / "text" / "invalid-bytes.txt").read_bytes())
    (tmp_path / "g-good.html").write_bytes((DATA / "html" / "undeclared-gbk.html").read_bytes())
    records, problems = [], []
    for path in iter_sources([tmp_path]):
        got, bad = extract_path(path)
        records += got
        problems += bad
    assert [Path(r.source).name for r in records] == ["a-good.pdf", "e-good.txt", "g-good.html"]
    assert records[0].pages[0].text == "会议议定以下意见：\n— 1 —\n"
    assert [(Path(p.source).name, p.reason) for p in problems] == [
        ("b-truncated.pdf", "truncated or damaged PDF"),
        ("c-bomb.pdf", "exceeded memory limit (512 MB)"),
        ("d-encrypted.pdf", "encrypted PDF (password required)"),
        (
            "f-bad.txt",
            "cannot decode text: not UTF-8 (invalid byte at offset 107) and no other encoding fits",
        ),
    ]
    assert all(isinstance(p, Problem) for p in problems)
