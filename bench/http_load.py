"""The server under load: cold start of ``policysearch serve``, then N concurrent clients for a
fixed time (stdlib ``http.client`` in threads), with the server's RSS sampled meanwhile."""
from __future__ import annotations

import http.client
import logging
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.latency import LatencyStats, summarize
from bench.queries import extra_filter

log = logging.getLogger(__name__)

HOST = "127.0.0.1"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latency: LatencyStats
    by_kind: dict[str, LatencyStats]  # request_kind -> latency, to show where the tail comes from
    peak_rss_mb: float
    error_samples: tuple[str, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def serve_command(index_dir: Path, port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "indexer", "--index", str(index_dir), "serve", "--host", HOST, "--port", str(port),
            *options]


def _get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(
    command: Sequence[str], port: int, probe_path: str, log_path: Path, timeout: float = 60.0
) -> tuple[subprocess.Popen, float]:
    """Spawn the server and poll ``probe_path`` until it answers 200: process start to first
    answered query (the cold start the issue asks for). Its output goes to ``log_path``: a pipe
    nobody reads would block a chatty server once the pipe buffer is full."""
    with log_path.open("ab") as server_log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=server_log, stderr=subprocess.STDOUT)
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {proc.returncode}; end of {log_path}:\n{tail}")
        try:
            status, _ = _get(port, probe_path, timeout=5.0)
            if status == 200:
                return proc, time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.02)
    stop_server(proc)
    raise RuntimeError(f"server did not answer {probe_path} within {timeout:g} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def request_mix(queries: Sequence[str], doc_ids: Sequence[str]) -> list[str]:
    """What a person does: JSON searches, search pages (facets, snippets), filtered searches and
    document pages, interleaved."""
    paths = []
    for i, typed in enumerate(queries):
        q = urllib.parse.quote(typed)
        extra = extra_filter(i)
        paths.append(f"/api/search?q={q}")
        paths.append(f"/?q={q}")
        paths.append(f"/api/search?q={q}&year_from={extra.year_from}&year_to={extra.year_to}")
        if doc_ids:
            paths.append(f"/doc/{urllib.parse.quote(doc_ids[i % len(doc_ids)])}")
    return paths


def request_kind(path: str) -> str:
    if path.startswith("/doc/"):
        return "document page"
    if path.startswith("/api/search"):
        return "API search, year filter" if "year_from=" in path else "API search"
    return "search page"


def _rss_mb(proc: psutil.Process) -> float:
    try:
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 1e6
    except psutil.Error:
        return 0.0


def run_load(port: int, paths: Sequence[str], clients: int, seconds: float, server_pid: int | None = None) -> LoadResult:
    """``clients`` threads each cycle through ``paths`` (from different offsets) for ``seconds``.
    An error is any non-200 answer, a timeout or a broken connection."""
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    stop = threading.Event()
    peak = [0.0]

    def client(offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                status, _ = _get(port, path, timeout=30.0)
                failure = None if status == 200 else f"{status} {path}"
            except OSError as exc:
                failure = f"{type(exc).__name__} {path}"
            elapsed = (time.perf_counter() - start) * 1000.0
            with lock:
                latencies.append((path, elapsed))
                if failure:
                    errors.append(failure)

    def sample_rss() -> None:
        proc = psutil.Process(server_pid)
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb(proc))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample_rss, daemon=True) if server_pid else None
    if sampler:
        sampler.start()
    threads = [threading.Thread(target=client, args=(n * len(paths) // clients,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    stop.set()
    if sampler:
        sampler.join()
    for failure in errors[:5]:
        log.warning("HTTP error: %s", failure)
    by_kind: dict[str, list[float]] = {}
    for path, ms in latencies:
        by_kind.setdefault(request_kind(path), []).append(ms)
    return LoadResult(
        requests=len(latencies),
        errors=len(errors),
        seconds=elapsed,
        latency=summarize([ms for _, ms in latencies]),
        by_kind={kind: summarize(values) for kind, values in sorted(by_kind.items())},
        peak_rss_mb=peak[0],
        error_samples=tuple(errors[:5]),
    )
