"""``/meetings``: meetings of the corpus by jurisdiction and date, from the corpus tables."""
from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient

from fixture_docs import fixture_docs
from indexer.corpustables import build_tables
from indexer.meetings import UNKNOWN_JURISDICTION, by_jurisdiction, meeting_row
from indexer.models import Document, Jurisdiction, Meeting


def test_one_row_per_meeting_document_with_its_items_and_decisions() -> None:
    docs = fixture_docs()
    rows = build_tables(docs).meetings
    assert {r.doc_id for r in rows} == {d.doc_id for d in docs if d.kind in ("minutes", "report")}
    seed = next(r for r in rows if r.doc_id == "suzhou-gov-exec-120")
    doc = next(d for d in docs if d.doc_id == "suzhou-gov-exec-120")
    assert (seed.date, seed.number, seed.items) == ("2020-12-07", 120, len(doc.items))
    assert seed.decisions == sum(len(i.decisions) for i in doc.items) > 0
    assert meeting_row(next(d for d in docs if d.kind == "policy")) is None


def test_groups_national_first_newest_first_and_unknown_places_last() -> None:
    def doc(doc_id: str, date: str | None, j: Jurisdiction | None) -> Document:
        return Document(doc_id=doc_id, kind="minutes", title=doc_id, date=date, jurisdiction=j,
                        meeting=Meeting(body=j.name if j else None, date=date))
    nation = Jurisdiction("国务院", level="国家")
    suzhou = Jurisdiction("苏州市人民政府", level="地级", province="江苏省", prefecture="苏州市")
    rows = [meeting_row(d) for d in (
        doc("sz-old", "2019-01-02", suzhou), doc("x", "2020-05-05", None), doc("gw", "2018-03-01", nation),
        doc("sz-new", "2021-06-30", suzhou), doc("sz-undated", None, suzhou))]
    groups = by_jurisdiction(r for r in rows if r)
    assert [(name, [r.doc_id for r in members]) for name, members in groups] == [
        ("国务院", ["gw"]),
        ("苏州市人民政府", ["sz-new", "sz-old", "sz-undated"]),
        (UNKNOWN_JURISDICTION, ["x"]),
    ]


def test_meetings_page_lists_the_corpus_meetings_by_jurisdiction(client: FlaskClient) -> None:
    response = client.get("/meetings")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1 and '<h1 class="page-title">会议一览</h1>' in html
    total = int(re.search(r'<strong class="total">(\d+)</strong>', html).group(1))
    rows = re.findall(r'<tr data-doc="([^"]+)">', html)
    assert len(rows) == total == len(set(rows)) >= 1
    minutes = client.get("/api/search?kind=minutes&kind=report&per_page=1").get_json()
    assert total == minutes["total_docs"]
    row = html[html.index('<tr data-doc="suzhou-gov-exec-120">'):]
    row = row[:row.index("</tr>")]
    assert '<time datetime="2020-12-07">2020-12-07</time>' in row
    assert '<a href="/doc/suzhou-gov-exec-120">苏州市政府第120次常务会议</a>' in unescape(row)
    section = html[:html.index('<tr data-doc="suzhou-gov-exec-120">')]
    assert section[section.rindex("<h2>"):].startswith("<h2>苏州市人民政府 ")
    nav = client.get("/").get_data(as_text=True)
    assert '<a href="/meetings">会议</a>' in nav
