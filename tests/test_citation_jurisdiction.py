"""The short citation label names the jurisdiction when the document has one (issue 13 §1:
"part of every citation"), built by one function and shown the same in the API and the feed; the
document page's 引用 (GB/T 7714 and permalink, also the CSV export's ``citation``) falls back to
the jurisdiction as author.
"""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from indexer.citation import citation_label, gbt7714, names_jurisdiction
from indexer.engine import IndexStore
from indexer.jurisdiction import STATE_COUNCIL
from indexer.models import Document, Jurisdiction, Meeting, Paragraph
from paths import SHARED_CORPUS
from webui import create_app

SUZHOU = Jurisdiction("苏州市人民政府", "地级", "江苏省", "苏州市", None, "320500")
SHANGHAI_NPC = Jurisdiction("上海市人民代表大会常务委员会", "省级", "上海市", None, None, "310000", "人大常委会")


def _label(title: str, jur: Jurisdiction | None, meeting: Meeting | None = None) -> str:
    doc = Document(doc_id="d", kind="policy", title=title, jurisdiction=jur, meeting=meeting)
    return citation_label(doc, Paragraph("p3", "", page=2, label="第三条"))


def test_the_label_names_the_jurisdiction_once() -> None:
    assert _label("志愿服务条例", STATE_COUNCIL) == "国务院 志愿服务条例 第三条 第2页"
    assert _label("关于加快推进智能化改造的意见", SUZHOU) == "苏州市政府 关于加快推进智能化改造的意见 第三条 第2页"
    # already named: the body, its short form, the place in full or short form, a national word
    assert _label("国务院关于经营者集中申报标准的规定", STATE_COUNCIL) == "国务院关于经营者集中申报标准的规定 第三条 第2页"
    assert _label("中华人民共和国计量法实施细则", STATE_COUNCIL) == "中华人民共和国计量法实施细则 第三条 第2页"
    assert _label("上海口岸服务条例", SHANGHAI_NPC) == "上海口岸服务条例 第三条 第2页"
    assert _label("苏州市人民政府关于印发若干措施的通知", SUZHOU) == "苏州市人民政府关于印发若干措施的通知 第三条 第2页"
    minutes = Meeting("苏州市人民政府", "常务会议", 120, "2020-12-07")
    assert _label("第120次常务会议纪要", SUZHOU, minutes) == "苏州市政府第120次常务会议纪要 第三条 第2页"
    assert _label("关于加快推进智能化改造的意见", None) == "关于加快推进智能化改造的意见 第三条 第2页"  # nothing guessed
    assert names_jurisdiction("苏州工业园区管理办法", SUZHOU)


def test_the_gbt7714_reference_falls_back_to_the_jurisdiction_as_author() -> None:
    doc = Document(doc_id="d", kind="policy", title="关于加快推进智能化改造的意见", date="2021-03-01", jurisdiction=SUZHOU)
    assert gbt7714(doc) == "苏州市人民政府. 关于加快推进智能化改造的意见[Z]. 2021-03-01."


def _csv(client: FlaskClient, query: str) -> list[dict[str, str]]:
    body = client.get("/api/search.csv?group=para&" + query).data.decode("utf-8-sig")
    return [row for row in csv.DictReader(io.StringIO(body)) if not row["doc_id"].startswith("#")]


def test_api_csv_and_document_page_cite_a_national_regulation_with_its_jurisdiction(client: FlaskClient) -> None:
    hits = client.get("/api/search?group=para&per_page=5&q=" + quote('"志愿服务条例"')).get_json()["hits"]
    law = next(h for h in hits if h["title"] == "志愿服务条例" and h["label"])
    assert law["jurisdiction"] == "国务院"
    assert law["citation"] == f"国务院 志愿服务条例 {law['label']}" + (f" 第{law['page']}页" if law["page"] else "")
    rows = {(r["doc_id"], r["para_id"]): r["citation"] for r in _csv(client, "q=" + quote('"志愿服务条例"'))}
    page = client.get(f"/doc/{law['doc_id']}").get_data(as_text=True)
    cited = re.search(rf'id="{law["para_id"]}".*?data-citation="([^"]+)"', page, re.S)
    assert cited is not None and unescape(cited.group(1)).startswith("国务院. 志愿服务条例（")
    # the CSV cites the paragraph exactly as the page's 引用 does
    assert rows[(law["doc_id"], law["para_id"])] == unescape(cited.group(1))


def test_every_exported_citation_of_the_minutes_corpus_names_its_jurisdiction(tmp_path: Path) -> None:
    source = SHARED_CORPUS / "minutes-real"
    if not source.is_dir():
        pytest.skip(f"needs the shared minutes corpus at {source} (not present on this machine)")
    from indexer.pipeline import ingest

    ingest([source], tmp_path / "index", workers=1)
    store = IndexStore.open(tmp_path / "index")
    try:
        places = {d.doc_id: d.jurisdiction for d in store.iter_documents(with_paragraphs=lambda d: False)}
    finally:
        store.close()
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "WARM_LIFECYCLE": False}).test_client()
    rows = _csv(client, "kind=minutes")
    placed = [r for r in rows if places[r["doc_id"]] is not None]
    assert len(placed) > 150 and len({r["doc_id"] for r in placed}) >= 20
    assert [r["citation"] for r in placed if not names_jurisdiction(r["citation"], places[r["doc_id"]])] == []
    assert all(r["citation"] for r in rows)
