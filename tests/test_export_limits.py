"""Exports cannot starve interactive searches (issue 12 §6): at most ``EXPORT_SLOTS`` exports run
at once (more are a 503 with ``Retry-After``), each stops at ``EXPORT_SECONDS``, and every
incomplete export says so in its last row.

In-process tests use the shipped corpus (34,000 paragraphs, more than the 10,000-row cap); the
last test runs the real ``policysearch serve`` with heavy exports over that index. No fixed
sleeps: each step waits on a state (an answer, a slot taken) with a bound that only limits a
failure.
"""
from __future__ import annotations

import csv
import http.client
import io
import json
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from indexer.engine import IndexStore
from liveserver import live_server
from webui import create_app
from webui.api import CSV_COLUMNS
from webui.exports import ExportGate, slots_for

HEAVY_QUERY = "国务院 OR 规定 OR 管理 OR 工作 OR 部门 OR 国家 OR 人民政府 OR 有关"  # 10,000 rows, seconds each


def _app(index: Path, **config: object) -> Flask:
    return create_app({"INDEX_DIR": str(index), "TESTING": True, "WARM_LIFECYCLE": False, **config})


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _paragraphs(index: Path) -> int:
    store = IndexStore.open(index)
    try:
        return int(store.stats()["paragraphs"])
    finally:
        store.close()


@pytest.fixture(scope="module")
def app(corpus_index: Path) -> Flask:
    return _app(corpus_index)


def test_an_export_over_the_row_cap_says_so_in_its_headers_and_last_row(app: Flask, corpus_index: Path) -> None:
    total = _paragraphs(corpus_index)
    assert total > 10_000
    response = app.test_client().get("/api/search.csv?group=para")
    assert response.status_code == 200
    assert response.headers["X-Policysearch-Total"] == str(total)
    assert response.headers["X-Policysearch-Truncated"] == "rows"
    rows = _rows(response.data)
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + 10_000 + 1
    assert all(len(r) == len(CSV_COLUMNS) for r in rows[1:-1])
    assert rows[-1] == [f"# 导出不完整：共 {total} 条结果，导出上限 10000 条，本文件只含前 10000 条。"]
    # the note is a line of its own that starts with "#", never quoted, so CSV readers can skip it
    assert response.data.decode("utf-8").endswith(f"\r\n# 导出不完整：共 {total} 条结果，导出上限 10000 条，本文件只含前 10000 条。\r\n")


def test_a_complete_export_has_no_note(app: Flask) -> None:
    response = app.test_client().get("/api/search.csv?q=安全生产&group=para")
    rows = _rows(response.data)
    assert "X-Policysearch-Truncated" not in response.headers
    assert response.headers["X-Policysearch-Total"] == str(len(rows) - 1)
    assert len(rows) > 10 and all(len(r) == len(CSV_COLUMNS) and not r[0].startswith("#") for r in rows[1:])


def test_exports_stop_at_their_time_budget_and_say_so(corpus_index: Path) -> None:
    client = _app(corpus_index, EXPORT_SECONDS=0).test_client()
    response = client.get("/api/search.csv?q=安全")  # grouped: one row per document
    total = int(response.headers["X-Policysearch-Total"])
    assert total > 100
    assert _rows(response.data) == [
        list(CSV_COLUMNS),
        [f"# 导出不完整：已达导出时限 0 秒，本文件只含前 0 条结果（共 {total} 条）。请缩小检索范围后再导出。"],
    ]
    decisions = client.get("/api/decisions.csv")
    total = int(decisions.headers["X-Policysearch-Total"])
    assert total > 0
    assert _rows(decisions.data)[1:] == [
        [f"# 导出不完整：已达导出时限 0 秒，本文件只含前 0 条结果（共 {total} 条）。请缩小检索范围后再导出。"]]
    # an export with nothing to write is complete, whatever the clock says
    empty = client.get("/api/search.csv?q=安全&year=1900")
    assert empty.headers["X-Policysearch-Total"] == "0"
    assert _rows(empty.data) == [list(CSV_COLUMNS)]


def test_an_export_over_the_slots_is_refused_and_searches_still_answer(corpus_index: Path) -> None:
    app = _app(corpus_index, EXPORT_SLOTS=1)
    client = app.test_client()
    running = client.get("/api/search.csv?group=para")  # ranked and holding its slot, body not yet read
    assert running.status_code == 200
    refused = client.get("/api/search.csv?q=安全")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "10"
    assert refused.get_json() == {"error": "导出繁忙：同时最多进行 1 个导出，请约 10 秒后再试。检索不受影响。"}
    assert client.get("/api/decisions.csv").status_code == 503  # one gate for every export
    assert client.get("/api/search?q=安全生产").get_json()["total"] > 0
    assert client.get("/search.atom?q=安全生产").status_code == 200  # the feed is a search, not an export
    # a bad request is a 400, busy or not
    assert client.get("/api/search.csv?sort=random").status_code == 400
    running.close()  # the client went away before reading: the slot is free again
    assert client.get("/api/search.csv?q=安全").status_code == 200
    # a request that fails after taking the slot (no searchable words) gives it back
    assert client.get("/api/search.csv?q=，。").status_code == 400
    read = client.get("/api/search.csv?q=安全")
    assert read.status_code == 200 and len(_rows(read.data)) > 100  # read to the end: released
    assert client.get("/api/decisions.csv").status_code == 200


def test_gate_settings() -> None:
    assert [slots_for(n) for n in (1, 2, 4, 8, 16)] == [1, 1, 1, 2, 4]
    gate = ExportGate(2, 30)
    first, second = gate.enter(), gate.enter()
    assert first is not None and second is not None and gate.enter() is None
    first.release()
    first.release()  # released once, however often it is called
    third = gate.enter()
    assert third is not None and gate.enter() is None
    assert gate.retry_after == 10 and ExportGate(1, 3).retry_after == 3 and ExportGate(1, 0).retry_after == 1
    with pytest.raises(ValueError):
        ExportGate(0)


def _export_request(address: tuple[str, int], path: str) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection(*address, timeout=120)
    conn.request("GET", path)
    return conn


def test_searches_answer_while_heavy_exports_run_on_the_real_server(corpus_index: Path) -> None:
    """Four heavy exports at once on a server with four threads and two export slots: two run,
    two are refused at once, and a search is answered while the two still run (a fifth export,
    asked after the search, is still refused). The running ones stop at their 5 s budget and say so.

    Without the gate the four exports held every thread and the search waited for one of them
    (each takes well over 5 s on this index: 10,000 rows with snippets of eight words)."""
    path = "/api/search.csv?group=para&q=" + quote(HEAVY_QUERY)
    with live_server(corpus_index, threads=4, extra=("--export-slots", "2", "--export-seconds", "5")) as live:
        host, port = live.url.removeprefix("http://").split(":")
        address = (host, int(port))
        answers: dict[int, tuple[int, dict[str, str], bytes]] = {}
        finished = {n: threading.Event() for n in range(4)}
        changed = threading.Condition()

        def run(n: int) -> None:
            conn = _export_request(address, path)
            try:
                response = conn.getresponse()
                headers = dict(response.getheaders())
                with changed:
                    answers[n] = (response.status, headers, b"")
                    changed.notify_all()
                body = response.read()
                with changed:
                    answers[n] = (response.status, headers, body)
            finally:
                conn.close()
                finished[n].set()

        threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(4)]
        for t in threads:
            t.start()
        with changed:  # the refusals come at once; the running exports answer after ranking
            assert changed.wait_for(lambda: sum(a[0] == 503 for a in answers.values()) == 2, timeout=60)
        status, result = live.get_json("/api/search?q=" + quote("安全生产"))
        assert status == 200 and result["total"] > 0
        fifth = _export_request(address, path)
        refused = fifth.getresponse()
        assert refused.status == 503, "the two exports should still hold their slots after the search"
        assert refused.getheader("Retry-After") == "5"
        assert json.loads(refused.read()) == {"error": "导出繁忙：同时最多进行 2 个导出，请约 5 秒后再试。检索不受影响。"}
        fifth.close()
        with changed:
            running = [n for n in range(4) if answers.get(n, (0,))[0] != 503]
        assert len(running) == 2 and not any(finished[n].is_set() for n in running)
        for t in threads:
            t.join(timeout=120)
        for n in running:
            status, headers, body = answers[n]
            assert status == 200
            rows = _rows(body)
            assert rows[0] == list(CSV_COLUMNS)
            assert 1 < len(rows) < 1 + 10_000 + 1
            assert all(len(r) == len(CSV_COLUMNS) for r in rows[1:-1])
            assert rows[-1] == [f"# 导出不完整：已达导出时限 5 秒，本文件只含前 {len(rows) - 2} 条结果"
                                f"（共 {headers['X-Policysearch-Total']} 条）。请缩小检索范围后再导出。"]
        # both slots are free again
        status, body = live.get("/api/search.csv?q=" + quote("安全生产"))
        assert status == 200 and len(_rows(body)) > 1
