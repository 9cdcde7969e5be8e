"""Feeds a reader can find and tell apart, the help pages and the favicon, over real indexes."""
from __future__ import annotations

import re
import time
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from fixture_docs import employment_policy, fixture_docs
from indexer.engine import IndexStore
from indexer.engine.writer import indexed_now
from indexer.pipeline import index_documents
from webui import create_app
from webui.feeds import feed_title
from webui.help import QUERY_EXAMPLES
from webui.params import QueryState

ATOM = "{http://www.w3.org/2005/Atom}"


def alternates(html: str) -> list[tuple[str, str]]:
    """(title, href) of every Atom feed the page advertises."""
    return [(unescape(t), unescape(h)) for t, h in re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">', html)]


def test_feed_title_names_the_query_and_every_filter() -> None:
    state = QueryState((("q", "再生资源"), ("kind", "policy"), ("dept", "苏州市商务局"), ("page", "2"),
                        ("year_from", "2019")))
    assert feed_title(state) == "政策文件检索：再生资源（类型：政策文件；涉及部门：苏州市商务局；年份范围：2019–…）"
    assert feed_title(QueryState((("dept", "苏州市商务局"),))) == "政策文件检索：涉及部门：苏州市商务局"
    assert feed_title(QueryState((("q", "营商环境"),))) == "政策文件检索：营商环境"
    assert feed_title(QueryState()) == "政策文件检索：最新文件"


def test_search_page_advertises_its_feed_with_the_filters_in_the_title(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=安全生产&kind=minutes&sort=oldest&page=1").get_data(as_text=True)
    [(title, href)] = alternates(html)
    assert title == "政策文件检索：安全生产（类型：会议纪要）"
    assert urlsplit(href).path == "/search.atom"
    assert parse_qsl(urlsplit(href).query) == [("q", "安全生产"), ("kind", "minutes")]
    assert f'<a href="{href}" type="application/atom+xml">订阅（Atom）</a>' in unescape(html)
    feed = ET.fromstring(fclient.get(href).data)
    assert feed.findtext(f"{ATOM}title") == title
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["苏州市政府第120次常务会议纪要 第3页"]
    assert alternates(fclient.get("/").get_data(as_text=True)) == []  # the landing page has no results


def test_document_page_advertises_the_feed_of_documents_citing_it(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/suzhou-waste-rules").get_data(as_text=True)
    [(title, href)] = alternates(html)
    assert (title, href) == ("政策文件检索：引用《苏州市再生资源管理办法》的文件", "/doc/suzhou-waste-rules/cited-by.atom")
    response = fclient.get(href)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.findtext(f"{ATOM}title") == title
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "关于<script>alert(1)</script>测试的通知"
    assert entry.findtext(f"{ATOM}id") == "http://localhost/doc/hostile-1"
    assert entry.findtext(f"{ATOM}published") == "2021-03-01T00:00:00Z"
    assert entry.findtext(f"{ATOM}updated") == fclient.get("/api/doc/hostile-1").get_json()["indexed_at"]
    assert entry.findtext(f"{ATOM}summary") == "引用了《苏州市再生资源管理办法》"
    uncited = ET.fromstring(fclient.get("/doc/law-cf7c1ffb68/cited-by.atom").data)
    assert uncited.findall(f"{ATOM}entry") == []
    assert fclient.get("/doc/no-such-doc/cited-by.atom").status_code == 404


def test_a_back_filled_old_document_is_updated_when_it_was_indexed(tmp_path: Path) -> None:
    """A 2001 document indexed after the others: its entry's ``updated`` is the later commit's
    time (so a reader shows it as new), its ``published`` the document's own date."""
    index = tmp_path / "index"
    store = IndexStore.create_or_open(index)
    index_documents(store, fixture_docs())
    first = store.get_document("suzhou-gov-exec-120").indexed_at
    while indexed_now() == first:  # wait for the clock's next second, so the commits differ
        time.sleep(0.05)
    old = replace(employment_policy(), doc_id="gov-backfill-2001", date="2001-05-08", sha1="backfill",
                  title="关于做好2001年就业工作的通知")
    index_documents(store, [old])
    backfilled = store.get_document("gov-backfill-2001").indexed_at
    store.close()
    assert backfilled > first
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    assert client.get("/api/doc/gov-backfill-2001").get_json()["indexed_at"] == backfilled
    feed = ET.fromstring(client.get("/search.atom?q=就业").data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) > 1
    # first however many newer-dated documents fill the feed: it lists the latest indexed first
    assert "/doc/gov-backfill-2001?" in entries[0].findtext(f"{ATOM}id")
    by_date = client.get("/api/search?q=就业&sort=newest&per_page=100").get_json()["hits"]
    assert by_date[-1]["doc_id"] == "gov-backfill-2001"
    [entry] = [e for e in feed.findall(f"{ATOM}entry") if "/doc/gov-backfill-2001?" in e.findtext(f"{ATOM}id")]
    assert entry.findtext(f"{ATOM}published") == "2001-05-08T00:00:00Z"
    assert entry.findtext(f"{ATOM}updated") == backfilled != entry.findtext(f"{ATOM}published")
    assert feed.findtext(f"{ATOM}updated") == backfilled  # the newest entry is the back-filled one


def test_department_page_advertises_the_department_feed(client: FlaskClient) -> None:
    html = client.get("/dept/苏州市供销合作总社").get_data(as_text=True)
    [(title, href)] = alternates(html)
    assert title == "政策文件检索：涉及部门：苏州市供销合作总社"
    assert parse_qsl(urlsplit(href).query) == [("dept", "苏州市供销合作总社")]
    feed = ET.fromstring(client.get(href).data)
    assert feed.findtext(f"{ATOM}title") == title
    assert feed.findall(f"{ATOM}entry"), "the department's documents are in its feed"


def test_query_syntax_help_is_linked_next_to_the_search_box(client: FlaskClient) -> None:
    home = client.get("/").get_data(as_text=True)
    form_and_help = home[home.index('<form id="search-form"'):home.index("</p>", home.index('class="search-help"'))]
    assert '<a class="syntax-help" href="/help/query">检索语法说明</a>' in form_and_help
    page = client.get("/help/query")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<h1") == 1 and '<h1 class="page-title">检索语法</h1>' in html
    for word in ("部门:", "年份:", "kind:", "OR", "-煤矿", "国发〔2018〕39号"):
        assert word in unescape(html)


@pytest.mark.parametrize("typed", [typed for typed, _ in QUERY_EXAMPLES])
def test_every_query_syntax_example_is_a_valid_search(client: FlaskClient, typed: str) -> None:
    response = client.get("/", query_string={"q": typed})
    assert response.status_code == 200, typed
    assert 'class="error"' not in response.get_data(as_text=True)


def test_feeds_help_page_shows_a_real_feed(client: FlaskClient) -> None:
    html = client.get("/help/feeds").get_data(as_text=True)
    assert '<h1 class="page-title">如何订阅</h1>' in html
    assert '<a href="/search.atom?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&amp;kind=policy">政策文件检索：营商环境（类型：政策文件）</a>' in html
    found = client.get("/?q=营商环境").get_data(as_text=True)
    assert '<a class="feed-help" href="/help/feeds">如何订阅</a>' in found


def test_every_page_has_the_svg_favicon(client: FlaskClient) -> None:
    for path in ("/", "/?q=营商环境", "/doc/suzhou-gov-exec-120", "/decisions", "/dept/苏州市供销合作总社", "/help/query"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in html, path
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert ET.fromstring(icon.data).tag == "{http://www.w3.org/2000/svg}svg"
