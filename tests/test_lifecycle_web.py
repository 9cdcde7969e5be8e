"""Decisions table, department pages and document links over a real index (and in Chromium)."""
from __future__ import annotations

import contextlib
import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from werkzeug.serving import make_server

from indexer.extract import extract_path
from indexer.models import Document, Meeting, Paragraph
from indexer.pipeline import index_documents, read_document as parse
from indexer.engine import IndexStore
from webui import create_app

ICT = "苏州市工业和信息化局"
SAMR = "苏州市市场监督管理局"
COOP = "苏州市供销合作总社"
REG_TITLE = "医疗保障基金使用监督管理条例"
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "suzhou-120th-executive-meeting-2020-12-07.txt"


def _parse_all(path: Path) -> list[Document]:
    extracted, problems = extract_path(path)
    assert problems == []
    return [parse(e) for e in extracted]


def _corpus() -> list[Document]:
    sc = Document(
        doc_id="gwyhy-20201209", kind="minutes", title="李克强主持召开国务院常务会议（2020-12-09）", date="2020-12-09",
        issuer="国务院常务会议", meeting=Meeting(body="国务院", name="常务会议", date="2020-12-09", chair="李克强"),
        paragraphs=[Paragraph("p1", f"会议通过《{REG_TITLE}（草案）》。")], sha1="sc",
    )
    reg = Document(
        doc_id="law-2961f7a87e", kind="other", title=REG_TITLE, date="2021-01-15", issuer="国务院",
        doc_number="中华人民共和国国务院令第735号",
        paragraphs=[Paragraph("p1", "2020年12月9日 国务院第117次常务会议通过"), Paragraph("p2", "第一条 为了加强医疗保障基金使用监督管理……", label="第一条")],
        metadata={"adopted": [{"body": "国务院", "number": 117, "date": "2020-12-09"}]}, sha1="reg",
    )
    return [*_parse_all(SEED), sc, reg]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    index_dir = tmp_path_factory.mktemp("index")
    store = IndexStore.create_or_open(index_dir)
    index_documents(store, _corpus())
    store.close()
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


def test_decisions_api_lists_seed_decisions_with_actions_and_leads(app: Flask) -> None:
    data = app.test_client().get("/api/decisions?action=原则同意&sort=date&order=asc").get_json()
    assert data["total"] == 5
    assert [(r["item"], r["label"], r["lead_department"], r["url"]) for r in data["rows"]] == [
        ("一", "（一）", "苏州市应急管理局", "/doc/suzhou-gov-exec-120#p4"),
        ("二", "（一）", ICT, "/doc/suzhou-gov-exec-120#p9"),
        ("三", "（一）", SAMR, "/doc/suzhou-gov-exec-120#p13"),
        ("四", "（一）", SAMR, "/doc/suzhou-gov-exec-120#p17"),
        ("五", "（一）", COOP, "/doc/suzhou-gov-exec-120#p21"),
    ]
    assert data["rows"][1]["dept_url"] == f"/dept/{quote(ICT)}"
    assert data["facets"]["department"] == [
        {"value": SAMR, "count": 2}, {"value": COOP, "count": 1}, {"value": ICT, "count": 1}, {"value": "苏州市应急管理局", "count": 1}
    ]
    every = app.test_client().get("/api/decisions").get_json()
    assert every["total"] == 16  # all （一）（二）… of the seed's five items
    assert every["facets"]["action"] == [
        {"value": "要求", "count": 6}, {"value": "原则同意", "count": 5}, {"value": "指出", "count": 5}
    ]


def test_decisions_filter_by_alias_text_and_year(app: Flask) -> None:
    client = app.test_client()
    rows = client.get("/api/decisions?dept=市工信局").get_json()["rows"]
    assert [r["subjects"] for r in rows] == [["关于推进制造业智能化改造和数字化转型的若干措施"]]
    assert [r["url"] for r in client.get("/api/decisions?q=再生资源 原则同意").get_json()["rows"]] == ["/doc/suzhou-gov-exec-120#p21"]
    assert client.get("/api/decisions?year=2019").get_json()["total"] == 0


def test_decisions_bad_parameters_are_400_json(app: Flask) -> None:
    client = app.test_client()
    for url in ("/api/decisions?sort=evil", "/api/decisions?year=20x0", "/api/decisions?page=0", "/api/decisions?q=" + "长" * 300):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "error" in response.get_json()


def test_decisions_page_and_csv(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/decisions?dept=" + SAMR).get_data(as_text=True)
    assert html.count('<tr data-doc="suzhou-gov-exec-120"') == 2  # items 三 and 四
    assert f'href="/dept/{quote(SAMR)}"' in html
    response = client.get("/api/decisions.csv?action=原则同意")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["meeting", "jurisdiction", "date", "item", "label", "action"]
    assert len(rows) == 6
    assert [r[3] for r in rows[1:]] == ["一", "二", "三", "四", "五"]
    assert rows[2][:4] == ["苏州市政府第120次常务会议", "苏州市人民政府", "2020-12-07", "二"]


def test_department_alias_redirects_to_canonical_page_with_seed_decision(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/dept/市工信局")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/dept/{quote(ICT)}")
    html = client.get(f"/dept/{ICT}").get_data(as_text=True)
    assert f'<dd class="canonical-name">{ICT}</dd>' in html
    assert '<span class="chip">市工信局</span>' in html
    assert "《关于推进制造业智能化改造和数字化转型的若干措施》" in html
    assert 'href="/doc/suzhou-gov-exec-120#p9"' in html
    assert '<dd class="decision-count">1 项</dd>' in html
    # p9 names 市工信局 (the lead of item 二's decision); the item's other paragraphs do not, and
    # no longer inherit it
    assert "最近提及（共 1 段）" in html
    assert client.get("/dept/不存在的部门").status_code == 404


def test_doc_links_api_both_directions(app: Flask) -> None:
    client = app.test_client()
    reg = client.get("/api/doc/law-2961f7a87e/links").get_json()
    assert [(l["relation"], l["other_id"], l["number"], l["days"], l["basis"]) for l in reg["links"]] == [
        ("adopted_at", "gwyhy-20201209", 117, 37, "title")
    ]
    meeting = client.get("/api/doc/gwyhy-20201209/links").get_json()
    assert [(l["relation"], l["other_id"], l["other_title"]) for l in meeting["links"]] == [
        ("adopted", "law-2961f7a87e", REG_TITLE)
    ]
    assert client.get("/api/doc/nope/links").status_code == 404


def _panel(app: Flask, doc_id: str) -> str:
    html = app.test_client().get(f"/doc/{doc_id}").get_data(as_text=True)
    start = html.find('<section class="lifecycle"')
    return html[start:html.index("</section>", start) + len("</section>")] if start >= 0 else ""


def test_lifecycle_panel_on_the_document_page(app: Flask) -> None:
    html = _panel(app, "law-2961f7a87e")
    assert '<li data-relation="adopted_at">' in html
    assert '<a href="/doc/gwyhy-20201209">李克强主持召开国务院常务会议（2020-12-09）</a>' in html
    assert "国务院第117次常务会议" in html and "会后 37 天公布" in html
    assert "<h3>时间线</h3>" in html
    assert f'<a href="/doc/law-2961f7a87e">{REG_TITLE}</a>' in _panel(app, "gwyhy-20201209")
    assert _panel(app, "suzhou-gov-exec-120") == ""  # nothing linked: no empty section


# --- in the browser --------------------------------------------------------------------------


@contextlib.contextmanager
def _serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextlib.contextmanager
def _browser():  # type: ignore[no-untyped-def]
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def live_url(app: Flask) -> Iterator[str]:
    with _serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def page(live_url: str):  # type: ignore[no-untyped-def]
    with _browser() as page:
        yield page


def test_browser_regulation_and_meeting_pages_show_each_other(page, live_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_url}/doc/law-2961f7a87e")
    link = page.locator("#lifecycle li[data-relation=adopted_at] a")
    assert link.inner_text() == "李克强主持召开国务院常务会议（2020-12-09）"
    assert "会后 37 天公布" in page.locator("#lifecycle").inner_text()
    link.click()
    page.wait_for_url(f"{live_url}/doc/gwyhy-20201209")
    back = page.locator("#lifecycle li[data-relation=adopted] a")
    assert back.inner_text() == REG_TITLE


def test_browser_department_page_from_decisions_table(page, live_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_url}/decisions?q=智能化改造 原则同意")
    assert page.locator("table.decisions-table tbody tr").count() == 1
    page.locator("table.decisions-table a.dept").click()
    page.wait_for_url(f"{live_url}/dept/*")
    assert page.locator("h1").inner_text() == ICT
    assert page.locator(".dept-decisions li").count() == 1


def test_department_url_helper_for_other_pages(app: Flask) -> None:
    with app.test_request_context("/"):
        url = app.jinja_env.globals["dept_url"]
        assert url("市工信局") == f"/dept/{quote(ICT)}"
        assert url(ICT) == f"/dept/{quote(ICT)}"
        assert url("某不存在的单位") is None


def test_decisions_page_escapes_reflected_filter(app: Flask) -> None:
    html = app.test_client().get('/decisions?q=<script>alert(1)</script>"').get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&#34;"' in html
    assert "没有符合条件的决定。" in html


def test_shared_corpus_regulations_and_adopting_meetings_both_ways(shared_corpus: Path, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    """The real summaries and regulations: API both directions, then the pages in Chromium."""
    # one year of both (the whole set is linked in test_lifecycle.py) keeps the index small
    laws = [
        d for d in _parse_all(ROOT / "corpus" / "laws-lawrefbook-sample.jsonl")
        if any(a["date"].startswith("2020") for a in d.metadata.get("adopted", []))
    ]
    meetings = [d for d in _parse_all(shared_corpus / "minutes-state-council-xwlb.jsonl") if d.year == 2020]
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, [*laws, *meetings])
    store.close()
    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True})
    client = app.test_client()

    by_title = {d.title: d.doc_id for d in laws}
    reg = client.get(f"/api/doc/{by_title['排污许可管理条例']}/links").get_json()
    ((relation, meeting_id, number, days),) = [(l["relation"], l["other_id"], l["number"], l["days"]) for l in reg["links"]]
    assert (relation, number, days) == ("adopted_at", 117, 46)
    meeting = client.get(f"/api/doc/{meeting_id}/links").get_json()
    assert meeting_id == next(d.doc_id for d in meetings if d.date == "2020-12-09")
    assert sorted((l["relation"], l["other_title"]) for l in meeting["links"]) == [
        ("adopted", "医疗保障基金使用监督管理条例"), ("adopted", "排污许可管理条例")
    ]
    with _serve(app) as url:
        page.goto(f"{url}/doc/{by_title['排污许可管理条例']}")
        assert "会后 46 天公布" in page.locator("#lifecycle").inner_text()
        page.locator("#lifecycle li[data-relation=adopted_at] a").click()
        page.wait_for_url(f"{url}/doc/{meeting_id}")
        assert sorted(page.locator("#lifecycle li[data-relation=adopted] a").all_inner_texts()) == [
            "医疗保障基金使用监督管理条例", "排污许可管理条例"
        ]


def test_department_chips_facets_and_nav_lead_to_department_pages(app: Flask) -> None:
    html = app.test_client().get("/?q=智能化改造&group=para").get_data(as_text=True)  # p9 names 市工信局
    ict = quote(ICT)
    assert f'<a class="chip" href="/dept/{ict}">{ICT}</a>' in html  # hit chip -> department page
    assert f'class="dept-page" href="/dept/{ict}"' in html  # facet value keeps its filter link, plus ›
    assert 'href="/decisions"' in html  # navigation


def test_api_doc_carries_links_cited_by_and_timeline(app: Flask) -> None:
    data = app.test_client().get("/api/doc/suzhou-gov-exec-120").get_json()
    assert {"links", "cited_by", "timeline", "url"} <= set(data)
    assert data["meeting"]["number"] == 120


def test_department_page_lists_items_and_mentions_with_their_labels(app: Flask) -> None:
    html = app.test_client().get(f"/dept/{ICT}").get_data(as_text=True)
    assert "苏州市政府第120次常务会议 二、审议《关于推进制造业智能化改造和数字化转型的若干措施》" in html
    assert "二、二、" not in html
    assert "苏州市人民政府第120次常务会议纪要 二（一）</a>" in html  # a mention, with its paragraph label
