"""A running reader survives commits and segment merges made by another process (issue: the
per-thread searcher refresh raised ``ReaderClosed`` when a commit deleted index files, and that
thread then failed every request until a restart).

Reader threads search and fetch documents while a second process commits many small batches;
Whoosh merges small segments on commit, so files are deleted under the readers all the time.
Every answer must be consistent with one generation: commit *k* adds document ``d-k`` and
replaces the ``marker`` document with one that says ``第 k 批``; a search sorted newest-first
sees the marker of its own generation first and exactly ``k + 2`` paragraphs (d-0 … d-k, marker).
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents
from indexer.query import SearchParams, search
from indexer.engine import IndexStore

from paths import ROOT

WRITER = r'''
import sys
from indexer.models import Document, Paragraph
from indexer.engine import IndexStore
from indexer.pipeline import index_documents

path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = IndexStore.create_or_open(path)
for k in range(first, last + 1):
    docs = [
        Document(doc_id="marker", kind="policy", title="批次标记", date="2030-01-01", sha1=f"m{k}",
                 paragraphs=[Paragraph("p1", f"测试文档 第 {k} 批")]),
        Document(doc_id=f"d-{k}", kind="policy", title=f"文档{k}", date="2001-01-01", sha1=f"d{k}",
                 paragraphs=[Paragraph("p1", "测试文档 内容")]),
    ]
    index_documents(store, docs, workers=1)
    print(k, flush=True)
store.close()
'''


def _start_writer(path: Path, first: int, last: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(first), str(last)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _hammer(store: IndexStore, done: threading.Event, errors: list[str], seen: list[int]) -> None:
    while not done.is_set():
        try:
            result = search(store, SearchParams(q="测试文档", sort="newest", per_page=3))
            first = result["hits"][0]
            k = int(re.search(r"第 (\d+) 批", first["text"]).group(1))
            if result["total"] != k + 2:
                errors.append(f"total {result['total']} with marker {k}: two generations in one answer")
            seen.append(k)
            doc = store.get_document(f"d-{k}")
            if doc is None or doc.paragraphs[0].text != "测试文档 内容":
                errors.append(f"d-{k} missing after marker {k} was seen")
        except Exception as exc:  # any failure of a reader counts
            errors.append(f"{type(exc).__name__}: {exc}")


def _run(tmp_path: Path, commits: int, readers: int) -> None:
    path = tmp_path / "index"
    seeded = _start_writer(path, 0, 0)
    assert seeded.wait(timeout=120) == 0, seeded.stderr.read()
    store = IndexStore.open(path)
    writer = _start_writer(path, 1, commits)
    done = threading.Event()
    errors: list[str] = []
    seen: list[int] = []
    threads = [threading.Thread(target=_hammer, args=(store, done, errors, seen)) for _ in range(readers)]
    for t in threads:
        t.start()
    try:
        out, err = writer.communicate(timeout=600)
    finally:
        done.set()
        for t in threads:
            t.join()
    assert writer.returncode == 0, err
    assert not errors, errors[:5]
    assert len(set(seen)) > 1, "the readers never saw a commit land"
    # after the last commit every reader sees it
    result = search(store, SearchParams(q="测试文档", sort="newest", per_page=1))
    assert result["total"] == commits + 2
    assert f"第 {commits} 批" in result["hits"][0]["text"]
    store.close()


def test_readers_survive_commits_and_merges(tmp_path: Path) -> None:
    _run(tmp_path, commits=40, readers=3)


@pytest.mark.slow
def test_readers_survive_hundreds_of_commits_and_merges(tmp_path: Path) -> None:
    _run(tmp_path, commits=300, readers=4)
