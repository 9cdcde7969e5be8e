"""Decision rows: flattening, filters, facets, sort, CSV, per-department activity."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from indexer.decisions import (
    DecisionQuery,
    decision_rows,
    department_activity,
    facets,
    filter_rows,
    item_rows,
    select,
    sort_rows,
    to_csv,
)
from indexer.errors import QueryError
from indexer.extract import extract_path
from indexer.models import Decision, Document, Item, Meeting, Paragraph
from indexer.pipeline import read_document as parse

SEED = Path(__file__).resolve().parent.parent / "corpus" / "suzhou-120th-executive-meeting-2020-12-07.txt"

ICT = "苏州市工业和信息化局"
SAMR = "苏州市市场监督管理局"


def _meeting(number: int, date: str, items: list[Item], paragraphs: list[Paragraph]) -> Document:
    return Document(
        doc_id=f"sz-{number}",
        kind="minutes",
        title=f"苏州市人民政府第{number}次常务会议纪要",
        date=date,
        meeting=Meeting(body="苏州市人民政府", name="常务会议", number=number, date=date),
        items=items,
        paragraphs=paragraphs,
    )


def _docs() -> list[Document]:
    m120 = _meeting(
        120,
        "2020-12-07",
        [
            Item(
                label="二",
                heading="审议《关于推进制造业智能化改造和数字化转型的若干措施》",
                topics=["工业、交通"],
                departments=[ICT],
                para_ids=["p4", "p5", "p6"],
                decisions=[
                    Decision("（一）", "原则同意", ["关于推进制造业智能化改造和数字化转型的若干措施"], ICT, "按程序发文实施", ["p5"]),
                    Decision("（二）", "要求", [], None, None, ["p6"]),
                ],
            ),
            Item(
                label="三",
                heading="审议《“苏州制造”品牌认证三年行动方案（2021～2023年）》",
                topics=["市场监管、安全生产监管"],
                departments=[SAMR],
                para_ids=["p7", "p8"],
                decisions=[
                    Decision("（一）", "原则同意", ["“苏州制造”品牌认证三年行动方案（2021～2023年）"], SAMR,
                             "作进一步细化完善后，按程序做好下一步工作", ["p8"]),
                ],
            ),
        ],
        [
            Paragraph("p5", "（一）原则同意《关于推进制造业智能化改造和数字化转型的若干措施》。由市工信局根据本次会议讨论意见按程序发文实施。"),
            Paragraph("p6", "（二）苏州是制造业大市，各地各相关部门要高度重视。"),
            Paragraph("p8", "（一）原则同意《“苏州制造”品牌认证三年行动方案（2021～2023年）》。由市场监管局……"),
        ],
    )
    m99 = _meeting(
        99,
        "2019-05-20",
        [
            Item(
                label="一",
                heading="听取全市工业经济运行情况汇报",
                topics=[],
                departments=[ICT],
                para_ids=["p2"],
                decisions=[Decision("（一）", "听取", [], ICT, None, ["p2"])],
            )
        ],
        [Paragraph("p2", "（一）会议听取了市工信局关于全市工业经济运行情况的汇报。")],
    )
    policy = Document(doc_id="pol", kind="policy", title="某政策", items=[Item(label="一", heading="总体要求")])
    return [m120, m99, policy]


def _rows():
    return [r for d in _docs() for r in decision_rows(d)]


def test_decision_rows_flatten_minutes_only() -> None:
    rows = _rows()
    assert [(r.doc_id, r.item, r.label, r.action, r.lead_department, r.para_id) for r in rows] == [
        ("sz-120", "二", "（一）", "原则同意", ICT, "p5"),
        ("sz-120", "二", "（二）", "要求", None, "p6"),
        ("sz-120", "三", "（一）", "原则同意", SAMR, "p8"),
        ("sz-99", "一", "（一）", "听取", ICT, "p2"),
    ]
    first = rows[0]
    assert first.meeting == "苏州市政府第120次常务会议"
    assert (first.date, first.year, first.para_id) == ("2020-12-07", 2020, "p5")
    assert not hasattr(first, "url")  # the web app builds URLs from the ids
    assert first.follow_up == "按程序发文实施"
    assert first.text.startswith("（一）原则同意《关于推进制造业")


def test_state_council_meetings_get_their_own_labels_in_the_table() -> None:
    """News summaries carry no meeting number: the date tells the meetings apart (it used to be
    one label, 国务院常务会议, for every State Council meeting)."""
    def summary(date: str) -> Document:
        return Document(
            doc_id=f"gwyhy-{date}", kind="minutes", title=f"李克强主持召开国务院常务会议（{date}）", date=date,
            meeting=Meeting(body="国务院", name="常务会议", date=date),
            items=[Item("一", "会议通过", decisions=[Decision("一", "通过", ["某条例（草案）"], para_ids=["p1"])])],
            paragraphs=[Paragraph("p1", "会议通过《某条例（草案）》。")],
        )
    rows = decision_rows(summary("2020-12-09")) + decision_rows(summary("2019-10-08"))
    assert [r.meeting for r in rows] == ["国务院常务会议（2020-12-09）", "国务院常务会议（2019-10-08）"]


def test_filter_by_text_department_year_action() -> None:
    rows = _rows()
    assert [r.para_id for r in filter_rows(rows, DecisionQuery(q="数字化 市工信局"))] == ["p5"]
    assert [r.para_id for r in filter_rows(rows, DecisionQuery(q="苏州製造"))] == ["p8"]  # traditional folds
    assert [r.para_id for r in filter_rows(rows, DecisionQuery(departments=[ICT]))] == ["p5", "p2"]
    assert [r.para_id for r in filter_rows(rows, DecisionQuery(departments=[ICT], years=[2020]))] == ["p5"]
    assert [r.para_id for r in filter_rows(rows, DecisionQuery(actions=["听取", "要求"]))] == ["p6", "p2"]
    assert filter_rows(rows, DecisionQuery(q="不存在的词")) == []
    with pytest.raises(QueryError):
        filter_rows(rows, DecisionQuery(q="长" * 201))


def test_facets_count_values() -> None:
    assert facets(_rows()) == {
        "department": [{"value": ICT, "count": 2}, {"value": SAMR, "count": 1}],
        "year": [{"value": 2020, "count": 3}, {"value": 2019, "count": 1}],
        "action": [{"value": "原则同意", "count": 2}, {"value": "听取", "count": 1}, {"value": "要求", "count": 1}],
        "meeting": [{"value": "苏州市政府第120次常务会议", "count": 3}, {"value": "苏州市政府第99次常务会议", "count": 1}],
        "nature": [], "region": [],  # hand-made rows state neither
    }


def test_sort_keeps_reading_order_and_missing_last() -> None:
    rows = _rows()
    assert [r.para_id for r in sort_rows(rows, "date", descending=False)] == ["p2", "p5", "p6", "p8"]
    assert [r.para_id for r in sort_rows(rows, "date")] == ["p5", "p6", "p8", "p2"]
    assert [r.para_id for r in sort_rows(rows, "lead_department", descending=False)] == ["p5", "p2", "p8", "p6"]
    with pytest.raises(QueryError):
        sort_rows(rows, "nonsense")


def test_select_counts_each_facet_under_the_other_facets_filters() -> None:
    result = select(_rows(), DecisionQuery(q="原则同意", departments=[SAMR]))
    assert result["total"] == 1
    assert [r.para_id for r in result["rows"]] == ["p8"]
    # the department not chosen stays visible with its count (its own selection is not applied)
    assert result["facets"]["department"] == [{"value": ICT, "count": 1}, {"value": SAMR, "count": 1}]
    # the other facets follow the department chosen
    assert result["facets"]["action"] == [{"value": "原则同意", "count": 1}]
    assert result["facets"]["meeting"] == [{"value": "苏州市政府第120次常务会议", "count": 1}]
    by_meeting = select(_rows(), DecisionQuery(meetings=["苏州市政府第99次常务会议"]))
    assert [r.para_id for r in by_meeting["rows"]] == ["p2"]
    assert by_meeting["facets"]["action"] == [{"value": "听取", "count": 1}]
    assert by_meeting["facets"]["department"] == [{"value": ICT, "count": 1}]
    assert [f["count"] for f in by_meeting["facets"]["meeting"]] == [3, 1]  # both meetings still offered


def test_csv_has_bom_header_and_one_line_per_row() -> None:
    text = to_csv(_rows()[:1], link=lambda r: f"http://localhost:8000/doc/{r.doc_id}#{r.para_id}")
    assert text.startswith("\ufeffmeeting,jurisdiction,date,item,label,action,nature,subjects,lead_department,follow_up,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [rows[1][i] for i in (0, 2, 3, 4, 5, 7, 8, 9)] == [
        "苏州市政府第120次常务会议", "2020-12-07", "二", "（一）", "原则同意",
        "关于推进制造业智能化改造和数字化转型的若干措施", ICT, "按程序发文实施",
    ]
    assert rows[1][12] == "http://localhost:8000/doc/sz-120#p5"
    assert len(rows) == 2


def test_department_activity_per_year_with_topics() -> None:
    docs = _docs()
    items = [i for d in docs for i in item_rows(d)]
    activity = department_activity(items, _rows(), ICT)
    assert (activity["items"], activity["decisions"]) == (2, 2)
    assert activity["per_year"] == [
        {"year": 2019, "items": 1, "decisions": 1, "topics": [{"value": "未分类", "count": 1}]},
        {"year": 2020, "items": 1, "decisions": 1, "topics": [{"value": "工业、交通", "count": 1}]},
    ]
    assert [r.para_id for r in activity["led"]] == ["p5", "p2"]
    assert [(i.doc_id, i.label, i.para_id) for i in activity["recent_items"]] == [("sz-120", "二", "p4"), ("sz-99", "一", "p2")]


def test_seed_minutes_decisions_with_actions_and_lead_departments() -> None:
    (extracted,), problems = extract_path(SEED)
    rows = decision_rows(parse(extracted))
    assert problems == []
    approvals = [(r.item, r.label, r.action, r.lead_department, r.subjects) for r in rows if r.label == "（一）"]
    assert approvals == [
        ("一", "（一）", "原则同意", "苏州市应急管理局", []),
        ("二", "（一）", "原则同意", ICT, ["关于推进制造业智能化改造和数字化转型的若干措施"]),
        ("三", "（一）", "原则同意", SAMR, ["“苏州制造”品牌认证三年行动方案（2021～2023年）"]),
        ("四", "（一）", "原则同意", SAMR, ["苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议"]),
        ("五", "（一）", "原则同意", "苏州市供销合作总社", ["关于推进苏州市再生资源回收利用体系建设实施意见"]),
    ]
    assert {r.meeting for r in rows} == {"苏州市政府第120次常务会议"}
    assert rows[4].follow_up == "按程序发文实施"
    assert "由市工信局根据本次会议讨论意见按程序发文实施" in rows[4].text
    led = filter_rows(rows, DecisionQuery(departments=[ICT]))
    assert [(r.item, r.label) for r in led] == [("二", "（一）")]
