"""Web checklist items (W3-W7, W11, binding) not already covered by test_web/test_api/test_browser.

Every test drives the real app over a real index: the Flask test client for request handling, a
`policysearch serve` subprocess for start-up failures and the listening address, headless
Chromium for what a person actually sees. The checklist map is docs/RELIABILITY.md.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil
import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer import query
from indexer.cli import cli
from indexer.query import NOTICE_TIMEOUT
from indexer.engine import IndexStore
from webui import create_app
from liveserver import LiveServer, free_port, live_server
from paths import ROOT
from test_browser import browser, page  # noqa: F401  (fixtures)

# --- W3/W4: abusive queries and parameters -------------------------------------------------------

TOO_LONG = "上限 500 字 (query longer than 500 characters)"
WILDCARD = "(wildcards are not supported)"

# (case id, query-string parameters, the exact readable message)
ABUSE = [
    ("1000-nested-parens", {"q": "(" * 1000 + "就业" + ")" * 1000}, f"检索式过长：2002 字，{TOO_LONG}"),
    ("10000-characters", {"q": "就" * 10_000}, f"检索式过长：10000 字，{TOO_LONG}"),
    ("20000-terms", {"q": " ".join(["就业"] * 20_000)}, f"检索式过长：59999 字，{TOO_LONG}"),
    ("lone-star", {"q": "*"}, f"不支持通配符 *：* {WILDCARD}"),
    ("leading-wildcard", {"q": "*业"}, f"不支持通配符 *：*业 {WILDCARD}"),
    ("infix-wildcard", {"q": "*e*"}, f"不支持通配符 *：*e* {WILDCARD}"),
    ("trailing-wildcard", {"q": "a*"}, f"不支持通配符 *：a* {WILDCARD}"),
    ("unbalanced-quote", {"q": '"就业'}, '引号不成对："就业… (unbalanced quote)'),
    ("unknown-field", {"q": "foo:bar"}, "未知字段“foo”"),
    ("open-range", {"q": "year:[2018 TO"}, "年份格式应为 2020 或 2018-2020：[2018 (year must be 2020 or 2018-2020)"),
    ("page-zero", {"q": "就业", "page": "0"}, "页码必须从 1 开始 (page must be >= 1, got 0)"),
    ("page-negative", {"q": "就业", "page": "-1"}, "页码无效：-1（应为正整数）"),
    ("page-10e9", {"q": "就业", "page": str(10**9)},
     "最多只能翻到第 10000 条结果 (only the first 10000 results can be paged through)"),
    ("page-huge-number", {"q": "就业", "page": "9" * 40}, "页码无效：" + "9" * 20 + "（应为正整数）"),
    ("per-page-huge", {"q": "就业", "per_page": "100000"}, "每页条数必须在 1 到 100 之间 (per_page must be 1..100, got 100000)"),
    ("sort-injection", {"q": "就业", "sort": "'; drop"}, "排序方式无效：'; drop"),
    ("kind-unknown", {"q": "就业", "kind": "poem"}, "未知类型“poem”"),
    ("year-out-of-range", {"q": "就业", "year": "99999"}, "年份无效：99999（应为 1900–2100 之间的四位数字）"),
    ("year-from-junk", {"q": "就业", "year_from": "abc"}, "年份无效：abc（应为 1900–2100 之间的四位数字）"),
    ("facet-control-char", {"q": "就业", "dept": "\x00"}, "筛选条件“涉及部门”的值无效"),
]


@pytest.mark.parametrize("params, message", [(p, m) for _, p, m in ABUSE], ids=[i for i, _, _ in ABUSE])
def test_abusive_search_is_a_fast_400_json_with_its_message(fclient: FlaskClient, params: dict[str, str],
                                                            message: str) -> None:
    t0 = time.monotonic()
    response = fclient.get("/api/search", query_string=params)
    assert time.monotonic() - t0 < 1.0
    assert response.status_code == 400
    body = response.get_json()
    assert list(body) == ["error"] and message in body["error"]


@pytest.mark.parametrize("params, message", [(p, m) for _, p, m in ABUSE], ids=[i for i, _, _ in ABUSE])
def test_abusive_search_is_a_fast_400_page_with_its_message(fclient: FlaskClient, params: dict[str, str],
                                                            message: str) -> None:
    t0 = time.monotonic()
    response = fclient.get("/", query_string=params)
    assert time.monotonic() - t0 < 1.0
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    shown = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    assert shown and message in unescape(shown.group(1))
    assert '<input' in html and 'name="q"' in html  # the person can correct the query in place
    assert "Traceback" not in html


def test_deep_nesting_under_the_length_limit_is_refused_on_depth(fclient: FlaskClient) -> None:
    """1,000 parentheses already fail on length; 240 pass it and must fail on depth instead."""
    t0 = time.monotonic()
    response = fclient.get("/api/search", query_string={"q": "(" * 240 + "就业" + ")" * 240})
    assert time.monotonic() - t0 < 1.0
    assert response.status_code == 400
    assert response.get_json() == {"error": "括号嵌套超过 8 层 (parentheses nested deeper than 8)"}


# --- W5: a search that runs too long --------------------------------------------------------------


def test_search_over_its_time_budget_returns_partial_results_with_a_notice(
    fixture_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``query.TIME_LIMIT`` is the engine's ranking budget; at 0 s ranking stops after the first
    match, which is exactly what a slow search looks like to the person, minus the wait. (A
    server of its own: one that answered 就业 before has the complete answer kept.)"""
    fclient = create_app({"INDEX_DIR": str(fixture_index), "TESTING": True, "WARM_LIFECYCLE": False}).test_client()
    monkeypatch.setattr(query, "TIME_LIMIT", 0.0)
    response = fclient.get("/api/search?q=就业")
    assert response.status_code == 200
    body = response.get_json()
    assert body["notice"] == NOTICE_TIMEOUT
    assert body["total"] == 6  # counted from the match set: exact even when ranking stopped
    assert [(h["doc_id"], h["para_id"]) for h in body["hits"]] == [("gwyhy-f90601466c", "p1")]

    page = fclient.get("/?q=就业")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<p class="notice" role="status">{escape(NOTICE_TIMEOUT, quote=False)}</p>' in html
    assert html.count('<li class="hit') == 1


# --- W6: junk facet values, unknown facet names ---------------------------------------------------


def test_unknown_parameters_are_ignored(fclient: FlaskClient) -> None:
    plain = fclient.get("/api/search?q=就业").get_json()
    junk = fclient.get("/api/search?q=就业&foo=bar&facet=nonsense&dept_=x").get_json()
    assert plain["total"] == junk["total"] == 6
    assert [h["para_id"] for h in junk["hits"]] == [h["para_id"] for h in plain["hits"]]


@pytest.mark.parametrize("key, value", [
    ("dept", "不存在的部门"), ("dept", "a/b%c"), ("topic", "<script>alert(1)</script>"),
    ("meeting", "../../etc/passwd"), ("dept", "市应急局&kind=policy"),
])
def test_junk_facet_value_matches_nothing_and_round_trips_escaped(fclient: FlaskClient, key: str,
                                                                  value: str) -> None:
    api = fclient.get("/api/search", query_string={"q": "安全生产", key: value})
    assert api.status_code == 200
    assert api.get_json()["total"] == 0 and api.get_json()["hits"] == []
    page = fclient.get("/", query_string={"q": "安全生产", key: value})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html
    # The selected value is shown as text and its chip removes exactly that value again.
    chips = re.findall(r'<a class="chip removable"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    assert any(escape(value, quote=False) in label for _, label in chips), chips
    removal = next(href for href, label in chips if escape(value, quote=False) in label)
    assert unescape(removal) == "/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7"


# --- W7: ids shaped like paths --------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/doc/..%2f..%2fetc%2fpasswd", "/doc/..%2F..%2Fetc%2Fpasswd", "/doc/%2e%2e%5c%2e%2e%5cwindows",
    "/doc/%252e%252e%252fetc", "/doc/....//....//etc", "/doc/.htaccess", "/doc/%00", "/doc/a%00b",
    "/doc/~root", "/doc/file:etc", "/api/doc/..%2f..%2fetc%2fpasswd", "/api/doc/a%5cb",
    "/static/../indexer/cli.py", "/static/%2e%2e/indexer/cli.py", "/static/..%2findexer%2fcli.py",
    "/static/%2e%2e%5cindexer%5ccli.py", "/static//etc/passwd",
])
def test_more_traversal_shapes_are_404(fclient: FlaskClient, path: str) -> None:
    response = fclient.get(path, follow_redirects=True)  # Werkzeug merges "//" with a redirect first
    assert response.status_code == 404
    assert all(urlsplit(r.location).path.startswith(("/static/", "/doc/", "/api/doc/")) for r in response.history)
    assert b"argparse" not in response.data and b"root:" not in response.data


def test_only_the_static_route_takes_a_path_and_it_is_confined(fixture_app: Flask) -> None:
    """No route reads a file named by the request, except Flask's static route (safe_join)."""
    path_rules = [r for r in fixture_app.url_map.iter_rules()
                  if any(type(c).__name__ == "PathConverter" for c in r._converters.values())]
    assert [(r.endpoint, r.rule) for r in path_rules] == [("static", "/static/<path:filename>")]
    assert Path(fixture_app.static_folder).resolve() == (ROOT / "webui" / "static").resolve()


# --- W11 and binding: `policysearch serve` --------------------------------------------------------


def _serve(index: Path, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "indexer", "--index", str(index), "serve", "--port", str(free_port()), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_serve_on_a_missing_index_exits_with_one_clear_line(tmp_path: Path) -> None:
    done = _serve(tmp_path / "nowhere")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert _error_lines(done.stderr) == [
        f"Error: no index at {tmp_path / 'nowhere'}; build one with "
        f"`policysearch --index {tmp_path / 'nowhere'} ingest <files>`"
    ]


def test_serve_on_a_corrupt_index_exits_with_rebuild_required(tmp_path: Path, fixture_index: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(fixture_index, index)
    for toc in index.glob("*.toc"):
        toc.write_bytes(toc.read_bytes()[:20])
    done = _serve(index)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = _error_lines(done.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"Error: rebuild required: index {index} cannot be read")


def test_serve_on_a_folder_that_is_not_an_index(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an index", encoding="utf-8")
    done = _serve(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert _error_lines(done.stderr) == [
        f"Error: no index at {tmp_path}; build one with `policysearch --index {tmp_path} ingest <files>`"
    ]


def test_serve_starts_while_an_ingest_holds_the_write_lock(fixture_index: Path) -> None:
    """Readers never take the write lock: a long ingest must not keep the UI down."""
    writer_store = IndexStore.open(fixture_index, readonly=False)
    writer = writer_store.ix.writer(timeout=1.0)
    try:
        with live_server(fixture_index, threads=2) as server:
            status, body = server.get_json("/api/search?q=" + quote("测试段落"))
    finally:
        writer.cancel()
        writer_store.close()
    assert status == 200 and body["total"] == 1


def test_running_server_sees_a_new_commit_without_a_restart(tmp_path: Path) -> None:
    """R5's last promise, in the fast group: the server reopens nothing, its searchers refresh."""
    index = tmp_path / "index"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("第一份文件：再生资源回收。\n", encoding="utf-8")
    second.write_text("第二份文件：再生资源利用。\n", encoding="utf-8")
    ingest = [sys.executable, "-m", "indexer", "--index", str(index), "ingest", "--no-progress", "--workers", "1"]
    subprocess.run([*ingest, str(first)], cwd=ROOT, check=True, capture_output=True, timeout=120)
    with live_server(index, threads=2) as server:
        before = server.get_json("/api/search?q=" + quote("再生资源"))[1]["total"]
        subprocess.run([*ingest, str(second)], cwd=ROOT, check=True, capture_output=True, timeout=120)
        after = server.get_json("/api/search?q=" + quote("再生资源"))[1]["total"]
        assert server.proc.poll() is None  # the same process answered both
    assert (before, after) == (1, 2)


def test_serve_binds_loopback_by_default(fixture_index: Path) -> None:
    host = next(p for p in cli.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"
    with live_server(fixture_index, threads=2) as server:
        listening = _listening(server)
    port = int(server.url.rsplit(":", 1)[1])
    assert listening == {("127.0.0.1", port)}


def _listening(server: LiveServer) -> set[tuple[str, int]]:
    """Addresses the server process (or a child it serves from) listens on."""
    procs = [psutil.Process(server.proc.pid), *psutil.Process(server.proc.pid).children(recursive=True)]
    return {(c.laddr.ip, c.laddr.port) for p in procs for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN}


# --- W1/W2 in the browser: markup in the query is text everywhere ----------------------------------


@pytest.fixture(scope="module")
def hardening_server(fixture_index: Path):  # type: ignore[no-untyped-def]
    with live_server(fixture_index, threads=2) as server:
        yield server


@pytest.mark.browser
def test_markup_in_the_query_and_document_is_text_in_the_browser(page, hardening_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    for hostile, shown in [
        ("<img src=x onerror=alert(1)><script>alert(2)</script>", "<script>alert(1)</script>局"),
        ('就业"><img src=x onerror=alert(3)>', "引号不成对：\"><img src=x onerror… (unbalanced quote)"),
    ]:
        page.goto(hardening_server.url + "/")
        page.fill("input[name=q]", hostile)
        page.press("input[name=q]", "Enter")
        page.wait_for_load_state("load")
        assert page.input_value("input[name=q]") == hostile
        assert page.title() == f"{hostile} - 政策文件检索"
        assert shown in page.inner_text("main")  # a hit's department facet, or the error message
        assert page.evaluate("() => document.querySelectorAll('img[src=x], script:not([src])').length") == 0
    page.goto(hardening_server.url + "/doc/hostile-1")
    assert page.inner_text("h1") == "关于<script>alert(1)</script>测试的通知"
    assert '" onmouseover="alert(2)&办公室' in page.inner_text("dl")
    page.hover("h1")
    assert page.evaluate("() => document.querySelectorAll('[onmouseover], script:not([src])').length") == 0
    assert page.dialogs == []


# --- J6: the analyzer is warmed at start-up, once --------------------------------------------------

WARM_UP_PROBE = """
import logging, sys
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.INFO)
from indexer import analysis
from webui import create_app
print("before", analysis._segmenter is None)
app = create_app({"INDEX_DIR": sys.argv[1], "TESTING": True})
print("ready", sum(m.startswith("jieba segmenter ready") for m in records))
client = app.test_client()
for q in ("就业", "安全生产", "检验检测"):
    assert client.get("/api/search", query_string={"q": q}).status_code == 200
print("after", sum(m.startswith("jieba segmenter ready") for m in records))
"""


def test_create_app_builds_the_segmenter_once_before_any_request(fixture_index: Path) -> None:
    """A fresh interpreter, so the segmenter really starts unbuilt (tests share one process)."""
    done = subprocess.run([sys.executable, "-c", WARM_UP_PROBE, str(fixture_index)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n") == ["before True", "ready 1", "after 1", ""]
