"""R1/R6: an ingest killed with SIGKILL at random moments never leaves a half-written index.

Lucene's and SQLite's crash tests have the same shape: kill at a random point, reopen, assert the
index opens and holds the state before the batch or after it, never a mix, and that the next
writer gets the lock and converges.
"""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.engine import IndexStore

from paths import CORPUS, ROOT

pytestmark = pytest.mark.slow

BATCH_A = CORPUS / "policy-govcn-platform1.jsonl"  # 60 documents
BATCH_B = CORPUS / "laws-lawrefbook-sample.jsonl"  # 300 documents


def _ingest_cmd(index: Path, *paths: Path) -> list[str]:
    return [sys.executable, "-m", "indexer", "--index", str(index), "ingest", "--no-progress",
            "--lock-timeout", "5", *map(str, paths)]


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _state(index: Path) -> tuple[int, int]:
    """(documents, paragraph records) of the committed index; a duplicate or a partial
    document changes the paragraph count."""
    st = IndexStore.open(index).stats()
    return st["documents"], st["paragraphs"]


def test_sigkill_during_ingest_keeps_old_or_new_state(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert _run(_ingest_cmd(index, BATCH_A)).returncode == 0
    before = _state(index)
    assert before[0] == 60

    # How long an uninterrupted run of batch B takes, to aim the kills over its whole span.
    full = tmp_path / "full"
    assert _run(_ingest_cmd(full, BATCH_A)).returncode == 0
    t0 = time.monotonic()
    assert _run(_ingest_cmd(full, BATCH_A, BATCH_B)).returncode == 0
    span = time.monotonic() - t0
    after = _state(full)
    assert after[0] == 360

    pristine = tmp_path / "pristine"
    shutil.copytree(index, pristine)
    rng = random.Random(1234)
    outcomes = {"old": 0, "new": 0}
    for round_ in range(20):
        victim = tmp_path / f"round{round_}"
        shutil.copytree(pristine, victim)
        proc = subprocess.Popen(_ingest_cmd(victim, BATCH_A, BATCH_B), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, span * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(victim)
        assert state in (before, after), f"round {round_}: index holds a mix {state} (before {before}, after {after})"
        outcomes["old" if state == before else "new"] += 1
        # The next writer gets the lock at once (flock dies with the process) and converges.
        done = _run(_ingest_cmd(victim, BATCH_A, BATCH_B))
        assert done.returncode == 0, done.stderr
        assert _state(victim) == after
        assert not [p.name for p in victim.iterdir() if p.name.endswith(".tmp")]
        shutil.rmtree(victim)
    assert outcomes["old"] >= 5, outcomes  # most kills land before the commit
