"""One meeting label for the facet, the decisions table and citations."""
from __future__ import annotations

from indexer.citation import citation_label, document_label
from indexer.decisions import decision_rows, item_rows
from indexer.labels import meeting_label, minutes_label
from indexer.models import Decision, Document, Item, Meeting, Paragraph
from fixture_docs import seed_minutes, state_council_minutes


def test_numbered_minutes_by_body_and_number() -> None:
    doc = seed_minutes()
    assert meeting_label(doc) == "苏州市政府第120次常务会议"
    assert minutes_label(doc) == "苏州市政府第120次常务会议纪要"
    assert document_label(doc) == "苏州市政府第120次常务会议纪要"
    assert {r.meeting for r in item_rows(doc)} == {"苏州市政府第120次常务会议"}


def test_state_council_summaries_are_told_apart_by_date() -> None:
    first = state_council_minutes()
    second = Document(doc_id="gwyhy-2", kind="minutes", title="李克强主持召开国务院常务会议（2019-10-08）",
                      date="2019-10-08", meeting=Meeting("国务院", "常务会议", None, "2019-10-08", "李克强"))
    assert meeting_label(first) == "国务院常务会议（2018-11-02）"
    assert meeting_label(second) == "国务院常务会议（2019-10-08）"
    # not numbered: cited by their own title, not as 纪要
    assert minutes_label(first) is None
    assert document_label(first) == "李克强主持召开国务院常务会议（2018-11-02）"


def test_decisions_table_uses_the_same_label_as_the_facet() -> None:
    doc = state_council_minutes()
    doc.items = [Item("一", "会议决定", decisions=[Decision("一", "决定", [], para_ids=["p1"])])]
    (row,) = decision_rows(doc)
    assert row.meeting == meeting_label(doc) == "国务院常务会议（2018-11-02）"


def test_meeting_without_date_or_body() -> None:
    undated = Document(doc_id="d", kind="minutes", title="某县政府常务会议纪要",
                       meeting=Meeting(body="某县人民政府", name="常务会议"))
    assert meeting_label(undated) == "某县政府常务会议（日期不详）"
    assert meeting_label(Document(doc_id="n", kind="policy", title="通知")) is None
    assert meeting_label(Document(doc_id="n", kind="minutes", title="t", meeting=Meeting())) is None
    nameless = Document(doc_id="n", kind="minutes", title="t", meeting=Meeting(body="苏州市人民政府", number=3))
    assert meeting_label(nameless) == "苏州市政府第3次会议"
    assert minutes_label(nameless) == "苏州市政府第3次常务会议纪要"


def test_citation_label_of_numbered_minutes_paragraph() -> None:
    doc = seed_minutes()
    para = Paragraph("p6", "（一）原则同意……", 4, "二（一）", "二")
    assert citation_label(doc, para) == "苏州市政府第120次常务会议纪要 二（一） 第4页"
