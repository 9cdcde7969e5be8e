"""The query language's syntax: a small hand-written lexer and parser.

Grammar (whitespace separates; ASCII and full-width forms both work)::

    query   := or
    or      := and ("OR" and)*
    and     := unary ("AND"? unary)*          words are ANDed by default
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" query ")" | phrase | field ":" value | docnum | word
    phrase  := "…" | “…” | 「…」 | 『…』      exact, by token positions
    field   := 部门|dept|department | 牵头|lead | 发文机关|issuer | 年份|year | 类型|kind
               | 主题|topic | 会议|meeting
               | 文号|发文字号|docno

A 发文字号 in any bracket form (国发[2018]39号, 国发（2018）39号, 国发〔2018〕39号) is
recognised before anything else and matched exactly against ``doc_number`` (and ``references``
of documents that cite it). A department name or abbreviation used as a word also matches the
paragraphs tagged with that department (市应急局 = 苏州市应急管理局) besides the words in text.

Hand-written because Whoosh's QueryParser brings wildcard, range, fuzzy and "every" syntax that
turns one request into a lexicon scan, and recursion that a 1,000-deep query turns into a
RecursionError. Every limit here fails with ``QueryError`` before any work is done.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.docnumber import find_doc_numbers
from indexer.errors import QueryError
from indexer.normalize import fold

MAX_CHARS = 500
MAX_DEPTH = 8
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
CLOSING_QUOTES = set(QUOTES.values()) - set(QUOTES)
OPEN_PARENS, CLOSE_PARENS = "(（", ")）"
COLONS = ":："
SPACE = " \t\r\n\u3000\u00a0"
FIELDS = {
    "部门": "department", "dept": "department", "department": "department", "单位": "department",
    "涉及部门": "department",
    "牵头": "lead", "牵头部门": "lead", "牵头单位": "lead", "lead": "lead",
    "发文机关": "issuer", "发文单位": "issuer", "issuer": "issuer",
    "年份": "year", "年度": "year", "year": "year",
    "类型": "kind", "kind": "kind", "文种": "kind",
    "主题": "topic", "topic": "topic",
    "会议": "meeting", "meeting": "meeting",
    "文号": "docnum", "发文字号": "docnum", "docno": "docnum",
}
_FIELD = re.compile(r"^([A-Za-z_]+|[\u4e00-\u9fff]{2,4})[:：](.*)$", re.S)




# --- syntax tree -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class DocNum:
    canonical: str


@dataclass(frozen=True)
class Field:
    name: str  # canonical field name (department, lead, issuer, year, kind, topic, meeting, docnum)
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Bool:
    op: str  # "and" | "or"
    children: tuple[Node, ...]


Node = Word | Phrase | DocNum | Field | Not | Bool


# --- lexer -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tok:
    kind: str  # word | phrase | docnum | field | lparen | rparen | or | and | not
    value: str = ""
    extra: str = ""  # field value
    negated: bool = False  # written with a leading "-"


def lex(q: str) -> list[Tok]:
    """Split the query into tokens; every malformed construct raises ``QueryError``."""
    docnums = {start: (end, canon) for start, end, canon in find_doc_numbers(q)}
    toks: list[Tok] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch in SPACE:
            i += 1
            continue
        negated = ch in "-－" and i + 1 < n and q[i + 1] not in SPACE
        j = i + 1 if negated else i
        if j in docnums:
            end, canon = docnums[j]
            toks.append(Tok("docnum", canon, negated=negated))
            i = end
        elif q[j] in QUOTES:
            close = q.find(QUOTES[q[j]], j + 1)
            if close < 0:
                raise QueryError(f"引号不成对：{q[j:j + 20]}… (unbalanced quote)")
            toks.append(Tok("phrase", q[j + 1 : close], negated=negated))
            i = close + 1
        elif q[j] in CLOSING_QUOTES:
            raise QueryError(f"引号不成对：多余的 {q[j]} (unbalanced quote)")
        elif q[j] in OPEN_PARENS:
            toks.append(Tok("lparen", negated=negated))
            i = j + 1
        elif q[j] in CLOSE_PARENS and not negated:
            toks.append(Tok("rparen"))
            i = j + 1
        else:
            k = j
            while k < n and q[k] not in SPACE and q[k] not in QUOTES and q[k] not in CLOSING_QUOTES \
                    and q[k] not in OPEN_PARENS and q[k] not in CLOSE_PARENS and k not in docnums:
                k += 1
            word = q[j:k]
            if k < n and q[k] in QUOTES and word and word[-1] in COLONS:
                close = q.find(QUOTES[q[k]], k + 1)  # field:"quoted value"
                if close < 0:
                    raise QueryError(f"引号不成对：{q[k:k + 20]}… (unbalanced quote)")
                word += q[k + 1 : close]
                k = close + 1
            tok = _word_token(word, negated, docnum_follows=k in docnums)
            if tok is not None:
                toks.append(tok)
            i = k
    return toks


def _word_token(word: str, negated: bool, docnum_follows: bool = False) -> Tok | None:
    if not negated and word in ("OR", "AND", "NOT"):
        return Tok(word.lower())
    if "*" in word or "＊" in word:
        raise QueryError(f"不支持通配符 *：{word} (wildcards are not supported)")
    # Matched on the folded word (fold is length-preserving) so ｙｅａｒ：２０２０ or 部門：… typed
    # in full-width or Traditional still names a field; the value keeps the characters typed.
    m = _FIELD.match(fold(word))
    if m:
        name, value = m.group(1), word[m.end(1) + 1:].strip()
        canonical = FIELDS.get(name) or FIELDS.get(name.lower())
        if canonical == "docnum" and not value and docnum_follows:
            return None  # 文号:国发〔2018〕39号 — the number itself is the next token
        if canonical:
            if not value:
                raise QueryError(f"字段“{name}”缺少值 (field {name!r} needs a value, e.g. {name}:2020)")
            return Tok("field", canonical, value, negated)
        if name.isascii():
            known = "、".join(sorted(FIELDS))
            raise QueryError(f"未知字段“{name}”，可用字段：{known} (unknown field {name!r})")
        # a Chinese word followed by a colon (会议指出：…) is ordinary text
    return Tok("word", word, negated=negated)


# --- parser ----------------------------------------------------------------------------------

class _Parser:
    def __init__(self, toks: list[Tok]):
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.parse_or()
        if self.peek() is not None:
            raise QueryError("括号不成对：多余的右括号 (unbalanced parenthesis: extra ')')")
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (t := self.peek()) is not None and t.kind == "or":
            self.i += 1
            if (nxt := self.peek()) is None or nxt.kind in ("rparen", "or"):
                raise QueryError("OR 后缺少检索词 (OR needs a word after it)")
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Bool("or", tuple(children))

    def parse_and(self) -> Node:
        children: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("or", "rparen"):
            if t.kind == "and":
                self.i += 1
                continue
            children.append(self.parse_unary())
        if not children:
            raise QueryError("缺少检索词 (expected a word)")
        return children[0] if len(children) == 1 else Bool("and", tuple(children))

    def parse_unary(self) -> Node:
        t = self.peek()
        if t is not None and t.kind == "not":
            self.i += 1
            if (nxt := self.peek()) is None or nxt.kind in ("rparen", "or", "and"):
                raise QueryError("NOT 后缺少检索词 (NOT needs a word after it)")
            return Not(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        t = self.toks[self.i]
        self.i += 1
        if t.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"括号嵌套超过 {MAX_DEPTH} 层 (parentheses nested deeper than {MAX_DEPTH})")
            if self.peek() is None:
                raise QueryError("括号不成对：缺少右括号 (unbalanced parenthesis: missing ')')")
            node = self.parse_or()
            if (nxt := self.peek()) is None or nxt.kind != "rparen":
                raise QueryError("括号不成对：缺少右括号 (unbalanced parenthesis: missing ')')")
            self.i += 1
            self.depth -= 1
        elif t.kind == "phrase":
            node = Phrase(t.value)
        elif t.kind == "docnum":
            node = DocNum(t.value)
        elif t.kind == "field":
            node = Field(t.value, t.extra)
        elif t.kind == "word":
            node = Word(t.value)
        else:
            raise QueryError(f"“{t.kind.upper()}”位置不对 (misplaced {t.kind.upper()})")
        return Not(node) if t.negated else node


def parse(q: str) -> Node | None:
    """Syntax tree of ``q`` (None for an empty query); ``QueryError`` for anything malformed."""
    if not isinstance(q, str):
        raise QueryError("检索词必须是文本 (query must be text)")
    if len(q) > MAX_CHARS:
        raise QueryError(f"检索式过长：{len(q)} 字，上限 {MAX_CHARS} 字 (query longer than {MAX_CHARS} characters)")
    return _Parser(lex(q)).parse()


