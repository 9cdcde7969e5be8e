"""What researchers type, understood by the search itself (issue: question words, numbers,
发文字号 forms, synonyms of policy language, misspellings), on the shipped sample corpus."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.engine import IndexStore
from indexer.query import NOTICE_FALLBACK, SearchParams, search


@pytest.fixture(scope="module")
def corpus_store(corpus_index: Path) -> IndexStore:
    store = IndexStore.open(corpus_index)
    yield store
    store.close()


def first(store: IndexStore, q: str) -> dict:
    result = search(store, SearchParams(q=q))
    assert result["hits"], q
    return result


def test_question_words_are_dropped_before_they_force_the_fallback(corpus_store: IndexStore) -> None:
    result = first(corpus_store, "国务院哪次常务会议通过了优化营商环境条例")
    assert result["fallback"] is None
    assert result["notice"] == "已忽略检索式中的疑问词和虚词：哪次、了"
    hit = result["hits"][0]
    assert (hit["title"], hit["text"]) == ("优化营商环境条例", "2019年10月8日 国务院第66次常务会议通过")


def test_a_synonym_finds_the_full_form_the_text_uses(corpus_store: IndexStore) -> None:
    result = first(corpus_store, "双碳")  # the corpus writes 碳达峰碳中和, never 双碳
    assert "<mark>碳达峰碳中和</mark>" in result["hits"][0]["snippet"]
    typed = first(corpus_store, "个税")
    assert "个人所得税" in typed["hits"][0]["text"]


def test_typed_doc_numbers_and_article_numbers(corpus_store: IndexStore) -> None:
    canonical = first(corpus_store, "国办发〔2018〕129号")["hits"][0]["doc_id"]
    assert first(corpus_store, "国办发2018年129号")["hits"][0]["doc_id"] == canonical
    assert first(corpus_store, "國辦發〔2018〕129號")["hits"][0]["doc_id"] == canonical
    article = first(corpus_store, "煤矿安全生产条例 第19条")["hits"][0]
    assert article["text"].startswith("第十九条")


def test_a_misspelt_query_offers_the_indexed_spelling(client: FlaskClient) -> None:
    data = client.get("/api/search?q=营商坏境").get_json()
    assert data["suggestion"] == "营商环境"
    html = client.get("/?q=营商坏境").get_data(as_text=True)
    assert '您是不是要找：<a href="/?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83">营商环境</a>' in html
    assert client.get("/api/search?q=营商环境").get_json()["suggestion"] is None


def test_fallback_notice_is_chinese_only(corpus_store: IndexStore) -> None:
    assert NOTICE_FALLBACK.isascii() is False and "(" not in NOTICE_FALLBACK
