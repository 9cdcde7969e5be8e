"""Matching by set algebra, with scores summed leaf by leaf, finds and scores exactly what
Whoosh's own matchers do: the same paragraphs, the same BM25F score for each."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from whoosh import query as wq

from indexer.engine import IndexStore, leafscore, matching, postcache
from indexer.engine.matching import MatchRequest
from indexer.pipeline import index_documents
from indexer.querycompile import compile_query
from indexer.querysyntax import parse
from fixture_docs import fixture_docs

QUERIES = [
    "人民政府 应当 加强",  # an AND of ORs (paragraph, rest of the article, title) of common words
    "安全生产",
    "县级以上地方人民政府应当加强",  # phrases of compound covers under an AND-MAYBE
    "本条例自公布之日起施行",
    "国务院 -人民政府",  # a NOT under the AND
    '"人民政府 应当"',
    "对违反本条例的行为",  # 的 and 对 beside rarer words
    "再生资源回收",
]
PHRASES = [["人民政府", "应当"], ["县级", "以上", "地方", "人民政府"], ["本", "条例"], ["条例", "本"], ["的", "的"], ["应当"]]


@pytest.fixture(params=["cached", "read"])
def postings_from(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every word's postings from the cache, or every word's read from the index."""
    monkeypatch.setattr(postcache, "MIN_DOC_FREQUENCY", 1 if request.param == "cached" else 10**9)
    postcache.CACHE.clear()
    return str(request.param)


@pytest.fixture(params=["probe", "walk"])
def lookups(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Frequent lists looked up by bisection for every candidate, or walked / made sets."""
    ratio = 0 if request.param == "probe" else 10**9
    monkeypatch.setattr(matching, "PROBE_RATIO", ratio)
    monkeypatch.setattr(leafscore, "BISECT_RATIO", ratio)
    return str(request.param)


def _whoosh(store: IndexStore, query: wq.Query) -> dict[int, float]:
    return {hit.docnum: round(hit.score, 6) for hit in store.snapshot().searcher.search(query, limit=None)}


def _translated(store: IndexStore, text: str) -> wq.Query:
    query = store.snapshot()._translate(compile_query(parse(text)).query)
    assert query is not None
    return query


def test_every_match_is_found_and_scored_as_whoosh_does(laws_store: IndexStore, postings_from: str, lookups: str):
    snap = laws_store.snapshot()
    assert len(list(snap.searcher.reader().leaf_readers())) > 1
    for text in QUERIES:
        query = _translated(laws_store, text)
        assert leafscore.supported(query), text
        expected = _whoosh(laws_store, query)
        assert expected, text
        found = matching.run(snap.searcher, query, MatchRequest(None, {}, 10, time.monotonic() + 60, True))
        assert found.pool is not None
        assert {n: round(s, 6) for n, s in found.pool.items()} == expected, text
        assert found.base == set(expected), text
        assert [n for n, _ in found.ranked] == sorted(expected, key=lambda n: (-expected[n], n))[:10], text
    assert len(_whoosh(laws_store, _translated(laws_store, "人民政府 应当 加强"))) > 100


def test_scope_and_selections_narrow_the_matches_and_the_scored(laws_store: IndexStore):
    snap = laws_store.snapshot()
    query = _translated(laws_store, "人民政府 应当 加强")
    everything = _whoosh(laws_store, query)
    scope = set(sorted(everything)[::2]) | {0, 1, 2}
    allow = frozenset(sorted(everything)[::3])
    found = matching.run(snap.searcher, query, MatchRequest(scope, {"year": allow}, 5, time.monotonic() + 60, True))
    assert found.base == set(everything) & scope
    assert found.pool is not None and set(found.pool) == set(everything) & scope & allow
    assert found.ranking(1000) == sorted(found.pool.items(), key=lambda item: (-item[1], item[0]))


def test_phrases_match_where_whoosh_finds_the_words_in_a_row(laws_store: IndexStore, postings_from: str):
    searcher = laws_store.snapshot().searcher
    for words in PHRASES:
        expected = set(searcher.docs_for_query(wq.Phrase("text", words)))
        assert postcache.phrase_docnums(searcher, "text", words) == expected, words
        half = set(range(0, searcher.doc_count_all(), 2))
        assert postcache.phrase_docnums(searcher, "text", words, within=half) == expected & half, words
    assert postcache.phrase_docnums(searcher, "text", ["县级", "以上", "地方", "人民政府"])
    in_order = postcache.phrase_docnums(searcher, "text", ["本", "条例"])
    assert len(in_order) > 100 and in_order != postcache.phrase_docnums(searcher, "text", ["条例", "本"])


def test_what_cannot_be_summed_goes_through_whoosh():
    assert not leafscore.supported(wq.Phrase("text", ["人民政府", "应当"], slop=3))
    assert not leafscore.supported(wq.NumericRange("year", 2000, 2010))
    assert not leafscore.supported(wq.And([wq.Term("text", "应当"), wq.ConstantScoreQuery(wq.Term("text", "的"))]))
    assert leafscore.supported(wq.And([wq.Term("text", "应当"), wq.Not(wq.Term("text", "的"))]))


def test_a_segment_with_deletions_is_matched_and_scored_as_whoosh_does(tmp_path: Path, postings_from: str):
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, fixture_docs(), workers=1)
    store.remove(["law-cf7c1ffb68"])  # the 安全生产法: most of the paragraphs with 安全生产
    snap = store.snapshot()
    assert any(leaf.has_deletions() for leaf, _ in snap.searcher.reader().leaf_readers())
    for text in ["安全生产", "会议 -安全生产", "会议 原则同意", '"原则同意"', '"安全生产 工作"']:
        query = _translated(store, text)
        expected = _whoosh(store, query)
        assert expected, text
        found = matching.run(snap.searcher, query, MatchRequest(None, {}, 10, time.monotonic() + 60, True))
        assert found.pool is not None
        assert {n: round(s, 6) for n, s in found.pool.items()} == expected, text
    store.close()
