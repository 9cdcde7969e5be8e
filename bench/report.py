"""Turn one run's measurements into the PERFORMANCE.md table and the target verdicts.

Pure functions over a ``BenchResults`` record: the runner measures, this module only formats,
so the report can be tested on literal numbers.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.latency import MODES
from bench.queries import QUERIES

if TYPE_CHECKING:  # records only; importing them here would pull in Whoosh, jieba and our indexer
    from bench.http_load import LoadResult
    from bench.latency import QueryRun
    from bench.limit import LimitResult
    from bench.machine import NoiseProbe
    from bench.naive import NaiveBuild
    from bench.ours import OursBuild

MB = 1_000_000
MODE_LABELS = {
    "snippets": "top-10 + snippets",
    "facets": "top-10 + snippets + all facets",
    "filters": "+ year filter (facets, snippets)",
}
STAGE_ORDER = ("read", "extract_parse", "segment", "index", "add", "commit", "total")


@dataclass
class BenchResults:
    date: str
    machine: dict[str, str]
    commit: str
    corpus_label: str
    documents: int
    paragraphs: int
    text_bytes: int
    queries: int
    reps: int
    noise_before: NoiseProbe
    noise_after: NoiseProbe | None = None
    ours: OursBuild | None = None
    naive: NaiveBuild | None = None
    limit: LimitResult | None = None
    ours_queries: QueryRun | None = None
    naive_queries: QueryRun | None = None
    refused: dict[str, str] = field(default_factory=dict)
    fallbacks: list[str] = field(default_factory=list)  # queries our build answered with its OR fallback
    cold_start_s: list[float] = field(default_factory=list)
    http: LoadResult | None = None
    http_uncached: LoadResult | None = None  # the same load on a server started with --result-cache 0
    clients: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    value: str
    ok: bool | None  # None: not measured in this run


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "–" if value is None or math.isnan(value) else f"{value:{spec}}{suffix}"


def _target(name: str, goal: str, value: float | None, spec: str, unit: str, ok: Callable[[float], bool]) -> Target:
    return Target(name, goal, _fmt(value, spec, unit), None if value is None else ok(value))


def evaluate(r: BenchResults) -> list[Target]:
    """The issue's targets, each with the measured value and a verdict."""
    ours_f = r.ours_queries.stats["facets"] if r.ours_queries else None
    naive_f = r.naive_queries.stats["facets"] if r.naive_queries else None
    http = r.http
    return [
        _target("ingest vs naive build", "≥ 3× faster",
                _ratio(r.naive.seconds, r.ours.seconds) if r.ours and r.naive else None, ".2f", "×", lambda v: v >= 3),
        _target("ingest vs 2-process jieba limit", "within 4×",
                _ratio(r.ours.seconds, r.limit.seconds) if r.ours and r.limit else None, ".2f", "× the limit's time",
                lambda v: v <= 4),
        _target("in-process p50, facets + snippets", "≤ 30 ms", ours_f.p50 if ours_f else None, ".1f", " ms", lambda v: v <= 30),
        _target("in-process p99, facets + snippets", "≤ 300 ms", ours_f.p99 if ours_f else None, ".1f", " ms", lambda v: v <= 300),
        _target("p99 vs naive build", "≥ 2× better",
                _ratio(naive_f.p99, ours_f.p99) if ours_f and naive_f else None, ".2f", "×", lambda v: v >= 2),
        _target("HTTP errors", "0", http.errors if http else None, "d", "", lambda v: v == 0),
        _target(f"HTTP p99 ({r.clients} clients)", "≤ 500 ms", http.latency.p99 if http else None, ".1f", " ms", lambda v: v <= 500),
        _target("server ready (cold start)", "≤ 3 s", _median(r.cold_start_s) if r.cold_start_s else None, ".2f", " s", lambda v: v <= 3),
        _target("server peak RSS", "≤ 400 MB", http.peak_rss_mb if http else None, ".0f", " MB", lambda v: v <= 400),
        _target("index size vs naive build", "≤ 1.5×",
                _ratio(r.ours.size_bytes, r.naive.size_bytes) if r.ours and r.naive else None, ".2f", "×", lambda v: v <= 1.5),
    ]


def _load_lines(label: str, h: LoadResult) -> list[str]:
    lines = [
        f"- {label}: **{h.requests:,} requests, {h.errors} errors, {h.rps:.1f} requests/s**, p50 {h.latency.p50:.1f} ms, "
        f"p95 {h.latency.p95:.1f} ms, p99 {h.latency.p99:.1f} ms, max {h.latency.max:.1f} ms; peak RSS of the server "
        f"process (and children) **{h.peak_rss_mb:.0f} MB**",
    ]
    lines += [
        f"  - {kind}: {s.n:,} requests, p50 {s.p50:.1f} ms, p95 {s.p95:.1f} ms, p99 {s.p99:.1f} ms, max {s.max:.1f} ms"
        for kind, s in h.by_kind.items()
    ]
    return lines + [f"  - error sample: `{e}`" for e in h.error_samples]


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[ok]


def _ingest_rows(r: BenchResults) -> list[str]:
    rows = []

    def row(name: str, seconds: float, docs: int | None, paras: int | None, note: str) -> None:
        rows.append(
            f"| {name} | {seconds:.1f} | {_fmt(docs / seconds if docs else None, '.0f')} | "
            f"{_fmt(paras / seconds if paras else None, '.0f')} | {r.text_bytes / MB / seconds:.2f} | {note} |"
        )

    if r.ours:
        stages = sorted(r.ours.timings, key=lambda s: (STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER), s))
        split = ", ".join(f"{s} {r.ours.timings[s]:.1f} s" for s in stages)
        row(f"ours (`pipeline.ingest`, {r.ours.workers} workers)", r.ours.seconds, r.ours.documents, r.ours.paragraphs, split or "no stage timings reported")
    if r.naive:
        row(
            "naive (ChineseAnalyzer, default writer, 1 doc/line)", r.naive.seconds, r.naive.documents, r.naive.paragraphs,
            f"read {r.naive.read_seconds:.1f} s, add (incl. segmentation) {r.naive.add_seconds:.1f} s, commit {r.naive.commit_seconds:.1f} s",
        )
    if r.limit:
        row(
            f"limit (jieba.lcut alone, Pool({r.limit.workers}))", r.limit.seconds, r.documents, r.paragraphs,
            f"{r.limit.tokens:,} tokens; pool start and jieba initialisation not counted",
        )
    return rows


def _latency_rows(name: str, run: QueryRun | None, first: bool = False) -> list[str]:
    if run is None:
        return []
    stats = run.first if first else run.stats
    return [
        f"| {name} | {MODE_LABELS[mode]} | {s.p50:.1f} | {s.p95:.1f} | {s.p99:.1f} | {s.max:.1f} | {s.n} |"
        for mode, s in ((m, stats[m]) for m in MODES)
    ]


def _hit_rows(r: BenchResults) -> list[str]:
    """Hit counts per query (facets mode, where both builds count every match): a sanity check
    that the two builds answer the same questions, and which ones the naive build cannot."""
    if r.ours_queries is None:
        return []
    ours = [f"{n} (OR fallback)" if q in r.fallbacks else str(n) for (_, q), n in zip(QUERIES, r.ours_queries.hits)]
    naive = r.naive_queries.hits if r.naive_queries else ["–"] * len(ours)
    rows = ["", "## Hit counts per query (facets mode)", "", "| category | query | ours | naive |", "|---|---|---|---|"]
    rows += [f"| {cat} | `{q}` | {o} | {n} |" for (cat, q), o, n in zip(QUERIES, ours, naive)]
    return rows


def render(r: BenchResults) -> str:
    """The whole PERFORMANCE.md page."""
    targets = evaluate(r)
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run_bench.py`) from a real run; do not edit by hand. "
        "Rerun: `make bench` (whole corpus: expect 20–40 minutes on this machine) or "
        "`.venv/bin/python bench/run_bench.py --limit-docs 200 --http-seconds 10 --out /tmp/perf.md` for a trial.",
        "",
        f"- date: {r.date}",
        f"- machine: {r.machine['cpu']}, {r.machine['memory']} RAM, Python {r.machine['python']}, {r.machine['system']}",
        f"- commit: `{r.commit}`",
        f"- corpus: {r.corpus_label}: {r.documents:,} documents, {r.paragraphs:,} non-empty lines, "
        f"{r.text_bytes / MB:.1f} MB of text (the MB in every MB/s below)",
        f"- noise probe (fixed pure-Python loop, 7 reps): before {r.noise_before.median_ms:.0f} ms "
        f"(spread {r.noise_before.spread_pct:.0f} %)"
        + (f", after {r.noise_after.median_ms:.0f} ms (spread {r.noise_after.spread_pct:.0f} %)" if r.noise_after else "")
        + "; differences < 1.5× between runs at different times are noise, ratios within this run are not",
        "",
        "## Targets",
        "",
        "| target | goal | measured | verdict |",
        "|---|---|---|---|",
        *[f"| {t.name} | {t.goal} | {t.value} | {_verdict(t.ok)} |" for t in targets],
        "",
        "## Ingest (same text for every row)",
        "",
        "| build | seconds | documents/s | paragraphs/s | MB/s | time by stage |",
        "|---|---|---|---|---|---|",
        *_ingest_rows(r),
        "",
    ]
    if r.ours and r.naive:
        lines.append(f"Ours / naive: **{r.naive.seconds / r.ours.seconds:.2f}× faster**.")
    if r.ours and r.limit:
        lines.append(f"Ours / limit: our ingest takes **{r.ours.seconds / r.limit.seconds:.2f}×** the time of jieba segmentation alone.")
    if r.ours and r.ours.problems:
        lines.append(f"Our ingest skipped {r.ours.problems} source(s) with a recorded problem.")
    lines += [
        "",
        f"## In-process query latency ({r.queries} queries × {r.reps} reps per mode, after one warm-up pass; ms)",
        "",
        "| build | mode | p50 | p95 | p99 | max | n |",
        "|---|---|---|---|---|---|---|",
        *_latency_rows("ours", r.ours_queries),
        *_latency_rows("naive", r.naive_queries),
        *_latency_rows("ours, warm-up pass", r.ours_queries, first=True),
        *_latency_rows("naive, warm-up pass", r.naive_queries, first=True),
        "",
        "The warm-up rows time the first pass over the queries in each mode (one sample per query), on "
        "cold caches: the OS page cache of the index files, Whoosh's, and our in-memory posting lists of "
        "frequent words (`indexer/engine/postcache.py`), which the first searches fill. The HTTP load below starts "
        "on a freshly started server, with no warm-up.",
        "",
    ]
    if r.ours_queries and r.naive_queries:
        for mode in MODES:
            o, n = r.ours_queries.stats[mode], r.naive_queries.stats[mode]
            lines.append(
                f"- {MODE_LABELS[mode]}: p50 naive/ours {_fmt(_ratio(n.p50, o.p50), '.2f', '×')}, "
                f"p99 naive/ours {_fmt(_ratio(n.p99, o.p99), '.2f', '×')}"
            )
        lines.append("")
    lines.append(
        "Ours computes every facet (department, year, topic, kind, meeting) on every search, so its first two "
        "modes are the same call; the naive build counts dept and year with `groupedby` in the facet modes and "
        "highlights with `hit.highlights(\"body\")`. The filter mode adds a rotating year range to every query. "
        "The naive build runs the same requests in its own terms: words through its QueryParser, `部门:`/`year:` "
        "as filter queries on its `dept` (the issuer, matched literally: it knows no department aliases) and "
        "`year` fields; it has no kind or topic field, so `kind:` filters are dropped."
    )
    for name, run in (("ours", r.ours_queries), ("naive", r.naive_queries)):
        if run and run.slowest:
            worst = ", ".join(f"`{q}` {ms:.0f} ms" for q, ms in run.slowest)
            lines.append(f"\nSlowest queries, {name} (facets mode, worst of {r.reps}): {worst}")
    if r.refused:
        lines += ["", "Queries our build refused with a `QueryError` (counted as answered):", ""]
        lines += [f"- `{q}`: {msg}" for q, msg in sorted(r.refused.items())]
    lines += ["", "## Server", ""]
    if r.cold_start_s:
        lines.append(
            f"- cold start (spawn `policysearch serve` → first search answered): median {_median(r.cold_start_s):.2f} s "
            f"over {len(r.cold_start_s)} starts ({', '.join(f'{s:.2f}' for s in r.cold_start_s)} s)"
        )
    if r.http:
        lines += _load_lines(f"HTTP load: {r.clients} concurrent clients for {r.http.seconds:.0f} s (JSON searches, "
                             "search pages, filtered searches, document pages; a fresh server, as `serve` starts)",
                             r.http)
    if r.http_uncached:
        lines += _load_lines(
            "the same load on a server started with `--result-cache 0`: the load cycles through its "
            f"{len(QUERIES)} queries × 4 requests, so above most repeats are answered from the result cache; "
            "here every request searches", r.http_uncached)
    if not (r.cold_start_s or r.http):
        lines.append("- not measured in this run")
    lines += ["", "## Index size on disk", ""]
    if r.ours:
        lines.append(f"- ours: {r.ours.size_bytes / MB:.1f} MB ({r.ours.paragraphs:,} paragraphs)")
    if r.naive:
        lines.append(f"- naive: {r.naive.size_bytes / MB:.1f} MB ({r.naive.paragraphs:,} lines)")
    if r.ours and r.naive:
        lines.append(f"- ours / naive: {r.ours.size_bytes / r.naive.size_bytes:.2f}×")
    lines += _hit_rows(r)
    if r.notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in r.notes]]
    return "\n".join(lines) + "\n"
