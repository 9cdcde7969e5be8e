"""``/meetings``: every meeting of the corpus, grouped by jurisdiction, newest first.

The rows and their grouping come from the indexer (``indexer.meetings``, built with the corpus
tables of the generation being served); this module only adds URLs and renders.
"""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from indexer.meetings import by_jurisdiction

from .links import doc_url
from .params import KIND_LABELS
from .tables import corpus_tables

bp = Blueprint("meetings", __name__)


@bp.get("/meetings")
def meetings_page() -> str:
    rows = corpus_tables().meetings
    groups = [
        (name, [{**vars(r), "url": doc_url(r.doc_id), "kind_label": KIND_LABELS.get(r.kind, r.kind)} for r in members])
        for name, members in by_jurisdiction(rows)
    ]
    return render_template("meetings.html", groups=groups, total=len(rows),
                           decisions_url=url_for("decisions.decisions_page"))
