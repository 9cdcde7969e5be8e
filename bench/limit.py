"""The physical limit of any jieba-based indexer here: jieba precise segmentation of the same
lines in a 2-process pool, nothing else (no analysis chain, no postings, no commit)."""
from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass

import jieba

BATCH = 400


@dataclass(frozen=True)
class LimitResult:
    seconds: float
    tokens: int
    workers: int


def _init_worker() -> None:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def _settle(seconds: float) -> None:
    """Keeps each worker busy briefly so all of them have finished initialising before timing."""
    time.sleep(seconds)


def _segment(batch: Sequence[str]) -> int:
    # Only the token count goes back: pickling the token lists would measure the pipe, not jieba.
    return sum(len(jieba.lcut(text)) for text in batch)


def segmentation_limit(lines: Sequence[str], workers: int = 2) -> LimitResult:
    """Wall time of ``jieba.lcut`` over ``lines`` in ``workers`` processes, pool start and jieba
    initialisation excluded (they are paid once per process, not per MB)."""
    batches = [lines[i : i + BATCH] for i in range(0, len(lines), BATCH)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker) as pool:
        pool.map(_settle, [0.3] * workers, chunksize=1)
        start = time.perf_counter()
        tokens = sum(pool.imap_unordered(_segment, batches))
        seconds = time.perf_counter() - start
    return LimitResult(seconds=seconds, tokens=tokens, workers=workers)
