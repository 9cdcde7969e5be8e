"""No text is ever dropped (issue 12 §3): every input character reaches the index.

A document without a stated title used to keep only the first 100 characters of its first
paragraph; a long paragraph was one unit however long. These tests parse real text through the
real pipeline (extraction, layout, structure; the last one through an index) and compare the
characters in with the characters in the paragraphs out.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from indexer.extract import extract_path
from indexer.layout import repair
from indexer.models import Extracted, Page
from indexer.pipeline import ingest
from indexer.engine import IndexStore
from indexer.pipeline import read_document as parse
from indexer.units import MAX_LIST_CHARS, MAX_UNIT_CHARS, split_long

_SPACE = re.compile(r"\s+")
# Words of official prose, without the words that mark a trailer (整理/印发/分送 …) or a page
# marker, which layout repair moves to metadata on purpose.
_WORDS = ["加强", "安全生产", "工作", "各地区", "要", "进一步", "落实", "责任", "推动", "高质量发展",
          "就业", "服务", "管理", "深入", "开展", "专项", "行动", "确保", "取得", "实效", "Policy", "2024年"]
_ENDS = ["。", "；", "，", "、", "！", "？", ""]


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(_WORDS) + rng.choice(_ENDS) for _ in range(rng.randint(1, 40)))


def _document(rng: random.Random) -> str:
    """One to six paragraphs, one per line, some of them thousands of characters long."""
    paras = []
    for _ in range(rng.randint(1, 6)):
        paras.append("".join(_sentence(rng) for _ in range(rng.choice([1, 2, 5, 30, 120]))))
    return "\n".join(paras)


def _parsed(text: str, fmt: str = "text", meta: dict | None = None):
    return parse(Extracted("gen.txt", fmt, [Page(1, text)], meta or {}, "0" * 40))


def test_split_long_is_lossless_bounded_and_prefers_sentence_ends() -> None:
    text = "第一条规定很长。" * 600 + "没有标点的一段" * 400
    pieces = split_long(text)
    assert "".join(pieces) == text
    assert max(map(len, pieces)) <= MAX_UNIT_CHARS
    assert all(p.endswith("。") for p in pieces[:2])
    assert split_long(text) == pieces  # deterministic: same ids on every re-ingest
    assert split_long("短句。") == ["短句。"]
    assert split_long("字" * 4500) == ["字" * 2000, "字" * 2000, "字" * 500]  # no boundary at all


def test_one_line_text_without_a_title_keeps_every_character() -> None:
    line = "根据国家有关规定，结合本市实际，制定本办法。" * 40  # 880 characters on one line
    doc = _parsed(line)
    assert _squash("".join(p.text for p in doc.paragraphs)) == _squash(line)
    assert doc.title == "根据国家有关规定，结合本市实际，制定本办法"  # derived label, first sentence
    assert [p.role for p in doc.paragraphs] == ["lead"]


def test_a_long_law_on_one_line_is_split_into_citable_units() -> None:
    law = "".join(f"第{i}条 为了规范管理，保障权益，根据有关法律，制定本条例。" for i in range(1, 140))
    assert len(law) > 4000
    doc = _parsed(law)
    assert _squash("".join(p.text for p in doc.paragraphs)) == _squash(law)
    assert len(doc.paragraphs) == 3
    assert max(len(p.text) for p in doc.paragraphs) <= MAX_UNIT_CHARS
    assert [p.para_id for p in doc.paragraphs] == ["p1", "p2", "p3"]
    assert all(p.text.endswith("。") for p in doc.paragraphs)


def test_short_first_line_is_still_the_title_paragraph() -> None:
    doc = _parsed("关于做好就业工作的通知\n各区人民政府：\n现将有关事项通知如下。")
    assert doc.title == "关于做好就业工作的通知"
    assert [(p.role, p.text) for p in doc.paragraphs] == [
        ("title", "关于做好就业工作的通知"), ("body", "各区人民政府："), ("body", "现将有关事项通知如下。")]


@pytest.mark.parametrize("seed", range(40))
def test_generated_documents_lose_no_character(seed: int) -> None:
    rng = random.Random(seed)
    text = _document(rng)
    for fmt, meta in [("text", {}), ("jsonl", {"id": f"g{seed}"}), ("jsonl", {"id": "t", "title": "给定标题"})]:
        doc = _parsed(text, fmt, meta)
        body = [p for p in doc.paragraphs if not (meta.get("title") and p.role == "title")]
        assert _squash("".join(p.text for p in body)) == _squash(text), (seed, fmt)
        assert max(len(p.text) for p in doc.paragraphs) <= MAX_UNIT_CHARS


def test_layout_splits_long_paragraphs_but_not_attendance() -> None:
    names = "  ".join(f"王{i:03d}" for i in range(500))  # 出席 block longer than the cap
    text = "出席：" + names + "\n" + "会议指出，" + "要加强管理。" * 500
    layout = repair([Page(1, text)])
    assert layout.paragraphs[0].text.startswith("出席：")
    assert len(layout.paragraphs[0].text) > MAX_UNIT_CHARS
    assert [len(p.text) for p in layout.paragraphs[1:]] == [1997, 1008]


def test_a_huge_json_line_is_indexed_whole_in_bounded_paragraphs(tmp_path: Path) -> None:
    text = "各地区要进一步落实安全生产责任，推动高质量发展。" * 20_000  # 480,000 characters
    corpus = tmp_path / "big.jsonl"
    corpus.write_text(json.dumps({"id": "big", "title": "大文件", "text": text}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    (records, problems) = extract_path(corpus)
    assert problems == [] and len(records) == 1
    report = ingest([corpus], tmp_path / "index", workers=1)
    assert (report.added, report.problems) == (1, [])
    store = IndexStore.open(tmp_path / "index")
    doc = store.get_document("big")
    store.close()
    body = [p.text for p in doc.paragraphs if p.role != "title"]
    assert "".join(body) == text
    assert max(map(len, body)) <= MAX_UNIT_CHARS
    assert body == split_long(text) and len(body) == 241  # 83 sentences (1,992 characters) each


def test_no_paragraph_of_any_kind_exceeds_the_list_cap() -> None:
    hostile = "出席：" + "王 " * 30_000  # an "attendance list" of 60,000 characters
    layout = repair([Page(1, hostile)])
    assert "".join(p.text for p in layout.paragraphs) == hostile.strip()
    assert max(len(p.text) for p in layout.paragraphs) <= MAX_LIST_CHARS


def test_a_20_mb_json_line_is_refused_and_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    huge = json.dumps({"id": "huge", "text": "安全生产。" * 1_400_000}, ensure_ascii=False)  # 21 MB
    small = json.dumps({"id": "small", "text": "加强安全生产工作。"}, ensure_ascii=False)
    corpus.write_text(f"{huge}\n{small}\n", encoding="utf-8")
    report = ingest([corpus], tmp_path / "index", workers=1)
    assert report.added == 1
    assert [str(p) for p in report.problems] == [f"{corpus}:1: line too large (> 16 MB)"]


@pytest.mark.slow
def test_a_document_near_the_caps_is_searchable_in_bounded_hits(tmp_path: Path) -> None:
    from indexer.query import SearchParams, search

    rng = random.Random(7)
    text = "".join(_sentence(rng) for _ in range(80_000))[:1_500_000]
    corpus = tmp_path / "big.jsonl"
    corpus.write_text(json.dumps({"id": "big", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    report = ingest([corpus], tmp_path / "index", workers=1)
    assert (report.added, report.problems) == (1, [])
    store = IndexStore.open(tmp_path / "index")
    try:
        doc = store.get_document("big")
        assert _squash("".join(p.text for p in doc.paragraphs if p.role != "title")) == _squash(text)
        result = search(store, SearchParams(q="安全生产 高质量发展", per_page=50))
    finally:
        store.close()
    assert result["total"] > 100
    assert all(len(hit["text"]) <= MAX_UNIT_CHARS for hit in result["hits"])
