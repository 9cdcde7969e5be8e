"""The document page opened from a search: how many paragraphs the search matched, and
上一处/下一处 links between them, from the search's own ranking (real indexes)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from indexer.query import SearchParams, document_hits
from webui.security import SECURITY_HEADERS

NAV = re.compile(r'<nav class="hit-nav" aria-label="第 (\d+) 处命中">(.*?)</nav>', re.S)


def hit_navs(html: str) -> list[dict[str, str | None]]:
    """Per matching paragraph, in page order: its section id, number, and the anchors its
    上一处/下一处 link to (None when shown disabled)."""
    out = []
    for section in re.findall(r'<section class="para[^"]*" id="([^"]+)"[^>]*>(.*?)</section>', html, re.S):
        para_id, body = section
        found = NAV.search(body)
        if not found:
            continue
        prev = re.search(r'<a class="hit-prev" href="#([^"]+)">上一处</a>', found.group(2))
        nxt = re.search(r'<a class="hit-next" href="#([^"]+)">下一处</a>', found.group(2))
        out.append({"id": para_id, "number": found.group(1),
                    "prev": prev.group(1) if prev else None, "next": nxt.group(1) if nxt else None})
    return out


def hit_count(html: str) -> int | None:
    found = re.search(r'<strong class="hit-count">(\d+)</strong>', html)
    return int(found.group(1)) if found else None


def test_a_two_hit_document_links_its_hits_to_each_other(fclient: FlaskClient) -> None:
    results = fclient.get(f"/?q={quote('就业')}").get_data(as_text=True)
    # the search result links to its best paragraph, p2, with the query
    assert '/doc/gwyhy-f90601466c?q=%E5%B0%B1%E4%B8%9A#p2' in results
    html = fclient.get("/doc/gwyhy-f90601466c?q=就业").get_data(as_text=True)
    assert hit_count(html) == 2
    assert "本文共 <strong class=\"hit-count\">2</strong> 段命中“就业”" in html
    assert hit_navs(html) == [
        {"id": "p1", "number": "1", "prev": None, "next": "p2"},
        {"id": "p2", "number": "2", "prev": "p1", "next": None},  # the second hit's 上一处 is the first
    ]
    assert '<span class="hit-prev" aria-disabled="true">上一处</span>' in html
    assert '<span class="hit-next" aria-disabled="true">下一处</span>' in html
    assert '<a class="hit-first" href="#p1">第一处</a>' in html and '<a class="hit-last" href="#p2">最后一处</a>' in html
    assert html.count('class="para role-') == 3 and html.count(" is-hit\"") == 2


@pytest.mark.parametrize("q", ["就业", "安全生产", "再生资源回收", "就业 两网融合", "国发〔2018〕39号"])
def test_the_page_counts_what_the_result_counted(fclient: FlaskClient, q: str) -> None:
    """Every result's ``doc_hits`` is the number of hits its document page steps through, the
    fallback (就业 两网融合: no paragraph holds both) included."""
    data = fclient.get("/api/search", query_string={"q": q}).get_json()
    assert data["hits"], q
    for hit in data["hits"]:
        html = fclient.get(f"/doc/{hit['doc_id']}", query_string={"q": q}).get_data(as_text=True)
        navs = hit_navs(html)
        assert hit_count(html) == len(navs) == hit["doc_hits"], (q, hit["doc_id"])
        ids = [n["id"] for n in navs]
        assert hit["para_id"] in ids and all(m["para_id"] in ids for m in hit["more"])
        assert [n["next"] for n in navs] == ids[1:] + [None] and [n["prev"] for n in navs] == [None] + ids[:-1]


def test_fallback_query_marks_what_the_fallback_matched(fclient: FlaskClient) -> None:
    data = fclient.get("/api/search", query_string={"q": "就业 两网融合"}).get_json()
    assert data["fallback"] == "or"
    html = fclient.get("/doc/suzhou-gov-exec-120", query_string={"q": "就业 两网融合"}).get_data(as_text=True)
    assert "<mark>两网融合</mark>" in html
    assert [n["id"] for n in hit_navs(html)] == ["p13"]


def test_filters_of_the_search_apply_to_the_hits(fclient: FlaskClient) -> None:
    """安全生产 in the seed minutes with 部门=苏州市应急管理局: the one paragraph the result counted."""
    args = {"q": "安全生产", "dept": "苏州市应急管理局"}
    data = fclient.get("/api/search", query_string=args).get_json()
    [hit] = [h for h in data["hits"] if h["doc_id"] == "suzhou-gov-exec-120"]
    html = fclient.get("/doc/suzhou-gov-exec-120", query_string=args).get_data(as_text=True)
    assert hit_count(html) == hit["doc_hits"] == 1
    assert [n["id"] for n in hit_navs(html)] == ["p3"]
    unfiltered = fclient.get("/doc/suzhou-gov-exec-120", query_string={"q": "安全生产"}).get_data(as_text=True)
    assert hit_count(unfiltered) == 3


def test_without_a_query_or_with_a_bad_state_there_is_no_hit_navigation(fclient: FlaskClient) -> None:
    plain = fclient.get("/doc/gwyhy-f90601466c").get_data(as_text=True)
    assert "hit-summary" not in plain and "hit-nav" not in plain and "<mark>" not in plain
    # a hand-edited URL the search refuses (year=abc): the document, its words marked, no steps
    response = fclient.get("/doc/gwyhy-f90601466c?q=就业&year=abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>就业</mark>" in html and 'class="hit-nav"' not in html
    nothing = fclient.get("/doc/gwyhy-f90601466c?q=两网融合").get_data(as_text=True)
    assert "本文没有段落命中“两网融合”。" in unescape(nothing) and 'class="hit-nav"' not in nothing


def test_keyboard_steps_come_from_a_static_script_the_policy_allows(fclient: FlaskClient) -> None:
    html = fclient.get("/doc/gwyhy-f90601466c?q=就业").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "script-src 'self'" in SECURITY_HEADERS["Content-Security-Policy"]
    js = fclient.get("/static/doc.js")
    assert js.status_code == 200 and "stepHit" in js.get_data(as_text=True)
    assert '<span class="hit-keys" hidden>' in html  # shown only by the script that handles the keys


def test_document_hits_reads_the_search_ranking(store) -> None:  # type: ignore[no-untyped-def]
    found = document_hits(store, SearchParams(q="就业"), "gov-4d9e4925d2")
    # the title holds 就业: every paragraph of the document matches, as the result counts it
    assert found.para_ids == ["p1", "p2", "p3", "p4"]
    assert "就业" in found.compiled.terms
    assert document_hits(store, SearchParams(q="就业"), "suzhou-gov-exec-120").para_ids == []
