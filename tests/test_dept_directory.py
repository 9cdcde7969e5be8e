"""Departments of any government in the web UI (issue 13 §2, issue 15 §5): ``/dept/<name>`` for
every department the index names, abbreviations redirected within the government that wrote
them only, a readable 404, and ``/dept`` listing them all by government and type.

Real indexes: the shipped ``corpus/`` and the shared ``minutes-real`` corpus (28 governments;
skipped with a reason when absent).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.deptdirectory import NATIONAL, place_of
from indexer.engine import IndexStore
from indexer.models import Jurisdiction
from paths import SHARED_CORPUS
from webui import create_app

ZHAOYANG = Jurisdiction("昭通市昭阳区人民政府", "县级", "云南省", "昭通市", "昭阳区", "530602")
ZHAOYANG_PATH = "云南省 › 昭通市 › 昭阳区"
FINANCE = "昭通市昭阳区财政局"
DRC = "昭通市昭阳区发展和改革局"


def _text(html: str) -> str:
    main = html[html.index("<main"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _names_in(store_dir: Path) -> set[str]:
    store = IndexStore.open(store_dir)
    try:
        return {name for doc in store.iter_documents(with_paragraphs=lambda d: False) for name in doc.departments}
    finally:
        store.close()


def test_a_department_belongs_to_the_government_its_name_starts_with() -> None:
    assert place_of(FINANCE, ZHAOYANG) == ZHAOYANG_PATH
    assert place_of("中共昭通市委员会", ZHAOYANG) == "云南省 › 昭通市"
    assert place_of("中国人民政治协商会议昭通市昭阳区委员会", ZHAOYANG) == ZHAOYANG_PATH
    assert place_of("云南省人民政府", ZHAOYANG) == "云南省"
    assert place_of("中华人民共和国国务院", ZHAOYANG) == NATIONAL
    assert place_of("区商务局", ZHAOYANG) is None  # kept as written: no government is guessed
    assert place_of("市政府", None) is None
    assert place_of("濉溪县教育局", ZHAOYANG) is None  # not in the writer's own hierarchy
    tianjin = Jurisdiction("天津市和平区人民政府", "县级", "天津市", None, "和平区", "120101")
    assert place_of("天津市和平区财政局", tianjin) == "天津市 › 和平区"


@pytest.fixture(scope="module")
def minutes_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = SHARED_CORPUS / "minutes-real"
    if not source.is_dir():
        pytest.skip(f"needs the shared minutes corpus at {source} (not present on this machine)")
    from indexer.pipeline import ingest

    index_dir = tmp_path_factory.mktemp("minutes-real") / "index"
    report = ingest([source], index_dir, workers=1)
    assert report.documents == 28, report.summary()
    return index_dir


@pytest.fixture(scope="module")
def minutes_app(minutes_index: Path) -> Flask:
    return create_app({"INDEX_DIR": str(minutes_index), "TESTING": True, "WARM_LIFECYCLE": False})


@pytest.fixture
def mclient(minutes_app: Flask) -> FlaskClient:
    return minutes_app.test_client()


def test_a_department_of_another_government_has_its_page(mclient: FlaskClient) -> None:
    response = mclient.get(f"/dept/{FINANCE}")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert f"标准名称 {FINANCE}" in text
    assert "部门类型 财政" in text
    assert f"所属政府 {ZHAOYANG_PATH}" in text
    assert "简称及别名 区财政局" in text
    assert "提及该部门的文件（共 1 件） 2008-02-19 区政府召开第十六次常务会" in text
    assert "最近提及（共 1 段）" in text  # the paragraph naming it, from the search facet
    drc = _text(mclient.get(f"/dept/{DRC}").get_data(as_text=True))
    assert "部门类型 发展改革" in drc and "简称及别名 发改局" in drc


def test_an_abbreviation_redirects_within_the_government_that_wrote_it(mclient: FlaskClient) -> None:
    for region in ("昭通市昭阳区人民政府", ZHAOYANG_PATH):
        response = mclient.get(f"/dept/区财政局?region={quote(region)}")
        assert response.status_code == 301
        assert unquote(response.headers["Location"]) == f"/dept/{FINANCE}"
    tianjin = mclient.get(f"/dept/区财政局?region={quote('天津市和平区人民政府')}")
    assert unquote(tianjin.headers["Location"]) == "/dept/天津市和平区财政局"
    assert unquote(mclient.get(f"/dept/发改局?region={quote(ZHAOYANG_PATH)}").headers["Location"]) == f"/dept/{DRC}"
    # another government's abbreviation is not this one's department
    elsewhere = mclient.get(f"/dept/区财政局?region={quote('北京市人民政府')}")
    assert elsewhere.status_code == 404


def test_an_ambiguous_or_unknown_name_is_a_readable_404(mclient: FlaskClient) -> None:
    ambiguous = mclient.get("/dept/区财政局")
    assert ambiguous.status_code == 404
    text = _text(ambiguous.get_data(as_text=True))
    assert "未找到部门“区财政局”" in text
    assert "天津市和平区人民政府： 天津市和平区财政局" in text and f"昭通市昭阳区人民政府： {FINANCE}" in text
    html = ambiguous.get_data(as_text=True)
    assert f'href="/dept/{quote(FINANCE)}?region={quote("昭通市昭阳区人民政府")}"' in html
    unknown = mclient.get("/dept/不存在的部门")
    assert unknown.status_code == 404
    assert "索引中没有这个名称的部门" in _text(unknown.get_data(as_text=True))
    assert mclient.get("/dept/" + "局" * 300).status_code == 404


def test_a_name_kept_as_written_is_never_taken_for_suzhou(mclient: FlaskClient) -> None:
    """市政府 in a text whose city is not named stays 市政府: its page says the government is
    unknown, and it is not redirected to 苏州市人民政府."""
    response = mclient.get("/dept/市政府")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "所属政府 所属政府不详" in text and "苏州" not in text


def _listing(client: FlaskClient) -> tuple[str, dict[str, list[str]]]:
    html = client.get("/dept").get_data(as_text=True)
    groups: dict[str, list[str]] = {}
    for section in re.findall(r'<section class="dept-place-group">(.*?)</section>', html, re.S):
        place = re.search(r"<h2>(.*?)</h2>", section).group(1)  # type: ignore[union-attr]
        groups[place] = [unquote(u) for u in re.findall(r'<a href="/dept/([^"]+)">', section)]
    return html, groups


def test_the_department_list_has_every_department_by_government(mclient: FlaskClient, minutes_index: Path) -> None:
    html, groups = _listing(mclient)
    listed = [name for names in groups.values() for name in names]
    assert sorted(listed) == sorted(_names_in(minutes_index))  # each department once
    assert list(groups)[0] == NATIONAL and list(groups)[-1] == "所属政府不详"
    assert {FINANCE, DRC, f"{ZHAOYANG.name}"} <= set(groups[ZHAOYANG_PATH])
    assert "市政府" in groups["所属政府不详"] and "区商务局" in groups["所属政府不详"]
    section = html[html.index(f"<h2>{ZHAOYANG_PATH}</h2>"):]
    assert re.search(rf'<h3>财政</h3>\s*<ul class="dept-list">\s*<li><a href="/dept/{quote(FINANCE)}">{FINANCE}</a> '
                     r'<span class="count">1 件文件</span>', section)


def test_every_listed_department_of_the_shipped_corpus_has_a_page(client: FlaskClient, corpus_index: Path) -> None:
    _, groups = _listing(client)
    listed = [name for names in groups.values() for name in names]
    assert sorted(listed) == sorted(_names_in(corpus_index))
    assert "苏州市人民政府" in groups["江苏省 › 苏州市"]
    for name in listed:
        assert client.get(f"/dept/{quote(name)}").status_code == 200, name


def test_the_directory_built_from_the_in_memory_document_info_is_the_one_of_the_whole_documents(
        minutes_index: Path) -> None:
    """The server builds the directory from the document info its search tables hold (no
    document decoded at start); it must list the same departments, types, places and aliases."""
    from indexer.deptdirectory import build_directory

    store = IndexStore.open(minutes_index)
    try:
        fast = build_directory(store.snapshot().info_documents())
        full = build_directory(store.iter_documents())
    finally:
        store.close()
    assert len(fast.entries) > 90
    assert fast.aliases == full.aliases
    assert {n: (e.type, e.place, e.written, [d.doc_id for d in e.documents]) for n, e in fast.entries.items()} == \
        {n: (e.type, e.place, e.written, [d.doc_id for d in e.documents]) for n, e in full.entries.items()}
    assert fast.get(FINANCE) is not None and fast.get(FINANCE).place == ZHAOYANG_PATH
