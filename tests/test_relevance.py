"""Search quality on a judged relevance set (tests/relevance_set.json, docs/RELEVANCE.md).

A real index of the realistic corpus subset is built once per module (25-155 s on the shared
machine, depending on load); every query runs through ``indexer.query.search``. The thresholds
are the score the engine reached when the set was written: a ranking change that loses a query
fails here.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.relevance import (
    ROUND2_PATH, Case, Outcome, build_index, evaluate, load_cases, main, render, score, stale_judgements,
)
from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents
from indexer.query import SearchParams, search
from indexer.querysyntax import Bool, Field, Word, parse
from indexer.engine import IndexStore

# The score reached on 2026-11-30 (72 queries, docs/RELEVANCE.md), rounded down: losing any
# query that currently meets its requirement fails.
MIN_MET = 0.94  # 68/72
MIN_FIRST = 0.93  # 67/72
MIN_TOP3 = 0.95  # 69/72
MIN_MRR = 0.94  # 0.948

REQUIRED_CATEGORIES = {
    "keyword", "phrase", "department", "doc_number", "title", "state_council",
    "traditional", "fullwidth", "or_fallback", "law_article",
}
BRACKETS = ["[]", "（）", "〔〕", "()", "【】", "［］"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Module cache filled on first use, so a missing shared corpus skips before any build."""
    cache: dict = {"dir": tmp_path_factory.mktemp("relevance")}
    yield cache
    if "store" in cache:
        cache["store"].close()


@pytest.fixture
def store(shared_corpus: Path, built: dict) -> IndexStore:
    if "store" not in built:
        built["store"] = build_index(built["dir"] / "index", shared_corpus)
    return built["store"]


@pytest.fixture
def outcomes(store: IndexStore, built: dict) -> list[Outcome]:
    if "outcomes" not in built:
        built["outcomes"] = evaluate(store, load_cases())
    return built["outcomes"]


@pytest.fixture
def outcome_of(outcomes: list[Outcome]) -> Callable[[str], Outcome]:
    by_id = {o.case.id: o for o in outcomes}
    return by_id.__getitem__


def test_set_covers_what_researchers_type() -> None:
    cases = load_cases()
    assert len(cases) >= 30
    assert REQUIRED_CATEGORIES <= {c.category for c in cases}
    docnum_queries = [c.query for c in cases if c.category in ("doc_number", "fullwidth")]
    for opening, closing in BRACKETS:
        assert any(opening in q and closing in q for q in docnum_queries), f"no 发文字号 query with {opening}{closing}"
    assert all(c.why for c in cases)
    assert {c.fallback for c in cases if c.category == "or_fallback"} == {"or"}


def test_load_rejects_a_malformed_judgement(tmp_path: Path) -> None:
    bad = {"queries": [{"id": "x", "category": "keyword", "query": "q", "must": "top5",
                        "expect": [{"doc_id": "d"}], "why": "w"}]}
    path = tmp_path / "set.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="must is 'top5'"):
        load_cases(path)
    bad["queries"][0].update(must="first", expect=[{"para_id": "p1"}])
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="needs doc_id"):
        load_cases(path)


def test_score_counts_ranks_exactly() -> None:
    def case(i: int, must: str) -> Case:
        return Case(id=f"c{i}", category="keyword", query="q", expect=({"doc_id": "d"},), must=must, why="w")

    results = [
        Outcome(case(1, "first"), 1, None, ()),
        Outcome(case(2, "first"), 2, None, ()),
        Outcome(case(3, "top3"), 3, None, ()),
        Outcome(case(4, "top3"), None, None, ()),
    ]
    s = score(results)
    assert (s.n, s.first, s.top3, s.met) == (4, 1, 3, 2)
    assert s.mrr == pytest.approx((1 + 1 / 2 + 1 / 3) / 4)
    assert "| c2 | keyword | q | first | 2 | **no**" in render(results)


def test_stale_judgements_are_reported_per_alternative(tmp_path: Path) -> None:
    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, [Document("d", "policy", "甲", sha1="d", paragraphs=[
        Paragraph("p1", "第一条 为了规范居住证管理。", label="第一条"),
        Paragraph("p2", "第二条 符合条件的，可以申领居住证。", label="第二条"),
    ])])

    def case(*expect: dict[str, str]) -> Case:
        return Case(id=str(expect), category="law_article", query="q", expect=expect, must="first", why="w")

    fine = case({"doc_id": "d", "label": "第二条", "contains": "申领居住证"})
    wrong_label = case({"doc_id": "d", "label": "第三条"})
    one_alternative_gone = case({"doc_id": "d", "para_id": "p1"}, {"doc_id": "gone"})
    assert stale_judgements(s, [fine, wrong_label, one_alternative_gone]) == [wrong_label.id, one_alternative_gone.id]
    s.close()


def test_fullwidth_and_traditional_field_names_are_filters() -> None:
    """ｙｅａｒ：２０２０ is what a Chinese IME in full-width mode types for year:2020."""
    assert parse("ｙｅａｒ：２０２０　农民工工资") == Bool("and", (Field("year", "２０２０"), Word("农民工工资")))
    assert parse("部門：市应急局") == Field("department", "市应急局")
    assert parse("会议指出：稳就业") == Word("会议指出：稳就业")


def test_or_fallback_ranks_paragraphs_with_more_of_the_words_first(tmp_path: Path) -> None:
    """The fee table repeats 5000元; the meeting paragraph has 个人所得税 and 5000元 (起征点 nowhere)."""
    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, [
        Document("fees", "other", "诉讼费用交纳办法", sha1="f", paragraphs=[Paragraph(
            "p1", "申请海事强制令的，每件交纳1000元至5000元；申请船舶优先权催告的，每件交纳1000元至5000元。")]),
        Document("tax", "minutes", "国务院常务会议", sha1="t", paragraphs=[Paragraph(
            "p1", "会议指出，要在确保10月1日起将个人所得税基本减除费用标准由3500元提到5000元并适用新税率表的同时，"
                  "抓紧明确专项附加扣除的具体范围和标准。")]),
    ])
    r = search(s, SearchParams(q="个人所得税 起征点 5000元"))
    assert (r["fallback"], [h["doc_id"] for h in r["hits"]]) == ("or", ["tax", "fees"])
    s.close()


@pytest.mark.shared
def test_every_judgement_names_an_indexed_paragraph(store: IndexStore) -> None:
    """A judgement whose paragraph vanished (renamed doc id, changed text) would score as a miss."""
    assert stale_judgements(store, load_cases()) == []


@pytest.mark.shared
def test_issue_examples_rank_first(outcome_of: Callable[[str], Outcome]) -> None:
    for case_id in ("kw-recycling", "dept-word-miit", "docno-square", "phrase-digital-transformation"):
        assert outcome_of(case_id).rank == 1, case_id


@pytest.mark.shared
def test_or_fallback_cases_report_the_fallback(outcomes: list[Outcome]) -> None:
    fallback_cases = [o for o in outcomes if o.case.fallback]
    assert len(fallback_cases) == 3
    assert [o.fallback for o in fallback_cases] == ["or"] * 3


@pytest.mark.shared
def test_scorer_command_prints_the_table(store: IndexStore, built: dict, capsys: pytest.CaptureFixture) -> None:
    assert main(["--index", str(built["dir"] / "index")]) == 0
    out = capsys.readouterr().out
    assert "| kw-recycling | keyword | 再生资源回收 | first | 1 | yes |" in out
    assert out.rstrip().splitlines()[-1].startswith(f"queries {len(load_cases())}; requirement met ")


@pytest.mark.shared
def test_relevance_scores_meet_thresholds(outcomes: list[Outcome]) -> None:
    s = score(outcomes)
    misses = render(outcomes, misses_only=True)
    assert s.share(s.met) >= MIN_MET, misses
    assert s.share(s.first) >= MIN_FIRST, misses
    assert s.share(s.top3) >= MIN_TOP3, misses
    assert s.mrr >= MIN_MRR, misses


# --- round 2 (issue 14 classes): judgements checked now, thresholds once the engine uses them ---

ROUND2_CLASSES = {"question", "synonym", "article_number", "doc_number_typed", "title_lookalike", "grouping"}


def test_round2_set_covers_the_issue_classes() -> None:
    raw = json.loads(ROUND2_PATH.read_text(encoding="utf-8"))["queries"]
    cases = load_cases(ROUND2_PATH)
    assert len(cases) >= 40
    assert all(q["class"] == q["category"] for q in raw)
    counts = {cls: sum(q["class"] == cls for q in raw) for cls in ROUND2_CLASSES}
    assert set(counts) == ROUND2_CLASSES and min(counts.values()) >= 6, counts
    assert not {c.id for c in cases} & {c.id for c in load_cases()}, "round 2 ids must be new"
    # Grouping cases may reuse a round-1 query: they judge the second document, not the first.
    reused = {c.query for c in cases if c.category != "grouping"} & {c.query for c in load_cases()}
    assert not reused, f"round 2 queries must be new: {reused}"


@pytest.mark.shared
def test_round2_judgements_name_indexed_paragraphs(store: IndexStore) -> None:
    assert stale_judgements(store, load_cases(ROUND2_PATH)) == []


@pytest.mark.shared
def test_typed_doc_numbers_and_article_numbers_rank_first(store: IndexStore) -> None:
    """Every 发文字号 and article number typed the way people type it ranks first (the search
    rewrites the query text before parsing it)."""
    cases = [c for c in load_cases(ROUND2_PATH)
             if c.category in ("doc_number_typed", "article_number") and c.must == "first"]
    assert len(cases) >= 14
    misses = [(o.case.id, o.case.query, o.rank) for o in evaluate(store, cases) if o.rank != 1]
    assert misses == []


# Round 2 (question phrasing, synonyms, article numbers, typed 发文字号, title look-alikes,
# grouping) as measured on 2026-11-30, rounded down: 52/54 requirements met, so losing any
# query fails; and the issue's bar, first place for at least 90% of the queries whose answer
# must come first (41/42 now; the grouping class judges the document beside the first one).
MIN_MET_ROUND2 = 0.96
MIN_FIRST_ROUND2 = 0.90


def first_place_share(outcomes: list[Outcome]) -> float:
    """Share of the queries whose judgement requires first place that rank a relevant hit first."""
    firsts = [o for o in outcomes if o.case.must == "first"]
    return sum(o.rank == 1 for o in firsts) / len(firsts)


def test_first_place_share_counts_only_first_place_judgements() -> None:
    def outcome(i: int, must: str, rank: int | None) -> Outcome:
        return Outcome(Case(id=f"c{i}", category="question", query="q", expect=({"doc_id": "d"},), must=must,
                            why="w"), rank, None, ())

    assert first_place_share([outcome(1, "first", 1), outcome(2, "first", 2), outcome(3, "top3", 2),
                              outcome(4, "first", None)]) == pytest.approx(1 / 3)


@pytest.mark.shared
def test_round2_scores_meet_thresholds(store: IndexStore) -> None:
    outcomes = evaluate(store, load_cases(ROUND2_PATH))
    s = score(outcomes)
    assert s.share(s.met) >= MIN_MET_ROUND2, render(outcomes, misses_only=True)
    assert first_place_share(outcomes) >= MIN_FIRST_ROUND2, render(outcomes, misses_only=True)
