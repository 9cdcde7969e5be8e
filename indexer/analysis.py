"""Chinese segmentation for the index and for queries: jieba with correct positions.

Why our own tokenizer: jieba's bundled ``ChineseAnalyzer`` stores *character offsets* as token
positions and emits overlapping search-mode fragments, so quoted phrases never match
(reliability-anchors §5). Here:

* jieba runs on ``normalize.fold(text)`` (length-preserving NFKC + Traditional->Simplified +
  lower), so full-/half-width and Traditional/Simplified spellings give the same tokens, while
  ``startchar/endchar`` still index the original text (highlights land on what the reader sees).
* precise-mode words get sequential positions 0, 1, 2, … (phrase queries work);
* at index time, dictionary words inside a long word (like ``cut_for_search``) are emitted at the
  *position of their parent word*: ``改造`` finds ``智能化改造`` and phrases still line up.
  Query analysis (``mode="query"``) skips these sub-words: every query word is a precise-mode
  word, which the index holds either as a word or as a sub-word, so phrases stay exact.
* punctuation and whitespace are dropped; digit and Latin runs stay whole (jieba keeps them).

The jieba ``Tokenizer`` is a private instance (no global jieba state), initialised once under a
lock, with its marshal cache in the project cache folder (never the shared /tmp), plus a domain
dictionary: ``data/policy_terms.txt`` and every department name and alias of the gazetteer.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
from array import array
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from indexer.dictionary import DictEntry, cache_dir, dictionary_version, domain_entries
from indexer.jiebaimport import jieba
from indexer.normalize import fold

log = logging.getLogger(__name__)
_JIEBA_BLOCKS = jieba.re_han_default  # how jieba's cut splits a text before cutting each piece
# jieba logs "Building prefix dict…" at DEBUG straight to stderr; our own log line says it.
logging.getLogger("jieba").setLevel(logging.WARNING)

# Frequency given to domain words without an explicit one: high enough that jieba keeps
# 市工信局 whole in contexts like 由市工信局 / 市工信局蔡剑峰 (see anchors-mission §0).
DOMAIN_FREQ = 50_000
MAX_COVERS = 3  # alternative spellings of one query word by shorter words
MAX_SUBWORD = 8  # longer dictionary words inside a word are rare and add little recall
WORD_MEMO = 500_000  # distinct words whose sub-words are remembered (see Segmenter._learn)
_SKIP: tuple[tuple[str, int], ...] = (("", -1),)  # memo value of a word that is not a token

class Seg(NamedTuple):
    """One token: folded text, position, and character span in the original text."""

    text: str
    pos: int
    start: int
    end: int


# Tokens of one text packed for the trip from a worker process: the words joined by NUL plus
# (pos, start, end) as a C int array. Pickling a list of token objects costs as much as
# segmenting (measured: 20 MB, ~2 s per MB of text); this costs ~1 %.
Packed = tuple[str, bytes]
_SEP = "\x00"


def pack(segs: Sequence[Seg]) -> Packed:
    return _SEP.join(s.text for s in segs), array("i", [n for s in segs for n in s[1:]]).tobytes()


def join_packed(parts: Sequence[tuple[str, Packed]], without: Packed | None = None) -> Packed:
    """The tokens of ``"\n".join(texts)`` from each text's own tokens (a gap of one position
    between texts, so that no phrase matches across them), leaving out the words ``without``
    holds. A law article's first paragraph indexes so the words of its later 款 that it does
    not hold itself (``engine.records.ARTICLE_FIELD``)."""
    skip = set(without[0].split(_SEP)) if without and without[0] else set()
    words: list[str] = []
    out = array("i")
    pos_base = char_base = 0
    for text, (joined, raw) in parts:
        if joined or raw:
            nums = array("i")
            nums.frombytes(raw)
            for i, word in enumerate(joined.split(_SEP)):
                if word not in skip:
                    words.append(word)
                    out.extend((nums[3 * i] + pos_base, nums[3 * i + 1] + char_base, nums[3 * i + 2] + char_base))
            pos_base += max(nums[0::3]) + 2
        char_base += len(text) + 1
    return _SEP.join(words), out.tobytes()


def unpack(packed: Packed) -> list[Seg]:
    words, raw = packed
    if not words and not raw:
        return []
    nums = array("i")
    nums.frombytes(raw)
    return list(map(Seg, words.split(_SEP), nums[0::3], nums[1::3], nums[2::3]))


class Segmenter:
    """A private, initialised ``jieba.Tokenizer`` plus the domain dictionary.

    After ``__init__`` the jieba instance is only read, so concurrent ``segment`` calls from
    many threads are safe (J4); nothing mutates its dictionary while serving.
    """

    def __init__(self, entries: Sequence[DictEntry] | None = None, cache: Path | None = None):
        entries = domain_entries() if entries is None else list(entries)
        self.version = dictionary_version(entries)
        self._jieba = jieba.Tokenizer()
        folder = cache_dir(cache)
        self._jieba.tmp_dir = str(folder)
        self._jieba.cache_file = str(folder / "jieba.cache")
        prepared = folder / f"segmenter-{jieba.__version__}-{self.version}.pickle"
        if not self._load(prepared):
            self._jieba.initialize()
            for e in entries:
                if e.freq is None and self._jieba.FREQ.get(e.word, 0) > 0:
                    continue  # already a jieba word: its own frequency is better calibrated
                self._jieba.add_word(e.word, e.freq or DOMAIN_FREQ, e.tag)
            self._save(prepared)
        self._freq = self._jieba.FREQ
        self._covers: dict[str, list[list[str]]] = {}
        self._word_info: dict[str, tuple[tuple[str, int], ...]] = {}
        self._domain_words = frozenset(e.word for e in entries)

    @property
    def cache_file(self) -> str:
        return self._jieba.cache_file

    def _load(self, path: Path) -> bool:
        """jieba's dictionary with the domain words already added, from ``path``.

        jieba keeps its prefix dictionary (half a million entries) as a marshal file that takes
        0.8 s to load, a third of a server's start; the same table pickled loads in 0.2 s, and
        keyed by jieba's and our dictionary's versions it needs no domain words added again.
        """
        try:
            with path.open("rb") as f:
                freq, total, tags = pickle.load(f)
        except FileNotFoundError:
            return False
        except Exception as exc:  # noqa: BLE001 (a truncated or foreign file: prepared again)
            log.info("prepared dictionary %s unreadable (%s); preparing it again", path, exc)
            return False
        self._jieba.FREQ, self._jieba.total, self._jieba.user_word_tag_tab = freq, total, tags
        self._jieba.initialized = True
        return True

    def _save(self, path: Path) -> None:
        table = (self._jieba.FREQ, self._jieba.total, self._jieba.user_word_tag_tab)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError as exc:  # a read-only cache folder only costs the next start its speed
            log.info("could not keep the prepared dictionary at %s (%s)", path, exc)
            return
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:  # a full disk: no half-written table is left behind
            Path(tmp).unlink(missing_ok=True)
            log.info("could not keep the prepared dictionary at %s (%s)", path, exc)

    def is_word(self, word: str) -> bool:
        return self._freq.get(word, 0) > 0

    def segment(self, text: str, subwords: bool = True) -> list[Seg]:
        """Tokens of ``text`` (see module docstring); spans index ``text`` itself."""
        return unpack(self.segment_packed(text, subwords))

    def word_spans(self, text: str, words: Collection[str]) -> list[tuple[int, int]]:
        """The character spans of the tokens of ``segment(text)`` that are one of ``words``
        (folded), from cutting only the runs of ``text`` that hold one of them.

        jieba cuts the runs its block pattern splits a text into (Han characters, letters and
        digits; the rest) one by one, and no token crosses two runs, so a run in which none of
        the words occurs cannot yield one. Highlighting a long paragraph for a snippet then cuts
        a sentence or two instead of all of it (minutes of the State Council: 2 ms each)."""
        found: list[tuple[int, int]] = []
        offset = 0
        for run in _JIEBA_BLOCKS.split(fold(text)):
            if run and any(word in run for word in words):
                # the original characters: ``segment`` folds them itself, and folding twice is
                # not folding once (薴 -> 苧 -> 苎)
                original = text[offset:offset + len(run)]
                found += [(t.start + offset, t.end + offset) for t in self.segment(original) if t.text in words]
            offset += len(run)
        return found

    def segment_packed(self, text: str, subwords: bool = True) -> Packed:
        """``pack(self.segment(text, subwords))``, built without a token object per word: the
        form worker processes send back (``indexer.presegment``).

        The hot loop of every ingest (a third of its CPU time), hence the local names, the flat
        lists and the per-word memo of ``_word_info``: on the shared corpus this loop costs 11 %
        over jieba's own ``cut``, against 25 % when it made a ``Seg`` per token to pack."""
        words: list[str] = []
        nums: list[int] = []
        add_word, add_span = words.append, nums.extend
        info = self._word_info
        pos = start = 0
        for word in self._jieba.cut(fold(text), HMM=True):
            end = start + len(word)
            found = info.get(word)
            if found is None:
                found = self._learn(word)
            if found is not _SKIP:
                add_word(word)
                add_span((pos, start, end))
                if subwords:
                    for gram, offset in found:
                        add_word(gram)
                        add_span((pos, start + offset, start + offset + len(gram)))
                pos += 1
            start = end
        return _SEP.join(words), array("i", nums).tobytes()

    def _learn(self, word: str) -> tuple[tuple[str, int], ...]:
        """Memoised facts about one word: ``_SKIP`` (no letter or digit: punctuation, spaces)
        or its sub-words as ``(gram, offset)``. Words repeat, so each is examined once."""
        if not any(ch.isalnum() for ch in word):
            found = _SKIP
        else:
            found = tuple(self._subwords(word)) if len(word) > 2 else ()
        if len(self._word_info) >= WORD_MEMO:
            self._word_info.clear()
        self._word_info[word] = found
        return found

    def _subwords(self, word: str) -> Iterator[tuple[str, int]]:
        """Dictionary words strictly inside ``word`` with their offsets, each text once (Whoosh
        wants one posting per position), shortest first like jieba's ``cut_for_search``."""
        seen: set[str] = set()
        for n in range(2, min(len(word), MAX_SUBWORD + 1)):
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if gram not in seen and self.is_word(gram):
                    seen.add(gram)
                    yield gram, i

    def covers(self, word: str) -> list[list[str]]:
        """The ways to spell ``word`` with the fewest shorter dictionary words (at most
        ``MAX_COVERS``). A query word like 再生资源回收 is one dictionary entry, but running text
        may be cut 再生资源/回收利用…; its covers (再生资源, 回收) and (再生, 资源回收) as phrases find
        those places, since sub-words are indexed at their parent's position.

        Only domain-dictionary words get covers: they are the ones we forced into one token
        where plain jieba cuts the text differently. A general word such as 人民政府 is cut the
        same way everywhere, and its cover phrase (人民, 政府) would only cost position checks
        in most paragraphs of the laws."""
        if len(word) <= 2 or word not in self._domain_words:
            return []
        if word not in self._covers:
            self._covers[word] = self._min_covers(word)
        return self._covers[word]

    def _min_covers(self, word: str) -> list[list[str]]:
        n = len(word)
        best: list[list[list[str]]] = [[] for _ in range(n + 1)]
        best[0] = [[]]
        for end in range(2, n + 1):
            for start in range(max(0, end - MAX_SUBWORD), end - 1):
                piece = word[start:end]
                if not best[start] or piece == word or not self.is_word(piece):
                    continue
                for prev in best[start]:
                    cand = prev + [piece]
                    if not best[end] or len(cand) < len(best[end][0]):
                        best[end] = [cand]
                    elif len(cand) == len(best[end][0]) and len(best[end]) < MAX_COVERS:
                        best[end].append(cand)
        return [c for c in best[n] if len(c) > 1]

    def words(self, text: str) -> list[str]:
        """Precise-mode words of ``text`` (folded), as a query uses them."""
        return [s.text for s in self.segment(text, subwords=False)]


_segmenter: Segmenter | None = None
_segmenter_lock = threading.Lock()


def get_segmenter() -> Segmenter:
    """The process-wide segmenter, built on first use (≈1 s) under a lock.

    Call it at start-up (web app factory, ingest) so no request pays the initialisation.
    """
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                _segmenter = Segmenter()
                log.info("jieba segmenter ready (dictionary %s)", _segmenter.version)
    return _segmenter
