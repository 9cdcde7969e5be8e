"""Spelling suggestions from the index's own vocabulary (a real index built here)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents
from indexer.spelling import (
    SpellVocabulary, candidate_words, notice, sound_similarity, suggest,
)
from indexer.engine import IndexStore

TEXTS = [
    "持续优化营商环境，激发市场主体活力。",
    "营商环境是企业生存发展的土壤。",
    "进一步优化营商环境，更好服务市场主体。",
    "打造市场化法治化国际化营商环境。",
    "以更优营商环境稳定外资外贸。",
    "推进智能化改造和数字化转型。",
    "实施智能化改造项目，推动数字化转型。",
    "企业智能化改造和数字化转型取得成效。",
    "支持中小企业数字化转型和智能化改造。",
    "加快数字化转型，推进智能化改造。",
    "开展药品带量采购，以量换价。",
    "国家组织药品带量采购试点。",
    "扩大带量采购范围。",
    "带量采购中选药品。",
    "做好带量采购工作。",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    store = IndexStore.create_or_open(tmp_path_factory.mktemp("spelling") / "index")
    index_documents(store, [Document("d", "policy", "测试文件", sha1="d",
                          paragraphs=[Paragraph(f"p{i}", t) for i, t in enumerate(TEXTS, 1)])])
    snap = store.snapshot()
    vocabulary = SpellVocabulary(candidate_words(snap.vocabulary()))
    yield vocabulary, snap.word_frequency
    store.close()


@pytest.mark.parametrize(
    "words, expected",
    [
        (["营商坏境"], "营商环境"),  # the example: 坏 huai for 环 huan
        (["优化营商坏境"], "优化营商环境"),
        (["营商环竟"], "营商环境"),  # 竟/境 jing
        (["智能化该造", "数字化转形"], "智能化改造 数字化转型"),
        (["带量采够"], "带量采购"),  # 够/购 gou
        (["营商環境"], None),  # Traditional spelling of a correct word: nothing to fix
        (["营商环境"], None),
        (["优化营商环境", "市场主体"], None),
        (["完全无关的词"], None),  # nothing near it in the vocabulary
        (["year:2020"], None),
    ],
)
def test_suggestions_from_the_index_vocabulary(index, words: list[str], expected: str | None) -> None:
    vocabulary, frequency = index
    assert suggest(words, frequency, vocabulary) == expected


def test_vocabulary_keeps_frequent_multi_character_words(index) -> None:
    vocabulary, frequency = index
    assert vocabulary.frequency["营商环境"] == 5
    assert frequency("营商环境") == 5
    assert "营商坏境" not in vocabulary.frequency
    assert all(len(w) >= 2 and f >= 5 for w, f in vocabulary.frequency.items())


def test_sound_alike_candidates_come_before_more_frequent_ones() -> None:
    """采取 is ten times as frequent as 采购, but 够 sounds like 购 (gou), not like 取 (qu)."""
    vocabulary = SpellVocabulary([("采取", 1000), ("采购", 100), ("采用", 500)])
    assert vocabulary.candidates("采够", [1]) == ["采购"]
    vocabulary = SpellVocabulary([("营商环境", 50), ("营商坏账", 80)])
    assert vocabulary.candidates("营商坏境") == ["营商环境", "营商坏账"]  # sound-alike first
    assert SpellVocabulary([("环境", 9)]).candidates("境环") == ["环境"]  # transposition


@pytest.mark.parametrize("a, b, score", [("够", "购", 2), ("坏", "环", 1), ("资", "支", 1), ("取", "购", 0)])
def test_sound_similarity(a: str, b: str, score: int) -> None:
    assert sound_similarity(a, b) == score


def test_notice() -> None:
    assert notice("营商环境") == "您是不是要找：营商环境"
    assert notice(None) is None


def test_vocabulary_is_bounded() -> None:
    words = [(f"营商{chr(0x4e00 + i)}{chr(0x4e00 + i)}", 10 + i) for i in range(100)]
    vocabulary = SpellVocabulary(words, max_words=10)
    assert len(vocabulary) == 10
    assert min(vocabulary.frequency.values()) == 100


def test_the_vocabulary_of_a_many_segment_index_counts_every_segment(tmp_path: Path):
    """Read segment by segment (fast), summed: the same paragraph counts as the whole index's."""
    store = IndexStore.create_or_open(tmp_path / "index")
    for n in range(3):  # three commits: three segments
        index_documents(store, [Document(f"d{n}", "policy", "测试文件", sha1=f"d{n}",
                                         paragraphs=[Paragraph(f"p{i}", t) for i, t in enumerate(TEXTS[n::3], 1)])])
    snap = store.snapshot()
    reader = snap.searcher.reader()
    assert len(reader.leaf_readers()) == 3
    counted = dict(snap.vocabulary())
    assert counted == {w.decode("utf-8"): reader.doc_frequency("text", w) for w in reader.lexicon("text")}
    assert counted["营商环境"] == 5 and counted["带量采购"] == 5
    store.close()
