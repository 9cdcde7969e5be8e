"""The fallback when no paragraph holds every word: a minimum-should-match weighted by idf.

A rare word counts for more than a common one, a compound that jieba splits into a lone
character counts only when all its parts are found, a paragraph holding none of the rarest
words is not a result, filters stay required, and the result names the words the first result
lacks (``dropped`` and the Chinese notice)."""
from __future__ import annotations

import math

import pytest

from indexer.engine import IndexStore
from indexer.engine.matching import clause_weights, rarest
from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents
from indexer.query import NOTICE_FALLBACK, SearchParams, search

COMMON = "会议研究了有关工作。"  # 工作 and 会议 in every filler paragraph


def test_clause_weights_are_idf_and_zero_for_words_found_nowhere() -> None:
    assert clause_weights([0, 9, 999], 1000) == [0.0, math.log(100) + 1, 1.0]


@pytest.mark.parametrize("weights, required", [
    ([9.0, 3.0], {0}),  # the rare word carries more than half: the common one alone is no result
    ([9.0, 8.5, 2.0], {0, 1}),  # 8.5 is within a factor 2 of frequency of the rarest: a near-tie
    ([0.0, 6.0, 5.0], {1}),  # a word found nowhere cannot be required
    ([5.0, 5.0, 5.0, 5.0], {0, 1, 2, 3}),  # equal weights: every word may carry a result
    ([0.0, 0.0], set()),
])
def test_rarest_clauses_make_up_half_the_weight(weights: list[float], required: set[int]) -> None:
    assert rarest(weights) == required


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndexStore:
    filler = [Paragraph(f"f{i}", f"第{i}项 {COMMON}") for i in range(40)]
    s = IndexStore.create_or_open(tmp_path_factory.mktemp("fallback") / "index")
    index_documents(s, [
        Document("common", "policy", "甲", sha1="c", date="2020-01-01", paragraphs=filler),
        Document("tax", "minutes", "乙", sha1="t", date="2018-09-06", paragraphs=[
            Paragraph("p1", "会议指出，将个人所得税基本减除费用标准由3500元提到5000元。"),
            Paragraph("p2", "个人所得税改革要抓紧落实工作。"),
        ]),
        Document("yuan", "policy", "丙", sha1="y", date="2021-03-01", paragraphs=[
            Paragraph("p1", "每件交纳5000元，个人所得税另计。"),
            Paragraph("p2", "登记5000件。"),  # 5000 without 元: the compound 5000元 is not found here
        ]),
    ])
    yield s
    s.close()


def _keys(result: dict) -> list[tuple[str, str]]:
    return [(h["doc_id"], h["para_id"]) for h in result["hits"]]


def test_a_paragraph_with_only_the_common_word_is_no_result(store: IndexStore) -> None:
    r = search(store, SearchParams(q="个人所得税 工作 起征点", group="para"))
    assert r["fallback"] == "or"
    # 起征点 is found nowhere; 个人所得税 (4 paragraphs) is the rarest found word; the 40 filler
    # paragraphs that hold only 工作 are not results.
    assert sorted(_keys(r)) == [("tax", "p1"), ("tax", "p2"), ("yuan", "p1")]
    assert _keys(r)[0] == ("tax", "p2")  # holds 个人所得税 and 工作: the most weight
    assert r["dropped"] == ["起征点"]
    assert r["notice"] == NOTICE_FALLBACK + " 排在最前的结果未包含：“起征点”。"


def test_a_split_compound_counts_only_with_all_its_parts(store: IndexStore) -> None:
    r = search(store, SearchParams(q="个人所得税 5000元 起征点", group="para"))
    assert r["fallback"] == "or"
    hits = _keys(r)
    assert ("yuan", "p2") not in hits  # 5000 alone is not 5000元
    assert set(hits[:2]) == {("tax", "p1"), ("yuan", "p1")}  # both hold 个人所得税 and 5000元
    assert r["dropped"] == ["起征点"]


def test_filters_stay_required_in_the_fallback(store: IndexStore) -> None:
    r = search(store, SearchParams(q="年份:2018 个人所得税 5000元 起征点", group="para"))
    assert (r["fallback"], r["total"]) == ("or", 2)
    assert {h["doc_id"] for h in r["hits"]} == {"tax"}
    r = search(store, SearchParams(q="个人所得税 5000元 起征点 -减除", group="para"))
    assert ("tax", "p1") not in _keys(r) and r["fallback"] == "or"


def test_no_fallback_no_dropped_words(store: IndexStore) -> None:
    r = search(store, SearchParams(q="个人所得税 改革"))
    assert (r["fallback"], r["dropped"], r["notice"]) == (None, [], None)


def test_fallback_pages_do_not_depend_on_per_page(store: IndexStore) -> None:
    q = "个人所得税 工作 起征点 5000元"
    whole = _keys(search(store, SearchParams(q=q, group="para", per_page=10)))
    pages = [_keys(search(store, SearchParams(q=q, group="para", per_page=1, page=p))) for p in (1, 2, 3)]
    assert sum(pages, []) == whole and len(set(whole)) == len(whole) == 3
