"""The engine-neutral query tree: what the query language compiles to, and what an engine runs.

A small vocabulary of frozen (hashable) nodes, so a compiled query can key caches and be
compared in tests. Field names are the index's logical fields (``text``, ``article``, ``title``,
``departments``, ``topics``, ``kind``, ``year``, ``meeting``, ``meeting_no``, ``doc_number``,
``references``); the engine maps them to its own. Nothing here knows Whoosh.

Two nodes carry meaning beyond boolean logic:

* ``DocLevel``: a condition on document-level values (title words, kind, year, meeting,
  发文字号), true for every paragraph of a matching document. Paragraphs do not index these
  values; the engine resolves the condition against document records.
* ``Coordinated``: the OR of the fallback search (a minimum-should-match over the typed words):
  a paragraph must hold one of the rarest clauses, and paragraphs holding more of the clauses,
  weighted by idf, rank first (coverage), then by score. Each clause keeps the words it was
  typed as (``labels``), so the search can say which words the best result lacks.
"""
from __future__ import annotations

from dataclasses import dataclass

# Score added per matched clause of a ``Coordinated`` OR (one-term BM25F scores are 3-15).
OR_CLAUSE_BONUS = 5.0


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """Integers ``low``..``high`` inclusive of a numeric field (year, meeting_no)."""

    field: str
    low: int
    high: int


@dataclass(frozen=True)
class Every:
    """Every paragraph (the positive side of a query made only of exclusions)."""


@dataclass(frozen=True)
class And:
    children: tuple[Q, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    children: tuple[Q, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    child: Q


@dataclass(frozen=True)
class AndMaybe:
    """``required``, scored higher where ``optional`` matches too."""

    required: Q
    optional: Q


@dataclass(frozen=True)
class WordMatch:
    """The alternatives of one query word (in the text, or the rest of the law article the
    paragraph opens; in the title; then its covers as phrases). Knowing its word lets the engine
    drop the covers of a compound that the index holds often enough as one token
    (``engine.translate.COVER_MAX_FREQUENCY``); the first two alternatives are the word itself
    and always stay."""

    word: str
    alternatives: tuple[Q, ...]


@dataclass(frozen=True)
class DocLevel:
    inner: Q
    boost: float = 1.0


@dataclass(frozen=True)
class Coordinated:
    clauses: tuple[Q, ...]
    labels: tuple[str, ...] = ()  # the typed words of each clause (empty: unnamed)


Q = Term | Phrase | Range | Every | And | Or | Not | AndMaybe | WordMatch | DocLevel | Coordinated


def children(node: Q) -> tuple[Q, ...]:
    """Direct sub-queries of ``node`` (for walks that need no rebuild)."""
    if isinstance(node, (And, Or)):
        return node.children
    if isinstance(node, Not):
        return (node.child,)
    if isinstance(node, AndMaybe):
        return (node.required, node.optional)
    if isinstance(node, WordMatch):
        return node.alternatives
    if isinstance(node, DocLevel):
        return (node.inner,)
    if isinstance(node, Coordinated):
        return node.clauses
    return ()
