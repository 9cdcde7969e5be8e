"""The index folder: create/open with version checks, idempotent writes, shared searchers.

Whoosh is a single-writer store whose commit point is the rename of the TOC file, so a writer
killed mid-way leaves the previous commit searchable; we keep that property by always using a
plain ``ix.writer(timeout=…)`` (never ``AsyncWriter``) and one commit per ``write`` call.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.index import LockError
from whoosh.query import Term
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from indexer import analysis, facets
from indexer.errors import IndexLockedError, IndexMissingError, PolicySearchError, RebuildRequiredError
from indexer.models import Document
from indexer.schema import DOC, FORMAT_VERSION, PARA, build_schema, decode_document, document_record, paragraph_record

log = logging.getLogger(__name__)

META_FILE = "policysearch.json"
# Documents are pre-segmented and added in batches of about this many characters (bounded
# memory for a whole-corpus ingest; big enough that worker round trips are cheap).
BATCH_CHARS = 1_000_000


@dataclass
class WriteReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    doc_ids: list[str] = field(default_factory=list)  # added or replaced, in input order
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


def _has_index(path: Path) -> bool:
    return path.is_dir() and any(p.name.endswith(".toc") for p in path.iterdir())


class IndexStore:
    """One index folder. Thread-safe for searching; writes take the Whoosh write lock."""

    def __init__(self, path: Path, ix: windex.Index, meta: dict[str, Any], readonly: bool):
        self.path = path
        self.ix = ix
        self.meta = meta
        self.readonly = readonly
        self._local = threading.local()
        self._cache_lock = threading.Lock()
        self._cache: dict[str, Any] = {"generation": None}

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, readonly: bool = True) -> "IndexStore":
        """Open an existing index; refuse (readable error) anything we did not build or cannot read."""
        path = Path(path)
        if not _has_index(path):
            raise IndexMissingError(
                f"no index at {path}; build one with `policysearch --index {path} ingest <files>`"
            )
        meta = cls._read_meta(path)
        expected = {"format_version": FORMAT_VERSION, "dictionary_version": analysis.get_segmenter().version}
        for key, want in expected.items():
            if meta.get(key) != want:
                raise RebuildRequiredError(
                    f"rebuild required: index {path} has {key} {meta.get(key)!r}, this program uses "
                    f"{want!r}; rebuild it with `policysearch --index DIR ingest --rebuild PATH...`"
                )
        try:
            ix = windex.open_dir(str(path), readonly=readonly)
            with ix.searcher() as s:  # reads every segment once: a corrupt TOC fails here, not later
                s.doc_count()
        except Exception as exc:  # unpickling the schema can raise anything (R7, R9)
            raise RebuildRequiredError(
                f"rebuild required: index {path} cannot be read ({type(exc).__name__}: {exc}); "
                "rebuild it with `policysearch --index DIR ingest --rebuild PATH...`"
            ) from exc
        return cls(path, ix, meta, readonly)

    @classmethod
    def create_or_open(cls, path: str | Path, rebuild: bool = False) -> "IndexStore":
        """Open the index for writing, creating it in an empty or new folder.

        ``rebuild=True`` deletes an existing index first, but only a folder that is empty or
        holds one of our indexes: we never delete a folder we did not create.
        """
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise PolicySearchError(f"index path {path} is a file, not a folder")
        ours = (path / META_FILE).is_file()
        if path.is_dir() and any(path.iterdir()) and not ours:
            raise RebuildRequiredError(
                f"rebuild required: {path} holds files that are not a policysearch index; "
                "choose an empty or new folder"
            )
        if rebuild and ours:
            log.info("removing index %s for rebuild", path)
            shutil.rmtree(path)
        if not _has_index(path):
            path.mkdir(parents=True, exist_ok=True)
            meta = {"format_version": FORMAT_VERSION, "dictionary_version": analysis.get_segmenter().version}
            (path / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            windex.create_in(str(path), build_schema())
            log.info("created index %s", path)
        return cls.open(path, readonly=False)

    @staticmethod
    def _read_meta(path: Path) -> dict[str, Any]:
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RebuildRequiredError(f"rebuild required: {path} is not a policysearch index ({META_FILE} missing)") from None
        except (OSError, ValueError) as exc:
            raise RebuildRequiredError(f"rebuild required: {path}/{META_FILE} is unreadable ({exc})") from exc
        if not isinstance(meta, dict):
            raise RebuildRequiredError(f"rebuild required: {path}/{META_FILE} is not a JSON object")
        return meta

    # --- writing ----------------------------------------------------------------------------

    @contextmanager
    def _writer(self, lock_timeout: float) -> Iterator[SegmentWriter]:
        if self.readonly:
            raise PolicySearchError(f"index {self.path} was opened read-only")
        try:
            writer = self.ix.writer(timeout=lock_timeout, limitmb=256)
        except LockError:
            raise IndexLockedError(str(self.path), lock_timeout) from None
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def write(self, docs: Iterable[Document], lock_timeout: float = 30.0, workers: int | None = None) -> WriteReport:
        """Add or replace documents in one commit; documents with an unchanged ``sha1`` are skipped.

        A changed document has all its records deleted and re-added, so no stale paragraph
        survives. A doc_id repeated within one call keeps its first occurrence. ``docs`` is
        consumed as a stream in batches of ~``BATCH_CHARS`` characters, each pre-segmented by
        ``workers`` processes (default: the CPU count, at most 4); nothing is visible to
        searchers until the single commit at the end. ``timings`` has seconds spent in the
        caller's iterator (``read``), jieba (``segment``), Whoosh (``index``) and ``commit``.
        """
        report = WriteReport()
        timings = dict.fromkeys(("read", "segment", "index", "commit"), 0.0)
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        batch: list[Document] = []
        size = 0
        with analysis.Presegmenter(workers) as pre, self._writer(lock_timeout) as w, w.searcher() as s:
            seen: set[str] = set()
            it = iter(docs)
            while True:
                t0 = time.perf_counter()
                doc = next(it, None)
                timings["read"] += time.perf_counter() - t0
                if doc is not None:
                    if not self._needs_write(doc, s, w, seen, report):
                        continue
                    batch.append(doc)
                    size += len(doc.title) + sum(len(p.text) for p in doc.paragraphs)
                if batch and (doc is None or size >= BATCH_CHARS):
                    self._add_batch(w, batch, pre, timings)
                    report.doc_ids += [d.doc_id for d in batch]
                    batch, size = [], 0
                if doc is None:
                    break
            if not report.doc_ids:
                w.cancel()
                report.timings = timings
                return report
            t0 = time.perf_counter()
            w.commit()
            timings["commit"] = time.perf_counter() - t0
        report.timings = timings
        log.info("index %s: %d added, %d replaced, %d unchanged", self.path, report.added, report.replaced, report.unchanged)
        return report

    @staticmethod
    def _needs_write(doc: Document, s: Searcher, w: SegmentWriter, seen: set[str], report: WriteReport) -> bool:
        """Classify ``doc`` against the last commit (and delete its old records when changed)."""
        if doc.doc_id in seen:
            log.warning("document %s appears twice in one write; keeping the first", doc.doc_id)
            return False
        seen.add(doc.doc_id)
        old = s.document(key=doc.doc_id)
        if old is None:
            report.added += 1
        elif doc.sha1 and old.get("sha1") == doc.sha1:
            report.unchanged += 1
            return False
        else:
            w.delete_by_term("doc_id", doc.doc_id)
            report.replaced += 1
        return True

    @staticmethod
    def _add_batch(w: SegmentWriter, batch: list[Document], pre: analysis.Presegmenter,
                   timings: dict[str, float]) -> None:
        t0 = time.perf_counter()
        table = pre.table(t for d in batch for t in (d.title, *(p.text for p in d.paragraphs)))
        t1 = time.perf_counter()
        with analysis.precomputed_tokens(table):
            for doc in batch:
                for para in doc.paragraphs:
                    w.add_document(**paragraph_record(doc, para))
                w.add_document(**document_record(doc))
        timings["segment"] += t1 - t0
        timings["index"] += time.perf_counter() - t1

    def remove(self, doc_ids: Iterable[str], lock_timeout: float = 30.0) -> int:
        """Delete documents (all their records); returns how many existed."""
        removed = 0
        with self._writer(lock_timeout) as w:
            with w.searcher() as s:
                for doc_id in dict.fromkeys(doc_ids):
                    if s.document(key=doc_id) is not None:
                        w.delete_by_term("doc_id", doc_id)
                        removed += 1
            if removed:
                w.commit()
            else:
                w.cancel()
        return removed

    # --- reading ----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher, refreshed when a new commit exists.

        One searcher per thread: Whoosh readers share file positions, so a searcher is not
        safe to use from two threads at once; ``refresh()`` reuses unchanged segments.
        """
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is None:
            s = self._local.searcher = self.ix.searcher()
        elif not s.up_to_date():
            s = self._local.searcher = s.refresh()
        return s

    def generation_cache(self, searcher: Searcher) -> dict[str, Any]:
        """A dict shared by all threads for the searcher's index generation (facet postings …).

        Doc numbers are the same for every reader of one generation, so derived tables can be
        shared; the dict is dropped when a newer generation is first seen.
        """
        gen = searcher.reader().generation()
        with self._cache_lock:
            if self._cache["generation"] != gen:
                self._cache = {"generation": gen}
            return self._cache

    def get_document(self, doc_id: str) -> Document | None:
        fields = self.searcher().document(key=doc_id)
        if fields is None or fields.get("rtype") != DOC:
            return None
        return decode_document(fields["payload"])

    def iter_documents(self) -> Iterator[Document]:
        """Every stored ``Document`` of the current generation, in indexing order."""
        s = self.searcher()
        for docnum in sorted(s.docs_for_query(Term("rtype", DOC))):
            yield decode_document(s.stored_fields(docnum)["payload"])

    def facet_tables(self, searcher: Searcher) -> facets.Tables:
        """Facet value -> paragraph docnums for the searcher's generation, built once, shared."""
        return self._derived(searcher)["facets"]

    def paragraph_docnums(self, searcher: Searcher) -> set[int]:
        """Docnums of all paragraph records (not whole-document records) of this generation."""
        return self._derived(searcher)["paragraphs"]

    def date_keys(self, searcher: Searcher) -> list[int]:
        """Date as yyyymmdd (0 when unknown) by docnum, for date sorting without a collector."""
        return self._derived(searcher)["date_keys"]

    def _derived(self, searcher: Searcher) -> dict[str, Any]:
        cache = self.generation_cache(searcher)
        with self._cache_lock:
            if "facets" not in cache:
                reader = searcher.reader()
                paragraphs = set(searcher.docs_for_query(Term("rtype", PARA)))
                cache["paragraphs"] = paragraphs
                cache["facets"] = facets.build_tables(reader, paragraphs)
                dates = reader.column_reader("date") if paragraphs else []
                cache["date_keys"] = [int("".join(filter(str.isdigit, d))[:8].ljust(8, "0") or 0) for d in dates]
            return cache

    def stats(self) -> dict[str, Any]:
        """documents, paragraphs, departments (distinct), years (sorted), kinds {kind: documents},
        size_bytes, format and dictionary versions."""
        s = self.searcher()
        doc_set = set(s.docs_for_query(Term("rtype", DOC)))
        kinds = {}
        for kind in {s.stored_fields(n).get("kind", "") for n in doc_set}:
            kinds[kind] = len(doc_set & set(s.docs_for_query(Term("kind", kind))))
        tables = self.facet_tables(s)
        return {
            "documents": len(doc_set),
            "paragraphs": len(self.paragraph_docnums(s)),
            "departments": len(tables["department"]),
            "years": sorted(tables["year"]),
            "kinds": dict(sorted(kinds.items())),
            "size_bytes": sum(p.stat().st_size for p in self.path.iterdir() if p.is_file()),
            "format_version": self.meta.get("format_version"),
            "dictionary_version": self.meta.get("dictionary_version"),
        }

    def close(self) -> None:
        s = getattr(self._local, "searcher", None)
        if s is not None:
            s.close()
            self._local.searcher = None
        self.ix.close()
