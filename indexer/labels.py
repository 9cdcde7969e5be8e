"""Names of meetings and of minutes: the one place that decides how a meeting is called.

The facet, the decisions table and the citation of minutes all show the same meeting, so they
must name it the same way. Minutes are numbered by their body (苏州市政府第120次常务会议); the
State Council news summaries carry no number, so their meeting is told apart by its date
(国务院常务会议（2020-12-07）) — without it every State Council meeting had one label.
"""
from __future__ import annotations

from indexer.models import Document

DEFAULT_MEETING_NAME = "会议"
DEFAULT_MINUTES_NAME = "常务会议"
UNKNOWN_DATE = "日期不详"


def short_body(body: str) -> str:
    """苏州市人民政府 -> 苏州市政府: the form minutes use for their own body."""
    return body.replace("人民政府", "政府")


def meeting_label(doc: Document) -> str | None:
    """Short display label of a document's meeting: 苏州市政府第120次常务会议,
    国务院常务会议（2020-12-07）; None when the document has no meeting body or name."""
    m = doc.meeting
    if m is None or not (m.body or m.name):
        return None
    body = short_body(m.body or "")
    name = m.name or DEFAULT_MEETING_NAME
    if m.number is not None:
        return f"{body}第{m.number}次{name}"
    return f"{body}{name}（{m.date or doc.date or UNKNOWN_DATE}）"


def minutes_label(doc: Document) -> str | None:
    """Name of numbered minutes in a citation (苏州市政府第120次常务会议纪要); None for
    anything else, which is cited by its title."""
    m = doc.meeting
    if m is None or not m.body or m.number is None:
        return None
    return f"{short_body(m.body)}第{m.number}次{m.name or DEFAULT_MINUTES_NAME}纪要"
