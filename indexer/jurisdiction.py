"""Who is speaking: the government body that held a meeting or issued a text, with its place.

Minutes rarely name their own place in full: the opening sentence says 区政府 / 县长 (the level
of the body), while the place is named somewhere else — the page title, a 发布机构/来源 line, the
site's name (昭阳新闻, 郧西在线讯), the titles of the documents the meeting reviewed
(《海东市“十四五”…规划》), or the body text. The rule used here:

1. the level comes from the meeting itself (区政府 -> a district, 州长 -> an autonomous
   prefecture, 县人大常委会 -> a county's people's congress);
2. every place named in the text at that level is a candidate, weighted by where it is named:
   header lines and the opening sentence weigh most, cited titles next, the body least. Short
   forms (昭阳, 甘孜州) count only in the header and the opening sentence, and never inside a
   longer word (振兴县域 does not name 兴县);
3. two places of the same name (西安 and 呼和浩特 both have a 新城区) are told apart by a parent
   named in the text; when none is, the body keeps the name as written and no code;
4. otherwise the jurisdiction stays empty: a guess would be wrong data. Places under the body
   (王益区 in a 市政府 record) do not name it: a city's minutes may speak of another city's
   district.

Laws and policy documents state their issuer (meta ``issuer``); see :func:`from_issuer`.
"""
from __future__ import annotations

import re
from collections import defaultdict

from indexer.divisions import Division, Divisions, fits, get_divisions, short_forms
from indexer.models import Jurisdiction

HEADER, LEAD, CITED, BODY = 3.0, 3.0, 2.0, 1.0
_SHORT_FACTOR = 0.7
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CITED = re.compile(r"《([^《》]{2,200})》")
_NATIONAL = re.compile(r"^(?:国务院|中共中央|中国共产党中央|全国人民代表大会|全国人大|最高人民法院|最高人民检察院|中华人民共和国|国家|中央)")
_BODY_SUFFIX = {"政府": "人民政府", "人大常委会": "人民代表大会常务委员会"}
STATE_COUNCIL = Jurisdiction(name="国务院", level="国家")


def _mentions(divs: Divisions, text: str, weight: float, shorts: bool) -> list[tuple[str, float]]:
    """(code, weight) of every place named in ``text``."""
    out: list[tuple[str, float]] = []
    for m in divs.pattern.finditer(text):
        form = m.group()
        before = text[m.start() - 1] if m.start() else ""
        full = divs.full_forms.get(form)
        codes = full or (divs.short_forms.get(form) if shorts else None)
        if not codes:
            continue
        if (len(form) <= 2 or not full) and _HAN.match(before):
            # 振兴县域 does not name 兴县, 平安建设 not 平安区; but 攀枝花市东区 names 东区
            codes = [c for c in codes if _after_parent(divs, text, m.start(), c)]
            if not codes:
                continue
        out += [(code, weight if full else weight * _SHORT_FACTOR) for code in codes]
    return out


def _after_parent(divs: Divisions, text: str, start: int, code: str) -> bool:
    """True when ``text`` names a parent of ``code`` right before ``start``."""
    for parent in divs.parents(divs.by_code[code]):
        if any(text.endswith(form, 0, start) for form in (parent.name, *short_forms(parent.name))):
            return True
    return False


def build(divs: Divisions, div: Division, body: str = "政府") -> Jurisdiction:
    """The record of a place's body (its government by default)."""
    if body == "政府" and div.suffix in ("地区", "盟"):
        name = div.name + "行政公署"
    else:
        name = divs.place_name(div) + _BODY_SUFFIX.get(body, "人民政府")
    province = divs.get(div.province)
    prefecture = divs.get(div.prefecture)
    return Jurisdiction(
        name=name, level=div.level, province=province.name if province else None,
        prefecture=prefecture.name if prefecture and div.level != "省级" else None,
        county=div.name if div.level == "县级" else None, code=div.code, body=body,
    )


def resolve(zones: list[tuple[str, float]], level: str | None, body: str = "政府") -> Jurisdiction | None:
    """The speaking body from weighted text zones (see the module docstring); None when unsure."""
    if not level:
        return None
    divs = get_divisions()
    scores: dict[str, float] = defaultdict(float)
    for text, weight in zones:
        if text:
            for code, w in _mentions(divs, text, weight, shorts=weight >= LEAD):
                scores[code] += w
    fitting = {c: s for c, s in scores.items() if fits(divs.by_code[c], level)}
    if not fitting:
        return None  # places under the body (王益区 in a 市政府 record) do not name the body itself
    # the most named place wins; a parent named in the text only breaks ties (两个新城区)
    rank = {c: (s, sum(scores.get(p.code, 0.0) for p in divs.parents(divs.by_code[c]))) for c, s in fitting.items()}
    best = max(rank.values())
    top = [c for c, r in rank.items() if r == best]
    if len(top) == 1:
        return build(divs, divs.by_code[top[0]], body)
    names = {divs.by_code[c].name for c in top}
    if len(names) == 1:  # one name, several places, no parent named: keep the name only
        div = divs.by_code[top[0]]
        return Jurisdiction(name=div.name + _BODY_SUFFIX.get(body, "人民政府"), level=div.level, body=body)
    return None


def cited_titles(text: str) -> str:
    return "\n".join(_CITED.findall(text))


def from_issuer(issuer: str | None) -> Jurisdiction | None:
    """The jurisdiction of a stated issuer: 国务院办公厅 -> 国家; 北京市人民代表大会常务委员会 ->
    北京市 (人大常委会); 江苏省苏州市人民政府 -> 苏州市. None when the issuer names no place."""
    if not issuer:
        return None
    issuer = issuer.strip()
    if _NATIONAL.match(issuer):
        return Jurisdiction(name=issuer if issuer.startswith(("国务院", "全国", "最高")) else issuer, level="国家")
    divs = get_divisions()
    pos, deepest = 0, None
    while m := divs.pattern.match(issuer, pos):
        codes = divs.full_forms.get(m.group()) or []
        if deepest:
            codes = [c for c in codes if deepest.code in (divs.by_code[c].province, divs.by_code[c].prefecture)]
        if len(codes) != 1:
            break
        deepest, pos = divs.by_code[codes[0]], m.end()
    if not deepest:
        return None
    rest = issuer[pos:]
    body = "人大常委会" if rest.startswith(("人民代表大会常务委员会", "人大常委会")) else "政府"
    return build(divs, deepest, body)


PATH_SEP = " › "


def place_paths(place: Jurisdiction | None) -> tuple[str, ...]:
    """The facet values of a jurisdiction, from the province down (山西省, 山西省 › 吕梁市,
    山西省 › 吕梁市 › 兴县; 国家 for national bodies): selecting a province selects every body
    within it. Empty when the place is not known: nothing is guessed."""
    if place is None:
        return ()
    if place.level == "国家":
        return ("国家",)
    parts = [p for p in (place.province, place.prefecture, place.county) if p]
    return tuple(PATH_SEP.join(parts[: i + 1]) for i in range(len(parts)))
