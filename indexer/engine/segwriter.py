"""A Whoosh segment writer that builds its postings in memory and writes them term by term.

Whoosh's ``SegmentWriter`` turns every posting into a ``(field, term, docnum, weight, value)``
tuple, sorts them in an external merge sort (pickling each tuple to a run file once the pool
passes ``limitmb``), then writes them one call per posting, looking up each posting's field
length in the length column it wrote a moment before. Profiled on the sample corpus that was
~60 % of the time spent in Whoosh. Here postings are appended per field and term as they come
(document numbers only grow, so each list is already sorted), lengths travel with them, and each
term's list is cut into Whoosh's 128-posting blocks with slices. The files written are
byte-for-byte those of ``SegmentWriter`` (``tests/test_segwriter.py`` compares them).

Pre-segmented text (``analysis.Presegmented``) skips Whoosh's token stream entirely: positions
come straight from the packed token array.
"""
from __future__ import annotations

from array import array
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PerDocWriter
from whoosh.columns import CompressedBytesColumn, PickleColumn
from whoosh.compat import pickle
from whoosh.formats import Frequency, Positions
from whoosh.multiproc import SubWriterTask
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from indexer.engine.tokenizer import PolicyTokenizer
from indexer.presegment import die_with_parent

_SEP = "\x00"
MEMO_CHARS = 200  # field values up to this long are analysed once per writer …
MEMO_SIZE = 20_000  # … for this many distinct values at a time


class _Postings:
    """One term's postings in document order."""

    __slots__ = ("ids", "weights", "values", "lengths")

    def __init__(self) -> None:
        self.ids = array("I")
        self.weights = array("d")  # Whoosh keeps block weights as floats, block maxima as doubles
        self.values: list[bytes] = []
        self.lengths = array("I")


def _positions(packed: tuple[str, bytes]) -> dict[str, list[int]]:
    """Word -> positions of a packed token list (``analysis.pack``: words, then pos/start/end)."""
    words, raw = packed
    poses: dict[str, list[int]] = {}
    if not words and not raw:
        return poses
    nums = array("i")
    nums.frombytes(raw)
    for word, pos in zip(words.split(_SEP), nums[0::3]):
        found = poses.get(word)
        if found is None:
            poses[word] = [pos]
        else:
            found.append(pos)
    return poses


_SINGLE: dict[int, bytes] = {}  # encoded one-position lists: most postings have one position


def _encode_positions(poslist: list[int]) -> bytes:
    """``whoosh.formats.Positions.encode``, with the one-position lists memoised."""
    if len(poslist) == 1:
        pos = poslist[0]
        found = _SINGLE.get(pos)
        if found is None:
            found = _SINGLE[pos] = pack_uint(1) + pickle.dumps(poslist, 2)
        return found
    deltas = [poslist[0]] + [b - a for a, b in zip(poslist, poslist[1:])]
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


# Stored fields as zlib streams of level 0 (stored blocks): Whoosh's reader decompresses any level.
_STORED_FIELDS = PickleColumn(CompressedBytesColumn(level=0))


class _PerDocWriter(W3PerDocWriter):
    """Whoosh's per-document writer, with the stored fields of each record not compressed.

    A record's stored fields are one short paragraph (160 bytes of UTF-8 on average) that zlib
    cannot shrink: on the whole shared corpus level 3 made 112 MB of them 100 MB, for 10 % of
    the sub-writers' CPU time."""

    def _create_column(self, fieldname: str, column: Any) -> None:
        super()._create_column(fieldname, _STORED_FIELDS if fieldname == "_stored" else column)


class PolicyCodec(W3Codec):
    """Whoosh's codec with posting blocks and stored fields left uncompressed; both still read
    as before (every block says whether it is compressed; a level-0 zlib stream decompresses
    like any other), so older segments read too.

    On the whole shared corpus uncompressed posting blocks trade disk for time: the index grew
    from 271 to 495 MB (1.41× the naive build's, within the 1.5× target), the sub-writers spent
    10 % less CPU, the commit took half as long (18 → 9 s), and searches no longer decompress
    the blocks of their words (a tenth of a loaded server's time)."""

    def __init__(self) -> None:
        super().__init__(compression=0)

    def per_document_writer(self, storage: Any, segment: Any) -> W3PerDocWriter:
        return _PerDocWriter(self, storage, segment)


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with in-memory, per-term postings (see the module docstring).

    Merging older segments at commit still goes through Whoosh's posting pool; when that
    happens our postings join the pool first (they have the lower document numbers), so the
    result is the same as Whoosh's.
    """

    def __init__(self, ix: Any, **kwargs: Any):
        super().__init__(ix, **{"codec": PolicyCodec(), **kwargs})
        self._inverted: dict[str, dict[bytes, _Postings]] = {}
        self._memo: dict[tuple[str, Any], list[tuple[bytes, int, float, bytes]]] = {}
        self._fast_text = {
            name for name, field in self.schema.items()
            if type(field.format) in (Positions, Frequency) and isinstance(field.analyzer, PolicyTokenizer)
        }
        self._positions = {name for name in self._fast_text if type(self.schema[name].format) is Positions}

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdoc = self.perdocwriter
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, name, docboost)
                terms = self._inverted.setdefault(name, {})
                items = self._items(name, field, value)
                if field.scorable:
                    length = sum(item[1] for item in items)
                for tbytes, _, weight, vbytes in items:
                    weight *= boost
                    post = terms.get(tbytes)
                    if post is None:
                        post = terms[tbytes] = _Postings()
                    post.ids.append(docnum)
                    post.weights.append(weight)
                    post.values.append(vbytes or b"")
                    post.lengths.append(length)
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdoc.add_column_value(name, column, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _items(self, name: str, field: Any, value: Any) -> list[tuple[bytes, int, float, bytes]]:
        """``(term bytes, frequency, weight, value bytes)`` of one field value, as
        ``field.index`` gives them. Short values (the title every paragraph repeats, doc_id,
        departments, keywords) are memoised: each paragraph would otherwise redo them."""
        packed = getattr(value, "packed", None)
        key = (name, packed if packed is not None else value)
        memo = isinstance(value, int) or (isinstance(value, str) and len(value) <= MEMO_CHARS)
        if memo:
            found = self._memo.get(key)
            if found is not None:
                return found
        if packed is not None and name in self._fast_text:
            fb = field.format.field_boost
            if name in self._positions:
                items = [(word.encode("utf-8"), len(pl), len(pl) * fb, _encode_positions(pl))
                         for word, pl in _positions(packed).items()]
            else:  # frequencies only (``Frequency.word_values``)
                items = [(word.encode("utf-8"), len(pl), len(pl) * fb, pack_uint(len(pl)))
                         for word, pl in _positions(packed).items()]
        else:
            items = list(field.index(value))
        if memo:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = items
        return items

    def _flush_segment(self) -> None:
        if self.pool.current or self.pool.runs:  # older segments are being merged in
            self._postings_to_pool()
            super()._flush_segment()
            return
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in sorted(self._inverted):
            terms = self._inverted[name]
            if not terms:
                continue
            fw.start_field(name, self.schema[name])
            for tbytes in sorted(terms):
                fw.start_term(tbytes)
                _write_term(fw._postwriter, terms[tbytes])
                fw.finish_term()
            fw.finish_field()
        self._inverted = {}
        fw.close()

    def _postings_to_pool(self) -> None:
        add = self.pool.add
        for name, terms in self._inverted.items():
            for tbytes, post in terms.items():
                for docnum, weight, vbytes in zip(post.ids, post.weights, post.values):
                    add((name, tbytes, docnum, weight, vbytes))
        self._inverted = {}


def _write_term(pw: Any, post: _Postings) -> None:
    """Fill ``W3PostingsWriter`` blocks as ``add_posting`` would, a block at a time: every
    block but the last is written here, the last by ``finish_postings``."""
    limit = pw._blocklimit
    n = len(post.ids)
    for start in range(0, n, limit):
        end = min(start + limit, n)
        pw._ids = post.ids[start:end]
        weights = post.weights[start:end]
        pw._weights = array("f", weights)
        pw._values = [v for v in post.values[start:end] if v]
        pw._maxweight = max(0, max(weights))
        lengths = [length for length in post.lengths[start:end] if length]
        pw._minlength = min(lengths) if lengths else None
        pw._maxlength = max(lengths) if lengths else 0
        if end < n:
            pw._write_block()


class FastSubWriter(SubWriterTask):
    """A sub-writer process of ``store.ParallelWriter`` that indexes with ``FastSegmentWriter``
    into its own segment (Whoosh's ``SubWriterTask.run`` with ``multisegment``, minus the
    shared-queue plumbing we replaced)."""

    def run(self) -> None:
        die_with_parent()
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, set(), segment), timeout=5)
