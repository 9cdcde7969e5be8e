"""FastSegmentWriter writes the same segment files as Whoosh's SegmentWriter, and merges."""
from __future__ import annotations

import json
import re
import zlib
from itertools import islice
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from indexer.presegment import presegment
from indexer.extract import Limits, extract_path
from indexer.query import SearchParams, search
from indexer.engine import IndexStore
from indexer.engine.records import build_schema, decode_document, encode_document
from indexer.engine.segwriter import FastSegmentWriter, PolicyCodec
from indexer.engine.writer import index_records
from indexer.pipeline import index_documents, read_document as parse
from fixture_docs import fixture_docs
from paths import CORPUS

LAWS = CORPUS / "laws-lawrefbook-sample.jsonl"


@pytest.fixture(scope="module")
def docs():
    """The fixtures plus 30 real regulations: enough for terms with several 128-posting blocks."""
    extracted, _ = extract_path(LAWS, Limits())
    laws = [d for d in islice((parse(ex) for ex in extracted), 30)]
    return fixture_docs() + laws


def _build(folder: Path, writer_class: type, docs: list):
    folder.mkdir()
    ix = windex.create_in(str(folder), build_schema())
    tokens = presegment([t for d in docs for t in (d.title, *(p.text for p in d.paragraphs))], processes=1)
    writer = writer_class(ix, compound=False, codec=PolicyCodec())
    for doc in docs:
        for rec in index_records(doc, tokens):
            writer.add_document(**rec)
    writer.commit()
    return windex.open_dir(str(folder)).reader()


def _columns(folder: Path) -> dict[str, bytes]:
    """Per-document files by name without the random segment id (``MAIN_<id>._stored.col``)."""
    return {re.sub(r"^MAIN_[a-z0-9]+", "", p.name): p.read_bytes() for p in folder.glob("MAIN_*.col")}


def _postings(reader, fieldname: str, tbytes: bytes) -> list[tuple]:
    m = reader.postings(fieldname, tbytes)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value()))
        m.next()
    return out


def _stats(terminfo) -> tuple:
    return (terminfo.weight(), terminfo.doc_frequency(), terminfo.min_length(), terminfo.max_length(),
            terminfo.max_weight(), terminfo.min_id(), terminfo.max_id())


def test_same_index_as_whoosh(tmp_path: Path, docs):
    """Same terms, statistics, postings (ids, weights, positions) and per-document files. The
    posting file itself is smaller: equal one-position values are one object, which the
    block pickles store once."""
    ours = _build(tmp_path / "fast", FastSegmentWriter, docs)
    whoosh = _build(tmp_path / "whoosh", SegmentWriter, docs)
    terms = list(whoosh.all_terms())
    assert list(ours.all_terms()) == terms
    assert len(terms) > 5000
    multi_block = 0
    for fieldname, tbytes in terms:
        assert _stats(ours.term_info(fieldname, tbytes)) == _stats(whoosh.term_info(fieldname, tbytes))
        expected = _postings(whoosh, fieldname, tbytes)
        assert _postings(ours, fieldname, tbytes) == expected, (fieldname, tbytes.decode())
        multi_block += len(expected) > 128
    assert multi_block > 20  # terms spanning several 128-posting blocks were compared
    assert _columns(tmp_path / "fast") == _columns(tmp_path / "whoosh")
    assert sorted(_columns(tmp_path / "fast")) == [
        "._article_len.col", "._stored.col", "._text_len.col", "._title_len.col", ".info.col", ".paragraphs.col"]


def test_a_commit_that_merges_older_segments(tmp_path: Path, docs):
    """Whoosh merges small segments at commit; our postings then go through its pool."""
    store = IndexStore.create_or_open(tmp_path / "index")
    for doc in docs[:8]:  # one commit (one small segment) per document
        index_documents(store, [doc], workers=1)
    index_documents(store, docs[8:], workers=1)
    s = store.snapshot().searcher
    assert len(list(s.reader().leaf_readers())) < 9  # merged
    assert store.stats()["documents"] == len(docs)
    seed_hits = search(store, SearchParams(q="再生资源回收"))["hits"]
    assert [h["doc_id"] for h in seed_hits][:1] == ["suzhou-gov-exec-120"]
    law = docs[-1]  # written in the merging commit
    texts = [p.text for d in docs for p in d.paragraphs]
    para = next(p for p in law.paragraphs if 10 < len(p.text) < 60 and texts.count(p.text) == 1)
    hit = search(store, SearchParams(q=f'"{para.text}"'))["hits"][0]
    assert (hit["doc_id"], hit["para_id"]) == (law.doc_id, para.para_id)
    store.close()


def test_stored_fields_are_written_uncompressed_and_read_back(tmp_path: Path, docs):
    """Paragraph records keep their stored tuple as a level-0 zlib stream: the text is in the
    column file as UTF-8, and Whoosh's reader returns it as before."""
    reader = _build(tmp_path / "fast", FastSegmentWriter, docs)
    stored = _columns(tmp_path / "fast")["._stored.col"]
    law = docs[-1]
    para = max(law.paragraphs, key=lambda p: len(p.text))
    assert para.text.encode("utf-8") in stored
    found = [reader.stored_fields(n)["para"] for n in range(reader.doc_count_all())
             if "para" in reader.stored_fields(n)]
    assert (para.para_id, para.text) in [(p[0], p[1]) for p in found]


def test_a_document_round_trips_through_its_payload(docs):
    """Paragraph fields at their default are left out of the stored JSON and come back."""
    for doc in docs:
        payload, paragraphs = encode_document(doc)
        assert decode_document(payload, paragraphs) == doc
    data = json.loads(zlib.decompress(encode_document(docs[-1])[1]))
    assert all("lead_department" not in p for p in data if not p.get("lead_department"))
    assert all(set(p) >= {"para_id", "text"} for p in data)
