"""Layout repair on the seed's real text layer and on small literal pages."""
from __future__ import annotations

import pytest

from indexer.layout import page_marker_number, repair, to_iso_date
from indexer.models import Page
from paths import SEED


@pytest.fixture(scope="module")
def seed_layout():
    return repair([Page(1, SEED.read_text(encoding="utf-8"))])


def _find(layout, start: str):
    return next(p for p in layout.paragraphs if p.text.startswith(start))


def test_seed_paragraph_boundaries(seed_layout):
    texts = [p.text for p in seed_layout.paragraphs]
    assert len(texts) == 26
    assert texts[1] == "会议议定以下意见："
    assert texts[2] == "一、传达全国煤矿安全生产工作紧急视频会议和省会议精神，听取我市岁末年初安全生产工作汇报"
    assert texts[7] == "二、审议《关于推进制造业智能化改造和数字化转型的若干措施》"
    assert texts[15] == "四、审议《苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议》"
    assert texts[23].startswith("会上，还进行了常务会议学法专题。")


def test_seed_words_rejoined_and_spaces_squeezed(seed_layout):
    lead = seed_layout.paragraphs[0].text
    assert lead.startswith("2020年12月7日上午，李亚平市长主持召开市政府第120次常务会议，传达")
    assert "审议《关于推进制造业智能化改造和数字化转型的若干措施》" in lead
    decision = _find(seed_layout, "（一）原则同意《关于推进制造业")
    assert decision.text == (
        "（一）原则同意《关于推进制造业智能化改造和数字化转型的若干措施》（以下简称《若干措施》）。"
        "由市工信局根据本次会议讨论意见按程序发文实施。"
    )
    assert "共制定了22条措施" in _find(seed_layout, "（三）《若干措施》").text


def test_seed_page_markers_removed_and_pages_counted(seed_layout):
    assert not any("— 3 —" in p.text or "— 5 —" in p.text for p in seed_layout.paragraphs)
    # the (四) paragraph runs over the — 3 — footer: joined, and it starts on page 3
    p4 = _find(seed_layout, "（四）各地各部门要做好迎接")
    assert "考核各项准备工作，组织开展好年度安全生产目标责任考核" in p4.text
    assert p4.page == 3
    assert _find(seed_layout, "二、审议").page == 4
    assert _find(seed_layout, "三、审议").page == 5  # pages 4-5 share the chunk between — 3 — and — 5 —
    assert _find(seed_layout, "（二）加强与中检集团").page == 6  # after — 5 —
    assert seed_layout.paragraphs[0].page == 2  # counted back with the measured lines per page


def test_seed_trailer(seed_layout):
    assert seed_layout.trailer == {
        "recorder": "栗涛",
        "organiser": "苏州市人民政府办公室",
        "organised": "2020-12-21",
        "public": True,
        "distribution": "各市、区人民政府，苏州工业园区、苏州高新区管委会；市各有关部门和单位。",
        "issuer_office": "苏州市人民政府办公室",
        "issued": "2020-12-23",
    }
    assert not any("印发" in p.text or p.text.startswith("分送") for p in seed_layout.paragraphs)


def test_seed_attendance_blocks_keep_lines_and_spacing(seed_layout):
    attend = _find(seed_layout, "出席：")
    assert attend.text == "出席：李亚平  王  翔  洪宗明  蒋来清  陆春云  江  海\n曹后灵  杨知评  胡志斌  周  伟"
    present = _find(seed_layout, "列席：")
    assert "市人社局朱正  市资\n源规划局史纲" in present.text
    assert present.text.endswith("市检察院、市园林绿化局、市工商联、张家港市的代表")


def test_pdf_pages_use_printed_numbers_and_drop_running_headers():
    header = "苏州市人民政府常务会议纪要"
    pages = [
        Page(1, f"{header}\n第一段文字内容在这里，没有结束\n- 1 -"),
        Page(2, f"{header}\n而是在第二页继续。\n- 2 -"),
        Page(3, f"{header}\n二、第二部分\n- 3 -"),
    ]
    layout = repair(pages)
    assert [p.text for p in layout.paragraphs] == ["第一段文字内容在这里，没有结束", "而是在第二页继续。", "二、第二部分"]
    assert [p.page for p in layout.paragraphs] == [1, 2, 3]
    assert layout.page_count == 3


def test_printed_offset_for_unnumbered_cover():
    layout = repair([Page(1, "封面标题"), Page(2, "正文一。\n- 1 -"), Page(3, "正文二。\n- 2 -")])
    assert [(p.text, p.page) for p in layout.paragraphs] == [("封面标题", None), ("正文一。", 1), ("正文二。", 2)]


def test_header_markers_open_pages():
    text = "- 1 -\n一、总体情况\n第一页的内容。\n- 2 -\n第二页的内容。"
    layout = repair([Page(1, text)])
    assert [(p.text, p.page) for p in layout.paragraphs] == [
        ("一、总体情况", 1), ("第一页的内容。", 1), ("第二页的内容。", 2)]


def test_unwrapped_text_keeps_lines_as_paragraphs():
    text = "第一条 为了规范口岸开放，制定本条例。\n第二条 本条例所称的口岸。\n市发展改革、建设等部门应当根据各自职责协同实施本条例，为口岸运行提供公开透明的服务。"
    layout = repair([Page(1, text)])
    assert [p.text for p in layout.paragraphs] == text.split("\n")


def test_helpers():
    assert page_marker_number("— 3 —") == 3
    assert page_marker_number(" - 12 - ") == 12
    assert page_marker_number("第 4 页") == 4
    assert page_marker_number("一、总体情况") is None
    assert to_iso_date("2020年 12月 21日") == "2020-12-21"
    assert to_iso_date("国务院\n一九八一年五月二十三日") == "1981-05-23"
    assert to_iso_date("二〇二〇年十二月七日") == "2020-12-07"
    assert to_iso_date("没有日期") is None
