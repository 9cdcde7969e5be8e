"""Every CSV export goes through one writer that neutralises spreadsheet formulas."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask

from indexer.csvexport import safe_cell, to_csv
from indexer.models import Decision, Document, Item, Meeting, Paragraph
from indexer.engine import IndexStore
from indexer.pipeline import index_documents
from webui import create_app

FORMULA = "=HYPERLINK(\"http://example.com\",\"安全生产\")"


def _minutes() -> Document:
    paras = [
        Paragraph("p1", "一、审议《关于安全生产的若干措施》", label="一", item="一", role="heading"),
        Paragraph("p2", f"{FORMULA}原则同意《关于安全生产的若干措施》。", label="一（一）", item="一", role="decision"),
    ]
    decision = Decision("（一）", "原则同意", ["@SUM(A1)若干措施"], lead_department="-苏州市应急管理局",
                        follow_up="+按程序发文实施", para_ids=["p2"])
    return Document(
        doc_id="exec-1", kind="minutes", title="某市政府第1次常务会议纪要", date="2021-03-01",
        meeting=Meeting("某市人民政府", "常务会议", 1, "2021-03-01"),
        items=[Item("一", paras[0].text, decisions=[decision], para_ids=["p1", "p2"])],
        paragraphs=paras, sha1="exec-1",
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    index_dir: Path = tmp_path_factory.mktemp("exports")
    store = IndexStore.create_or_open(index_dir)
    index_documents(store, [_minutes()])
    store.close()
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "WARM_LIFECYCLE": False})


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_safe_cell_marks_every_formula_start() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "正文", "a=b", 3, None)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\t=1", "'\r=1", "正文", "a=b", 3, None]


def test_writer_has_bom_header_crlf_and_empty_none() -> None:
    assert to_csv(("a", "b"), [["=x", None]]) == "\ufeffa,b\r\n'=x,\r\n"


def test_search_export_escapes_formulas(app: Flask) -> None:
    rows = _rows(app.test_client().get("/api/search.csv?q=安全生产&group=para").data)
    text = rows[0].index("text")
    assert sorted(r[text] for r in rows[1:]) == [f"'{FORMULA}原则同意《关于安全生产的若干措施》。", "一、审议《关于安全生产的若干措施》"]


def test_decisions_export_escapes_formulas(app: Flask) -> None:
    rows = _rows(app.test_client().get("/api/decisions.csv").data)
    header, (row,) = rows[0], rows[1:]
    cell = dict(zip(header, row))
    assert cell["subjects"] == "'@SUM(A1)若干措施"
    assert cell["lead_department"] == "'-苏州市应急管理局"
    assert cell["follow_up"] == "'+按程序发文实施"
    assert cell["text"] == f"'{FORMULA}原则同意《关于安全生产的若干措施》。"
    assert cell["url"] == "http://localhost/doc/exec-1#p2"
