"""Jurisdiction and department-type facets (issue: minutes from any government): a researcher
narrows by province, prefecture or county, and by the type of body (市场监管, 发展改革 …)
anywhere; the hit names the body that held the meeting."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from indexer.engine import IndexStore
from indexer.jurisdiction import place_paths
from indexer.models import Jurisdiction
from indexer.pipeline import ingest
from indexer.query import SearchParams, search
from paths import SEED, SHARED_CORPUS
from webui import create_app

REAL = SHARED_CORPUS / "minutes-real"
FILES = ["01-xingxian-county-exec.txt", "02-xian-xincheng-district-exec.txt", "17-xian-weiyang-district-exec.txt"]


def test_place_paths_run_from_the_province_down() -> None:
    county = Jurisdiction("兴县人民政府", "县级", "山西省", "吕梁市", "兴县", "141123")
    assert place_paths(county) == ("山西省", "山西省 › 吕梁市", "山西省 › 吕梁市 › 兴县")
    assert place_paths(Jurisdiction("国务院", "国家")) == ("国家",)
    assert place_paths(None) == ()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndexStore:
    if not REAL.is_dir():
        pytest.skip(f"needs the real minutes at {REAL} (not present on this machine)")
    index = tmp_path_factory.mktemp("places") / "index"
    ingest([SEED, *(REAL / name for name in FILES)], index)
    s = IndexStore.open(index)
    yield s
    s.close()


def test_a_province_selects_every_body_within_it(store: IndexStore) -> None:
    everything = search(store, SearchParams(q="会议", per_page=20))
    places = {row["value"]: row["count"] for row in everything["facets"]["jurisdiction"]}
    assert {"山西省", "陕西省", "陕西省 › 西安市", "江苏省 › 苏州市"} <= set(places)
    assert places["陕西省"] == places["陕西省 › 西安市"] > 0  # both 西安 districts
    shaanxi = search(store, SearchParams(q="会议", jurisdictions=["陕西省"], per_page=20))
    assert {h["jurisdiction"] for h in shaanxi["hits"]} == {"西安市新城区人民政府", "西安市未央区人民政府"}
    county = search(store, SearchParams(q="会议", jurisdictions=["山西省 › 吕梁市 › 兴县"]))
    assert {h["jurisdiction"] for h in county["hits"]} == {"兴县人民政府"}


def test_department_types_are_a_facet_across_places(store: IndexStore) -> None:
    everything = search(store, SearchParams(q="会议"))
    types = {row["value"] for row in everything["facets"]["dept_type"]}
    assert types, everything["facets"]["dept_type"]
    chosen = sorted(types)[0]
    narrowed = search(store, SearchParams(q="会议", dept_types=[chosen], group="para", per_page=100))
    assert 0 < narrowed["total"] < everything["total"]


def test_the_sidebar_and_the_api_carry_the_place(store: IndexStore) -> None:
    app: Flask = create_app({"INDEX_DIR": str(store.path), "TESTING": True})
    client = app.test_client()
    html = client.get("/?q=会议&region=山西省").get_data(as_text=True)
    assert "行政区划" in html and "部门类型" in html
    data = client.get("/api/search?q=会议&region=山西省").get_json()
    assert [h["jurisdiction"] for h in data["hits"]] == ["兴县人民政府"]
    csv = client.get("/api/search.csv?q=会议&region=山西省").get_data(as_text=True)
    assert "jurisdiction" in csv.splitlines()[0] and "兴县人民政府" in csv


def test_the_decisions_table_narrows_by_place_and_by_decision_or_remark(store: IndexStore) -> None:
    client = create_app({"INDEX_DIR": str(store.path), "TESTING": True}).test_client()
    everything = client.get("/api/decisions").get_json()
    regions = {row["value"] for row in everything["facets"]["region"]}
    assert {"陕西省", "陕西省 › 西安市", "江苏省 › 苏州市"} <= regions
    assert {row["value"] for row in everything["facets"]["nature"]} <= {"决定", "表述"}
    shaanxi = client.get("/api/decisions?region=陕西省").get_json()
    assert shaanxi["rows"]
    assert {r["jurisdiction"] for r in shaanxi["rows"]} <= {"西安市新城区人民政府", "西安市未央区人民政府"}
    decided = client.get("/api/decisions?nature=决定").get_json()
    assert decided["rows"] and {r["nature"] for r in decided["rows"]} == {"决定"}
    csv = client.get("/api/decisions.csv?region=陕西省").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("meeting,jurisdiction,date")
