"""A law article is one unit with its 款 and 项 (issue 14 §2), and a paragraph is cited by its 款
and 项 the same way on the document page and in the CSV export (issue 15 §3).

Built from real regulations shipped in ``corpus/`` (居住证暂行条例, 防范和处置非法集资条例,
职工带薪年休假条例), indexed through the real pipeline and served by the real Flask app.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from indexer.articles import article_groups, article_of
from indexer.citation import reference
from indexer.engine import IndexStore
from indexer.extract import Limits, extract_path
from indexer.models import Document, Paragraph
from indexer.pipeline import ingest
from indexer.pipeline import read_document as parse
from indexer.query import SearchParams, search
from paths import CORPUS, SHARED_CORPUS
from webui import create_app

LAWS = CORPUS / "laws-lawrefbook-sample.jsonl"
RESIDENCE, FUNDRAISING, LEAVE = "law-97c9963c84", "law-84e1c14719", "law-430645f0ec"
WANTED = (RESIDENCE, FUNDRAISING, LEAVE, "law-2961f7a87e", "law-ef67b991da")


def _law(doc_id: str) -> Document:
    records, _ = extract_path(LAWS, Limits())
    return parse(next(r for r in records if r.meta.get("id") == doc_id))


def _para(doc: Document, para_id: str):  # type: ignore[no-untyped-def]
    return next(p for p in doc.paragraphs if p.para_id == para_id)


def test_paragraphs_and_items_of_an_article_are_labelled_by_their_kuan_and_xiang() -> None:
    doc = _law(RESIDENCE)
    # 第九条: six 款
    ninth = [(p.para_id, p.label) for p in doc.paragraphs if article_of(p.label) == "第九条"]
    assert ninth == [("p14", "第九条"), ("p15", "第九条第二款"), ("p16", "第九条第三款"), ("p17", "第九条第四款"),
                     ("p18", "第九条第五款"), ("p19", "第九条第六款")]
    # 第十二条: one 款 with six 项, cited without the 款
    assert [p.label for p in doc.paragraphs if article_of(p.label) == "第十二条"] == [
        "第十二条", *(f"第十二条第（{n}）项" for n in "一二三四五六")]
    assert _para(doc, "p15").citation == "国务院 居住证暂行条例 第九条第二款"
    assert _para(doc, "p26").citation == "国务院 居住证暂行条例 第十二条第（一）项"
    # an item of the first 款 of an article with several 款 names the 款 too
    fundraising = _law(FUNDRAISING)
    assert "第二十四条第一款第（二）项" in {p.label for p in fundraising.paragraphs}
    assert "第二十四条第二款" in {p.label for p in fundraising.paragraphs}


def test_article_groups_are_the_multi_paragraph_articles() -> None:
    doc = _law(LEAVE)
    groups = {g[0].label: [p.para_id for p in g] for g in article_groups(doc.paragraphs)}
    assert groups == {
        "第二条": ["p6", "p7"], "第三条": ["p8", "p9"], "第四条": ["p10", "p11", "p12", "p13", "p14", "p15"],
        "第五条": ["p16", "p17", "p18"], "第六条": ["p19", "p20"],
    }


def test_a_policy_reference_carries_its_doc_number() -> None:
    doc = Document(doc_id="d", kind="policy", title="国务院关于加强和规范事中事后监管的指导意见", issuer="国务院",
                   date="2019-09-12", doc_number="国发〔2019〕18号")
    para = Paragraph("p3", "", label="二（一）")
    assert reference(doc, para, "http://localhost/doc/d#p3") == (
        "国务院. 国务院关于加强和规范事中事后监管的指导意见: 国发〔2019〕18号（二（一））[Z]. 2019-09-12. "
        "http://localhost/doc/d#p3")
    # a law's order number is not repeated in its reference
    law = Document(doc_id="l", kind="other", title="居住证暂行条例", issuer="国务院", date="2015-11-26",
                   doc_number="国务院令第663号")
    assert reference(law, Paragraph("p15", "", label="第九条第二款"), "u") == (
        "国务院. 居住证暂行条例（第九条第二款）[Z]. 2015-11-26. u")


def _subset(folder: Path) -> Path:
    """The five regulations as a JSON Lines file of the real records."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for line in LAWS.read_text(encoding="utf-8").splitlines()
             if json.loads(line)["id"] in WANTED]
    assert len(lines) == len(WANTED)
    path = folder / "laws.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("law-articles")
    report = ingest([_subset(root / "corpus")], root / "index", workers=1)
    assert (report.documents, report.problems) == (len(WANTED), [])
    return root / "index"


@pytest.fixture(scope="module")
def store(index: Path) -> Iterator[IndexStore]:
    s = IndexStore.open(index)
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(index: Path) -> FlaskClient:
    return create_app({"INDEX_DIR": str(index), "TESTING": True, "WARM_LIFECYCLE": False}).test_client()


def test_words_in_two_kuan_of_one_article_find_the_article_first(store: IndexStore) -> None:
    """居民身份证 is in the first 款 of 第九条, 房屋租赁合同 in its second: no paragraph holds both,
    the article does, and the hit is the article's 第X条 paragraph."""
    doc = store.get_document(RESIDENCE)
    assert doc is not None
    assert [p.para_id for p in doc.paragraphs if "居民身份证" in p.text and "房屋租赁合同" in p.text] == []
    for group in ("para", "doc"):
        result = search(store, SearchParams(q="居民身份证 房屋租赁合同", group=group))
        first = result["hits"][0]
        assert (first["doc_id"], first["para_id"], first["label"]) == (RESIDENCE, "p14", "第九条")
        assert first["citation"] == "国务院 居住证暂行条例 第九条"
        assert result.get("notice") is None  # all the words matched: no fallback


def test_a_paragraph_that_holds_every_word_keeps_its_own_rank(store: IndexStore) -> None:
    """Words that one 款 holds by itself find that 款, labelled with it."""
    result = search(store, SearchParams(q="房屋租赁合同 购房合同", group="para"))
    first = result["hits"][0]
    assert (first["doc_id"], first["para_id"], first["label"]) == (RESIDENCE, "p15", "第九条第二款")
    assert first["citation"] == "国务院 居住证暂行条例 第九条第二款"


def test_one_word_is_matched_in_the_paragraph_only(store: IndexStore) -> None:
    """A single word needs no unit: 房屋租赁合同 finds the 款 that says it, not 第九条 beside it."""
    result = search(store, SearchParams(q="房屋租赁合同", group="para"))
    assert [(h["doc_id"], h["para_id"]) for h in result["hits"]] == [(RESIDENCE, "p15")]


def _csv(client: FlaskClient, query: str) -> dict[tuple[str, str], str]:
    body = client.get("/api/search.csv?group=para&q=" + quote(query)).data.decode("utf-8-sig")
    return {(r["doc_id"], r["para_id"]): r["citation"] for r in csv.DictReader(io.StringIO(body))
            if not r["doc_id"].startswith("#")}


def _page_citations(client: FlaskClient, doc_id: str) -> dict[str, str]:
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    return {m.group(1): unescape(m.group(2))
            for m in re.finditer(r'id="(p\d+)".*?data-citation="([^"]+)"', page, re.S)}


def test_the_csv_citation_is_the_page_citation_of_the_same_paragraph(client: FlaskClient) -> None:
    rows = _csv(client, "房屋租赁合同 购房合同")
    page = _page_citations(client, RESIDENCE)
    kuan = rows[(RESIDENCE, "p15")]
    assert kuan == page["p15"]
    assert kuan == ("国务院. 居住证暂行条例（第九条第二款）[Z]. 2015-11-26. "
                    f"http://localhost/doc/{RESIDENCE}#p15")
    rows = _csv(client, "居民身份证 房屋租赁合同")
    assert rows[(RESIDENCE, "p14")] == page["p14"]
    items = _csv(client, "义务教育")
    assert items[(RESIDENCE, "p26")] == page["p26"]
    assert "（第十二条第（一）项）" in page["p26"]


def test_the_api_source_is_relative_to_what_was_ingested(client: FlaskClient) -> None:
    doc = client.get(f"/api/doc/{RESIDENCE}").get_json()
    assert re.fullmatch(r"laws\.jsonl#L\d+", doc["source"]), doc["source"]


TITLELESS = SHARED_CORPUS / "minutes-real" / "20-changzhou-xinbei-district-exec.txt"


def test_a_document_whose_source_states_no_title_is_not_titled_with_its_path(tmp_path: Path) -> None:
    if not TITLELESS.is_file():
        pytest.skip(f"needs the shared minutes corpus file {TITLELESS} (not present on this machine)")
    report = ingest([TITLELESS.resolve()], tmp_path / "index", workers=1)
    assert report.documents == 1
    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "WARM_LIFECYCLE": False})
    client = app.test_client()
    hits = client.get("/api/search?q=" + quote("常务会议")).get_json()["hits"]
    doc = client.get(f"/api/doc/{hits[0]['doc_id']}").get_json()
    # the text names neither the body nor the meeting number: the genre's label and the date
    assert doc["title"] == "常务会议纪要（2021-10-22）"
    assert doc["source"] == TITLELESS.name
    assert "/" not in doc["title"] and str(TITLELESS.parent) not in json.dumps(doc, ensure_ascii=False)
