"""The web UI over real indexes: the sample corpus (via the ingest pipeline) and a hostile one.

Fixtures defined here (``corpus_index``/``corpus_app``/``client`` over the ingested sample corpus,
``fixture_index``/``fixture_app``/``fclient`` over hand-made records) are imported by
``test_api.py`` and ``test_browser.py``.
"""
from __future__ import annotations

import inspect
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from conftest import ESCAPED_SCRIPT, SCRIPT, hostile_documents
from indexer.errors import IndexMissingError, QueryError, RebuildRequiredError
from indexer.models import Attendee, Document, Paragraph, Reference
from indexer.engine import IndexStore
from fixture_docs import fixture_docs
from paths import CORPUS
from webui import create_app
from webui.atom import atom_timestamp
from webui.facets import year_chart
from webui.params import QueryState, parse_search_args
from webui.security import SECURITY_HEADERS
from webui.server import serve

SEED_ID = "suzhou-gov-exec-120"


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, whitespace squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# --- app factory ----------------------------------------------------------------------------------


def test_missing_index_fails_at_start_with_a_readable_message(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match=r"no index at .*nowhere.*ingest"):
        create_app({"INDEX_DIR": str(tmp_path / "nowhere")})


def test_corrupt_index_fails_at_start_with_rebuild_message(tmp_path: Path) -> None:
    (tmp_path / "MAIN_1.toc").write_bytes(b"\x00garbage")
    (tmp_path / "policysearch.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RebuildRequiredError, match="rebuild required"):
        create_app({"INDEX_DIR": str(tmp_path)})


def test_index_locked_by_a_writer_still_serves(fixture_index: Path) -> None:
    """A running ingest holds the write lock; the read-only server must start and answer."""
    writer_store = IndexStore.open(fixture_index, readonly=False)
    writer = writer_store.ix.writer(timeout=1.0)
    try:
        client = create_app({"INDEX_DIR": str(fixture_index), "TESTING": True}).test_client()
        response = client.get("/api/search?q=测试段落")
        assert response.status_code == 200
        assert response.get_json()["total"] == 1
    finally:
        writer.cancel()
        writer_store.close()


def test_index_dir_defaults_to_environment(monkeypatch: pytest.MonkeyPatch, fixture_index: Path) -> None:
    monkeypatch.setenv("POLICYSEARCH_INDEX", str(fixture_index))
    app = create_app()
    assert app.config["INDEX_DIR"] == str(fixture_index)
    assert not app.testing


# --- URL state ----------------------------------------------------------------------------------


def test_query_state_toggle_round_trips_awkward_values() -> None:
    state = QueryState.from_args(MultiDict([("q", "再生资源"), ("page", "3"), ("dept", "市发改委"), ("junk", "x")]))
    assert state.pairs == (("q", "再生资源"), ("page", "3"), ("dept", "市发改委"))
    added = state.toggled("topic", "城乡建设、环境保护/节能 100%")
    assert added.pairs == (("q", "再生资源"), ("dept", "市发改委"), ("topic", "城乡建设、环境保护/节能 100%"))
    qs = added.query_string()
    assert "%2F" in qs and "%25" in qs
    assert tuple(parse_qsl(qs)) == added.pairs
    assert added.toggled("topic", "城乡建设、环境保护/节能 100%").pairs == (("q", "再生资源"), ("dept", "市发改委"))


def test_parse_search_args_maps_url_keys_to_params() -> None:
    state = QueryState.from_args(MultiDict([
        ("q", " 再生资源 "), ("dept", "市供销总社"), ("dept", "市商务局"), ("year", "2020"), ("year_from", "2018"),
        ("kind", "minutes"), ("topic", "商贸、海关、旅游"), ("meeting", "苏州市政府第120次常务会议"),
        ("sort", "newest"), ("page", "2"), ("per_page", "20"),
    ]))
    params = parse_search_args(state)
    assert (params.q, params.departments, params.years, params.year_from, params.year_to) == (
        "再生资源", ["市供销总社", "市商务局"], [2020], 2018, None)
    assert (params.kinds, params.topics, params.meetings) == (["minutes"], ["商贸、海关、旅游"], ["苏州市政府第120次常务会议"])
    assert (params.sort, params.page, params.per_page) == ("newest", 2, 20)


@pytest.mark.parametrize("args", [
    {"page": "-1"}, {"page": "abc"}, {"page": "1.5"}, {"page": "１"}, {"per_page": "99999999999"},
    {"year": "20x0"}, {"year": "1066"}, {"year_to": "3000"}, {"dept": "a\x00b"}, {"topic": "长" * 101},
])
def test_parse_search_args_rejects_malformed_values(args: dict[str, str]) -> None:
    with pytest.raises(QueryError):
        parse_search_args(QueryState.from_args(MultiDict(args)))


# --- highlighting -------------------------------------------------------------------------------


def test_atom_timestamp() -> None:
    assert atom_timestamp("2020-12-07") == "2020-12-07T00:00:00Z"
    assert atom_timestamp(None) == "1970-01-01T00:00:00Z"
    assert atom_timestamp("2020") == "1970-01-01T00:00:00Z"


# --- search page --------------------------------------------------------------------------------


def test_landing_page_shows_index_size(fclient: FlaskClient) -> None:
    response = fclient.get("/")
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert "已收录 8 份文件" in page
    assert 'value=""' in response.get_data(as_text=True)


def test_search_page_lists_hits_with_metadata_and_permalink(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=两网融合").get_data(as_text=True)
    page = text_of(html)
    assert 'value="两网融合"' in html
    assert re.search(r"共找到 \d+ 篇文件， \d+ 段 （用时 \d+ 毫秒）", page)
    first = html[html.index('<li class="hit">'):]
    first = first[: first.index("</li>")]
    assert 'href="/doc/suzhou-gov-exec-120?q=%E4%B8%A4%E7%BD%91%E8%9E%8D%E5%90%88#p13"' in first
    assert "苏州市政府第120次常务会议纪要" in first
    assert '<span class="kind kind-minutes">会议纪要</span>' in first
    assert '<time datetime="2020-12-07">2020-12-07</time>' in first
    assert '<span class="meeting">苏州市政府第120次常务会议</span>' in first
    assert '<span class="page">第6页</span>' in first
    assert "<mark>两网融合</mark>" in first


def facet_links(html: str, key: str) -> dict[str, tuple[str, int]]:
    """label -> (toggle URL, count) of one sidebar facet."""
    section = re.search(rf'<section class="facet" data-facet="{key}">(.*?)</section>', html, re.S)
    assert section, f"no {key} facet"
    rows = re.findall(
        r'<a class="facet-value[^"]*" href="([^"]+)".*?<span class="facet-label">([^<]+)</span>\s*'
        r'(?:<span class="facet-count">(\d+)</span>)?', section.group(1), re.S)
    return {unescape(label): (unquote_plus(unescape(url)), int(count or -1)) for url, label, count in rows}


def test_department_facet_toggles_filter_and_changes_counts(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=安全生产").get_data(as_text=True)
    assert '<strong class="total">6</strong>' in html
    assert facet_links(html, "kind") == {"会议纪要": ("/?q=安全生产&kind=minutes", 3), "法律法规": ("/?q=安全生产&kind=other", 3)}
    url, count = facet_links(html, "dept")["苏州市应急管理局"]
    assert count == 1
    assert parse_qsl(urlsplit(url).query) == [("q", "安全生产"), ("dept", "苏州市应急管理局")]
    filtered = fclient.get(url).get_data(as_text=True)
    assert '<strong class="total">1</strong>' in filtered
    assert facet_links(filtered, "kind") == {"会议纪要": ("/?q=安全生产&dept=苏州市应急管理局&kind=minutes", 1)}
    # the hit opens its paragraph with the whole search state, for the document page's back link
    assert "/doc/suzhou-gov-exec-120?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7&amp;dept=%E8%8B%8F%E5%B7%9E%E5%B8%82%E5%BA%94%E6%80%A5%E7%AE%A1%E7%90%86%E5%B1%80#p3" in filtered
    chip = re.search(r'<a class="chip removable" href="([^"]+)"[^>]*>涉及部门：苏州市应急管理局', filtered)
    assert chip and unescape(chip.group(1)) == "/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7"
    assert facet_links(filtered, "dept")["苏州市应急管理局"] == ("/?q=安全生产", 1)


def test_or_fallback_sort_links_and_year_chart(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=再生资源 就业&sort=newest").get_data(as_text=True)
    assert '<strong class="total">12</strong>' in html
    assert re.search(r'<p class="notice fallback" role="status">没有同时包含全部检索词的段落[^<]*</p>', html)
    assert '<strong aria-current="true">最新</strong>' in html
    assert 'href="/?q=%E5%86%8D%E7%94%9F%E8%B5%84%E6%BA%90+%E5%B0%B1%E4%B8%9A&amp;sort=oldest">最早</a>' in html
    svg = re.search(r'<svg width="144.0" height="96.0" viewBox="0 0 144.0 96.0"', html)
    assert svg, "chart is 4 bars of 36 px"
    bars = re.findall(r'<a href="([^"]+)" class="bar[^"]*">\s*<title>(\d{4}) 年：(\d+) 条</title>\s*'
                      r'<rect x="([\d.]+)" y="([\d.]+)" width="28.8" height="([\d.]+)"></rect>\s*'
                      r'<text[^>]*>(\d{4})</text>', html)
    assert [(year, count, x, y, h, label) for _, year, count, x, y, h, label in bars] == [
        ("2018", "6", "0.0", "0.0", "80.0", "2018"), ("2019", "1", "36.0", "66.7", "13.3", "2019"),
        ("2020", "4", "72.0", "26.7", "53.3", "2020"), ("2021", "1", "108.0", "66.7", "13.3", "2021")]
    assert unescape(bars[1][0]) == "/?q=%E5%86%8D%E7%94%9F%E8%B5%84%E6%BA%90+%E5%B0%B1%E4%B8%9A&sort=newest&year=2019"


def test_pagination_links_keep_the_query(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=安全生产&per_page=2&page=2&group=para").get_data(as_text=True)
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert '<strong aria-current="page">2</strong>' in pager
    assert 'href="/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7&amp;per_page=2&amp;group=para&amp;page=1">1</a>' in pager
    assert '<ol class="hits" start="3">' in html


def test_zero_results_suggest_removing_filters(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=检验检测&kind=other").get_data(as_text=True)
    page = text_of(html)
    assert "未找到与“检验检测”相关的结果" in page
    assert '<a href="/?q=%E6%A3%80%E9%AA%8C%E6%A3%80%E6%B5%8B">去掉“类型：法律法规”</a>' in html
    plain = fclient.get("/?q=量子纠缠").get_data(as_text=True)
    assert "未找到与“量子纠缠”相关的结果" in text_of(plain) and "建议检查错别字" in plain


@pytest.mark.parametrize("query, message", [
    ("page=0", "页码必须从 1 开始"), ("page=-1", "页码无效：-1"), ("page=abc", "页码无效：abc"),
    ("page=1000000000", "最多只能翻到第 10000 条结果"), ("per_page=1000", "每页条数必须在 1 到 100 之间"),
    ("sort=random", "排序方式无效：random"), ("kind=poem", "未知类型“poem”"), ("year=20x0", "年份无效：20x0"),
    ("q=%22unbalanced", "引号不成对"),
])
def test_bad_parameters_give_a_friendly_400_page(fclient: FlaskClient, query: str, message: str) -> None:
    response = fclient.get(f"/?q=安全&{query}" if not query.startswith("q=") else f"/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<p class="error" role="alert">' in html and message in unescape(html)
    assert 'name="q"' in html


def test_query_with_markup_is_echoed_escaped(fclient: FlaskClient) -> None:
    html = fclient.get("/", query_string={"q": "<img src=x onerror=alert(1)>"}).get_data(as_text=True)
    assert "<img" not in html
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in html
    assert "<title>&lt;img src=x onerror=alert(1)&gt; - 政策文件检索</title>" in html
    empty = fclient.get("/", query_string={"q": "<em>量子纠缠</em>"}).get_data(as_text=True)
    assert "未找到与“&lt;em&gt;量子纠缠&lt;/em&gt;”相关的结果" in empty and "<em>" not in empty


def only_our_scripts(html: str) -> bool:
    """Every <script> element is one of our static files (the document page loads doc.js)."""
    return all(tag in ('<script src="/static/doc.js" defer>', '<script src="/static/filters.js" defer>') for tag in re.findall(r"<script[^>]*>", html, re.I))


def test_document_text_with_script_is_escaped_in_hits_snippets_and_facets(fclient: FlaskClient) -> None:
    html = fclient.get("/?q=测试段落").get_data(as_text=True)
    assert SCRIPT not in html and only_our_scripts(html)
    assert f"关于{ESCAPED_SCRIPT}测试的通知" in html  # title
    assert f"<mark>测试段落</mark>{ESCAPED_SCRIPT}注入 &amp; 转义" in html  # snippet
    assert f'<span class="facet-label">{ESCAPED_SCRIPT}局</span>' in html  # department facet
    assert f'<a class="chip" href="/?q=%E6%B5%8B%E8%AF%95%E6%AE%B5%E8%90%BD&amp;dept=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%E5%B1%80">{ESCAPED_SCRIPT}局</a>' in html
    assert '<span class="facet-label">&#34; onmouseover=&#34;alert(2)</span>' in html  # topic facet
    assert 'onmouseover="' not in html


# --- document page ------------------------------------------------------------------------------


def test_document_page_shows_metadata_outline_and_anchored_paragraphs(fclient: FlaskClient) -> None:
    response = fclient.get("/doc/suzhou-gov-exec-120")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>苏州市政府第120次常务会议纪要</h1>" in html
    assert "<div><dt>会次</dt><dd>第120次</dd></div>" in html
    assert "<div><dt>主持</dt><dd>李亚平</dd></div>" in html
    assert "<div><dt>会议日期</dt><dd>2020-12-07</dd></div>" in html
    assert '<a href="#p11">五、审议《关于推进苏州市再生资源回收利用体系建设实施意见》</a>' in html
    assert '<a href="#p12">（一）</a>' in html
    assert re.findall(r'<section class="para role-\w+" id="(p\d+)">', html) == [f"p{n}" for n in range(1, 15)]
    p12 = html[html.index('id="p12"'):html.index('id="p13"')]
    assert '<a class="para-anchor" href="#p12" title="本段链接">五（一）</a>' in p12
    assert '<span class="page">第6页</span>' in p12
    citation = unescape(re.search(r'data-citation="([^"]+)"', p12).group(1))
    assert citation.endswith(" http://localhost/doc/suzhou-gov-exec-120#p12")
    assert "<mark>" not in html


def test_document_page_highlights_query_terms_escaped(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/test-xss?q=检验检测").get_data(as_text=True)
    assert only_our_scripts(html)
    assert f"<mark>检验检测</mark>工作，{ESCAPED_SCRIPT} 并报送 A&amp;B 情况。" in html
    assert '<a class="back-link" href="/?q=%E6%A3%80%E9%AA%8C%E6%A3%80%E6%B5%8B">返回“检验检测”的检索结果</a>' in html


def test_document_page_escapes_metadata_and_refuses_javascript_links(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/hostile-1").get_data(as_text=True)
    assert only_our_scripts(html) and "href=\"javascript:" not in html
    assert f"<h1>关于{ESCAPED_SCRIPT}测试的通知</h1>" in html
    assert "<dd>&#34; onmouseover=&#34;alert(2)&amp;办公室</dd>" in html
    assert "原文链接" not in html
    assert f"《{ESCAPED_SCRIPT}办法》" in html


def test_document_attendees_are_grouped_by_role_in_a_collapsed_block(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/hostile-1").get_data(as_text=True)
    block = re.search(r'<details class="attendees">(.*?)</details>', html, re.S)
    assert block, "attendees are collapsed by default (no open attribute)"
    assert "<summary>出席及列席人员</summary>" in block.group(1)
    assert re.findall(r"<div><dt>(.*?)</dt><dd>(.*?)</dd></div>", block.group(1)) == [
        ("出席", "张三"), ("列席", "&lt;b&gt;市发改委&lt;/b&gt; 李四，市商务局 王五")]


def test_document_references_link_to_indexed_documents(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/hostile-1").get_data(as_text=True)
    refs = re.search(r'<section class="references">(.*?)</section>', html, re.S).group(1)
    assert '<a href="/doc/suzhou-waste-rules">《苏州市再生资源管理办法》</a>' in refs
    assert '<a href="/doc/suzhou-waste-rules">《另一个标题》</a>' in refs  # by 发文字号 variant
    assert f"<li>\n《{ESCAPED_SCRIPT}办法》" in refs  # not in the index: plain text


@pytest.mark.parametrize("path", [
    "/doc/../../etc/passwd", "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/doc/..", "/doc/%2e%2e",
    "/doc/a..b", "/doc/..%5c..%5cwindows", "/doc/suzhou\\gov", "/doc/c:%5cboot.ini", "/doc/no-such-doc",
    "/doc/" + "a" * 200, "/api/doc/..", "/api/doc/%2e%2e%2fx", "/api/doc/no-such-doc",
])
def test_traversal_shaped_and_unknown_ids_are_404(fclient: FlaskClient, path: str) -> None:
    assert fclient.get(path).status_code == 404


# --- HTTP hardening -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=安全", "/doc/suzhou-gov-exec-120", "/api/search?q=安全",
                                  "/api/search.csv?q=安全", "/search.atom?q=安全", "/static/style.css",
                                  "/no-such-page", "/?page=abc"])
def test_security_headers_on_every_response(fclient: FlaskClient, path: str) -> None:
    response = fclient.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_every_route_is_get_or_head_only(fixture_app: Flask) -> None:
    for rule in fixture_app.url_map.iter_rules():
        assert rule.methods is not None and rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def concrete_paths(app: Flask) -> list[str]:
    values = {"doc_id": "suzhou-gov-exec-120", "filename": "style.css", "name": "苏州市市场监督管理局"}
    paths = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", values[arg], path)
        paths.append(path)
    return sorted(set(paths))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_writing_methods_are_405_on_every_route(fixture_app: Flask, fclient: FlaskClient, method: str) -> None:
    paths = concrete_paths(fixture_app)
    assert {"/", "/doc/suzhou-gov-exec-120", "/api/search", "/api/search.csv", "/search.atom"} <= set(paths)
    for path in paths:
        response = fclient.open(path, method=method)
        assert response.status_code == 405, (method, path)
        assert response.headers["Allow"] == "GET, HEAD"
        if path.startswith("/api/"):
            assert response.get_json() == {"error": "本站只读，只接受 GET 和 HEAD 请求"}


def test_head_is_allowed(fclient: FlaskClient) -> None:
    response = fclient.head("/?q=安全")
    assert response.status_code == 200 and response.data == b""


def test_unknown_page_is_a_friendly_404(fclient: FlaskClient) -> None:
    response = fclient.get("/no-such-page")
    assert response.status_code == 404
    assert "未找到该页面或文档" in response.get_data(as_text=True)


def test_templates_never_mark_text_safe() -> None:
    templates = Path(__file__).resolve().parent.parent / "webui" / "templates"
    for path in templates.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "<script>" not in source, path


def test_year_chart_narrows_bars_and_labels_only_the_ends_for_many_years() -> None:
    histogram = [(1950 + i, i + 1) for i in range(60)]
    chart = year_chart(histogram, QueryState(), lambda s: "/?" + s.query_string())
    assert (chart.width, chart.bar_width, chart.height) == (720.0, 9.6, 80.0)
    assert [b.year for b in chart.bars if b.label] == ["1950", "2009"]
    assert (chart.bars[0].height, chart.bars[0].y, chart.bars[-1].height) == (1.3, 78.7, 80.0)
    assert chart.bars[0].toggle_url == "/?year=1950"


def test_unexpected_errors_are_a_plain_500_without_traceback(fixture_index: Path) -> None:
    app = create_app({"INDEX_DIR": str(fixture_index), "TESTING": True})

    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    assert "服务器内部错误，请稍后再试" in page.get_data(as_text=True)
    assert "secret internals" not in page.get_data(as_text=True) and "Traceback" not in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    api = client.get("/api/boom")
    assert (api.status_code, api.get_json()) == (500, {"error": "服务器内部错误，请稍后再试"})


def test_search_page_shows_at_most_six_department_chips_per_hit(client: FlaskClient) -> None:
    # the paragraph of the 无废城市 plan that lists the ministries choosing the pilot cities names
    # 12 of them, and its issuer (国务院办公厅) makes 13 (it no longer inherits its chapter's)
    html = client.get("/?q=确定试点城市&group=para").get_data(as_text=True)
    waste_city = next(h for h in html.split('<li class="hit">')[1:] if "无废城市" in h)
    assert waste_city.count('<a class="chip"') == 6
    assert '<li class="more">等 13 个部门</li>' in waste_city


def test_facet_values_with_slash_percent_and_chinese_round_trip_through_the_page(fclient: FlaskClient) -> None:
    response = fclient.get("/?q=安全生产&dept=市发改委/综合处 100%")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<strong class="total">0</strong>' in html
    chip = re.search(r'<a class="chip removable" href="([^"]+)"[^>]*>涉及部门：市发改委/综合处 100%', html)
    assert chip and unescape(chip.group(1)) == "/?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7"
    url, _ = facet_links(html, "dept")["市发改委/综合处 100%"]
    assert url == "/?q=安全生产"


def test_server_binds_loopback_by_default() -> None:
    defaults = {name: p.default for name, p in inspect.signature(serve).parameters.items() if name != "app"}
    assert defaults == {"host": "127.0.0.1", "port": 8000, "threads": 8, "idle_timeout": 15}


@pytest.mark.parametrize("path", ["/", "/?q=安全生产", "/?q=不存在的词语组合xyz", "/doc/suzhou-gov-exec-120", "/decisions"])
def test_every_page_has_one_h1_and_a_skip_link(fclient: FlaskClient, path: str) -> None:
    html = fclient.get(path).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">跳到正文</a>' in html
    assert '<main class="site-main" id="main"' in html
