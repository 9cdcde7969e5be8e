"""rewrite: question words dropped, numbers normalised, the query language left intact."""
from __future__ import annotations

import pytest

from indexer.querytext import Rewritten, rewrite


@pytest.mark.parametrize(
    "typed, text, dropped",
    [
        ("国务院哪次常务会议通过了优化营商环境条例", "国务院 常务会议通过 优化营商环境条例", ("哪次", "了")),
        ("什么是营商环境", "营商环境", ("什么", "是")),
        ("如何申请居住证", "申请居住证", ("如何",)),
        ("营商环境条例是否适用于个体工商户", "营商环境条例 适用于个体工商户", ("是否",)),
        ("有关营商环境的规定有哪些", "营商环境 规定", ("有关", "的", "哪些", "有")),
        ("哪些地方开展了无废城市试点", "地方开展 无废城市试点", ("哪些", "了")),
        ("网约车 呢", "网约车", ("呢",)),
        ("year:2020 哪些 稳就业", "year:2020 稳就业", ("哪些",)),
        ("雄安新区总体规划是什么时候批复的", "雄安新区总体规划 批复", ("什么", "的", "是", "时候")),
        ("哪些城市是药品集中采购试点城市", "城市 药品集中采购试点城市", ("哪些", "是")),
        ("征信机构保存个人不良信息的期限是多久", "征信机构保存个人不良信息 期限", ("的", "多久", "是")),
        ("双碳 是什么意思", "双碳", ("什么", "是", "意思")),
    ],
)
def test_question_words_and_particles_are_dropped(typed: str, text: str, dropped: tuple[str, ...]) -> None:
    r = rewrite(typed)
    assert (r.text, r.dropped) == (text, dropped)
    assert r.original == typed


@pytest.mark.parametrize(
    "typed",
    [
        "有关部门 职责",  # 有关部门: the departments concerned
        "关于加快推进政务服务标准化规范化便利化的指导意见",  # a title keeps 关于 … 的
        "了解 情况",  # 了 inside a word
        "无论如何",  # 如何 inside a word
    ],
)
def test_words_that_only_look_like_questions_are_kept(typed: str) -> None:
    r = rewrite(typed)
    assert (r.text, r.dropped, r.changed) == (typed, (), False)


@pytest.mark.parametrize(
    "typed",
    [
        '"什么" 营商环境',  # quoted: searched as typed
        "-什么 营商环境",  # an exclusion
        "什么 OR 营商环境",  # dropping would leave OR without an operand
        "(什么) 营商环境",  # dropping would leave empty parentheses
        "什么",  # nothing else to search for
        "部门:什么",  # a field value
    ],
)
def test_query_language_is_left_intact(typed: str) -> None:
    assert rewrite(typed).text == typed


@pytest.mark.parametrize(
    "typed, text, numbers",
    [
        ("外国人入境出境管理条例 第6条", "外国人入境出境管理条例 第六条", (("第6条", "第六条"),)),
        ("居住证暂行条例第１９条", "居住证暂行条例第十九条", (("第19条", "第十九条"),)),
        ("第110条 第2款", "第一百一十条 第二款", (("第110条", "第一百一十条"), ("第2款", "第二款"))),
        ("国务院第120次常务会议", "国务院 (第120次 OR 第一百二十次) 常务会议",
         (("第120次", "(第120次 OR 第一百二十次)"),)),
        ("苏州市政府第一百二十次常务会议", "苏州市政府 (第120次 OR 第一百二十次) 常务会议",
         (("第一百二十次", "(第120次 OR 第一百二十次)"),)),
        ("十二届全国人大第1次会议", "十二届全国人大 (第1次 OR 第一次) 会议", (("第1次", "(第1次 OR 第一次)"),)),
    ],
)
def test_numbers_are_written_as_the_documents_write_them(typed: str, text: str, numbers: tuple) -> None:
    r = rewrite(typed)
    assert (r.text, r.numbers) == (text, numbers)


def test_quoted_numbers_are_searched_as_typed() -> None:
    assert rewrite('"第19条"').text == '"第19条"'


@pytest.mark.parametrize(
    "typed, text",
    [
        ("国办发2018年129号", "国办发〔2018〕129号"),
        ("国办发2018年129号 消费扶贫", "国办发〔2018〕129号 消费扶贫"),
        ('"国发〔2018〕39号"', "国发〔2018〕39号"),
        ("“国发[2018]39号”", "国发〔2018〕39号"),
        ("國辦發〔2018〕123號", "国办发〔2018〕123号"),
        ("国办发〔2018〕129", "国办发〔2018〕129号"),
        ("文号:国办发2018年129号", "文号:国办发〔2018〕129号"),
        ("国发〔2018〕39号", "国发〔2018〕39号"),
    ],
)
def test_doc_numbers_become_canonical(typed: str, text: str) -> None:
    r = rewrite(typed)
    assert r.text == text
    assert r.dropped == ()


def test_rewrite_reports_what_it_changed() -> None:
    r = rewrite("国办发2018年129号 是否 第19条")
    assert r == Rewritten(
        original="国办发2018年129号 是否 第19条",
        text="国办发〔2018〕129号 第十九条",
        dropped=("是否",),
        numbers=(("第19条", "第十九条"),),
        doc_numbers=(("国办发2018年129号", "国办发〔2018〕129号"),),
    )
    assert r.notice() == "已忽略检索式中的疑问词和虚词：是否"
    assert rewrite("营商环境").notice() is None


@pytest.mark.parametrize("typed", ["", "   ", '"未闭合', "（", "OR"])
def test_odd_input_passes_through(typed: str) -> None:
    assert rewrite(typed).text == typed.strip()


@pytest.mark.parametrize(
    "typed",
    ["国务院哪次常务会议通过了优化营商环境条例", "国务院第120次常务会议 OR 第19条", "部门:市应急局 如何 -吗 “两客一危”",
     "(哪些 营商环境) OR 国办发2018年129号", "國辦發〔2018〕123號 消费扶贫 是否"],
)
def test_rewritten_queries_parse(typed: str) -> None:
    """The output is in the query language: the parser accepts it whenever it accepted the input."""
    from indexer.querysyntax import parse

    parse(typed)
    assert parse(rewrite(typed).text) is not None


def test_overlong_input_is_left_to_the_parser() -> None:
    q = "什么" * 300
    assert rewrite(q) == Rewritten(q, q)
