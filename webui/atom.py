"""Atom 1.0 feed of search hits, built with ElementTree so the output is always well-formed XML."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00Z"
# Characters XML 1.0 forbids even when escaped; a stray one in a PDF text layer must not break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text or ""))


def atom_timestamp(date: str | None) -> str:
    """RFC 3339 timestamp from an ISO date; undated entries sort as the epoch."""
    return f"{date}T00:00:00Z" if date and _ISO_DATE.fullmatch(date) else EPOCH


def entry_updated(hit: dict[str, Any]) -> str:
    """When the entry changed for a subscriber: when its document was indexed, so a back-filled
    old document still shows up as new in a reader; the document date for an index written
    before ``indexed_at`` existed."""
    stamp = hit.get("indexed_at")
    return stamp if isinstance(stamp, str) and _ISO_STAMP.fullmatch(stamp) else atom_timestamp(hit.get("date"))


def _add(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        el.text = _clean(text)
    return el


def atom_feed(title: str, feed_url: str, entries: Iterable[dict[str, Any]]) -> bytes:
    """Entries are hits with a ``link`` (absolute permalink); the link doubles as the entry id.
    ``updated`` is the hit's ``indexed_at``, ``published`` its document date."""
    ET.register_namespace("", ATOM_NS)
    entries = list(entries)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "title", title)
    _add(feed, "id", feed_url)
    _add(feed, "link", href=_clean(feed_url), rel="self")
    _add(feed, "updated", max((entry_updated(e) for e in entries), default=EPOCH))
    _add(_add(feed, "author"), "name", "policysearch")
    for hit in entries:
        entry = _add(feed, "entry")
        _add(entry, "title", hit.get("citation") or hit.get("title"))
        _add(entry, "id", hit["link"])
        _add(entry, "link", href=_clean(hit["link"]), rel="alternate")
        _add(entry, "updated", entry_updated(hit))
        if hit.get("date") and _ISO_DATE.fullmatch(hit["date"]):
            _add(entry, "published", atom_timestamp(hit["date"]))  # the document's own date
        _add(entry, "summary", hit.get("text"))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
