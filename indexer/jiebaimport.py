"""jieba, imported without ``pkg_resources``.

jieba 0.42 imports ``pkg_resources`` (setuptools) only to open its own dictionary files; that
import takes about 0.15 s of the server's cold start and warns that it is deprecated. With it
blocked, jieba opens the same files by path, its own fallback (``jieba._compat``). Import
jieba from here, so whichever module is imported first blocks it.
"""
from __future__ import annotations

import sys

_blocked = "pkg_resources" not in sys.modules
if _blocked:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # importing it raises ImportError
try:
    import jieba
finally:
    if _blocked:
        del sys.modules["pkg_resources"]

__all__ = ["jieba"]
