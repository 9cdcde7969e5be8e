"""The search engine boundary: everything that knows Whoosh lives in this package.

The rest of the project speaks to it through the typed interfaces below: the query language
compiles to the engine-neutral tree of ``indexer.querytree``, a request reads one generation
through a ``SearchSnapshot``, and ingest writes documents already segmented by
``indexer.presegment`` through ``DocumentStore.write``. A second engine would implement the same
protocols beside ``whoosh`` without touching the query language, the web UI or the tests of
behaviour.

The Whoosh implementation relies on private Whoosh names (the fast segment writer, the posting
cache, the parallel writer); ``tests/test_whoosh_contract.py`` pins the version and every such
name, so an upgrade or a fork fails there with a clear message rather than deep in a search.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Protocol, TypeVar

from indexer.engine.matching import Match
from indexer.engine.store import IndexStore
from indexer.engine.writer import WriteReport
from indexer.facets import FacetIndex
from indexer.models import Document
from indexer.presegment import SegmentedBatch
from indexer.querytree import Q

T = TypeVar("T")

__all__ = ["DocumentStore", "IndexStore", "Match", "SearchSnapshot", "SearchableStore", "WriteReport"]


class SearchSnapshot(Protocol):
    """One index generation for one request."""

    @property
    def generation(self) -> int: ...

    @property
    def facets(self) -> FacetIndex: ...

    @property
    def paragraphs(self) -> list[int]: ...

    @property
    def documents(self) -> int: ...

    def doc_of(self, docnum: int) -> str | None: ...

    def paragraphs_of(self, doc_id: str) -> Sequence[int]: ...

    def info_document(self, doc_id: str) -> Document | None: ...

    def info_documents(self) -> Iterable[Document]: ...

    def word_frequency(self, word: str) -> int: ...

    def year_scope(self, low: int | None, high: int | None) -> AbstractSet[int] | None: ...

    def match(self, query: Q | None, scope: AbstractSet[int] | None, selections: Mapping[str, frozenset[int]],
              limit: int, deadline: float, scored: bool, narrow: bool = True) -> Match: ...

    def by_date(self, docs: AbstractSet[int] | None, limit: int, newest: bool, by: str = "date") -> list[int]: ...

    def hit_fields(self, docnum: int) -> dict[str, Any]: ...

    def para_id(self, docnum: int) -> str: ...


class SearchableStore(Protocol):
    """What a search needs of a store."""

    def snapshot(self) -> SearchSnapshot: ...

    def derived(self, key: Callable[..., Any], build: Callable[[Any], T]) -> T: ...


class DocumentStore(SearchableStore, Protocol):
    """The whole store contract used by ingest, the CLI and the web UI."""

    def write(self, batches: Iterable[SegmentedBatch], lock_timeout: float = 30.0, workers: int = 1) -> WriteReport: ...

    def content_hash(self, doc_id: str) -> str | None: ...

    def remove(self, doc_ids: Iterable[str], lock_timeout: float = 30.0) -> int: ...

    def get_document(self, doc_id: str) -> Document | None: ...

    def iter_documents(self, with_paragraphs: Callable[[Document], bool] | None = None) -> Iterator[Document]: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
