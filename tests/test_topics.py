"""主题分类: taxonomy data, label mapping, the seed's agenda items and the measured accuracy."""
from __future__ import annotations

import re

import pytest

from bench.topic_accuracy import evaluate, labels_only, report
from indexer.topics import TOP_LEVEL, TopicClassifier, classify, top_level_of
from paths import CORPUS, SEED


def test_top_level_is_the_gov_cn_taxonomy() -> None:
    assert len(TOP_LEVEL) == 22
    assert TOP_LEVEL[:3] == ["国务院组织机构", "综合政务", "国民经济管理、国有资产监管"]
    assert TOP_LEVEL[-1] == "其他"
    assert "市场监管、安全生产监管" in TOP_LEVEL and "人口与计划生育、妇女儿童工作" in TOP_LEVEL


@pytest.mark.parametrize(
    "label, top",
    [
        ("科技、教育\\教育", "科技、教育"),
        ("农业、林业、水利\\农业、畜牧业、渔业", "农业、林业、水利"),
        ("国务院组织机构\\其他", "国务院组织机构"),
        ("其他", "其他"),
        ("卫生、体育", "卫生、体育"),
        ("教育", "科技、教育"),
        ("海关", "商贸、海关、旅游"),
        ("科技、教育/知识产权", "科技、教育"),
        ("", None),
        ("天文\\星系", None),
    ],
)
def test_top_level_of(label: str, top: str | None) -> None:
    assert top_level_of(label) == top


def _seed_items() -> dict[str, tuple[str, str]]:
    """Agenda items of the seed minutes: label -> (heading, body), PDF line breaks removed."""
    text = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    body = text[text.index("会议议定以下意见") : text.index("会上，还进行了")]
    items = {}
    for chunk in re.split(r"(?=[一二三四五]、(?:传达|审议))", body)[1:]:
        heading = chunk[2 : chunk.index("（一）")]
        items[chunk[0]] = (heading, chunk)
    return items


@pytest.mark.parametrize(
    "label, expected",
    [
        ("一", ["市场监管、安全生产监管"]),  # 岁末年初安全生产
        ("二", ["工业、交通"]),  # 制造业智能化改造和数字化转型
        ("三", ["市场监管、安全生产监管"]),  # “苏州制造”品牌认证
        ("四", ["市场监管、安全生产监管"]),  # 检验检测认证领域战略合作
        ("五", ["城乡建设、环境保护"]),  # 再生资源回收利用体系建设
    ],
)
def test_seed_agenda_items_get_sensible_topics(label: str, expected: list[str]) -> None:
    heading, body = _seed_items()[label]
    assert classify(heading, body) == expected


def test_title_only_and_no_evidence() -> None:
    assert classify("关于加强三级公立医院绩效考核工作的意见", "") == ["卫生、体育"]
    assert classify("会议纪要", "会议议定以下意见。") == []
    assert classify("", "") == []


def test_limit_and_second_choice() -> None:
    title = "关于推进农业机械化和农机装备产业转型升级的指导意见"
    assert classify(title, "", limit=1) == ["农业、林业、水利"]
    assert classify(title, "", limit=2) == ["农业、林业、水利", "工业、交通"]


def test_ignored_words_do_not_count() -> None:
    """人民政府 contains 民政 but says nothing about civil affairs."""
    data = {"topics": [{"label": "民政", "keywords": {"民政": 3}}], "ignore": ["人民政府"]}
    assert TopicClassifier(data).classify("", "各省人民政府") == []
    assert TopicClassifier(data).classify("", "民政部门") == ["民政"]


def test_accuracy_on_the_labelled_policy_documents() -> None:
    """Measured (docs/TOPICS.md): top-1 59/60, top-2 60/60; held-out odd lines top-1 29/30.
    The thresholds sit a little below so small keyword edits do not break the build, while a
    real regression does."""
    figures = report(evaluate(CORPUS / "policy-govcn-platform1.jsonl"))
    assert figures["all"].n == 60
    assert figures["all"].top1 >= 55
    assert figures["all"].top2 >= 57
    assert figures["odd (held out)"].top1 >= 27


def test_keywords_beat_the_labels_only_baseline() -> None:
    baseline = report(evaluate(CORPUS / "policy-govcn-platform1.jsonl", labels_only()))["all"]
    assert (baseline.n, baseline.top1, baseline.top2) == (60, 16, 26)


@pytest.mark.parametrize(
    "data",
    [
        {"topics": [{"label": "甲", "keywords": {"词": 0}}]},
        {"topics": [{"label": "甲", "keywords": {"词": "3"}}]},
        {"topics": [{"label": "甲"}, {"label": "甲"}]},
        {"topics": [{"label": "", "keywords": {"词": 1}}]},
    ],
)
def test_malformed_topic_data_is_rejected(data: dict) -> None:
    with pytest.raises(ValueError, match="topics data, class"):
        TopicClassifier(data)
