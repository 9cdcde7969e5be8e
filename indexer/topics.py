"""主题分类: assign gov.cn top-level subject classes to a document or an agenda item.

Only the policy documents from gov.cn carry a stated topic; minutes, laws and State Council
summaries need one guessed so the topic facet covers the whole corpus. The method is kept
deliberately simple and explainable (see docs/TOPICS.md for the measured accuracy):

* every top-level class has weighted keywords (``indexer/data/topics.json``), plus its
  second-level label names (``农业、畜牧业、渔业`` -> 农业, 畜牧业, 渔业) at weight 2;
* the title and the text are scanned once each with a single trie regex, longest keyword
  first, so 农业机械 counts as 农业机械 and not also as 农业;
* score = Σ weight × (TITLE_WEIGHT × title hits + min(text hits, BODY_CAP));
* classes are ranked by score (ties: taxonomy order); a class is kept only if it reaches
  MIN_SHARE of the best score, and nothing is returned when nothing matched.

No jieba: substring counting is deterministic, fast and does not depend on a dictionary.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.gazetteer import trie_regex

DATA_FILE = Path(__file__).resolve().parent / "data" / "topics.json"
TITLE_WEIGHT = 4  # a keyword in the title says more about the subject than one in the body
BODY_CAP = 5  # a long text repeating one word should not drown every other signal
MIN_SHARE = 0.3  # a second class must reach this share of the best score to be reported
CHILD_WEIGHT = 2
_OTHER = "其他"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Topic:
    label: str
    children: tuple[str, ...]
    keywords: dict[str, int]


def _child_keywords(children: tuple[str, ...]) -> list[str]:
    return [part for child in children if child != _OTHER for part in child.split("、") if part]


class TopicClassifier:
    """Keyword scorer over one taxonomy, built from the JSON data (or from a variant of it,
    which is how the bench measures the labels-only baseline)."""

    def __init__(self, data: dict):
        topics: list[Topic] = []
        weights: dict[str, list[tuple[int, int]]] = {}
        for index, entry in enumerate(data["topics"]):
            children = tuple(entry.get("children", []))
            keywords = {k: CHILD_WEIGHT for k in _child_keywords(children)}
            keywords.update(entry.get("keywords", {}))
            bad = [k for k, w in keywords.items() if not k or not isinstance(w, int) or w <= 0]
            if bad or not entry.get("label") or entry["label"] in {t.label for t in topics}:
                raise ValueError(f"topics data, class {index + 1} ({entry.get('label')!r}): "
                                 f"needs a unique label and positive integer weights; bad keywords {bad}")
            topics.append(Topic(entry["label"], children, keywords))
            for keyword, weight in keywords.items():
                weights.setdefault(keyword, []).append((index, weight))
        # Words that contain a keyword without meaning it (人民政府 ⊃ 民政): matched so that
        # longest-match consumes them, then given no weight.
        for word in data.get("ignore", []):
            weights.setdefault(word, [])
        self.topics = tuple(topics)
        self.labels = [t.label for t in topics]
        self._weights = {k: tuple(v) for k, v in weights.items()}
        self._pattern = re.compile(trie_regex(sorted(weights, key=len, reverse=True)))

    def _hits(self, text: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for keyword in self._pattern.findall(_SPACE.sub("", text)):
            counts[keyword] = counts.get(keyword, 0) + 1
        return counts

    def scores(self, title: str, text: str) -> list[float]:
        """Score of every top-level class, in taxonomy order."""
        result = [0.0] * len(self.topics)
        title_hits = self._hits(title or "")
        body_hits = self._hits(text or "")
        for keyword in title_hits.keys() | body_hits.keys():
            evidence = TITLE_WEIGHT * title_hits.get(keyword, 0) + min(body_hits.get(keyword, 0), BODY_CAP)
            for index, weight in self._weights[keyword]:
                result[index] += weight * evidence
        return result

    def classify(self, title: str, text: str, limit: int = 2) -> list[str]:
        ranked = sorted(enumerate(self.scores(title, text)), key=lambda pair: (-pair[1], pair[0]))
        best = ranked[0][1] if ranked else 0.0
        if best <= 0:
            return []
        return [self.labels[i] for i, s in ranked[:limit] if s >= MIN_SHARE * best]


def load_data(path: Path = DATA_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_classifier() -> TopicClassifier:
    """The shipped taxonomy, loaded once per process."""
    return TopicClassifier(load_data())


TOP_LEVEL: list[str] = list(default_classifier().labels)


def classify(title: str, text: str, limit: int = 2) -> list[str]:
    """Top-level 主题分类 labels for a title and text, best first; [] when there is no evidence."""
    return default_classifier().classify(title, text, limit)


@lru_cache(maxsize=1)
def _parent_of_child() -> dict[str, str]:
    parents: dict[str, list[str]] = {}
    for topic in default_classifier().topics:
        for child in topic.children:
            parents.setdefault(child, []).append(topic.label)
    return {child: labels[0] for child, labels in parents.items() if len(labels) == 1}


def top_level_of(label: str) -> str | None:
    """Top-level class of a gov.cn label: ``科技、教育\\教育`` -> ``科技、教育``.

    Also accepts a bare top-level label, or a second-level label that belongs to exactly one
    class (``教育`` -> ``科技、教育``; ``其他`` alone is ambiguous and only maps to itself).
    """
    if not label:
        return None
    head = re.split(r"[\\/／＼]", label.strip(), maxsplit=1)[0].strip()
    if head in TOP_LEVEL:
        return head
    return _parent_of_child().get(head)
