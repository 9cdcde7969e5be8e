"""The index folder: create/open with version checks, idempotent writes, shared searchers.

Whoosh is a single-writer store whose commit point is the rename of the TOC file, so a writer
killed mid-way leaves the previous commit searchable; we keep that property by always using a
plain ``ix.writer(timeout=…)`` (never ``AsyncWriter``) and one commit per ``write`` call.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import shutil
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.compat import pickle
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.query import Term
from whoosh.reading import ReaderClosed
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from indexer import analysis, facets
from indexer.errors import IndexLockedError, IndexMissingError, PolicySearchError, RebuildRequiredError
from indexer.models import Document
from indexer.postcache import posting_ids
from indexer.segwriter import FastSegmentWriter, FastSubWriter
from indexer.schema import (DOC, FORMAT_VERSION, build_schema, decode_document, decode_paragraphs, document_record,
                            hit_fields, info_document, meeting_label, paragraph_record)

log = logging.getLogger(__name__)

META_FILE = "policysearch.json"
# Documents are pre-segmented and added in batches of about this many characters (bounded
# memory for a whole-corpus ingest; big enough that worker round trips are cheap).
BATCH_CHARS = 300_000
# Posting buffer of each Whoosh writer process before it spills a sorted run to disk.
WRITER_MB = 256
DOC_LEVEL_CACHE = 8_000_000  # paragraph docnums of cached document-level conditions (4 bytes each)
DOC_LEVEL_SETS = 4
REFRESH_TRIES = 20  # fresh searchers opened while concurrent commits delete segment files  # cached filter sets (year ranges, kinds: ~40 bytes per paragraph)


@dataclass
class WriteReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    doc_ids: list[str] = field(default_factory=list)  # added or replaced, in input order
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

    def __init__(self, ix: windex.Index, procs: int, **kwargs: Any):
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
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


def index_records(doc: Document, tokens: Mapping[str, analysis.Packed]) -> Iterator[dict[str, Any]]:
    """The Whoosh records of one document, its paragraphs then its document record, with text
    and title pre-segmented from ``tokens`` (``{text: packed tokens}``)."""
    for para in doc.paragraphs:
        rec = paragraph_record(doc, para)
        if para.text:
            rec["text"] = analysis.Presegmented(para.text, tokens[para.text])
        yield rec
    rec = document_record(doc)
    if doc.title:
        rec["title"] = analysis.Presegmented(doc.title, tokens[doc.title])
    yield rec


def _date_key(date: str | None) -> int:
    """ISO date (or a prefix of one) as yyyymmdd, 0 when unknown."""
    return int("".join(filter(str.isdigit, date or ""))[:8].ljust(8, "0") or 0)


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
            # No mmap: Whoosh would copy the mapped posting/stored files into memory again for
            # every thread's searcher (~300 MB per thread on the whole shared corpus).
            ix = FileStorage(str(path), supports_mmap=False, readonly=readonly).open_index()
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
                self._remove_orphan_tocs()
                if procs > 1:
                    writer = ParallelWriter(self.ix, procs, _lk=False, limitmb=WRITER_MB,
                                            subargs={"limitmb": WRITER_MB})
                else:
                    writer = FastSegmentWriter(self.ix, _lk=False, limitmb=WRITER_MB)
            except BaseException:
                lock.release()
                raise
            writer.writelock = lock  # released by commit() and cancel()
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise PolicySearchError(
                f"could not update index {self.path}: {exc.strerror or exc}{where}; the last commit is unchanged"
            ) from exc

    def _remove_orphan_tocs(self) -> None:
        """Delete temporary TOCs of commits killed before their rename (Whoosh's own cleanup only
        knows live TOC and segment names). Only the lock holder writes TOCs, so all are stale."""
        for stale in self.path.glob(f"_{self.ix.indexname}_*.toc.*"):
            stale.unlink(missing_ok=True)

    def write(self, docs: Iterable[Document], lock_timeout: float = 30.0, workers: int | None = None) -> WriteReport:
        """Add or replace documents in one commit; documents with an unchanged ``sha1`` are skipped.

        A changed document has all its records deleted and re-added, so no stale paragraph
        survives. A doc_id repeated within one call keeps its first occurrence. ``docs`` is
        consumed as a stream in batches of ~``BATCH_CHARS`` characters, each pre-segmented by
        ``workers`` processes (default: the CPU count, at most 4) while the previous batch is
        indexed; with ``workers > 1`` Whoosh indexing also runs in that many sub-writers
        (``ParallelWriter``). Nothing is visible to searchers until the single commit at the
        end. ``timings`` has seconds spent in the caller's iterator (``read``), waiting for
        jieba (``segment``), handing records to Whoosh (``index``) and ``commit``.
        """
        report = WriteReport()
        timings = dict.fromkeys(("read", "segment", "index", "commit"), 0.0)
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        batch: list[Document] = []
        size = 0
        pending: tuple[list[Document], Callable[[], dict[str, analysis.Packed]]] | None = None
        with analysis.Presegmenter(workers) as pre, self._writer(lock_timeout, workers) as w, w.searcher() as s:
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
                    tokens = pre.submit(t for d in batch for t in (d.title, *(p.text for p in d.paragraphs)))
                    if pending is not None:
                        self._add_batch(w, *pending, timings)
                    pending = (batch, tokens)
                    report.doc_ids += [d.doc_id for d in batch]
                    batch, size = [], 0
                if doc is None:
                    if pending is not None:
                        self._add_batch(w, *pending, timings)
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
    def _add_batch(w: SegmentWriter, batch: list[Document], tokens: Callable[[], dict[str, analysis.Packed]],
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

    # --- reading ----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher, refreshed when a new commit exists.

        One searcher per thread: Whoosh readers share file positions, so a searcher is not
        safe to use from two threads at once; ``refresh()`` reuses unchanged segments.
        """
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is not None and not s.is_closed and s.up_to_date():
            return s
        self._local.searcher = None  # never keep a searcher that a failed refresh closed
        if s is not None and not s.is_closed:
            try:
                s = s.refresh()  # reuses the segments both generations share
            except Exception as exc:  # noqa: BLE001 (a merge deleted files under the refresh)
                log.info("searcher refresh failed (%s: %s); opening a fresh one", type(exc).__name__, exc)
                s = None
        if s is None or s.is_closed:
            s = self._open_searcher()
        self._local.searcher = s
        return s

    def _open_searcher(self) -> Searcher:
        """A searcher of the latest commit, retried while commits keep deleting its files.

        Whoosh's ``refresh()`` marks the old searcher closed *before* it opens the new reader, so
        a commit that deletes segment files at that moment leaves the thread with a closed
        searcher; a fresh one is opened instead, from a TOC read anew on every try.
        """
        for attempt in range(REFRESH_TRIES):
            try:
                s = self.ix.searcher()
                s.doc_count()
                return s
            except (OSError, ReaderClosed) as exc:
                log.info("opening a searcher failed (%s), try %d", exc, attempt + 1)
                time.sleep(0.01 * (attempt + 1))
        raise PolicySearchError(f"index {self.path} changed too often to be read; try again")

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
        if fields is None or "payload" not in fields:
            return None
        return decode_document(fields["payload"], fields["paragraphs"])

    def iter_documents(self, with_paragraphs: Callable[[Document], bool] | None = None) -> Iterator[Document]:
        """Every stored ``Document`` of the current generation, in index order (indexing order for
        a single-process write; sub-writer by sub-writer for a parallel one).

        ``with_paragraphs(doc)`` (given the document without them) says whose paragraphs to
        decode, by default everyone's; the others come with an empty paragraph list.
        """
        s = self.searcher()
        for docnum in sorted(s.docs_for_query(Term("rtype", DOC))):
            fields = s.stored_fields(docnum)
            if with_paragraphs is None:
                yield decode_document(fields["payload"], fields["paragraphs"])
                continue
            doc = decode_document(fields["payload"])
            if with_paragraphs(doc):
                doc.paragraphs = decode_paragraphs(fields["paragraphs"])
            yield doc

    def facet_index(self, searcher: Searcher) -> facets.FacetIndex:
        """Facet values of every paragraph for the searcher's generation, built once, shared."""
        return self._derived(searcher)["facets"]

    def paragraph_docnums(self, searcher: Searcher) -> list[int]:
        """Sorted docnums of all paragraph records (not whole-document records) of this generation."""
        return self.facet_index(searcher).paragraphs

    def date_order(self, searcher: Searcher, newest: bool) -> list[int]:
        """Every paragraph docnum by date (newest or oldest first; same date in reading order,
        undated last), built once per generation on first use."""
        derived = self._derived(searcher)
        key = "newest" if newest else "oldest"
        found = derived.get(key)
        if found is None:
            days, sign = derived["date_keys"], -1 if newest else 1
            found = derived[key] = sorted(self.paragraph_docnums(searcher),
                                          key=lambda n: (days[n] == 0, sign * days[n], n))
        return found

    def date_keys(self, searcher: Searcher) -> list[int]:
        """Date as yyyymmdd (0 when unknown) by docnum, for date sorting without a collector."""
        return self._derived(searcher)["date_keys"]

    def doc_paragraphs(self, searcher: Searcher, query: Any) -> array:
        """Sorted paragraph docnums of the documents whose record matches ``query`` (a query on
        document-level fields: title words, years, kinds, 发文字号).

        Cached per generation, as C arrays up to ``DOC_LEVEL_CACHE`` docnums in all: the same
        title words and filters come back query after query, and a common title word (人民政府)
        covers a third of the paragraphs.
        """
        derived = self._derived(searcher)
        cache = derived["doc_level"]
        found = cache.get(query)
        if found is None:
            members, record_doc = derived["members"], derived["record_doc"]
            docs: set[int] = set()
            for docnum in searcher.docs_for_query(query):
                docs.update(members.get(record_doc.get(docnum), ()))
            found = array("I", sorted(docs))
            with self._cache_lock:
                derived["doc_level_size"] += len(found)
                if derived["doc_level_size"] > DOC_LEVEL_CACHE:
                    cache.clear()
                    derived["doc_level_size"] = len(found)
                cache[query] = found
        return found

    def doc_paragraph_set(self, searcher: Searcher, query: Any) -> frozenset[int]:
        """``doc_paragraphs`` as a set, for narrowing a search scope (year ranges, kinds); cached
        for the few filters in use."""
        sets = self._derived(searcher)["doc_level_sets"]
        found = sets.get(query)
        if found is None:
            found = frozenset(self.doc_paragraphs(searcher, query))
            with self._cache_lock:
                if len(sets) >= DOC_LEVEL_SETS:
                    sets.clear()
                sets[query] = found
        return found

    def hit_fields(self, searcher: Searcher, docnum: int) -> dict[str, Any]:
        """Flat fields of one paragraph hit: its stored tuple joined with its document's info."""
        derived = self._derived(searcher)
        doc = derived["docs"][derived["owner"][docnum]]
        return hit_fields(doc, searcher.stored_fields(docnum)["para"])

    def _derived(self, searcher: Searcher) -> dict[str, Any]:
        """Per-generation tables: document infos, paragraph -> document, facets, date keys.

        Built from the (few) document records and the ``doc_id`` postings, so paragraph records
        need not repeat document-level values.
        """
        cache = self.generation_cache(searcher)
        with self._cache_lock:
            if "facets" not in cache:
                cache.update(self._build_derived(searcher))
            return cache

    @staticmethod
    def _build_derived(searcher: Searcher) -> dict[str, Any]:
        reader = searcher.reader()
        size = reader.doc_count_all()
        docs = {}
        record_doc = {}
        for docnum in searcher.docs_for_query(Term("rtype", DOC)):
            doc = info_document(searcher.stored_fields(docnum)["info"])
            docs[doc.doc_id] = doc
            record_doc[docnum] = doc.doc_id
        # A document's paragraphs are written as one group, so their docnums are consecutive
        # (a range costs 48 bytes; a set of them ~40 bytes per paragraph).
        owner: list[str | None] = [None] * size
        members: dict[str, range | array] = {}
        for term in reader.lexicon("doc_id"):
            doc_id = term.decode("utf-8")
            nums = [n for n in posting_ids(reader, "doc_id", term) if n not in record_doc]
            if not nums:
                continue
            if nums[-1] - nums[0] + 1 == len(nums):
                members[doc_id] = range(nums[0], nums[-1] + 1)
                owner[nums[0]:nums[-1] + 1] = [doc_id] * len(nums)
            else:
                members[doc_id] = array("I", nums)
                for n in nums:
                    owner[n] = doc_id
        columns: dict[str, list[Any]] = {name: [None] * size for name in ("year", "kind", "meeting")}
        where: dict[str, dict[Any, list[Sequence[int]]]] = {name: {} for name in facets.FACETS}
        for doc_id, nums in members.items():
            doc = docs.get(doc_id)
            if doc is None:
                continue
            for name, value in (("year", doc.year or None), ("kind", doc.kind or None),
                                ("meeting", meeting_label(doc))):
                if value is None:
                    continue
                column = columns[name]
                if isinstance(nums, range):
                    column[nums.start:nums.stop] = [value] * len(nums)
                else:
                    for n in nums:
                        column[n] = value
                where[name].setdefault(value, []).append(nums)
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        for facet, fieldname in (("department", "departments"), ("topic", "topics")):
            column = columns[facet] = [()] * size
            for term in reader.lexicon(fieldname):
                value = term.decode("utf-8")
                nums = array("I", (n for n in posting_ids(reader, fieldname, term) if owner[n] is not None))
                for n in nums:
                    grown = column[n] + (value,)
                    column[n] = shared.setdefault(grown, grown)
                if nums:
                    where[facet][value] = [nums]
        days = {i: _date_key(d.date) for i, d in docs.items()}
        return {
            "docs": docs,
            "owner": owner,
            "members": members,
            "record_doc": record_doc,
            "doc_level": {},
            "doc_level_size": 0,
            "doc_level_sets": {},
            "facets": facets.FacetIndex(columns, where, (n for n, d in enumerate(owner) if d is not None)),
            "date_keys": [days.get(i, 0) for i in owner],
        }

    def stats(self) -> dict[str, Any]:
        """documents, paragraphs, departments (distinct), years (sorted), kinds {kind: documents},
        size_bytes, format and dictionary versions."""
        s = self.searcher()
        docs = self._derived(s)["docs"]
        kinds = Counter(d.kind for d in docs.values())
        index = self.facet_index(s)
        return {
            "documents": len(docs),
            "paragraphs": len(index.paragraphs),
            "departments": len(index.distinct("department")),
            "years": sorted(index.distinct("year")),
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
