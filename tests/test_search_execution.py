"""How a search is executed (one pass over the matches, year ranges from the facet tables, the
time budget) and what the web app builds at start-up: the results must not change with it."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer import query
from indexer.engine.tables import DOCUMENT_FACETS
from indexer.facets import FacetIndex
from indexer.query import NOTICE_TIMEOUT, SearchParams, search
from indexer.engine import IndexStore
from indexer.corpustables import CorpusTables, build_tables
from webui import create_app

SEED = "suzhou-gov-exec-120"


def run(store: IndexStore, q: str = "", **kw) -> dict:
    kw.setdefault("group", "para")
    return search(store, SearchParams(q=q, **kw))


def keys(result: dict) -> list[str]:
    return [f"{h['doc_id']}#{h['para_id']}" for h in result["hits"]]


def facet(result: dict, name: str) -> list[tuple]:
    return [(row["value"], row["count"]) for row in result["facets"][name]]


@pytest.mark.parametrize("year_from, year_to, total", [
    (2020, None, 14),
    (None, 2018, 3),
    (2018, 2020, 17),
    (2019, 2019, 0),
])
def test_year_range_is_taken_from_the_document_years(store, year_from, year_to, total):
    r = run(store, "会议", year_from=year_from, year_to=year_to)
    assert r["total"] == total
    assert sum(count for _, count in facet(r, "year")) == total


@pytest.mark.parametrize("typed, year_from, year_to", [("year:2018-2020 会议", 2018, 2020), ("year:2020 会议", 2020, 2020)])
def test_year_range_parameters_match_the_indexed_year_field(store, typed, year_from, year_to):
    """The parameters use the facet table, ``year:`` in the query the indexed NUMERIC field."""
    by_field = run(store, typed)
    by_params = run(store, "会议", year_from=year_from, year_to=year_to)
    assert (by_params["total"], keys(by_params)) == (by_field["total"], keys(by_field))


def test_facet_selection_limits_the_ranked_hits_but_not_the_other_counts(store):
    r = run(store, "就业", kinds=["minutes"])
    assert r["total"] == 2
    assert keys(r) == ["gwyhy-f90601466c#p2", "gwyhy-f90601466c#p1"]
    assert facet(r, "kind") == [("policy", 4), ("minutes", 2)]  # its own selection is not applied
    assert facet(r, "year") == [(2018, 2)]


def test_time_budget_cuts_the_ranking_but_keeps_totals_and_facets_exact(store, monkeypatch):
    full = run(store, "会议", kinds=["minutes"])
    monkeypatch.setattr(query, "TIME_LIMIT", 0.0)
    cut = run(store, "会议", kinds=["minutes"])
    assert cut["notice"] == NOTICE_TIMEOUT
    assert keys(cut) == [f"{SEED}#p1"]  # the first match in docnum order before the deadline
    assert (cut["total"], full["total"]) == (17, 17)
    assert facet(cut, "year") == facet(full, "year") == [(2020, 14), (2018, 3)]


def test_page_two_continues_the_ranking_of_page_one(store):
    both = keys(run(store, "会议", per_page=8))
    assert keys(run(store, "会议", per_page=4)) + keys(run(store, "会议", per_page=4, page=2)) == both


def test_create_app_leaves_the_lifecycle_tables_to_the_first_page_that_needs_them(fixture_index: Path):
    """They decode every stored document, which start-up (server ready in 3 s) cannot afford."""
    app = create_app({"INDEX_DIR": str(fixture_index), "TESTING": True})
    store = app.extensions["policysearch"].store
    derived = store.snapshot().tables._derived
    assert build_tables not in derived
    response = app.test_client().get(f"/doc/{SEED}")
    assert response.status_code == 200
    derived = store.snapshot().tables._derived
    assert isinstance(derived[build_tables], CorpusTables)  # decisions, links and references in one build


def test_a_table_being_built_holds_up_neither_searches_nor_other_tables(store):
    """The warm-up builds the corpus tables for seconds after start; searches cache their
    filter sets and date orders meanwhile, and a second caller of the same table waits for the
    one build instead of starting its own."""
    started, release, searched = threading.Event(), threading.Event(), threading.Event()
    builds: list[int] = []

    def slow_build() -> list[int]:
        builds.append(1)
        started.set()
        release.wait(timeout=60)
        return builds

    def key() -> None:  # a table is keyed by its builder
        pass

    got: list[object] = []
    first = threading.Thread(target=lambda: got.append(store.derived(key, lambda s: slow_build())))
    first.start()
    assert started.wait(timeout=30)
    results: list[dict] = []

    def searches() -> None:
        results.append(run(store, "会议", sort="newest", year_from=2018, kinds=["minutes"]))
        searched.set()

    threading.Thread(target=searches).start()
    finished_while_building = searched.wait(timeout=30)
    second = threading.Thread(target=lambda: got.append(store.derived(key, lambda s: slow_build())))
    second.start()
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert finished_while_building, "a search waited for a table being built"
    assert results[0]["total"] == 17
    assert builds == [1] and got == [builds, builds]


def test_document_facets_counted_by_document_equal_the_count_by_paragraph(laws_store: IndexStore):
    """Year, kind, issuer … are counted once per document (times its matched paragraphs)
    instead of once per paragraph; the counts must not change."""
    index = laws_store.snapshot().facets
    assert set(index.by_document) == set(DOCUMENT_FACETS)
    by_paragraph = FacetIndex(index.values, index.where, index.paragraphs)
    subsets = [set(index.paragraphs), set(index.paragraphs[::3]), set(index.paragraphs[100:900]), set()]
    for docs in subsets:
        shared = index.documents(docs)
        for facet in DOCUMENT_FACETS:
            expected = by_paragraph.count(facet, docs)
            assert index.count(facet, docs) == expected == index.count(facet, docs, shared), (facet, len(docs))
    assert sum(index.count("kind", set(index.paragraphs)).values()) == len(index.paragraphs)
    assert len(index.count("year", set(index.paragraphs))) > 3
