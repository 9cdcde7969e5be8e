"""Ingest is a chain of named stages: each one does its own job and nothing else's."""
from __future__ import annotations

from pathlib import Path

from indexer.analysis import Seg, pack
from indexer.engine import IndexStore
from indexer.enrich import enrich
from indexer.extract import extract_path
from indexer.models import Document, Paragraph
from indexer.pipeline import changed_only, index_documents, read_document
from indexer.presegment import SegmentedBatch, segment_batches, texts_of
from indexer.query import SearchParams, search
from indexer.repair import repair
from indexer.structure import parse
from fixture_docs import changed, fixture_docs

NOTICE = """关于做好高校毕业生就业工作的通知
各区人民政府，市各委办局：
一、根据《中华人民共和国就业促进法》和国发〔2018〕39号文件精神，由人力资源社会保障部、财政部指导，各地负责组织实施。
二、本通知自印发之日起施行。
"""


def test_parse_reads_structure_and_enrich_derives_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE, encoding="utf-8")
    (extracted,), problems = extract_path(source)
    assert problems == []
    parsed = parse(extracted, repair(extracted))
    doc = parsed.doc
    assert [it.label for it in doc.items] == ["一", "二"]
    # the parser leaves derived fields alone ...
    assert doc.references == [] and doc.cited_numbers == [] and doc.departments == []
    assert all(p.citation == "" and p.departments == [] for p in doc.paragraphs)
    # ... and enrichment fills them from the text
    enriched = enrich(parsed)
    assert [r.title for r in enriched.references] == ["中华人民共和国就业促进法"]
    assert enriched.cited_numbers == ["国发〔2018〕39号"]
    first_item = next(p for p in enriched.paragraphs if p.label == "一")
    assert {"人力资源和社会保障部", "财政部"} <= {d.removeprefix("中华人民共和国") for d in first_item.departments}
    assert all(p.citation for p in enriched.paragraphs)
    assert read_document(extracted).to_dict() == enrich(parse(extracted, repair(extracted))).to_dict()


def test_the_writer_indexes_the_tokens_it_is_given_and_runs_no_segmenter(tmp_path: Path) -> None:
    doc = Document("tok", "policy", "标题", sha1="1", paragraphs=[Paragraph("p1", "甲乙丙丁")])
    marker = {t: pack([Seg("zzmarker", 0, 0, len(t))]) for t in texts_of(doc)}
    store = IndexStore.create_or_open(tmp_path / "ix")
    report = store.write([SegmentedBatch([doc], lambda: marker)])
    assert (report.added, report.doc_ids) == (1, ["tok"])
    assert [h["para_id"] for h in search(store, SearchParams(q="zzmarker", group="para"))["hits"]] == ["p1"]
    assert search(store, SearchParams(q="甲乙丙丁"))["total"] == 0  # jieba's words were never indexed
    store.close()


def test_batches_keep_input_order_and_carry_every_text() -> None:
    docs = fixture_docs()
    batches = list(segment_batches(docs, processes=1, batch_chars=200))
    assert len(batches) > 1
    assert [d.doc_id for b in batches for d in b.documents] == [d.doc_id for d in docs]
    for b in batches:
        assert set(b.tokens()) == {t for d in b.documents for t in texts_of(d) if t}


def test_an_unchanged_source_is_skipped_before_it_is_segmented(tmp_path: Path) -> None:
    store = IndexStore.create_or_open(tmp_path / "ix")
    docs = fixture_docs()
    assert index_documents(store, docs, workers=1).added == len(docs)
    edited = changed(docs[2])
    unchanged: list[str] = []
    assert [d.doc_id for d in changed_only([*docs[:2], edited], store, unchanged)] == [edited.doc_id]
    assert unchanged == [d.doc_id for d in docs[:2]]
    again = index_documents(store, [*docs[:2], edited], workers=1)
    assert (again.added, again.replaced, again.unchanged) == (0, 1, 2)
    store.close()
