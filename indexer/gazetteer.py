"""Departments gazetteer: every way a government body is written, mapped to its official name.

Minutes name departments by their short forms (市工信局, 市场监管局, 人行苏州中支) while policy
documents use the full name (苏州市工业和信息化局); facets and filters only work if all of them
resolve to one canonical full name. The data live in ``indexer/data/departments.tsv`` (versioned
with the code) so a reviewer can correct a name without touching Python.

Matching is a single compiled regular expression built from a character trie of every name and
alias: the regex engine then does longest-match at each position in C, which keeps
:meth:`Gazetteer.find` fast enough to run on every paragraph of the corpus. Deliberately not
based on jieba tokens: the segmenter splits names like 市资源规划局 unpredictably.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.normalize import fold

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "departments.tsv"
LEVELS = ("municipal", "national", "other")
COLUMNS = ("name", "short", "aliases", "level", "since", "until")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_CITY = "苏州"
# Place names that pin a form to Suzhou even in a document from elsewhere.
_LOCAL_PLACES = (_CITY, "常熟", "太仓", "昆山", "张家港", "吴江", "吴中", "相城", "姑苏", "虎丘")

# Characters that make the 市 starting an alias part of an ordinary word on its left
# (城市、都市、超市、股市 …: 城市场监管局 is not a mention of 市场监管局), or that show the 市 is
# a generic city in a law (直辖市人民政府, 设区的市人民政府, 县级市, 各市, 本市, 该市, 全市).
_WORD_BEFORE_SHI = frozenset("城都超股楼门夜集上辖的级各本该全每")
# 省、市人民政府 / 县和市人民政府: a list of jurisdiction levels, not Suzhou.
_LIST_JOINERS = frozenset("、和或及与")
# Characters that make a final 部 the start of another word: 部门, 部署, 部分, 部位, 部件, 部队.
_WORD_AFTER_BU = frozenset("门署分位件队")
# Jurisdiction markers: 省发展改革委 / 县市场监管局 are other governments' bodies, so a bare
# alias (one that does not itself start with a jurisdiction) right after them is not ours.
_JURISDICTION = frozenset("省市县区州镇乡盟旗")
_SCOPED_STARTS = ("市", "省", "县", "区", "苏州", "国家", "国务院", "中国", "中华", "中共", "全国", "团市委")


class GazetteerDataError(ValueError):
    """A malformed row in the departments file; the message names file and line."""


@dataclass(frozen=True)
class Department:
    name: str  # canonical official full name
    short: str  # display short name
    aliases: tuple[str, ...] = ()
    level: str = "municipal"  # municipal (Suzhou and bodies within it) | national | other
    since: int | None = None  # year the body got this name, when it was renamed
    until: int | None = None  # last year the name was in use


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    canonical: str


def _split_aliases(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split("|") if a.strip())


def parse_rows(text: str, source: str = "departments.tsv") -> list[Department]:
    """Parse and validate the TSV text; any malformed row raises with ``source:line``.

    Rules: 6 tab-separated columns (trailing empty ones may be omitted), non-empty name and
    short name, a known level, 4-digit years with since <= until, no name or alias claimed by
    two departments, and no duplicate full names.
    """
    departments: list[Department] = []
    owner: dict[str, tuple[str, int]] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        where = f"{source}:{lineno}"
        if len(cells) > len(COLUMNS) or len(cells) < 4:
            raise GazetteerDataError(f"{where}: expected 4-6 tab-separated columns {COLUMNS}, got {len(cells)}")
        cells += [""] * (len(COLUMNS) - len(cells))
        name, short, aliases_cell, level, since, until = cells
        if not name or not short:
            raise GazetteerDataError(f"{where}: name and short name are required")
        if level not in LEVELS:
            raise GazetteerDataError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
        years = []
        for label, value in (("since", since), ("until", until)):
            if value and not _YEAR.match(value):
                raise GazetteerDataError(f"{where}: {label} {value!r} is not a 4-digit year")
            years.append(int(value) if value else None)
        if years[0] and years[1] and years[0] > years[1]:
            raise GazetteerDataError(f"{where}: since {years[0]} is after until {years[1]}")
        aliases = _split_aliases(aliases_cell)
        for form in (name, short, *aliases):
            if any(ch in form for ch in "\t|#") or form != form.strip():
                raise GazetteerDataError(f"{where}: bad characters in name {form!r}")
            key = fold(form)
            if key in owner and owner[key][0] != name:
                other, other_line = owner[key]
                raise GazetteerDataError(
                    f"{where}: {form!r} already names {other!r} ({source}:{other_line})"
                )
            if form == name and key in owner and owner[key][1] != lineno:
                raise GazetteerDataError(f"{where}: duplicate department {name!r} (see line {owner[key][1]})")
            owner[key] = (name, lineno)
        extra = tuple(dict.fromkeys(a for a in aliases if a not in (name, short)))
        departments.append(Department(name, short, extra, level, years[0], years[1]))
    return departments


def load_file(path: Path = DATA_FILE) -> list[Department]:
    """Departments of a TSV file, validated; GazetteerDataError names ``path:line``."""
    return parse_rows(path.read_text(encoding="utf-8"), source=str(path))


def _variants(dept: Department) -> set[str]:
    """Written forms of one department: its names plus the city-prefix and folded variants."""
    forms = {dept.name, dept.short, *dept.aliases}
    if dept.level == "municipal":
        for form in list(forms):
            if form.startswith(_CITY + "市"):
                forms.add(form[len(_CITY):])  # 苏州市教育局 -> 市教育局
            elif form.startswith("市") and not form.startswith("市场"):
                forms.add(_CITY + form)  # 市工信局 -> 苏州市工信局
    # Callers may search folded text (fold: NFKC + simplified), where （集团） reads (集团).
    return forms | {fold(form) for form in forms}


def trie_regex(words: list[str]) -> str:
    """Regex source matching any of ``words``, longest alternative first at every branch.

    A plain alternation makes the engine try every word at every position; the trie shares
    prefixes so each position costs one character-class test in the common no-match case.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        terminal = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if terminal else body

    return build(trie)


class Gazetteer:
    """Lookup and text matching over a list of departments."""

    def __init__(self, departments: list[Department]):
        self._departments = list(departments)
        self._by_name = {d.name: d for d in self._departments}
        self._by_key: dict[str, str] = {}
        self._surface: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        city_relative: set[str] = set()
        for dept in self._departments:
            self._aliases[dept.name] = sorted({dept.short, *dept.aliases} - {dept.name})
            for form in _variants(dept):
                self._surface[form] = dept.name
                self._by_key[fold(form)] = dept.name
                if _city_relative(dept, form):
                    city_relative.add(form)
        by_length = sorted(self._surface, key=len, reverse=True)
        self._local = re.compile(trie_regex(by_length))
        self._general = re.compile(trie_regex([f for f in by_length if f not in city_relative]))

    def departments(self) -> list[Department]:
        return list(self._departments)

    def department(self, canonical: str) -> Department | None:
        return self._by_name.get(canonical)

    def aliases_of(self, canonical: str) -> list[str]:
        """Short name and aliases as listed in the data (empty for an unknown name)."""
        return list(self._aliases.get(canonical, []))

    def canonical(self, name: str) -> str | None:
        """Canonical full name for a full name, alias or abbreviation, with or without 苏州."""
        if not name:
            return None
        key = fold(re.sub(r"\s+", "", name))
        if key in self._by_key:
            return self._by_key[key]
        if key.startswith(_CITY):  # 苏州发改委 = 市发改委 (苏州市发改委 is already a variant)
            return self._by_key.get("市" + key.removeprefix(_CITY))
        return None

    def find(self, text: str, local: bool = True) -> list[Mention]:
        """Department mentions, left to right, longest match first, non-overlapping.

        ``local=True`` reads city-relative forms (市工信局, 市人民政府) as Suzhou's, which is
        right for Suzhou's own documents. Another city's regulation says 市人民政府 about
        itself, so text not issued in Suzhou (laws, State Council documents) should be read
        with ``local=False``: only forms that name their body unambiguously are matched.
        """
        mentions: list[Mention] = []
        pos = 0
        search = (self._local if local else self._general).search
        while True:
            m = search(text, pos)
            if m is None:
                return mentions
            start, end = m.span()
            surface = m.group()
            if _rejected(text, start, end, surface):
                pos = start + 1
                continue
            mentions.append(Mention(start, end, surface, self._surface[surface]))
            pos = end


def _city_relative(dept: Department, form: str) -> bool:
    """True for forms whose body depends on who is writing: 市工信局, 工业园区, 省政府."""
    if dept.level == "municipal":
        return not any(place in form for place in _LOCAL_PLACES)
    return dept.level == "other" and form.startswith("省")


def _rejected(text: str, start: int, end: int, surface: str) -> bool:
    """True when the match is part of a longer ordinary word rather than a department name."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if surface.startswith("市") and (
        before in _WORD_BEFORE_SHI
        or (before in _LIST_JOINERS and start >= 2 and text[start - 2] in _JURISDICTION)
    ):
        return True  # 城市场监管局, 直辖市人民政府, 省、市人民政府
    if surface.endswith("部") and after in _WORD_AFTER_BU:
        return True  # 公安部门 (generic "police departments"), 建设部署 (部署 = deploy)
    if before in _JURISDICTION and not surface.startswith(_SCOPED_STARTS):
        return True  # 省发展改革委 is the province's, not the national commission
    return False


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The shipped gazetteer, parsed and validated once per process."""
    departments = load_file(DATA_FILE)
    log.debug("gazetteer: %d departments from %s", len(departments), DATA_FILE)
    return Gazetteer(departments)
