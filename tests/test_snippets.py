"""Snippets: escaped original text, whole-word marks, merged phrases, best window."""
from __future__ import annotations

from indexer.snippets import WIDTH, make_snippet

HOSTILE = "请各单位按照国发［2018］39号文件要求做好检验检测工作，<script>alert(1)</script> 并报送 A&B 情况。"


def test_html_is_escaped_before_marks_are_inserted():
    assert make_snippet(HOSTILE, {"script"}) == (
        "请各单位按照国发［2018］39号文件要求做好检验检测工作，&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
        " 并报送 A&amp;B 情况。"
    )
    assert make_snippet('他说"<b>"', {"他"}) == "<mark>他</mark>说&quot;&lt;b&gt;&quot;"


def test_no_marks_without_matches_and_no_stray_characters():
    assert make_snippet("由市工信局根据本次会议讨论意见按程序发文实施。", {"局", "工"}) == "由市工信局根据本次会议讨论意见按程序发文实施。"
    assert make_snippet("由市工信局根据", set()) == "由市工信局根据"


def test_adjacent_words_of_a_phrase_become_one_mark():
    text = "原则同意《关于推进制造业智能化改造和数字化转型的若干措施》"
    assert make_snippet(text, {"智能化改造", "和", "数字化转型"}) == (
        "原则同意《关于推进制造业<mark>智能化改造和数字化转型</mark>的若干措施》"
    )


def test_subword_matches_mark_the_dictionary_word_only():
    assert make_snippet("加快制造业智能化改造", {"改造"}) == "加快制造业智能化<mark>改造</mark>"


def test_traditional_text_is_marked_in_its_original_characters():
    assert make_snippet("再生資源回收利用", {"再生资源回收"}) == "<mark>再生資源回收</mark>利用"


def test_departments_and_doc_numbers_are_marked_in_any_written_form():
    assert make_snippet("原则同意市应急局关于", set(), departments={"苏州市应急管理局"}) == "原则同意<mark>市应急局</mark>关于"
    assert make_snippet(HOSTILE, set(), doc_numbers={"国发〔2018〕39号"}).startswith("请各单位按照<mark>国发［2018］39号</mark>文件")


def test_long_text_is_cut_around_the_best_region():
    text = "前" * 300 + "两客一危" + "后" * 300
    snippet = make_snippet(text, {"两客一危"})
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>两客一危</mark>" in snippet
    visible = snippet.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert len(visible) == WIDTH
    assert visible.index("两客一危") == WIDTH // 5


def test_window_prefers_the_densest_region():
    text = "安全" + "。" * 200 + "就业和安全" + "。" * 200
    snippet = make_snippet(text, {"就业", "安全"})
    assert "<mark>就业</mark>和<mark>安全</mark>" in snippet
    assert make_snippet("短文本就业", {"就业"}) == "短文本<mark>就业</mark>"
