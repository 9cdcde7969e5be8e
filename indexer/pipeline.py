"""Ingest: files -> extracted text -> Document records -> one index commit.

The whole batch is written in a single commit, so an ingest that is interrupted (Ctrl-C, SIGKILL,
a full disk) leaves the previous commit searchable and re-running it converges: unchanged
documents are skipped by their content hash.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .engine import IndexStore
from .extract import Limits, extract_path, iter_sources
from .models import MEETING_KINDS, Document, Extracted, Problem
from .structure import parse

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    documents: int = 0  # documents parsed from the sources
    paragraphs: int = 0
    bytes: int = 0  # UTF-8 size of the extracted text
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)  # sources (or lines) skipped
    notes: list[Problem] = field(default_factory=list)  # sources read, with something to say
    orphans_removed: int = 0  # files of an earlier failed or killed commit, removed first
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    # indexed documents whose text did not state these (left empty, to be checked by hand)
    unknown: dict[str, list[str]] = field(default_factory=lambda: {
        "jurisdiction": [], "date": [], "items": [], "effective date": []})

    def note_unknowns(self, doc: Document) -> None:
        """Record what the parser could not read from ``doc`` (items only count for meeting records,
        the 施行日期 only for documents with a 效力级别)."""
        if doc.jurisdiction is None:
            self.unknown["jurisdiction"].append(doc.doc_id)
        if doc.date is None:
            self.unknown["date"].append(doc.doc_id)
        if doc.kind in MEETING_KINDS and not doc.items:
            self.unknown["items"].append(doc.doc_id)
        if doc.metadata.get("legal_level") and not doc.metadata.get("effective"):
            self.unknown["effective date"].append(doc.doc_id)

    def summary(self) -> str:
        lines = [
            f"{self.documents} documents ({self.paragraphs} paragraphs): "
            f"{self.added} added, {self.replaced} replaced, {self.unchanged} unchanged; "
            f"{len(self.problems)} skipped"
        ]
        lines += [f"  skipped {p}" for p in self.problems]
        if any(self.unknown.values()):
            lines.append("indexed with fields left empty: " + ", ".join(
                f"no {what}: {len(ids)}" for what, ids in self.unknown.items()))
        lines += [f"  note {p}" for p in self.notes]
        if self.orphans_removed:
            lines.append(f"  removed {self.orphans_removed} orphan file(s) of an earlier failed commit")
        return "\n".join(lines)


def parse_sources(
    sources: Iterable[Path], report: IngestReport, limits: Limits = Limits(), progress: bool = False
) -> Iterator[Document]:
    """Yield one Document per readable source (or JSON line); record every skip in ``report``.

    A generator, so the writer consumes documents as they are parsed and memory stays flat.
    """
    sources = list(sources)
    seen: dict[str, str] = {}
    bar = tqdm(total=len(sources), unit="file", disable=not progress, desc="ingest")
    for path in sources:
        t0 = time.perf_counter()
        extracted, problems = extract_path(path, limits)
        report.problems.extend(p for p in problems if p.skipped)
        report.notes.extend(p for p in problems if not p.skipped)
        docs: list[Document] = []
        for ex in extracted:
            doc = _parse_one(ex, report)
            if doc is None:
                continue
            if doc.doc_id in seen:
                report.problems.append(
                    Problem(ex.source, f"duplicate document id {doc.doc_id} (first seen in {seen[doc.doc_id]})")
                )
                continue
            seen[doc.doc_id] = ex.source
            report.documents += 1
            report.note_unknowns(doc)
            report.paragraphs += len(doc.paragraphs)
            report.bytes += sum(len(p.text.encode("utf-8")) for p in ex.pages)
            docs.append(doc)
        report.timings["extract_parse"] = report.timings.get("extract_parse", 0.0) + time.perf_counter() - t0
        bar.update(1)
        bar.set_postfix(docs=report.documents, skipped=len(report.problems))
        yield from docs
    bar.close()


def _parse_one(ex: Extracted, report: IngestReport) -> Document | None:
    try:
        doc = parse(ex)
    except Exception as exc:  # a parser bug on one document must not stop the batch
        log.exception("could not parse %s", ex.source)
        report.problems.append(Problem(ex.source, f"could not parse: {type(exc).__name__}: {exc}"))
        return None
    if not doc.paragraphs:
        report.problems.append(Problem(ex.source, "no text to index"))
        return None
    return doc


def ingest(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    limits: Limits = Limits(),
    lock_timeout: float = 30.0,
    workers: int | None = None,
    progress: bool = False,
    rebuild: bool = False,
) -> IngestReport:
    """Extract, parse and index ``paths`` (files or folders) into ``index_dir`` in one commit."""
    report = IngestReport()
    sources = iter_sources((Path(p) for p in paths), report.problems)
    store = IndexStore.create_or_open(Path(index_dir), rebuild=rebuild)
    t0 = time.perf_counter()
    written = store.write(parse_sources(sources, report, limits, progress), lock_timeout=lock_timeout, workers=workers)
    report.added, report.replaced, report.unchanged = written.added, written.replaced, written.unchanged
    report.orphans_removed = written.orphans_removed
    for stage, seconds in getattr(written, "timings", {}).items():
        report.timings[stage] = report.timings.get(stage, 0.0) + seconds
    report.timings["total"] = time.perf_counter() - t0
    return report
