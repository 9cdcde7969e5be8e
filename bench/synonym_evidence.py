"""Corpus evidence for every entry of ``indexer/data/synonyms.tsv`` (see docs/QUERY.md).

For each entry, finds a document that *defines* the abbreviation (……（以下简称X）, ……（简称X）)
or, failing that, one that uses both spellings, and counts the documents with each side. Used
to fill and re-check the ``source`` column; nothing here runs at search time.

    .venv/bin/python bench/synonym_evidence.py ../shared/corpus/*.jsonl corpus/*.jsonl
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.normalize import fold  # noqa: E402
from indexer.synonyms import SYNONYMS_PATH, parse_synonyms  # noqa: E402


def load(paths: list[Path]) -> list[tuple[str, str]]:
    docs = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                docs.append((record.get("id", path.name), fold(record.get("title", "") + "\n" + record.get("text", ""))))
    return docs


def evidence(term: str, alternative: tuple[str, ...], docs: list[tuple[str, str]]) -> tuple[str, int, int]:
    definition = re.compile(rf"[（(](?:以下|下文)?简称[“\"]?{re.escape(term)}[”\"]?[）)]")
    with_term = [d for d in docs if term in d[1]]
    with_alt = [d for d in docs if all(w in d[1] for w in alternative)]
    for doc_id, text in with_alt:
        if definition.search(text):
            return f"defined:{doc_id}", len(with_term), len(with_alt)
    # "Both spellings": the term must occur outside the alternative's own words (工商 inside
    # 工商行政管理 is not a use of the abbreviation).
    both = None
    for doc_id, text in with_alt:
        for w in alternative:
            text = text.replace(w, "\0")
        if term in text:
            both = doc_id
            break
    return (f"both:{both}" if both else "none"), len(with_term), len(with_alt)


def main(argv: list[str]) -> int:
    docs = load([Path(p) for p in argv])
    for e in parse_synonyms(SYNONYMS_PATH):
        found, n_term, n_alt = evidence(e.term, e.alternative, docs)
        print(f"{e.term}\t{e.relation}\t{' '.join(e.alternative)}\t{found}\t{n_term}\t{n_alt}\t{e.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
