"""Long listings page through URL state: /decisions honours ``per_page`` (checked as the
search checks it) and /dept lists its departments a page at a time (the shipped corpus)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from webui.departments import page_of_groups

ROW = re.compile(r'<tr data-doc="([^"]+)" data-para="([^"]*)">')


def pager_hrefs(html: str) -> dict[str, str]:
    """Link text -> href of the pager (上一页, page numbers, 下一页)."""
    nav = re.search(r'<nav class="pager" aria-label="分页">(.*?)</nav>', html, re.S)
    assert nav, "no pager"
    return {unescape(text): unescape(href) for href, text in re.findall(r'<a[^>]* href="([^"]+)">([^<]+)</a>', nav.group(1))}


def test_decisions_page_shows_per_page_rows_and_the_pager_keeps_it(client: FlaskClient) -> None:
    total = client.get("/api/decisions").get_json()["total"]
    assert total == 16  # the seed minutes' decisions
    first = client.get("/decisions?per_page=10").get_data(as_text=True)
    rows = ROW.findall(first)
    assert len(rows) == 10
    api = client.get("/api/decisions?per_page=10").get_json()["rows"]
    assert rows == [(r["doc_id"], r["para_id"] or "") for r in api]  # the page and the API agree
    links = pager_hrefs(first)
    assert dict(parse_qsl(urlsplit(links["下一页"]).query)) == {"per_page": "10", "page": "2"}
    second = client.get(links["下一页"]).get_data(as_text=True)
    assert len(ROW.findall(second)) == 6 and not set(ROW.findall(second)) & set(rows)
    # sorting and filtering keep the page size too
    sort_href = unescape(re.search(r'<a href="([^"]*sort=meeting[^"]*)"', first).group(1))  # type: ignore[union-attr]
    assert ("per_page", "10") in parse_qsl(urlsplit(sort_href).query)
    assert len(ROW.findall(client.get("/decisions").get_data(as_text=True))) == 16  # default 50 a page
    filtered = client.get("/decisions?per_page=10&nature=决定&sort=action").get_data(as_text=True)
    clear = unescape(re.search(r'<a class="clear-filters" href="([^"]+)"', filtered).group(1))  # type: ignore[union-attr]
    assert parse_qsl(urlsplit(clear).query) == [("per_page", "10"), ("sort", "action")]


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "每页条数无效：abc（应为正整数）"),
    ("0", "每页条数应为 1–500"),
    ("100000", "每页条数应为 1–500"),
    ("-5", "每页条数无效：-5（应为正整数）"),
])
def test_a_bad_per_page_on_decisions_is_a_400_in_chinese(client: FlaskClient, value: str, message: str) -> None:
    page = client.get("/decisions", query_string={"per_page": value})
    assert page.status_code == 400
    assert message in unescape(page.get_data(as_text=True))
    api = client.get("/api/decisions", query_string={"per_page": value})
    assert api.status_code == 400 and api.get_json() == {"error": message}


def test_page_of_groups_cuts_across_headings_in_reading_order() -> None:
    groups = [("国家", [("财政", ["a", "b"]), ("教育", ["c"])]), ("江苏省", [("其他", ["d", "e", "f"])])]
    assert page_of_groups(groups, 1, 2) == [("国家", [("财政", ["a", "b"])])]
    assert page_of_groups(groups, 2, 2) == [("国家", [("教育", ["c"])]), ("江苏省", [("其他", ["d"])])]
    assert page_of_groups(groups, 3, 2) == [("江苏省", [("其他", ["e", "f"])])]
    assert page_of_groups(groups, 4, 2) == []
    assert page_of_groups(groups, 1, 200) == groups


def listed(html: str) -> list[str]:
    return re.findall(r'<li><a href="/dept/[^"]+">([^<]+)</a>', html)


def test_dept_lists_every_department_a_page_at_a_time(client: FlaskClient) -> None:
    whole = client.get("/dept").get_data(as_text=True)
    names = listed(whole)
    total = int(re.search(r'<strong class="total">(\d+)</strong>', whole).group(1))  # type: ignore[union-attr]
    assert len(names) == total == 90 and 'class="pager"' not in whole  # fewer than 200: one page
    pages = []
    href: str | None = "/dept?per_page=30"
    while href:
        html = client.get(href).get_data(as_text=True)
        pages.append(listed(html))
        href = pager_hrefs(html).get("下一页")
        if href:
            assert ("per_page", "30") in parse_qsl(urlsplit(href).query)
    assert [len(p) for p in pages] == [30, 30, 30]
    assert [n for p in pages for n in p] == names  # the same order, each department once
    second = client.get("/dept?per_page=30&page=2").get_data(as_text=True)
    assert "本页为第 <span class=\"range\">31–60</span> 个" in second


@pytest.mark.parametrize(("query", "message"), [
    ("page=abc", "页码无效：abc（应为正整数）"),
    ("page=9", "页码无效：9（共 1 页）"),
    ("per_page=0", "每页条数应为 1–1000"),
])
def test_a_bad_dept_page_is_a_400_in_chinese(client: FlaskClient, query: str, message: str) -> None:
    response = client.get(f"/dept?{query}")
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


def cells(html: str, label: str) -> list[str]:
    return re.findall(rf'<td data-label="{label}"[^>]*>(.*?)</td>', html, re.S)


def test_decision_text_is_shown_and_long_ones_expand(client: FlaskClient) -> None:
    html = client.get("/decisions?per_page=50").get_data(as_text=True)
    api = {(r["doc_id"], r["para_id"]): r for r in client.get("/api/decisions?per_page=50").get_json()["rows"]}
    texts = cells(html, "决定内容")
    assert len(texts) == 16
    for (doc_id, para_id), cell in zip(ROW.findall(html), texts):
        full = api[(doc_id, para_id)]["text"]
        if len(full) <= 60:
            assert unescape(cell) == full
        else:  # the first 60 characters, and the whole text behind 展开
            assert f'<span class="preview">{full[:60]}…</span>' in unescape(cell)
            assert f"<p>{full}</p>" in unescape(cell) and "展开" in cell
    assert any("<details" in c for c in texts) and any("<details" not in c for c in texts)
    # 议题: the item and its sub-item apart; 决定 and 表述 told apart
    assert '<span class="item-no">二</span><span class="sub-no">（一）</span>' in html
    natures = re.findall(r'<span class="nature nature-(\w+)">(决定|表述)</span>', html)
    assert {n for n in natures} == {("decision", "决定"), ("remark", "表述")}
    assert len(natures) == 16


def test_decision_columns_sort_from_their_headers(client: FlaskClient) -> None:
    html = client.get("/decisions?per_page=10&nature=决定").get_data(as_text=True)
    headers = {label: href for href, label in re.findall(r'<a class="sort-header[^"]*" href="([^"]+)" title="按(\S+?)排序">', html)}
    assert list(headers) == ["会议", "日期", "决定类型", "牵头部门"]
    assert '<th scope="col" aria-sort="descending"><a class="sort-header active"' in html  # 日期, newest first
    by_dept = unescape(headers["牵头部门"])
    assert dict(parse_qsl(urlsplit(by_dept).query)) == {"per_page": "10", "nature": "决定", "sort": "lead_department"}
    sorted_html = client.get(by_dept).get_data(as_text=True)
    leads = [re.sub(r"<[^>]+>", "", c) for c in cells(sorted_html, "牵头部门")]
    assert leads == sorted([lead for lead in leads if lead], reverse=True) + [lead for lead in leads if not lead]
    assert 'aria-sort="descending"><a class="sort-header active"' in sorted_html
    assert unescape(re.search(r'<a class="sort-header active" href="([^"]+)"', sorted_html).group(1)).endswith("order=asc")  # type: ignore[union-attr]


def facet_counts(html: str, facet: str) -> dict[str, int]:
    section = re.search(rf'<section class="facet" data-facet="{facet}">(.*?)</section>', html, re.S)
    assert section, facet
    return {label: int(count) for label, count in re.findall(
        r'<span class="facet-label">([^<]+)</span>\s*<span class="facet-count">(\d+)</span>', section.group(1))}


def test_decision_facets_follow_the_filters_and_offer_meetings(client: FlaskClient) -> None:
    every = client.get("/decisions").get_data(as_text=True)
    assert facet_counts(every, "nature") == {"表述": 11, "决定": 5}
    assert facet_counts(every, "meeting") == {"苏州市政府第120次常务会议": 16}
    assert sum(facet_counts(every, "action").values()) == 16
    decided = client.get("/decisions?nature=决定").get_data(as_text=True)
    assert facet_counts(decided, "action") == {"原则同意": 5}  # follows the 决定 filter
    assert facet_counts(decided, "nature") == {"表述": 11, "决定": 5}  # its own values all stay
    meeting = client.get("/decisions?meeting=苏州市政府第120次常务会议&per_page=100").get_data(as_text=True)
    assert len(ROW.findall(meeting)) == 16
    assert len(ROW.findall(client.get("/decisions?meeting=另一次会议").get_data(as_text=True))) == 0
    too_long = client.get("/decisions", query_string={"nature": "长" * 120})
    assert too_long.status_code == 400 and "筛选条件“决定或表述”的值无效" in unescape(too_long.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/", "/decisions", "/dept", "/meetings", "/doc/suzhou-gov-exec-120"])
def test_every_page_links_the_department_list_from_its_header(client: FlaskClient, path: str) -> None:
    nav = re.search(r'<nav class="site-nav">(.*?)</nav>', client.get(path).get_data(as_text=True), re.S)
    assert nav and re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(1)) == [
        ("/", "检索"), ("/meetings", "会议"), ("/decisions", "会议决定"), ("/dept", "部门")]
