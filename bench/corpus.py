"""The benchmark's input: the shared corpus (``../shared/corpus``), whole or an evenly spread subset.

Every build in one run (ours, the naive build, the jieba limit) must see exactly the same text,
so the corpus is loaded once here into plain records, and a subset is written back to disk as
files in the original formats for our pipeline to ingest.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"

_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class SourceDoc:
    """One document as the naive build sees it: metadata plus its non-empty text lines."""

    doc_id: str
    title: str
    kind: str
    issuer: str | None
    year: int | None
    lines: tuple[str, ...]
    raw: str  # the JSON line (or the whole text file), to write a subset back unchanged
    origin: Path  # file it came from


@dataclass(frozen=True)
class Corpus:
    """The documents of one run and the files our pipeline ingests to index the same text."""

    docs: tuple[SourceDoc, ...]
    files: tuple[Path, ...]
    subset_of: int | None = None  # size of the whole corpus when this is a sample of it

    @property
    def lines(self) -> list[str]:
        return [line for doc in self.docs for line in doc.lines]

    @property
    def paragraph_count(self) -> int:
        return sum(len(doc.lines) for doc in self.docs)

    @property
    def text_bytes(self) -> int:
        """UTF-8 size of the indexed text: the common denominator of every MB/s figure."""
        return sum(len(line.encode("utf-8")) for doc in self.docs for line in doc.lines)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """``*.jsonl`` plus the seed minutes: the set the issue defines as "the shared corpus"."""
    return sorted(corpus_dir.glob("*.jsonl")) + sorted((corpus_dir / "seed").glob("*.txt"))


def _year_of(value: str | None) -> int | None:
    match = _YEAR.search(value or "")
    return int(match.group(0)) if match else None


def _split_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def read_docs(path: Path) -> list[SourceDoc]:
    """Read one corpus file: a JSONL file gives one document per line, a text file one document."""
    if path.suffix == ".jsonl":
        docs = []
        with path.open(encoding="utf-8") as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                record = json.loads(raw)
                docs.append(
                    SourceDoc(
                        doc_id=record["id"],
                        title=record.get("title") or record["id"],
                        kind=record.get("kind") or "other",
                        issuer=record.get("issuer"),
                        year=_year_of(record.get("date")),
                        lines=_split_lines(record.get("text") or ""),
                        raw=raw,
                        origin=path,
                    )
                )
        return docs
    text = path.read_text(encoding="utf-8")
    return [
        SourceDoc(
            doc_id=path.stem,
            title=path.stem,
            kind="minutes",
            issuer=None,
            year=_year_of(path.name),
            lines=_split_lines(text),
            raw=text,
            origin=path,
        )
    ]


def spread_sample(docs: list[SourceDoc], limit: int) -> list[SourceDoc]:
    """Every k-th document, so a small run still mixes laws, policies and minutes in the corpus's
    proportions; the seed minutes (the one municipal 纪要) are always kept."""
    if limit >= len(docs):
        return docs
    step = len(docs) / limit
    keep = {int(i * step) for i in range(limit)}
    keep.update(i for i, doc in enumerate(docs) if doc.origin.suffix != ".jsonl")
    return [doc for i, doc in enumerate(docs) if i in keep]


def write_subset(docs: list[SourceDoc], dest: Path) -> list[Path]:
    """Write the chosen documents back in their original formats and layout (one file per origin
    file), so the subset folder is itself a corpus folder."""
    dest.mkdir(parents=True, exist_ok=True)
    started: set[Path] = set()
    for doc in docs:
        if doc.origin.suffix == ".jsonl":
            target = dest / doc.origin.name
            with target.open("a" if target in started else "w", encoding="utf-8") as handle:
                handle.write(doc.raw if doc.raw.endswith("\n") else doc.raw + "\n")
            started.add(target)
        else:
            target = dest / "seed" / doc.origin.name
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(doc.origin, target)
    return corpus_files(dest)


def load_corpus(corpus_dir: Path, limit_docs: int | None = None, work_dir: Path | None = None) -> Corpus:
    """Load the whole corpus, or a spread subset of ``limit_docs`` documents written under
    ``work_dir`` (needed then, because our pipeline ingests files, not records)."""
    files = corpus_files(corpus_dir)
    docs = [doc for path in files for doc in read_docs(path)]
    if limit_docs is None or limit_docs >= len(docs):
        return Corpus(docs=tuple(docs), files=tuple(files))
    if work_dir is None:
        raise ValueError("a subset needs a work_dir to write its files to")
    subset = spread_sample(docs, limit_docs)
    shutil.rmtree(work_dir, ignore_errors=True)
    log.info("subset of %d of %d documents written to %s", len(subset), len(docs), work_dir)
    return Corpus(docs=tuple(subset), files=tuple(write_subset(subset, work_dir)), subset_of=len(docs))
