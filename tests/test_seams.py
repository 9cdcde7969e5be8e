"""One rule per concept: checks that keep the indexer free of URLs, facets declared once, and the
corpus tables typed and built in the indexer."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from indexer import facets
from indexer.decisions import DecisionQuery, DecisionRow, ItemRow, facets as decision_facets
from indexer.facets import DECISION_FACETS, SEARCH_FACETS, FacetSpec
from indexer.lifecycle import LinkIndex
from indexer.resolver import ReferenceResolver
from indexer.corpustables import CorpusTables, build_tables
from fixture_docs import fixture_docs
from webui import facets as web_facets, params
from webui.tables import corpus_tables

ROOT = Path(__file__).resolve().parent.parent
DOC_URL = re.compile(r"""(["'])/doc/|f["']/doc/""")
# query._hit still carries "url" until the engine move removes it; nothing else may


def test_the_indexer_builds_no_document_urls() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "indexer").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if DOC_URL.search(line)
    ]
    assert offenders == []


def test_no_templates_in_python_strings_in_the_web_app() -> None:
    for path in (ROOT / "webui").glob("*.py"):
        assert "{% " not in path.read_text(encoding="utf-8"), path.name


def test_every_surface_reads_the_facet_declaration() -> None:
    assert facets.FACETS == {s.name: (s.field, s.multi) for s in SEARCH_FACETS}  # engine columns
    assert web_facets.FACETS == tuple((s.name, s.url_key, s.label) for s in SEARCH_FACETS)  # sidebar
    assert params.MULTI_FILTERS == tuple(s.url_key for s in SEARCH_FACETS)  # URL state
    assert {s.url_key: s.label for s in SEARCH_FACETS}.items() <= params.FILTER_LABELS.items()  # chips
    assert [s.name for s in DECISION_FACETS] == ["action", "nature", "department", "meeting", "year", "region"]
    assert all(hasattr(DecisionRow, "__dataclass_fields__") and s.field in DecisionRow.__dataclass_fields__
               for s in DECISION_FACETS)
    assert all(s.param in DecisionQuery.__dataclass_fields__ for s in DECISION_FACETS)  # its selection
    assert {s.url_key: s.label for s in DECISION_FACETS if s.url_key not in params.MULTI_FILTERS}.items() \
        <= params.FILTER_LABELS.items()  # a bad value names its filter


def test_declared_value_order() -> None:
    year = FacetSpec("year", "年份", "year", "year", order=facets.BY_VALUE_DESC)
    assert year.sort([(2018, 7), (2021, 5), (2020, 14)]) == [(2021, 5), (2020, 14), (2018, 7)]
    dept = FacetSpec("department", "部门", "departments", "dept", multi=True)
    assert dept.sort([("乙", 1), ("甲", 3), ("丙", 3)]) == [("丙", 3), ("甲", 3), ("乙", 1)]
    assert SEARCH_FACETS[0].value_label("minutes") == "会议纪要"


def test_decisions_facets_follow_the_declaration() -> None:
    rows = [DecisionRow("d", "m", f"{y}-01-01", y, "一", "h", "（一）", a, [], "局", None, "p1", "")
            for y, a in ((2019, "听取"), (2021, "原则同意"), (2021, "原则同意"), (2020, "听取"), (2020, "听取"))]
    result = decision_facets(rows)
    assert list(result) == ["action", "nature", "department", "meeting", "year", "region"]
    assert [f["value"] for f in result["year"]] == [2021, 2020, 2019]
    assert result["action"] == [{"value": "听取", "count": 3}, {"value": "原则同意", "count": 2}]


def test_search_sidebar_lists_years_by_year(fixture_app: Flask) -> None:
    html = fixture_app.test_client().get("/?q=安全生产").get_data(as_text=True)
    section = html[html.index('data-facet="year"'):]
    years = re.findall(r'<span class="facet-label">(\d{4})</span>', section[:section.index("</section>")])
    assert years == sorted(years, reverse=True) and len(years) >= 2


def test_corpus_tables_are_typed_and_built_by_the_indexer(fixture_app: Flask) -> None:
    built = build_tables(fixture_docs())
    assert isinstance(built, CorpusTables)
    assert isinstance(built.links, LinkIndex) and isinstance(built.resolver, ReferenceResolver)
    assert all(isinstance(r, DecisionRow) for r in built.decisions) and built.decisions
    assert all(isinstance(i, ItemRow) for i in built.items) and built.items
    with fixture_app.app_context():
        served = corpus_tables()
    assert isinstance(served, CorpusTables)
    assert [r.para_id for r in served.decisions] == [r.para_id for r in built.decisions]
