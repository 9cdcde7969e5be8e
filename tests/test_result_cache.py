"""The server's cache of search answers: the same answer as searching, kept per index generation."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixture_docs import changed, employment_policy
from indexer import query
from indexer.engine import IndexStore
from indexer.models import Paragraph
from indexer.pipeline import index_documents
from indexer.query import NOTICE_TIMEOUT, SearchParams, search
from indexer.resultcache import ResultCache
from webui import create_app


@pytest.fixture
def store(fresh_store: IndexStore) -> IndexStore:
    return fresh_store


def _keys(result: dict) -> list[str]:
    return [f"{h['doc_id']}#{h['para_id']}" for h in result["hits"]]


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "took_ms"} == {k: v for k, v in b.items() if k != "took_ms"}


def test_a_repeated_search_is_answered_from_the_cache_with_the_searched_answer(store: IndexStore):
    cache = ResultCache(8)
    params = SearchParams(q="就业", per_page=3, group="para")
    first = cache.search(store, params)
    again = cache.search(store, SearchParams(q="就业", per_page=3, group="para"))
    assert (cache.misses, cache.hits) == (1, 1)
    assert again["hits"] is first["hits"]  # kept, not searched again
    assert _same(again, search(store, params))
    assert _keys(again) == _keys(first) and len(_keys(first)) == 3
    cache.search(store, SearchParams(q="就业", per_page=3, group="para", page=2))  # another page: another answer
    cache.search(store, SearchParams(q="就业", per_page=3))
    assert (cache.misses, cache.hits) == (3, 1)


def test_a_commit_empties_the_cache(store: IndexStore):
    cache = ResultCache(8)
    assert cache.search(store, SearchParams(q="城市更新"))["total"] == 0
    doc = employment_policy()
    index_documents(store, [changed(doc, paragraphs=[Paragraph("p1", "推进城市更新行动")])])
    after = cache.search(store, SearchParams(q="城市更新"))
    assert after["total"] == 1 and _keys(after) == [f"{doc.doc_id}#p1"]
    assert (cache.misses, cache.hits) == (2, 0)


def test_least_recently_used_answers_go_first_and_zero_keeps_none(store: IndexStore):
    cache = ResultCache(2)
    a, b, c = SearchParams(q="就业"), SearchParams(q="安全生产"), SearchParams(q="监管")
    for params in (a, b, a, c, a, b):  # c pushes out b (a was used after b)
        cache.search(store, params)
    assert (cache.misses, cache.hits) == (4, 2)
    off = ResultCache(0)
    off.search(store, a)
    off.search(store, a)
    assert (off.misses, off.hits) == (0, 0)


def test_an_answer_cut_by_the_time_limit_is_not_kept(store: IndexStore, monkeypatch):
    cache = ResultCache(8)
    monkeypatch.setattr(query, "TIME_LIMIT", 0.0)
    assert cache.search(store, SearchParams(q="就业"))["notice"] == NOTICE_TIMEOUT
    monkeypatch.setattr(query, "TIME_LIMIT", 3.0)
    complete = cache.search(store, SearchParams(q="就业"))
    assert complete["notice"] is None and cache.hits == 0


def test_the_web_app_answers_pages_and_json_through_one_cache(store: IndexStore, tmp_path: Path):
    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "WARM_LIFECYCLE": False})
    cache = app.extensions["policysearch"].results
    client = app.test_client()
    api = client.get("/api/search?q=就业").get_json()
    page = client.get("/?q=就业")
    assert page.status_code == 200
    assert (cache.misses, cache.hits) == (1, 1)  # the page reused the JSON answer
    assert api["hits"][0]["para_id"] in page.get_data(as_text=True)
    doc = employment_policy()
    index_documents(store, [changed(doc, paragraphs=[Paragraph("p1", "推进城市更新行动")])])
    assert client.get("/api/search?q=城市更新").get_json()["total"] == 1
    uncached = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "WARM_LIFECYCLE": False,
                           "RESULT_CACHE": 0})
    assert uncached.test_client().get("/api/search?q=城市更新").get_json()["total"] == 1
    assert uncached.extensions["policysearch"].results.hits == 0
