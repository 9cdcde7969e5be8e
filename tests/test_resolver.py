"""One reference resolver: jurisdiction tiers, citing date (with a draft lag), short names; the
document page, /api/doc and "cited by" agree."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask

from indexer.extract import extract_path
from indexer.models import Decision, Document, Item, Meeting, Paragraph, Reference
from indexer.pipeline import index_documents
from indexer.resolver import ReferenceResolver, pick_version
from indexer.engine import IndexStore
from indexer.summary import summarize
from indexer.corpustables import build_tables
from webui import create_app

BEIJING_PC = "北京市人民代表大会常务委员会"


def _law(doc_id: str, title: str, date: str, issuer: str = "国务院", **kw) -> Document:
    return Document(doc_id=doc_id, kind="other", title=title, date=date, issuer=issuer,
                    paragraphs=[Paragraph("p1", f"第一条 为了……，制定本条例。{title}")], sha1=doc_id, **kw)


def _sc(doc_id: str, date: str, *titles: str, subjects: tuple[str, ...] = ()) -> Document:
    text = "会议通过" + "、".join(f"《{t}》" for t in titles) + "。"
    items = [Item("一", text, decisions=[Decision("一", "通过", list(subjects), para_ids=["p1"])])] if subjects else []
    return Document(doc_id=doc_id, kind="minutes", title=f"李克强主持召开国务院常务会议（{date}）", date=date,
                    issuer="国务院常务会议", meeting=Meeting("国务院", "常务会议", None, date),
                    references=[Reference(t) for t in titles], items=items,
                    paragraphs=[Paragraph("p1", text)], sha1=doc_id)


NATIONAL = _law("law-national", "优化营商环境条例", "2019-10-22", doc_number="国务院令第722号")
BEIJING_2020 = _law("law-bj-2020", "北京市优化营商环境条例", "2020-03-27", BEIJING_PC)
BEIJING_2024 = _law("law-bj-2024", "北京市优化营商环境条例", "2024-11-29", BEIJING_PC)
GUANGDONG = _law("law-gd", "广东省失业保险条例", "2022-06-01", "广东省人民代表大会常务委员会")
UNEMPLOYMENT = _law("law-unemp", "失业保险条例", "1999-01-22")


def _resolve(docs: list[Document], citing: Document, title: str | None, number: str | None = None) -> str | None:
    tables = build_tables([*docs, citing])
    return tables.resolver.resolve(title, number, tables.summaries[citing.doc_id])


def test_a_draft_cited_by_the_state_council_is_the_national_regulation_issued_after_it() -> None:
    meeting = _sc("gwyhy-2019-10-08", "2019-10-08", "优化营商环境条例（草案）")
    assert _resolve([NATIONAL, BEIJING_2020, BEIJING_2024], meeting, "优化营商环境条例（草案）") == "law-national"


def test_a_title_without_a_place_never_resolves_to_another_places_document() -> None:
    meeting = _sc("gwyhy-2019-10-08", "2019-10-08", "优化营商环境条例（草案）")
    assert _resolve([BEIJING_2020, BEIJING_2024], meeting, "优化营商环境条例（草案）") is None
    old = _sc("gwyhy-2012-07-04", "2012-07-04", "失业保险条例")
    assert _resolve([GUANGDONG, UNEMPLOYMENT], old, "失业保险条例") == "law-unemp"
    assert _resolve([GUANGDONG], old, "失业保险条例") is None


def test_the_target_must_exist_by_the_citing_date_drafts_allowing_a_year() -> None:
    early = _sc("gwyhy-2018", "2018-06-01", "优化营商环境条例")
    assert _resolve([NATIONAL], early, "优化营商环境条例") is None  # not a draft: not yet issued
    assert _resolve([NATIONAL], early, "优化营商环境条例（征求意见稿）") is None  # more than a year before
    draft = _sc("gwyhy-2019", "2019-01-10", "优化营商环境条例（征求意见稿）")
    assert _resolve([NATIONAL], draft, "优化营商环境条例（征求意见稿）") == "law-national"


def test_versions_newest_not_later_than_the_citing_document() -> None:
    citing = _law("law-x", "某某条例", "2022-01-01", BEIJING_PC)
    assert _resolve([BEIJING_2020, BEIJING_2024], citing, "北京市优化营商环境条例") == "law-bj-2020"
    s2020, s2024 = summarize(BEIJING_2020), summarize(BEIJING_2024)
    assert pick_version([s2020, s2024], "2025-01-01") is s2024
    assert pick_version([s2020, s2024], None) is s2024
    assert pick_version([s2024], "2024-01-01", draft=True) is s2024
    assert pick_version([s2024], "2023-01-01", draft=True) is None


def test_own_jurisdiction_first_then_national_and_an_explicit_place() -> None:
    suzhou_rule = Document(doc_id="sz-rule", kind="policy", title="苏州市再生资源管理办法", date="2018-01-01",
                           issuer="苏州市人民政府", sha1="a")
    national_rule = _law("national-rule", "再生资源管理办法", "2017-01-01")
    beijing_rule = _law("bj-rule", "北京市再生资源管理办法", "2017-01-01", "北京市人民政府")
    minutes = Document(doc_id="sz-exec-1", kind="minutes", title="苏州市人民政府第1次常务会议纪要", date="2020-01-01",
                       meeting=Meeting("苏州市人民政府", "常务会议", 1, "2020-01-01"), sha1="m")
    docs = [suzhou_rule, national_rule, beijing_rule]
    assert _resolve(docs, minutes, "再生资源管理办法") == "sz-rule"
    assert _resolve([national_rule, beijing_rule], minutes, "再生资源管理办法") == "national-rule"
    assert _resolve(docs, minutes, "北京市再生资源管理办法") == "bj-rule"
    # a title naming the citing document's own place is never a national document
    assert _resolve([national_rule], minutes, "苏州市再生资源管理办法") is None


def test_short_names_through_the_citing_documents_own_titles() -> None:
    meeting = _sc("gwyhy-2017", "2017-06-07", "条例", subjects=("志愿服务条例（草案）",))
    volunteers = _law("law-vol", "志愿服务条例", "2017-08-22")
    ningbo = _law("law-nb", "宁波市志愿服务条例", "2021-12-03", "宁波市人民代表大会常务委员会")
    assert _resolve([volunteers, ningbo], meeting, "条例") == "law-vol"
    two = _sc("gwyhy-2017b", "2017-06-07", "条例", subjects=("志愿服务条例（草案）", "失业保险条例（修订草案）"))
    assert _resolve([volunteers, UNEMPLOYMENT], two, "条例") is None  # ambiguous: left unresolved


def test_doc_number_first() -> None:
    citing = _law("law-y", "某条例", "2020-01-01")
    assert _resolve([NATIONAL, BEIJING_2020], citing, "不同的标题", "国务院令第722号") == "law-national"


def test_cited_by_follows_the_same_resolution() -> None:
    meeting = _sc("gwyhy-2019-10-08", "2019-10-08", "优化营商环境条例（草案）")
    tables = build_tables([NATIONAL, BEIJING_2020, BEIJING_2024, meeting])
    assert [c["doc_id"] for c in tables.links.cited_by("law-national")] == ["gwyhy-2019-10-08"]
    assert tables.links.cited_by("law-bj-2020") == tables.links.cited_by("law-bj-2024") == []
    resolver = ReferenceResolver(tables.summaries.values())
    assert resolver.cited_by() == tables.resolver.cited_by()


# --- page, API and cited-by on one index -----------------------------------------------------


def _app(tmp_path: Path, docs: list[Document]) -> Flask:
    store = IndexStore.create_or_open(tmp_path / "index")
    index_documents(store, docs)
    store.close()
    return create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "WARM_LIFECYCLE": False})


def _page_targets(app: Flask, doc_id: str) -> dict[str, str | None]:
    html = app.test_client().get(f"/doc/{doc_id}").get_data(as_text=True)
    section = html[html.index('<section class="references">'):]
    section = section[:section.index("</section>")]
    found: dict[str, str | None] = {}
    for li in re.findall(r"<li(.*?)</li>", section, re.S):
        title = re.search(r"《(.*?)》", li).group(1)
        doc = re.search(r'data-doc="([^"]+)"', li)
        found[title] = doc.group(1) if doc else None
    return found


def _api_targets(app: Flask, doc_id: str) -> dict[str, str | None]:
    data = app.test_client().get(f"/api/doc/{doc_id}").get_json()
    return {r["title"]: r["doc_id"] for r in data["references"]}


def test_api_and_page_give_the_same_targets(tmp_path: Path) -> None:
    meeting = _sc("gwyhy-2019-10-08", "2019-10-08", "优化营商环境条例（草案）", "不在索引中的条例")
    app = _app(tmp_path, [NATIONAL, BEIJING_2020, BEIJING_2024, meeting])
    expected = {"优化营商环境条例（草案）": "law-national", "不在索引中的条例": None}
    assert _api_targets(app, meeting.doc_id) == _page_targets(app, meeting.doc_id) == expected
    cited = app.test_client().get("/api/doc/law-national/links").get_json()["cited_by"]
    assert [(c["doc_id"], c["url"]) for c in cited] == [("gwyhy-2019-10-08", "/doc/gwyhy-2019-10-08")]


# --- the shared corpus: the pairs a review found wrong ------------------------------------------

PAIRS = {  # citing meeting -> (cited title, the place-prefixed document it must not reach, national title)
    "gwyhy-ab045306e2": ("优化营商环境条例（草案）", "北京市优化营商环境条例", "优化营商环境条例"),
    "gwyhy-d9f046685d": ("失业保险条例", "广东省失业保险条例", "失业保险条例"),
    "gwyhy-6d2a14d995": ("志愿服务条例（草案）", "宁波市志愿服务条例", "志愿服务条例"),
    "gwyhy-3d37dbaf26": ("行政执法监督条例", "山东省行政执法监督条例", None),  # not in the corpus
}


def test_shared_corpus_state_council_references(shared_corpus: Path, tmp_path: Path) -> None:
    names = {t for _, wrong, national in PAIRS.values() for t in (wrong, national) if t}
    lines = [line for line in (shared_corpus / "minutes-state-council-xwlb.jsonl").open(encoding="utf-8")
             if json.loads(line)["id"] in PAIRS]
    lines += [line for line in (shared_corpus / "other-laws-lawrefbook.jsonl").open(encoding="utf-8")
              if json.loads(line).get("title") in names]
    source = tmp_path / "subset.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    extracted, problems = extract_path(source)
    assert problems == []
    from indexer.pipeline import read_document as parse

    docs = [parse(e) for e in extracted]
    titles = {d.doc_id: d.title for d in docs}
    app = _app(tmp_path, docs)
    for meeting_id, (cited, wrong, national) in PAIRS.items():
        api, page = _api_targets(app, meeting_id), _page_targets(app, meeting_id)
        assert api == page, meeting_id
        target = api[cited]
        assert titles.get(target) != wrong, meeting_id
        assert (titles[target] if target else None) == national, meeting_id
        if target:
            cited_by = app.test_client().get(f"/api/doc/{target}/links").get_json()["cited_by"]
            assert meeting_id in [c["doc_id"] for c in cited_by]
