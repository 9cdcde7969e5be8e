"""Documents described as the sources describe them: titles, kinds and legal metadata."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.decisions import decision_rows
from indexer.engine import IndexStore
from indexer.facets import SEARCH_FACETS
from indexer.models import Document, Extracted, Page
from indexer.query import SearchParams, search
from indexer.querycompile import resolve_kind
from indexer.pipeline import index_documents, read_document as parse
from paths import CORPUS
from webui import create_app


def _load(corpus: Path, name: str, doc_id: str) -> Extracted:
    with open(corpus / name, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if f'"id": "{doc_id}"' in line[:60]:
                meta = json.loads(line)
                text = meta.pop("text")
                return Extracted(f"{name}#L{n}", "jsonl", [Page(1, text)], meta, f"sha-{doc_id}")
    raise AssertionError(f"{doc_id} not in {name}")


def test_title_is_the_source_records_not_a_sentence_quoting_it():
    # the decree's 现公布…《中华人民共和国个人所得税法实施条例》，自…起施行。 is not the title
    doc = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-c71de4e018"))
    assert doc.title == "中华人民共和国个人所得税法实施条例"
    assert [(p.role, p.text) for p in doc.paragraphs[:3]] == [
        ("title", "中华人民共和国个人所得税法实施条例"),
        ("body", "中华人民共和国国务院令"),
        ("body", "第707号"),
    ]
    assert doc.paragraphs[3].text.startswith("现公布修订后的《中华人民共和国个人所得税法实施条例》")


def test_title_stays_as_stated_when_the_number_follows_it_in_print():
    doc = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-60d766dba8"))
    assert (doc.title, doc.doc_number) == ("国务院办公厅关于科技节水建议的复函", "国办函〔2005〕21号")


# --- kinds: a State Council summary is a news write-up of a meeting (会议报道), not minutes ----------

SUMMARY = ("国务院总理李克强主持召开国务院常务会议\n部署进一步稳定和扩大就业\n"
           "会议指出，就业是最大的民生。会议决定，延长阶段性减免企业社会保险费政策实施期限。\n")


def _summary_doc() -> Document:
    meta = {"id": "gwyhy-test", "kind": "minutes", "issuer": "国务院常务会议", "date": "2020-04-14",
            "title": "李克强主持召开国务院常务会议"}
    return parse(Extracted("sc.jsonl#L1", "jsonl", [Page(1, SUMMARY)], meta, "sha-sc"))


def test_state_council_summary_is_a_report_and_keeps_its_decisions():
    doc = _summary_doc()
    assert (doc.kind, doc.meeting.body, doc.meeting.name) == ("report", "国务院", "常务会议")
    assert [(row.doc_id, row.item) for row in decision_rows(doc)][:1] == [("gwyhy-test", "一")]


def test_state_council_summary_in_the_shared_corpus_is_a_report(shared_corpus):
    doc = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-861581914b"))
    assert (doc.kind, doc.meeting.date) == ("report", "2020-04-14")
    assert decision_rows(doc), "a 会议报道 keeps the decisions it reports"


def test_kind_labels_and_kind_query(tmp_path: Path):
    store = IndexStore.create_or_open(tmp_path / "index")
    regulation = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-c71de4e018"))
    index_documents(store, [_summary_doc(), regulation])
    assert [SEARCH_FACETS[0].value_label(k) for k in ("minutes", "report", "policy", "other")] == [
        "会议纪要", "会议报道", "政策文件", "法律法规"]
    for q in ("kind:报道", "类型:会议报道", "kind:report"):
        r = search(store, SearchParams(q=q, group="doc"))
        assert [h["doc_id"] for h in r["hits"]] == ["gwyhy-test"], q
    assert resolve_kind("规范性文件") == "policy" and resolve_kind("法律法规") == "other"
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    html = client.get("/?q=就业").get_data(as_text=True)
    assert ">会议报道<" in html


# --- laws and regulations: 效力级别, 发布日期, 施行日期, 时效性 ----------------------------------------


def _legal(doc: Document) -> tuple:
    m = doc.metadata
    return m.get("legal_level"), m.get("promulgated"), m.get("effective"), m.get("validity")


def test_regulation_from_the_source_folder_and_header_lines():
    # 2021年1月15日 中华人民共和国国务院令第735号公布 / 2021年5月1日 施行, filed under 行政法规
    doc = parse(_load(CORPUS, "laws-lawrefbook-sample.jsonl", "law-2961f7a87e"))
    assert _legal(doc) == ("行政法规", "2021-01-15", "2021-05-01", None)


def test_decree_gives_level_promulgation_and_effective_date():
    # 国令第707号, signed 2018年12月18日; 现公布修订后的《…》，自2019年1月1日起施行
    doc = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-c71de4e018"))
    assert _legal(doc) == ("行政法规", "2018-12-18", "2019-01-01", None)


def test_closing_article_and_promulgation_day():
    dated = parse(_load(CORPUS, "laws-lawrefbook-sample.jsonl", "law-05adcb0bb6"))  # 本条例自2025年4月1日起施行
    assert dated.metadata["effective"] == "2025-04-01"
    on_issue = parse(_load(CORPUS, "laws-lawrefbook-sample.jsonl", "law-05ef64ab76"))  # 本条例自公布之日起施行
    assert _legal(on_issue) == ("行政法规", "2014-02-16", "2014-02-16", None)
    # 2025年3月17日 …国务院令第802号修订: the revised text's own closing article 本条例自2025年6月1日起施行
    revised = parse(_load(CORPUS, "laws-lawrefbook-sample.jsonl", "law-dc3ec1be6f"))
    assert _legal(revised) == ("行政法规", "2020-07-05", "2025-06-01", None)


def test_no_level_or_dates_where_the_source_states_none():
    notice = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-9b116a37e8"))
    assert _legal(notice) == (None, None, None, None)


def test_validity_only_from_the_source_record():
    text = "某某条例\n2020年1月1日 施行\n第一条 甲。\n第二条 乙。\n第三条 丙。"
    stated = {"id": "x", "kind": "other", "title": "某某条例", "topic": "地方性法规/浙江", "validity": "已废止"}
    doc = parse(Extracted("x.jsonl#L1", "jsonl", [Page(1, text)], stated, "s"))
    assert _legal(doc) == ("地方性法规", None, "2020-01-01", "已废止")
    unknown = parse(Extracted("x.jsonl#L1", "jsonl", [Page(1, text)], {**stated, "validity": "大概有效"}, "s"))
    assert "validity" not in unknown.metadata


def test_levels_in_the_shared_laws(shared_corpus):
    name = "other-laws-lawrefbook.jsonl"
    assert _legal(parse(_load(shared_corpus, name, "law-090a861d8b"))) == (
        "地方性法规", "2004-11-25", "2005-01-01", None)  # 青岛市专利保护规定
    assert _legal(parse(_load(shared_corpus, name, "law-4fb7826cd2"))) == (
        "部门规章", "2012-12-19", "2013-01-01", None)  # 公安机关办理行政案件程序规定
    assert _legal(parse(_load(shared_corpus, name, "law-0532161974")))[:1] == ("法律",)  # filed under 宪法相关法
    assert _legal(parse(_load(shared_corpus, name, "law-bd92e9637b")))[:1] == ("司法解释",)


def test_document_page_and_api_show_legal_metadata(client):
    html = client.get("/doc/law-2961f7a87e").get_data(as_text=True)
    for label, value in (("效力级别", "行政法规"), ("发布日期", "2021-01-15"), ("施行日期", "2021-05-01")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    meta = client.get("/api/doc/law-2961f7a87e").get_json()["metadata"]
    assert (meta["legal_level"], meta["promulgated"], meta["effective"]) == ("行政法规", "2021-01-15", "2021-05-01")


def test_legal_level_facet(tmp_path: Path):
    store = IndexStore.create_or_open(tmp_path / "index")
    regulation = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-c71de4e018"))
    notice = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-9b116a37e8"))
    index_documents(store, [_summary_doc(), regulation, notice])
    everything = search(store, SearchParams(group="doc"))
    # facet counts are matching paragraphs: every paragraph of the one regulation
    assert everything["facets"]["legal_level"] == [{"value": "行政法规", "count": len(regulation.paragraphs)}]
    chosen = search(store, SearchParams(legal_levels=["行政法规"], group="doc"))
    assert [h["doc_id"] for h in chosen["hits"]] == ["gov-c71de4e018"]
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    html = client.get("/?level=行政法规").get_data(as_text=True)
    assert '<section class="facet" data-facet="level">\n      <h2>效力级别</h2>' in html
    assert '<strong class="total-docs">1</strong>' in html and "效力级别：行政法规" in html


def test_ingest_report_counts_laws_without_an_effective_date(tmp_path: Path):
    from indexer.pipeline import ingest

    src = tmp_path / "laws.jsonl"
    lines = [ln for ln in (CORPUS / "laws-lawrefbook-sample.jsonl").read_text(encoding="utf-8").splitlines()
             if '"law-2961f7a87e"' in ln[:30] or '"law-a719366336"' in ln[:30]]  # 施行 stated / not stated
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest([src], tmp_path / "index")
    assert report.unknown["effective date"] == ["law-a719366336"]
    assert "no effective date: 1" in report.summary()
