"""Index faults (checklist R2, R3, R6, R7, R9) and the whole-batch view of hostile files (P1-P10).

Faults are injected at the boundary we do not own: Whoosh's ``FileStorage`` and ``os.rename``
raise ``ENOSPC`` on the Nth call (Lucene's ``TestIndexWriterOnDiskFull`` sweep), and a child
process SIGKILLs itself at an exact point of the commit. Our own code always runs unmodified,
except R2, where one document's parse is made to raise to show the skip-and-report policy.
The checklist map is docs/RELIABILITY.md.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from whoosh.filedb import filestore
from whoosh.index import LockError

from indexer import pipeline
from indexer.cli import cli
from indexer.errors import IndexMissingError, PolicySearchError, RebuildRequiredError
from indexer.models import Document
from indexer.engine import IndexStore
from indexer.engine.store import META_FILE
from indexer.pipeline import index_documents
from fixture_docs import fixture_docs
from paths import ROOT, SEED
from pdfgen import encrypted_pdf, image_only_pdf, render_pdf, truncated_pdf

DISK_FULL = os.strerror(errno.ENOSPC)  # "No space left on device"


@pytest.fixture
def index_ab(tmp_path: Path) -> Path:
    """An index holding the first three fixture documents (one commit, generation 1)."""
    path = tmp_path / "index"
    store = IndexStore.create_or_open(path)
    index_documents(store, fixture_docs()[:3], workers=1)
    store.close()
    return path


def state(index: Path) -> tuple[int, int, int]:
    """(generation, documents, paragraphs) of the last commit, through a fresh reader."""
    store = IndexStore.open(index)
    try:
        st = store.stats()
        return store.ix.latest_generation(), st["documents"], st["paragraphs"]
    finally:
        store.close()


def lock_is_free(index: Path) -> bool:
    store = IndexStore.open(index, readonly=False)
    try:
        store.ix.writer(timeout=0).cancel()
        return True
    except LockError:
        return False
    finally:
        store.close()


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def debris(index: Path) -> list[str]:
    """Files that belong to no commit: everything except the current TOC, its segments, our
    metadata file and Whoosh's lock file (a flock target, not data)."""
    store = IndexStore.open(index)
    try:
        gen = store.ix.latest_generation()
        segments = {f"{s.segment_id()}.seg" for s in store.ix._segments()}
    finally:
        store.close()
    keep = segments | {f"_MAIN_{gen}.toc", META_FILE, "MAIN_WRITELOCK"}
    return sorted(p.name for p in index.iterdir() if p.name not in keep)


def indexed_documents(index: Path) -> list[Document]:
    """Every whole-document record of the last commit, as stored."""
    store = IndexStore.open(index)
    try:
        ids = list(store.snapshot().tables.docs)
        return sorted((store.get_document(i) for i in ids), key=lambda d: d.source)
    finally:
        store.close()


# --- R2: one document fails mid-batch ------------------------------------------------------------


def test_a_document_that_fails_to_parse_is_reported_and_the_rest_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "in"
    sources.mkdir()
    for name, text in [("a.txt", "甲文件正文\n"), ("b.txt", "乙文件正文\n"), ("c.txt", "丙文件正文\n")]:
        (sources / name).write_text(text, encoding="utf-8")
    real_parse = pipeline.parse

    def parse_failing_on_b(extracted, layout):  # type: ignore[no-untyped-def]
        if extracted.source.endswith("b.txt"):
            raise ValueError("unexpected layout")
        return real_parse(extracted, layout)

    monkeypatch.setattr(pipeline, "parse", parse_failing_on_b)
    index = tmp_path / "index"
    result = run_cli("--index", str(index), "ingest", "--no-progress", "--workers", "1", str(sources))
    assert result.exit_code == 0, result.output
    assert f"skipped {sources / 'b.txt'}: could not parse: ValueError: unexpected layout" in result.output
    assert "2 documents" in result.output and "2 added" in result.output and "1 skipped" in result.output
    assert [d.source for d in indexed_documents(index)] == ["in/a.txt", "in/c.txt"]  # relative to what was ingested


def test_an_exception_inside_a_write_cancels_the_whole_batch(index_ab: Path) -> None:
    """Skip-and-report is the pipeline's job; below it, any exception cancels the commit."""
    before = state(index_ab)
    docs = fixture_docs()[3:]

    def stream():  # type: ignore[no-untyped-def]
        yield docs[0]
        yield docs[1]
        raise RuntimeError("reader died on the third document")

    store = IndexStore.open(index_ab, readonly=False)
    with pytest.raises(RuntimeError, match="third document"):
        index_documents(store, stream(), workers=1)
    store.close()
    assert state(index_ab) == before
    assert lock_is_free(index_ab)
    store = IndexStore.open(index_ab, readonly=False)
    assert index_documents(store, docs, workers=1).added == 3
    store.close()
    assert state(index_ab)[1] == 6
    assert debris(index_ab) == []  # the cancelled segment's files are gone too


# --- R3: disk full / I/O error during the commit -------------------------------------------------

def _fail_create_file(monkeypatch: pytest.MonkeyPatch, nth: int) -> dict[str, int]:
    """Make the ``nth`` file Whoosh creates fail with ENOSPC (0: never); returns the call count."""
    real = filestore.FileStorage.create_file
    calls = {"n": 0}

    def create_file(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(errno.ENOSPC, DISK_FULL, name)
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(filestore.FileStorage, "create_file", create_file)
    return calls


def _fail_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def rename(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, DISK_FULL, src)

    monkeypatch.setattr(filestore.os, "rename", rename)


def _files_created_by_one_commit(index: Path, docs: list, tmp_path: Path) -> int:
    """How many files a commit of ``docs`` creates (pool temp file, segment parts, compound
    segment, temporary TOC), counted on a copy, so the sweep follows schema changes."""
    probe = tmp_path / "probe"
    shutil.copytree(index, probe)
    store = IndexStore.open(probe, readonly=False)
    with pytest.MonkeyPatch.context() as patch:
        calls = _fail_create_file(patch, 0)
        index_documents(store, docs, workers=1)
    store.close()
    return calls["n"]


def test_disk_full_at_every_file_of_a_commit_keeps_the_old_generation(
    tmp_path: Path, index_ab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC at the 1st, 2nd, ... Nth file the commit creates, then at the TOC rename: each time
    the error names the cause, the last commit still opens, the lock is free, and the same batch
    goes in once space is back (Lucene's TestIndexWriterOnDiskFull sweep)."""
    batch = fixture_docs()[3:]
    created = _files_created_by_one_commit(index_ab, batch, tmp_path)
    assert created >= 5
    before = state(index_ab)
    assert before[:2] == (1, 3)
    pristine = tmp_path / "pristine"
    shutil.copytree(index_ab, pristine)
    broken: list[str] = []
    for fault in [*range(1, created + 1), "rename"]:
        index = tmp_path / f"fault-{fault}"
        shutil.copytree(pristine, index)
        store = IndexStore.open(index, readonly=False)
        with monkeypatch.context() as patch:
            _fail_rename(patch) if fault == "rename" else _fail_create_file(patch, fault)  # type: ignore[arg-type]
            with pytest.raises((OSError, PolicySearchError), match=DISK_FULL):
                index_documents(store, batch, workers=1)
        store.close()
        if state(index) != before:
            broken.append(f"{fault}: the last commit changed to {state(index)}")
        if not lock_is_free(index):
            broken.append(f"{fault}: the write lock is still held")
            continue
        store = IndexStore.open(index, readonly=False)
        added = index_documents(store, batch, workers=1).added
        store.close()
        if (added, state(index)[1]) != (3, 6) or debris(index):
            broken.append(f"{fault}: retry added {added}, left {debris(index)}")
    assert broken == [], "\n".join(broken)


def test_disk_full_makes_the_ingest_command_fail_with_one_readable_line(
    tmp_path: Path, index_ab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "new.txt"
    source.write_text("新增文件正文\n", encoding="utf-8")
    before = state(index_ab)
    _fail_rename(monkeypatch)
    result = run_cli("--index", str(index_ab), "ingest", "--no-progress", "--workers", "1", str(source))
    monkeypatch.undo()
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # handled, no traceback
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and DISK_FULL in error[0] and str(index_ab) in error[0]
    assert state(index_ab) == before
    assert lock_is_free(index_ab)


# --- R6: orphans of a killed commit --------------------------------------------------------------

KILL_AT = {
    # at the 6th created file: the segment is half written (terms, postings, some columns)
    "mid-segment": ("create_file", 6),
    # at the first rename: the segment and the temporary TOC are complete, the TOC is not live
    "before-toc-rename": ("rename_file", 1),
}


def _ingest_and_die(index: Path, source: Path, where: str) -> subprocess.CompletedProcess:
    """`policysearch ingest` in a child that SIGKILLs itself at ``where`` inside the commit."""
    method, nth = KILL_AT[where]
    script = textwrap.dedent(f"""\
        import os, signal, sys
        from whoosh.filedb import filestore
        real = filestore.FileStorage.{method}
        calls = [0]
        def dying(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == {nth}:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, *args, **kwargs)
        filestore.FileStorage.{method} = dying
        from indexer.cli import main
        sys.argv[0] = "policysearch"
        main()
    """)
    return subprocess.run(
        [sys.executable, "-c", script, "--index", str(index), "ingest", "--no-progress", "--workers", "1",
         str(source)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("where", [
    "mid-segment",
    "before-toc-rename",
])
def test_orphans_of_a_killed_commit_are_removed_by_the_next_commit(tmp_path: Path, index_ab: Path,
                                                                   where: str) -> None:
    source = tmp_path / "new.txt"
    source.write_text("新增文件正文\n", encoding="utf-8")
    before = state(index_ab)
    died = _ingest_and_die(index_ab, source, where)
    assert died.returncode == -9, died.stderr
    assert state(index_ab) == before  # the kill left the last commit intact
    assert debris(index_ab) != []  # and left debris behind
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "--index", str(index_ab), "ingest", "--no-progress", "--workers", "1",
         str(source)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert state(index_ab)[1] == 4
    assert debris(index_ab) == []


# --- R7: an index from another release ----------------------------------------------------------


def test_index_whose_analyzer_module_was_renamed_needs_a_rebuild(index_ab: Path) -> None:
    """The schema is pickled into the TOC with the analyzer's module path; a release that moves
    the analyzer must say "rebuild required", not raise ModuleNotFoundError."""
    for toc in index_ab.glob("_MAIN_*.toc"):
        data = toc.read_bytes()
        assert data.count(b"indexer.engine.tokenizer\nPolicyTokenizer") == 1
        toc.write_bytes(data.replace(b"indexer.engine.tokenizer\n", b"indexer.engine.tokenizez\n"))
    with pytest.raises(RebuildRequiredError, match=r"^rebuild required: index .* cannot be read "
                                                   r"\(ModuleNotFoundError: No module named 'indexer.engine.tokenizez'\)"):
        IndexStore.open(index_ab)
    result = run_cli("--index", str(index_ab), "search", "就业")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith(f"Error: rebuild required: index {index_ab} cannot be read")


@pytest.mark.parametrize("key, value", [("format_version", 0), ("dictionary_version", "0000")])
def test_index_from_another_version_says_rebuild_on_every_command(index_ab: Path, key: str, value) -> None:  # type: ignore[no-untyped-def]
    meta_path = index_ab / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, key: value}), encoding="utf-8")
    for command in (["search", "就业"], ["stats"], ["ingest", "--no-progress", str(SEED)]):
        result = run_cli("--index", str(index_ab), *command)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), command
        assert result.output.startswith(f"Error: rebuild required: index {index_ab} has {key} {value!r}"), result.output


def test_the_advice_in_the_rebuild_message_works(index_ab: Path) -> None:
    meta_path = index_ab / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "format_version": 0}), encoding="utf-8")
    refused = run_cli("--index", str(index_ab), "stats")
    assert "ingest --rebuild" in refused.output
    result = run_cli("--index", str(index_ab), "ingest", "--no-progress", "--rebuild", str(SEED))
    assert result.exit_code == 0, result.output
    assert state(index_ab)[1] == 1


# --- R9: not an index, or a damaged one ---------------------------------------------------------


def test_truncated_toc_is_a_clear_error_on_the_command_line(index_ab: Path) -> None:
    for toc in index_ab.glob("_MAIN_*.toc"):
        toc.write_bytes(toc.read_bytes()[:40])
    for command in (["search", "就业"], ["stats"]):
        result = run_cli("--index", str(index_ab), *command)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert result.output.startswith(f"Error: rebuild required: index {index_ab} cannot be read ("), result.output


def test_folders_that_are_not_indexes_are_refused_and_left_alone(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    search = run_cli("--index", str(photos), "search", "就业")
    assert search.exit_code == 1
    assert search.output == (f"Error: no index at {photos}; build one with "
                             f"`policysearch --index {photos} ingest <files>`\n")
    ingest = run_cli("--index", str(photos), "ingest", "--no-progress", str(SEED))
    assert ingest.exit_code == 1
    assert ingest.output == (f"Error: rebuild required: {photos} holds files that are not a policysearch "
                             "index; choose an empty or new folder\n")
    assert sorted(p.name for p in photos.iterdir()) == ["holiday.jpg"]
    with pytest.raises(IndexMissingError):
        IndexStore.open(photos)


def test_index_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "index.txt"
    target.write_text("x", encoding="utf-8")
    for command in (["ingest", "--no-progress", str(SEED)], ["search", "就业"]):
        result = run_cli("--index", str(target), *command)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
        assert f"Error: Invalid value for '--index': Directory '{target}' is a file." in result.output
    assert target.read_text(encoding="utf-8") == "x"


# --- P1-P10 at batch level: one ingest, every kind of bad file, the good ones indexed ------------


def test_one_ingest_reports_each_hostile_file_and_indexes_the_rest(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data"
    batch = tmp_path / "batch"
    batch.mkdir()
    render_pdf([["会议议定以下意见：", "同意有关方案。"]], batch / "a-good.pdf")
    truncated_pdf(batch / "b-truncated.pdf")
    (batch / "c-not-a.pdf").write_bytes(b"<html>this is not a PDF</html>")
    encrypted_pdf(batch / "d-encrypted.pdf")
    image_only_pdf(batch / "e-scanned.pdf")
    (batch / "f-gb18030.txt").write_bytes((data / "text" / "gb18030.txt").read_bytes())
    (batch / "g-invalid.txt").write_bytes((data / "text" / "invalid-bytes.txt").read_bytes())
    (batch / "h-script.html").write_text(
        '<html><head><meta charset="utf-8"><title>通知</title><script>alert(1)</script></head>'
        '<body><p onclick="alert(2)">关于做好安全生产工作的通知正文。</p></body></html>', encoding="utf-8")
    (batch / "i-lines.jsonl").write_bytes(
        json.dumps({"id": "ok-1", "kind": "policy", "title": "有效记录", "text": "有效正文"}, ensure_ascii=False).encode()
        + b'\n{"id": "bad", "text": "unterminated\n["a list"]\n')
    (batch / "j-empty.pdf").write_bytes(b"")
    index = tmp_path / "index"
    result = run_cli("--index", str(index), "ingest", "--no-progress", "--workers", "1", str(batch))
    assert result.exit_code == 0, result.output
    skipped = sorted(line.strip()[len("skipped "):].replace(str(batch) + "/", "")
                     for line in result.output.splitlines() if line.strip().startswith("skipped "))
    assert skipped == [
        "b-truncated.pdf: truncated or damaged PDF",
        "c-not-a.pdf: not a PDF",
        "d-encrypted.pdf: encrypted PDF (password required)",
        "e-scanned.pdf: no text layer (scanned or image-only PDF)",
        "g-invalid.txt: cannot decode text: not UTF-8 (invalid byte at offset 107) and no other encoding fits",
        "i-lines.jsonl:2: invalid JSON: Unterminated string starting at (column 23)",
        "i-lines.jsonl:3: not a JSON object (got list)",
        "j-empty.pdf: not a PDF",
    ]
    docs = indexed_documents(index)
    assert [Path(d.source).name for d in docs] == ["a-good.pdf", "f-gb18030.txt", "h-script.html", "i-lines.jsonl#L1"]
    # no script text; the page's <title> is the title, the sentence stays body text
    assert [(p.role, p.text) for p in docs[2].paragraphs] == [("title", "通知"), ("body", "关于做好安全生产工作的通知正文。")]
