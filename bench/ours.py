"""Our build, driven through its public API only: ``pipeline.ingest`` to index,
``IndexStore.open`` + ``query.search`` to answer (facets and snippets are always computed)."""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import dir_size
from bench.queries import extra_filter
from indexer.errors import QueryError
from indexer.pipeline import ingest
from indexer.query import SearchParams, search
from indexer.engine import IndexStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OursBuild:
    documents: int
    paragraphs: int
    seconds: float  # wall time of ingest(), store creation included
    timings: dict[str, float]  # stage -> seconds, as IngestReport reports them
    size_bytes: int
    problems: int
    workers: int


def build_ours(files: Sequence[Path], index_dir: Path, workers: int = 2) -> OursBuild:
    start = time.perf_counter()
    report = ingest(list(files), index_dir, workers=workers)
    seconds = time.perf_counter() - start
    for problem in report.problems:
        log.warning("ingest skipped %s", problem)
    return OursBuild(
        documents=report.documents,
        paragraphs=report.paragraphs,
        seconds=seconds,
        timings=dict(report.timings),
        size_bytes=dir_size(index_dir),
        problems=len(report.problems),
        workers=workers,
    )


@dataclass
class OursSearch:
    """Our answer to a benchmark query in each mode. A ``QueryError`` is a valid, readable answer
    to a query we refuse; those are recorded, not raised, so one refusal does not stop the run.
    Queries answered by the OR fallback (no document has every word) are recorded too."""

    store: IndexStore
    refused: dict[str, str] = field(default_factory=dict)
    fallbacks: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, index_dir: Path) -> "OursSearch":
        return cls(IndexStore.open(index_dir))

    def close(self) -> None:
        self.store.close()

    def run(self, index: int, typed: str, mode: str) -> int:
        params = SearchParams(q=typed, per_page=10)
        if mode == "filters":
            extra = extra_filter(index)
            params.year_from, params.year_to = extra.year_from, extra.year_to
        try:
            result = search(self.store, params)
        except QueryError as exc:
            self.refused[typed] = str(exc)
            return 0
        if result["fallback"] and mode == "facets":
            self.fallbacks.add(typed)
        return result["total"]
