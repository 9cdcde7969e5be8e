"""``make bench``: index the shared corpus with our build, the naive build and the jieba limit in
one run, time queries in-process and over HTTP, and write docs/PERFORMANCE.md.

Everything that is compared is measured in this one process run, minutes apart, because the
shared machine's speed drifts by ±30–40 % over a session (see the noise probe in the report).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shutil
import sys
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script (`python bench/run_bench.py`): make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import DEFAULT_CORPUS_DIR, REPO_ROOT, Corpus, load_corpus
from bench.http_load import free_port, request_mix, run_load, serve_command, start_server, stop_server
from bench.latency import measure
from bench.limit import segmentation_limit
from bench.machine import git_commit, machine_info, noise_probe
from bench.naive import NaiveSearch, build_naive
from bench.ours import OursSearch, build_ours
from bench.queries import QUERIES
from bench.report import BenchResults, evaluate, render

log = logging.getLogger("bench")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark our build against the naive Whoosh build and the 2-process jieba limit on the "
        "shared corpus; write docs/PERFORMANCE.md."
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR, help="shared corpus folder (default: ../shared/corpus)")
    parser.add_argument("--limit-docs", type=int, default=None, help="use an evenly spread subset of this many documents")
    parser.add_argument("--skip-naive", action="store_true", help="do not build or query the naive index")
    parser.add_argument("--skip-http", action="store_true", help="no server: skip cold start and HTTP load")
    parser.add_argument("--http-seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cold-starts", type=int, default=3, help="server starts timed (median reported)")
    parser.add_argument("--reps", type=int, default=3, help="timed passes over the queries per mode")
    parser.add_argument("--workers", type=int, default=2, help="processes for our ingest and for the jieba limit")
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / "var" / "bench", help="indexes and subset files")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--json", type=Path, default=REPO_ROOT / "bench" / "results" / "latest.json", help="raw results")
    return parser.parse_args(argv)


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def _sample_doc_ids(corpus: Corpus, count: int = 20) -> list[str]:
    """Ids of JSONL documents spread over the corpus (their JSONL id is their doc_id)."""
    ids = [doc.doc_id for doc in corpus.docs if doc.origin.suffix == ".jsonl"]
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def _measure_server(index_dir: Path, corpus: Corpus, args: argparse.Namespace, results: BenchResults) -> None:
    queries = [q for _, q in QUERIES]
    probe = "/api/search?q=" + urllib.parse.quote(queries[0])
    for n in range(max(1, args.cold_starts)):
        port = free_port()
        proc, ready = start_server(serve_command(index_dir, port), port, probe, args.work_dir / "server.log")
        results.cold_start_s.append(ready)
        log.info("server ready in %.2f s", ready)
        if n + 1 < args.cold_starts:
            stop_server(proc)
    paths = request_mix(queries, _sample_doc_ids(corpus))
    try:
        log.info("HTTP load: %d clients for %g s", args.clients, args.http_seconds)
        results.http = run_load(port, paths, args.clients, args.http_seconds, proc.pid)
    finally:
        stop_server(proc)
    # The load repeats its requests, which the result cache answers: the same load without it
    # shows what searching itself costs under load.
    port = free_port()
    proc, _ = start_server(serve_command(index_dir, port, "--result-cache", "0"), port, probe,
                           args.work_dir / "server.log")
    try:
        log.info("HTTP load without the result cache: %d clients for %g s", args.clients, args.http_seconds)
        results.http_uncached = run_load(port, paths, args.clients, args.http_seconds, proc.pid)
    finally:
        stop_server(proc)


def run(args: argparse.Namespace) -> BenchResults:
    work = args.work_dir
    queries = [q for _, q in QUERIES]
    results = BenchResults(
        date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine_info(),
        commit=git_commit(REPO_ROOT),
        corpus_label="",
        documents=0,
        paragraphs=0,
        text_bytes=0,
        queries=len(queries),
        reps=args.reps,
        noise_before=noise_probe(),
        clients=args.clients,
    )
    corpus = load_corpus(args.corpus, args.limit_docs, work / "subset")
    results.corpus_label = (
        f"whole corpus `{args.corpus}`" if corpus.subset_of is None
        else f"**subset** of {len(corpus.docs)} of {corpus.subset_of} documents spread over the shared corpus "
        "(a trial run, not the target measurement)"
    )
    results.documents, results.paragraphs, results.text_bytes = len(corpus.docs), corpus.paragraph_count, corpus.text_bytes
    log.info("corpus: %d documents, %d lines, %.1f MB", results.documents, results.paragraphs, results.text_bytes / 1e6)

    log.info("building our index")
    results.ours = build_ours(corpus.files, _fresh(work / "ours"), workers=args.workers)
    log.info("jieba limit with %d processes", args.workers)
    results.limit = segmentation_limit(corpus.lines, workers=args.workers)
    if not args.skip_naive:
        log.info("building the naive index")
        results.naive = build_naive(corpus.files, _fresh(work / "naive"))

    log.info("in-process queries: ours")
    ours = OursSearch.open(work / "ours")
    try:
        results.ours_queries = measure(ours.run, queries, reps=args.reps)
        results.refused, results.fallbacks = dict(ours.refused), sorted(ours.fallbacks)
    finally:
        ours.close()
    if results.naive:
        log.info("in-process queries: naive")
        naive = NaiveSearch(work / "naive")
        try:
            results.naive_queries = measure(naive.run, queries, reps=args.reps)
        finally:
            naive.close()

    if not args.skip_http:
        (work / "server.log").unlink(missing_ok=True)
        _measure_server(work / "ours", corpus, args, results)
    results.noise_after = noise_probe()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if not args.corpus.is_dir():
        log.warning(
            "the shared corpus is not at %s. The benchmark indexes ../shared/corpus (about 4,000 documents, "
            "59 MB: State Council meeting summaries, policies, laws and the seed minutes), which is not shipped "
            "in this repository. Put it there (or pass --corpus DIR) and run `make bench` again. "
            "Nothing was measured.",
            args.corpus,
        )
        return 0
    started = time.perf_counter()
    results = run(args)
    text = render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(dataclasses.asdict(results), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    sys.stdout.write(text)
    missed = [t.name for t in evaluate(results) if t.ok is False]
    log.info("done in %.0f s; wrote %s and %s; targets missed: %s", time.perf_counter() - started, args.out, args.json, ", ".join(missed) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
