"""Navigation that keeps the reader's place: the pager's 上一页/下一页, the way back from a
document to the same results page, and a zero-result page without controls that do nothing."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from flask.testing import FlaskClient


def pager_of(html: str) -> str:
    match = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert match, "the page has a pager"
    return match.group(0)


def test_pager_has_previous_and_next_links(fclient: FlaskClient) -> None:
    middle = pager_of(fclient.get("/?q=安全生产&per_page=2&page=2&group=para").get_data(as_text=True))
    base = "/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7&amp;per_page=2&amp;group=para"
    assert f'<a class="prev" rel="prev" href="{base}&amp;page=1">上一页</a>' in middle
    assert f'<a class="next" rel="next" href="{base}&amp;page=3">下一页</a>' in middle
    first = pager_of(fclient.get("/?q=安全生产&per_page=2&group=para").get_data(as_text=True))
    assert '<span class="prev disabled" aria-disabled="true">上一页</span>' in first
    assert f'<a class="next" rel="next" href="{base}&amp;page=2">下一页</a>' in first
    last = pager_of(fclient.get("/?q=安全生产&per_page=2&page=3&group=para").get_data(as_text=True))
    assert '<span class="next disabled" aria-disabled="true">下一页</span>' in last
    assert f'<a class="prev" rel="prev" href="{base}&amp;page=2">上一页</a>' in last


def test_pager_past_the_last_page_has_no_neighbours(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=安全生产&per_page=2&page=9&group=para").get_data(as_text=True)
    pager = pager_of(html)
    assert "aria-current" not in pager
    assert '<span class="prev disabled" aria-disabled="true">上一页</span>' in pager


def test_back_link_from_a_document_returns_to_the_same_results_page(fclient: FlaskClient) -> None:
    search = "/?q=安全生产&kind=policy&kind=minutes&sort=oldest&per_page=2&page=2&group=para"
    html = fclient.get(search).get_data(as_text=True)
    hrefs = [unescape(h) for h in re.findall(r'<h3 class="hit-title"><a href="([^"]+)"', html)]
    assert hrefs, "page 2 has hits"
    doc_page = hrefs[0]
    path, _, fragment = doc_page.partition("#")
    assert fragment.startswith("p")
    expected_state = [("q", "安全生产"), ("kind", "policy"), ("kind", "minutes"), ("sort", "oldest"),
                      ("per_page", "2"), ("page", "2"), ("group", "para")]
    assert parse_qsl(urlsplit(path).query) == expected_state
    document = fclient.get(path).get_data(as_text=True)
    back = unescape(re.search(r'<a class="back-link" href="([^"]+)">返回“安全生产”的检索结果</a>', document).group(1))
    assert urlsplit(back).path == "/" and parse_qsl(urlsplit(back).query) == expected_state
    assert "<mark>安全生产</mark>" in document  # the query is still highlighted


def test_document_opened_from_a_filter_only_search_links_back_to_it(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/suzhou-gov-exec-120?kind=minutes&page=1").get_data(as_text=True)
    assert '<a class="back-link" href="/?kind=minutes&amp;page=1">返回检索结果</a>' in html
    assert "取消高亮" not in html
    plain = fclient.get("/doc/suzhou-gov-exec-120").get_data(as_text=True)
    assert "back-link" not in plain


def test_zero_result_page_hides_sort_and_export_controls(fclient: FlaskClient) -> None:
    empty = fclient.get("/?q=量子纠缠").get_data(as_text=True)
    assert "未找到与“量子纠缠”相关的结果" in empty
    for control in ('class="toolbar"', "排序：", "导出：", "/api/search.csv", "订阅（Atom）"):
        assert control not in empty
    found = fclient.get("/?q=安全生产").get_data(as_text=True)
    for control in ('class="toolbar"', "排序：", "导出：", "/api/search.csv"):
        assert control in found
