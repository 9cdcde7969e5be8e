"""docs/INTERFACES.md stays honest: it names every module, and what it names exists."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "INTERFACES.md"
PACKAGES = ("indexer", "webui")

# a path such as indexer/engine/store.py or webui/links.py (a trailing "/" is a folder)
PATH = re.compile(r"(?<![\w/.])((?:indexer|webui)/[\w./-]*[\w/])")
# a dotted name such as indexer.query.search inside a backtick span
DOTTED = re.compile(r"(?<![\w.])((?:indexer|webui)(?:\.\w+)+)")
BACKTICKS = re.compile(r"`([^`\n]+)`")


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def modules() -> list[str]:
    """Every module file the doc must name, as a path relative to the project root."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if path.name == "__main__.py":
                continue
            if path.name == "__init__.py" and rel != "indexer/engine/__init__.py":
                continue
            found.append(rel)
    return found


def doc_paths() -> set[str]:
    return {m.rstrip("/") for m in PATH.findall(doc_text())}


def dotted_names() -> list[str]:
    names: list[str] = []
    for span in BACKTICKS.findall(doc_text()):
        for name in DOTTED.findall(span):
            if name not in names:
                names.append(name)
    return names


def resolve(name: str) -> object:
    """Import the longest importable module prefix of ``name`` and getattr the rest."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError as exc:
            if exc.name is not None and not ".".join(parts[:cut]).startswith(exc.name):
                raise  # the module exists but one of its own imports is missing
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)  # AttributeError names what is missing
        return obj
    raise ModuleNotFoundError(name)


def test_the_checks_see_something() -> None:
    assert len(modules()) > 80
    assert "indexer/engine/__init__.py" in modules()
    assert "indexer/query.py" in doc_paths()
    assert len(dotted_names()) > 30


def test_every_module_is_named_by_its_path() -> None:
    named = doc_paths()
    missing = [m for m in modules() if m not in named]
    assert not missing, f"docs/INTERFACES.md does not name: {missing}"


def test_every_path_in_the_doc_exists() -> None:
    gone = sorted(p for p in doc_paths() if not (ROOT / p).exists())
    assert not gone, f"docs/INTERFACES.md names paths that do not exist: {gone}"


@pytest.mark.parametrize("name", dotted_names())
def test_every_dotted_name_resolves(name: str) -> None:
    try:
        resolve(name)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"docs/INTERFACES.md names `{name}`, which does not resolve: {exc}")


def test_path_pattern() -> None:
    text = "see `indexer/engine/store.py`, indexer/extract/ and webui/links.py."
    assert set(PATH.findall(text)) == {"indexer/engine/store.py", "indexer/extract/", "webui/links.py"}
    assert DOTTED.findall("indexer.query.search(store, params)") == ["indexer.query.search"]
