"""The minutes parser on real records of 28 other governments (``../shared/corpus/minutes-real``).

Scores the field checks of ``expected.json`` (see ``minutes_eval``) and checks the one thing a
research tool must never do: place a department in a government the text does not name.
"""
from __future__ import annotations

import pytest

from indexer.divisions import get_divisions, short_forms
from minutes_eval import REAL, evaluate, leads_of

pytestmark = pytest.mark.skipif(not (REAL / "expected.json").exists(),
                                reason="../shared/corpus/minutes-real is not present")
MIN_SCORE = 0.90


@pytest.fixture(scope="module")
def evaluated():
    return evaluate(REAL)


def test_field_checks_at_least_90_percent(evaluated):
    score, _ = evaluated
    assert score.total >= 180
    assert score.ratio >= MIN_SCORE, "\n".join(score.misses)


def _deepest_place(name: str):
    """The last (most local) division named in a department or government name."""
    divs = get_divisions()
    found = [m.group() for m in divs.pattern.finditer(name) if m.group() in divs.full_forms]
    return found[-1] if found else None


def test_no_department_resolves_to_a_government_the_text_never_names(evaluated):
    _, docs = evaluated
    checked = 0
    for name, doc in docs.items():
        text = (REAL / name).read_text(encoding="utf-8")
        names = [*doc.departments, *(lead for _, lead in leads_of(doc)), *(a.department or "" for a in doc.attendees)]
        if doc.jurisdiction:
            names.append(doc.jurisdiction.name)
        for dept in names:
            place = _deepest_place(dept)
            if place is None:
                continue
            checked += 1
            forms = {place, *short_forms(place)}
            assert any(f in text for f in forms), f"{name}: {dept} is placed in {place}, which the text never names"
            assert "苏州" not in dept or "苏州" in text, f"{name}: {dept}"
    assert checked >= 20


def test_a_county_record_keeps_its_own_departments(evaluated):
    _, docs = evaluated
    doc = docs["17-xian-weiyang-district-exec.txt"]
    assert doc.jurisdiction.name == "西安市未央区人民政府"
    assert (doc.jurisdiction.level, doc.jurisdiction.province, doc.jurisdiction.prefecture, doc.jurisdiction.code) == (
        "县级", "陕西省", "西安市", "610112")
    decisions = [d for it in doc.items for d in it.decisions]
    assert [(d.lead_written, d.lead_department, d.lead_type) for d in decisions][4] == (
        "区人社局", "西安市未央区人力资源和社会保障局", "人力资源社会保障")
    assert all(d.action_type == "原则通过" and d.is_decision for d in decisions)
    assert doc.department_types["西安市未央区人力资源和社会保障局"] == "人力资源社会保障"
    assert doc.meeting.type == "常务会议" and doc.meeting.chair == "吴智民" and doc.meeting.chair_title == "区长"


def test_acting_chair_and_repaired_date_are_reported(evaluated):
    _, docs = evaluated
    m = docs["07-ganzi-prefecture-exec.txt"].meeting
    assert (m.chair, m.chair_title, m.acting, m.term, m.number) == ("汪玉琼", "常务副州长", True, 13, 35)
    assert m.date == "2023-09-11" and "911日" in m.date_problem
    office = docs["13-shiyan-yunxi-county-office.txt"].meeting
    assert (office.type, office.name, office.chair) == ("办公会议", "县长办公会", "查宏")
    npc = docs["23-beijing-haidian-npc-chairmen.txt"]
    assert (npc.jurisdiction.body, npc.meeting.type) == ("人大常委会", "主任会议")
