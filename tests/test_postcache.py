"""Cached posting lists answer exactly like Whoosh's own matchers, and never go stale."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from whoosh import query as wq

from fixture_docs import fixture_docs
from indexer import querytree as qt
from indexer.corpustables import build_tables
from indexer.engine import IndexStore, postcache
from indexer.engine.translate import translate
from indexer.pipeline import index_documents
from indexer.query import SearchParams, search
from indexer.querycompile import compile_query
from indexer.querysyntax import parse
from webui import create_app
from webui.tables import corpus_tables

WORDS = ["安全生产", "应当", "人民政府", "的", "国务院", "再生资源", "第一条"]
PHRASES = [["人民政府", "应当"], ["安全生产", "工作"], ["本", "条例"], ["县级", "以上", "地方", "人民政府"]]


@pytest.fixture
def cache_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postcache, "MIN_DOC_FREQUENCY", 1)
    postcache.CACHE.clear()


def _scored(store: IndexStore, query: wq.Query) -> list[tuple[int, float]]:
    results = store.snapshot().searcher.search(query, limit=None)
    return sorted((hit.docnum, round(hit.score, 6)) for hit in results)


def test_cached_terms_and_phrases_match_and_score_like_whoosh(laws_store: IndexStore, cache_everything: None):
    assert len(list(laws_store.snapshot().searcher.reader().leaf_readers())) > 1
    for word in WORDS:
        expected = _scored(laws_store, wq.Term("text", word))
        assert _scored(laws_store, postcache.CachedTerm("text", word)) == expected, word
    assert len(_scored(laws_store, wq.Term("text", "应当"))) > 300
    for words in PHRASES:
        expected = _scored(laws_store, wq.Phrase("text", words))
        assert expected, words
        assert _scored(laws_store, postcache.CachedPhrase("text", words)) == expected, words
    assert postcache.CACHE._size > 0


def test_posting_ids_reads_every_segment(laws_store: IndexStore):
    reader = laws_store.snapshot().searcher.reader()
    for word in WORDS:
        btext = word.encode("utf-8")
        assert list(postcache.posting_ids(reader, "text", btext)) == list(reader.postings("text", btext).all_ids())


def test_a_deletion_is_never_answered_from_the_cache(tmp_path: Path, cache_everything: None):
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, fixture_docs(), workers=1)
    before = search(store, SearchParams(q="安全生产", per_page=100, group="para"))
    assert "law-cf7c1ffb68" in {hit["doc_id"] for hit in before["hits"]}  # the 安全生产法
    store.remove(["law-cf7c1ffb68"])
    after = search(store, SearchParams(q="安全生产", per_page=100, group="para"))
    assert "law-cf7c1ffb68" not in {hit["doc_id"] for hit in after["hits"]}
    assert after["total"] == len(after["hits"]) < before["total"]
    store.close()


def test_covers_are_dropped_only_for_compounds_frequent_as_one_token():
    query = compile_query(parse("再生资源回收")).query
    assert isinstance(query, qt.WordMatch) and len(query.alternatives) == 6  # word, title, 2 covers × 2
    assert query.word == "再生资源回收"

    def as_whoosh(frequency: int) -> wq.Query:
        return translate(query, lambda node: wq.Term("kind", "resolved"), lambda word: frequency)

    assert len(as_whoosh(10).subqueries) == 6
    pruned = as_whoosh(10_000)
    assert [type(q).__name__ for q in pruned.subqueries] == ["CachedTerm", "Term"]
    assert pruned.subqueries[0].text == "再生资源回收"


def test_lifecycle_tables_are_built_after_the_first_answer(fixture_index: Path):
    app = create_app({"INDEX_DIR": str(fixture_index), "TESTING": True})
    store = app.extensions["policysearch"].store

    def built() -> bool:
        return build_tables in store.snapshot().tables._derived

    assert not built()
    assert app.test_client().get("/api/search?q=就业").status_code == 200
    deadline = time.monotonic() + 10
    while not built() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert built()  # no page asked for it
    with app.app_context():
        assert [row.doc_id for row in corpus_tables().decisions][:1] == ["suzhou-gov-exec-120"]
