"""Synonyms data and lookup: concrete expansions, strict file format, provenance on every entry."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.synonyms import Synonyms, SynonymsError, expansions, get_synonyms, parse_synonyms


@pytest.mark.parametrize(
    "word, expected",
    [
        ("双碳", [("碳达峰", "碳中和")]),
        ("网约车", [("网络预约出租汽车",)]),
        ("网络预约出租汽车", [("网约车",), ("网约出租车",)]),
        ("个税", [("个人所得税",)]),
        ("個稅", [("个人所得税",)]),  # Traditional input
        ("放管服", [("简政放权", "放管结合", "优化服务")]),
        ("医保", [("医疗保障",), ("医疗保险",)]),
        ("医疗保障", [("医保",)]),
        ("PPP", [("政府和社会资本合作",)]),
        ("碳达峰", []),  # one way: 碳达峰 alone is not 双碳
        ("营商环境", []),
    ],
)
def test_expansions(word: str, expected: list[tuple[str, ...]]) -> None:
    assert expansions(word) == expected


def test_equivalences_are_not_chained() -> None:
    """医保 is both 医疗保障 and 医疗保险; those two are not the same thing."""
    assert ("医疗保险",) not in expansions("医疗保障")


@pytest.mark.parametrize(
    "text, found",
    [
        ("深化放管服改革 双碳目标 网约车", [(2, 5, "放管服"), (8, 10, "双碳"), (13, 16, "网约车")]),
        ("个税 起征点", [(0, 2, "个税")]),
        ("中国工商银行", []),  # 工商 inside a word is not 工商行政管理
        ("国资委", []),
    ],
)
def test_find_terms_at_word_boundaries(text: str, found: list[tuple[int, int, str]]) -> None:
    assert get_synonyms().find(text) == found


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "synonyms.tsv"
    path.write_text("# comment\n\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line, message",
    [
        ("双碳\t>\t碳达峰 碳中和\n", "synonyms.tsv:3: expected 4 tab-separated fields"),
        ("双碳\t~\t碳达峰\tstandard\n", "synonyms.tsv:3: relation must be one of"),
        ("双碳\t=\t碳达峰 碳中和\tstandard\n", "synonyms.tsv:3: '=' needs a one-word alternative"),
        ("个税\t=\t個稅\tstandard\n", "synonyms.tsv:3: '个税' expands to itself"),
        ("个税\t=\t个人所得税\tstandard\n個稅\t=\t个人所得税\tstandard\n", "synonyms.tsv:4: duplicate entry"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(SynonymsError, match=re.escape(message)):
        parse_synonyms(_write(tmp_path, line))


def test_a_small_table(tmp_path: Path) -> None:
    table = Synonyms(parse_synonyms(_write(tmp_path, "个税\t=\t个人所得税\tstandard\n三农\t>\t农业 农村 农民\tstandard\n")))
    assert table.expansions("个税") == [("个人所得税",)]
    assert table.expansions(" 个人所得税 ") == [("个税",)]
    assert table.expansions("三农") == [("农业", "农村", "农民")]
    assert table.expansions("农业") == []


def test_shipped_file_has_provenance_for_every_entry() -> None:
    entries = parse_synonyms()
    assert len(entries) >= 150
    for e in entries:
        assert re.fullmatch(r"(defined|used):(law|gov|gwyhy|pdf)-[0-9a-f]{10}|standard", e.source), e
    defined = [e for e in entries if e.source.startswith("defined:")]
    assert len(defined) >= 30
    issue_examples = {"双碳", "网约车", "个税", "放管服", "医保"}
    assert issue_examples <= {e.term for e in entries}
