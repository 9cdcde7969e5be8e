"""JSON, CSV and Atom endpoints over real indexes (fixtures from ``conftest``)."""
from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient

from conftest import ESCAPED_SCRIPT, SCRIPT
from indexer.query import SearchParams
from indexer.csvexport import safe_cell as csv_cell
from indexer.query import export
from webui.api import CSV_COLUMNS

ATOM = "{http://www.w3.org/2005/Atom}"


def test_search_json_has_the_result_shape_field_by_field(fclient: FlaskClient) -> None:
    response = fclient.get("/api/search?q=两网融合")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert list(data) == ["query", "total", "total_docs", "group", "page", "per_page", "fallback", "dropped", "hits", "facets",
                          "took_ms", "notice", "suggestion", "selected"]
    assert (data["query"], data["total"], data["total_docs"], data["group"], data["page"], data["per_page"],
            data["fallback"], data["notice"]) == ("两网融合", 1, 1, "doc", 1, 10, None, None)
    assert isinstance(data["took_ms"], float)
    hit = data["hits"][0]
    assert hit["score"] > 0
    assert hit["indexed_at"] == fclient.get("/api/doc/suzhou-gov-exec-120").get_json()["indexed_at"]
    assert {k: v for k, v in hit.items() if k not in ("score", "indexed_at")} == {
        "doc_id": "suzhou-gov-exec-120",
        "para_id": "p13",
        "title": "苏州市政府第120次常务会议纪要",
        "kind": "minutes",
        "date": "2020-12-07",
        "meeting": "苏州市政府第120次常务会议",
        "item": "五",
        "label": "五（三）",
        "departments": [],
        "topics": ["城乡建设、环境保护"],
        "doc_number": None,
        "jurisdiction": None,
        "page": 6,
        "text": "（三）各地各相关部门要积极探索再生资源回收和垃圾分类处置“两网融合”，推动“互联网+资源回收”深入发展，"
                "提升“962030”预约回收平台服务水平，扩大回收体系的服务范围。",
        "snippet": "（三）各地各相关部门要积极探索再生资源回收和垃圾分类处置“<mark>两网融合</mark>”，推动“互联网+资源回收”深入发展，"
                   "提升“962030”预约回收平台服务水平，扩大回收体系的服务范围。",
        "url": "/doc/suzhou-gov-exec-120#p13",
        "citation": "苏州市政府第120次常务会议纪要 五（三） 第6页",
        "doc_hits": 1,
        "more": [],
    }
    assert data["facets"] == {
        "department": [], "lead": [], "issuer": [], "year": [{"value": 2020, "count": 1}], "topic": [{"value": "城乡建设、环境保护", "count": 1}],
        "kind": [{"value": "minutes", "count": 1}], "meeting": [{"value": "苏州市政府第120次常务会议", "count": 1}],
        "jurisdiction": [], "dept_type": [], "legal_level": [],  # the hand-made fixture states no place
    }
    assert data["selected"] == {"department": {}, "lead": {}, "issuer": {}}


def test_department_filter_changes_totals_and_facet_counts(fclient: FlaskClient) -> None:
    everything = fclient.get("/api/search?q=安全生产").get_json()
    assert everything["total"] == 6
    assert everything["facets"]["kind"] == [{"value": "minutes", "count": 3}, {"value": "other", "count": 3}]
    filtered = fclient.get("/api/search?q=安全生产&dept=苏州市应急管理局").get_json()
    assert filtered["total"] == 1
    assert filtered["facets"]["kind"] == [{"value": "minutes", "count": 1}]
    assert [(h["doc_id"], h["para_id"]) for h in filtered["hits"]] == [("suzhou-gov-exec-120", "p3")]


def test_filters_sort_and_paging_parameters_reach_the_engine(fclient: FlaskClient) -> None:
    data = fclient.get("/api/search?q=安全生产&kind=other&sort=oldest&per_page=2&page=2&group=para&ignored=1").get_json()
    assert (data["total"], data["page"], data["per_page"]) == (3, 2, 2)
    assert [(h["doc_id"], h["para_id"]) for h in data["hits"]] == [("law-cf7c1ffb68", "p3")]
    years = fclient.get("/api/search?q=安全生产&year_from=2021&year_to=2021").get_json()
    assert {h["date"] for h in years["hits"]} == {"2021-06-10"}


@pytest.mark.parametrize("query, message", [
    ("page=0", "页码必须从 1 开始 (page must be >= 1, got 0)"),
    ("page=-1", "页码无效：-1（应为正整数）"),
    ("page=abc", "页码无效：abc（应为正整数）"),
    ("page=1000000000", "最多只能翻到第 10000 条结果 (only the first 10000 results can be paged through)"),
    ("per_page=1000", "每页条数必须在 1 到 100 之间 (per_page must be 1..100, got 1000)"),
    ("sort=random", "排序方式无效：random（可选 relevance / newest / oldest / indexed）"),
    ("year=abc", "年份无效：abc（应为 1900–2100 之间的四位数字）"),
    ("dept=%00", "筛选条件“涉及部门”的值无效"),
    ("dept=" + "x" * 101, "筛选条件“涉及部门”的值无效"),
    ("&".join(f"topic=t{i}" for i in range(21)), "筛选条件“主题”最多可选 20 个值"),
])
def test_bad_parameters_are_400_json(fclient: FlaskClient, query: str, message: str) -> None:
    for path in ("/api/search", "/api/search.csv", "/search.atom"):
        response = fclient.get(f"{path}?q=安全&{query}")
        assert response.status_code == 400, path
        assert response.get_json() == {"error": message}


def test_bad_query_syntax_is_400_json(fclient: FlaskClient) -> None:
    response = fclient.get("/api/search", query_string={"q": "(((" * 400})
    assert response.status_code == 400
    assert "error" in response.get_json() and "检索式过长" in response.get_json()["error"]


def test_document_json_is_the_record_plus_url(fclient: FlaskClient) -> None:
    data = fclient.get("/api/doc/suzhou-gov-exec-120").get_json()
    assert data["url"] == "http://localhost/doc/suzhou-gov-exec-120"
    assert (data["doc_id"], data["kind"], data["title"], data["date"]) == (
        "suzhou-gov-exec-120", "minutes", "苏州市政府第120次常务会议纪要", "2020-12-07")
    assert {"body": "苏州市人民政府", "name": "常务会议", "number": 120, "date": "2020-12-07",
            "chair": "李亚平"}.items() <= data["meeting"].items()
    assert [p["para_id"] for p in data["paragraphs"]] == [f"p{n}" for n in range(1, 15)]
    assert data["paragraphs"][11]["label"] == "五（一）"
    assert [it["label"] for it in data["items"]] == ["一", "二", "三", "四", "五"]


def test_document_json_keeps_hostile_text_as_data(fclient: FlaskClient) -> None:
    data = fclient.get("/api/doc/test-xss").get_json()
    assert data["title"] == "关于<script>alert(1)</script>检验 & 检测的通知"


def test_unknown_document_is_404_json(fclient: FlaskClient) -> None:
    response = fclient.get("/api/doc/no-such-doc")
    assert response.status_code == 404
    assert response.get_json() == {"error": "未找到该页面或文档"}
    assert fclient.get("/api/nothing-here").get_json() == {"error": "未找到该页面或文档"}


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_header_and_one_row_per_paragraph(fclient: FlaskClient) -> None:
    response = fclient.get("/api/search.csv?q=安全生产&sort=oldest&group=para")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=policysearch.csv"
    rows = read_csv(response.data)
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + 6
    first = dict(zip(rows[0], rows[1]))
    assert first == {
        "doc_id": "suzhou-gov-exec-120", "para_id": "p1", "title": "苏州市政府第120次常务会议纪要", "kind": "minutes",
        "date": "2020-12-07", "meeting": "苏州市政府第120次常务会议", "item": "", "label": "", "departments": "",
        "topics": "市场监管、安全生产监管；工业、交通；城乡建设、环境保护", "doc_number": "", "jurisdiction": "", "page": "3",
        # the document page's 引用 for the paragraph: GB/T 7714 reference and permalink
        "citation": "苏州市人民政府. 苏州市政府第120次常务会议纪要[Z]. 2020-12-07: 3. http://localhost/doc/suzhou-gov-exec-120#p1",
        "permalink": "http://localhost/doc/suzhou-gov-exec-120#p1",
        "text": first["text"],
    }
    assert first["text"].startswith("2020年12月7日上午，李亚平市长主持召开市政府第120次常务会议")
    assert {r[0] for r in rows[1:]} == {"suzhou-gov-exec-120", "law-cf7c1ffb68"}


def test_csv_keeps_markup_as_text_and_neutralises_formulas(fclient: FlaskClient) -> None:
    rows = read_csv(fclient.get("/api/search.csv?q=测试段落").data)
    assert rows[1][CSV_COLUMNS.index("text")] == f"测试段落{SCRIPT}注入 & 转义"
    assert [csv_cell(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "正文", 3, None)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "正文", 3, None]


def test_export_hits_reads_one_ranking_up_to_the_limit(fixture_app: Flask) -> None:
    store = fixture_app.extensions["policysearch"].store
    params = SearchParams(q="安全生产", sort="oldest", group="para", page=7, per_page=3)  # page ignored
    four = [(h["doc_id"], h["para_id"]) for h in export(store, params, 4).hits]
    everything = list(export(store, params, 10_000).hits)
    assert len(four) == 4 and len(everything) == 6
    assert four == [(h["doc_id"], h["para_id"]) for h in everything[:4]]
    documents = list(export(store, SearchParams(q="安全生产", sort="oldest"), 10_000).hits)
    assert len(documents) == len({h["doc_id"] for h in everything}) == 2


def test_atom_feed_is_valid_xml_with_newest_entries_first(fclient: FlaskClient) -> None:
    response = fclient.get("/search.atom?q=安全生产&group=para")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "政策文件检索：安全生产"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6
    # published: the document's date; updated: when it was indexed (stored, shown by /api/doc)
    assert [e.findtext(f"{ATOM}published") for e in entries] == ["2021-06-10T00:00:00Z"] * 3 + ["2020-12-07T00:00:00Z"] * 3
    indexed = {d: fclient.get(f"/api/doc/{d}").get_json()["indexed_at"] for d in ("law-cf7c1ffb68", "suzhou-gov-exec-120")}
    assert [e.findtext(f"{ATOM}updated") for e in entries] == \
        [indexed["law-cf7c1ffb68"]] * 3 + [indexed["suzhou-gov-exec-120"]] * 3
    assert feed.findtext(f"{ATOM}updated") == max(indexed.values())
    assert all(stamp.startswith("20") and stamp.endswith("Z") and stamp[:10] != "2021-06-10" for stamp in indexed.values())
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("http://localhost/doc/") and "?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7#p" in link for link in links)
    assert [e.findtext(f"{ATOM}id") for e in entries] == links
    assert entries[0].findtext(f"{ATOM}title") == "中华人民共和国安全生产法 第一条"


def test_atom_feed_escapes_document_text(fclient: FlaskClient) -> None:
    body = fclient.get("/search.atom?q=测试段落").data.decode("utf-8")
    assert SCRIPT not in body and ESCAPED_SCRIPT in body
    entry = ET.fromstring(body.encode("utf-8")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == f"测试段落{SCRIPT}注入 & 转义"


def test_json_responses_carry_security_headers(fclient: FlaskClient) -> None:
    response = fclient.get("/api/search?q=安全")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_known_query_on_the_sample_corpus_returns_the_seed_paragraph_first(client: FlaskClient) -> None:
    data = client.get("/api/search?q=再生资源回收&group=para").get_json()
    # Item 五 of the seed (its heading, decision and two directives), the agenda paragraph, and
    # one State Council policy; the heading ranks first (heading boost, phrase in the title-like line).
    assert data["total"] == 6 and data["fallback"] is None
    first = data["hits"][0]
    assert (first["doc_id"], first["kind"], first["date"], first["meeting"], first["item"], first["page"]) == (
        "suzhou-gov-exec-120", "minutes", "2020-12-07", "苏州市政府第120次常务会议", "五", 6)
    assert first["title"] == "苏州市人民政府第120次常务会议纪要"
    assert first["url"] == f"/doc/suzhou-gov-exec-120#{first['para_id']}"
    assert first["citation"] == "苏州市政府第120次常务会议纪要 五 第6页"
    # the heading names no department: it is tagged with the meeting's body (the issuer) only
    assert first["departments"] == ["苏州市人民政府"]
    assert first["topics"] == ["城乡建设、环境保护"]
    assert first["text"] == "五、审议《关于推进苏州市再生资源回收利用体系建设实施意见》"
    assert first["snippet"] == "五、审议《关于推进苏州市<mark>再生资源回收</mark>利用体系建设实施意见》"
    assert [h["label"] for h in data["hits"][1:4]] == ["五（一）", "五（二）", "五（三）"]
    # only 五（一） names 市供销社 (as the lead of its decision): the item's other paragraphs no
    # longer inherit it
    assert {"value": "苏州市供销合作总社", "count": 1} in data["facets"]["department"]
    assert data["facets"]["lead"] == [{"value": "苏州市供销合作总社", "count": 1}]
    narrowed = client.get("/api/search?q=再生资源回收&dept=苏州市供销合作总社").get_json()
    assert narrowed["total"] == 1
    assert {h["doc_id"] for h in narrowed["hits"]} == {"suzhou-gov-exec-120"}
