"""The presegment stage: documents -> batches with their jieba tokens, segmented in worker processes.

Pure-Python jieba is most of an ingest's CPU time; segmenting the next batch in a process pool
while the writer indexes the previous one keeps both cores busy. The writer never runs jieba: it
indexes the tokens each ``SegmentedBatch`` carries.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import signal
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass

from indexer.analysis import Packed, get_segmenter
from indexer.models import Document

# Documents are segmented and indexed in batches of about this many characters (bounded memory
# for a whole-corpus ingest; big enough that worker round trips are cheap).
BATCH_CHARS = 300_000


class Presegmented(str):
    """A field value that carries its own packed tokens, so ``PolicyTokenizer`` skips jieba.

    The tokens travel with the value, also through pickling: Whoosh's multi-process writer
    pickles every record to its sub-writers, which then index without re-running jieba.
    """

    packed: Packed

    def __new__(cls, text: str, packed: Packed) -> Presegmented:
        obj = super().__new__(cls, text)
        obj.packed = packed
        return obj

    def __reduce__(self) -> tuple[type, tuple[str, Packed]]:
        return Presegmented, (str(self), self.packed)


def _segment_many(texts: list[str]) -> list[Packed]:
    seg = get_segmenter()
    return [seg.segment_packed(t) for t in texts]


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (an ingest killed with SIGKILL must
    not leave workers blocked on their queues for ever); a no-op elsewhere."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Presegmenter:
    """Segments batches of texts in a process pool that lives for one bulk write.

    Pure-Python jieba does ~1 MB/s per core, so ingest spreads it over the cores. The pool is
    forked lazily, on the first batch worth it, after the parent built the segmenter, so the
    workers inherit it instead of rebuilding it (≈1 s each).
    """

    def __init__(self, processes: int = 2, chunk: int = 200):
        self.processes = processes
        self.chunk = chunk
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> Presegmenter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def table(self, texts: Iterable[str]) -> dict[str, Packed]:
        """``{text: packed tokens}`` for ``Presegmented`` values."""
        return self.submit(texts)()

    def submit(self, texts: Iterable[str]) -> Callable[[], dict[str, Packed]]:
        """Start segmenting ``texts``; the returned function waits for and returns the table.

        The caller indexes the previous batch meanwhile, so jieba in the workers and Whoosh in
        the writer run at the same time instead of taking turns.
        """
        unique = list(dict.fromkeys(t for t in texts if t))
        if self.processes <= 1 or len(unique) < 2 * self.chunk:
            table = dict(zip(unique, _segment_many(unique)))
            return lambda: table
        if self._pool is None:
            get_segmenter()
            self._pool = multiprocessing.get_context("fork").Pool(self.processes, initializer=die_with_parent)
        batches = [unique[i : i + self.chunk] for i in range(0, len(unique), self.chunk)]
        pending = self._pool.map_async(_segment_many, batches)

        def wait() -> dict[str, Packed]:
            results = pending.get()
            return {t: toks for batch, res in zip(batches, results) for t, toks in zip(batch, res)}

        return wait


def presegment(texts: Iterable[str], processes: int = 2, chunk: int = 200) -> dict[str, Packed]:
    """One-off ``Presegmenter(processes, chunk).table(texts)``."""
    with Presegmenter(processes, chunk) as pre:
        return pre.table(texts)


@dataclass
class SegmentedBatch:
    """Documents on their way to the writer, with the tokens of every title and paragraph."""

    documents: list[Document]
    tokens: Callable[[], dict[str, Packed]]  # waits for the workers, then ``{text: packed tokens}``


def texts_of(doc: Document) -> Iterator[str]:
    """The fields of ``doc`` that are segmented: its title and every paragraph."""
    yield doc.title
    for para in doc.paragraphs:
        yield para.text


def segment_batches(docs: Iterable[Document], processes: int = 2,
                    batch_chars: int | None = None) -> Generator[SegmentedBatch, None, None]:
    """Batches of ``docs`` (about ``batch_chars`` characters each, ``BATCH_CHARS`` by default), in input order.

    Batch *k + 1* is handed to the workers before batch *k* is yielded, so jieba segments the
    next batch while the consumer indexes this one. The pool lives as long as the generator.
    """
    batch_chars = batch_chars or BATCH_CHARS
    with Presegmenter(processes) as pre:
        pending: SegmentedBatch | None = None
        batch: list[Document] = []
        size = 0
        for doc in _with_end(docs):
            if doc is not None:
                batch.append(doc)
                size += sum(len(t) for t in texts_of(doc))
            if batch and (doc is None or size >= batch_chars):
                ready = SegmentedBatch(batch, pre.submit(t for d in batch for t in texts_of(d)))
                if pending is not None:
                    yield pending
                pending, batch, size = ready, [], 0
        if pending is not None:
            yield pending


def _with_end(docs: Iterable[Document]) -> Iterator[Document | None]:
    """``docs`` then ``None``: the end is one more step, so the last batch is flushed in the loop."""
    yield from docs
    yield None
