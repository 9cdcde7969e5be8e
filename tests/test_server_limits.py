"""The real server under abuse (issue 12 §6): idle connections, forged Host headers, requests
waitress itself refuses, and a huge ``sort`` value.

Everything runs against the real ``policysearch serve`` in a subprocess, over real sockets. No
fixed sleeps: a test waits on a state (an answer, a closed socket) with a socket timeout that
only bounds a failure.
"""
from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from liveserver import LiveServer, live_server
from webui.baseurl import BaseURLError, parse_base_url
from webui.security import SECURITY_HEADERS

BASE = "https://search.example.org/policy"


@pytest.fixture(scope="module")
def server(fixture_index: Path) -> Iterator[LiveServer]:
    with live_server(fixture_index, threads=2, extra=("--base-url", BASE, "--idle-timeout", "2")) as live:
        yield live


def _address(server: LiveServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def _exchange(server: LiveServer, raw: bytes, timeout: float = 20.0) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw`` bytes, read until the server closes; (status, headers, body)."""
    with socket.create_connection(_address(server), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def _get(path: str, host: str = "127.0.0.1") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True  # nothing to read and not closed


def test_110_idle_connections_do_not_lock_out_a_request(fixture_index: Path) -> None:
    with live_server(fixture_index, threads=2) as live:  # the default 15 s idle timeout
        idle = [socket.create_connection(_address(live), timeout=20) for _ in range(150)]
        try:
            status, _, body = _exchange(live, _get("/api/search?q=%E5%AE%89%E5%85%A8"))
            assert status == 200
            assert json.loads(body)["total"] > 0
            # answered while every idle connection was still open: none was closed to make room
            assert all(_still_open(sock) for sock in idle)
        finally:
            for sock in idle:
                sock.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout(server: LiveServer) -> None:
    with socket.create_connection(_address(server), timeout=30) as sock:
        assert sock.recv(1) == b""  # closed by the server (2 s), long before the 30 s bound
    with socket.create_connection(_address(server), timeout=30) as sock:
        sock.sendall(b"GET /api/search?q=x HTTP/1.1\r\nHost: a\r\n")  # a client that stops mid-request
        assert sock.recv(1) == b""


def test_absolute_links_use_the_base_url_never_the_host_header(server: LiveServer) -> None:
    forged = "evil.example:666"
    _, _, body = _exchange(server, _get("/api/search?q=%E5%AE%89%E5%85%A8", host=forged))
    doc_id = json.loads(body)["hits"][0]["doc_id"]
    _, _, body = _exchange(server, _get(f"/api/doc/{doc_id}", host=forged))
    assert json.loads(body)["url"] == f"{BASE}/doc/{doc_id}"
    status, _, feed = _exchange(server, _get("/search.atom?q=%E5%AE%89%E5%85%A8", host=forged))
    assert status == 200
    assert b"evil.example" not in feed
    assert f'href="{BASE}/doc/'.encode() in feed
    request = (b"GET /api/search?q=%E5%AE%89%E5%85%A8 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"X-Forwarded-Host: evil.example\r\nForwarded: host=evil.example\r\nConnection: close\r\n\r\n")
    assert b"evil.example" not in _exchange(server, request)[2]


def _bad_length(path: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: a\r\nContent-Length: nope\r\n\r\n"


def _bad_coding(path: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"


def _huge_header(path: bytes) -> bytes:
    """Exactly waitress's header limit, unterminated: the server reads every byte before it
    answers, so it closes cleanly instead of resetting a socket that still holds unread data."""
    return (b"GET " + path + b" HTTP/1.1\r\nHost: a\r\nX-Big: ").ljust(262_144, b"a")


@pytest.mark.parametrize("make, status", [(_bad_length, 400), (_bad_coding, 501), (_huge_header, 431)],
                         ids=["400", "501", "431"])
def test_errors_of_the_server_itself_carry_security_headers_and_json_on_the_api(
    server: LiveServer, make, status: int  # type: ignore[no-untyped-def]
) -> None:
    got, headers, body = _exchange(server, make(b"/api/search?q=x"))
    assert got == status
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert headers["Content-Type"] == "application/json"
    assert set(json.loads(body)) == {"error"}
    got, headers, body = _exchange(server, make(b"/?q=x"))
    assert got == status
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.startswith(str(status).encode())


def test_a_huge_sort_value_is_echoed_once_and_capped(fclient: FlaskClient) -> None:
    value = "z" * 200_000
    response = fclient.get("/api/search", query_string={"q": "安全", "sort": value})
    assert response.status_code == 400
    assert len(response.data) < 500
    message = response.get_json()["error"]
    assert message.count("z" * 40) == 1 and "z" * 41 not in message
    assert message == f"排序方式无效：{'z' * 40}…（可选 relevance / newest / oldest / indexed）"
    page = fclient.get("/", query_string={"q": "安全", "sort": value})
    assert page.status_code == 400
    assert len(re.findall(rb"z{41,}", page.data)) == 1  # the message is capped; the form keeps the state once


@pytest.mark.parametrize("url", ["ftp://x", "http://", "http://h:99999", "http://h/?a=1", "http://u:p@h", "h:80"])
def test_bad_base_urls_are_refused(url: str) -> None:
    with pytest.raises(BaseURLError):
        parse_base_url(url)


def test_base_url_parts() -> None:
    assert parse_base_url(BASE) == ("https", "search.example.org", "search.example.org", "443", "/policy")
    assert parse_base_url("http://[::1]:8000/") == ("http", "[::1]:8000", "::1", "8000", "")


def test_serve_with_a_bad_base_url_is_one_clear_line(fixture_index: Path) -> None:
    from click.testing import CliRunner

    from indexer.cli import cli

    result = CliRunner().invoke(cli, ["--index", str(fixture_index), "serve", "--base-url", "ftp://x"])
    assert result.exit_code == 1
    assert result.output == "Error: public base URL must look like http(s)://host[:port][/path], got 'ftp://x'\n"
