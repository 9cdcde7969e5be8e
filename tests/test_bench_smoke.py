"""Smoke run of the benchmark code on a handful of real documents (no timing assertions).

The tiny corpus is a real corpus folder: the first five gov.cn policies of the sample corpus and
the seed minutes under ``seed/``, the same layout as ../shared/corpus.
"""
from __future__ import annotations

import http.server
import json
import shutil
import threading
from pathlib import Path

import jieba
import pytest

from bench import run_bench
from bench.corpus import corpus_files, load_corpus
from bench.http_load import request_kind, request_mix, run_load
from bench.latency import MODES, measure, percentile, summarize
from bench.limit import segmentation_limit
from bench.machine import NoiseProbe
from bench.naive import NaiveBuild, NaiveSearch, build_naive
from bench.ours import OursBuild
from bench.queries import QUERIES, parse
from bench.report import BenchResults, evaluate, render

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "corpus" / "policy-govcn-platform1.jsonl"
SEED = ROOT / "corpus" / "suzhou-120th-executive-meeting-2020-12-07.txt"
SEED_ID = "suzhou-120th-executive-meeting-2020-12-07"


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "seed").mkdir(parents=True)
    lines = POLICIES.read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    (folder / "policy-govcn-platform1.jsonl").write_text("".join(lines), encoding="utf-8")
    shutil.copyfile(SEED, folder / "seed" / SEED.name)
    return folder


def test_queries_cover_every_kind_the_issue_names() -> None:
    categories = {category for category, _ in QUERIES}
    assert len(QUERIES) >= 60
    assert categories == {"word", "phrase", "department", "year", "doc_number", "kind", "zero"}
    assert len({q for _, q in QUERIES}) == len(QUERIES)


def test_parse_splits_filters_from_words() -> None:
    parsed = parse("部门：市应急局 year:2015-2019 安全 kind:policy")
    assert parsed.words == "安全"
    assert parsed.departments == ["市应急局"]
    assert (parsed.year_from, parsed.year_to) == (2015, 2019)
    assert parsed.kinds == ["policy"]
    assert parse("年份:2020").words == ""
    assert (parse("年份:2020").year_from, parse("年份:2020").year_to) == (2020, 2020)
    assert parse("国办发[2018]108号").words == "国办发[2018]108号"


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert percentile([float(v) for v in range(1, 101)], 99) == pytest.approx(99.01)
    stats = summarize([5.0, 1.0, 3.0])
    assert (stats.n, stats.p50, stats.max) == (3, 3.0, 5.0)


def test_corpus_loads_and_subset_round_trips(tiny_corpus: Path, tmp_path: Path) -> None:
    corpus = load_corpus(tiny_corpus)
    assert [f.name for f in corpus.files] == ["policy-govcn-platform1.jsonl", SEED.name]
    assert [d.doc_id for d in corpus.docs] == [
        "gov-9b116a37e8", "gov-b272348903", "gov-a239bf8dc8", "gov-4f0ad2f834", "gov-e54f163a09", SEED_ID,
    ]
    assert corpus.paragraph_count == 235
    assert corpus.text_bytes == 26680
    assert corpus.subset_of is None
    assert corpus.docs[-1].year == 2020 and corpus.docs[0].issuer == "国务院"

    subset = load_corpus(tiny_corpus, limit_docs=3, work_dir=tmp_path / "subset")
    assert subset.subset_of == 6
    assert [d.doc_id for d in subset.docs] == ["gov-9b116a37e8", "gov-a239bf8dc8", "gov-e54f163a09", SEED_ID]
    again = load_corpus(tmp_path / "subset")
    assert [d.doc_id for d in again.docs] == [d.doc_id for d in subset.docs]
    assert corpus_files(tmp_path / "subset") == list(subset.files)


def test_limit_counts_the_same_tokens_as_jieba_in_process(tiny_corpus: Path) -> None:
    lines = load_corpus(tiny_corpus).lines
    in_process = sum(len(jieba.lcut(line)) for line in lines)  # first: forked workers inherit the dictionary
    result = segmentation_limit(lines, workers=2)
    assert result.tokens == in_process == 5102
    assert result.workers == 2


def test_naive_build_indexes_one_document_per_line_and_answers(tiny_corpus: Path, tmp_path: Path) -> None:
    build = build_naive(load_corpus(tiny_corpus).files, tmp_path / "naive")
    assert (build.documents, build.paragraphs) == (6, 235)
    assert build.size_bytes > 0
    search = NaiveSearch(tmp_path / "naive")
    try:
        # index 1 of the filter rotation is 2010-2020: only the seed minutes (2020) pass it
        assert [search.run(1, "再生资源回收", mode) for mode in MODES] == [6, 6, 6]
        assert [search.run(0, "安全生产", mode) for mode in MODES] == [12, 12, 0]
        assert search.run(0, "部门:国务院 通知", "facets") == 1
        assert search.run(0, "年份:1996", "facets") == 75
        assert search.run(0, "量子火锅协会章程", "facets") == 0
        run = measure(search.run, ["再生资源回收", "量子火锅协会章程"], reps=2)
    finally:
        search.close()
    assert run.hits == [6, 0]
    assert sorted(q for q, _ in run.slowest) == ["再生资源回收", "量子火锅协会章程"]
    assert {mode: s.n for mode, s in run.stats.items()} == {"snippets": 4, "facets": 4, "filters": 4}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_http_load_counts_requests_and_errors() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_load(server.server_address[1], ["/ok", "/missing"], clients=2, seconds=0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests >= 2
    assert 1 <= result.errors < result.requests
    assert result.error_samples[0] == "404 /missing"
    assert result.peak_rss_mb == 0.0  # no server pid given: nothing sampled


def test_request_mix_interleaves_searches_and_document_pages() -> None:
    assert request_mix(["安全 生产"], ["law-1"]) == [
        "/api/search?q=%E5%AE%89%E5%85%A8%20%E7%94%9F%E4%BA%A7",
        "/?q=%E5%AE%89%E5%85%A8%20%E7%94%9F%E4%BA%A7",
        "/api/search?q=%E5%AE%89%E5%85%A8%20%E7%94%9F%E4%BA%A7&year_from=2018&year_to=2018",
        "/doc/law-1",
    ]
    assert [request_kind(p) for p in request_mix(["安全"], ["law-1"])] == [
        "API search", "search page", "API search, year filter", "document page",
    ]


def test_report_states_every_target_with_its_verdict() -> None:
    results = BenchResults(
        date="2026-11-26 14:00 UTC",
        machine={"cpu": "2 × test CPU", "memory": "24.0 GiB", "python": "3.11.7", "system": "Linux"},
        commit="abc1234",
        corpus_label="test corpus",
        documents=10,
        paragraphs=1000,
        text_bytes=2_000_000,
        queries=64,
        reps=3,
        noise_before=NoiseProbe(median_ms=150.0, spread_pct=5.0),
        ours=OursBuild(documents=10, paragraphs=900, seconds=2.0, timings={"commit": 0.5, "extract_parse": 0.4},
                       size_bytes=3_000_000, problems=0, workers=2),
        naive=NaiveBuild(documents=10, paragraphs=1000, read_seconds=0.1, add_seconds=6.9, commit_seconds=1.0,
                         size_bytes=2_500_000),
        cold_start_s=[2.0, 4.0, 2.5],
    )
    verdicts = {t.name: (t.value, t.ok) for t in evaluate(results)}
    assert verdicts["ingest vs naive build"] == ("4.00×", True)
    assert verdicts["index size vs naive build"] == ("1.20×", True)
    assert verdicts["server ready (cold start)"] == ("2.50 s", True)
    assert verdicts["HTTP errors"] == ("–", None)
    assert verdicts["ingest vs 2-process jieba limit"] == ("–", None)
    page = render(results)
    assert "| ingest vs naive build | ≥ 3× faster | 4.00× | met |" in page
    assert "| HTTP p99 (0 clients) | ≤ 500 ms | – | not measured |" in page
    assert "extract_parse 0.4 s, commit 0.5 s" in page  # stages in pipeline order
    assert "Ours / naive: **4.00× faster**." in page


def test_run_bench_explains_itself_without_the_shared_corpus(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "PERFORMANCE.md"
    assert run_bench.main(["--corpus", str(tmp_path / "absent"), "--out", str(out)]) == 0
    assert f"the shared corpus is not at {tmp_path / 'absent'}." in caplog.text
    assert "Nothing was measured." in caplog.text
    assert not out.exists()


def test_whole_bench_runs_on_a_tiny_corpus(tiny_corpus: Path, tmp_path: Path) -> None:
    """Every stage end to end (our ingest, the limit, the naive build, in-process queries, server
    cold start and HTTP load), on six documents and one-second load: figures are not checked."""
    out, raw = tmp_path / "PERFORMANCE.md", tmp_path / "latest.json"
    argv = [
        "--corpus", str(tiny_corpus), "--work-dir", str(tmp_path / "work"), "--out", str(out), "--json", str(raw),
        "--http-seconds", "1", "--clients", "2", "--cold-starts", "1", "--reps", "1",
    ]
    assert run_bench.main(argv) == 0
    data = json.loads(raw.read_text(encoding="utf-8"))
    assert (data["documents"], data["paragraphs"], data["text_bytes"]) == (6, 235, 26680)
    assert data["ours"]["documents"] == 6 and data["ours"]["problems"] == 0
    assert (data["naive"]["documents"], data["naive"]["paragraphs"]) == (6, 235)
    assert data["limit"]["tokens"] == 5102
    assert data["http"]["errors"] == 0 and data["http"]["requests"] > 0
    assert data["http_uncached"]["errors"] == 0 and data["http_uncached"]["requests"] > 0
    assert len(data["cold_start_s"]) == 1
    queries = [q for _, q in QUERIES]
    ours_hits = dict(zip(queries, data["ours_queries"]["hits"]))
    naive_hits = dict(zip(queries, data["naive_queries"]["hits"]))
    assert ours_hits["xyzzyplugh"] == naive_hits["xyzzyplugh"] == 0
    assert ours_hits["再生资源回收"] > 0 and naive_hits["再生资源回收"] == 6
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Performance\n")
    assert f"- corpus: whole corpus `{tiny_corpus}`: 6 documents, 235 non-empty lines, 0.0 MB of text" in page
    assert "- the same load on a server started with `--result-cache 0`" in page
    assert "| `再生资源回收` |" in page
