"""What the app opens once at start-up (the index, the analyzer) and the per-request accessor."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from indexer.analysis import get_segmenter
from indexer.engine import IndexStore
from indexer.query import SearchParams
from indexer.resultcache import DEFAULT_ENTRIES, ResultCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    store: IndexStore
    results: ResultCache


def open_resources(index_dir: str | Path, result_cache: int = DEFAULT_ENTRIES) -> Resources:
    """Open the index read-only and warm jieba, so no request pays the start-up cost.

    ``IndexStore.open`` raises ``IndexMissingError`` / ``RebuildRequiredError`` (missing, foreign,
    outdated or unreadable index) with a message the CLI prints as is.
    """
    get_segmenter()
    store = IndexStore.open(Path(index_dir), readonly=True)
    log.info("index %s open", index_dir)
    return Resources(store=store, results=ResultCache(result_cache))


def resources() -> Resources:
    """The current app's index (valid inside a request or app context)."""
    res: Resources = current_app.extensions["policysearch"]
    return res


def run_search(params: SearchParams) -> dict[str, Any]:
    """A search of the served index, answered from the result cache when it was asked before
    in this generation (every page and API call searches through here)."""
    res = resources()
    return res.results.search(res.store, params)
