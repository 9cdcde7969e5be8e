"""The rules of the minutes genre, one form at a time (opening, dates, actions, places, departments)."""
from __future__ import annotations

import pytest

from indexer.deptresolve import Resolver
from indexer.depttypes import get_taxonomy
from indexer.jurisdiction import HEADER, from_issuer, resolve
from indexer.models import Extracted, Page
from indexer.pipeline import read_document as parse
from indexer.structure.actions import action_type
from indexer.structure.dating import meeting_date
from indexer.structure.opening import read_opening


@pytest.mark.parametrize("text, number, chair, title, acting", [
    ("5月6日，区委副书记、区长吴曙在区政府第一会议室主持召开区政府第十六次常务会议，研究", 16, "吴曙", "区长", False),
    ("5月6日，吴曙区长主持召开四届六十七次区政府常务会议。", 67, "吴曙", "区长", False),
    ("5月6日，受区长吴曙委托，常务副区长李明主持召开2022年第9次区政府常务会议。", 9, "李明", "常务副区长", True),
    ("7月31日，县长王强主持召开县政府第 32 次常务会议。", 32, "王强", "县长", False),
    ("7月31日，市长张伟主持召开第58次市政府常务会议。", 58, "张伟", "市长", False),
    ("7月31日，区政府召开第16届75次常务会议。会议由区长吴智民主持。", 75, "吴智民", "区长", False),
])
def test_opening_sentence_variants(text, number, chair, title, acting):
    op = read_opening(text)
    assert (op.number, op.chair, op.chair_title, op.acting, op.type) == (number, chair, title, acting, "常务会议")


def test_meeting_types():
    assert read_opening("县长查宏主持召开县长办公会议").type == "办公会议"
    assert read_opening("州人民政府第三次全体会议召开").type == "全体会议"
    assert read_opening("海淀区第十五届人大常委会第64次主任会议纪要").body == "人大常委会"
    assert read_opening("市长在市政府常务会议室主持召开专题会议").type == "专题会议"


def test_dates_take_the_documents_own_year_and_never_invent_one():
    assert meeting_date("7月31日，", "2021-08-01", None) == ("2021-07-31", None)
    assert meeting_date("12月30日，", "2022-01-05", None)[0] == "2021-12-30"
    assert meeting_date("12月25日，", None, 2018)[0] == "2018-12-25"  # 县政府2018年第八次常务会议
    assert meeting_date("2月4日下午，", None, None) == (None, None)
    date, problem = meeting_date("2022年33日，", "2022-03-15", None)
    assert date == "2022-03-03" and "33日" in problem
    assert meeting_date("2022年2月30日，", None, None)[0] is None
    # 911日 without any dating of the document to check a repair against: reported, left empty
    date, problem = meeting_date("911日，", None, None)
    assert date is None and "911日" in problem
    # a repair must fall within a month before the document's own dating
    assert meeting_date("911日，", "2023-12-20", None)[0] is None


def test_typed_actions_decision_or_remark():
    text = "会议指出，要持续优化营商环境。会议通过了《优化营商环境条例（草案）》。"
    assert action_type(text, "指出") == "通过"
    assert action_type("会议强调，各地要通过改革激发活力。", "强调") == "强调"
    assert action_type("会议确定了加快发展的措施。", "确定") == "决定"


def test_places_told_apart_by_a_named_parent_and_never_guessed():
    j = resolve([("西安市新城区2021年重点建设项目", 2.0), ("王征区长主持召开区政府常务会议", HEADER)], "区")
    assert (j.name, j.code, j.prefecture) == ("西安市新城区人民政府", "610102", "西安市")
    assert resolve([("区政府召开常务会议，听取常州市有关工作汇报", HEADER)], "区") is None
    assert resolve([("乡村振兴，振兴县域经济", 1.0)], "县") is None  # 振兴县域 does not name 兴县
    j = resolve([("甘孜藏族自治州人民政府网站", HEADER)], "州")
    assert (j.name, j.level, j.code) == ("甘孜藏族自治州人民政府", "地级", "513300")
    assert from_issuer("北京市人民代表大会常务委员会").name == "北京市人民代表大会常务委员会"
    assert from_issuer("国务院办公厅").level == "国家"


def test_departments_relative_to_their_jurisdiction():
    east = resolve([("攀枝花市东区人民政府", HEADER)], "区")
    names = [r.name for r in Resolver(east, "攀枝花市东区").find("区发改局、区政府办、省政府")]
    assert names == ["攀枝花市东区发展和改革局", "攀枝花市东区人民政府办公室", "省政府"]  # 四川 never named
    heze = resolve([("菏泽市人民政府", HEADER)], "市")
    found = Resolver(heze, "菏泽").find("由市场监管局牵头")
    assert [(r.name, r.type) for r in found] == [("菏泽市市场监督管理局", "市场监管")]
    kaijiang = resolve([("开江县人民政府", HEADER)], "县")
    assert [r.name for r in Resolver(kaijiang, "开江县 达州市").find("县政府办、市委组织部")] == [
        "开江县人民政府办公室", "中共达州市委组织部"]
    assert Resolver(None, "").find("市委组织部")[0].name == "市委组织部"  # unknown place: as written


def test_taxonomy_types_named_units_by_their_last_word():
    tax = get_taxonomy()
    assert tax.classify("北客站征地拆迁指挥部") == ("议事协调机构", "议事协调")
    assert tax.classify("六村堡街道") == ("街道", "乡镇街道")
    assert tax.classify("苏州市工业和信息化局") == ("工业和信息化", "政府部门")
    assert tax.classify("中共苏州市委组织部") == ("组织", "党委")


def _minutes(text: str) -> Extracted:
    return Extracted("county.txt", "text", [Page(1, text)], {}, "1" * 40)


def test_another_provinces_county_is_never_read_as_suzhou():
    doc = parse(_minutes(
        "开江县人民政府\n"
        "3月2日，县委副书记、县长刘强主持召开县政府第12次常务会议。\n"
        "会议原则同意《开江县农村公路养护办法》，由县交通局按程序印发实施。\n"
        "会议要求，市委组织部、省政府有关要求要落实到位，县市场监管局要加强检查。\n"
    ))
    assert doc.kind == "minutes" and doc.jurisdiction.name == "开江县人民政府"
    assert not any("苏州" in d or "江苏" in d for d in doc.departments)
    assert "市委组织部" in doc.departments and "省政府" in doc.departments
    assert "开江县市场监督管理局" in doc.departments
    dec = doc.items[0].decisions[0]
    assert (dec.action_type, dec.is_decision, dec.lead_department, dec.lead_type) == (
        "原则同意", True, "开江县交通运输局", "交通运输")
    assert doc.meeting.number == 12 and doc.meeting.chair == "刘强"


def test_numbered_decisions_of_a_city_record_with_an_acting_chair():
    doc = parse(_minutes(
        "菏泽市人民政府第58次常务会议纪要\n"
        "2022年9月20日，受市长委托，常务副市长王军主持召开第58次市政府常务会议。会议议定事项如下：\n"
        "（一）原则同意《菏泽市城区停车场建设管理办法》，由市住房城乡建设局按程序印发实施。\n"
        "（二）会议听取了市市场监管局关于食品安全工作的汇报。会议要求，市场监管局要加强检查。\n"
        "（三）同意市财政局提出的《2022年市级预算调整方案》，提请市人大常委会审议。\n"
        "会议还研究了其他事项。\n"
    ))
    m = doc.meeting
    assert (m.number, m.chair, m.chair_title, m.acting, m.date) == (58, "王军", "常务副市长", True, "2022-09-20")
    assert doc.jurisdiction.code == "371700"
    rows = [(d.action_type, d.is_decision, d.lead_department) for it in doc.items for d in it.decisions]
    assert rows == [("原则同意", True, "菏泽市住房和城乡建设局"), ("听取", False, None), ("同意", True, "菏泽市财政局")]
    assert doc.department_types["菏泽市市场监督管理局"] == "市场监管"


def test_attendance_in_prose_and_arabic_numbered_matters():
    doc = parse(_minutes(
        "2023年5月6日，县委副书记、县长王强主持召开濉溪县政府第15次常务会议。副县长任婷、葛益，"
        "县人大常委会副主任陈永乐应邀参加会议，县直有关部门负责人列席会议。会议议定事项如下：\n"
        "1.会议审议并原则通过了《濉溪县农村人居环境整治方案》，由县农业农村局牵头组织实施。\n"
        "2.会议研究了县城供水工程有关事宜，请县水利局会同县财政局抓紧完善方案。\n"
        "3.会议议定，由县住建局负责老旧小区改造项目的招标工作。\n"
    ))
    assert [(a.role, a.name, a.department) for a in doc.attendees] == [
        ("出席", "任婷", None), ("出席", "葛益", None), ("出席", "陈永乐", "县人大常委会"), ("列席", None, "县直有关部门负责人")]
    rows = [(it.label, d.action_type, d.lead_department) for it in doc.items for d in it.decisions]
    assert rows == [("1", "原则通过", "濉溪县农业农村局"), ("2", "研究", "濉溪县水利局"), ("3", "决定", "濉溪县住房和城乡建设局")]
