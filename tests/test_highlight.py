"""One highlighter for the search snippet and the document page: token boundaries, escaping."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from markupsafe import Markup

from indexer.analysis import get_segmenter
from indexer.highlight import HighlightTerms, highlight, match_spans
from indexer.models import Document, Paragraph
from indexer.pipeline import index_documents
from indexer.snippets import make_snippet
from indexer.engine import IndexStore
from webui import create_app
from fixture_docs import fixture_docs
from paths import SEED

MARKET = "加强城市场所安全管理，规范市场秩序。"
HOSTILE = "市场<script>alert(1)</script> & \"引号\""


def test_query_word_is_not_marked_inside_a_longer_word() -> None:
    terms = HighlightTerms.from_query("市场")
    assert match_spans(MARKET, terms.words) == [(13, 15)]
    assert highlight(MARKET, terms) == Markup("加强城市场所安全管理，规范<mark>市场</mark>秩序。")
    assert highlight("城市场所", terms) == Markup("城市场所")


def test_output_is_escaped_markup() -> None:
    html = highlight(HOSTILE, HighlightTerms.from_query("市场"))
    assert isinstance(html, Markup)
    assert html == "<mark>市场</mark>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;"
    assert highlight("<b>", HighlightTerms()) == "&lt;b&gt;"


def test_terms_of_a_query() -> None:
    assert HighlightTerms.from_query("再生资源 回收 -安全").words == {"再生资源", "回收"}
    assert HighlightTerms.from_query('"再生资源回收" OR 就业').words == {"再生资源回收", "就业"}
    assert not HighlightTerms.from_query('"unbalanced')
    assert not HighlightTerms.from_query("")
    assert HighlightTerms.from_query("国发[2018]39号").doc_numbers == {"国发〔2018〕39号"}


def test_original_characters_are_kept() -> None:
    assert highlight("推进再生資源回收利用", HighlightTerms.from_query("再生资源回收")) == "推进<mark>再生資源回收</mark>利用"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    index_dir: Path = tmp_path_factory.mktemp("highlight")
    store = IndexStore.create_or_open(index_dir)
    index_documents(store, [Document(doc_id="market-1", kind="policy", title="关于市场秩序的通知", date="2021-01-01",
                          paragraphs=[Paragraph("p1", MARKET), Paragraph("p2", HOSTILE)], sha1="m1")])
    store.close()
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "WARM_LIFECYCLE": False})


def test_document_page_and_snippet_mark_the_same_characters(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/doc/market-1?q=市场").get_data(as_text=True)
    hits = client.get("/api/search?q=市场&group=para").get_json()["hits"]
    snippet = next(h["snippet"] for h in hits if h["para_id"] == "p1")
    assert snippet == make_snippet(MARKET, {"市场"}) == "加强城市场所安全管理，规范<mark>市场</mark>秩序。"
    assert f'<p class="para-text">{snippet}</p>' in page
    assert "城<mark>" not in page
    assert '<p class="para-text"><mark>市场</mark>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;</p>' in page


def test_cutting_only_the_runs_that_hold_a_word_finds_every_token_a_whole_cut_finds() -> None:
    """``word_spans`` cuts only the pieces of a text in which a query word occurs; the marks
    must be those of cutting the whole text, for words, sub-words (转型 inside 数字化转型),
    single characters, Latin letters, digits, full-width and Traditional characters."""
    segmenter = get_segmenter()
    texts = [p.text for d in fixture_docs() for p in d.paragraphs] + SEED.read_text(encoding="utf-8").splitlines()
    texts += ["推進ＡＩ应用，GDP增长6.5%以上；數字化轉型 2020年", "市工信局\n牵头  数字化转型、智能化改造",
              "本地薴麻种植面积扩大"]  # 薴 folds to 苧, and 苧 again to 苎: a run is cut from the original
    words = [{"数字化转型"}, {"转型", "数字化"}, {"市"}, {"gdp", "6.5", "ai"}, {"数字化转型", "市工信局", "会议"},
             {"2020", "年"}, {"不存在的词"}, {"苧麻", "种植"}]
    checked = 0
    for text in texts:
        for chosen in words:
            expected = [(t.start, t.end) for t in segmenter.segment(text) if t.text in chosen]
            assert segmenter.word_spans(text, chosen) == expected, (text, chosen)
            checked += bool(expected)
    assert checked > 50
