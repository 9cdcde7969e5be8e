"""Ingest speed of this tree against an earlier commit, side by side in one run.

Reading minutes of any government (jurisdictions, departments resolved against them, typed
decisions) and naming the ingest stages must not make ingest slower than it was: the whole
shared corpus may take at most ``--max-ratio`` (1.10) of the baseline's time. The shared
machine's speed drifts by tens of percent over a session, so a figure from another day proves
nothing; both builds are timed here, minutes apart, alternating, each in its own child process
(neither inherits the other's imports or caches), on the same files into fresh indexes.

The baseline is the source tree of ``--baseline`` (default ``BASELINE``: the last commit before
that work), exported with ``git archive`` into the work folder and run with this environment's
packages. Usage::

    .venv/bin/python bench/ingest_compare.py                 # whole shared corpus, 2 reps each
    .venv/bin/python bench/ingest_compare.py --limit-docs 300 --reps 1   # a quick trial
"""
from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import DEFAULT_CORPUS_DIR, REPO_ROOT, corpus_files, load_corpus
from bench.machine import git_commit, machine_info

log = logging.getLogger("bench.ingest_compare")

# The last commit before minutes of any government were parsed (jurisdictions, department
# resolution, typed decisions) and the ingest stages were split: "today" for that work.
BASELINE = "109c1bb"

# Run in a child with the source tree first on sys.path: prints one JSON line.
CHILD = """
import json, sys, time
from pathlib import Path
from indexer.pipeline import ingest
index_dir, workers, files = Path(sys.argv[1]), int(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
start = time.perf_counter()
report = ingest(files, index_dir, workers=workers)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "documents": report.documents, "paragraphs": report.paragraphs,
                  "skipped": len(report.problems), "timings": report.timings}))
"""


def export_tree(ref: str, dest: Path) -> Path:
    """The files of commit ``ref`` under ``dest`` (the working tree is not touched)."""
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", ref], check=True, capture_output=True).stdout
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def run_ingest(source_tree: Path, files: list[Path], index_dir: Path, workers: int) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(index_dir), str(workers), *map(str, files)],
        cwd=source_tree, env={"PYTHONPATH": str(source_tree), "PATH": "/usr/bin:/bin"},
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time this tree's ingest against a baseline commit's, alternately.")
    parser.add_argument("--baseline", default=BASELINE, help=f"commit to compare with (default {BASELINE})")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--limit-docs", type=int, default=None, help="an evenly spread subset of this many documents")
    parser.add_argument("--reps", type=int, default=2, help="ingests per build (alternating)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-ratio", type=float, default=1.10, help="ours / baseline time that still passes")
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / "var" / "bench-ingest")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    if not args.corpus.is_dir():
        log.error("no corpus at %s (the shared corpus is needed for this benchmark)", args.corpus)
        return 2
    work = args.work_dir
    files = corpus_files(args.corpus) if args.limit_docs is None else list(
        load_corpus(args.corpus, args.limit_docs, work / "subset").files)
    trees = {"baseline": export_tree(args.baseline, work / "baseline-src"), "ours": REPO_ROOT}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for rep in range(args.reps):
        order = list(trees) if rep % 2 == 0 else list(reversed(trees))
        for name in order:
            result = run_ingest(trees[name], files, work / f"index-{name}", args.workers)
            runs[name].append(result)
            log.info("rep %d %-8s %6.1f s  %d documents", rep + 1, name, result["seconds"], result["documents"])
    info = ", ".join(machine_info().values())
    print(f"\nIngest: this tree ({git_commit(REPO_ROOT)}) against {args.baseline}, {len(files)} files, "
          f"{args.workers} workers, {args.reps} alternating reps; {info}")
    print(f"{'build':<10} {'median s':>9} {'runs s':>22} {'documents':>10} {'paragraphs':>11} {'docs/s':>8}")
    medians = {}
    for name, results in runs.items():
        medians[name] = statistics.median(r["seconds"] for r in results)
        last = results[-1]
        times = " ".join(f"{r['seconds']:.1f}" for r in results)
        print(f"{name:<10} {medians[name]:9.1f} {times:>22} "
              f"{last['documents']:>10} {last['paragraphs']:>11} {last['documents'] / medians[name]:8.1f}")
    ratio = medians["ours"] / medians["baseline"]
    verdict = "met" if ratio <= args.max_ratio else "NOT met"
    print(f"ours / baseline: {ratio:.2f}× the time (target ≤ {args.max_ratio:.2f}×): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
