"""Shared fixtures. Tests that need ../shared skip with a reason when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

from paths import CORPUS, ROOT, SEED, SHARED, SHARED_CORPUS  # noqa: F401  (re-exported for tests)


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"needs the shared corpus at {SHARED_CORPUS} (not present on this machine)")
    return SHARED_CORPUS
