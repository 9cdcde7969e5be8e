"""National taxonomy of department types, and the department mentions of any government's text.

Every Chinese government, from a county to a province, has the same set of departments under
varying names: 发展和改革委员会 / 发改委 / 发改局, 人力资源和社会保障局 / 人社局 … The taxonomy in
``data/dept_types.tsv`` lists, per type, the full forms at local and provincial level and the
written forms, so that any mention (区人社局, 濉溪县教育局, 县委组织部) is recognised with its type
whatever the place. Named units the table cannot list (北客站征地拆迁指挥部, 六村堡街道, 区投资公司)
get their type from the last word of the name (:func:`type_by_suffix`).

This module only recognises; turning a mention into a full name relative to the document's
jurisdiction is :mod:`indexer.deptresolve`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.divisions import get_divisions
from indexer.gazetteer import trie_regex

DATA_FILE = Path(__file__).resolve().parent / "data" / "dept_types.tsv"
_HAN = re.compile(r"[\u4e00-\u9fff]")
LEVEL_TOKENS = ("自治区", "自治州", "自治县", "省", "市", "州", "县", "区", "旗", "盟", "镇", "乡")
# The last word of a named unit -> (type, group), longest first.
_SUFFIX_TYPES = (
    ("街道办事处", "街道", "乡镇街道"), ("街道办", "街道", "乡镇街道"), ("街道", "街道", "乡镇街道"),
    ("镇人民政府", "乡镇", "乡镇街道"), ("乡人民政府", "乡镇", "乡镇街道"), ("镇政府", "乡镇", "乡镇街道"),
    ("乡政府", "乡镇", "乡镇街道"), ("镇", "乡镇", "乡镇街道"), ("乡", "乡镇", "乡镇街道"),
    ("管理委员会", "开发区管理机构", "派出机构"), ("管委会", "开发区管理机构", "派出机构"),
    ("指挥部", "议事协调机构", "议事协调"), ("领导小组办公室", "议事协调机构", "议事协调"),
    ("领导小组", "议事协调机构", "议事协调"), ("工作专班", "议事协调机构", "议事协调"),
    ("有限责任公司", "企业", "企业"), ("有限公司", "企业", "企业"), ("公司", "企业", "企业"), ("集团", "企业", "企业"),
    ("银行", "金融机构", "企业"), ("支行", "金融机构", "企业"),
    ("医院", "事业单位", "事业单位"), ("学校", "事业单位", "事业单位"), ("中心", "事业单位", "事业单位"),
    ("研究院", "事业单位", "事业单位"), ("院", "事业单位", "事业单位"), ("所", "事业单位", "事业单位"),
    ("站", "事业单位", "事业单位"), ("馆", "事业单位", "事业单位"),
    ("局", "其他政府部门", "政府部门"), ("委员会", "其他政府部门", "政府部门"), ("办公室", "其他政府部门", "政府部门"),
    ("办", "其他政府部门", "政府部门"), ("委", "其他政府部门", "政府部门"),
)


@dataclass(frozen=True)
class DeptType:
    type: str  # 财政
    group: str  # 政府部门 / 党委 / 人大 / 群团 …
    local: str  # full form at city and county level: 财政局
    provincial: str  # full form at province level: 财政厅
    forms: tuple[str, ...]  # written forms, without the place
    weak: frozenset[str]  # forms only read after a prefix (政府, 办公室)


@dataclass(frozen=True)
class DeptMention:
    start: int
    end: int
    written: str  # 区人社局
    place: str  # 濉溪县 / 西安市新城区 (a place named in the mention), else ""
    level: str  # 区 (the level token before the form), else ""
    form: str  # 人社局
    dtype: DeptType


def parse_rows(text: str) -> list[DeptType]:
    rows = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if len(cells) != 5:
            raise ValueError(f"{DATA_FILE.name}:{lineno}: expected 5 tab-separated columns, got {len(cells)}")
        dtype, group, local, provincial, forms_cell = (c.strip() for c in cells)
        forms = [f.strip() for f in forms_cell.split("|") if f.strip()]
        weak = frozenset(f.rstrip("*") for f in forms if f.endswith("*"))
        rows.append(DeptType(dtype, group, local, provincial, tuple(f.rstrip("*") for f in forms), weak))
    return rows


class Taxonomy:
    """The department types and one compiled matcher for place + level + form."""

    def __init__(self, types: list[DeptType]):
        self.types = types
        self.by_type = {t.type: t for t in types}
        self.by_form: dict[str, DeptType] = {}
        for t in types:
            for form in t.forms:
                self.by_form.setdefault(form, t)
        divs = get_divisions()
        self._full = set(divs.full_forms)
        self._places = self._full | set(divs.short_forms)
        self._place_max = max(map(len, self._places))
        # The form is the anchor: the regex engine tries one trie per position, and the level
        # word and the place before a match are then looked up (a place trie in front of the
        # pattern would be tried at every position of every paragraph).
        self.pattern = re.compile(trie_regex(sorted(self.by_form, key=len, reverse=True)))
        self._suffix = re.compile("(?:" + "|".join(re.escape(s) for s, _, _ in _SUFFIX_TYPES) + ")$")
        self._suffix_type = {s: (t, g) for s, t, g in _SUFFIX_TYPES}

    def find(self, text: str) -> list[DeptMention]:
        """Department mentions in ``text``, left to right, longest first."""
        out: list[DeptMention] = []
        for m in self.pattern.finditer(text):
            form = m.group()
            start = m.start()
            place = self._place_before(text, start, full_only=True)  # 西安市新城区 (a place with its level)
            level = "" if place else next((t for t in LEVEL_TOKENS if text.endswith(t, 0, start)), "")
            if level:
                place = self._place_before(text, start - len(level))  # 濉溪 + 县
            start -= len(place) + len(level)
            dtype = self.by_form[form]
            if (form in dtype.weak or form.startswith("委")) and not (place or level):
                continue  # 政府, 办公室, 委组织部 alone: part of another word
            out.append(DeptMention(start, m.end(), text[start:m.end()], place, level, form, dtype))
        return out

    def _place_before(self, text: str, end: int, full_only: bool = False) -> str:
        """The longest place name ending at ``end`` (西安市新城区 before 教育局), else "".

        A short form (濉溪) only counts before its level word (濉溪县): 全州政府 is the whole
        prefecture's government, not 全州县's.
        """
        names = self._full if full_only else self._places
        for size in range(min(self._place_max, end), 1, -1):
            place = text[end - size:end]
            if place in names:
                # 部署和县委: a two-character name inside a phrase is not a place (和县)
                if (size == 2 or place not in self._full) and end - size > 0 and _HAN.match(text[end - size - 1]):
                    continue
                return place
        return ""

    def classify(self, name: str) -> tuple[str, str] | None:
        """(type, group) of a department name: its longest known form at the end, else its
        last word (指挥部, 公司, 街道). None for a name that is no department."""
        for mention in self.find(name):
            if mention.end == len(name):
                return mention.dtype.type, mention.dtype.group
        return self.type_by_suffix(name)

    def type_by_suffix(self, name: str) -> tuple[str, str] | None:
        m = self._suffix.search(name)
        return self._suffix_type[m.group()] if m else None


@lru_cache(maxsize=1)
def get_taxonomy() -> Taxonomy:
    """The shipped taxonomy, parsed and compiled once per process."""
    return Taxonomy(parse_rows(DATA_FILE.read_text(encoding="utf-8")))
