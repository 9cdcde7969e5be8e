"""Every department the index names, placed in its own government, with the written forms each
jurisdiction uses for it: what ``/dept`` lists and what ``/dept/<name>`` looks names up in.

A department belongs to the government whose place its full name starts with: the resolver
(``indexer.deptresolve``) builds 昭通市昭阳区财政局 from the writer's place and its parents, so
the name is checked against the writer's own hierarchy only (county, prefecture, province, as
the jurisdiction states them), deepest first; 中共 and 中国人民政治协商会议 come before the place.
National bodies are named as such (中华人民共和国…, 国务院…, 中共中央…, 全国…). Suzhou's
gazetteer bodies that name no place (苏州工业园区…) are Suzhou's. Anything else (a mention kept
as written, such as 市政府 in a text whose city is not named) has no place: it is listed under
"所属政府不详", never put in a government the text does not name.

Aliases are kept per jurisdiction: 区财政局 means 昭通市昭阳区财政局 only in 昭阳区's documents,
so an alias is looked up together with the jurisdiction that wrote it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.deptresolve import is_suzhou
from indexer.depttypes import get_taxonomy
from indexer.engine import DocumentStore
from indexer.gazetteer import get_gazetteer
from indexer.jurisdiction import PATH_SEP, place_paths
from indexer.models import Document, Jurisdiction

NATIONAL = "国家"
NATIONAL_STARTS = ("中华人民共和国", "中共中央", "中央", "国务院", "全国", "国家")
_BEFORE_PLACE = ("中国人民政治协商会议", "中国共产党", "中共")
UNKNOWN_TYPE = "其他"


@dataclass(frozen=True)
class DocRef:
    doc_id: str
    title: str
    date: str | None


@dataclass
class DeptEntry:
    """One department as the index names it."""

    name: str
    type: str  # 财政, 发展改革 … (``其他`` when the taxonomy has none)
    group: str  # 政府部门, 党委 …
    place: str | None  # place path of its government (云南省 › 昭通市 › 昭阳区), 国家, or None
    documents: list[DocRef] = field(default_factory=list)  # newest first
    written: Counter[str] = field(default_factory=Counter)  # the forms documents write it in

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass
class DeptDirectory:
    entries: dict[str, DeptEntry]
    aliases: dict[tuple[str, str], str]  # (jurisdiction name or place path, written) -> name

    def get(self, name: str) -> DeptEntry | None:
        return self.entries.get(name)

    def alias(self, region: str, written: str) -> str | None:
        """The department ``written`` means in the documents of ``region`` (a jurisdiction's
        name or its place path)."""
        return self.aliases.get((region.strip(), written))

    def candidates(self, written: str) -> list[tuple[str, str]]:
        """``(jurisdiction, name)`` for every jurisdiction whose documents write ``written``."""
        return sorted({(region, name) for (region, form), name in self.aliases.items()
                       if form == written and PATH_SEP not in region and name != written})

    def grouped(self) -> list[tuple[str, list[tuple[str, list[DeptEntry]]]]]:
        """``[(place, [(type, entries)])]``: 国家 first, places in path order, unplaced last;
        types by name, departments by name."""
        by_place: dict[str, dict[str, list[DeptEntry]]] = defaultdict(lambda: defaultdict(list))
        for entry in self.entries.values():
            by_place[entry.place or ""][entry.type].append(entry)
        order = sorted(by_place, key=lambda p: (p == "", p != NATIONAL, p))
        return [(place, [(t, sorted(es, key=lambda e: e.name)) for t, es in sorted(by_place[place].items())])
                for place in order]


def place_of(name: str, jur: Jurisdiction | None) -> str | None:
    """The place path of the government ``name`` belongs to, from the writer's own hierarchy."""
    if name.startswith(NATIONAL_STARTS):
        return NATIONAL
    if jur is None:
        return None
    if jur.level == NATIONAL:
        return NATIONAL
    bare = name
    for prefix in _BEFORE_PLACE:
        if bare.startswith(prefix):
            bare = bare.removeprefix(prefix)
            break
    paths = place_paths(jur)
    for path in reversed(paths):
        parts = path.split(PATH_SEP)
        forms = {parts[-1], "".join(parts[-2:])}
        if any(bare.startswith(f) for f in forms):
            return path
    if is_suzhou(jur) and get_gazetteer().department(name) is not None:
        return next((p for p in paths if p.endswith("苏州市")), None)
    return None


def build_directory(documents: Iterable[Document]) -> DeptDirectory:
    """The directory of ``documents`` (paragraphs are not needed)."""
    taxonomy = get_taxonomy()
    entries: dict[str, DeptEntry] = {}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for doc in documents:
        jur = doc.jurisdiction
        regions = [jur.name, *place_paths(jur)[-1:]] if jur else []
        ref = DocRef(doc.doc_id, doc.title, doc.date)
        for name in dict.fromkeys(doc.departments):
            entry = entries.get(name)
            if entry is None:
                typed = taxonomy.classify(name)
                dtype = doc.department_types.get(name) or (typed[0] if typed else UNKNOWN_TYPE)
                entry = entries[name] = DeptEntry(name, dtype, typed[1] if typed else "", place_of(name, jur))
            elif entry.place is None:
                entry.place = place_of(name, jur)
            entry.documents.append(ref)
        for written, name in doc.department_aliases.items():
            if name in entries:
                entries[name].written[written] += 1
            for region in regions:
                votes[(region, written)][name] += 1
    for entry in entries.values():
        entry.documents.sort(key=lambda r: (r.date or "", r.doc_id), reverse=True)
    aliases = {key: counts.most_common(1)[0][0] for key, counts in votes.items()}
    return DeptDirectory(entries, aliases)


def directory_for(store: DocumentStore) -> DeptDirectory:
    """The directory of the store's current generation, built once per generation from the
    document info every search already holds in memory (no document is decoded)."""
    return store.derived(build_directory, lambda s: build_directory(s.snapshot().info_documents()))
