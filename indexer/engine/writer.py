"""Writing the index: one commit per call, documents streamed in batches that carry their tokens.

Whoosh is a single-writer store whose commit point is the rename of the TOC file, so a writer
killed mid-way leaves the previous commit searchable; we keep that property by always using a
plain Whoosh writer (never ``AsyncWriter``) and one commit per ``write`` call.
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.compat import pickle
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from indexer.analysis import Packed, join_packed
from indexer.articles import article_groups
from indexer.engine import orphans
from indexer.engine.records import ARTICLE_FIELD, document_record, paragraph_record
from indexer.engine.segwriter import FastSegmentWriter, FastSubWriter, PolicyCodec
from indexer.errors import IndexLockedError, PolicySearchError
from indexer.models import Document
from indexer.presegment import Presegmented, SegmentedBatch

log = logging.getLogger(__name__)

# Posting buffer of each Whoosh writer process before it spills a sorted run to disk.
WRITER_MB = 256


@dataclass
class WriteReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    doc_ids: list[str] = field(default_factory=list)  # added or replaced, in input order
    orphans_removed: int = 0  # files of an earlier failed or killed commit, removed first
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer (each sub-writer indexes whole batches of records into its
    own segment), made deterministic and interruptible.

    Whoosh's ``MpWriter`` hands batches to whichever sub-writer is free and commits the
    segments in the order they finish, so document numbers (the tie order of ranking and date
    sorting) changed from run to run; its ``cancel`` only flags the parent's copy of each task,
    leaving the children blocked. Here batch *i* goes to sub-writer *i mod procs* through its
    own queue, segments are committed in sub-writer order, and ``cancel`` terminates the
    children. Callers group each document's records (``start_group``) so a document never spans
    two segments.
    """

    docbuffer: list[Any]  # MpWriter's records not yet handed to a sub-writer

    def __init__(self, ix: windex.Index, procs: int, **kwargs: Any):
        super().__init__(ix, procs=procs, multisegment=True, **{"codec": PolicyCodec(), **kwargs})
        self._batches = 0

    def _new_task(self) -> SubWriterTask:
        ctx = multiprocessing.get_context("fork")
        task = FastSubWriter(self.storage, self.indexname, ctx.Queue(4), ctx.Queue(), self.subargs, True)
        task.daemon = True
        self.tasks.append(task)
        task.start()
        return task

    def end_group(self) -> None:
        super().end_group()  # Whoosh only hands out a full batch on add_document, outside groups
        if not self._grouping and len(self.docbuffer) >= self.batchsize:
            self._enqueue()

    def _enqueue(self) -> None:
        filename = f"{self._batches}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, pickle.HIGHEST_PROTOCOL)
        if len(self.tasks) < self.procs:
            self._new_task()
        self.tasks[self._batches % self.procs].jobqueue.put((filename, len(self.docbuffer)))
        self._batches += 1
        self.docbuffer = []

    def _commit(self, mergetype: Any, optimize: bool, merge: bool) -> None:
        if self.docbuffer:
            self._enqueue()
        for task in self.tasks:
            task.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = [self._result(task) for task in self.tasks]  # read before join: no pipe deadlock
        for task in self.tasks:
            task.join()
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    @staticmethod
    def _result(task: SubWriterTask) -> Any:
        while True:
            try:
                return task.resultqueue.get(timeout=1)
            except queue.Empty:
                if not task.is_alive():
                    try:
                        return task.resultqueue.get(timeout=1)
                    except queue.Empty:
                        raise PolicySearchError(f"an index sub-writer failed (exit code {task.exitcode})") from None

    def cancel(self) -> None:
        for task in self.tasks:
            task.terminate()
            task.join()
        SegmentWriter.cancel(self)


def indexed_now() -> str:
    """The ``indexed_at`` of a write: UTC, ISO 8601 to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def index_records(doc: Document, tokens: Mapping[str, Packed]) -> Iterator[dict[str, Any]]:
    """The Whoosh records of one document, its paragraphs then its document record, with text
    and title pre-segmented from ``tokens`` (``{text: packed tokens}``)."""
    rests = {group[0].para_id: group[1:] for group in article_groups(doc.paragraphs)}
    for para in doc.paragraphs:
        rest = rests.get(para.para_id, [])
        rec = paragraph_record(doc, para, rest)
        if para.text:
            rec["text"] = Presegmented(para.text, tokens[para.text])
        if ARTICLE_FIELD in rec:  # the words of the article's other paragraphs it lacks itself
            own = tokens[para.text] if para.text else None
            rec[ARTICLE_FIELD] = Presegmented(
                rec[ARTICLE_FIELD], join_packed([(p.text, tokens[p.text]) for p in rest if p.text], without=own))
        yield rec
    rec = document_record(doc)
    if doc.title:
        rec["title"] = Presegmented(doc.title, tokens[doc.title])
    yield rec



class IndexWriter:
    """Writes to one index folder: ``write`` (add or replace documents) and ``remove``, each in
    one commit under the Whoosh write lock."""

    def __init__(self, path: Path, ix: windex.Index, readonly: bool = False):
        self.path = path
        self.ix = ix
        self.readonly = readonly
        self.orphans_removed = 0  # files of earlier failed commits removed by the last write

    @contextmanager
    def _writer(self, lock_timeout: float, procs: int = 1) -> Iterator[SegmentWriter]:
        """The index writer; ``procs > 1`` gives a ``ParallelWriter`` with that many sub-writers.

        The write lock is taken here, not by Whoosh: its writers create files right after locking,
        and when that fails (disk full) nothing would release the lock. I/O errors become a
        readable ``PolicySearchError``; they never touch the last commit.
        """
        if self.readonly:
            raise PolicySearchError(f"index {self.path} was opened read-only")
        lock = self.ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=lock_timeout, delay=0.1):
            raise IndexLockedError(str(self.path), lock_timeout)
        try:
            try:
                self.orphans_removed = self._remove_orphans()  # leftovers of a crashed or failed commit
                if procs > 1:
                    writer = ParallelWriter(self.ix, procs, _lk=False, limitmb=WRITER_MB, subargs={"limitmb": WRITER_MB})
                else:
                    writer = FastSegmentWriter(self.ix, _lk=False, limitmb=WRITER_MB)
            except BaseException:
                lock.release()
                raise
            writer.writelock = lock  # released by commit(); on failure, below
            try:
                yield writer
            except BaseException:
                # Keep the lock until the failed commit's files are gone: on a full disk they
                # hold the space the retry needs, and no other writer may start meanwhile.
                writer.writelock = None
                try:
                    writer.cancel()
                except Exception as exc:  # noqa: BLE001 (a commit that failed half-way)
                    log.debug("cancelling the failed writer: %s", exc)
                finally:
                    self._remove_orphans()
                    lock.release()
                raise
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise PolicySearchError(
                f"could not update index {self.path}: {exc.strerror or exc}{where}; the last commit is unchanged"
            ) from exc

    def _remove_orphans(self) -> int:
        """Delete files no TOC references (``orphans``): the lock holder's own view is the only
        safe one. Never fails a write: an orphan that cannot be removed is logged."""
        try:
            report = orphans.remove(self.path, self.ix.indexname)
        except (PolicySearchError, OSError) as exc:
            log.warning("could not check %s for orphan files: %s", self.path, exc)
            return 0
        for orphan, reason in report.failed:
            log.warning("orphan %s not removed: %s", orphan.name, reason)
        return len(report.removed)

    def write(self, batches: Iterable[SegmentedBatch], lock_timeout: float = 30.0, workers: int = 1) -> WriteReport:
        """Add or replace documents in one commit; documents with an unchanged ``sha1`` are skipped
        (and keep their ``indexed_at``); the written ones are stamped with the time of this write.

        A changed document has all its records deleted and re-added, so no stale paragraph
        survives. A doc_id repeated within one call keeps its first occurrence. ``batches`` is
        consumed as a stream (``indexer.presegment.segment_batches`` segments the next batch
        while this one is indexed); with ``workers > 1`` Whoosh indexing runs in that many
        sub-writers (``ParallelWriter``). Nothing is visible to searchers until the single
        commit at the end. ``timings`` has seconds spent in the caller's iterator (``read``),
        waiting for tokens (``segment``), handing records to Whoosh (``index``) and ``commit``.
        """
        report = WriteReport()
        timings = dict.fromkeys(("read", "segment", "index", "commit"), 0.0)
        stamp = indexed_now()  # one commit, one time: every document it writes becomes visible then
        with self._writer(lock_timeout, workers) as w, w.searcher() as s:
            report.orphans_removed = self.orphans_removed
            seen: set[str] = set()
            it = iter(batches)
            while True:
                t0 = time.perf_counter()
                batch = next(it, None)
                timings["read"] += time.perf_counter() - t0
                if batch is None:
                    break
                fresh = [replace(doc, indexed_at=stamp) for doc in batch.documents
                         if self._needs_write(doc, s, w, seen, report)]
                if fresh:
                    self._add_batch(w, fresh, batch.tokens, timings)
                    report.doc_ids += [doc.doc_id for doc in fresh]
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
    def _add_batch(w: SegmentWriter, batch: list[Document], tokens: Callable[[], dict[str, Packed]],
                   timings: dict[str, float]) -> None:
        """Index one batch once its tokens are ready (``segment`` is the time spent waiting)."""
        t0 = time.perf_counter()
        table = tokens()
        t1 = time.perf_counter()
        for doc in batch:
            w.start_group()  # a parallel writer keeps the group in one segment, in order
            for rec in index_records(doc, table):
                w.add_document(**rec)
            w.end_group()
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

