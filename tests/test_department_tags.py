"""Department tags mean something (issue 15 §2) and a department filter resolves per
jurisdiction (issue 13 §2), on a real index built from real-looking texts.

A paragraph is tagged with a department only when it names it, leads a decision in it, or issued
the document; 牵头部门 and 发文机关 are facets of their own; an alias in the URL selects its
canonical row; 市发改委 means each city's own body in that city's documents.
"""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from flask.testing import FlaskClient

from indexer.engine import IndexStore
from indexer.pipeline import ingest
from indexer.query import SearchParams, search
from paths import SEED
from webui import create_app

SUZHOU_NDRC = "苏州市发展和改革委员会"
HEZE_NDRC = "菏泽市发展和改革委员会"
STATE_COUNCIL = "中华人民共和国国务院"
NPC_SC = "全国人民代表大会常务委员会"

# A Suzhou record in the seed's form, and a 菏泽 record in the form its portal publishes: both
# write the development and reform commission as 市发改委.
SUZHOU_MINUTES = (
    "苏州市人民政府第121次常务会议纪要\n"
    "2021年1月11日上午，李亚平市长主持召开市政府第121次常务会议，研究数字经济发展等事项。会议议定事项如下：\n"
    "一、审议《苏州市推进数字经济和数字化发展三年行动计划》\n"
    "（一）原则同意《苏州市推进数字经济和数字化发展三年行动计划》。由市发改委根据本次会议讨论意见作进一步完善后，"
    "按程序发文实施。\n"
    "（二）各地各部门要加强统筹协调，确保各项任务落到实处。\n"
)
HEZE_MINUTES = (
    "菏泽市人民政府第60次常务会议纪要\n"
    "2022年10月8日，市长张伦主持召开第60次市政府常务会议。会议议定事项如下：\n"
    "（一）原则同意《菏泽市重大项目建设管理办法》，由市发改委按程序印发实施。\n"
    "（二）会议听取了市财政局关于财政收支情况的汇报。会议要求，各县区要加强资金保障。\n"
)
# Articles of the 安全生产法 (issued by 全国人大常委会): its first chapter names 国务院 in
# one article only.
LAW = {
    "id": "law-anquanshengchan", "kind": "other", "title": "中华人民共和国安全生产法", "issuer": NPC_SC,
    "date": "2021-06-10", "topic": "法律",
    "text": "第一章 总 则\n"
            "第一条 为了加强安全生产工作，防止和减少生产安全事故，保障人民群众生命和财产安全，促进经济社会持续健康发展，制定本法。\n"
            "第二条 在中华人民共和国领域内从事生产经营活动的单位的安全生产，适用本法。\n"
            "第九条 国务院和县级以上地方各级人民政府应当加强对安全生产工作的领导，建立健全安全生产工作协调机制。\n"
            "第十一条 本市各级人民政府应当组织有关部门开展安全生产宣传教育。\n",
}
POLICY = {
    "id": "gov-tuoping", "kind": "policy", "title": "国务院办公厅关于加强安全生产宣传教育的通知",
    "issuer": "国务院办公厅", "doc_number": "国办发〔2021〕8号", "date": "2021-03-01",
    "text": "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "一、广泛开展安全生产宣传教育活动，普及安全知识。\n"
            "二、各地区要把宣传教育纳入年度工作计划。\n",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dept-tags")
    (folder / "suzhou-121.txt").write_text(SUZHOU_MINUTES, encoding="utf-8")
    (folder / "heze-60.txt").write_text(HEZE_MINUTES, encoding="utf-8")
    (folder / "suzhou-120.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with (folder / "records.jsonl").open("w", encoding="utf-8") as out:
        for record in (LAW, POLICY):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    index = tmp_path_factory.mktemp("dept-tags-index") / "index"
    report = ingest([folder], index, workers=1)
    assert report.added == 5 and not report.problems
    return index


@pytest.fixture(scope="module")
def store(index_dir: Path) -> IndexStore:
    return IndexStore.open(index_dir)


@pytest.fixture(scope="module")
def client(index_dir: Path) -> FlaskClient:
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def _paragraphs(store: IndexStore, doc_id: str) -> dict[str, tuple[str, list[str], list[str]]]:
    doc = store.get_document(doc_id)
    assert doc is not None
    return {p.label or p.para_id: (p.text, p.departments, p.leads) for p in doc.paragraphs}


def _run(store: IndexStore, **kw) -> dict:
    return search(store, SearchParams(**{"group": "para", "per_page": 100, **kw}))


def _doc_id(store: IndexStore, title_start: str) -> str:
    return next(d.doc_id for d in store.iter_documents(with_paragraphs=lambda d: False) if d.title.startswith(title_start))


def test_a_law_article_is_tagged_only_with_what_it_names_and_its_issuer(store: IndexStore):
    paras = _paragraphs(store, "law-anquanshengchan")
    assert paras["第一条"][1] == [NPC_SC]
    assert paras["第十一条"][1] == [NPC_SC]  # 本市 …: no 国务院 inherited from the chapter
    assert paras["第九条"][1] == [STATE_COUNCIL, NPC_SC]
    # dept=国务院 (an alias of the State Council) finds the one article that names it
    result = _run(store, departments=["国务院"])
    assert [(h["doc_id"], h["label"]) for h in result["hits"] if h["doc_id"].startswith("law-")] == [
        ("law-anquanshengchan", "第九条")]
    assert all("国务院" in h["text"] for h in result["hits"] if h["kind"] == "other")


def test_a_decision_paragraph_carries_its_lead_under_the_lead_facet(store: IndexStore):
    suzhou = _doc_id(store, "苏州市人民政府第121次")
    paras = _paragraphs(store, suzhou)
    assert paras["一（一）"][1:] == ([SUZHOU_NDRC, "苏州市人民政府"], [SUZHOU_NDRC])
    assert paras["一（二）"][1:] == (["苏州市人民政府"], [])  # names nobody: no inherited lead
    result = _run(store, leads=[SUZHOU_NDRC])
    assert [(h["doc_id"], h["label"]) for h in result["hits"]] == [(suzhou, "一（一）")]
    assert {"value": SUZHOU_NDRC, "count": 1} in result["facets"]["lead"]
    # 牵头: in the query language is the same filter
    assert [h["label"] for h in _run(store, q="牵头:市发改委 数字经济")["hits"]] == ["一（一）"]


def test_a_policys_paragraphs_are_under_its_issuer(store: IndexStore):
    result = _run(store, issuers=["国务院办公厅"])
    assert {h["doc_id"] for h in result["hits"]} == {"gov-tuoping"}
    assert result["total"] == len(_paragraphs(store, "gov-tuoping"))
    # a facet's counts ignore its own selection (multi-select): the other issuers stay offered
    assert {"value": "国务院办公厅", "count": result["total"]} in result["facets"]["issuer"]
    everything = _run(store, q="安全生产")
    issuers = {row["value"]: row["count"] for row in everything["facets"]["issuer"]}
    assert set(issuers) >= {"国务院办公厅", NPC_SC, "苏州市人民政府"}
    by_field = _run(store, q="发文机关:国务院办公厅 年度工作计划")
    assert [(h["doc_id"], h["text"]) for h in by_field["hits"]] == [("gov-tuoping", "二、各地区要把宣传教育纳入年度工作计划。")]
    other = _run(store, q="发文机关:苏州市人民政府 年度工作计划")  # found by some of the words only
    assert other["fallback"] == "or" and {h["doc_id"][:15] for h in other["hits"]} == {"suzhou-gov-exec"}


def test_dept_shi_fagaiwei_means_each_citys_own_body(store: IndexStore):
    suzhou, heze = _doc_id(store, "苏州市人民政府第121次"), _doc_id(store, "菏泽市人民政府第60次")
    assert _paragraphs(store, heze)["一"][1:] == ([HEZE_NDRC, "菏泽市人民政府"], [HEZE_NDRC])
    expected = {(suzhou, "一（一）"), (heze, "一")}
    for params in ({"departments": ["市发改委"]}, {"q": "部门:市发改委"}, {"q": "市发改委"}):
        result = _run(store, **params)
        found = {(h["doc_id"], h["label"]) for h in result["hits"]}
        if params.get("q") == "市发改委":  # typed as a word it also finds the words themselves
            assert [h["text"][:4] for h in result["hits"] if (h["doc_id"], h["label"]) not in expected] == ["列席：沈"]
            found &= expected
        assert found == expected, params
        for h in result["hits"]:  # never the other city's body
            assert (SUZHOU_NDRC in h["departments"]) == (h["doc_id"] == suzhou)
            assert (HEZE_NDRC in h["departments"]) == (h["doc_id"] == heze)
    by_url = _run(store, departments=["市发改委"])
    assert by_url["selected"]["department"] == {"市发改委": [SUZHOU_NDRC, HEZE_NDRC]}
    assert {r["value"]: r["count"] for r in by_url["facets"]["department"]
            if r["value"].endswith("发展和改革委员会")} == {SUZHOU_NDRC: 1, HEZE_NDRC: 1}
    # a full name is that body only; an unknown name passes through and finds nothing
    assert {h["doc_id"] for h in _run(store, departments=[HEZE_NDRC])["hits"]} == {heze}
    unknown = _run(store, departments=["市数据局"])
    assert (unknown["total"], unknown["selected"]["department"]) == (0, {"市数据局": ["市数据局"]})


def facet_rows(html: str, key: str) -> list[tuple[str, str, bool]]:
    """(label, toggle URL, selected) of one sidebar facet's rows."""
    section = re.search(rf'<section class="facet" data-facet="{key}">(.*?)</section>', html, re.S)
    assert section, f"no {key} facet"
    rows = re.findall(r'<a class="facet-value( selected)?" href="([^"]+)".*?<span class="facet-label">([^<]+)</span>',
                      section.group(1), re.S)
    return [(unescape(label), unquote_plus(unescape(url)), bool(sel)) for sel, url, label in rows]


def test_an_alias_in_the_url_selects_the_canonical_row(client: FlaskClient):
    html = client.get("/?dept=市场监管局").get_data(as_text=True)
    rows = facet_rows(html, "dept")
    selected = [(label, url) for label, url, sel in rows if sel]
    assert selected == [("苏州市市场监督管理局", "/")]  # one row, canonical; unticking drops the alias
    assert not any(label == "市场监管局" for label, _, _ in rows)
    both = client.get("/?dept=市发改委").get_data(as_text=True)
    picked = {label: url for label, url, sel in facet_rows(both, "dept") if sel}
    assert picked == {SUZHOU_NDRC: f"/?dept={HEZE_NDRC}", HEZE_NDRC: f"/?dept={SUZHOU_NDRC}"}


def test_the_json_api_has_the_three_department_facets_and_years_in_order(client: FlaskClient):
    data = client.get("/api/search?q=安全生产&year=2020").get_json()
    assert {"department", "lead", "issuer"} <= set(data["facets"])
    years = [row["value"] for row in data["facets"]["year"]]
    assert years == sorted(years, reverse=True) and 2020 in years
    html = client.get("/?lead=市场监管局").get_data(as_text=True)
    headings = re.findall(r'<section class="facet" data-facet="(\w+)">\s*<h\d[^>]*>([^<]+)<', html)
    assert [h for h in headings if h[0] in ("dept", "lead", "issuer")] == [
        ("dept", "涉及部门"), ("lead", "牵头部门"), ("issuer", "发文机关")]
    assert [label for label, _, sel in facet_rows(html, "lead") if sel] == ["苏州市市场监督管理局"]


def test_shi_zhengfu_on_real_minutes_is_each_governments_own(shared_corpus: Path, tmp_path: Path):
    """The real minutes of other cities write 市政府 for their own government: dept=市政府 selects
    Suzhou's and each of theirs, and no other city's paragraph is given a Suzhou body."""
    minutes = sorted((shared_corpus / "minutes-real").glob("*.txt"))
    report = ingest([SEED, *minutes], tmp_path / "index", workers=1)
    assert report.added == len(minutes) + 1
    store = IndexStore.open(tmp_path / "index")
    result = _run(store, departments=["市政府"], group="doc")
    selected = result["selected"]["department"]["市政府"]
    assert selected[0] == "苏州市人民政府"
    assert {"福州市人民政府", "北京市人民政府", "眉山市人民政府", "海东市人民政府"} <= set(selected)
    docs = {d.doc_id: d for d in store.iter_documents(with_paragraphs=lambda d: False)}
    fuzhou = next(i for i, d in docs.items() if d.jurisdiction and d.jurisdiction.name == "福州市人民政府")
    hits = _run(store, departments=["市政府"])["hits"]
    assert {"suzhou-gov-exec-120", fuzhou} <= {h["doc_id"] for h in hits}
    for h in hits:
        jur = docs[h["doc_id"]].jurisdiction
        if not (jur and jur.code and jur.code.startswith("3205")):
            assert not [d for d in h["departments"] if d.startswith("苏州")], (h["doc_id"], h["departments"])
    assert {h["doc_id"] for h in _run(store, departments=["福州市人民政府"])["hits"]} == {fuzhou}
