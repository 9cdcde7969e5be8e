"""Rewrite what a researcher typed into what the query language should search for.

Researchers type questions (国务院哪次常务会议通过了优化营商环境条例), Arabic article and meeting
numbers (第19条, 第120次) and 发文字号 in any shape (国办发2018年129号, 國辦發〔2018〕123號). Searched
literally, the question words are ANDed with the content words and push the query into the
any-word fallback; 第19条 finds nothing in laws that write 第十九条. ``rewrite`` runs on the raw
string *before* ``querysyntax.parse`` and returns a string in the same query language:

* question words and particles (哪次, 什么, 如何, 是否, 关于, 吗, 了 …) are dropped when jieba cuts
  them as words of their own (有关部门 is cut 有关/部门 but kept: see ``_KEEP_AFTER_YOUGUAN``);
* 第N条/款/项/章/节/编 become Chinese numerals (how laws write them); 第N次/届 become
  ``(第120次 OR 第一百二十次)`` because meeting numbers are written both ways;
* full-width digits become ASCII; every 发文字号 becomes its canonical form, quotes around a
  lone number are removed, so ``querysyntax`` recognises it as a number.

Quoted phrases, ``field:value`` terms, excluded words (``-word``, ``NOT``) and the operators are
left exactly as typed. A word is never dropped where that would leave an operator or a
parenthesis without an operand, and a query made only of question words is left alone.
The display of the original query is the caller's: ``Rewritten.original`` keeps it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from indexer.analysis import get_segmenter
from indexer.docnumber import find_doc_numbers, normalize_doc_number
from indexer.normalize import fold

log = logging.getLogger(__name__)

# Question words: they ask, they never occur in the answer. Matched against whole jieba words
# (folded), so 如何 in 无论如何 or 什么 inside a longer dictionary word is never touched.
QUESTION_WORDS = frozenset("""
    哪 哪次 哪些 哪个 哪里 哪儿 哪年 哪天 哪家 哪位 哪项 哪条 哪部 哪一 哪一个 哪一年 哪一次 哪届 哪份
    什么 什么样 什么样的 为什么 为何 如何 怎样 怎么 怎么样 怎么办 是否 是不是 有没有 能否 可否
    何时 何种 几时 多久 多少 什么时候 请问 关于 有关
""".split())
# Particles that end or link a question; whole jieba words only (了 is not touched in 了解).
PARTICLES = frozenset("吗 呢 吧 啊 呀 么 了 的".split())
# 是 / 有 belong to the question when the same run has a question word (什么是, 城市是哪些,
# 有哪些); elsewhere they are ordinary words.
COPULAS = frozenset({"是", "有"})
_QUESTION_TAILS = frozenset({"时候", "意思"})
# Prefixes of longer jieba words that are questions (哪些地方 -> 地方, 什么样的 -> ∅).
_QUESTION_PREFIXES = ("哪一个", "哪一", "哪些", "哪个", "哪", "什么样的", "什么样", "什么")
# 有关 followed by these is the official noun phrase "the departments concerned", not "about".
_KEEP_AFTER_YOUGUAN = frozenset("部门 单位 方面 规定 机关 地区 负责人 人员 企业 组织 工作 情况 法律 法规 政策".split())
# A query ending in a document genre is a title: 关于 … 的 are part of it.
_TITLE_ENDINGS = (
    "通知", "意见", "决定", "办法", "条例", "规定", "方案", "批复", "函", "公告", "通告", "规划", "纲要",
    "细则", "规则", "决议", "报告", "指引", "措施", "指导意见", "实施意见", "法",
)
_TITLE_WORDS = frozenset({"关于", "有关", "的"})

# Numbers typed with digits. Articles and their parts are written in Chinese numerals in laws;
# meeting and session numbers appear both ways (国务院第54次常务会议, 第一次全体会议).
_ARTICLE_UNITS = "条款项章节编"
_SESSION_UNITS = "次届"
_ARABIC_ORDINAL = re.compile(rf"第\s*([0-9]{{1,4}})\s*([{_ARTICLE_UNITS}{_SESSION_UNITS}])")
_CHINESE_SESSION = re.compile(rf"第([零〇一二两三四五六七八九十百千]{{1,8}})([{_SESSION_UNITS}])")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

MAX_CHARS = 500  # the query language's own limit: longer input is refused by the parser anyway
SPACE = " \t\r\n\u3000\u00a0"
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
_CLOSING = set(QUOTES.values()) - set(QUOTES)
_PARENS = "()（）"
_OPERATORS = ("OR", "AND", "NOT")
_FIELD = re.compile(r"^([A-Za-z_]+|[\u4e00-\u9fff]{2,4})[:：]")


@dataclass(frozen=True)
class Rewritten:
    """The query to parse and what was changed (for the notice shown with the results)."""

    original: str
    text: str
    dropped: tuple[str, ...] = ()  # question words and particles removed, as typed
    numbers: tuple[tuple[str, str], ...] = ()  # (typed, rewritten) 第N条 / 第N次
    doc_numbers: tuple[tuple[str, str], ...] = ()  # (typed, canonical) 发文字号

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def notice(self) -> str | None:
        """Chinese notice naming the dropped words, or None when nothing was dropped."""
        if not self.dropped:
            return None
        return "已忽略检索式中的疑问词和虚词：" + "、".join(dict.fromkeys(self.dropped))


@dataclass
class _Segment:
    kind: str  # space | protected | docnum | operator | paren | word
    text: str
    out: str | None = None  # replacement text (None = as typed)

    def render(self) -> str:
        return self.text if self.out is None else self.out


def _segments(q: str) -> list[_Segment]:
    """The query cut the way ``querysyntax.lex`` cuts it, keeping every character."""
    docnums = {start: (end, canon) for start, end, canon in find_doc_numbers(q, typed=True)}
    segs: list[_Segment] = []
    canon: str | None
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch in SPACE:
            j = i
            while j < n and q[j] in SPACE:
                j += 1
            segs.append(_Segment("space", q[i:j]))
            i = j
        elif i in docnums:
            end, canon = docnums[i]
            segs.append(_Segment("docnum", q[i:end], canon))
            i = end
        elif ch in QUOTES:
            close = q.find(QUOTES[ch], i + 1)
            end = n if close < 0 else close + 1  # unbalanced: querysyntax reports it
            canon = normalize_doc_number(q[i + 1 : end - 1], typed=True) if close > 0 else None
            segs.append(_Segment("docnum", q[i:end], canon) if canon else _Segment("protected", q[i:end]))
            i = end
        elif ch in _PARENS or ch in _CLOSING:
            segs.append(_Segment("paren" if ch in _PARENS else "protected", ch))
            i += 1
        else:
            j = i
            while j < n and q[j] not in SPACE and q[j] not in QUOTES and q[j] not in _CLOSING \
                    and q[j] not in _PARENS and (j == i or j not in docnums):
                j += 1
            word = q[i:j]
            if j < n and q[j] in QUOTES and word and word[-1] in ":：":
                close = q.find(QUOTES[q[j]], j + 1)  # field:"quoted value"
                j = n if close < 0 else close + 1
                word = q[i:j]
            if word in _OPERATORS:
                kind = "operator"
            elif word[0] in "-－" or _FIELD.match(fold(word)):
                kind = "protected"
            else:
                kind = "word"
            segs.append(_Segment(kind, word))
            i = j
    return segs


def _is_title(segs: list[_Segment]) -> bool:
    words = [s.text for s in segs if s.kind == "word"]
    return bool(words) and fold(words[-1]).endswith(_TITLE_ENDINGS)


def _drop_question_words(word: str, title: bool) -> tuple[list[str], list[str]]:
    """(pieces kept, words dropped) of one unquoted word, cut by the project's segmenter."""
    segs = get_segmenter().segment(word, subwords=False)
    keep: list[tuple[int, int]] = []
    dropped_at: set[int] = set()
    dropped: list[str] = []
    for k, s in enumerate(segs):
        following = segs[k + 1].text if k + 1 < len(segs) else ""
        if title and s.text in _TITLE_WORDS:
            keep.append((s.start, s.end))
        elif s.text == "有关" and following in _KEEP_AFTER_YOUGUAN:
            keep.append((s.start, s.end))
        elif s.text in QUESTION_WORDS or s.text in PARTICLES:
            dropped.append(word[s.start : s.end])
            dropped_at.add(k)
        else:
            prefix = next((p for p in _QUESTION_PREFIXES if s.text.startswith(p) and len(s.text) > len(p)), None)
            if prefix is not None:
                dropped.append(word[s.start : s.start + len(prefix)])
                dropped_at.add(k)
                keep.append((s.start + len(prefix), s.end))
            else:
                keep.append((s.start, s.end))
    # In a question, 是 / 有 are the question's verbs (什么是…, 城市是…, 有哪些), and 时候 / 意思
    # right after 什么 finish the question word (什么时候, 什么意思).
    for k, s in enumerate(segs):
        finishes = s.text in _QUESTION_TAILS and k - 1 in dropped_at and segs[k - 1].text == "什么"
        if dropped_at and (s.text in COPULAS or finishes) and (s.start, s.end) in keep:
            keep.remove((s.start, s.end))
            dropped.append(word[s.start : s.end])
    if not dropped:
        return [word], []
    pieces: list[str] = []
    last_end = None
    for start, end in sorted(keep):
        if last_end is not None and start == last_end:
            pieces[-1] += word[start:end]
        else:
            pieces.append(word[start:end])
        last_end = end
    return [p for p in pieces if p.strip()], dropped


def _chinese(n: int) -> str:
    import cn2an  # imported on the first number typed: it takes a quarter second, a tenth of a server's start
    return cn2an.an2cn(str(n))


def _arabic(number: str) -> int:
    import cn2an
    return int(cn2an.cn2an(number, "strict"))


def _numbers(piece: str) -> tuple[str, list[tuple[str, str]]]:
    """``piece`` with 第N条 in Chinese numerals and 第N次 as an OR of both spellings."""
    changes: list[tuple[str, str]] = []
    out: list[str] = []
    pos = 0
    for m in sorted([*_ARABIC_ORDINAL.finditer(piece), *_CHINESE_SESSION.finditer(piece)], key=lambda m: m.start()):
        if m.start() < pos:
            continue
        number, unit = m.group(1), m.group(2)
        if number.isdigit():
            value = int(number)
            if value == 0:
                continue
            arabic, chinese = f"第{value}{unit}", f"第{_chinese(value)}{unit}"
        else:
            try:
                value = _arabic(number)
            except ValueError:
                continue
            arabic, chinese = f"第{value}{unit}", f"第{number}{unit}"
        if unit in _ARTICLE_UNITS:
            replacement = chinese
        else:
            replacement = f" ({arabic} OR {chinese}) "
        out.append(piece[pos : m.start()])
        out.append(replacement)
        changes.append((m.group(0), replacement.strip()))
        pos = m.end()
    out.append(piece[pos:])
    return "".join(out).strip(), changes


def _next_kind(segs: list[_Segment], i: int, step: int) -> str | None:
    i += step
    while 0 <= i < len(segs) and segs[i].kind == "space":
        i += step
    return segs[i].kind if 0 <= i < len(segs) else None


def rewrite(q: str) -> Rewritten:
    """What to search for ``q`` (see the module docstring); never raises on odd input."""
    if not isinstance(q, str) or not q.strip() or len(q) > MAX_CHARS:
        q = q if isinstance(q, str) else ""
        return Rewritten(q, q.strip())
    segs = _segments(q)
    title = _is_title(segs)
    dropped: list[str] = []
    numbers: list[tuple[str, str]] = []
    doc_numbers = [(s.text, s.out) for s in segs if s.kind == "docnum" and s.out and s.out != s.text]
    positive_left = sum(s.kind in ("word", "docnum") for s in segs)
    for i, seg in enumerate(segs):
        if seg.kind != "word":
            continue
        word = seg.text.translate(_FULLWIDTH_DIGITS)
        pieces, gone = _drop_question_words(word, title)
        if not pieces:
            beside_operator = "operator" in (_next_kind(segs, i, -1), _next_kind(segs, i, 1))
            only_in_parens = _next_kind(segs, i, -1) == "paren" and _next_kind(segs, i, 1) == "paren"
            if beside_operator or only_in_parens or positive_left <= 1:
                pieces, gone = [word], []  # dropping it would break the query or empty it
            else:
                positive_left -= 1
        dropped += gone
        rewritten = []
        for piece in pieces:
            text, changes = _numbers(piece)
            numbers += changes
            rewritten.append(text)
        seg.out = " ".join(rewritten)
    text = re.sub(r"[ ]{2,}", " ", "".join(s.render() for s in segs)).strip()
    if dropped:
        log.debug("query %r: dropped %s", q, dropped)
    return Rewritten(q, text, tuple(dropped), tuple(numbers), tuple(doc_numbers))
