"""Mine abbreviation definitions (……（以下简称“X”）) from JSON-lines corpora: the candidates from
which ``indexer/data/synonyms.tsv`` entries were chosen by hand (see docs/QUERY.md).

Prints ``short<TAB>full<TAB>documents<TAB>first doc id`` for definitions whose short form is a
subsequence of the full form (a true abbreviation, not a document-local label such as 学校 for
the schools listed before it), most frequent first. Nothing here is used at search time.

    .venv/bin/python bench/mine_abbreviations.py ../shared/corpus/*.jsonl > candidates.tsv
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

DEFINITION = re.compile(r"（(?:以下|下文)?简称[“\"《]?([^”\"》）]{2,12})[”\"》]?）")
CLAUSE_END = re.compile(r"[，。；：、,;:《》“”\"（）()\s]")
MAX_FULL = 24


def full_form(text: str, end: int, short: str) -> str | None:
    """The phrase before the definition that the short form abbreviates: from the latest start
    that still contains every character of ``short`` in order, back to the clause start."""
    start = end
    while start > 0 and end - start < MAX_FULL and not CLAUSE_END.match(text[start - 1]):
        start -= 1
    clause = text[start:end]
    for i in range(len(clause) - len(short), -1, -1):
        if clause[i] == short[0] and _subsequence(short, clause[i:]):
            return clause[i:]
    return None


def _subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def mine(paths: list[Path]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                text = record.get("text", "")
                for m in DEFINITION.finditer(text):
                    short = m.group(1)
                    full = full_form(text, m.start(), short)
                    if full and full != short and len(full) > len(short):
                        found[(short, full)].append(record.get("id", path.name))
    return found


def main(argv: list[str]) -> int:
    found = mine([Path(p) for p in argv])
    for (short, full), ids in sorted(found.items(), key=lambda kv: -len(set(kv[1]))):
        print(f"{short}\t{full}\t{len(set(ids))}\t{ids[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
