"""Word .docx, OFD and legacy .doc: the same minutes as the text version, and hostile files
reported by name while the rest of the batch lands."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from docgen import encrypted_doc, garbage_fib, write_doc
from formatgen import (
    LEADING,
    encrypted_office,
    encrypted_zip,
    other_zip,
    seed_pages,
    truncated,
    write_docx,
    write_ofd,
    zip_bomb,
)
from paths import SEED

from indexer.cli import cli
from indexer.extract import Limits, extract_path, iter_sources
from indexer.layout import repair
from indexer.models import Extracted, Page
from indexer.pipeline import ingest
from indexer.engine import IndexStore
from indexer.pipeline import read_document as parse

TITLE = "苏州市人民政府第120次常务会议纪要"
_MARKER = re.compile(r"^\s*—\s*\d+\s*—\s*$")
needs_antiword = pytest.mark.skipif(
    shutil.which("antiword") is None,
    reason="antiword is not installed (Debian package antiword, optional; make test installs it as root)",
)


def _text_version():
    text = SEED.read_text(encoding="utf-8")
    return parse(Extracted(str(SEED), "text", [Page(1, text)], {"encoding": "utf-8"}, "0" * 40))


def _structure(doc) -> tuple:
    """What a researcher finds: meeting, items, decisions with their leads, paragraphs."""
    return (
        doc.doc_id,
        doc.kind,
        doc.title,
        doc.meeting,
        [(i.label, i.heading, i.subject) for i in doc.items],
        [[(d.label, d.action, d.subjects, d.lead_department, d.follow_up) for d in i.decisions] for i in doc.items],
        [(p.para_id, p.text, p.role, p.label, p.lead_department) for p in doc.paragraphs],
        {k: doc.metadata.get(k) for k in ("organised", "issued", "recorder", "distribution")},
    )


def _seed_paragraphs() -> tuple[list[str], list[int]]:
    """The seed as a word processor holds it: its paragraphs, and the page each starts on."""
    text = SEED.read_text(encoding="utf-8")
    layout = repair([Page(1, text)])
    lines = text.splitlines()
    tail = next(i for i, line in enumerate(lines) if line.strip().startswith("记录"))
    trailer = [ln.strip() for ln in lines[tail:] if ln.strip() and not _MARKER.match(ln)]
    paragraphs = [p.text for p in layout.paragraphs] + trailer
    pages = [p.page for p in layout.paragraphs] + [layout.paragraphs[-1].page] * len(trailer)
    return paragraphs, pages


def _seed_docx(path: Path) -> Path:
    """The seed as Word writes it: one paragraph per paragraph, page breaks between pages."""
    paragraphs, pages = _seed_paragraphs()
    return write_docx(
        paragraphs, path, pages=pages, title=TITLE, author="苏州市人民政府办公室",
        created=dt.datetime(2020, 12, 23, 9, 30),
    )


def _seed_doc(path: Path) -> Path:
    """The seed as Word 97 saves it: the same paragraphs, a hard page break where a page starts."""
    paragraphs, pages = _seed_paragraphs()
    breaks = [i for i in range(1, len(pages)) if pages[i] != pages[i - 1]]
    return write_doc(paragraphs, path, page_breaks=breaks)


@pytest.fixture(scope="module")
def text_version():
    return _text_version()


def _ingested(path: Path, index: Path):
    """``path`` ingested alone into a real index, its document read back."""
    report = ingest([path], index, workers=1)
    assert (report.documents, report.problems) == (1, [])
    store = IndexStore.open(index)
    try:
        return store.get_document("suzhou-gov-exec-120")
    finally:
        store.close()


def _one(path: Path, limits: Limits = Limits()):
    records, problems = extract_path(path, limits)
    assert problems == []
    assert len(records) == 1
    return records[0]


# --- .docx -------------------------------------------------------------------------------------


def test_docx_minutes_parse_as_the_text_version(tmp_path: Path, text_version) -> None:
    path = _seed_docx(tmp_path / "minutes.docx")
    record = _one(path)
    assert record.fmt == "docx"
    assert record.meta == {
        "file_title": TITLE, "file_author": "苏州市人民政府办公室",
        "file_created": "2020-12-23", "file_modified": "2020-12-23",
    }
    assert len(record.pages) == 6  # Word's page breaks
    doc = parse(record)
    assert _structure(doc) == _structure(text_version)
    assert [d.lead_department for d in (i.decisions[0] for i in doc.items)] == [
        "苏州市应急管理局", "苏州市工业和信息化局", "苏州市市场监督管理局", "苏州市市场监督管理局", "苏州市供销合作总社",
    ]
    # Physical pages (Word has no printed folios): page breaks still place each paragraph.
    decision = next(p for p in doc.paragraphs if p.text.startswith("（一）原则同意《关于推进制造业"))
    assert decision.page == 3
    assert _structure(_ingested(path, tmp_path / "index")) == _structure(text_version)


def test_docx_tables_give_one_line_per_row_and_line_breaks_split_lines(tmp_path: Path) -> None:
    path = write_docx(
        ["会议议定事项分工如下：", "出席：李亚平\n王翔"], tmp_path / "t.docx",
        table=[["事项", "牵头部门", "牵头部门"], ["再生资源回收", "市供销社", "市供销社"]],
    )
    record = _one(path)
    assert record.pages == [
        Page(1, "会议议定事项分工如下：\n事项 牵头部门\n再生资源回收 市供销社\n出席：李亚平\n王翔\n")
    ]
    assert "file_title" not in record.meta and "file_author" not in record.meta  # not set: not stated


def test_docx_title_from_properties_titles_a_policy(tmp_path: Path) -> None:
    path = write_docx(["各市、区人民政府：", "现将有关事项通知如下。"], tmp_path / "p.docx", title="关于做好再生资源回收工作的通知")
    assert parse(_one(path)).title == "关于做好再生资源回收工作的通知"


# --- OFD ---------------------------------------------------------------------------------------


def test_ofd_minutes_parse_as_the_text_version(tmp_path: Path, text_version) -> None:
    pages = seed_pages()
    path = write_ofd(pages, tmp_path / "minutes.ofd", title=TITLE, created="2020-12-23")
    record = _one(path)
    assert record.fmt == "ofd"
    assert record.meta == {"file_title": TITLE, "file_created": "2020-12-23"}
    # Runs written in shuffled order come back in reading order, line by line, with the folio.
    assert record.pages[0].text.splitlines()[:2] == pages[0][:2]
    assert record.pages[0].text.splitlines()[-1] == "— 1 —"
    assert len(record.pages) == len(pages)
    doc = parse(record)
    assert _structure(doc) == _structure(text_version)
    on_page = {p.text[:20]: p.page for p in doc.paragraphs}
    first_line = "（一）原则同意《关于推进制造业智能化改造和数字化"[:20]
    expected = next(n for n, lines in enumerate(pages, 1) if any(ln.startswith(first_line) for ln in lines))
    assert on_page[first_line] == expected
    assert doc.paragraphs[-1].citation.endswith(f"第{doc.paragraphs[-1].page}页")
    stored = _ingested(path, tmp_path / "index")
    assert _structure(stored) == _structure(text_version)
    assert [p.page for p in stored.paragraphs] == [p.page for p in doc.paragraphs]


def test_ofd_template_and_annotation_text_is_read_in_place_but_not_watermarks(tmp_path: Path) -> None:
    """Text drawn by a template page (page furniture) and by a stamp annotation is part of the
    page, at its position; a watermark repeated over the pages is not the document's text."""
    pages = [["会议议定以下意见：", "一、原则同意。"], ["二、由市发改委负责落实。", "苏州市人民政府办公室"]]
    last_line_y = 30.0 + LEADING  # the stamp sits on the signature line of page 2 (y = box + text offset)
    path = write_ofd(pages, tmp_path / "furnished.ofd", shuffle=False, template="苏州市人民政府文件",
                     annotations={0: [("Watermark", "内部资料", 150.0)],
                                  1: [("Stamp", "苏州市人民政府印章", last_line_y - 10.0), ("Watermark", "内部资料", 150.0)]})
    record = _one(path)
    first, second = (page.text.splitlines() for page in record.pages)
    assert first == ["苏州市人民政府文件", "会议议定以下意见：", "一、原则同意。", "— 1 —"]
    assert second[0] == "苏州市人民政府文件" and second[-1] == "— 2 —"
    assert second[2] == "苏州市人民政府办公室    苏州市人民政府印章"
    assert "内部资料" not in record.pages[0].text + record.pages[1].text


def test_ofd_path_outside_the_package_is_refused(tmp_path: Path) -> None:
    path = write_ofd([["会议议定以下意见："]], tmp_path / "x.ofd", shuffle=False)
    import zipfile

    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts["OFD.xml"] = parts["OFD.xml"].replace(b"Doc_0/Document.xml", b"../../etc/passwd")
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    assert extract_path(path)[1][0].reason == "damaged OFD document: DocRoot points outside the package"


# --- legacy .doc (antiword) --------------------------------------------------------------------


@needs_antiword
def test_doc_minutes_parse_as_the_text_version(tmp_path: Path, text_version) -> None:
    path = _seed_doc(tmp_path / "minutes.doc")
    assert path.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    record = _one(path)
    assert (record.fmt, record.meta) == ("doc", {"converter": "antiword"})
    assert "由市工信局根据本次会议讨论意见按程序发文实施。" in record.pages[0].text
    doc = parse(record)
    assert _structure(doc) == _structure(text_version)
    assert [d.lead_department for d in (i.decisions[0] for i in doc.items)] == [
        "苏州市应急管理局", "苏州市工业和信息化局", "苏州市市场监督管理局", "苏州市市场监督管理局", "苏州市供销合作总社",
    ]
    stored = _ingested(path, tmp_path / "index")
    assert stored.fmt == "doc" and _structure(stored)[3:7] == _structure(text_version)[3:7]


@needs_antiword
def test_hostile_docs_are_named_and_the_batch_lands(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _seed_doc(src / "a-minutes.doc")
    for name, size in (("b-cut-at-a-sector.doc", 14 * 512), ("c-cut-mid-sector.doc", 14 * 512 + 100)):
        cut = _seed_doc(src / name)  # an interrupted download, at or between sector ends
        cut.write_bytes(cut.read_bytes()[:size])
    garbage_fib(_seed_doc(src / "d-garbage-fib.doc"))
    encrypted_doc(_seed_doc(src / "e-secret.doc"))
    write_doc([], src / "f-blank.doc")
    report = ingest([src], tmp_path / "index", workers=1)
    assert report.documents == 1
    skipped = {Path(p.source).name: p.reason for p in report.problems}
    assert skipped == {
        "b-cut-at-a-sector.doc": "truncated or damaged Word .doc (antiword: The Big Block Depot is damaged)",
        "c-cut-mid-sector.doc": "truncated or damaged Word .doc (antiword: the file is not a Word Document.)",
        "d-garbage-fib.doc": "truncated or damaged Word .doc (antiword: I can't find the text of this document)",
        "e-secret.doc": "encrypted Word .doc (password required)",
        "f-blank.doc": "Word .doc without text",
    }
    store = IndexStore.open(tmp_path / "index")
    try:
        doc = store.get_document("suzhou-gov-exec-120")
    finally:
        store.close()
    assert doc.fmt == "doc" and len(doc.items) == 5


# --- hostile variants ---------------------------------------------------------------------------


def _reason(path: Path, limits: Limits = Limits()) -> str:
    records, problems = extract_path(path, limits)
    assert records == []
    assert [p.source for p in problems] == [str(path)]
    return problems[0].reason


def test_truncated_packages(tmp_path: Path) -> None:
    docx = truncated(_seed_docx(tmp_path / "t.docx"))
    ofd = truncated(write_ofd(seed_pages(), tmp_path / "t.ofd"))
    assert _reason(docx).startswith("truncated or damaged Word document (")
    assert _reason(ofd).startswith("truncated or damaged OFD document (")


def test_empty_files(tmp_path: Path) -> None:
    for name in ("e.docx", "e.ofd", "e.doc"):
        (tmp_path / name).write_bytes(b"")
        assert _reason(tmp_path / name) == "empty file"


def test_encrypted_files(tmp_path: Path) -> None:
    assert _reason(encrypted_office(tmp_path / "secret.docx")) == "encrypted Word document (password required)"
    assert _reason(encrypted_zip(tmp_path / "secret.ofd")) == "encrypted OFD document (password required)"


def test_a_zip_of_something_else(tmp_path: Path) -> None:
    assert _reason(other_zip(tmp_path / "photos.docx")) == (
        "not a Word document: a zip archive (no word/document.xml)"
    )
    ofd_named_docx = write_ofd([["会议议定以下意见："]], tmp_path / "really-ofd.docx")
    assert _reason(ofd_named_docx) == "not a Word document: an OFD document (no word/document.xml)"
    docx_named_ofd = _seed_docx(tmp_path / "really-docx.ofd")
    assert _reason(docx_named_ofd) == "not an OFD document: a Word document (no OFD.xml)"
    (tmp_path / "text.docx").write_text("会议纪要", encoding="utf-8")
    assert _reason(tmp_path / "text.docx") == "not a Word document (not a zip package)"
    (tmp_path / "old.docx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1024))
    assert _reason(tmp_path / "old.docx") == (
        "not a Word document: an older binary Office file (OLE compound document)"
    )


def test_zip_bomb_is_refused_from_the_directory_with_flat_memory(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", "word/document.xml", mb=400)
    assert bomb.stat().st_size < 2_000_000
    tracemalloc.start()
    try:
        reason = _reason(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "zip bomb: 400 MB unpacked exceeds the 300 MB cap"
    assert peak < 20_000_000
    ofd_bomb = zip_bomb(tmp_path / "bomb.ofd", "OFD.xml", mb=20)
    assert _reason(ofd_bomb, Limits(zip_max_unpacked=10_000_000)) == "zip bomb: 20 MB unpacked exceeds the 10 MB cap"


def test_too_many_entries(tmp_path: Path) -> None:
    path = write_ofd([["会议议定以下意见："]] * 12, tmp_path / "many.ofd")
    assert _reason(path, Limits(zip_max_entries=10)) == "zip package with 15 entries (cap 10)"


def test_legacy_doc_without_a_converter_says_how_to_convert(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword on this PATH
    doc = encrypted_office(tmp_path / "old.doc")
    reason = _reason(doc)
    assert reason.startswith("legacy Word .doc needs a converter: install antiword (apt-get install antiword)")
    assert f"soffice --headless --convert-to docx '{doc}'" in reason
    renamed = _seed_docx(tmp_path / "renamed.doc")
    assert _reason(renamed) == "a .docx (zip package) named .doc: rename it to .docx"


def test_batch_of_formats_lands_around_hostile_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _seed_docx(src / "a-minutes.docx")
    write_ofd(seed_pages(), src / "b-minutes.ofd", title="关于推进再生资源回收利用体系建设的通知")
    truncated(write_ofd(seed_pages(), src / "c-truncated.ofd"))
    zip_bomb(src / "d-bomb.ofd", "OFD.xml", mb=320)
    encrypted_office(src / "e-secret.docx")
    other_zip(src / "f-photos.docx")
    (src / "g-empty.docx").write_bytes(b"")
    assert [p.name for p in iter_sources([src])] == sorted(p.name for p in src.iterdir())
    report = ingest([src], tmp_path / "index", workers=1)
    assert report.documents == 1  # the OFD is the same meeting: reported as a duplicate id
    skipped = {Path(p.source).name: p.reason for p in report.problems}
    assert sorted(skipped) == ["b-minutes.ofd", "c-truncated.ofd", "d-bomb.ofd", "e-secret.docx", "f-photos.docx", "g-empty.docx"]
    assert skipped["b-minutes.ofd"].startswith("duplicate document id suzhou-gov-exec-120")
    store = IndexStore.open(tmp_path / "index")
    try:
        doc = store.get_document("suzhou-gov-exec-120")
    finally:
        store.close()
    assert doc.fmt == "docx" and len(doc.items) == 5


# --- command line -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["docx", "ofd", pytest.param("doc", marks=needs_antiword)])
def test_parse_json_for_each_format(tmp_path: Path, suffix: str) -> None:
    writers = {
        "docx": lambda: _seed_docx(tmp_path / "m.docx"),
        "ofd": lambda: write_ofd(seed_pages(), tmp_path / "m.ofd"),
        "doc": lambda: _seed_doc(tmp_path / "m.doc"),
    }
    path = writers[suffix]()
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["doc_id"], record["fmt"], len(record["items"])) == ("suzhou-gov-exec-120", suffix, 5)
    assert record["items"][1]["decisions"][0]["lead_department"] == "苏州市工业和信息化局"


def test_parse_names_a_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    path = other_zip(tmp_path / "photos.docx")
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code != 0
    assert "photos.docx: not a Word document: a zip archive" in result.output
    assert "Traceback" not in result.output


@needs_antiword
def test_parse_names_a_damaged_doc_without_a_traceback(tmp_path: Path) -> None:
    path = garbage_fib(_seed_doc(tmp_path / "damaged.doc"))
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code != 0
    assert "damaged.doc: truncated or damaged Word .doc (antiword: I can't find the text" in result.output
    assert "Traceback" not in result.output
