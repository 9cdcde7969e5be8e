"""Structure parsing, one parser per kind of document.

``parse(extracted, layout) -> Parsed`` is the stage after ``indexer.repair`` and before
``indexer.enrich``. The parser is picked by the stated kind (JSONL ``kind``/``issuer``) and, for
files without metadata, by the content: a 第N次常务会议 lead sentence makes municipal minutes,
第X条 lines make a law, a stated 发文字号/成文日期 (web pages) a policy.
"""
from __future__ import annotations

import re
from dataclasses import replace

from indexer.jurisdiction import STATE_COUNCIL, from_issuer
from indexer.models import Extracted, Layout, Parsed
from indexer.structure.law import parse_law
from indexer.structure.legalmeta import add_legal_metadata
from indexer.structure.minutes import parse_minutes
from indexer.structure.policy import parse_generic, parse_policy
from indexer.structure.state_council import parse_state_council

__all__ = ["parse", "choose"]

# A meeting convened (主持召开…常务会议, …全体会议召开) or a 纪要 title, near the top of a file
# without metadata: the record of a government meeting, whoever held it.
_MEETING_WORDS = r"(?:常务会议?|全体会议?|办公会议?|专题会议|协调会议?|周例会|主任会议)(?!议?室)"
_MUNICIPAL_LEAD = re.compile(
    rf"(?:主持召开|召开|主持)[^。\n]{{0,40}}?{_MEETING_WORDS}|{_MEETING_WORDS}[^。\n]{{0,6}}?(?:召开|纪要)"
)
_HEAD_PARAGRAPHS = 25
_ARTICLE_LINE = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条(?!第)", re.M)
_MIN_ARTICLES = 3


def choose(extracted: Extracted, layout: Layout) -> str:
    """Name of the parser for a document: minutes, state_council, policy, law or generic."""
    meta = extracted.meta
    kind = meta.get("kind")
    head = "\n".join(p.text for p in layout.paragraphs[:_HEAD_PARAGRAPHS])
    if kind == "minutes" or (kind is None and _MUNICIPAL_LEAD.search(head)):
        if str(meta.get("issuer") or "").startswith("国务院") or "国务院总理" in head[:200]:
            return "state_council"
        return "minutes"
    if kind == "policy":
        return "policy"
    if kind in (None, "other"):
        text = "\n".join(p.text for p in layout.paragraphs[:200])
        if len(_ARTICLE_LINE.findall(text)) >= _MIN_ARTICLES:
            return "law"
    if kind is None and (meta.get("doc_number") or meta.get("written")):
        return "policy"  # a web page stating its 发文字号 or 成文日期 is an official document
    return "generic"


_PARSERS = {
    "minutes": parse_minutes,
    "state_council": parse_state_council,
    "policy": parse_policy,
    "law": parse_law,
    "generic": parse_generic,
}


def parse(extracted: Extracted, layout: Layout) -> Parsed:
    """The structure of one extracted source, read from its repaired ``layout``."""
    parser = choose(extracted, layout)
    parsed = _PARSERS[parser](extracted, layout)
    doc = parsed.doc
    if doc.jurisdiction is None:
        doc.jurisdiction = replace(STATE_COUNCIL) if parser == "state_council" else from_issuer(doc.issuer)
    if extracted.meta.get("published"):
        doc.metadata.setdefault("published", extracted.meta["published"])
    add_legal_metadata(doc, extracted.meta)
    if extracted.meta.get("ocr"):  # machine-read text: the reader is told to double-check
        doc.metadata["ocr"] = extracted.meta["ocr"]
    doc.page_count = doc.page_count or None
    return parsed
