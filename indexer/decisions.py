"""Decision rows: the unit researchers of executive meetings count, one per Decision record.

A search hit is a paragraph; a researcher's question is "which drafts did the meeting approve in
principle, and who was made responsible". These pure functions flatten ``Document.items[].
decisions[]`` into rows, then filter, facet, sort and export them (the web table and CSV use
them; so can a notebook). Agenda-item rows feed the per-department, per-year counts.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from . import csvexport
from .errors import QueryError
from .facets import DECISION_FACETS, FacetSpec
from .jurisdiction import place_paths
from .labels import meeting_label
from .models import MEETING_KINDS, Document
from .normalize import fold

SORT_KEYS = ("date", "meeting", "action", "lead_department")
CSV_COLUMNS = (
    "meeting", "jurisdiction", "date", "item", "label", "action", "nature", "subjects", "lead_department",
    "follow_up", "doc_id", "para_id", "url", "text",
)
MAX_QUERY_CHARS = 200


def meeting_of(doc: Document) -> str:
    """The row's meeting: the shared ``labels.meeting_label``, else the document's title."""
    return meeting_label(doc) or doc.title


@dataclass
class DecisionRow:
    doc_id: str
    meeting: str  # 苏州市政府第120次常务会议
    date: str | None
    year: int | None
    item: str  # agenda item label, 二
    item_heading: str
    label: str  # decision label, （一）
    action: str | None
    subjects: list[str]
    lead_department: str | None
    follow_up: str | None
    para_id: str | None  # the decision's first paragraph (the web app links to it)
    text: str  # the decision's paragraphs, for full-text filtering and display
    jurisdiction: str | None = None  # the body that held the meeting (None: the text does not say)
    places: tuple[str, ...] = ()  # its place as facet paths (jurisdiction.place_paths)
    nature: str | None = None  # 决定 (the meeting decided) or 表述 (it remarked, 指出/强调 …)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ItemRow:
    """An agenda item, for "what did a department bring to the meeting, year by year"."""

    doc_id: str
    meeting: str
    date: str | None
    year: int | None
    label: str
    heading: str
    topics: list[str]
    departments: list[str]
    para_id: str | None  # the item's first paragraph


def decision_rows(doc: Document) -> list[DecisionRow]:
    """One row per decision of a minutes document, in reading order."""
    if doc.kind not in MEETING_KINDS:
        return []
    texts = {p.para_id: p.text for p in doc.paragraphs}
    meeting = meeting_of(doc)
    date = (doc.meeting.date if doc.meeting else None) or doc.date
    rows = []
    for item in doc.items:
        for dec in item.decisions:
            first = dec.para_ids[0] if dec.para_ids else (item.para_ids[0] if item.para_ids else None)
            rows.append(
                DecisionRow(
                    doc_id=doc.doc_id,
                    meeting=meeting,
                    date=date,
                    year=int(date[:4]) if date and date[:4].isdigit() else None,
                    item=item.label,
                    item_heading=item.heading,
                    label=dec.label,
                    action=dec.action,
                    subjects=list(dec.subjects),
                    lead_department=dec.lead_department,
                    follow_up=dec.follow_up,
                    para_id=first,
                    text="\n".join(texts.get(pid, "") for pid in dec.para_ids),
                    jurisdiction=doc.jurisdiction.name if doc.jurisdiction else None,
                    places=place_paths(doc.jurisdiction),
                    nature=("决定" if dec.is_decision else "表述") if dec.action_type else None,
                )
            )
    return rows


def item_rows(doc: Document) -> list[ItemRow]:
    """One row per agenda item of a minutes document."""
    if doc.kind not in MEETING_KINDS:
        return []
    meeting = meeting_of(doc)
    date = (doc.meeting.date if doc.meeting else None) or doc.date
    return [
        ItemRow(
            doc_id=doc.doc_id,
            meeting=meeting,
            date=date,
            year=int(date[:4]) if date and date[:4].isdigit() else None,
            label=item.label,
            heading=item.heading,
            topics=list(item.topics),
            departments=list(item.departments),
            para_id=item.para_ids[0] if item.para_ids else None,
        )
        for item in doc.items
    ]


@dataclass
class DecisionQuery:
    """Filters and order of the decisions table; lists are OR within a facet, AND across."""

    q: str = ""
    departments: list[str] = field(default_factory=list)  # canonical names
    years: list[int] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # place paths: a province selects all within it
    natures: list[str] = field(default_factory=list)  # 决定 / 表述
    meetings: list[str] = field(default_factory=list)  # meeting labels (``meeting_of``)
    sort: str = "date"
    descending: bool = True


def _haystack(row: DecisionRow) -> str:
    parts = [row.meeting, row.item_heading, row.action or "", *row.subjects,
             row.lead_department or "", row.follow_up or "", row.text]
    return fold("".join("".join(parts).split()))


def filter_rows(rows: Iterable[DecisionRow], query: DecisionQuery) -> list[DecisionRow]:
    """Rows matching every word of ``q`` (folded substring) and the facet selections."""
    if len(query.q) > MAX_QUERY_CHARS:
        raise QueryError(f"筛选词过长（最多 {MAX_QUERY_CHARS} 字）/ filter text too long")
    words = [fold(w) for w in query.q.split()]
    depts, years, actions = set(query.departments), set(query.years), set(query.actions)
    places, natures, meetings = set(query.places), set(query.natures), set(query.meetings)
    return [
        r
        for r in rows
        if (not depts or r.lead_department in depts)
        and (not years or r.year in years)
        and (not actions or r.action in actions)
        and (not places or places.intersection(r.places))
        and (not natures or r.nature in natures)
        and (not meetings or r.meeting in meetings)
        and all(w in _haystack(r) for w in words)
    ]


def sort_rows(rows: Iterable[DecisionRow], key: str = "date", descending: bool = True) -> list[DecisionRow]:
    """Stable order by ``key``: rows with equal keys keep their given (reading) order."""
    if key not in SORT_KEYS:
        raise QueryError(f"未知的排序方式：{key} / unknown sort key (use one of {', '.join(SORT_KEYS)})")
    rows = list(rows)
    # missing values always sort last, whichever the direction
    present = [r for r in rows if getattr(r, key)]
    missing = [r for r in rows if not getattr(r, key)]
    return sorted(present, key=lambda r: getattr(r, key), reverse=descending) + missing


def facet_counts(spec: FacetSpec, rows: Iterable[DecisionRow]) -> list[dict[str, Any]]:
    """``[{value, count}]`` of one facet over ``rows``, in the facet's declared order."""
    if spec.multi:
        counts = Counter(value for r in rows for value in getattr(r, spec.field))
    else:
        counts = Counter(value for r in rows if (value := getattr(r, spec.field)))
    return [{"value": v, "count": n} for v, n in spec.sort(counts.items())]


def facets(rows: Iterable[DecisionRow]) -> dict[str, list[dict[str, Any]]]:
    """Counts per declared facet (``facets.DECISION_FACETS``), each in its declared order (most
    frequent first; years newest first)."""
    rows = list(rows)
    return {spec.name: facet_counts(spec, rows) for spec in DECISION_FACETS}


def select(rows: Iterable[DecisionRow], query: DecisionQuery) -> dict[str, Any]:
    """The table's data: the rows matching the text and every facet selection.

    Each facet is counted as the search sidebar counts (``indexer.facets``' multi-select rule):
    over the rows matching the text and every *other* facet's selection, so its counts follow
    the active filters while its own unchosen values stay visible with what ticking them adds.
    """
    rows = list(rows)
    by_text = filter_rows(rows, DecisionQuery(q=query.q))
    chosen = filter_rows(by_text, replace(query, q=""))
    counted = {}
    for spec in DECISION_FACETS:
        others = chosen
        if getattr(query, spec.param):
            unselected: dict[str, Any] = {spec.param: []}
            others = filter_rows(by_text, replace(query, q="", **unselected))
        counted[spec.name] = facet_counts(spec, others)
    return {
        "total": len(chosen),
        "rows": sort_rows(chosen, query.sort, query.descending),
        "facets": counted,
    }


def csv_rows(rows: Iterable[DecisionRow], link: Callable[[DecisionRow], str] = lambda row: "") -> Iterator[list[Any]]:
    """The cells of each row under ``CSV_COLUMNS``, made as they are read; subjects joined by ；.

    ``link(row)`` gives the ``url`` column: permalinks are the web app's to build.
    """
    return (
        [r.meeting, r.jurisdiction, r.date, r.item, r.label, r.action, r.nature, "；".join(r.subjects),
         r.lead_department, r.follow_up, r.doc_id, r.para_id, link(r), r.text]
        for r in rows
    )


def to_csv(rows: Iterable[DecisionRow], link: Callable[[DecisionRow], str] = lambda row: "") -> str:
    """The decisions export as one string (``csvexport``: BOM, formula escaping)."""
    return csvexport.to_csv(CSV_COLUMNS, csv_rows(rows, link))


def department_activity(
    items: Iterable[ItemRow], decisions: Iterable[DecisionRow], department: str
) -> dict[str, Any]:
    """Per-year counts of a department's agenda items and led decisions, and topics per year.

    ``department`` is canonical; an item counts when the department is among its departments,
    a decision when the department leads it.
    """
    mine = [i for i in items if department in i.departments]
    led = [d for d in decisions if d.lead_department == department]
    years = sorted({i.year for i in mine if i.year} | {d.year for d in led if d.year})
    per_year = []
    for y in years:
        topics = Counter(t for i in mine if i.year == y for t in (i.topics or ["未分类"]))
        per_year.append({
            "year": y,
            "items": sum(1 for i in mine if i.year == y),
            "decisions": sum(1 for d in led if d.year == y),
            "topics": [{"value": t, "count": n} for t, n in sorted(topics.items(), key=lambda x: (-x[1], x[0]))],
        })
    return {
        "department": department,
        "items": len(mine),
        "decisions": len(led),
        "per_year": per_year,
        "led": sort_rows(led, "date", True),
        "recent_items": sorted(mine, key=lambda i: (i.date or "", i.doc_id, i.label), reverse=True),
    }

