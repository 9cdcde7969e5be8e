"""您是不是要找：… — spelling suggestions from the index's own vocabulary.

A researcher who types 营商坏境 gets almost nothing; the index holds 营商环境 in hundreds of
paragraphs. Chinese typos are mostly a wrong character of the same or a similar sound (坏/环)
or two characters swapped, so a suggestion is a frequent index word at one substitution or one
transposition from a stretch of the query that the index does not explain.

Speed: candidates come from ``SpellVocabulary``, the frequent multi-character words of the index
held in memory with one-character-masked keys (营商?境 -> 营商环境), built once per index
generation. A request does a few dictionary lookups per query character; it never scans the
lexicon.

Ranking: most typos come from a pinyin input method, so a candidate whose changed character
sounds like the typed one (够/购 gou, 坏/环 huai/huan) comes before a more frequent one that does
not (采够 -> 采购, not 采取); readings from ``pypinyin``.

Safety: only characters that no word known to the index explains are changed (优化营商环境 is
left alone however many look-alikes exist); a replacement must be much more frequent than what
was typed; and a suggestion is made only when the corrected word is made entirely of known words.
"""
from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from indexer.analysis import get_segmenter
from indexer.normalize import fold

log = logging.getLogger(__name__)

MIN_LENGTH, MAX_LENGTH = 2, 8  # characters of vocabulary words (and of query stretches tried)
MAX_WORDS = 60_000  # most frequent words kept in memory (a few MB with their masks)
MIN_FREQUENCY = 5  # paragraphs a word needs to be a suggestion at all
EXPLAINED = 1  # paragraphs that make a typed multi-character word "known" (then it is not fixed)
RATIO = 10  # a replacement must be this many times more frequent than the stretch typed
TWO_CHAR_RATIO = 50  # two-character stretches have many look-alikes: stricter
SHORT = 4  # stretches shorter than this take only same- or near-sounding substitutions
MASK = "\x00"
_CJK_RUN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
# Initials a pinyin typist confuses (flat/retroflex, n/l, f/h).
_CONFUSED_INITIALS = {frozenset(p) for p in (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"))}


@lru_cache(maxsize=20_000)
def _readings(ch: str) -> tuple[tuple[str, str], ...]:
    """(initial, final) of every reading of ``ch``, toneless.

    Only single characters are looked up, so pypinyin is imported without its phrase
    dictionary and without its private copies of the tables (44 MB and a second of import
    less), and only when the first suggestion is sought, not at server start.
    """
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, pinyin

    initials = pinyin(ch, style=Style.INITIALS, heteronym=True, strict=False)[0]
    finals = pinyin(ch, style=Style.FINALS, heteronym=True, strict=False)[0]
    return tuple(zip(initials, finals))


def sound_similarity(a: str, b: str) -> int:
    """2: a reading in common; 1: near (same initial and finals alike as in/ing or uai/uan, or
    the same final with confusable initials such as z/zh); 0: otherwise."""
    best = 0
    for ia, fa in _readings(a):
        for ib, fb in _readings(b):
            if (ia, fa) == (ib, fb):
                return 2
            near_final = fa.rstrip("g") == fb.rstrip("g") or (len(fa) > 1 and fa[:2] == fb[:2])
            if (ia == ib and near_final) or (fa == fb and frozenset((ia, ib)) in _CONFUSED_INITIALS):
                best = 1
    return best


class SpellVocabulary:
    """Frequent CJK words of the index and their masked keys (one character replaced by a mask)."""

    def __init__(self, words: Iterable[tuple[str, int]], max_words: int = MAX_WORDS,
                 min_frequency: int = MIN_FREQUENCY):
        """``words``: ``(word, paragraphs)`` pairs, e.g. ``candidate_words(snapshot.vocabulary())``; only
        CJK words of ``MIN_LENGTH``-``MAX_LENGTH`` characters seen in at least
        ``min_frequency`` paragraphs are kept, the ``max_words`` most frequent of them."""
        kept = sorted(
            ((fold(w), f) for w, f in words
             if f >= min_frequency and MIN_LENGTH <= len(w) <= MAX_LENGTH and _CJK_RUN.match(w)),
            key=lambda wf: (-wf[1], wf[0]),
        )[:max_words]
        self.frequency: dict[str, int] = dict(kept)
        masks: dict[str, list[str]] = defaultdict(list)
        for word in self.frequency:
            for i in range(len(word)):
                masks[word[:i] + MASK + word[i + 1:]].append(word)
        self._masks = dict(masks)

    def __len__(self) -> int:
        return len(self.frequency)

    def candidates(self, stretch: str, positions: Iterable[int] | None = None) -> list[str]:
        """Vocabulary words one substitution or one adjacent transposition away from
        ``stretch``, changing only at ``positions`` (default: anywhere); best first: a
        transposition or same-sounding substitution, then near-sounding, then by frequency.
        Stretches shorter than ``SHORT`` take only sound-alike substitutions."""
        allowed = set(range(len(stretch)) if positions is None else positions)
        found: dict[str, int] = {}
        for i in allowed:
            if not 0 <= i < len(stretch):
                continue
            for word in self._masks.get(stretch[:i] + MASK + stretch[i + 1:], ()):
                sound = sound_similarity(stretch[i], word[i])
                if word != stretch and (sound or len(stretch) >= SHORT):
                    found[word] = max(found.get(word, 0), sound)
            for j in (i - 1, i):  # the swap of (j, j+1) touches an allowed position
                if 0 <= j < len(stretch) - 1 and stretch[j] != stretch[j + 1]:
                    swapped = stretch[:j] + stretch[j + 1] + stretch[j] + stretch[j + 2:]
                    if swapped in self.frequency:
                        found[swapped] = 2
        return sorted(found, key=lambda w: (-found[w], -self.frequency[w], w))

    def suggest(self, words: Sequence[str], vocabulary_frequency: Callable[[str], int]) -> str | None:
        """The query words with their likely typos corrected, joined by spaces; None when no
        word needs or finds a correction. ``vocabulary_frequency(word)``: paragraphs of the
        index holding ``word`` (folded) as a token."""
        changed = False
        out: list[str] = []
        for word in words:
            fixed = self._correct(fold(word), vocabulary_frequency)
            changed |= fixed is not None
            out.append(fixed if fixed is not None else word)
        return " ".join(out) if changed else None

    def _correct(self, word: str, frequency: Callable[[str], int]) -> str | None:
        if not _CJK_RUN.match(word) or len(word) < MIN_LENGTH:
            return None
        unexplained = self._unexplained(word, frequency)
        if not unexplained:
            return None
        current = word
        while unexplained:
            fixed = self._best_fix(current, unexplained, frequency)
            if fixed is None:
                return None  # a partial correction would still be a guess
            current, unexplained = fixed
        return current

    def _unexplained(self, word: str, frequency: Callable[[str], int]) -> set[int]:
        """Positions of characters not covered by a multi-character jieba word the index holds."""
        positions: set[int] = set()
        for seg in get_segmenter().segment(word, subwords=False):
            if len(seg.text) < 2 or max(frequency(seg.text), self.frequency.get(seg.text, 0)) < EXPLAINED:
                positions.update(range(seg.start, seg.end))
        return positions

    def _best_fix(self, word: str, unexplained: set[int],
                  frequency: Callable[[str], int]) -> tuple[str, set[int]] | None:
        """The best one-character fix, longest stretch first, that leaves fewer unexplained
        characters and none inside the corrected stretch: (corrected word, still unexplained)."""
        for length in range(min(MAX_LENGTH, len(word)), MIN_LENGTH - 1, -1):
            options: list[tuple[int, int, int, str]] = []
            for start in range(len(word) - length + 1):
                inside = [i - start for i in range(start, start + length) if i in unexplained]
                if not inside:
                    continue
                stretch = word[start : start + length]
                typed = max(frequency(stretch), self.frequency.get(stretch, 0))
                ratio = TWO_CHAR_RATIO if length == 2 else RATIO
                for rank, cand in enumerate(self.candidates(stretch, inside)):
                    if self.frequency[cand] >= max(MIN_FREQUENCY, ratio * typed):
                        options.append((rank, -self.frequency[cand], start, cand))
            for _, _, start, cand in sorted(options):
                fixed = word[:start] + cand + word[start + length:]
                left = self._unexplained(fixed, frequency)
                if len(left) < len(unexplained) and not left.intersection(range(start, start + length)):
                    return fixed, left
        return None


def suggest(words: Sequence[str], vocabulary_frequency: Callable[[str], int],
            vocabulary: SpellVocabulary) -> str | None:
    """``vocabulary.suggest(words, vocabulary_frequency)``; see ``SpellVocabulary``."""
    return vocabulary.suggest(words, vocabulary_frequency)


def notice(suggestion: str | None) -> str | None:
    """The line shown above the results (Chinese only)."""
    return f"您是不是要找：{suggestion}" if suggestion else None


def candidate_words(words: Iterable[tuple[str, int]]) -> Iterator[tuple[str, int]]:
    """The CJK words of a vocabulary (``(word, paragraphs)`` pairs, e.g. a snapshot's
    ``vocabulary()``) of a length worth suggesting."""
    for word, frequency in words:
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and _CJK_RUN.match(word):
            yield word, frequency
