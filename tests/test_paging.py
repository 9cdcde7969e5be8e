"""The order of results is a property of the query and the filters, never of the page size:
pages 1 and 2 at 10 per page are exactly page 1 at 20 per page, for ordinary queries and for
the OR fallback (which scores only the coverage levels that fill the requested window), and no
result appears twice."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.engine import IndexStore
from indexer.query import SearchParams, search

QUERIES = [
    "安全生产",
    "再生资源回收 体系",
    "国务院 常务会议",
    "就业 创业 补贴 高校毕业生",  # several words: the fallback of some combinations
    "优化营商环境 条例 外国人 入境",  # no paragraph holds them all: OR fallback
    "个人所得税 5000元 专项附加扣除 住房",
    "年份:2019 会议",
    # OR fallbacks whose first pages once changed with per_page (generated from the corpus's words)
    "及其 证券 销毁",
    "专利 方向 实际",
    "过程 医疗纠纷 市场",
    "实施细则 120 经营",
]


@pytest.fixture(scope="module")
def corpus_store(corpus_index: Path) -> IndexStore:
    store = IndexStore.open(corpus_index)
    yield store
    store.close()


def _keys(result: dict) -> list[tuple[str, str]]:
    return [(h["doc_id"], h["para_id"]) for h in result["hits"]]


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("group", ["doc", "para"])
def test_pages_never_overlap_and_never_depend_on_per_page(corpus_store: IndexStore, q: str, sort: str,
                                                          group: str) -> None:
    def page(n: int, per_page: int) -> list[tuple[str, str]]:
        return _keys(search(corpus_store, SearchParams(q=q, sort=sort, page=n, per_page=per_page, group=group)))

    twenty = page(1, 20)
    assert len(twenty) == len(set(twenty))
    if group == "doc":
        assert len({doc_id for doc_id, _ in twenty}) == len(twenty)  # each document once
    assert page(1, 10) + page(2, 10) == twenty
    assert page(1, 5) + page(2, 5) + page(3, 5) + page(4, 5) == twenty
    assert page(2, 7)[:3] == twenty[7:10]


def test_the_fallback_query_is_covered(corpus_store: IndexStore) -> None:
    result = search(corpus_store, SearchParams(q="优化营商环境 条例 外国人 入境"))
    assert result["fallback"] == "or"
    assert result["total"] > 20


def test_grouped_results_are_documents_with_their_best_paragraphs(corpus_store: IndexStore) -> None:
    para = search(corpus_store, SearchParams(q="再生资源回收", group="para", per_page=100))
    grouped = search(corpus_store, SearchParams(q="再生资源回收", per_page=100))
    assert grouped["total"] == para["total"]  # paragraphs, as before
    docs = list(dict.fromkeys(h["doc_id"] for h in para["hits"]))
    assert [h["doc_id"] for h in grouped["hits"]] == docs  # each document at its best paragraph's rank
    assert grouped["total_docs"] == len(docs)
    first = grouped["hits"][0]
    assert first["doc_id"] == "suzhou-gov-exec-120"
    own = [h for h in para["hits"] if h["doc_id"] == first["doc_id"]]
    assert first["para_id"] == own[0]["para_id"]
    assert first["doc_hits"] == len(own) > 1
    assert [m["para_id"] for m in first["more"]] == [h["para_id"] for h in own[1:3]]
    assert "<mark>" in first["more"][0]["snippet"]
