"""Extraction of well-formed sources: PDF pages, HTML article text, plain text, JSON Lines."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from paths import CORPUS, SEED
from pdfgen import render_pdf, render_seed_pdf

from indexer.extract import SUPPORTED_SUFFIXES, Limits, extract_path, iter_sources
from indexer.models import Page, Problem

DATA = Path(__file__).parent / "data"


def _one(path: Path, limits: Limits = Limits()):
    records, problems = extract_path(path, limits)
    assert problems == []
    assert len(records) == 1
    return records[0]


# --- PDF -----------------------------------------------------------------------------------


def test_seed_pdf_gives_each_line_back_on_its_page(tmp_path: Path) -> None:
    pdf = tmp_path / "seed.pdf"
    pages = render_seed_pdf(SEED.read_text(encoding="utf-8"), pdf)
    record = _one(pdf)
    assert [len(lines) for lines in pages] == [28, 28, 28, 28, 28, 8]
    assert record.fmt == "pdf"
    assert record.source == str(pdf)
    assert record.sha1 == hashlib.sha1(pdf.read_bytes()).hexdigest()
    assert [page.number for page in record.pages] == [1, 2, 3, 4, 5, 6]
    for number, (lines, page) in enumerate(zip(pages, record.pages, strict=True), start=1):
        assert page.text == "\n".join(lines) + f"\n— {number} —\n"
    assert record.pages[0].text.startswith(
        "2020 年 12 月 7 日上午，李亚平市长主持召开市政府第 120\n次常务会议"
    )
    assert "记录：栗涛" in record.pages[5].text


def test_pdf_info_title_and_creation_date_go_to_meta(tmp_path: Path) -> None:
    pdf = render_pdf(
        [["第一页"], ["第二页"]], tmp_path / "t.pdf", title="苏州市政府第120次常务会议纪要"
    )
    record = _one(pdf)
    assert record.meta["pdf_title"] == "苏州市政府第120次常务会议纪要"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.meta["pdf_created"])
    assert "pdf_author" not in record.meta  # reportlab's placeholder "anonymous" is dropped
    assert record.pages == [Page(1, "第一页\n— 1 —\n"), Page(2, "第二页\n— 2 —\n")]


def test_pdf_without_page_markers(tmp_path: Path) -> None:
    pdf = render_pdf(
        [["会议议定以下意见：", "一、传达会议精神"]], tmp_path / "t.pdf", page_markers=False
    )
    assert _one(pdf).pages == [Page(1, "会议议定以下意见：\n一、传达会议精神\n")]


@pytest.mark.parametrize(
    ("name", "sha1", "title", "created", "first_lines", "page5_text"),
    [
        (
            "hongze-2023-zfxxgk-annual-report.pdf",
            "0a3f8848818f483d7abd00b8be3e38832a9e1bf3",
            "洪泽区人民政府2023年政府信息公开工作年度报告",
            "2024-02-26",
            "洪泽区人民政府\n2023 年政府信息公开工作年度报告\n",
            "2023 年，区政府严格落实《政府信息公开信息处理费管理办\n",
        ),
        (
            "hongze-2024-zfxxgk-annual-report.pdf",
            "4a5f8323743e34f3fe05fd42a3925fb15b18119b",
            "政府信息公开工作年度报告",
            "2025-02-25",
            "淮安市洪泽区人民政府\n2024 年政府信息公开工作年度报告\n",
            "2024 年，区政府严格落实《政府信息公开信息处理费管理办\n",
        ),
    ],
    ids=["2023", "2024"],
)
def test_real_government_pdfs(name, sha1, title, created, first_lines, page5_text) -> None:
    record = _one(CORPUS / "pdf" / name)
    assert record.sha1 == sha1
    assert record.meta == {"pdf_title": title, "pdf_author": "王守强", "pdf_created": created}
    assert len(record.pages) == 5
    assert record.pages[0].text.startswith(first_lines)
    for page in record.pages:  # the running page number is on its own page
        assert f"\n- {page.number} -\n" in page.text
    assert "二、主动公开政府信息情况" in record.pages[0].text + record.pages[1].text
    assert "四、政府信息公开行政复议、行政诉讼情况" in record.pages[3].text
    assert "六、其他需要报告的事项\n" in record.pages[4].text
    assert page5_text in record.pages[4].text
    assert record.pages[4].text.endswith("全年收取政府信息公开信息处理费 0 元。\n- 5 -\n")


# --- HTML ----------------------------------------------------------------------------------


def test_govcn_page_article_and_metadata_table() -> None:
    record = _one(DATA / "html" / "govcn-policy-utf8.html")
    assert record.fmt == "html"
    assert record.meta == {
        "charset": "utf-8",
        "title": "国务院办公厅关于推进养老服务发展的意见",
        "published": "2019-04-16",
        "written": "2019-03-29",
        "source_name": "中国政府网",
        "doc_number": "国办发〔2019〕5号",
        "issuer": "国务院办公厅",
    }
    assert record.pages == [
        Page(
            1,
            "国办发〔2019〕5号\n"
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "党中央、国务院高度重视养老服务，党的十八大以来，出台了加快发展养老服务业、"
            "全面放开养老服务市场等政策措施。\n"
            "一、深化放管服改革\n"
            "（一）建立健全养老服务综合监管制度。\n"
            "国务院办公厅\n"
            "2019年3月29日",
        )
    ]


def test_gb2312_declared_page_with_gbk_and_gb18030_characters() -> None:
    record = _one(DATA / "html" / "suzhou-gb2312-declared.html")
    assert record.meta == {
        "charset": "gb18030",
        "title": "市政府召开第120次常务会议",
        "published": "2020-12-07",
        "source_name": "苏州市人民政府办公室",
    }
    assert record.pages[0].text == (
        "12月7日上午，李亚平市长主持召开市政府第120次常务会议。\n"
        "会议审议《关于推进制造业智能化改造和数字化转型的若干措施》。\n"
        "会议还研究了其他事项。朱镕基同志题词的石碑与䶮字碑刻一并得到保护。"
    )


def test_undeclared_gbk_page_falls_back_to_the_densest_block() -> None:
    record = _one(DATA / "html" / "undeclared-gbk.html")
    assert record.meta == {
        "charset": "gb18030",
        "title": "关于做好冬季安全生产工作的通知",
        "published": "2020-12-08",
    }
    lines = record.pages[0].text.split("\n")
    assert lines[0] == "各区人民政府，市各委、办、局："
    assert lines[-1] == "发文日期：2020年12月8日"
    assert len(lines) == 5
    assert "网站首页" not in record.pages[0].text and "通知公告" not in record.pages[0].text


def test_html_paragraph_per_block_and_br(tmp_path: Path) -> None:
    page = tmp_path / "p.htm"
    page.write_text(
        "<html><body><div class='TRS_Editor'>第一段<br>第二段<div>第三段 <b>加粗</b>\n 续</div>"
        "<table><tr><td>项目</td><td>金额</td></tr></table><p>资金来源：市级财政</p></div>"
        "</body></html>",
        encoding="utf-8",
    )
    record = _one(page)
    assert record.pages[0].text == "第一段\n第二段\n第三段 加粗 续\n项目 金额\n资金来源：市级财政"
    assert record.meta == {"charset": "utf-8"}  # 资金来源 is body text, not the page's 来源


# --- plain text ----------------------------------------------------------------------------


def test_seed_text_is_one_page_with_its_markers() -> None:
    record = _one(SEED)
    assert record.fmt == "text"
    assert record.meta == {"encoding": "utf-8"}
    assert record.sha1 == hashlib.sha1(SEED.read_bytes()).hexdigest()
    assert record.pages == [Page(1, SEED.read_text(encoding="utf-8"))]
    assert "\n— 3 — \n" in record.pages[0].text


def test_form_feed_splits_pages_and_crlf_becomes_lf() -> None:
    record = _one(DATA / "text" / "formfeed.txt")
    assert record.pages == [Page(1, "第一页第一行\n第一页第二行\n"), Page(2, "第二页\n— 2 —\n")]


# --- JSON Lines ----------------------------------------------------------------------------


def test_jsonl_corpus_one_record_per_line() -> None:
    path = CORPUS / "policy-govcn-platform1.jsonl"
    records, problems = extract_path(path)
    lines = path.read_bytes().splitlines()
    assert problems == []
    assert len(records) == len(lines) == 60
    first = records[0]
    assert first.source == f"{path}#L1" and records[59].source == f"{path}#L60"
    assert first.fmt == "jsonl"
    assert first.sha1 == hashlib.sha1(lines[0]).hexdigest()
    assert first.meta["id"] == "gov-9b116a37e8"
    assert first.meta["doc_number"] == "国发〔1981〕88号"
    assert first.meta["date"] == "1981-05-23"
    assert "text" not in first.meta
    assert first.pages == [Page(1, json.loads(lines[0])["text"])]
    assert first.pages[0].text.startswith("国务院关于棉粮、糖粮挂钩奖售粮\n几 个 问 题 的 通 知")


def test_jsonl_bad_lines_are_problems_and_good_lines_survive(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {"id": "a1", "kind": "policy", "title": "甲", "text": "正文甲"}
    path.write_bytes(
        b"\n".join(
            [
                json.dumps(good, ensure_ascii=False).encode(),
                b'{"id": "a2", "text": "unterminated',
                b'["a list"]',
                json.dumps({"title": "无编号", "text": "正文"}, ensure_ascii=False).encode(),
                json.dumps({"id": "a5", "text": ""}).encode(),
                b"",
                json.dumps({"id": "a7", "text": "正文七"}, ensure_ascii=False).encode() + b"\r",
                b'{"id": "a8", "text": "\xff\xfe"}',
            ]
        )
        + b"\n"
    )
    records, problems = extract_path(path)
    assert [r.source for r in records] == [f"{path}#L1", f"{path}#L7"]
    assert records[0].meta == {"id": "a1", "kind": "policy", "title": "甲"}
    assert records[1].pages == [Page(1, "正文七")]
    assert records[1].sha1 == hashlib.sha1('{"id": "a7", "text": "正文七"}'.encode()).hexdigest()
    assert problems == [
        Problem(str(path), "invalid JSON: Unterminated string starting at (column 22)", line=2),
        Problem(str(path), "not a JSON object (got list)", line=3),
        Problem(str(path), "missing or empty 'id'", line=4),
        Problem(str(path), "missing or empty 'text'", line=5),
        Problem(str(path), "not UTF-8 (invalid byte at offset 22)", line=8),
    ]


def test_jsonl_line_over_the_size_limit_is_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = json.dumps({"id": "big", "text": "字" * 500}, ensure_ascii=False)
    small = json.dumps({"id": "small", "text": "短"}, ensure_ascii=False)
    path.write_text(f"{big}\n{small}\n", encoding="utf-8")
    records, problems = extract_path(path, Limits(max_bytes=1000))
    assert [r.meta["id"] for r in records] == ["small"]
    assert records[0].source == f"{path}#L2"
    assert problems == [Problem(str(path), "line too large (> 0.001 MB)", line=1)]


def test_jsonl_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "b1", "text": "正文"}).encode() + b"\n")
    records, problems = extract_path(path)
    assert problems == []
    assert [(r.meta, r.pages) for r in records] == [({"id": "b1"}, [Page(1, "正文")])]


def test_shared_state_council_minutes(shared_corpus: Path) -> None:
    records, problems = extract_path(shared_corpus / "minutes-state-council-xwlb.jsonl")
    assert problems == []
    assert len(records) == 503
    assert records[0].meta["id"] == "gwyhy-d9f046685d"
    assert records[0].meta["issuer"] == "国务院常务会议"
    assert all(len(r.pages) == 1 and r.pages[0].text for r in records)


# --- sources -------------------------------------------------------------------------------


def test_iter_sources_recursive_sorted_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in [
        "b.txt", "a.pdf", "sub/c.HTML", "sub/deeper/d.jsonl", "sub/e.htm", "notes.md", "x.pptx",
        ".hidden.txt", ".git/config.txt", "sub/.cache/f.pdf",
    ]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    explicit = tmp_path / "x.pptx"
    found = iter_sources([tmp_path, explicit, tmp_path / "b.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.pdf", "b.txt", "sub/c.HTML", "sub/deeper/d.jsonl", "sub/e.htm", "x.pptx",
    ]  # fmt: skip
    records, problems = extract_path(explicit)
    assert records == []
    assert problems == [
        Problem(
            str(explicit),
            "unsupported file type '.pptx' (supported: .doc, .docx, .htm, .html, .jsonl, .ofd, .pdf, .txt)",
        )
    ]
    assert SUPPORTED_SUFFIXES == {".pdf", ".html", ".htm", ".txt", ".jsonl", ".docx", ".doc", ".ofd"}


def test_default_limits() -> None:
    assert Limits() == Limits(max_bytes=50_000_000, pdf_timeout=30.0, pdf_memory_mb=512)


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    assert iter_sources([missing]) == [missing]
    assert extract_path(missing) == ([], [Problem(str(missing), "file not found")])


def test_sample_corpus_folder_extracts_without_problems() -> None:
    records, problems = [], []
    sources = iter_sources([CORPUS])
    for path in sources:
        got, bad = extract_path(path)
        records += got
        problems += bad
    assert [p.name for p in sources] == [
        "laws-lawrefbook-sample.jsonl",
        "hongze-2023-zfxxgk-annual-report.pdf",
        "hongze-2024-zfxxgk-annual-report.pdf",
        "policy-govcn-platform1.jsonl",
        "suzhou-120th-executive-meeting-2020-12-07.txt",
    ]
    assert problems == []
    assert len(records) == 300 + 2 + 60 + 1
    assert {r.fmt for r in records} == {"jsonl", "pdf", "text"}
