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
    assert len(names) == total == 89 and 'class="pager"' not in whole  # fewer than 200: one page
    pages = []
    href: str | None = "/dept?per_page=30"
    while href:
        html = client.get(href).get_data(as_text=True)
        pages.append(listed(html))
        href = pager_hrefs(html).get("下一页")
        if href:
            assert ("per_page", "30") in parse_qsl(urlsplit(href).query)
    assert [len(p) for p in pages] == [30, 30, 29]
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
