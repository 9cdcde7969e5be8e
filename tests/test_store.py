"""The index folder: idempotent writes, whole documents, locks, versions, refresh (R4, R7, R8, R9)."""
from __future__ import annotations

import json
import re
import multiprocessing
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from indexer import presegment as presegment_module
from indexer.errors import IndexLockedError, IndexMissingError, RebuildRequiredError
from indexer.models import Paragraph
from indexer.pipeline import index_documents
from indexer.query import SearchParams, search
from indexer.engine.records import FORMAT_VERSION
from indexer.engine import IndexStore, WriteReport
from indexer.engine.store import META_FILE
from indexer.engine.writer import indexed_now
from fixture_docs import changed, employment_policy, fixture_docs, seed_minutes


@pytest.fixture
def store(fresh_store: IndexStore) -> IndexStore:
    return fresh_store


def _total(store: IndexStore, q: str) -> int:
    return search(store, SearchParams(q=q))["total"]


def test_write_reports_and_stats(tmp_path: Path):
    s = IndexStore.create_or_open(tmp_path / "index")
    report = index_documents(s, fixture_docs())
    assert (report.added, report.replaced, report.unchanged) == (6, 0, 0)
    assert report.doc_ids == ["suzhou-gov-exec-120", "gwyhy-f90601466c", "gov-4d9e4925d2", "gov-fb744a8adc",
                              "law-cf7c1ffb68", "test-xss"]
    st = s.stats()
    assert st["documents"] == 6
    assert st["paragraphs"] == 29
    assert st["departments"] == 4
    assert st["years"] == [2018, 2019, 2020, 2021]
    assert st["kinds"] == {"minutes": 2, "other": 1, "policy": 3}
    assert st["size_bytes"] > 0
    assert st["format_version"] == FORMAT_VERSION


def test_unchanged_documents_are_not_written_again(store: IndexStore):
    generation = store.ix.latest_generation()
    report = index_documents(store, fixture_docs())
    assert (report.added, report.replaced, report.unchanged) == (0, 0, 6)
    assert store.ix.latest_generation() == generation  # no commit at all
    assert store.stats()["paragraphs"] == 29


def test_changed_document_replaces_all_its_paragraphs(store: IndexStore):
    doc = seed_minutes()
    new = changed(doc, paragraphs=[replace(doc.paragraphs[0], text="会议审议了城市更新工作方案。")])
    report = index_documents(store, [new])
    assert (report.added, report.replaced, report.unchanged) == (0, 1, 0)
    assert store.stats()["paragraphs"] == 29 - 14 + 1
    assert _total(store, "两客一危") == 0  # old paragraph text is gone
    assert _total(store, "城市更新") == 1
    assert store.get_document(doc.doc_id).paragraphs[0].text == "会议审议了城市更新工作方案。"
    assert store.get_document(doc.doc_id).sha1 == "seed-sha1-v1-changed"


def test_repeated_doc_id_in_one_batch_keeps_the_first(tmp_path: Path):
    s = IndexStore.create_or_open(tmp_path / "index")
    first = employment_policy()
    second = changed(first, paragraphs=[Paragraph("p1", "另一个版本")])
    report = index_documents(s, [first, second])
    assert (report.added, report.replaced, report.unchanged) == (1, 0, 0)
    assert s.stats()["paragraphs"] == 4


def test_get_document_round_trips_the_whole_record(store: IndexStore):
    for doc in fixture_docs():
        stored = store.get_document(doc.doc_id)
        assert stored is not None and stored.indexed_at  # the writer's, not the source's
        assert replace(stored, indexed_at=None) == doc
    assert store.get_document("no-such-doc") is None
    assert store.get_document("suzhou-gov-exec-120#p1") is None  # a paragraph key is not a document


def test_iter_documents(store: IndexStore):
    assert [replace(d, indexed_at=None) for d in store.iter_documents()] == fixture_docs()


def test_indexed_at_is_the_write_time_and_survives_an_unchanged_reingest(tmp_path: Path):
    s = IndexStore.create_or_open(tmp_path / "index")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    index_documents(s, fixture_docs())
    after = datetime.now(timezone.utc)
    first = {d.doc_id: d.indexed_at for d in s.iter_documents()}
    assert len(set(first.values())) == 1  # one commit, one time
    stamp = next(iter(first.values()))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    assert before <= datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) <= after
    # the tables hits are built from carry it too
    assert s.snapshot().tables.docs["suzhou-gov-exec-120"].indexed_at == stamp
    # a re-ingest that skips unchanged documents keeps their stamp; a changed one gets a new one
    doc = seed_minutes()
    new = changed(doc, paragraphs=[replace(doc.paragraphs[0], text="会议审议了城市更新工作方案。")])
    while indexed_now() == stamp:  # a new second, so the new stamp differs
        time.sleep(0.05)
    index_documents(s, [*fixture_docs()[1:], new])
    again = {d.doc_id: d.indexed_at for d in s.iter_documents()}
    assert {k: v for k, v in again.items() if k != doc.doc_id} == {k: v for k, v in first.items() if k != doc.doc_id}
    assert again[doc.doc_id] > stamp
    s.close()


def test_iter_documents_decodes_only_the_paragraphs_asked_for(store: IndexStore):
    docs = list(store.iter_documents(with_paragraphs=lambda doc: doc.kind == "minutes"))
    assert [(d.kind, len(d.paragraphs)) for d in docs] == [
        ("minutes", 14), ("minutes", 3), ("policy", 0), ("policy", 0), ("other", 0), ("policy", 0)]
    assert [replace(d, paragraphs=[], indexed_at=None) for d in docs] == [replace(d, paragraphs=[]) for d in fixture_docs()]


def test_paragraph_records_store_only_their_own_values(store: IndexStore):
    snap = store.snapshot()
    paragraphs = sorted(snap.paragraphs)
    assert {key for n in paragraphs for key in snap.searcher.stored_fields(n)} == {"doc_id", "para"}
    # the third paragraph of the seed minutes: its own label, page and departments, the
    # document's title, date and meeting, its citation derived from them
    fields = snap.hit_fields(paragraphs[2])
    assert fields.pop("indexed_at") == store.get_document("suzhou-gov-exec-120").indexed_at
    assert fields == {
        "doc_id": "suzhou-gov-exec-120", "para_id": "p3", "title": "苏州市政府第120次常务会议纪要",
        "kind": "minutes", "date": "2020-12-07", "meeting": "苏州市政府第120次常务会议", "item": "一",
        "label": "一（一）", "departments": "苏州市应急管理局", "topics": "市场监管、安全生产监管",
        "doc_number": None, "jurisdiction": None, "page": 3,
        "text": "（一）会议传达学习了全国煤矿安全生产工作紧急视频会议和省会议精神。原则同意市应急局关于我市岁末年初安全生产工作的汇报。",
        "citation": "苏州市政府第120次常务会议纪要 一（一） 第3页",
    }


def test_hit_fields_reproduce_every_paragraph(store: IndexStore):
    """Joined hit fields equal what the Document says, for every paragraph of the fixtures."""
    snap = store.snapshot()
    docs = {d.doc_id: d for d in fixture_docs()}
    got = []
    for n in sorted(snap.paragraphs):
        f = snap.hit_fields(n)
        doc = docs[f["doc_id"]]
        para = next(p for p in doc.paragraphs if p.para_id == f["para_id"])
        got.append((f["title"], f["kind"], f["date"], f["text"], f["page"], f["label"], f["item"],
                    f["citation"], f["topics"], f["departments"]))
        assert got[-1] == (doc.title, doc.kind, doc.date, para.text, para.page, para.label, para.item,
                           para.citation, ",".join(para.topics or doc.topics), ",".join(para.departments) or None)
    assert len(got) == 29


def test_a_hand_written_citation_is_kept(tmp_path: Path):
    s = IndexStore.create_or_open(tmp_path / "index")
    doc = employment_policy()
    own = replace(doc.paragraphs[0], citation="就业意见 开头")
    index_documents(s, [changed(doc, paragraphs=[own, replace(doc.paragraphs[1], citation="")])])
    hits = search(s, SearchParams(departments=[], sort="oldest", group="para"))["hits"]
    assert [h["citation"] for h in hits] == ["就业意见 开头", ""]
    s.close()


def _copies(n: int) -> list:
    return [replace(d, doc_id=f"{d.doc_id}-{i}") for i in range(n) for d in fixture_docs()]


def _paragraph_order(s: IndexStore) -> list[tuple[str, str]]:
    snap = s.snapshot()
    return [(f["doc_id"], f["para_id"]) for f in (snap.hit_fields(n) for n in sorted(snap.paragraphs))]


def test_parallel_writer_is_deterministic_and_keeps_documents_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(presegment_module, "BATCH_CHARS", 2000)  # many pipelined batches
    docs = _copies(12)  # 12 x 35 records: several batches for each of the two sub-writers
    builds = []
    for name, workers in (("a", 2), ("b", 2), ("serial", 1)):
        s = IndexStore.create_or_open(tmp_path / name)
        assert index_documents(s, docs, workers=workers).added == 72
        builds.append(s)
    assert [len(b.ix._segments()) for b in builds] == [2, 2, 1]
    orders = [_paragraph_order(b) for b in builds]
    assert orders[0] == orders[1]
    assert sorted(orders[0]) == sorted(orders[2]) and len(orders[0]) == 12 * 29
    # every document's paragraphs are contiguous and in reading order
    by_doc: dict[str, list[str]] = {}
    for doc_id, para_id in orders[0]:
        by_doc.setdefault(doc_id, []).append(para_id)
    firsts = [orders[0].index((doc_id, ids[0])) for doc_id, ids in by_doc.items()]
    for (doc_id, ids), first in zip(by_doc.items(), firsts):
        assert orders[0][first : first + len(ids)] == [(doc_id, p) for p in ids]
        assert ids == sorted(ids, key=lambda p: int(p[1:]))
    assert [_total(b, "两客一危") for b in builds] == [12, 12, 12]
    assert builds[0].stats()["documents"] == 72
    for b in builds:
        b.close()


def test_a_failed_parallel_write_leaves_no_worker_behind(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(presegment_module, "BATCH_CHARS", 2000)  # sub-writers are busy when it fails
    s = IndexStore.create_or_open(tmp_path / "index")

    def broken():
        yield from _copies(12)
        raise ValueError("parser failed")

    with pytest.raises(ValueError, match="parser failed"):
        index_documents(s, broken(), workers=2, lock_timeout=0.5)
    assert multiprocessing.active_children() == []
    assert s.stats()["documents"] == 0
    assert not [p.name for p in (tmp_path / "index").iterdir() if p.name.endswith(".tmp")]
    s.close()


def test_remove(store: IndexStore):
    assert store.remove(["gov-4d9e4925d2", "no-such-doc"]) == 1
    assert store.get_document("gov-4d9e4925d2") is None
    st = store.stats()
    assert (st["documents"], st["paragraphs"]) == (5, 25)
    assert _total(store, "稳岗") == 0
    assert store.remove(["gov-4d9e4925d2"]) == 0


def test_second_writer_times_out_with_a_readable_message(store: IndexStore):  # R4
    holder = store.ix.writer()
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexLockedError) as err:
            index_documents(store, [changed(employment_policy())], lock_timeout=0.5)
        assert time.monotonic() - t0 < 5
        assert str(err.value).startswith("index is locked by another process")
        assert "0.5 s" in str(err.value)
    finally:
        holder.cancel()
    assert index_documents(store, [changed(employment_policy())], lock_timeout=1).replaced == 1


def test_failure_mid_stream_leaves_the_last_commit_and_releases_the_lock(tmp_path: Path):  # R2
    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, fixture_docs()[:2])

    def broken():
        yield from fixture_docs()[2:4]
        raise ValueError("parser failed on document 5")

    with pytest.raises(ValueError, match="document 5"):
        index_documents(s, broken(), lock_timeout=0.5)
    assert s.stats()["documents"] == 2
    assert index_documents(s, fixture_docs(), lock_timeout=0.5).added == 4


def test_readonly_store_sees_new_commits_without_reopening(store: IndexStore, tmp_path: Path):
    reader = IndexStore.open(tmp_path / "index")
    assert _total(reader, "城市更新") == 0
    doc = employment_policy()
    index_documents(store, [changed(doc, paragraphs=[Paragraph("p1", "推进城市更新行动")])])
    assert _total(reader, "城市更新") == 1
    reader.close()


def test_a_settled_folder_is_not_listed_again_and_a_commit_is_still_seen(store: IndexStore, tmp_path: Path,
                                                                          monkeypatch):
    """A request takes several snapshots; while no commit lands, only the folder's time is read."""
    import os

    from whoosh.filedb.filestore import FileStorage
    folder = tmp_path / "index"
    past = time.time() - 10
    os.utime(folder, (past, past))
    reader = IndexStore.open(folder)
    assert _total(reader, "城市更新") == 0  # checks with a listing, then trusts the settled time
    listings: list[int] = []
    real_list = FileStorage.list
    monkeypatch.setattr(FileStorage, "list", lambda self: listings.append(1) or real_list(self))
    assert _total(reader, "城市更新") == 0
    assert listings == []
    doc = employment_policy()
    index_documents(store, [changed(doc, paragraphs=[Paragraph("p1", "推进城市更新行动")])])
    assert _total(reader, "城市更新") == 1
    reader.close()


def test_searches_from_many_threads_agree(store: IndexStore):
    totals: list[list[int]] = []

    def work():
        totals.append([_total(store, q) for q in ("就业", "安全生产", "市场监管局")])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert totals == [[6, 6, 4]] * 8


def test_missing_index(tmp_path: Path):
    with pytest.raises(IndexMissingError, match="no index at"):
        IndexStore.open(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexMissingError):
        IndexStore.open(tmp_path / "empty")


def test_other_versions_require_a_rebuild(store: IndexStore, tmp_path: Path):  # R7
    meta_path = tmp_path / "index" / META_FILE
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "dictionary_version": "0000"}))
    with pytest.raises(RebuildRequiredError, match="^rebuild required: .*dictionary_version '0000'"):
        IndexStore.open(tmp_path / "index")
    meta_path.write_text(json.dumps({**meta, "format_version": 0}))
    with pytest.raises(RebuildRequiredError, match="format_version 0"):
        IndexStore.open(tmp_path / "index")
    rebuilt = IndexStore.create_or_open(tmp_path / "index", rebuild=True)
    assert rebuilt.stats()["documents"] == 0


def test_corrupt_or_foreign_folders_are_refused(store: IndexStore, tmp_path: Path):  # R9
    for toc in (tmp_path / "index").glob("*.toc"):
        toc.write_bytes(toc.read_bytes()[:20])
    with pytest.raises(RebuildRequiredError, match="^rebuild required: .*cannot be read"):
        IndexStore.open(tmp_path / "index")

    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(RebuildRequiredError, match="not a policysearch index"):
        IndexStore.create_or_open(foreign, rebuild=True)
    assert (foreign / "holiday.jpg").exists()


def test_whoosh_index_without_our_metadata_is_not_ours(store: IndexStore, tmp_path: Path):
    (tmp_path / "index" / META_FILE).unlink()
    with pytest.raises(RebuildRequiredError, match="is not a policysearch index"):
        IndexStore.open(tmp_path / "index")


def test_write_report_defaults():
    assert WriteReport() == WriteReport(0, 0, 0, [], 0, {})


def test_document_membership_read_off_the_record_order_agrees_with_the_doc_id_postings(tmp_path: Path, monkeypatch):
    """The server reads which paragraphs belong to which document from the order of the records
    (one pass instead of a postings read per document); the doc_id postings are the truth, after
    a parallel write, a replacement that leaves deleted records in a segment, and a removal."""
    from indexer.engine.tables import _members_by_order, _members_by_postings

    monkeypatch.setattr(presegment_module, "BATCH_CHARS", 2000)
    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, _copies(4), workers=2)
    doc = replace(seed_minutes(), doc_id="suzhou-gov-exec-120-1")
    index_documents(s, [changed(doc, paragraphs=doc.paragraphs[:3])])
    s.remove(["gov-4d9e4925d2-2"])
    reader = s.snapshot().searcher.reader()
    assert reader.has_deletions()  # the replaced and removed records are still in their segments
    tables = s.snapshot().tables
    by_order = _members_by_order(reader, tables.record_doc)
    live = {doc_id: [n for n in nums if not reader.is_deleted(n)]
            for doc_id, nums in _members_by_postings(reader, tables.record_doc).items()}
    assert by_order is not None
    assert {d: list(n) for d, n in by_order.items()} == {d: n for d, n in live.items() if n}
    assert len(by_order["suzhou-gov-exec-120-1"]) == 3
    assert "gov-4d9e4925d2-2" not in by_order
    assert s.stats()["paragraphs"] == 4 * 29 - 14 + 3 - 4
    s.close()
