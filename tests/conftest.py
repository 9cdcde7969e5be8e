"""Shared fixtures. Tests that need ../shared skip with a reason when it is absent."""
from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fixture_docs import fixture_docs
from indexer.engine import IndexStore
from indexer.extract import Limits, extract_path
from indexer.models import Attendee, Document, Paragraph, Reference
from indexer.pipeline import index_documents, read_document
from paths import CORPUS, ROOT, SEED, SHARED, SHARED_CORPUS  # noqa: F401  (re-exported for tests)
from webui import create_app

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"needs the shared corpus at {SHARED_CORPUS} (not present on this machine)")
    return SHARED_CORPUS


# --- indexes and apps shared by the web, API, browser and hardening tests ---------------------


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the shipped sample corpus, built once per session by the real pipeline.

    Kept at a fixed place under the session's base temp folder so test modules that import this
    fixture reuse the index instead of ingesting again.
    """
    from indexer.pipeline import ingest  # only these tests need the parsers

    index_dir = tmp_path_factory.getbasetemp() / "web-corpus-index"
    if not (index_dir / "policysearch.json").is_file():
        report = ingest([CORPUS], index_dir)
        assert report.documents >= 360, report.summary()
    return index_dir


@pytest.fixture(scope="session")
def corpus_app(corpus_index: Path) -> Flask:
    return create_app({"INDEX_DIR": str(corpus_index), "TESTING": True})


@pytest.fixture
def client(corpus_app: Flask) -> FlaskClient:
    return corpus_app.test_client()


def hostile_documents() -> list[Document]:
    """Besides ``fixture_docs.hostile_doc``: markup in issuer, topics, departments, references and a
    ``javascript:`` source URL; plus the document its first reference should link to."""
    attr = '" onmouseover="alert(2)'
    return [
        Document(
            doc_id="hostile-1",
            kind="policy",
            title=f"关于{SCRIPT}测试的通知",
            date="2021-03-01",
            issuer=f"{attr}&办公室",
            doc_number="苏府〔2021〕1号",
            source_url="javascript:alert(3)",
            paragraphs=[
                Paragraph("p1", f"测试段落{SCRIPT}注入 & 转义", page=1, label="一", item="一",
                          departments=[f"{SCRIPT}局"], topics=[attr]),
                Paragraph("p2", "第二段：引用《苏州市再生资源管理办法》和苏府［2019］7号。", page=2, label="二", item="二"),
            ],
            references=[Reference(title="苏州市再生资源管理办法"), Reference(title=f"{SCRIPT}办法"),
                        Reference(title="另一个标题", doc_number="苏府［2019］7号")],
            attendees=[Attendee("出席", "张三", None), Attendee("列席", "李四", "<b>市发改委</b>"),
                       Attendee("列席", "王五", "市商务局")],
            departments=[f"{SCRIPT}局"],
            topics=[attr],
            sha1="hostile-1",
        ),
        Document(
            doc_id="suzhou-waste-rules",
            kind="policy",
            title="苏州市再生资源管理办法",
            date="2019-05-01",
            issuer="苏州市人民政府",
            doc_number="苏府〔2019〕7号",
            paragraphs=[Paragraph("p1", "第一条 为了规范再生资源回收，制定本办法。", label="第一条")],
            sha1="waste",
        ),
    ]


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``fixture_docs`` (six hand-made records) plus ``hostile_documents``, written by the store."""
    index_dir = tmp_path_factory.getbasetemp() / "web-fixture-index"
    if not (index_dir / "policysearch.json").is_file():
        store = IndexStore.create_or_open(index_dir)
        index_documents(store, fixture_docs() + hostile_documents())
        store.close()
    return index_dir


@pytest.fixture(scope="session")
def fixture_app(fixture_index: Path) -> Flask:
    return create_app({"INDEX_DIR": str(fixture_index), "TESTING": True})


@pytest.fixture
def fclient(fixture_app: Flask) -> FlaskClient:
    return fixture_app.test_client()


@pytest.fixture
def fresh_store(tmp_path: Path) -> IndexStore:
    """A real index of ``fixture_docs`` at ``tmp_path / "index"``, the test's own (it may write)."""
    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, fixture_docs())
    yield s
    s.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndexStore:
    """A real index of ``fixture_docs`` (one per test module, so a module may add to it)."""
    s = IndexStore.create_or_open(tmp_path_factory.mktemp("fixture-store") / "index")
    index_documents(s, fixture_docs())
    yield s
    s.close()


@pytest.fixture(scope="session")
def laws_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexStore]:
    """Fixtures plus 60 real regulations, written in three commits (three segments): common
    words in thousands of paragraphs, for checking our matching against Whoosh's own."""
    extracted, _ = extract_path(CORPUS / "laws-lawrefbook-sample.jsonl", Limits())
    docs = fixture_docs() + list(islice((read_document(ex) for ex in extracted), 60))
    store = IndexStore.create_or_open(tmp_path_factory.mktemp("laws") / "index")
    for part in (docs[:20], docs[20:45], docs[45:]):
        index_documents(store, part, workers=1)
    yield store
    store.close()
