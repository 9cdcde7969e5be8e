"""The domain dictionary: policy terms and gazetteer names that jieba must keep whole.

Its version (a hash of the analyzer version, jieba's version and every entry) is recorded in the
index, since query tokens must be cut exactly as the indexed ones were.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import PolicySearchError
from indexer.jiebaimport import jieba
from indexer.normalize import fold

ANALYZER_VERSION = "1"
DATA_DIR = Path(__file__).resolve().parent / "data"
POLICY_TERMS = DATA_DIR / "policy_terms.txt"

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
