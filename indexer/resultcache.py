"""The answers of recent searches of the index generation being served.

A search's answer depends only on its parameters and the index generation (the order of results
is a property of the query and the filters, never of the page asked for or of the load), and the
same search comes back often: a results page and its JSON, the facet links that lead back, the
feed readers polling a query, the next page of the same ranking. So the server keeps the last
answers, as Solr's query result cache does, and forgets them all when a commit makes a new
generation. A search cut short by the time limit is not kept: it may be complete next time.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import astuple
from typing import Any

from .engine import SearchableStore
from .query import NOTICE_TIMEOUT, SearchParams, search

DEFAULT_ENTRIES = 256  # a result is 0.5-30 kB of JSON: a few MB in all


class ResultCache:
    """``search`` with the answers of the current generation kept, least recently used dropped
    first; ``entries=0`` keeps none. Thread-safe; two threads missing the same key both search
    (the answer is the same), rather than one waiting for the other."""

    def __init__(self, entries: int = DEFAULT_ENTRIES):
        self.entries = entries
        self.hits = 0
        self.misses = 0
        self._generation: Any = None
        self._answers: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def search(self, store: SearchableStore, params: SearchParams) -> dict[str, Any]:
        """``indexer.query.search(store, params)``; a kept answer is shared between callers,
        which must not change it (``took_ms`` is this call's own)."""
        if self.entries <= 0:
            return search(store, params)
        t0 = time.perf_counter()
        generation = store.snapshot().generation
        key = _key(params)
        with self._lock:
            if generation != self._generation:
                self._answers.clear()
                self._generation = generation
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
        if found is not None:
            return {**found, "took_ms": round((time.perf_counter() - t0) * 1000, 1)}
        result = search(store, params)
        if NOTICE_TIMEOUT not in (result.get("notice") or ""):
            with self._lock:
                if generation == self._generation:
                    self._answers[key] = result
                    while len(self._answers) > self.entries:
                        self._answers.popitem(last=False)
        return result


def _key(params: SearchParams) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in astuple(params))
