"""The index folder: create/open with version checks, per-thread searchers, snapshots.

Searching is thread-safe: each thread keeps its own searcher (Whoosh readers share file
positions), refreshed at the start of a request when a new commit exists, and a request reads
one generation to its end through a ``Snapshot``. Writes go through ``IndexWriter``.
"""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
from whoosh.reading import ReaderClosed
from whoosh.searching import Searcher

from indexer.analysis import get_segmenter
from indexer.engine.records import (
    DOC,
    FORMAT_VERSION,
    PARAGRAPHS_COLUMN,
    build_schema,
    column_values,
    decode_document,
    decode_paragraphs,
)
from indexer.engine.snapshot import Snapshot
from indexer.engine.tables import GenerationTables
from indexer.engine.writer import IndexWriter, WriteReport
from indexer.errors import IndexMissingError, PolicySearchError, RebuildRequiredError
from indexer.models import Document
from indexer.presegment import SegmentedBatch

log = logging.getLogger(__name__)

T = TypeVar("T")
META_FILE = "policysearch.json"
REFRESH_TRIES = 20  # fresh searchers opened while concurrent commits delete segment files
STAMP_SETTLED_NS = 1_000_000_000


def _folder_stamp(path: Path) -> int | None:
    """The index folder's modification time: a commit creates and renames files in it."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _settled(stamp: int | None) -> bool:
    """Whether a folder time can stand for "no commit since": file times advance in coarse
    ticks, so a commit in the same tick as the change that set ``stamp`` would leave it as it
    was; one second later, any change gives a new time."""
    return stamp is not None and time.time_ns() - stamp > STAMP_SETTLED_NS


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
        self._tables_lock = threading.Lock()
        self._tables: GenerationTables | None = None
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()  # every thread's, to close
        self._searchers_lock = threading.Lock()

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, readonly: bool = True) -> IndexStore:
        """Open an existing index; refuse (readable error) anything we did not build or cannot read."""
        path = Path(path)
        if not _has_index(path):
            raise IndexMissingError(
                f"no index at {path}; build one with `policysearch --index {path} ingest <files>`"
            )
        meta = cls._read_meta(path)
        expected = {"format_version": FORMAT_VERSION, "dictionary_version": get_segmenter().version}
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
    def create_or_open(cls, path: str | Path, rebuild: bool = False) -> IndexStore:
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
            meta = {"format_version": FORMAT_VERSION, "dictionary_version": get_segmenter().version}
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

    def write(self, batches: Iterable[SegmentedBatch], lock_timeout: float = 30.0, workers: int = 1) -> WriteReport:
        """Add or replace documents in one commit (see ``IndexWriter.write``)."""
        return self._writer().write(batches, lock_timeout, workers)

    def remove(self, doc_ids: Iterable[str], lock_timeout: float = 30.0) -> int:
        """Delete documents (all their records) in one commit; returns how many existed."""
        return self._writer().remove(doc_ids, lock_timeout)

    def _writer(self) -> IndexWriter:
        return IndexWriter(self.path, self.ix, self.readonly)

    # --- reading ----------------------------------------------------------------------------

    def _thread_searcher(self) -> Searcher:
        """This thread's searcher, refreshed when a new commit exists.

        One searcher per thread: Whoosh readers share file positions, so a searcher is not
        safe to use from two threads at once; ``refresh()`` reuses unchanged segments. Whoosh
        learns whether a commit landed by listing the folder, which a request did several times
        (7 % of a loaded server's time); a folder whose modification time has not changed since
        that answer was checked needs no listing (``_folder_stamp``).
        """
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is not None and not s.is_closed:
            stamp = _folder_stamp(self.path)
            if stamp is not None and stamp == getattr(self._local, "stamp", None):
                return s
            if s.up_to_date():
                self._local.stamp = stamp if _settled(stamp) else None
                return s
        self._local.searcher = None  # never keep a searcher that a failed refresh closed
        if s is not None and not s.is_closed:
            try:
                s = s.refresh()  # reuses the segments both generations share
            except Exception as exc:  # noqa: BLE001 (a merge deleted files under the refresh)
                log.info("searcher refresh failed (%s: %s); opening a fresh one", type(exc).__name__, exc)
                _close_quietly(s)
                s = None
        if s is None or s.is_closed:
            s = self._open_searcher()
        self._local.searcher = s
        self._local.stamp = None
        with self._searchers_lock:
            self._searchers.add(s)
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

    def snapshot(self) -> Snapshot:
        """One generation of the index for one request: every read through it sees the same
        commit, however many commits land meanwhile (open files outlive their deletion)."""
        searcher = self._thread_searcher()
        return Snapshot(searcher, self.tables(searcher))

    def tables(self, searcher: Searcher) -> GenerationTables:
        """The per-generation tables of ``searcher``'s generation, built once and shared.

        Only the newest generation's tables are kept: a request still on an older searcher
        builds its own (rare: it needs a commit between its refresh and this call).
        """
        gen = searcher.reader().generation()
        with self._tables_lock:
            found = self._tables
            if found is not None and found.generation == gen:
                return found
        built = GenerationTables.build(searcher)
        with self._tables_lock:
            if self._tables is None or self._tables.generation < gen:
                self._tables = built
        return built

    def derived(self, key: Callable[..., Any], build: Callable[[IndexStore], T]) -> T:
        """``build(self)`` once per index generation (corpus-wide tables of the layers above:
        decisions, document links), keyed by ``key``."""
        tables = self.snapshot().tables
        return tables.derived(key, lambda: build(self))

    def get_document(self, doc_id: str, with_paragraphs: bool = True) -> Document | None:
        """The stored document (``with_paragraphs=False``: with an empty paragraph list, for
        callers that need only its metadata, such as an export citing many documents)."""
        s = self._thread_searcher()
        docnum = s.document_number(key=doc_id)
        if docnum is None:
            return None
        payload = s.stored_fields(docnum).get("payload")
        if payload is None:
            return None
        paragraphs = column_values(s.reader(), PARAGRAPHS_COLUMN)(docnum) if with_paragraphs else None
        return decode_document(payload, paragraphs)

    def content_hash(self, doc_id: str) -> str | None:
        """The ``sha1`` of the source ``doc_id`` was indexed from (None when it is not indexed):
        ingest skips an unchanged source before segmenting it."""
        fields = self._thread_searcher().document(key=doc_id)
        return fields.get("sha1") if fields else None

    def iter_documents(self, with_paragraphs: Callable[[Document], bool] | None = None) -> Iterator[Document]:
        """Every stored ``Document`` of the current generation, in index order (indexing order for
        a single-process write; sub-writer by sub-writer for a parallel one).

        ``with_paragraphs(doc)`` (given the document without them) says whose paragraphs to
        decode, by default everyone's; the others come with an empty paragraph list.
        """
        s = self._thread_searcher()
        paragraphs = column_values(s.reader(), PARAGRAPHS_COLUMN)
        for docnum in sorted(s.docs_for_query(Term("rtype", DOC))):
            doc = decode_document(s.stored_fields(docnum)["payload"])
            if with_paragraphs is None or with_paragraphs(doc):
                doc.paragraphs = decode_paragraphs(paragraphs(docnum))
            yield doc

    def stats(self) -> dict[str, Any]:
        """documents, paragraphs, departments (distinct), years (sorted), kinds {kind: documents},
        size_bytes, format and dictionary versions."""
        tables = self.snapshot().tables
        docs = tables.docs
        kinds = Counter(d.kind for d in docs.values())
        index = tables.facets
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
        """Close every thread's searcher (call once no request is running) and the index."""
        with self._searchers_lock:
            searchers, self._searchers = list(self._searchers), weakref.WeakSet()
        for s in searchers:
            _close_quietly(s)
        self._local.searcher = None
        self.ix.close()


def _close_quietly(searcher: Searcher) -> None:
    try:
        searcher.close()
    except Exception as exc:  # noqa: BLE001 (already closed by a failed refresh)
        log.debug("closing a searcher: %s", exc)
