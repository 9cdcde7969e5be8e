"""The enrich stage: what is derived from a parsed document's own text, after its structure.

The parsers read structure (meeting, items, decisions, paragraphs); everything here is computed
from that structure and the text, the same way for every kind of document: references and cited
发文字号, the type of each decision, the departments each paragraph names (read against the
document's own jurisdiction), topics where the source gave none, and the citation of every
paragraph. Keeping it out of the parsers means one rule per concept, whatever parsed the text.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from indexer import topics
from indexer.citation import assign_citations
from indexer.deptresolve import Resolver
from indexer.depttypes import get_taxonomy
from indexer.gazetteer import get_gazetteer
from indexer.models import MEETING_KINDS, Document, Item, Parsed
from indexer.normalize import fold
from indexer.references import cited_numbers, find_references
from indexer.structure.actions import action_type, is_decision
from indexer.structure.common import merge

__all__ = ["enrich"]


def departments_in(text: str, local: bool) -> list[str]:
    """Canonical names of the departments mentioned in ``text``, first appearance order."""
    return list(dict.fromkeys(m.canonical for m in get_gazetteer().find(text, local=local)))


def tag_departments(doc: Document, own: dict[str, list[str]]) -> None:
    """Each paragraph's departments: those it names itself (``own``: names, aliases and
    abbreviations, resolved), the leads of the decisions in it, and the document's issuers; the
    document gets all of them.

    A paragraph does not inherit the departments of its item or chapter: a law's chapter that
    names 国务院 once would tag all its articles 国务院, so a department filter would find
    paragraphs that never mention it (issue 15). Attendance lists are skipped: everyone attends,
    so they would tag every department.
    """
    leads: dict[str, list[str]] = {}
    for item in doc.items:
        for dec in item.decisions:
            for pid in dec.para_ids:
                leads.setdefault(pid, []).append(dec.lead_department or "")
    seen: list[str] = []
    for para in doc.paragraphs:
        if para.role == "attendance":
            continue
        para.leads = merge(leads.get(para.para_id, []), [para.lead_department or ""])
        para.departments = merge(own[para.para_id], para.leads, doc.issuers)
        seen += para.departments
    doc.departments = merge(seen)


_ISSUER_SEP = re.compile(r"[、，,；;\s]+")


def issuing_bodies(doc: Document, local: bool) -> list[str]:
    """发文机关: the bodies that issued the document, by their canonical names where the curated
    gazetteer knows them (国务院 -> 中华人民共和国国务院), else as the source writes them.

    Policies and laws name it in ``doc.issuer`` (several joined by 、: 国务院、中央军委); for
    minutes and meeting reports it is the body that held the meeting (``meeting.body``, else the
    jurisdiction's body). Nothing is guessed when the source states none.
    """
    if doc.kind in MEETING_KINDS:
        held = (doc.meeting.body if doc.meeting else None) or (doc.jurisdiction.name if doc.jurisdiction else None)
        names = [held] if held else []
    else:
        names = _ISSUER_SEP.split(doc.issuer or "")
    return merge([_canonical_body(n.strip(), local) for n in names if n and n.strip()])


def _canonical_body(name: str, local: bool) -> str:
    """The gazetteer's name for ``name`` when one mention covers all of it, else ``name``."""
    found = get_gazetteer().find(fold(name), local=local)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(name):
        return found[0].canonical
    return name


def item_departments(item: Item, own: dict[str, list[str]]) -> list[str]:
    leads = [d.lead_department or "" for d in item.decisions]
    return merge(leads, *(own.get(pid, []) for pid in item.para_ids))


def _department_scanner(doc: Document, local: bool, body: str) -> Callable[[str], list[str]]:
    """Department names of one paragraph, read as the document's own government writes them.

    Suzhou's documents, laws, policies and the State Council keep the curated gazetteer (with
    ``local`` saying whether city-relative forms are Suzhou's). Other governments' minutes are read
    with the national taxonomy, each mention resolved against the document's jurisdiction, plus
    the gazetteer's unambiguous forms (national ministries); their types go to
    ``doc.department_types``.
    """
    if local or doc.kind not in MEETING_KINDS or (doc.jurisdiction and doc.jurisdiction.level == "国家"):
        return lambda text: departments_in(text, local)
    resolver = Resolver(doc.jurisdiction, body)

    def scan(text: str) -> list[str]:
        found = resolver.find(text)
        for r in found:
            doc.department_types.setdefault(r.name, r.type)
            if r.written != r.name:
                doc.department_aliases.setdefault(r.written, r.name)
        return merge([r.name for r in found], departments_in(text, False))

    return scan


def _type_decisions(doc: Document) -> None:
    """Controlled action type and decision/remark flag of every decision (see structure.actions)."""
    texts = {p.para_id: p.text for p in doc.paragraphs}
    for item in doc.items:
        for dec in item.decisions:
            if dec.action_type is None:
                dec.action_type = action_type(" ".join(texts.get(pid, "") for pid in dec.para_ids), dec.action)
                dec.is_decision = is_decision(dec.action_type)
            if dec.lead_department and dec.lead_type:
                doc.department_types.setdefault(dec.lead_department, dec.lead_type)


def _fill_types(doc: Document) -> None:
    taxonomy = get_taxonomy()
    for name in doc.departments:
        if name not in doc.department_types and (typed := taxonomy.classify(name)):
            doc.department_types[name] = typed[0]


def enrich(parsed: Parsed) -> Document:
    """References, cited numbers, decision types, departments, topics fallback and citations."""
    doc, local = parsed.doc, parsed.suzhou_forms
    body = "\n".join(p.text for p in doc.paragraphs if p.role != "attendance")
    doc.references = find_references(body)
    doc.cited_numbers = [n for n in cited_numbers(body) if n != doc.doc_number]
    _type_decisions(doc)
    scan = _department_scanner(doc, local, body)
    # one scan per paragraph serves both the items and the paragraphs
    own = {p.para_id: scan(p.text) for p in doc.paragraphs if p.role != "attendance"}
    for item in doc.items:
        if not item.departments:
            item.departments = item_departments(item, own)
    doc.issuers = issuing_bodies(doc, local)
    tag_departments(doc, own)
    if doc.kind in MEETING_KINDS:
        _fill_types(doc)
    if not doc.topics:
        doc.topics = merge(*(item.topics for item in doc.items)) or topics.classify(doc.title, body)
    for para in doc.paragraphs:
        if not para.topics:
            owner = next((i for i in doc.items if i.label == para.item), None)
            para.topics = list(owner.topics) if owner and owner.topics else list(doc.topics)
    assign_citations(doc)
    return doc
