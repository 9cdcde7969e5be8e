"""The seed minutes parsed end to end from their real text layer."""
from __future__ import annotations

import pytest

from indexer.citation import gbt7714
from indexer.models import Extracted, Page
from indexer.pipeline import read_document as parse
from indexer.structure.attendance import split_entries
from indexer.structure.minutes import decision_action, item_subject
from paths import SEED

GONGXIN = "苏州市工业和信息化局"
SHICHANG = "苏州市市场监督管理局"
GONGXIAO = "苏州市供销合作总社"
YINGJI = "苏州市应急管理局"


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    return parse(Extracted(str(SEED), "text", [Page(1, text)], {"encoding": "utf-8"}, "0" * 40))


def _para(doc, para_id):
    return next(p for p in doc.paragraphs if p.para_id == para_id)


def test_meeting_and_title(seed):
    assert seed.doc_id == "suzhou-gov-exec-120"
    assert seed.kind == "minutes"
    assert seed.title == "苏州市人民政府第120次常务会议纪要"
    m = seed.meeting
    assert (m.body, m.name, m.number, m.date, m.chair) == ("苏州市人民政府", "常务会议", 120, "2020-12-07", "李亚平")
    assert seed.date == "2020-12-07"
    assert seed.metadata["organised"] == "2020-12-21"
    assert seed.metadata["issued"] == "2020-12-23"
    assert seed.metadata["public"] is True


def test_five_items_with_headings_and_subjects(seed):
    assert [(i.label, i.heading) for i in seed.items] == [
        ("一", "一、传达全国煤矿安全生产工作紧急视频会议和省会议精神，听取我市岁末年初安全生产工作汇报"),
        ("二", "二、审议《关于推进制造业智能化改造和数字化转型的若干措施》"),
        ("三", "三、审议《“苏州制造”品牌认证三年行动方案（2021～2023年）》"),
        ("四", "四、审议《苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议》"),
        ("五", "五、审议《关于推进苏州市再生资源回收利用体系建设实施意见》"),
    ]
    assert [i.subject for i in seed.items] == [
        "岁末年初安全生产工作", "制造业智能化改造和数字化转型", "“苏州制造”品牌认证", "检验检测认证领域战略合作",
        "再生资源回收利用体系建设",
    ]
    assert seed.items[1].topics == ["工业、交通"]
    assert seed.items[4].topics == ["城乡建设、环境保护"]


def test_decisions(seed):
    first = [it.decisions[0] for it in seed.items]
    assert [d.action for d in first] == ["原则同意"] * 5
    assert [d.lead_department for d in first] == [YINGJI, GONGXIN, SHICHANG, SHICHANG, GONGXIAO]
    assert [d.follow_up for d in first] == [
        None, "按程序发文实施", "作进一步细化完善后，按程序做好下一步工作", "作进一步完善，并做好后续工作", "按程序发文实施",
    ]
    assert first[1].subjects == ["关于推进制造业智能化改造和数字化转型的若干措施"]
    # （三）《若干措施》涵盖了… : the short name resolves to the full title
    third = seed.items[1].decisions[2]
    assert (third.label, third.action, third.subjects) == ("（三）", "指出", ["关于推进制造业智能化改造和数字化转型的若干措施"])
    assert [d.action for d in seed.items[0].decisions] == ["原则同意", "指出", "要求", "要求"]
    assert len(seed.items[0].decisions) == 4 and len(seed.items[3].decisions) == 3


def test_decision_paragraph_intact_and_labelled(seed):
    d = seed.items[1].decisions[0]
    para = _para(seed, d.para_ids[0])
    assert "制造业智能化改造和数字化转型" in para.text
    assert para.text.startswith("（一）原则同意《关于推进制造业智能化改造和数字化转型的若干措施》")
    assert (para.label, para.item, para.role, para.page) == ("二（一）", "二", "decision", 4)
    assert para.lead_department == GONGXIN
    assert para.citation == "苏州市政府第120次常务会议纪要 二（一） 第4页"
    assert not any("— 3 —" in p.text or "— 5 —" in p.text for p in seed.paragraphs)


def test_paragraph_ids_pages_and_roles(seed):
    assert [p.para_id for p in seed.paragraphs] == [f"p{i}" for i in range(1, 27)]
    assert seed.paragraphs[0].role == "lead"
    assert [(p.label, p.page) for p in seed.paragraphs if p.role == "heading"] == [
        ("一", 2), ("二", 4), ("三", 5), ("四", 5), ("五", 6)]
    study = seed.paragraphs[23]
    assert study.text.startswith("会上，还进行了常务会议学法专题")
    assert (study.item, study.label, study.page) == (None, None, 7)  # 学法 is on no agenda item
    assert [p.role for p in seed.paragraphs[24:]] == ["attendance", "attendance"]


def test_references(seed):
    assert [(r.title, r.short_name) for r in seed.references] == [
        ("关于推进制造业智能化改造和数字化转型的若干措施", "若干措施"),
        ("“苏州制造”品牌认证三年行动方案（2021～2023年）", "行动方案"),
        ("苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议", "合作协议"),
        ("关于推进苏州市再生资源回收利用体系建设实施意见", None),
        ("江苏省促进政务服务便利化条例", None),  # the 学法 lecture: a cited law, kept
    ]
    assert seed.cited_numbers == []


def test_attendees(seed):
    people = {(a.role, a.name): a.department for a in seed.attendees}
    assert people[("出席", "李亚平")] is None
    assert people[("出席", "王翔")] is None  # 王  翔: one padded name
    assert people[("出席", "江海")] is None  # padded name at a line end
    assert people[("列席", "田阿涛")] is None  # names without a department in the first part of 列席
    assert people[("列席", "蔡剑峰")] == GONGXIN
    assert people[("列席", "胡卫江")] == "中共苏州市委组织部"  # 市委组织部 / 胡卫江 across lines
    assert people[("列席", "史纲")] == "苏州市自然资源和规划局"  # 市资 / 源规划局史纲 across lines
    assert people[("列席", "戚振宇")] == "苏州市吴江区人民政府"  # 吴江 / 区戚振宇
    assert people[("列席", "刘卫言")] == "中华人民共和国苏州海关"
    assert people[("列席", "虞伟")] == SHICHANG
    assert people[("记录", "栗涛")] is None
    delegates = [a.department for a in seed.attendees if a.name is None]
    assert delegates == ["苏州市人民检察院", "苏州市园林和绿化管理局", "苏州市工商业联合会", "张家港市人民政府"]
    assert sum(a.role == "出席" for a in seed.attendees) == 10
    assert len(seed.attendees) == 100


def test_departments_not_tagged_from_attendance(seed):
    attendance = [p for p in seed.paragraphs if p.role == "attendance"]
    assert all(p.departments == [] for p in attendance)
    assert "中共苏州市委组织部" not in seed.departments
    assert seed.departments == [
        "苏州市人民政府", "中国检验认证（集团）有限公司", YINGJI, "江苏省人民政府", GONGXIN, SHICHANG,
        "苏州市吴中区人民政府", "苏州工业园区管理委员会", GONGXIAO, "江苏省政务服务管理办公室",
    ]
    # a paragraph carries what it names, the lead of its decision and the meeting's body (the
    # issuer); it no longer inherits its item's departments: p10 never names 市工信局
    assert seed.issuers == ["苏州市人民政府"]
    assert (_para(seed, "p9").departments, _para(seed, "p9").leads) == ([GONGXIN, "苏州市人民政府"], [GONGXIN])
    assert (_para(seed, "p10").departments, _para(seed, "p10").leads) == (["苏州市人民政府"], [])


def test_gbt7714(seed):
    para = _para(seed, "p9")
    assert gbt7714(seed, para) == "苏州市人民政府办公室. 苏州市政府第120次常务会议纪要（二（一））[Z]. 2020-12-07: 4."
    assert gbt7714(seed) == "苏州市人民政府办公室. 苏州市政府第120次常务会议纪要[Z]. 2020-12-07."


def test_helpers():
    assert split_entries("出席：李亚平  王  翔  洪宗明  江  海".removeprefix("出席：")) == ["李亚平", "王翔", "洪宗明", "江海"]
    assert item_subject("五、审议《关于推进苏州市再生资源回收利用体系建设实施意见》") == "再生资源回收利用体系建设"
    assert decision_action("（二）各地各部门要坚决贯彻落实全国紧急视频会议精神") == "要求"
    assert decision_action("（一）会议听取了市发改委关于…的汇报。") == "听取"


def test_seed_from_rendered_pdf(tmp_path):
    """The same minutes through the real PDF extractor: one Page per physical page."""
    from pdfgen import render_seed_pdf

    from indexer.extract import extract_path

    pdf = tmp_path / "seed.pdf"
    render_seed_pdf(SEED.read_text(encoding="utf-8"), pdf)
    extracted, problems = extract_path(pdf)
    assert problems == []
    doc = parse(extracted[0])
    assert doc.doc_id == "suzhou-gov-exec-120"
    assert (doc.meeting.number, doc.meeting.date, doc.meeting.chair) == (120, "2020-12-07", "李亚平")
    assert [i.label for i in doc.items] == ["一", "二", "三", "四", "五"]
    assert [it.decisions[0].lead_department for it in doc.items[1:]] == [GONGXIN, SHICHANG, SHICHANG, GONGXIAO]
    assert [(p.label, p.page) for p in doc.paragraphs if p.role == "heading"] == [
        ("一", 1), ("二", 2), ("三", 3), ("四", 3), ("五", 4)]
    assert (doc.metadata["organised"], doc.metadata["issued"]) == ("2020-12-21", "2020-12-23")
    assert len(doc.attendees) == 100
