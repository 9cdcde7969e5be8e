"""Ingest, one named stage per step: extract -> repair -> parse -> enrich -> presegment -> write.

``extract`` reads bytes into text (``indexer.extract``), ``repair`` rebuilds paragraphs from the
page layout (``indexer.repair``), ``parse`` reads the structure (``indexer.structure``),
``enrich`` derives references, departments, topics and citations (``indexer.enrich``),
``presegment`` runs jieba in worker processes (``indexer.presegment``) and ``write`` indexes
the tokens (``indexer.engine``). The whole batch is written in a single commit, so an ingest that is interrupted (Ctrl-C, SIGKILL,
a full disk) leaves the previous commit searchable and re-running it converges: unchanged
documents are skipped by their content hash.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .engine import DocumentStore, IndexStore, WriteReport
from .enrich import enrich
from .extract import Limits, extract_path, iter_sources
from .models import MEETING_KINDS, Document, Extracted, Problem
from .presegment import segment_batches
from .repair import repair
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


def extract(sources: Iterable[Path], report: IngestReport, limits: Limits = Limits(),
            progress: bool = False) -> Iterator[list[Extracted]]:
    """The extracted texts of each source (a JSON Lines file gives many); every skip and note
    goes to ``report``."""
    sources = list(sources)
    with tqdm(total=len(sources), unit="file", disable=not progress, desc="ingest") as bar:
        for path in sources:
            extracted, problems = extract_path(path, limits)
            report.problems.extend(p for p in problems if p.skipped)
            report.notes.extend(p for p in problems if not p.skipped)
            yield extracted
            bar.update(1)
            bar.set_postfix(docs=report.documents, skipped=len(report.problems))


def read_document(extracted: Extracted) -> Document:
    """The three pure stages of one source: repair, parse, enrich."""
    return enrich(parse(extracted, repair(extracted)))


def documents(sources: Iterable[Path], report: IngestReport, limits: Limits = Limits(),
              progress: bool = False) -> Iterator[Document]:
    """One Document per readable source (or JSON line); every skip recorded in ``report``.

    A generator, so the writer consumes documents as they are parsed and memory stays flat.
    """
    seen: dict[str, str] = {}
    t0 = time.perf_counter()
    for extracted in extract(sources, report, limits, progress):
        for ex in extracted:
            doc = _read_one(ex, report)
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
            report.timings["extract_parse"] = report.timings.get("extract_parse", 0.0) + time.perf_counter() - t0
            yield doc
            t0 = time.perf_counter()
    report.timings["extract_parse"] = report.timings.get("extract_parse", 0.0) + time.perf_counter() - t0


def _read_one(ex: Extracted, report: IngestReport) -> Document | None:
    try:
        doc = read_document(ex)
    except Exception as exc:  # a parser bug on one document must not stop the batch
        log.exception("could not parse %s", ex.source)
        report.problems.append(Problem(ex.source, f"could not parse: {type(exc).__name__}: {exc}"))
        return None
    if not doc.paragraphs:
        report.problems.append(Problem(ex.source, "no text to index"))
        return None
    return doc


def changed_only(docs: Iterable[Document], store: DocumentStore, unchanged: list[str]) -> Iterator[Document]:
    """``docs`` without those indexed from the same source bytes (their ids go to ``unchanged``):
    a re-ingest of an unchanged collection costs no segmenting. The writer checks again under
    its lock, so a concurrent ingest cannot make this skip wrong."""
    for doc in docs:
        if doc.sha1 and store.content_hash(doc.doc_id) == doc.sha1:
            unchanged.append(doc.doc_id)
            continue
        yield doc


def default_workers() -> int:
    """Processes for jieba and for Whoosh's sub-writers: every core, at most 4."""
    return min(os.cpu_count() or 1, 4)


def index_documents(store: DocumentStore, docs: Iterable[Document], *, lock_timeout: float = 30.0,
                    workers: int | None = None) -> WriteReport:
    """The presegment and write stages: ``docs`` in one commit (unchanged ones skipped)."""
    workers = workers if workers is not None else default_workers()
    unchanged: list[str] = []
    with closing(segment_batches(changed_only(docs, store, unchanged), workers)) as batches:
        written = store.write(batches, lock_timeout=lock_timeout, workers=workers)
    written.unchanged += len(unchanged)
    return written


def public_source(source: str, roots: list[Path]) -> str:
    """``source`` relative to what was ingested: a file inside an ingested folder as
    ``folder/sub/file.txt`` (the folder's own name first), an ingested file as its name; a JSON
    Lines record keeps its ``#L<line>``. The index is served to anyone: it must not show where
    the server keeps its files."""
    path, hash_, line = source.rpartition("#L") if "#L" in source else (source, "", "")
    found = Path(path)
    for root in roots:
        if found == root:
            return f"{root.name or found.name}{hash_}{line}"
        if found.is_relative_to(root):
            inside = found.relative_to(root).as_posix()
            prefix = "" if root.name in ("", ".", "..") else f"{root.name}/"
            return f"{prefix}{inside}{hash_}{line}"
    return f"{found.name}{hash_}{line}"


def with_public_sources(docs: Iterable[Document], roots: list[Path]) -> Iterator[Document]:
    """``docs`` with each ``source`` made relative to the ingested ``roots`` (``public_source``)."""
    for doc in docs:
        doc.source = public_source(doc.source, roots)
        yield doc


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
    paths = list(paths)
    sources = iter_sources((Path(p) for p in paths), report.problems)
    store = IndexStore.create_or_open(Path(index_dir), rebuild=rebuild)
    t0 = time.perf_counter()
    roots = [Path(p) for p in paths]
    written = index_documents(store, with_public_sources(documents(sources, report, limits, progress), roots),
                              lock_timeout=lock_timeout, workers=workers)
    report.added, report.replaced, report.unchanged = written.added, written.replaced, written.unchanged
    report.orphans_removed = written.orphans_removed
    for stage, seconds in written.timings.items():
        report.timings[stage] = report.timings.get(stage, 0.0) + seconds
    report.timings["total"] = time.perf_counter() - t0
    return report
