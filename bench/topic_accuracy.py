"""Accuracy of indexer.topics.classify on the labelled gov.cn policy documents.

The stated ``topic`` of each JSON line is hidden from the classifier (it sees title and text
only) and compared at the top level. After the first keyword draft, tuning looked at the
even-numbered lines only, so the odd-numbered lines give the held-out figure; docs/TOPICS.md
says what was seen when (and why that figure is still optimistic). A labels-only baseline
(second-level label names, no chosen keywords) is printed for comparison.

    .venv/bin/python bench/topic_accuracy.py [corpus/policy-govcn-platform1.jsonl] [--errors]
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.topics import TopicClassifier, default_classifier, load_data, top_level_of  # noqa: E402

DEFAULT = ROOT / "corpus" / "policy-govcn-platform1.jsonl"
log = logging.getLogger("topic_accuracy")


@dataclass(frozen=True)
class Outcome:
    line: int
    title: str
    truth: str
    predicted: tuple[str, ...]


@dataclass(frozen=True)
class Accuracy:
    n: int
    top1: int
    top2: int

    def __str__(self) -> str:
        if not self.n:
            return "n=0"
        return (f"n={self.n}  top-1 {self.top1}/{self.n} = {self.top1 / self.n:.1%}  "
                f"top-2 {self.top2}/{self.n} = {self.top2 / self.n:.1%}")


def labels_only() -> TopicClassifier:
    """Baseline with no hand-chosen keywords: only the second-level label names."""
    data = load_data()
    return TopicClassifier({"topics": [{**t, "keywords": {}} for t in data["topics"]]})


def evaluate(path: Path, classifier: TopicClassifier | None = None) -> list[Outcome]:
    """Classify every labelled line of ``path`` (lines without a known topic are skipped)."""
    classifier = classifier or default_classifier()
    outcomes = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            record = json.loads(line)
            truth = top_level_of(record.get("topic") or "")
            if truth is None:
                continue
            predicted = classifier.classify(record.get("title") or "", record.get("text") or "", limit=2)
            outcomes.append(Outcome(line_no, record.get("title") or "", truth, tuple(predicted)))
    return outcomes


def accuracy(outcomes: list[Outcome]) -> Accuracy:
    return Accuracy(
        n=len(outcomes),
        top1=sum(1 for o in outcomes if o.predicted[:1] == (o.truth,)),
        top2=sum(1 for o in outcomes if o.truth in o.predicted[:2]),
    )


def report(outcomes: list[Outcome]) -> dict[str, Accuracy]:
    """Figures for all lines, the tuning half (even lines) and the held-out half (odd lines)."""
    return {
        "all": accuracy(outcomes),
        "even (tuning)": accuracy([o for o in outcomes if o.line % 2 == 0]),
        "odd (held out)": accuracy([o for o in outcomes if o.line % 2 == 1]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", action="store_true", help="list the misclassified lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, acc in report(evaluate(args.path, labels_only())).items():
        log.info("labels only, %-15s %s", name, acc)
    outcomes = evaluate(args.path)
    for name, acc in report(outcomes).items():
        log.info("keywords,    %-15s %s", name, acc)
    if args.errors:
        for o in outcomes:
            if o.predicted[:1] != (o.truth,):
                log.info("L%-3d %s | truth %s | got %s", o.line, o.title, o.truth, " / ".join(o.predicted) or "-")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
