"""Chinese analysis for the index: a jieba-based Whoosh tokenizer with correct positions.

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

import ctypes
import hashlib
import logging
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import jieba
from whoosh.analysis import Token, Tokenizer

from indexer.errors import PolicySearchError
from indexer.normalize import fold

log = logging.getLogger(__name__)
# jieba logs "Building prefix dict…" at DEBUG straight to stderr; our own log line says it.
logging.getLogger("jieba").setLevel(logging.WARNING)

ANALYZER_VERSION = "1"
DATA_DIR = Path(__file__).resolve().parent / "data"
POLICY_TERMS = DATA_DIR / "policy_terms.txt"
# Frequency given to domain words without an explicit one: high enough that jieba keeps
# 市工信局 whole in contexts like 由市工信局 / 市工信局蔡剑峰 (see anchors-mission §0).
DOMAIN_FREQ = 50_000
MAX_COVERS = 3  # alternative spellings of one query word by shorter words
MAX_SUBWORD = 8  # longer dictionary words inside a word are rare and add little recall
WORD_MEMO = 500_000  # distinct words whose sub-words are remembered (see Segmenter._learn)
_SKIP: tuple[tuple[str, int], ...] = (("", -1),)  # memo value of a word that is not a token

# One dictionary line: word [freq] [tag]; the word itself may not contain whitespace.
_FREQ = re.compile(r"^\d+$")
_TAG = re.compile(r"^[A-Za-z]{1,8}$")


class DictionaryError(PolicySearchError):
    """A line of a domain dictionary is malformed; the message names ``file:line``."""


@dataclass(frozen=True)
class DictEntry:
    word: str
    freq: int | None = None
    tag: str | None = None


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


def unpack(packed: Packed) -> list[Seg]:
    words, raw = packed
    if not words and not raw:
        return []
    nums = array("i")
    nums.frombytes(raw)
    return [Seg(w, nums[3 * i], nums[3 * i + 1], nums[3 * i + 2]) for i, w in enumerate(words.split(_SEP))]


def cache_dir(path: Path | None = None) -> Path:
    """Project cache folder (``$POLICYSEARCH_CACHE``, default ``~/.cache/policysearch``), created.

    jieba's default cache in the shared temp dir breaks for a second OS user and is unsafe to
    load from others (marshal); ours is private to the user (0700).
    """
    path = path or Path(os.environ.get("POLICYSEARCH_CACHE") or Path.home() / ".cache" / "policysearch")
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise PolicySearchError(f"cannot create the cache folder {path} ({exc}); set POLICYSEARCH_CACHE") from exc
    return path


def parse_dictionary(path: Path) -> list[DictEntry]:
    """Read a ``word [freq] [tag]`` file, refusing anything jieba would silently mis-read.

    jieba accepts ``国务院办公厅 abc n`` as the word "国务院办公厅 abc"; we reject such lines with
    ``file:line`` so a typo in the dictionary is found when it is made, not in search results.
    Blank lines and ``#`` comments are skipped; a UTF-8 BOM is allowed.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path}: dictionary must be UTF-8 ({exc.reason} at byte {exc.start})") from exc
    entries: list[DictEntry] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, rest = parts[0], parts[1:]
        freq: int | None = None
        tag: str | None = None
        if rest and _FREQ.match(rest[0]):
            freq = int(rest.pop(0))
        if rest and _TAG.match(rest[0]):
            tag = rest.pop(0)
        if rest:
            raise DictionaryError(
                f"{path}:{lineno}: malformed dictionary line {raw!r}: expected 'word [freq] [tag]' "
                "(a word may not contain spaces; freq is an integer; tag is letters)"
            )
        if not any(ch.isalnum() for ch in word):
            raise DictionaryError(f"{path}:{lineno}: dictionary word {word!r} has no letters or digits")
        entries.append(DictEntry(fold(word), freq, tag))
    return entries


def _gazetteer_words() -> list[str]:
    """Every department name, short name and alias, so jieba never splits them (§0)."""
    from indexer.gazetteer import get_gazetteer  # late import: keeps analysis importable alone

    words: set[str] = set()
    for dep in get_gazetteer().departments():
        words.update(w for w in (dep.name, dep.short, *dep.aliases) if w)
    return sorted(fold(w) for w in words)


def domain_entries() -> list[DictEntry]:
    """Policy terms plus gazetteer names, deduplicated (policy_terms wins for freq/tag)."""
    entries = {e.word: e for e in (DictEntry(w) for w in _gazetteer_words())}
    entries.update({e.word: e for e in parse_dictionary(POLICY_TERMS)})
    return sorted(entries.values(), key=lambda e: e.word)


def dictionary_version(entries: Sequence[DictEntry] | None = None) -> str:
    """Hash of everything that changes tokens: analyzer code version, jieba version, domain words.

    Recorded in the index metadata; an index built with another version must be rebuilt, since
    query tokens would no longer match indexed tokens.
    """
    entries = domain_entries() if entries is None else entries
    h = hashlib.sha1(f"{ANALYZER_VERSION}|jieba {jieba.__version__}\n".encode())
    for e in entries:
        h.update(f"{e.word}\t{e.freq}\t{e.tag}\n".encode())
    return h.hexdigest()[:16]


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
        self._jieba.initialize()
        for e in entries:
            if e.freq is None and self._jieba.FREQ.get(e.word, 0) > 0:
                continue  # already a jieba word: its own frequency is better calibrated
            self._jieba.add_word(e.word, e.freq or DOMAIN_FREQ, e.tag)
        self._freq = self._jieba.FREQ
        self._covers: dict[str, list[list[str]]] = {}
        self._word_info: dict[str, tuple[tuple[str, int], ...]] = {}
        self._domain_words = frozenset(e.word for e in entries)

    @property
    def cache_file(self) -> str:
        return self._jieba.cache_file

    def is_word(self, word: str) -> bool:
        return self._freq.get(word, 0) > 0

    def segment(self, text: str, subwords: bool = True) -> list[Seg]:
        """Tokens of ``text`` (see module docstring); spans index ``text`` itself.

        The hot loop of every ingest (a third of its CPU time), hence the local names and the
        per-word memo of ``_word_info``."""
        out: list[Seg] = []
        append = out.append
        info = self._word_info
        pos = start = 0
        for word in self._jieba.cut(fold(text), HMM=True):
            end = start + len(word)
            found = info.get(word)
            if found is None:
                found = self._learn(word)
            if found is not _SKIP:
                append(Seg(word, pos, start, end))
                if subwords:
                    for gram, offset in found:
                        append(Seg(gram, pos, start + offset, start + offset + len(gram)))
                pos += 1
            start = end
        return out

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


# --- pre-segmentation in worker processes (the ingest-speed lever) -------------------------

class Presegmented(str):
    """A field value that carries its own packed tokens, so ``PolicyTokenizer`` skips jieba.

    The tokens travel with the value, also through pickling: Whoosh's multi-process writer
    pickles every record to its sub-writers, which then index without re-running jieba.
    """

    packed: Packed

    def __new__(cls, text: str, packed: Packed) -> "Presegmented":
        obj = super().__new__(cls, text)
        obj.packed = packed
        return obj

    def __reduce__(self) -> tuple[type, tuple[str, Packed]]:
        return Presegmented, (str(self), self.packed)


def _segment_many(texts: list[str]) -> list[Packed]:
    seg = get_segmenter()
    return [pack(seg.segment(t)) for t in texts]


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (an ingest killed with SIGKILL must
    not leave workers blocked on their queues for ever); a no-op elsewhere."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Presegmenter:
    """Segments batches of texts in a process pool that lives for one bulk write.

    Pure-Python jieba does ~1 MB/s per core, so ingest spreads it over the cores. The pool is
    forked lazily, on the first batch worth it, after the parent built the segmenter, so the
    workers inherit it instead of rebuilding it (≈1 s each).
    """

    def __init__(self, processes: int = 2, chunk: int = 200):
        self.processes = processes
        self.chunk = chunk
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> "Presegmenter":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def table(self, texts: Iterable[str]) -> dict[str, Packed]:
        """``{text: packed tokens}`` for ``Presegmented`` values."""
        return self.submit(texts)()

    def submit(self, texts: Iterable[str]) -> Callable[[], dict[str, Packed]]:
        """Start segmenting ``texts``; the returned function waits for and returns the table.

        The caller indexes the previous batch meanwhile, so jieba in the workers and Whoosh in
        the writer run at the same time instead of taking turns.
        """
        unique = list(dict.fromkeys(t for t in texts if t))
        if self.processes <= 1 or len(unique) < 2 * self.chunk:
            table = dict(zip(unique, _segment_many(unique)))
            return lambda: table
        if self._pool is None:
            get_segmenter()
            self._pool = multiprocessing.get_context("fork").Pool(self.processes, initializer=die_with_parent)
        batches = [unique[i : i + self.chunk] for i in range(0, len(unique), self.chunk)]
        pending = self._pool.map_async(_segment_many, batches)

        def wait() -> dict[str, Packed]:
            results = pending.get()
            return {t: toks for batch, res in zip(batches, results) for t, toks in zip(batch, res)}

        return wait


def presegment(texts: Iterable[str], processes: int = 2, chunk: int = 200) -> dict[str, Packed]:
    """One-off ``Presegmenter(processes, chunk).table(texts)``."""
    with Presegmenter(processes, chunk) as pre:
        return pre.table(texts)


class PolicyTokenizer(Tokenizer):
    """Whoosh tokenizer over ``Segmenter``; pickled into the index schema by dotted path.

    It holds no jieba state itself (the segmenter is process-wide), so pickling is cheap and an
    index opens without re-reading dictionaries.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        packed = getattr(value, "packed", None) if mode != "query" else None
        if packed is not None:
            segs = unpack(packed)
        else:
            segs = get_segmenter().segment(value, subwords=(mode != "query"))
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for s in segs:
            t.text = s.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[s.start : s.end]
            if positions:
                t.pos = start_pos + s.pos
            if chars:
                t.startchar = start_char + s.start
                t.endchar = start_char + s.end
            yield t


def policy_analyzer() -> PolicyTokenizer:
    """The analyzer of every analysed field (case folding already happens in ``fold``)."""
    return PolicyTokenizer()
