"""The Whoosh the engine was written against, and every private name of it the engine uses.

``indexer/engine/`` reaches into Whoosh for speed (the fast segment writer fills posting blocks
directly, the posting cache decodes leaf matchers a block at a time, the parallel writer
replaces Whoosh's task plumbing, the searcher refresh relies on ``is_closed``). A different
Whoosh, or a fork such as whoosh-reloaded, may rename or change any of them; this test says so
by name instead of letting a search fail somewhere deep.
"""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import whoosh
from whoosh import collectors, formats, matching, multiproc, reading, scoring, searching, system, writing
from whoosh.codec import whoosh3
from whoosh.query import spans

from indexer.engine import IndexStore
from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents

SUPPORTED = (2, 7, 4)
HINT = ("policysearch's engine (indexer/engine/) relies on private names of Whoosh {want}; "
        "installed: {have} from {path}. Install whoosh=={want} (pyproject.toml pins it) or port the engine.")

# (object, attribute) pairs that must exist on the classes themselves
CLASS_NAMES = [
    (writing.SegmentWriter, name) for name in (
        "_check_state", "_doc_boost", "_check_fields", "_field_boost", "_flush_segment", "_finalize_segment",
        "_close_segment", "_commit_toc", "_finish", "_merge_segments", "cancel", "start_group",
        "end_group", "temp_storage",
    )
] + [
    (multiproc.MpWriter, name) for name in ("_commit", "cancel", "end_group", "_merge_segments", "_commit_toc")
] + [
    (multiproc.SubWriterTask, name) for name in ("_process_file", "run")
] + [
    (whoosh3.W3LeafMatcher, name) for name in ("_read_ids", "_read_weights", "_read_values", "_next_block")
] + [
    (whoosh3.W3PostingsWriter, "_write_block"),
    (whoosh3.W3PerDocWriter, "_create_column"),  # the stored-fields column (``segwriter.PolicyCodec``)
    (matching.ListMatcher, "skip_to"),
    (searching.Searcher, "refresh"),
    (searching.Searcher, "up_to_date"),
    (searching.Searcher, "leaf_searchers"),
    (whoosh3.W3PerDocReader, "_cached_reader"),  # the field-length column (``leafscore``)
    (whoosh3, "_lenfield"),
    (whoosh3, "LENGTHS_COLUMN"),
    (reading, "ReaderClosed"),
    (system, "pack_uint"),
    (formats, "Positions"),
    (spans, "Span"),
    (collectors, "TimeLimit"),
]


def _version() -> tuple[int, ...]:
    return tuple(whoosh.__version__)


def test_the_supported_whoosh_is_installed() -> None:
    assert _version() == SUPPORTED, HINT.format(want="2.7.4", have=whoosh.versionstring(),
                                                path=Path(whoosh.__file__).parent)


@pytest.mark.parametrize("owner,name", CLASS_NAMES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_private_names_exist(owner: object, name: str) -> None:
    assert hasattr(owner, name), f"{getattr(owner, '__name__', owner)}.{name} is missing: " + HINT.format(
        want="2.7.4", have=whoosh.versionstring(), path=Path(whoosh.__file__).parent)


def test_signatures_the_engine_calls() -> None:
    assert "terminfo" in inspect.signature(matching.ListMatcher.__init__).parameters
    assert list(inspect.signature(whoosh3.W3LeafMatcher.__init__).parameters)[:5] == [
        "self", "postfile", "startoffset", "length", "format_"]  # ``postcache.read_postings``
    assert list(inspect.signature(scoring.bm25).parameters) == ["idf", "tf", "fl", "avgfl", "B", "K1"]
    assert "multisegment" in inspect.signature(multiproc.MpWriter.__init__).parameters


def test_instance_attributes_of_a_real_index(tmp_path: Path) -> None:
    """Attributes set in constructors: read off a real writer, postings writer, leaf matcher and
    searcher of an index the store built."""
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, [Document(doc_id="d", kind="policy", title="合同", sha1="1",
                          paragraphs=[Paragraph("p1", "合同 管理 办法")])], workers=1)
    ix = store.ix
    writer = writing.SegmentWriter(ix)
    try:
        for name in ("pool", "perdocwriter", "fieldwriter", "docnum", "schema", "_added", "writelock"):
            assert hasattr(writer, name), f"SegmentWriter().{name} is missing"
        for name in ("current", "runs", "add"):
            assert hasattr(writer.pool, name), f"SegmentWriter().pool.{name} is missing"
        writer.fieldwriter.start_field("text", ix.schema["text"])
        writer.fieldwriter.start_term("合同".encode())  # the block buffers exist from here on
        postwriter = writer.fieldwriter._postwriter
        for name in ("_blocklimit", "_ids", "_weights", "_values", "_maxweight", "_minlength", "_maxlength"):
            assert hasattr(postwriter, name), f"W3PostingsWriter.{name} is missing"
    finally:
        writer.cancel()
    snap = store.snapshot()
    searcher = snap.searcher
    assert hasattr(searcher, "is_closed") and hasattr(searcher, "subsearchers") and hasattr(searcher, "parent")
    leaf = searcher.reader().leaf_readers()[0][0].postings("text", "合同".encode())
    assert type(leaf) is whoosh3.W3LeafMatcher
    for name in ("_atend", "_ids", "_weights", "_values"):
        assert hasattr(leaf, name), f"W3LeafMatcher.{name} is missing"
    segment = searcher.reader().leaf_readers()[0][0]
    assert hasattr(segment, "_perdoc"), "SegmentReader._perdoc is missing"
    assert hasattr(segment._terms, "_postfile"), "W3TermsReader._postfile is missing"
    terminfo = segment.term_info("text", "合同".encode())
    assert hasattr(terminfo, "extent") and hasattr(terminfo, "is_inlined")
    lengths = segment._perdoc._cached_reader(whoosh3._lenfield("text"), whoosh3.LENGTHS_COLUMN)
    for name in ("_dbfile", "_basepos", "_count"):
        assert hasattr(lengths, name), f"the length column's reader has no {name}"
    scorer = searcher.weighting.scorer(searcher, "text", "合同".encode())
    assert isinstance(scorer, scoring.BM25FScorer)
    for name in ("idf", "avgfl", "B", "K1"):
        assert hasattr(scorer, name), f"BM25FScorer.{name} is missing"
    store.close()
