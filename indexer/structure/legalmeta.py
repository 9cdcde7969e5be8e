"""Legal metadata of laws, regulations and normative documents, as the sources state it.

* ``legal_level`` (效力级别): from the source record's classification (the LawRefBook folder in
  ``topic``/``source_path``: 行政法规, 地方性法规/山东, 部门规章/公安部, or a branch of law such as
  行政法 or 民法商法, which only holds 法律), else from the order that promulgated the text
  (国务院令 -> 行政法规, 主席令 -> 法律, 省/市人民政府令 -> 地方政府规章).
* ``effective`` (施行日期): a header line ``2021年5月1日 施行``, else the text's own statement
  ``本条例自2020年1月1日起施行`` / ``《<title>》，自…起施行`` (自公布之日起施行: the stated 公布
  date of a text never changed since). The closing article of a text last amended (修正) still
  gives its first version's date, so it is not read then; a revision (修订) rewrites the whole
  text, closing article included.
* ``validity`` (时效性): only when the source record states it.

Nothing is guessed: a field the source does not state stays absent.
"""
from __future__ import annotations

import re
from typing import Any

from indexer.layout import DATE_TEXT, to_iso_date
from indexer.models import Document

# LawRefBook's folders: the level itself, or one of the branches of law (法律部门) it files laws under
_LEVELS = ("宪法", "法律", "行政法规", "监察法规", "地方性法规", "自治条例", "单行条例", "部门规章",
           "地方政府规章", "司法解释", "规范性文件")
_LAW_BRANCHES = ("宪法相关法", "民法商法", "民法典", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法")
VALIDITY_VALUES = ("现行有效", "已修改", "已废止", "已失效", "部分失效", "尚未生效")

_OWN_SUBJECT = r"本(?:条例|法|规定|办法|实施办法|细则|实施细则|决定|规则|修正案|解释|通知|意见|方案|准则|标准)"
_OWN_EFFECTIVE = re.compile(rf"{_OWN_SUBJECT}[^。；\n]{{0,20}}?自(?P<date>{DATE_TEXT})起(?:施行|实施|生效)")
_ON_PROMULGATION = re.compile(rf"{_OWN_SUBJECT}自(?:公布|发布)之日起(?:施行|实施|生效)")
# 现公布修订后的《…》，自2019年1月1日起施行: the title is compared after the match (a pattern
# built per document's title cost more than the rest of parsing a law).
_QUOTED_EFFECTIVE = re.compile(rf"《(?P<title>[^《》]{{1,300}})》[，,]?\s*自(?P<date>{DATE_TEXT})起(?:施行|实施|生效)")
_DATED_LINE = re.compile(rf"\s*{DATE_TEXT}")
_HEADER_EFFECTIVE = re.compile(rf"^\s*(?P<date>{DATE_TEXT})\s*(?:起)?施行\s*$")
_HEADER_LINES = 8


def _level_of_path(*values: Any) -> str | None:
    for value in values:
        for part in re.split(r"[/\\]", str(value or "")):
            if part in _LEVELS:
                return part
            if part in _LAW_BRANCHES:
                return "宪法" if part == "宪法" else "法律"
    return None


def _level_of_order(numbers: list[str]) -> str | None:
    for number in numbers:
        if re.search(r"国务院令|^国令", number):
            return "行政法规"
        if "主席令" in number:
            return "法律"
        if re.search(r"(?:省|市|自治区)人民政府令", number):
            return "地方政府规章"
    return None


def legal_level(meta: dict[str, Any], doc: Document) -> str | None:
    """效力级别 stated by the source's classification, else by the promulgating order."""
    level = _level_of_path(meta.get("legal_level"), meta.get("topic"), meta.get("source_path"))
    if level:
        return level
    orders = [doc.doc_number or "", *doc.metadata.get("orders", []), doc.metadata.get("order") or ""]
    return _level_of_order([o for o in orders if o])


def effective_date(doc: Document) -> str | None:
    """施行日期 as the text states it (see the module docstring for what is not read)."""
    texts = [p.text for p in doc.paragraphs]
    for text in texts[:_HEADER_LINES]:
        if m := _HEADER_EFFECTIVE.match(text):
            return to_iso_date(m.group("date"))
    for text in texts[:_HEADER_LINES]:
        for m in _QUOTED_EFFECTIVE.finditer(text):
            if m.group("title") == doc.title:
                return to_iso_date(m.group("date"))
    changes = [t for t in texts[:_HEADER_LINES] if _DATED_LINE.match(t) and ("修订" in t or "修正" in t)]
    if changes and "修正" in changes[-1]:
        return None  # an amended (修正) text keeps the closing article, and date, of its first version
    for text in reversed(texts):
        if m := _OWN_EFFECTIVE.search(text):
            return to_iso_date(m.group("date"))
        if _ON_PROMULGATION.search(text):  # 本条例自公布之日起施行: the one 公布 date of an unrevised text
            return None if changes else doc.metadata.get("promulgated")
    return None


def add_legal_metadata(doc: Document, meta: dict[str, Any]) -> None:
    """Fill ``legal_level``, ``promulgated``, ``effective`` and ``validity`` where stated."""
    if doc.kind not in ("policy", "other"):
        return
    level = legal_level(meta, doc)
    if level:
        doc.metadata["legal_level"] = level
        if "promulgated" not in doc.metadata and doc.metadata.get("issued"):
            doc.metadata["promulgated"] = doc.metadata["issued"]  # the date under the order's signature
    effective = effective_date(doc)
    if effective:
        doc.metadata["effective"] = effective
    validity = str(meta.get("validity") or meta.get("时效性") or "").strip()
    if validity in VALIDITY_VALUES:
        doc.metadata["validity"] = validity
