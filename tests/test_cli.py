"""The `policysearch` commands, run through click on real files and a real index."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from paths import CORPUS, SEED


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    """An index of the seed minutes, the 60 policies, and a folder with two bad files."""
    root = tmp_path_factory.mktemp("cli")
    src = root / "src"
    src.mkdir()
    shutil.copy(SEED, src)
    shutil.copy(CORPUS / "policy-govcn-platform1.jsonl", src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")  # truncated
    (src / "bad.jsonl").write_text('{"id": "x1", "text": "甲"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--index", str(root / "idx"), "ingest", "--no-progress", str(src)])
    assert result.exit_code == 0, result.output
    return root / "idx"


def run(index: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_reports_documents_and_each_skipped_file(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (src / "notes.jsonl").write_text('{"id": "n1", "title": "说明", "text": "第一段。"}\n{oops\n', encoding="utf-8")
    out = run(tmp_path / "idx", "ingest", "--no-progress", str(src))
    assert "2 documents" in out and "2 added" in out
    assert "broken.pdf: truncated or damaged PDF" in out
    assert "notes.jsonl:2: invalid JSON" in out
    # the note states no place and no date: indexed, and listed for a person to check
    assert "indexed with fields left empty: no jurisdiction: 1, no date: 1, no items: 0, no effective date: 0" in out
    again = run(tmp_path / "idx", "ingest", "--no-progress", str(src))
    assert "0 added, 0 replaced, 2 unchanged" in again


def test_parse_json_has_the_issue_shape() -> None:
    result = CliRunner().invoke(cli, ["parse", str(SEED), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["doc_id"] == "suzhou-gov-exec-120"
    meeting = doc["meeting"]
    assert {k: meeting[k] for k in ("body", "name", "number", "date", "chair")} == {
        "body": "苏州市人民政府", "name": "常务会议", "number": 120, "date": "2020-12-07", "chair": "李亚平"}
    assert (meeting["type"], meeting["chair_title"], meeting["acting"]) == ("常务会议", "市长", False)
    assert doc["jurisdiction"] == {"name": "苏州市人民政府", "level": "地级", "province": "江苏省",
                                   "prefecture": "苏州市", "county": None, "code": "320500", "body": "政府"}
    assert doc["department_types"]["苏州市工业和信息化局"] == "工业和信息化"
    assert [it["label"] for it in doc["items"]] == ["一", "二", "三", "四", "五"]
    second = doc["items"][1]["decisions"][0]
    assert second["action"] == "原则同意"
    assert second["lead_department"] == "苏州市工业和信息化局"
    assert second["follow_up"] == "按程序发文实施"
    assert (second["action_type"], second["is_decision"]) == ("原则同意", True)
    for key in ("para_id", "label", "page", "text", "departments", "citation"):
        assert key in doc["paragraphs"][0]
    assert {"role": "出席", "name": "李亚平", "department": None}.items() <= doc["attendees"][0].items()


def test_search_json_first_hit_is_the_seed_paragraph(index: Path) -> None:
    out = json.loads(run(index, "search", "再生资源回收", "--json"))
    first = out["hits"][0]
    assert first["doc_id"] == "suzhou-gov-exec-120"
    assert "再生资源回收" in first["text"]
    assert "url" not in first  # the index gives ids; only the web app builds links
    assert first["para_id"] == "p20" and first["doc_hits"] > 1
    assert set(out) >= {"query", "total", "total_docs", "page", "per_page", "fallback", "hits", "facets"}


def test_search_with_department_abbreviation_filter(index: Path) -> None:
    out = json.loads(run(index, "search", "--dept", "市工信局", "--json"))
    assert out["total"] >= 1
    assert all("苏州市工业和信息化局" in h["departments"] for h in out["hits"])


def test_search_bad_query_is_one_readable_line(index: Path) -> None:
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "(" * 1000 + "x"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.output.startswith("Error:")


def test_stats_counts_documents(index: Path) -> None:
    st = json.loads(run(index, "stats", "--json"))
    assert st["documents"] == 62  # seed + 60 policies + the one good JSON line
    assert st["kinds"] == {"minutes": 1, "policy": 60, "other": 1}


def test_remove_deletes_one_document(index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(index, copy)
    assert "removed 1 document(s)" in run(copy, "remove", "x1")
    assert json.loads(run(copy, "stats", "--json"))["documents"] == 61
    missing = CliRunner().invoke(cli, ["--index", str(copy), "remove", "no-such-doc"])
    assert missing.exit_code == 1 and "not in the index" in missing.output


def test_missing_index_is_a_clear_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "nothing"), "search", "x"])
    assert result.exit_code == 1
    assert "no index at" in result.output and "Traceback" not in result.output


def test_version_mismatch_asks_for_rebuild_and_rebuild_works(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    run(idx, "ingest", "--no-progress", str(SEED))
    meta_path = idx / "policysearch.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["dictionary_version"] = "0000-older-dictionary"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    refused = CliRunner().invoke(cli, ["--index", str(idx), "ingest", "--no-progress", str(SEED)])
    assert refused.exit_code == 1
    assert "rebuild required" in refused.output and "--rebuild" in refused.output
    assert "Traceback" not in refused.output
    out = run(idx, "ingest", "--no-progress", "--rebuild", str(SEED))
    assert "1 added" in out
    assert json.loads(run(idx, "stats", "--json"))["documents"] == 1


def test_search_by_legal_level(index: Path) -> None:
    # the two State Council decrees (国令) among the 60 policies are administrative regulations
    result = json.loads(run(index, "search", "", "--level", "行政法规", "--json", "--per-page", "50"))
    assert sorted(h["doc_id"] for h in result["hits"]) == ["gov-7263896c0c", "gov-c71de4e018"]  # 专利代理条例, 个税法实施条例
    assert {row["value"] for row in result["facets"]["legal_level"]} == {"行政法规"}
