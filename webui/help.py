"""Short help pages: the query syntax (linked next to every search box) and how to subscribe.

Static text in templates; the examples are links to real searches, built with ``search_href``
so they always use the page's own parameters.
"""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from .feeds import search_feed
from .links import search_href
from .params import QueryState

bp = Blueprint("help", __name__)

# (typed, meaning); each typed query is also a link to its search.
QUERY_EXAMPLES = (
    ("再生资源回收 体系", "同时包含两个词（默认）"),
    ('"智能化改造和数字化转型"', "完整短语，字序不变"),
    ("垃圾分类 OR 再生资源", "包含任意一个词"),
    ("安全生产 -煤矿", "排除含“煤矿”的段落（也可写 NOT 煤矿）"),
    ("部门:市工信局 数字化", "限定涉及部门（段落提及、牵头或发文的部门）；简称与全称视为同一部门，"
                              "“市发改委”等简称在各地文件中指当地的部门（也可写 dept:）"),
    ("牵头:市场监管局", "限定决定事项的牵头部门（也可写 lead:）"),
    ("发文机关:国务院办公厅 营商环境", "限定文件的发文机关；会议纪要为召开会议的政府（也可写 issuer:）"),
    ("年份:2020 营商环境", "限定年份；范围写作 年份:2018-2020（也可写 year:）"),
    ("kind:policy 垃圾分类", "限定类型：minutes 会议纪要、report 会议报道、policy 政策文件、other 法律法规（也可写 类型:纪要）"),
    ("主题:工业、交通", "限定主题分类（也可写 topic:）"),
    ("会议:苏州市政府第120次常务会议", "限定某次会议（也可写 meeting:）"),
    ("国发〔2018〕39号", "发文字号，括号写法不限：[2018]、(2018)、国发2018年39号 均可"),
)


@bp.get("/help/query")
def query_syntax() -> str:
    examples = [(typed, meaning, search_href(QueryState((("q", typed),)))) for typed, meaning in QUERY_EXAMPLES]
    return render_template("help_query.html", examples=examples)


@bp.get("/help/feeds")
def feeds() -> str:
    title, href = search_feed(QueryState((("q", "营商环境"), ("kind", "policy"))))
    return render_template("help_feeds.html", example_title=title, example_href=href,
                           decisions_url=url_for("decisions.decisions_page"))
