"""The one reference resolver: which indexed document a citation (《title》, 发文字号) means.

The document page, the API and "cited by" all ask this module, so they cannot disagree. Rules,
for the Chinese official genre rather than any one file:

* By 发文字号 first: a number names one document exactly.
* A title resolves among documents whose tolerant ``title_key`` matches, in tiers: a document of
  a place the citation itself names (《北京市优化营商环境条例》); then one of the citing
  document's own jurisdiction (a Suzhou meeting's 《再生资源管理办法》 is Suzhou's); then a
  national one. A document of *another* place is never the target: a State Council meeting's
  《优化营商环境条例（草案）》 is not 北京市优化营商环境条例, and when the national regulation is
  not indexed the reference stays unresolved (wrong data is worse than missing data).
* The target must exist by the citing date: of several versions, the newest not later than the
  citing document. A draft (草案, 征求意见稿 …) may be cited up to ``DRAFT_LAG_DAYS`` before the
  issued document exists, and then resolves to the earliest version issued after it.
* A short name (《条例》, 《若干措施》) resolves through the citing document itself: its 以下简称
  (already expanded by ``references.find_references``) or, when only one of the titles it cites
  or acts on ends with that name, that title.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from .docnumber import normalize_doc_number
from .normalize import fold
from .summary import _STATUS, MIN_KEY_LENGTH, DocSummary, title_key

DRAFT_LAG_DAYS = 365
_PLACE_ENDINGS = ("省", "市", "县", "区", "州")
_EXPLICIT, _OWN, _NATIONAL = 0, 1, 2


@dataclass(frozen=True)
class ResolvedReference:
    """A cited title or number and the indexed document it means (``None``: not indexed)."""

    title: str | None
    doc_number: str | None
    doc_id: str | None


def _latest_date(citing_date: str | None, draft: bool) -> str | None:
    """The last date a target may carry: the citing date, plus the lag for a cited draft."""
    if not citing_date:
        return None
    if not draft:
        return citing_date[:10]
    try:
        return (Date.fromisoformat(citing_date[:10]) + timedelta(days=DRAFT_LAG_DAYS)).isoformat()
    except ValueError:
        return citing_date[:10]


def pick_version(versions: Iterable[DocSummary], citing_date: str | None, draft: bool = False) -> DocSummary | None:
    """The version a citing document can have meant: the newest not later than it; for a cited
    draft, else the earliest issued within the lag. Undated versions count as existing."""
    versions = list(versions)
    if not citing_date:
        return max(versions, key=lambda v: (v.date or "", v.doc_id), default=None)
    day = citing_date[:10]
    before = [v for v in versions if not v.date or v.date[:10] <= day]
    if before:
        return max(before, key=lambda v: (v.date or "", v.doc_id))
    latest = _latest_date(citing_date, draft)
    after = [v for v in versions if v.date and latest and v.date[:10] <= latest]
    return min(after, key=lambda v: (v.date or "", v.doc_id), default=None)


class ReferenceResolver:
    """Title and number lookups over a corpus of summaries; built once per index generation."""

    def __init__(self, summaries: Iterable[DocSummary]):
        self.docs = {s.doc_id: s for s in summaries}
        known = {p for s in self.docs.values() for p in s.places if p.endswith(_PLACE_ENDINGS)}
        # A department's document (北京市市场监督管理局) names its place only in front of the
        # issuer or title; places seen as jurisdictions elsewhere in the corpus are recognised there.
        self._places = {s.doc_id: s.places or _leading_places(s, known) for s in self.docs.values()}
        self._full_key = {s.doc_id: title_key(s.title) for s in self.docs.values()}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._by_number: dict[str, list[DocSummary]] = defaultdict(list)
        for s in self.docs.values():
            for key in (*s.title_keys, self._full_key[s.doc_id]):
                if len(key) >= MIN_KEY_LENGTH:
                    self._by_key[key].add(s.doc_id)
            if s.doc_number:
                self._by_number[s.doc_number].append(s)

    def places(self, doc_id: str) -> tuple[str, ...]:
        return self._places.get(doc_id, ())

    def resolve(self, title: str | None, doc_number: str | None, citing: DocSummary) -> str | None:
        """doc_id of the document ``citing`` means by ``title`` / ``doc_number``, or None."""
        number = normalize_doc_number(doc_number) if doc_number else None
        if number and number in self._by_number:
            found = pick_version(self._by_number[number], citing.date)
            if found and found.doc_id != citing.doc_id:
                return found.doc_id
        if not title:
            return None
        found_id = self._by_title(title, citing)
        if found_id is None:
            full = self._expand_short_name(title, citing)
            found_id = self._by_title(full, citing) if full else None
        return found_id

    def resolve_all(self, citing: DocSummary) -> list[ResolvedReference]:
        """Every reference of ``citing`` (titles, then 发文字号 cited in the text) resolved."""
        refs = [ResolvedReference(t, n, self.resolve(t, n, citing)) for t, n in citing.references]
        listed = {r.doc_number for r in refs if r.doc_number}
        refs += [ResolvedReference(None, n, self.resolve(None, n, citing))
                 for n in sorted(citing.cited_numbers) if n not in listed]
        return refs

    def cited_by(self) -> dict[str, list[str]]:
        """doc_id -> ids of the documents citing it, by the same rules as the document page."""
        result: dict[str, set[str]] = defaultdict(set)
        for citing in self.docs.values():
            for ref in self.resolve_all(citing):
                if ref.doc_id and ref.doc_id != citing.doc_id:
                    result[ref.doc_id].add(citing.doc_id)
        return {k: sorted(v) for k, v in result.items()}

    # --- rules ---------------------------------------------------------------------------

    def _by_title(self, title: str, citing: DocSummary) -> str | None:
        keys = {title_key(title, citing.places), title_key(title)}
        ids = set().union(*(self._by_key.get(k, set()) for k in keys if len(k) >= MIN_KEY_LENGTH))
        own_title = self._full_key.get(citing.doc_id) or title_key(citing.title)
        # a revised version cites itself, not its predecessor
        ids = {i for i in ids if i != citing.doc_id and self._full_key[i] != own_title}
        if not ids:
            return None
        named = fold("".join(title.split()))
        names_own_place = any(fold(p) in named for p in citing.places)
        tiers: dict[int, list[DocSummary]] = defaultdict(list)
        for doc_id in ids:
            tier = self._tier(self.places(doc_id), named, citing.places, names_own_place)
            if tier is not None:
                tiers[tier].append(self.docs[doc_id])
        draft = bool(_STATUS.search(fold(title)))
        for tier in sorted(tiers):
            found = pick_version(tiers[tier], citing.date, draft)
            if found:
                return found.doc_id
        return None

    @staticmethod
    def _tier(places: tuple[str, ...], named: str, own: tuple[str, ...], names_own_place: bool) -> int | None:
        if not places:
            return None if names_own_place else _NATIONAL
        if any(fold(p) in named for p in places):
            return _EXPLICIT
        if set(places) & set(own):
            return _OWN
        return None  # another place's document

    def _expand_short_name(self, title: str, citing: DocSummary) -> str | None:
        """The one full title among those ``citing`` cites or acts on that ends with ``title``."""
        short = title_key(title)
        if not short:
            return None
        candidates = {
            key: t
            for t in (*(t for t, _ in citing.references), *citing.subjects)
            if (key := title_key(t)) != short and key.endswith(short)
        }
        return next(iter(candidates.values())) if len(candidates) == 1 else None


def _leading_places(summary: DocSummary, known: set[str]) -> tuple[str, ...]:
    for text in (summary.issuer or "", summary.title):
        found = [p for p in known if text.startswith(p)]
        if found:
            return tuple(sorted(found, key=len, reverse=True))
    return ()
