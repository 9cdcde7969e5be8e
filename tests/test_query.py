"""Search over a real Whoosh index of the fixture corpus: syntax, filters, facets, abuse."""
from __future__ import annotations

import time

import pytest

from indexer.errors import QueryError
from indexer import query
from indexer.pipeline import index_documents
from indexer.query import NOTICE_FALLBACK, NOTICE_TIMEOUT, SearchParams, search, year_histogram
from indexer.engine import IndexStore
from fixture_docs import GONGXIAO, GONGXIN, SHICHANG, YINGJI


def run(store: IndexStore, q: str = "", **kw) -> dict:
    """A paragraph-level search (grouped results are tested in test_paging.py)."""
    kw.setdefault("group", "para")
    return search(store, SearchParams(q=q, **kw))


def keys(result: dict) -> list[str]:
    return [f"{h['doc_id']}#{h['para_id']}" for h in result["hits"]]


SEED = "suzhou-gov-exec-120"


def test_result_shape(store):
    r = run(store, "两客一危")
    assert set(r) == {"query", "total", "total_docs", "group", "page", "per_page", "fallback", "dropped", "hits", "facets",
                      "took_ms", "notice", "suggestion", "selected"}
    assert (r["query"], r["total"], r["total_docs"], r["page"], r["per_page"], r["fallback"], r["notice"]) == (
        "两客一危", 1, 1, 1, 10, None, None)
    hit = r["hits"][0]
    assert set(hit) == {"doc_id", "para_id", "title", "kind", "date", "meeting", "item", "label", "departments", "topics",
                        "doc_number", "jurisdiction", "page", "indexed_at", "text", "snippet", "citation", "score"}
    assert hit["doc_id"] == SEED and hit["para_id"] == "p4"
    assert hit["indexed_at"] == store.get_document(SEED).indexed_at
    assert hit["meeting"] == "苏州市政府第120次常务会议"
    assert (hit["kind"], hit["date"], hit["item"], hit["page"]) == ("minutes", "2020-12-07", "一", 3)
    assert hit["citation"] == "苏州市政府第120次常务会议纪要 一（三） 第3页"
    assert hit["topics"] == ["市场监管、安全生产监管"]
    assert "<mark>两客一危</mark>" in hit["snippet"]
    assert isinstance(hit["score"], float)
    assert set(r["facets"]) == {"department", "lead", "issuer", "year", "topic", "kind", "meeting", "jurisdiction",
                                "dept_type", "legal_level"}


@pytest.mark.parametrize("q, expected", [
    ('"智能化改造和数字化转型"', [f"{SEED}#p5", f"{SEED}#p6", f"{SEED}#p7", f"{SEED}#p1"]),
    ("“双随机、一公开”", ["gov-fb744a8adc#p1", "gov-fb744a8adc#p3", "gov-fb744a8adc#p2"]),
    ("「两客一危」", [f"{SEED}#p4"]),
    ('"改造和数字化"', [f"{SEED}#p5", f"{SEED}#p6", f"{SEED}#p7", f"{SEED}#p1"]),
])
def test_quoted_phrases(store, q, expected):  # J1
    assert keys(run(store, q)) == expected


def test_phrase_is_stricter_than_words(store):
    assert run(store, "营商环境 改善")["total"] == 1
    assert run(store, '"改善营商环境"')["total"] == 0


def test_adjacent_words_rank_above_scattered_ones(tmp_path):
    from indexer.models import Document, Paragraph

    s = IndexStore.create_or_open(tmp_path / "index")
    index_documents(s, [
        Document("a", "policy", "甲", paragraphs=[Paragraph("p1", "推进数字化转型，开展智能化改造。")], sha1="a"),
        Document("b", "policy", "乙", paragraphs=[Paragraph("p1", "推进智能化改造数字化转型工作。")], sha1="b"),
    ])
    r = run(s, "智能化改造数字化转型")
    assert (r["total"], [h["doc_id"] for h in r["hits"]]) == (2, ["b", "a"])
    assert r["hits"][0]["snippet"] == "推进<mark>智能化改造数字化转型</mark>工作。"
    s.close()


def test_department_abbreviation_and_full_name_filter_the_same_paragraphs(store):
    for short, full, expected in (("市工信局", GONGXIN, 1), ("市场监管局", SHICHANG, 4), ("市应急局", YINGJI, 1),
                                  ("市供销社", GONGXIAO, 1)):
        a, b = run(store, departments=[short]), run(store, departments=[full])
        assert a["total"] == b["total"] == expected
        assert keys(a) == keys(b)
        assert keys(run(store, f"部门:{short}")) == keys(run(store, f"dept：{full}")) == keys(b)


def test_department_alias_as_a_word_matches_tag_and_text(store):
    r = run(store, "市应急局")
    assert keys(r) == [f"{SEED}#p3"]
    assert "<mark>市应急局</mark>" in r["hits"][0]["snippet"]
    # 市场监管局 as a word also finds the paragraph tagged with it that writes 市市场监管局
    assert set(keys(run(store, "市场监管局"))) == {f"{SEED}#p9", f"{SEED}#p10", "test-xss#p1", "test-xss#p2"}


@pytest.mark.parametrize("q", ["国发〔2018〕39号", "国发[2018]39号", "国发（2018）39号", "国发(2018)39号", "国发【2018】39号",
                               "国发［2018］39号"])
def test_doc_number_in_any_bracket_form_finds_its_document_first(store, q):
    r = run(store, q)
    assert r["hits"][0]["doc_id"] == "gov-4d9e4925d2"
    assert r["hits"][0]["doc_number"] == "国发〔2018〕39号"
    assert [h["doc_id"] for h in r["hits"]] == ["gov-4d9e4925d2"] * 4 + ["test-xss"] * 2  # then the citing document
    assert "<mark>国发［2018］39号</mark>" in r["hits"][5]["snippet"]


def test_traditional_query_finds_simplified_text(store):
    r = run(store, "再生資源回收")
    # p13 has the word itself; p11 (the item heading), p12 (its decision) and p1 (the agenda)
    # have 再生资源回收利用体系, found through the compound's cover (再生资源, 回收).
    assert keys(r) == [f"{SEED}#p11", f"{SEED}#p12", f"{SEED}#p13", f"{SEED}#p1"]
    assert "<mark>再生资源回收</mark>" in r["hits"][2]["snippet"]


@pytest.mark.parametrize("q, total", [
    ("就业 OR 两客一危", 7),
    ("安全生产 -本法", 4),
    ("安全生产 NOT 本法", 4),
    ("(就业 OR 两客一危) 失业保险", 2),
    ("kind:policy", 9),
    ("类型:纪要", 17),
    ("kind:法规", 3),
    ("topic:劳动、人事、监察", 7),
    ("主题：劳动就业", 7),
    ("meeting:120", 14),
    ("会议:第120次", 14),
    ("meeting:苏州市政府第120次常务会议", 14),
    ("year:2018", 7),
    ("年份:2019-2021", 22),
    ("year:2021-2019", 22),
    ("dept:市场监管局 检验检测", 2),  # 检验检测 and its cover 检验 & 检测 in the hostile title
    ("-kind:minutes", 12),
    ("会议指出：就业", 1),
    ("文号:国发〔2019〕5号", 3),
    ("docno:国发[2019]5号", 3),  # a Chinese word before a colon is text, not a field
])
def test_query_syntax(store, q, total):
    assert run(store, q)["total"] == total


def test_and_is_the_default_and_falls_back_to_or(store):
    r = run(store, "两客一危 失业保险")
    assert r["fallback"] == "or"
    assert r["dropped"] == ["失业保险"]
    assert r["notice"] == NOTICE_FALLBACK + " 排在最前的结果未包含：“失业保险”。"
    assert r["total"] == 3
    assert run(store, "两客一危 危化品")["fallback"] is None
    assert run(store, "两客一危 危化品")["total"] == 1


def test_time_limit_gives_partial_results_with_a_notice(store, monkeypatch):  # W5
    monkeypatch.setattr(query, "TIME_LIMIT", 0.0)
    r = run(store, "就业")
    assert r["notice"] == NOTICE_TIMEOUT
    assert r["total"] == 6  # counted from the match set, exact even when ranking stopped
    assert keys(r) == ["gwyhy-f90601466c#p1"]  # the first match (docnum order) before the deadline


def test_nothing_found_without_fallback(store):
    r = run(store, "xyzzy")
    assert (r["total"], r["hits"], r["fallback"]) == (0, [], None)


def test_facet_counts_over_the_whole_corpus(store):
    f = run(store)["facets"]
    assert f["department"] == [{"value": SHICHANG, "count": 4}, {"value": GONGXIAO, "count": 1},
                               {"value": GONGXIN, "count": 1}, {"value": YINGJI, "count": 1}]
    # years by year (newest first), the other facets by count
    assert f["year"] == [{"value": 2021, "count": 5}, {"value": 2020, "count": 14}, {"value": 2019, "count": 3},
                         {"value": 2018, "count": 7}]
    assert f["topic"] == [{"value": "市场监管、安全生产监管", "count": 14}, {"value": "劳动、人事、监察", "count": 7},
                          {"value": "城乡建设、环境保护", "count": 5}, {"value": "工业、交通", "count": 5}]
    assert f["kind"] == [{"value": "minutes", "count": 17}, {"value": "policy", "count": 9},
                         {"value": "other", "count": 3}]
    assert f["meeting"] == [{"value": "苏州市政府第120次常务会议", "count": 14},
                            {"value": "国务院常务会议（2018-11-02）", "count": 3}]


def test_facets_are_multi_select(store):
    r = run(store, departments=["市场监管局"], kinds=["minutes"])
    assert r["total"] == 2
    f = r["facets"]
    # each facet is counted with the other facets' selections, not its own
    assert f["kind"] == [{"value": "minutes", "count": 2}, {"value": "policy", "count": 2}]
    assert f["department"] == [{"value": SHICHANG, "count": 2}, {"value": GONGXIAO, "count": 1},
                               {"value": GONGXIN, "count": 1}, {"value": YINGJI, "count": 1}]
    assert f["year"] == [{"value": 2020, "count": 2}]
    # two values of one facet are ORed
    assert run(store, kinds=["minutes", "other"])["total"] == 20
    assert run(store, years=[2018, 2021])["total"] == 12


def test_selected_values_are_listed_even_with_zero_hits(store):
    r = run(store, "就业", departments=["苏州市公安局"], years=[2030])
    assert r["total"] == 0
    assert {"value": "苏州市公安局", "count": 0} in r["facets"]["department"]
    assert r["facets"]["year"] == [{"value": 2030, "count": 0}]


def test_year_range_parameters(store):
    assert run(store, year_from=2019)["total"] == 22
    assert run(store, year_from=2019, year_to=2020)["total"] == 17
    assert year_histogram(run(store, "安全生产")) == [(2020, 3), (2021, 3)]


def test_sort_newest_and_oldest(store):
    newest = run(store, "就业", sort="newest")
    oldest = run(store, "就业", sort="oldest")
    assert [h["date"] for h in newest["hits"]] == ["2018-11-16"] * 4 + ["2018-11-02"] * 2
    assert [h["date"] for h in oldest["hits"]] == ["2018-11-02"] * 2 + ["2018-11-16"] * 4
    assert keys(oldest)[:3] == ["gwyhy-f90601466c#p1", "gwyhy-f90601466c#p2", "gov-4d9e4925d2#p1"]
    assert newest["hits"][0]["score"] is None


def test_paging(store):
    first, second = run(store, "就业", per_page=4), run(store, "就业", page=2, per_page=4)
    assert (len(first["hits"]), len(second["hits"]), second["total"]) == (4, 2, 6)
    assert not set(keys(first)) & set(keys(second))
    assert run(store, "就业", page=3, per_page=4)["hits"] == []


def test_browse_without_words_is_newest_first(store):
    r = run(store, per_page=3)
    assert r["total"] == 29
    assert keys(r) == ["law-cf7c1ffb68#p1", "law-cf7c1ffb68#p2", "law-cf7c1ffb68#p3"]


ABUSE = [
    "(" * 1000 + "就业" + ")" * 1000,
    "就业 " * 2000,
    "就" * 10_000,
    " ".join(["就业"] * 20_000),
    "(((((((((就业)))))))))",
    "*业",
    "就*",
    "*",
    '"就业',
    "就业”",
    "(就业",
    "就业)",
    "foo:bar",
    "dept:",
    "year:二〇二〇",
    "kind:memo",
    "文号:第五号",
    "？！……",
    "就业 OR",
    "NOT",
    " ".join(f"词{i}" for i in range(70)),
]


@pytest.mark.parametrize("q", ABUSE)
def test_abusive_queries_fail_fast_with_a_readable_error(store, q):
    t0 = time.monotonic()
    with pytest.raises(QueryError) as err:
        run(store, q)
    assert time.monotonic() - t0 < 1.0
    message = str(err.value)
    assert message and "(" in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.mark.parametrize("params", [
    {"page": 0}, {"page": -1}, {"page": 10**9}, {"per_page": 0}, {"per_page": 101}, {"page": 101, "per_page": 100},
    {"sort": "random"}, {"page": "2"}, {"kinds": ["memo"]},
])
def test_bad_parameters(store, params):
    t0 = time.monotonic()
    with pytest.raises(QueryError):
        run(store, "就业", **params)
    assert time.monotonic() - t0 < 1.0


def test_unknown_field_message_lists_the_fields(store):
    with pytest.raises(QueryError, match="未知字段“foo”.*unknown field 'foo'"):
        run(store, "foo:bar")


def test_compound_query_word_finds_text_segmented_differently(store) -> None:
    """再生资源回收 is one dictionary word, but in 再生资源回收利用体系 jieba cuts 再生资源/回收利用体系;
    the query's cover (再生资源, 回收) as a phrase must still find that paragraph, and mark it."""
    result = search(store, SearchParams(q="再生资源回收", per_page=50, group="para"))
    hits = {(h["doc_id"], h["text"][:40]) for h in result["hits"]}
    decision = [h for h in result["hits"] if "原则同意《关于推进苏州市再生资源回收利用体系建设实施意见》" in h["text"]]
    assert decision, hits
    assert "<mark>再生资源回收</mark>利用体系" in decision[0]["snippet"]
