"""Load: 60 s on loopback, 8 concurrent clients (locust), 0 errors, server memory steady."""
from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from paths import CORPUS, ROOT
from liveserver import live_server

pytestmark = pytest.mark.slow

DURATION = 60


def test_sixty_seconds_of_eight_clients(tmp_path: Path) -> None:
    index = tmp_path / "index"
    subprocess.run([sys.executable, "-m", "indexer", "--index", str(index), "ingest", "--no-progress",
                    str(CORPUS)], cwd=ROOT, check=True, capture_output=True)
    samples: list[tuple[float, float]] = []  # (seconds since start, RSS MB)
    with live_server(index) as server:
        proc = psutil.Process(server.proc.pid)
        stop = threading.Event()
        t0 = time.monotonic()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append((time.monotonic() - t0, proc.memory_info().rss / 2**20))

        sampler = threading.Thread(target=sample)
        sampler.start()
        prefix = tmp_path / "locust"
        run = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "tests" / "locustfile.py"), "--headless",
             "-u", "8", "-r", "8", "-t", f"{DURATION}s", "--host", server.url, "--csv", str(prefix),
             "--only-summary", "--stop-timeout", "5"],
            cwd=tmp_path, capture_output=True, text=True, timeout=DURATION + 120,
        )
        stop.set()
        sampler.join()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        total = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    assert requests > 500, run.stdout[-2000:] + run.stderr[-2000:]
    assert failures == 0, Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    first = [rss for t, rss in samples if t <= 10]
    last = [rss for t, rss in samples if t >= samples[-1][0] - 10]
    growth = max(last) / max(first) - 1
    assert growth < 0.10, f"server RSS grew {growth:.0%}: {samples}"
