"""The meetings of the corpus, one row per minutes or meeting-report document, for ``/meetings``.

Built with the other corpus tables (``corpustables.build_tables``), once per index generation.
The jurisdiction is the one the document's text settles (``Document.jurisdiction``); a meeting
whose body is not known is listed under ``UNKNOWN_JURISDICTION``, never under a guessed place.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .decisions import meeting_of
from .models import MEETING_KINDS, Document

UNKNOWN_JURISDICTION = "未识别行政区划"
LEVEL_ORDER = {"国家": 0, "省级": 1, "地级": 2, "县级": 3}


@dataclass(frozen=True)
class MeetingRow:
    doc_id: str
    meeting: str  # the one meeting label (苏州市政府第120次常务会议), else the title
    kind: str  # minutes | report
    date: str | None
    jurisdiction: str
    level: str | None
    province: str | None
    meeting_type: str | None  # 常务会议 / 全体会议 … when the text says
    number: int | None
    items: int
    decisions: int


def meeting_row(doc: Document) -> MeetingRow | None:
    """The meeting a minutes or report document records; None for other kinds."""
    if doc.kind not in MEETING_KINDS:
        return None
    j = doc.jurisdiction
    m = doc.meeting
    return MeetingRow(
        doc_id=doc.doc_id,
        meeting=meeting_of(doc),
        kind=doc.kind,
        date=(m.date if m else None) or doc.date,
        jurisdiction=(j.name if j and j.name else UNKNOWN_JURISDICTION),
        level=j.level if j else None,
        province=j.province if j else None,
        meeting_type=m.type if m else None,
        number=m.number if m else None,
        items=len(doc.items),
        decisions=sum(len(item.decisions) for item in doc.items),
    )


def by_jurisdiction(rows: Iterable[MeetingRow]) -> list[tuple[str, list[MeetingRow]]]:
    """Meetings grouped by jurisdiction (national first, then by level, province and name; the
    unknown last), newest first within each; undated meetings at the end of their group."""
    groups: dict[str, list[MeetingRow]] = {}
    for row in rows:
        groups.setdefault(row.jurisdiction, []).append(row)

    def group_key(name: str) -> tuple[int, int, str, str]:
        first = groups[name][0]
        return (name == UNKNOWN_JURISDICTION, LEVEL_ORDER.get(first.level or "", 9), first.province or "", name)

    return [
        (name, sorted(groups[name], key=lambda r: (r.date is not None, r.date or "", r.doc_id), reverse=True))
        for name in sorted(groups, key=group_key)
    ]
