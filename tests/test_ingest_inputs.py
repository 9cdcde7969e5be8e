"""Ingest never aborts on a file name and never hangs on a special file (issue 12 §2).

Every test builds real files (GBK-named files, links to ``/dev/zero``, named pipes, sockets,
folders that cannot be listed) and runs the real extraction or the real ingest into a Whoosh
index in ``tmp_path``. A special file that were opened blocking would hang the test: the CLI
run has a subprocess timeout so a regression fails instead of hanging the suite.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.extract import Limits, extract_path, iter_sources
from indexer.models import Problem
from indexer.names import printable, source_name
from indexer.pipeline import ingest
from indexer.engine import IndexStore
from paths import ROOT

GBK_NAME = "关于就业的通知".encode("gbk") + b".txt"  # what unzip makes of a Windows archive
GBK_ESCAPED = GBK_NAME.decode("utf-8", "backslashreplace")
TEXT = "关于做好高校毕业生就业工作的通知\n各区人民政府：\n现将有关事项通知如下。"


def _write_bytes_name(folder: Path, name: bytes, data: bytes) -> Path:
    raw = os.fsencode(folder) + b"/" + name
    with open(raw, "wb") as stream:
        stream.write(data)
    return Path(os.fsdecode(raw))


def test_source_name_escapes_undecodable_bytes_only() -> None:
    assert source_name("目录/通知.txt") == ("目录/通知.txt", True)
    name, exact = source_name(os.fsdecode(b"c/" + GBK_NAME))
    assert not exact
    assert name == "c/" + GBK_ESCAPED
    assert "\\xb9\\xd8" in name  # 关 in GBK
    name.encode("utf-8")  # storable and printable


def test_printable_escapes_newlines_and_bidi_controls() -> None:
    assert printable("a\nb\u202etxt.exe\u2066x\u2069") == "a\\nb\\u202etxt.exe\\u2066x\\u2069"
    assert printable("普通 名字（一）.txt") == "普通 名字（一）.txt"
    assert printable("tab\there\x1b[31m") == "tab\\there\\x1b[31m"


def test_gbk_file_name_is_read_and_reported_by_its_escaped_name(tmp_path: Path) -> None:
    path = _write_bytes_name(tmp_path, GBK_NAME, TEXT.encode("utf-8"))
    records, problems = extract_path(path)
    shown = f"{tmp_path}/{GBK_ESCAPED}"
    assert [r.source for r in records] == [shown]
    assert records[0].pages[0].text == TEXT
    assert problems == [Problem(shown, "file name is not UTF-8 (undecodable bytes shown as \\x escapes); "
                                       "read anyway", skipped=False)]


def test_ingest_with_a_gbk_named_file_indexes_everything(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_bytes_name(corpus, GBK_NAME, TEXT.encode("utf-8"))
    (corpus / "ok.txt").write_text("关于安全生产的通知\n加强安全生产工作。", encoding="utf-8")
    report = ingest([corpus], tmp_path / "index")
    assert (report.documents, report.added, report.problems) == (2, 2, [])
    assert [n.source for n in report.notes] == [f"{corpus}/{GBK_ESCAPED}"]
    assert f"note {corpus}/{GBK_ESCAPED}: file name is not UTF-8" in report.summary()
    store = IndexStore.open(tmp_path / "index")
    sources = sorted(d.source for d in store.iter_documents())
    store.close()
    assert sources == [f"corpus/{GBK_ESCAPED}", "corpus/ok.txt"]  # relative to the ingested folder


def test_names_with_newlines_and_bidi_controls_are_escaped_in_the_report(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil\nskipped fake.txt: ok\u202etxt.exe.txt").write_bytes(b"")
    report = ingest([corpus], tmp_path / "index")
    summary = report.summary()
    assert summary.splitlines()[1:] == [
        f"  skipped {corpus}/evil\\nskipped fake.txt: ok\\u202etxt.exe.txt: empty file (no text)"
    ]
    assert "\u202e" not in summary


def _special_files(folder: Path) -> list[str]:
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    (folder / "zero.html").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.jsonl")
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    sock.close()
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    return [
        f"{folder}/dangling.txt: file not found",
        f"{folder}/pipe.jsonl: not a regular file (a named pipe); only regular files are read",
        f"{folder}/pipe.txt: not a regular file (a named pipe); only regular files are read",
        f"{folder}/sock.txt: not a regular file (a socket); only regular files are read",
        f"{folder}/zero.html: not a regular file (a character device); only regular files are read",
        f"{folder}/zero.jsonl: not a regular file (a character device); only regular files are read",
        f"{folder}/zero.txt: not a regular file (a character device); only regular files are read",
    ]


def test_special_files_are_refused_without_being_read(tmp_path: Path) -> None:
    expected = _special_files(tmp_path)
    (tmp_path / "link-to-good.txt").symlink_to(tmp_path / "good.txt")
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    problems, texts = [], []
    for path in iter_sources([tmp_path]):
        records, found = extract_path(path)
        problems += [str(p) for p in found]
        texts += [r.pages[0].text for r in records]
    assert problems == expected
    assert texts == [TEXT, TEXT]  # a link to a regular file is followed


def test_ingest_command_skips_special_files_and_indexes_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = _special_files(corpus)
    (corpus / "good.txt").write_text(TEXT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "--index", str(tmp_path / "index"), "ingest", "--no-progress",
         str(corpus)], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1 documents (3 paragraphs): 1 added, 0 replaced, 0 unchanged; 7 skipped"
    assert lines[1:-1] == [f"  skipped {e}" for e in expected]
    assert lines[-1] == "indexed with fields left empty: no jurisdiction: 1, no date: 1, no items: 0, no effective date: 0"


def _deep_folder(top: Path) -> Path:
    """A folder nested past PATH_MAX: it exists, but no path can name it, so it cannot be listed
    even by root (chmod 000 does not stop root)."""
    fd = os.open(top, os.O_RDONLY)
    depth = 0
    try:
        while depth * 201 < 4200:
            os.mkdir("d" * 200, dir_fd=fd)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, depth = inner, depth + 1
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as stream:
            stream.write(TEXT)
    finally:
        os.close(fd)
    return top / ("d" * 200)


def test_a_folder_that_cannot_be_listed_counts_as_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(TEXT, encoding="utf-8")
    _deep_folder(corpus)
    problems: list[Problem] = []
    assert iter_sources([corpus], problems) == [corpus / "good.txt"]
    assert len(problems) == 1
    assert problems[0].reason == "unreadable folder: File name too long"
    assert problems[0].source.startswith(f"{corpus}/{'d' * 200}/")
    report = ingest([corpus], tmp_path / "index")
    assert report.added == 1
    assert [p.reason for p in report.problems] == ["unreadable folder: File name too long"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list a folder without read permission")
def test_a_folder_without_permission_counts_as_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        problems: list[Problem] = []
        assert iter_sources([tmp_path], problems) == []
        assert [str(p) for p in problems] == [f"{locked}: unreadable folder: Permission denied"]
    finally:
        locked.chmod(0o755)


def test_size_caps_per_format_are_reported(tmp_path: Path) -> None:
    limits = Limits(text_bytes=100, html_bytes=200, jsonl_bytes=10_000, jsonl_line_bytes=300,
                    document_chars=50)
    assert (limits.file_cap(".txt"), limits.file_cap(".html"), limits.file_cap(".pdf")) == (100, 200, 50_000_000)
    assert (limits.file_cap(".jsonl"), limits.line_cap) == (10_000, 300)
    text = tmp_path / "big.txt"
    text.write_text("字" * 40, encoding="utf-8")  # 120 bytes
    assert [str(p) for p in extract_path(text, limits)[1]] == [f"{text}: file too large: 0.0 MB > 0.0001 MB limit"]
    lines = tmp_path / "corpus.jsonl"
    rows = [{"id": "a", "text": "短文"}, {"id": "b", "text": "长" * 60}, {"id": "c", "text": "行" * 200}]
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records, problems = extract_path(lines, limits)
    assert [r.meta["id"] for r in records] == ["a"]
    assert [str(p) for p in problems] == [
        f"{lines}:3: line too large (> 0.0003 MB)",
        f"{lines}:2: document too long: 60 characters > 50 limit",
    ]
    assert [str(p) for p in extract_path(lines, Limits(jsonl_bytes=100))[1]] == [
        f"{lines}: file too large: 0.0 MB > 0.0001 MB limit"
    ]


def test_default_caps_are_explicit() -> None:
    limits = Limits()
    assert (limits.max_bytes, limits.text_bytes, limits.html_bytes) == (50_000_000, 20_000_000, 20_000_000)
    assert (limits.jsonl_bytes, limits.jsonl_line_bytes, limits.document_chars) == (
        4_000_000_000, 16_000_000, 5_000_000)
    assert Limits(max_bytes=1000).line_cap == 1000 and Limits(max_bytes=1000).file_cap(".txt") == 1000
