"""Department names relative to the jurisdiction of the text that writes them.

区发改局 in 东区's minutes is 攀枝花市东区发展和改革局, 县政府办 in 开江's is 开江县人民政府办公室:
the level word before a department (省/市/州/县/区) points at the government of that level in the
writer's own hierarchy. The rules:

* a place named in the mention (濉溪县教育局) is that place (when the name is unique, or unique
  within the writer's province);
* a level word equal to the writer's own level, or no level word, is the writer itself;
* a higher level word (市委组织部 in a county's minutes) is the parent of that level, but only
  when the text names that parent somewhere — a department is never placed in a government the
  text does not name;
* Suzhou's documents keep the curated gazetteer (:mod:`indexer.gazetteer`), which knows the
  official names and renamings of Suzhou's bodies;
* otherwise (no jurisdiction, an unnamed parent, a town) the mention is kept as written, with its
  type. It is never mapped to another city's body.
"""
from __future__ import annotations

from dataclasses import dataclass

from indexer.depttypes import DeptMention, get_taxonomy
from indexer.divisions import Division, Divisions, fits, get_divisions, short_forms
from indexer.models import Jurisdiction

SUZHOU_CODE = "3205"


@dataclass(frozen=True)
class Resolved:
    written: str  # as the text writes it: 区人社局
    name: str  # full name when the place is known (西安市未央区人力资源和社会保障局), else as written
    type: str  # 人力资源社会保障
    group: str  # 政府部门


def is_suzhou(jur: Jurisdiction | None) -> bool:
    """True for the city of Suzhou and the places under it (its gazetteer applies)."""
    return bool(jur and jur.code and jur.code.startswith(SUZHOU_CODE))


# The last character of an abbreviation and the ending of its full form (委 -> 委员会, 办 -> 办公室).
_ENDINGS = {"委": ("委员会", "委"), "办": ("办公室", "办公厅"), "局": ("局",), "厅": ("厅",)}


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def expand(form: str, full: str, forms: tuple[str, ...]) -> str:
    """The full form of an abbreviation, or the written form when it is a name of its own.

    An abbreviation keeps the characters of its full name in order (市场监管局 ⊂
    市场监督管理局, 人社局 ⊂ 人力资源和社会保障局, 发改委 ⊂ 发展和改革委员会); a written form that
    is not one (建设和住房保障局, 环保局) is the body's own name and is kept.
    """
    if form == full:
        return form
    for candidate in (full, *sorted(forms, key=len, reverse=True)):
        if len(candidate) > len(form) and _subsequence(form, candidate) and candidate.endswith(_ENDINGS.get(form[-1], form[-1])):
            return candidate
    return form


class Resolver:
    """Resolves department mentions for one document."""

    def __init__(self, jurisdiction: Jurisdiction | None, text: str):
        self.divs: Divisions = get_divisions()
        self.jur = jurisdiction
        self.own: Division | None = self.divs.get(jurisdiction.code) if jurisdiction and jurisdiction.code else None
        self.text = text
        self.taxonomy = get_taxonomy()

    def _named(self, div: Division) -> bool:
        """The text names ``div`` (full name, or a short form standing alone)."""
        return div.name in self.text or any(form in self.text for form in short_forms(div.name))

    def place_of(self, mention: DeptMention) -> Division | None:
        if mention.place:
            codes = self.divs.full_forms.get(mention.place) or self.divs.short_forms.get(mention.place) or []
            if len(codes) > 1 and self.own:
                codes = [c for c in codes if self.divs.by_code[c].province == self.own.province]
            return self.divs.by_code[codes[0]] if len(codes) == 1 else None
        if not self.own or mention.level in ("镇", "乡"):
            return None
        if not mention.level or fits(self.own, mention.level):
            return self.own
        for parent in self.divs.parents(self.own):
            if fits(parent, mention.level):
                return parent if self._named(parent) else None
        return None

    def full_name(self, div: Division, mention: DeptMention) -> str:
        full = expand(mention.form, mention.dtype.provincial if div.level == "省级" else mention.dtype.local,
                      mention.dtype.forms)
        dtype = mention.dtype
        place = self.divs.place_name(div)
        if dtype.group == "党委":
            if dtype.type == "纪检监察":
                return f"中共{place}纪律检查委员会"
            return f"中共{place}{full}"
        if dtype.type == "政府" and div.suffix in ("地区", "盟"):
            return div.name + "行政公署"
        if dtype.type == "人大":
            return place + "人民代表大会常务委员会"
        if dtype.type == "政协":
            return f"中国人民政治协商会议{place}委员会"
        return place + full

    def resolve(self, mention: DeptMention) -> Resolved:
        div = self.place_of(mention)
        name = self.full_name(div, mention) if div else mention.written
        return Resolved(mention.written, name, mention.dtype.type, mention.dtype.group)

    def find(self, text: str) -> list[Resolved]:
        return [self.resolve(m) for m in self.taxonomy.find(text)]

    def named_unit(self, written: str) -> Resolved | None:
        """A unit the taxonomy does not list (北客站征地拆迁指挥部, 区投资公司): kept as written,
        typed by its last word."""
        found = self.taxonomy.find(written)
        if found and found[-1].end == len(written) and found[0].start == 0:
            return self.resolve(found[0])
        typed = self.taxonomy.type_by_suffix(written)
        return Resolved(written, written, typed[0], typed[1]) if typed else None
