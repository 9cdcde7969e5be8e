"""Typed decision actions: one controlled vocabulary for every parser, decision or remark.

Parsers read a verb per decision paragraph in their own words (``Decision.action``: 指出, 确定,
讲话, 传达 …). Researchers filter on what the meeting *did*, so each decision also gets an
``action_type`` from :data:`ACTION_TYPES` and ``is_decision``:

* a paragraph that adopts something anywhere in it is that adoption, whatever it opens with —
  会议指出…。会议通过了《…》 is a 通过 decision (the strongest deciding verb in a 会议 clause wins:
  通过 > 原则通过 > 原则同意 > 同意 > 决定 > 部署);
* otherwise the parser's verb is mapped onto the vocabulary (确定, 议定 -> 决定, 批准 -> 同意,
  传达/学习 -> 听取, 讨论 -> 研究, 认为/明确/提出/讲话 -> 指出);
* ``is_decision`` is true for 通过, 原则通过, 原则同意, 同意, 决定, 部署; 要求, 强调, 指出 are
  remarks, 听取, 审议, 研究 deliberations.

A verb in a directive (要…通过, 应当同意) or in a negation is not an adoption.
"""
from __future__ import annotations

import re

ACTION_TYPES = ("通过", "原则通过", "原则同意", "同意", "决定", "部署", "要求", "强调", "指出", "听取", "审议", "研究")
DECISION_TYPES = frozenset(("通过", "原则通过", "原则同意", "同意", "决定", "部署"))
# The meeting adopting something: 会议(审议|讨论)(并)?(原则)?通过了《 / 会议原则同意 / 会议决定 / 会议同意.
_ADOPTION = re.compile(
    r"(?:会议|会上|会议还|常务会议)[^。；，,]{0,8}?(?:审议并|讨论并|研究并|审议|讨论|审定并|认真)?"
    r"(?P<verb>原则通过|原则同意|通过|同意|决定|议定|批准|核准)(?![^。；]{0,2}(?:的|后))"
)
_PLAIN_ADOPTION = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)])?\s*(?P<verb>原则同意|原则通过|同意|通过|决定|批准)")
_MAP = {
    "确定": "决定", "批准": "同意", "核准": "同意", "传达": "听取", "学习": "听取", "讨论": "研究",
    "认为": "指出", "明确": "指出", "指导意见": "指出", "议定": "决定", "提出": "指出", "讲话": "指出", "分析": "指出", "肯定": "指出",
}
_RANK = {"通过": 0, "原则通过": 1, "原则同意": 2, "同意": 3, "决定": 4}  # 议定 is read as 决定


def action_type(text: str, action: str | None) -> str | None:
    """The controlled type of a decision paragraph read by a parser as ``action``."""
    adopted = [m.group("verb") for m in _ADOPTION.finditer(text)]
    if m := _PLAIN_ADOPTION.match(text):
        adopted.append(m.group("verb"))
    adopted = [_MAP.get(v, v) for v in adopted]
    if adopted:
        return min(adopted, key=lambda v: _RANK.get(v, 9))
    if action is None:
        return None
    mapped = _MAP.get(action, action)
    return mapped if mapped in ACTION_TYPES else None


_OPENING_VERB = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[）)])?\s*(?:会议|会上)[，,]?"
    r"(?:还|首先|集中|专题|专门|认真|深入|一致|同时|最后|并)?(?:讨论并?|审议并?|研究并?)?"
    r"(?P<verb>原则通过|原则同意|通过|同意|决定|议定|部署|要求|强调|指出|听取|审议|研究|传达|学习|讨论|认为|明确|确定)"
)


def opening_verb(text: str) -> str | None:
    """What a 会议X paragraph says the meeting did, from its first words (会议强调 -> 强调)."""
    m = _OPENING_VERB.match(text)
    return m.group("verb") if m else None


def is_decision(kind: str | None) -> bool:
    return kind in DECISION_TYPES
