"""R4/R5: a second ingest waits for the lock, then fails clearly; searches during an ingest and
its commit see the old or the new state, and a running server picks up the commit."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer.engine import IndexStore

from paths import CORPUS, ROOT
from liveserver import live_server

BATCH_A = CORPUS / "policy-govcn-platform1.jsonl"
BATCH_B = CORPUS / "laws-lawrefbook-sample.jsonl"


def _ingest(index: Path, *paths: Path, timeout: float = 30.0) -> list[str]:
    return [sys.executable, "-m", "indexer", "--index", str(index), "ingest", "--no-progress",
            "--lock-timeout", str(timeout), *map(str, paths)]


def _wait_for_writer(index: Path, writer: subprocess.Popen[str], timeout: float = 60.0) -> None:
    """Until ``writer`` holds the index's write lock (polled without blocking it: a lock we take
    is released at once, and the writer retries for its lock timeout)."""
    lock = IndexStore.open(index).ix.lock("WRITELOCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and writer.poll() is None:
        if not lock.acquire(blocking=False):
            return
        lock.release()
        time.sleep(0.01)
    raise AssertionError("the first ingest never took the write lock")


@pytest.fixture
def index_a(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    subprocess.run(_ingest(index, BATCH_A), cwd=ROOT, check=True, capture_output=True)
    return index


def test_second_ingest_waits_then_fails_with_clear_message(index_a: Path) -> None:
    first = subprocess.Popen(_ingest(index_a, BATCH_B), cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_writer(index_a, first)  # the first ingest holds the lock while it parses and writes
        t0 = time.monotonic()
        second = subprocess.run(_ingest(index_a, CORPUS / "suzhou-120th-executive-meeting-2020-12-07.txt",
                                         timeout=1.0), cwd=ROOT, capture_output=True, text=True)
        waited = time.monotonic() - t0
    finally:
        out, err = first.communicate(timeout=600)
    assert second.returncode != 0
    assert "index is locked by another process" in second.stderr
    assert "Traceback" not in second.stderr
    assert waited >= 1.0
    assert first.returncode == 0, err
    assert IndexStore.open(index_a).stats()["documents"] == 360


@pytest.mark.slow
def test_searches_during_ingest_see_old_or_new_state(index_a: Path) -> None:
    with live_server(index_a) as server:
        status, body = server.get_json("/api/search?q=国务院&per_page=1")
        assert status == 200
        old_total = body["total"]
        errors: list[str] = []
        totals: set[int] = set()
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                try:
                    status, body = server.get_json("/api/search?q=国务院&per_page=5")
                    if status != 200:
                        errors.append(f"HTTP {status}")
                    else:
                        totals.add(body["total"])
                except Exception as exc:  # any transport error counts as a failure
                    errors.append(repr(exc))

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            subprocess.run(_ingest(index_a, BATCH_A, BATCH_B), cwd=ROOT, check=True, capture_output=True)
            time.sleep(2.0)  # let the server notice the new commit
        finally:
            stop.set()
            for t in threads:
                t.join()
        status, body = server.get_json("/api/search?q=国务院&per_page=1")
        new_total = body["total"]
    assert not errors, errors[:5]
    assert new_total > old_total  # the running server picked up the commit without a restart
    assert totals <= {old_total, new_total}, totals
