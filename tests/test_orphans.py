"""Orphan files of failed and killed commits (issue 12 §5): ``indexer.engine.orphans`` and
``policysearch doctor``.

Real indexes in ``tmp_path``: leftovers are planted (a copy of a live segment under a new id, an
old and a temporary TOC, a sub-writer's ``.tmp`` folder), or made for real by a commit that runs
out of space (ENOSPC from Whoosh's ``FileStorage``) or a child SIGKILLed in the middle of one.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage

from indexer.cli import cli
from indexer.errors import IndexLockedError, PolicySearchError
from indexer.engine.orphans import classify, clean, find_orphans, lock_is_held
from indexer.engine import IndexStore
from indexer.pipeline import index_documents
from fixture_docs import fixture_docs
from paths import ROOT
from test_reliability import _fail_create_file, _ingest_and_die, debris, index_ab, state  # noqa: F401

LIVE = {"MAIN_abc", "MAIN_def"}


def test_classify_names_each_kind_of_orphan() -> None:
    names = ["_MAIN_7.toc", "_MAIN_6.toc", "_MAIN_8.toc.1700000000.5", "MAIN_abc.seg", "MAIN_def.seg",
             "MAIN_zzz.seg", "MAIN_zzz.trm", "MAIN_WRITELOCK", "x1y2.tmp", "policysearch.json", ".hidden.tmp"]
    assert classify(names, 7, LIVE) == {
        "_MAIN_6.toc": "TOC of old generation 6",
        "_MAIN_8.toc.1700000000.5": "temporary TOC of an unfinished commit",
        "MAIN_zzz.seg": "segment file not referenced by the current TOC",
        "MAIN_zzz.trm": "segment file not referenced by the current TOC",
        "x1y2.tmp": "temporary folder of an unfinished commit",
    }


def _plant(index: Path) -> list[str]:
    live = sorted(index.glob("MAIN_*.seg"))[0]
    shutil.copy(live, index / "MAIN_0rphan0000000000.seg")
    (index / "_MAIN_0.toc").write_bytes(b"old")
    (index / "_MAIN_9.toc.1764000000.25").write_bytes(b"half a toc")
    (index / "k3j4h5.tmp").mkdir()
    (index / "k3j4h5.tmp" / "MAIN_sub.seg").write_bytes(b"x" * 1000)
    return ["MAIN_0rphan0000000000.seg", "_MAIN_0.toc", "_MAIN_9.toc.1764000000.25", "k3j4h5.tmp"]


def test_planted_leftovers_are_found_and_removed_and_the_index_is_unchanged(index_ab: Path) -> None:
    before = state(index_ab)
    planted = _plant(index_ab)
    report = find_orphans(index_ab)
    assert report.generation == before[0]
    assert sorted(o.name for o in report.orphans) == sorted(planted)
    assert next(o for o in report.orphans if o.name == "k3j4h5.tmp").bytes == 1000
    assert sorted(debris(index_ab)) != []
    fixed = clean(index_ab)
    assert sorted(o.name for o in fixed.removed) == sorted(planted) and fixed.failed == []
    assert find_orphans(index_ab).orphans == []
    assert debris(index_ab) == []
    assert state(index_ab) == before


def test_a_commit_that_ran_out_of_space_removes_what_it_wrote(
    index_ab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer deletes its partial files itself, still holding the lock: on a full disk they
    hold the space the retry needs (the killed-commit case below is for ``doctor``)."""
    before = state(index_ab)
    _fail_create_file(monkeypatch, 4)  # the segment's 4th file: three partial files were on disk
    store = IndexStore.open(index_ab, readonly=False)
    with pytest.raises(PolicySearchError, match="No space left on device"):
        index_documents(store, fixture_docs()[3:], workers=1)
    store.close()
    monkeypatch.undo()
    assert find_orphans(index_ab).orphans == []
    assert debris(index_ab) == [] and state(index_ab) == before
    retry = IndexStore.open(index_ab, readonly=False)
    assert index_documents(retry, fixture_docs()[3:], workers=1).added == len(fixture_docs()[3:])
    retry.close()


@pytest.mark.parametrize("where", ["mid-segment", "before-toc-rename"])
def test_doctor_reports_then_removes_the_files_of_a_killed_commit(tmp_path: Path, index_ab: Path, where: str) -> None:
    source = tmp_path / "new.txt"
    source.write_text("新增文件正文\n", encoding="utf-8")
    before = state(index_ab)
    assert _ingest_and_die(index_ab, source, where).returncode == -9
    left = debris(index_ab)
    assert left
    report = subprocess.run([sys.executable, "-m", "indexer", "--index", str(index_ab), "doctor"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert report.returncode == 1
    assert sorted(line.split()[1].rstrip(":") for line in report.stdout.splitlines()[1:]) == sorted(left)
    assert "run `policysearch doctor --fix` to remove them" in report.stderr
    assert debris(index_ab) == left  # a report removes nothing
    fixed = subprocess.run([sys.executable, "-m", "indexer", "--index", str(index_ab), "doctor", "--fix"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert fixed.returncode == 0, fixed.stderr
    assert all(line.startswith("  removed ") for line in fixed.stdout.splitlines()[1:])
    assert debris(index_ab) == [] and state(index_ab) == before


def test_nothing_is_touched_while_an_ingest_holds_the_lock(index_ab: Path) -> None:
    planted = _plant(index_ab)
    lock = FileStorage(str(index_ab)).lock("MAIN_WRITELOCK")
    assert lock.acquire(blocking=False)
    try:
        assert lock_is_held(index_ab)
        with pytest.raises(IndexLockedError):
            clean(index_ab)
        result = CliRunner().invoke(cli, ["--index", str(index_ab), "doctor", "--fix"])
        assert result.exit_code == 1
        assert "index is locked by another process" in result.output
        assert all((index_ab / name).exists() for name in planted)
    finally:
        lock.release()
    assert not lock_is_held(index_ab)
    assert (index_ab / "MAIN_WRITELOCK").exists()  # the flock target itself is never removed


def test_an_unreadable_toc_or_a_foreign_folder_is_refused(index_ab: Path, tmp_path: Path) -> None:
    planted = _plant(index_ab)
    toc = next(index_ab.glob("_MAIN_1.toc"))
    toc.write_bytes(toc.read_bytes()[:40])
    with pytest.raises(PolicySearchError, match="cannot read the current TOC .*; nothing removed"):
        clean(index_ab)
    assert all((index_ab / name).exists() for name in planted)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "MAIN_x.seg").write_bytes(b"mine")
    with pytest.raises(PolicySearchError, match="is not an index folder"):
        clean(foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["MAIN_x.seg"]  # no lock file created


def test_ingest_cleans_leftovers_first_and_after_its_own_failed_commit(
    tmp_path: Path, index_ab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.pipeline import ingest

    planted = _plant(index_ab)
    source = tmp_path / "new.txt"
    source.write_text("新增文件正文\n", encoding="utf-8")
    before = state(index_ab)
    _fail_create_file(monkeypatch, 4)
    with pytest.raises(PolicySearchError, match="No space left on device"):
        ingest([source], index_ab, workers=1)
    monkeypatch.undo()
    assert debris(index_ab) == [] and state(index_ab) == before  # planted and partial files gone
    _plant(index_ab)
    report = ingest([source], index_ab, workers=1)
    assert (report.added, report.orphans_removed) == (1, len(planted))
    assert "  removed 4 orphan file(s) of an earlier failed commit" in report.summary()
    assert debris(index_ab) == []


def test_remove_command_cleans_leftovers_before_it_commits(index_ab: Path) -> None:
    planted = _plant(index_ab)
    doc_id = fixture_docs()[0].doc_id
    result = CliRunner().invoke(cli, ["--index", str(index_ab), "remove", doc_id])
    assert result.exit_code == 0, result.output
    assert "removed 1 document(s)" in result.output
    assert not any((index_ab / name).exists() for name in planted)
    assert debris(index_ab) == [] and state(index_ab)[1] == 2
