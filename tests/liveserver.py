"""Start the real `policysearch serve` in a subprocess on a free loopback port."""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    proc: subprocess.Popen

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            # Chinese query text must be percent-encoded; reserved characters stay as written.
            with urllib.request.urlopen(self.url + quote(path, safe="/?&=%:#+"), timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get_json(self, path: str) -> tuple[int, dict]:
        status, body = self.get(path)
        return status, json.loads(body)


@contextlib.contextmanager
def live_server(index_dir: Path, threads: int = 8, ready_timeout: float = 60.0,
                extra: tuple[str, ...] = ()) -> Iterator[LiveServer]:
    """Yield a running server (``extra``: more ``serve`` options); terminated and waited for on exit."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # a pipe nobody reads could fill and block the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "--index", str(index_dir), "serve", "--port", str(port),
         "--workers", str(threads), *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", proc)
    deadline = time.monotonic() + ready_timeout
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited with {proc.returncode}: {log.read()}")
            try:
                if server.get("/api/search?q=test", timeout=5)[0] in (200, 400):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer within %.0f s" % ready_timeout)
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
