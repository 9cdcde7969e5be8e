"""Synonyms and abbreviations of policy language, shipped as data (``data/synonyms.tsv``).

Researchers type 双碳, 网约车, 个税, 放管服; documents write 碳达峰 … 碳中和, 网络预约出租汽车,
个人所得税, 简政放权、放管结合、优化服务. The search adds each expansion as an alternative with a
lower weight than the words typed. Every entry names its source (docs/QUERY.md): a researcher
cites what the search finds, so an entry must be right, not merely plausible.

File format, one entry per line, tab-separated, ``#`` comments::

    term  relation  alternative  source

* ``alternative``: one or more space-separated words that must all occur (in one paragraph) for
  the alternative to match: ``碳达峰 碳中和``.
* ``relation``: ``=`` the two spellings are the same thing, so each expands to the other
  (the alternative must then be one word); ``>`` the term stands for the alternative only
  (双碳 > 碳达峰 碳中和: a paragraph with only 碳达峰 is not about 双碳).
* Equivalences are not chained: 医保 = 医疗保障 and 医保 = 医疗保险 do not make 医疗保障 and
  医疗保险 the same.

Terms are matched on folded text (``normalize.fold``), so Traditional and full-width input finds
the same entries.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import PolicySearchError
from indexer.normalize import fold

log = logging.getLogger(__name__)

SYNONYMS_PATH = Path(__file__).resolve().parent / "data" / "synonyms.tsv"
RELATIONS = ("=", ">")
MAX_TERM = 16  # longest term looked for by ``find``


class SynonymsError(PolicySearchError):
    """A line of the synonyms file is malformed; the message names ``file:line``."""


@dataclass(frozen=True)
class Synonym:
    term: str
    relation: str
    alternative: tuple[str, ...]
    source: str


def parse_synonyms(path: Path = SYNONYMS_PATH) -> list[Synonym]:
    """Entries of ``path`` in file order; ``SynonymsError`` names the first bad line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsError(f"{path}: cannot read the synonyms file ({exc})") from exc
    entries: list[Synonym] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 4 or not all(p.strip() for p in parts):
            raise SynonymsError(f"{path}:{lineno}: expected 4 tab-separated fields (term, relation, alternative, source): {raw!r}")
        term, relation, alternative, source = (p.strip() for p in parts)
        words = tuple(alternative.split())
        if " " in term:
            raise SynonymsError(f"{path}:{lineno}: a term is one word: {term!r}")
        if relation not in RELATIONS:
            raise SynonymsError(f"{path}:{lineno}: relation must be one of {RELATIONS}, not {relation!r}")
        if relation == "=" and len(words) != 1:
            raise SynonymsError(f"{path}:{lineno}: '=' needs a one-word alternative (use '>' for {alternative!r})")
        if fold(term) in {fold(w) for w in words}:
            raise SynonymsError(f"{path}:{lineno}: {term!r} expands to itself")
        key = (fold(term), tuple(fold(w) for w in words))
        if key in seen:
            raise SynonymsError(f"{path}:{lineno}: duplicate entry {term!r} -> {alternative!r}")
        seen.add(key)
        entries.append(Synonym(term, relation, words, source))
    return entries


class Synonyms:
    """Lookup tables built once from the entries (a few hundred: microseconds per lookup)."""

    def __init__(self, entries: list[Synonym]):
        table: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for e in entries:
            table[fold(e.term)].append(e.alternative)
            if e.relation == "=":
                table[fold(e.alternative[0])].append((e.term,))
        self._table = {term: list(dict.fromkeys(alts)) for term, alts in table.items()}
        self.entries = entries

    def expansions(self, word: str) -> list[tuple[str, ...]]:
        """Alternatives of ``word`` (folded before lookup); each alternative is a tuple of words
        that must occur together. ``[]`` for a word without entries."""
        return list(self._table.get(fold(word.strip()), ()))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Terms inside ``text``, longest first, non-overlapping: ``(start, end, term)``.

        jieba may cut a typed run into several words that together make a term (放管服改革 is
        one run), so terms are looked for in the characters typed; but a term must start and end
        where the project's segmenter puts word boundaries (those of a domain compound's covers
        included), so 工商 is not found inside 工商银行."""
        from indexer.analysis import get_segmenter  # late: the table itself needs no jieba

        folded = fold(text)
        segmenter = get_segmenter()
        starts: set[int] = set()
        ends: set[int] = set()
        for seg in segmenter.segment(text, subwords=False):
            starts.add(seg.start)
            ends.add(seg.end)
            # A domain compound (放管服改革) also breaks where its spellings by shorter
            # dictionary words do (放管服 + 改革); general words such as 工商银行 do not.
            for cover in segmenter.covers(seg.text):
                at = seg.start
                for piece in cover:
                    starts.add(at)
                    at += len(piece)
                    ends.add(at)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(folded):
            if i in starts:
                for n in range(min(MAX_TERM, len(folded) - i), 0, -1):
                    if i + n in ends and folded[i : i + n] in self._table:
                        found.append((i, i + n, folded[i : i + n]))
                        i += n
                        break
                else:
                    i += 1
            else:
                i += 1
        return found


_synonyms: Synonyms | None = None
_lock = threading.Lock()


def get_synonyms() -> Synonyms:
    """The process-wide table from ``data/synonyms.tsv``, loaded on first use."""
    global _synonyms
    if _synonyms is None:
        with _lock:
            if _synonyms is None:
                _synonyms = Synonyms(parse_synonyms(SYNONYMS_PATH))
                log.info("synonyms: %d entries", len(_synonyms.entries))
    return _synonyms


def expansions(word: str) -> list[tuple[str, ...]]:
    """``get_synonyms().expansions(word)``."""
    return get_synonyms().expansions(word)
