"""The benchmark queries: what people type into the search box for this corpus.

Queries are kept as typed (with the in-query filter syntax of our query language, e.g.
``部门:市应急局 安全``) because that is what our build is measured on; ``parse`` splits the
filters out so the naive build can run the same request in its own terms (QueryParser text plus
filter queries on its ``dept``/``year`` fields).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# (category, typed query). Categories show up in the report's hit-count table.
QUERIES: tuple[tuple[str, str], ...] = (
    # short words
    ("word", "安全生产"),
    ("word", "再生资源回收"),
    ("word", "数字化转型"),
    ("word", "品牌认证"),
    ("word", "检验检测"),
    ("word", "垃圾分类"),
    ("word", "养老服务"),
    ("word", "乡村振兴"),
    ("word", "营商环境"),
    ("word", "疫情防控"),
    ("word", "知识产权"),
    ("word", "突发事件"),
    ("word", "住房公积金"),
    ("word", "义务教育"),
    ("word", "医疗保障"),
    ("word", "人工智能"),
    ("word", "集成电路"),
    ("word", "碳达峰"),
    ("word", "农民工工资"),
    ("word", "专项债券"),
    ("word", "再生資源回收"),  # Traditional characters
    ("word", "市工信局"),
    # several words / long phrases
    ("phrase", '"智能化改造和数字化转型"'),
    ("phrase", "关于推进制造业智能化改造和数字化转型的若干措施"),
    ("phrase", "全国煤矿安全生产工作紧急视频会议"),
    ("phrase", "“苏州制造”品牌认证三年行动方案"),
    ("phrase", "本条例自公布之日起施行"),
    ("phrase", "县级以上地方人民政府应当加强"),
    ("phrase", '"双随机、一公开"监管'),
    ("phrase", "深化放管服改革 优化营商环境"),
    ("phrase", "政务服务 一网通办"),
    ("phrase", "减税降费 稳就业"),
    ("phrase", "人民政府 应当 加强"),
    ("phrase", "新型城镇化 户籍制度改革"),
    ("phrase", "民营经济 融资难 融资贵"),
    ("phrase", "一带一路 国际合作"),
    ("phrase", "会议决定 延续实施 税收优惠政策"),
    ("phrase", "生产经营单位的主要负责人对本单位的安全生产工作全面负责"),
    # department filters
    ("department", "部门:市应急局 安全"),
    ("department", "部门:市工信局 数字化"),
    ("department", "dept:市商务局 再生资源"),
    ("department", "部门:市市场监管局 品牌"),
    ("department", "部门:财政部 专项资金"),
    ("department", "部门:国家发展改革委 价格"),
    # years
    ("year", "年份:2020"),
    ("year", "year:2015-2019 环境保护"),
    ("year", "年份:2018 国务院常务会议"),
    ("year", "year:2012-2014 城镇化"),
    ("year", "年份:2023 民营经济"),
    ("year", "year:2000-2010 安全生产许可证"),
    # 发文字号 in several bracket forms
    ("doc_number", "国发〔2018〕39号"),
    ("doc_number", "国办发[2018]108号"),
    ("doc_number", "国发（2019）5号"),
    ("doc_number", "国办函〔2004〕25号"),
    ("doc_number", "国务院令第656号"),
    # document kinds
    ("kind", "kind:policy 养老"),
    ("kind", "kind:minutes 稳就业"),
    ("kind", "类型:other 安全生产"),
    ("kind", "kind:policy 国务院办公厅"),
    ("kind", "kind:minutes 减税降费"),
    # no hits expected
    ("zero", "量子火锅协会章程"),
    ("zero", "xyzzyplugh"),
    ("zero", "鞋带平方根定理"),
    ("zero", "宇宙飞船停车位收费标准"),
)

_FIELDS = {
    "部门": "department", "dept": "department",
    "年份": "year", "year": "year",
    "kind": "kind", "类型": "kind",
    "topic": "topic", "主题": "topic",
    "meeting": "meeting",
}
_FILTER = re.compile(r"(?<!\S)(" + "|".join(_FIELDS) + r")[:：](\S+)")
_YEAR_RANGE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


@dataclass(frozen=True)
class ParsedQuery:
    """A typed query split into its words and its filters."""

    words: str
    departments: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    kinds: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)


def parse(typed: str) -> ParsedQuery:
    """Split ``部门:X year:2015-2019 words`` into words and filters (our query syntax's field
    filters; anything unrecognised stays in the words)."""
    found: dict[str, list[str]] = {"department": [], "year": [], "kind": [], "topic": [], "meeting": []}
    for name, value in _FILTER.findall(typed):
        found[_FIELDS[name]].append(value)
    words = " ".join(_FILTER.sub(" ", typed).split())
    year_from = year_to = None
    for value in found["year"]:
        match = _YEAR_RANGE.match(value)
        if match:
            year_from = int(match.group(1))
            year_to = int(match.group(2) or match.group(1))
    return ParsedQuery(
        words=words,
        departments=found["department"],
        year_from=year_from,
        year_to=year_to,
        kinds=found["kind"],
        topics=found["topic"],
        meetings=found["meeting"],
    )


@dataclass(frozen=True)
class YearFilter:
    """The extra filter of the "filters" mode, rotated over the queries (both builds have years)."""

    year_from: int
    year_to: int


FILTER_ROTATION: tuple[YearFilter, ...] = (
    YearFilter(2018, 2018),
    YearFilter(2010, 2020),
    YearFilter(2000, 2009),
)


def extra_filter(index: int) -> YearFilter:
    return FILTER_ROTATION[index % len(FILTER_ROTATION)]
