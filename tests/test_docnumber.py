"""发文字号: every written variant reduces to one canonical form; ordinary text is left alone."""
from __future__ import annotations

import json

import pytest

from indexer.docnumber import find_doc_numbers, normalize_doc_number
from paths import CORPUS


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("国发〔2018〕39号", "国发〔2018〕39号"),
        ("国发[2018]39号", "国发〔2018〕39号"),
        ("国发［2018］39号", "国发〔2018〕39号"),
        ("国发(2018)39号", "国发〔2018〕39号"),
        ("国发（2018）39号", "国发〔2018〕39号"),
        ("国发【2018】39号", "国发〔2018〕39号"),
        ("国发｛2018｝39号", "国发〔2018〕39号"),
        ("国发 〔 2018 〕 39 号", "国发〔2018〕39号"),
        ("国发〔２０１８〕３９号", "国发〔2018〕39号"),
        ("国发〔2018〕第39号", "国发〔2018〕39号"),
        ("国发〔2018〕039号", "国发〔2018〕39号"),
        ("国发201839号", "国发〔2018〕39号"),
        ("国办函〔2019〕1號", "国办函〔2019〕1号"),
        ("苏府办〔2020〕123号", "苏府办〔2020〕123号"),
        ("财税〔2019〕13号", "财税〔2019〕13号"),
        ("法释〔1998〕11号", "法释〔1998〕11号"),
        ("法（研）发〔1987〕32号", "法（研）发〔1987〕32号"),
        ("国务院令第711号", "国务院令第711号"),
        ("国务院令 第 711 号", "国务院令第711号"),
        ("中华人民共和国国务院令第711号", "国务院令第711号"),
        ("国令第711号", "国务院令第711号"),
        ("中华人民共和国国务院令第711号", "国务院令第711号"),
        ("第711号令", "第711号令"),
        ("国务院第711号令", "国务院第711号令"),
    ],
)
def test_variants_normalise_to_the_canonical_form(written: str, canonical: str) -> None:
    assert normalize_doc_number(written) == canonical


@pytest.mark.parametrize(
    "text",
    ["", "第20号", "（2021～2023年）", "2018年39号", "国发", "根据国发〔2018〕39号文件", "〔2018〕39号", "案件第2020123号"],
)
def test_non_numbers_do_not_normalise(text: str) -> None:
    assert normalize_doc_number(text) is None


def test_find_returns_spans_into_the_original_text() -> None:
    text = "根据国发[2018]39号和苏府办（２０２０）第3号文件，执行国务院令第711号。"
    found = find_doc_numbers(text)
    assert found == [
        (2, 13, "国发〔2018〕39号"),
        (14, 26, "苏府办〔2020〕3号"),
        (31, 40, "国务院令第711号"),
    ]
    assert [text[s:e] for s, e, _ in found] == ["国发[2018]39号", "苏府办（２０２０）第3号", "国务院令第711号"]


def test_bracketed_years_in_titles_are_not_numbers() -> None:
    text = "审议《“苏州制造”品牌认证三年行动方案（2021～2023年）》，共制定了22条措施。"
    assert find_doc_numbers(text) == []


def test_citation_in_parentheses_after_a_title() -> None:
    text = "《最高人民法院关于审理民事案件的规定》（法释〔1998〕11号）"
    assert find_doc_numbers(text) == [(20, 31, "法释〔1998〕11号")]


def test_every_stated_number_in_the_policy_corpus_is_recognised() -> None:
    """The 60 gov.cn records state their 发文字号; each must normalise to itself and be found
    in the record's own text, including the orders whose metadata says 国令第706号 while their
    text says 中华人民共和国国务院令第706号 (both canonical 国务院令第706号)."""
    stated = []
    missed = []
    with (CORPUS / "policy-govcn-platform1.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("doc_number"):
                stated.append(record["doc_number"])
                canon = normalize_doc_number(record["doc_number"])
                assert canon == record["doc_number"].replace(" ", "").replace("国令", "国务院令")
                if canon not in {c for _, _, c in find_doc_numbers(record["text"])}:
                    missed.append(canon)
    assert len(stated) == 60
    assert missed == []


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("1992年10月20日北京市人民政府第15号令发布", "北京市人民政府第15号令"),
        ("1986年10月29日市人民政府京政发〔1986〕148号文件发布", "京政发〔1986〕148号"),
        ("对外贸易经济合作部令第3号", "对外贸易经济合作部令第3号"),
        ("中华人民共和国国家发展计划委员会令第5号", "国家发展计划委员会令第5号"),
    ],
)
def test_dates_and_issuer_names_are_not_part_of_the_code(text: str, canonical: str) -> None:
    assert [c for _, _, c in find_doc_numbers(text)] == [canonical]


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("各省人民政府要按照国办发〔1993〕71号文件执行", "国办发〔1993〕71号"),
        ("要根据中发〔1994〕8号文件精神", "中发〔1994〕8号"),
        ("经农经发〔2001〕3号文件确认", "农经发〔2001〕3号"),
        ("1990年3月1日原国家工商行政管理总局令第5号公布", "国家工商行政管理总局令第5号"),
    ],
)
def test_sentence_words_before_the_code_are_dropped(text: str, canonical: str) -> None:
    assert [c for _, _, c in find_doc_numbers(text)] == [canonical]


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("國辦發〔2018〕123號", "国办发〔2018〕123号"),
        ("國務院令第711號", "国务院令第711号"),
        ("中華人民共和國國務院令第711號", "国务院令第711号"),
        ("國令第711號", "国务院令第711号"),
        ("国办发2018年129号", "国办发〔2018〕129号"),
        ("国办发 2018 年 129 号", "国办发〔2018〕129号"),
        ("国办发2018年129", "国办发〔2018〕129号"),
        ("国办发〔2018〕129", "国办发〔2018〕129号"),
        ("国办发【2018】128", "国办发〔2018〕128号"),
        ("国 办 发 ( 2018 ) 129 号", "国办发〔2018〕129号"),
        ('"国发〔2018〕39号"', "国发〔2018〕39号"),
        ("“国发[2018]39号”", "国发〔2018〕39号"),
        ("国发〔２０１８〕３９", "国发〔2018〕39号"),
    ],
)
def test_typed_forms_normalise_to_the_canonical_form(typed: str, canonical: str) -> None:
    assert normalize_doc_number(typed, typed=True) == canonical


@pytest.mark.parametrize("line", ["国办发2018年129号", "国办发〔2018〕129", '"国发〔2018〕39号"', "洪泽区人民政府2024年1"])
def test_document_lines_keep_the_strict_rules(line: str) -> None:
    """Parsers look for the number line of a document with the default (strict) rules."""
    assert normalize_doc_number(line) is None


@pytest.mark.parametrize("written, canonical", [("國辦發〔2018〕123號", "国办发〔2018〕123号"), ("國令第711號", "国务院令第711号")])
def test_traditional_numbers_normalise_in_documents_too(written: str, canonical: str) -> None:
    assert normalize_doc_number(written) == canonical


def test_typed_shapes_are_found_in_a_query_but_not_in_running_text() -> None:
    """年 after a bare year and a missing 号 are what people type; in documents the same shapes
    are something else (a typhoon number, a count of items)."""
    query = "查 国办发2018年129号 和 國辦發〔2018〕123號 国发〔2018〕39"
    assert find_doc_numbers(query, typed=True) == [
        (2, 14, "国办发〔2018〕129号"),
        (17, 30, "国办发〔2018〕123号"),
        (31, 41, "国发〔2018〕39号"),
    ]
    assert find_doc_numbers("苏府2018年3号台风过境，共下达〔2018〕5项任务") == []
    assert find_doc_numbers("国办发2018年129号") == []
    assert find_doc_numbers("國辦發〔2018〕123號") == [(0, 13, "国办发〔2018〕123号")]


def test_a_number_followed_by_more_text_is_not_one_typed_number() -> None:
    assert normalize_doc_number("国发〔2018〕39号文", typed=True) is None
    assert normalize_doc_number("2018年39号", typed=True) is None
