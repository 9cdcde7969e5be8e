"""Score the parser against ``minutes-real/expected.json`` (what a person read from each text).

The checks follow the annotation rules in that folder's SOURCES.md: one check per stated value
(number, date, chair, item count, each lead department, each reference, each short name, the
jurisdiction), compared after NFKC folding and whitespace removal. A value the annotator left
null is checked too: the parser must leave it empty (wrong data is worse than missing data).
A lead department the parser names that the annotator did not is a failed check.

Importable by tests and runnable alone (``python tests/minutes_eval.py``) to print the misses.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from indexer.extract import extract_path
from indexer.models import Document
from indexer.pipeline import read_document as parse

HERE = Path(__file__).resolve().parent
REAL = (HERE.parent.parent / "shared" / "corpus" / "minutes-real").resolve()


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Score:
    passed: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.misses.append(what)

    @property
    def ratio(self) -> float:
        return self.passed / self.total if self.total else 0.0


def parse_file(path: Path) -> Document:
    (extracted, *_), _problems = extract_path(path)
    return parse(extracted)


def leads_of(doc: Document) -> list[tuple[str, str]]:
    """(as written, resolved name) of every decision's lead department."""
    out = []
    for item in doc.items:
        for dec in item.decisions:
            if dec.lead_department:
                out.append((dec.lead_written or dec.lead_department, dec.lead_department))
    return list(dict.fromkeys(out))


def _lead_matches(forms: list[str], lead: tuple[str, str]) -> bool:
    written, name = norm(lead[0]), norm(lead[1])
    return any(norm(f) in (written, name) or name.endswith(norm(f)) for f in forms)


def score_one(name: str, want: dict, doc: Document, score: Score) -> None:
    meeting = doc.meeting
    got = {
        "number": meeting.number if meeting else None,
        "date": meeting.date if meeting else None,
        "chair": meeting.chair if meeting else None,
    }
    for key in ("number", "date", "chair"):
        score.check(norm(str(got[key] or "")) == norm(str(want[key] or "")), f"{name} {key}: {got[key]!r} != {want[key]!r}")
    if want["items"] is not None:
        # a count the text states (会议共有九项议题) is the count, even when the page is cut short
        count = (meeting.agenda_count if meeting else None) or len(doc.items)
        score.check(count == want["items"], f"{name} items: {count} != {want['items']}")
    jur = doc.jurisdiction.name if doc.jurisdiction else None
    score.check(norm(jur) == norm(want["jurisdiction"]), f"{name} jurisdiction: {jur!r} != {want['jurisdiction']!r}")
    leads = leads_of(doc)
    for forms in want["lead_departments"]:
        score.check(any(_lead_matches(forms, lead) for lead in leads), f"{name} lead {forms[0]} missing (got {leads})")
    for lead in leads:
        if not any(_lead_matches(forms, lead) for forms in want["lead_departments"]):
            score.check(False, f"{name} lead {lead} not expected")
    titles = {norm(r.title) for r in doc.references}
    for title in want["references"]:
        score.check(norm(title) in titles, f"{name} reference missing: {title}")
    shorts = {norm(r.short_name) for r in doc.references if r.short_name}
    for short in want["short_names"]:
        score.check(norm(short) in shorts, f"{name} short name missing: {short}")


def evaluate(folder: Path = REAL) -> tuple[Score, dict[str, Document]]:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    score = Score()
    docs = {}
    for name, want in expected.items():
        doc = docs[name] = parse_file(folder / name)
        score_one(name, want, doc, score)
    return score, docs


if __name__ == "__main__":
    result, _ = evaluate()
    for miss in result.misses:
        print(miss)
    print(f"{result.passed}/{result.total} = {result.ratio:.1%}")
