"""Links between documents: title keys, draft -> issued, regulation -> adopting meeting, cited by."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.extract import extract_path
from indexer.lifecycle import (
    ADOPTED,
    ADOPTED_AT,
    BASIS_DATE,
    BASIS_DRAFT,
    BASIS_TITLE,
    ISSUED_AS,
    REVIEWED_AT,
    LinkIndex,
    days_between,
    places_of,
    summarize,
    title_key,
)
from indexer.models import Decision, Document, Item, Meeting, Paragraph, Reference
from indexer.pipeline import read_document as parse

SUZHOU = places_of("苏州市人民政府")


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("《关于推进制造业智能化改造和数字化转型的若干措施（试行）》", "推进制造业智能化改造和数字化转型若干措施"),
        ("苏州市人民政府办公室关于印发《关于推进制造业智能化改造和数字化转型的若干措施》的通知", "推进制造业智能化改造和数字化转型若干措施"),
        ("关于推进苏州市再生资源回收利用体系建设实施意见", "推进再生资源回收利用体系建设实施意见"),
        ("苏州市人民政府关于推进再生资源回收利用体系建设的实施意见（征求意见稿）", "推进再生资源回收利用体系建设实施意见"),
        ("“苏州制造”品牌认证三年行动方案（2021～2023年）", "制造品牌认证三年行动方案20212023年"),
        ("中华人民共和国统计法实施条例", "统计法实施条例"),
        ("融资担保公司管理条例（草案）", "融资担保公司管理条例"),
        ("国务院关于印发中国制造2025的通知", "中国制造2025"),
    ],
)
def test_title_key_tolerates_stage_and_wrappers(title: str, key: str) -> None:
    assert title_key(title, SUZHOU) == key


def test_places_of_issuer_and_meeting_body() -> None:
    assert places_of("苏州市人民政府") == ("苏州市", "苏州")
    assert places_of("江苏省人民代表大会常务委员会", None, "国务院") == ("江苏省", "江苏")
    assert places_of(None) == ()


def test_days_between() -> None:
    assert days_between("2020-12-07", "2021-01-15") == 39
    assert days_between("2020-12-07", None) is None
    assert days_between("2020-12", "2021-01-15") is None


def _minutes() -> Document:
    return Document(
        doc_id="suzhou-exec-120",
        kind="minutes",
        title="苏州市人民政府第120次常务会议纪要",
        date="2020-12-07",
        meeting=Meeting(body="苏州市人民政府", name="常务会议", number=120, date="2020-12-07"),
        items=[
            Item(
                label="二",
                heading="审议《关于推进制造业智能化改造和数字化转型的若干措施》",
                decisions=[
                    Decision(
                        label="（一）",
                        action="原则同意",
                        subjects=["关于推进制造业智能化改造和数字化转型的若干措施"],
                        lead_department="苏州市工业和信息化局",
                        follow_up="按程序发文实施",
                        para_ids=["p5"],
                    )
                ],
            ),
            Item(
                label="五",
                heading="审议《关于推进苏州市再生资源回收利用体系建设实施意见》",
                decisions=[
                    Decision(
                        label="（一）",
                        action="原则同意",
                        subjects=["关于推进苏州市再生资源回收利用体系建设实施意见"],
                        lead_department="苏州市供销合作总社",
                        para_ids=["p20"],
                    )
                ],
            ),
        ],
    )


def _policy(doc_id: str, title: str, date: str, **kw) -> Document:
    return Document(doc_id=doc_id, kind="policy", title=title, date=date, issuer="苏州市人民政府", **kw)


def test_draft_reviewed_at_meeting_links_to_issued_document_both_ways() -> None:
    issued = _policy(
        "szf-2021-1",
        "苏州市人民政府关于印发关于推进制造业智能化改造和数字化转型的若干措施的通知",
        "2021-01-15",
        doc_number="苏府〔2021〕1号",
    )
    older = _policy("szf-2019-9", "关于推进制造业智能化改造和数字化转型的若干措施", "2019-03-01")
    recycling = _policy("szf-2021-7", "苏州市人民政府关于推进再生资源回收利用体系建设的实施意见", "2021-02-01")
    index = LinkIndex.from_documents([_minutes(), issued, older, recycling])

    assert index.links_for("szf-2021-1") == [
        {
            "relation": REVIEWED_AT,
            "doc_id": "szf-2021-1",
            "meeting_id": "suzhou-exec-120",
            "meeting_date": "2020-12-07",
            "issued_date": "2021-01-15",
            "days": 39,
            "basis": BASIS_TITLE,
            "subject": "关于推进制造业智能化改造和数字化转型的若干措施",
            "para_id": "p5",
            "number": None,
            "other_id": "suzhou-exec-120",
            "other_title": "苏州市人民政府第120次常务会议纪要",
            "other_date": "2020-12-07",
            "other_para_id": "p5",
        }
    ]
    from_meeting = index.links_for("suzhou-exec-120")
    assert [(r["relation"], r["other_id"], r["days"], r["other_para_id"]) for r in from_meeting] == [
        (ISSUED_AS, "szf-2021-1", 39, None),
        (ISSUED_AS, "szf-2021-7", 56, None),
    ]
    # a same-titled document from before the meeting is not what the meeting produced
    assert index.links_for("szf-2019-9") == []


def test_cited_by_title_and_doc_number_newest_version_before_citing() -> None:
    v1 = _policy("reg-v1", "苏州市生活垃圾分类管理条例", "2019-01-01")
    v2 = _policy("reg-v2", "苏州市生活垃圾分类管理条例", "2023-01-01")
    numbered = _policy("szf-2020-5", "苏州市人民政府关于某事的通知", "2020-03-01", doc_number="苏府〔2020〕5号")
    citing = _policy(
        "later",
        "苏州市人民政府关于加强某项工作的意见",
        "2021-06-01",
        references=[Reference(title="苏州市生活垃圾分类管理条例"), Reference(title="不在索引中的文件")],
        cited_numbers=["苏府〔2020〕5号"],
    )
    index = LinkIndex.from_documents([v1, v2, numbered, citing])
    assert index.cited_by("reg-v1") == [
        {"doc_id": "later", "title": "苏州市人民政府关于加强某项工作的意见", "date": "2021-06-01", "kind": "policy"}
    ]
    assert index.cited_by("reg-v2") == []
    assert [c["doc_id"] for c in index.cited_by("szf-2020-5")] == ["later"]
    assert index.cited_by("later") == []


def _sc_meeting(doc_id: str, date: str, text: str, name: str = "常务会议") -> Document:
    return Document(
        doc_id=doc_id,
        kind="minutes",
        title=f"李克强主持召开国务院{name}（{date}）",
        date=date,
        issuer=f"国务院{name}",
        meeting=Meeting(body="国务院", name=name, date=date),
        paragraphs=[Paragraph(para_id="p1", text=text)],
    )


def _regulation(doc_id: str, title: str, date: str, adopted: list[tuple[int, str]]) -> Document:
    return Document(
        doc_id=doc_id,
        kind="other",
        title=title,
        date=date,
        issuer="国务院",
        metadata={"adopted": [{"body": "国务院", "number": n, "date": d} for n, d in adopted]},
    )


def test_regulation_linked_to_state_council_meeting_by_date_with_basis() -> None:
    docs = [
        _sc_meeting("sc-1", "2020-12-09", "会议通过《医疗保障基金使用监督管理条例（草案）》。"),
        _sc_meeting("sc-1-plenary", "2020-12-09", "国务院召开全体会议。", name="全体会议"),
        _sc_meeting("sc-2", "2017-06-21", "会议通过《融资担保公司管理条例（草案）》。"),
        _sc_meeting("sc-3", "2014-10-29", "会议部署加快发展体育产业。"),
        _regulation("reg-a", "医疗保障基金使用监督管理条例", "2021-01-15", [(117, "2020-12-09")]),
        _regulation("reg-b", "融资担保公司监督管理条例", "2017-08-02", [(177, "2017-06-21")]),
        _regulation("reg-c", "存款保险条例", "2015-02-17", [(67, "2014-10-29")]),
        _regulation("reg-d", "某某条例", "1990-01-01", [(5, "1988-05-18")]),  # meeting not in the corpus
    ]
    index = LinkIndex.from_documents(docs)
    got = {r["doc_id"]: (r["relation"], r["other_id"], r["number"], r["days"], r["basis"]) for d in ("reg-a", "reg-b", "reg-c") for r in index.links_for(d)}
    assert got == {
        "reg-a": (ADOPTED_AT, "sc-1", 117, 37, BASIS_TITLE),
        "reg-b": (ADOPTED_AT, "sc-2", 177, 42, BASIS_DRAFT),
        "reg-c": (ADOPTED_AT, "sc-3", 67, 111, BASIS_DATE),
    }
    assert index.links_for("reg-d") == []
    assert [(r["relation"], r["other_id"], r["other_title"]) for r in index.links_for("sc-1")] == [
        (ADOPTED, "reg-a", "医疗保障基金使用监督管理条例")
    ]
    assert index.links_for("sc-1-plenary") == []


def test_revised_regulation_links_both_meetings_days_only_for_latest() -> None:
    docs = [
        _sc_meeting("sc-2014", "2014-02-12", "会议通过《医疗器械监督管理条例（修订草案）》。"),
        _sc_meeting("sc-2020", "2020-12-21", "会议通过《医疗器械监督管理条例（修订草案）》。"),
        _regulation("reg", "医疗器械监督管理条例", "2021-02-09", [(39, "2014-02-12"), (119, "2020-12-21")]),
    ]
    index = LinkIndex.from_documents(docs)
    assert [(r["other_id"], r["days"]) for r in index.links_for("reg")] == [("sc-2014", None), ("sc-2020", 50)]
    assert [(e["event"], e["doc_id"], e["date"]) for e in index.timeline("reg")] == [
        ("adopted", "sc-2014", "2014-02-12"),
        ("adopted", "sc-2020", "2020-12-21"),
        ("issued", "reg", "2021-02-09"),
    ]


def test_timeline_reviewed_issued_cited() -> None:
    issued = _policy("szf-2021-7", "苏州市人民政府关于推进再生资源回收利用体系建设的实施意见", "2021-02-01", doc_number="苏府〔2021〕7号")
    citing = _policy("later", "关于某事的通知", "2022-05-01", cited_numbers=["苏府〔2021〕7号"])
    index = LinkIndex.from_documents([_minutes(), issued, citing])
    assert [(e["event"], e["doc_id"], e["date"], e["para_id"]) for e in index.timeline("szf-2021-7")] == [
        ("reviewed", "suzhou-exec-120", "2020-12-07", "p20"),
        ("issued", "szf-2021-7", "2021-02-01", None),
        ("cited", "later", "2022-05-01", None),
    ]
    assert index.timeline("missing") == []


def test_summarize_keeps_only_what_linking_needs() -> None:
    s = summarize(_minutes())
    assert s.title_keys == frozenset({"人民政府第120次常务会议纪要"})
    assert s.reviewed == [
        ("关于推进制造业智能化改造和数字化转型的若干措施", "p5"),
        ("关于推进苏州市再生资源回收利用体系建设实施意见", "p20"),
    ]
    assert s.text == ""  # only State Council summaries keep their text


# --- the real corpus -------------------------------------------------------------------------

def _load(path: Path) -> list[Document]:
    extracted, problems = extract_path(path)
    assert problems == []
    return [parse(e) for e in extracted]


def test_sample_regulations_find_their_state_council_meeting(shared_corpus: Path) -> None:
    laws = _load(Path(__file__).resolve().parent.parent / "corpus" / "laws-lawrefbook-sample.jsonl")
    meetings = _load(shared_corpus / "minutes-state-council-xwlb.jsonl")
    index = LinkIndex.from_documents(laws + meetings)
    adopted = [d for d in laws if d.metadata.get("adopted")]
    covered = [d for d in adopted if any(a["date"] >= "2012-07-04" for a in d.metadata["adopted"])]
    links = [link for link in index.links if link.relation == ADOPTED_AT]
    linked = {link.doc_id for link in links}
    # every regulation adopted since the news summaries begin finds its meeting, except the one
    # whose meeting (2013-07-03) is missing from the summaries
    assert [d.title for d in covered if d.doc_id not in linked] == ["中华人民共和国外国人入境出境管理条例"]
    assert len(covered) >= 30
    basis = {index.docs[link.doc_id].title: link.basis for link in links}
    assert (basis["医疗保障基金使用监督管理条例"], basis["融资担保公司监督管理条例"], basis["存款保险条例"]) == (
        BASIS_TITLE, BASIS_DRAFT, BASIS_DATE
    )
    reg = next(d for d in laws if d.title == "医疗保障基金使用监督管理条例")
    (link,) = index.links_for(reg.doc_id)
    assert (link["other_date"], link["number"], link["days"], link["basis"]) == ("2020-12-09", 117, 37, BASIS_TITLE)
    back = index.links_for(link["other_id"])
    assert sorted(r["other_title"] for r in back) == ["医疗保障基金使用监督管理条例", "排污许可管理条例"]


def test_meeting_that_reviewed_a_draft_does_not_cite_the_later_document() -> None:
    minutes = _minutes()
    minutes.references = [Reference(title="关于推进苏州市再生资源回收利用体系建设实施意见")]
    issued = _policy("szf-2021-7", "苏州市人民政府关于推进再生资源回收利用体系建设的实施意见", "2021-02-01")
    index = LinkIndex.from_documents([minutes, issued])
    assert index.cited_by("szf-2021-7") == []
    assert [r["relation"] for r in index.links_for("szf-2021-7")] == [REVIEWED_AT]


def test_state_council_draft_subject_gives_one_link_not_two() -> None:
    meeting = _sc_meeting("sc-1", "2020-12-09", "会议通过《医疗保障基金使用监督管理条例（草案）》。")
    meeting.items = [Item(label="1", heading="会议通过", decisions=[
        Decision(label="1", action="通过", subjects=["医疗保障基金使用监督管理条例（草案）"], para_ids=["p1"])])]
    reg = _regulation("reg-a", "医疗保障基金使用监督管理条例", "2021-01-15", [(117, "2020-12-09")])
    index = LinkIndex.from_documents([meeting, reg])
    assert [(r["relation"], r["other_id"]) for r in index.links_for("reg-a")] == [(ADOPTED_AT, "sc-1")]


def test_mentions_are_not_reviews_and_late_versions_have_no_day_count() -> None:
    meeting = _sc_meeting("sc-2012", "2012-09-26", "会议通过《国内水路运输管理条例（草案）》。")
    meeting.items = [Item(label="1", heading="会议", decisions=[
        Decision(label="1", action="通过", subjects=["国内水路运输管理条例(草案)"], para_ids=["p1"]),
        Decision(label="2", action="指出", subjects=["失业保险条例"], para_ids=["p1"]),
    ])]
    current = _regulation("reg-2023", "国内水路运输管理条例", "2023-07-20", [])
    unemployment = _regulation("reg-unemp", "失业保险条例", "2024-01-01", [])
    index = LinkIndex.from_documents([meeting, current, unemployment])
    (link,) = index.links_for("reg-2023")
    assert (link["relation"], link["meeting_date"], link["days"]) == (REVIEWED_AT, "2012-09-26", None)
    assert index.links_for("reg-unemp") == []


def test_cited_by_on_the_sample_regulations() -> None:
    laws = _load(Path(__file__).resolve().parent.parent / "corpus" / "laws-lawrefbook-sample.jsonl")
    index = LinkIndex.from_documents(laws)
    by_title = {d.title: d.doc_id for d in laws}
    cited = index.cited_by(by_title["医疗事故处理条例"])
    assert [(c["title"], c["date"]) for c in cited] == [
        ("人体器官移植条例", "2007-03-31"),
        ("医疗纠纷预防和处理条例", "2018-07-31"),
    ]
    assert [e["event"] for e in index.timeline(by_title["医疗事故处理条例"])] == ["issued", "cited", "cited"]
