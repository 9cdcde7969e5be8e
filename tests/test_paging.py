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
def test_pages_never_overlap_and_never_depend_on_per_page(corpus_store: IndexStore, q: str, sort: str) -> None:
    def page(n: int, per_page: int) -> list[tuple[str, str]]:
        return _keys(search(corpus_store, SearchParams(q=q, sort=sort, page=n, per_page=per_page)))

    twenty = page(1, 20)
    assert len(twenty) == len(set(twenty))
    assert page(1, 10) + page(2, 10) == twenty
    assert page(1, 5) + page(2, 5) + page(3, 5) + page(4, 5) == twenty
    assert page(2, 7)[:3] == twenty[7:10]


def test_the_fallback_query_is_covered(corpus_store: IndexStore) -> None:
    result = search(corpus_store, SearchParams(q="优化营商环境 条例 外国人 入境"))
    assert result["fallback"] == "or"
    assert result["total"] > 20
