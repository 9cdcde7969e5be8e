"""Latency percentiles and the in-process query loop shared by every engine in the run."""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MODES = ("snippets", "facets", "filters")
SLOWEST = 5


@dataclass(frozen=True)
class LatencyStats:
    n: int
    p50: float
    p95: float
    p99: float
    max: float


def percentile(sorted_ms: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on an ascending list."""
    if not sorted_ms:
        return math.nan
    rank = (len(sorted_ms) - 1) * p / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return sorted_ms[low] + (sorted_ms[high] - sorted_ms[low]) * (rank - low)


def summarize(samples_ms: Sequence[float]) -> LatencyStats:
    ordered = sorted(samples_ms)
    return LatencyStats(
        n=len(ordered),
        p50=percentile(ordered, 50),
        p95=percentile(ordered, 95),
        p99=percentile(ordered, 99),
        max=ordered[-1] if ordered else math.nan,
    )


@dataclass(frozen=True)
class QueryRun:
    """Latency per mode plus each query's hit count in the facets mode (where every engine
    collects all matches, so its count is exact; Whoosh's ``len(results)`` may estimate
    otherwise)."""

    stats: dict[str, LatencyStats]
    first: dict[str, LatencyStats]  # the warm-up pass itself: cold OS, Whoosh and posting caches
    hits: list[int]
    slowest: list[tuple[str, float]]  # (query, its worst time in ms), facets mode, worst first


def measure(
    run: Callable[[int, str, str], int], queries: Sequence[str], reps: int = 3
) -> QueryRun:
    """Time ``run(index, query, mode) -> hits`` for every query and mode, ``reps`` times after
    one warm-up pass that fills the OS and Whoosh caches and our cache of frequent words'
    postings; the warm-up pass is timed too and reported apart (``first``)."""
    passes: dict[str, list[int]] = {}
    first: dict[str, list[float]] = {}
    for mode in MODES:
        passes[mode], first[mode] = [], []
        for i, query in enumerate(queries):
            start = time.perf_counter()
            passes[mode].append(run(i, query, mode))
            first[mode].append((time.perf_counter() - start) * 1000.0)
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    worst: dict[str, float] = {}
    for _ in range(reps):
        for mode in MODES:
            for i, query in enumerate(queries):
                start = time.perf_counter()
                run(i, query, mode)
                elapsed = (time.perf_counter() - start) * 1000.0
                samples[mode].append(elapsed)
                if mode == "facets":
                    worst[query] = max(worst.get(query, 0.0), elapsed)
    return QueryRun(
        stats={mode: summarize(s) for mode, s in samples.items()},
        first={mode: summarize(s) for mode, s in first.items()},
        hits=passes["facets"],
        slowest=sorted(worst.items(), key=lambda item: -item[1])[:SLOWEST],
    )
