"""The query language: a small hand-written lexer/parser and its compiler to Whoosh queries.

Grammar (whitespace separates; ASCII and full-width forms both work)::

    query   := or
    or      := and ("OR" and)*
    and     := unary ("AND"? unary)*          words are ANDed by default
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" query ")" | phrase | field ":" value | docnum | word
    phrase  := "…" | “…” | 「…」 | 『…』      exact, by token positions
    field   := 部门|dept|department | 年份|year | 类型|kind | 主题|topic | 会议|meeting
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

import bisect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

from whoosh import query as wq
from whoosh.matching import NullMatcher

from indexer.analysis import get_segmenter
from indexer.docnumber import find_doc_numbers, normalize_doc_number
from indexer.errors import QueryError
from indexer.gazetteer import get_gazetteer
from indexer.normalize import fold
from indexer.postcache import CachedPhrase, CachedTerm, SortedIdsMatcher

MAX_CHARS = 500
MAX_TERMS = 64
MAX_DEPTH = 8
# Score of a title match, times an idf over paragraphs (BM25F gave a one-word title match of
# average length, indexed on every paragraph with a field boost of 1.5, 1.5 times the idf).
TITLE_BOOST = 1.5
COVER_MAX_FREQUENCY = 200  # paragraphs holding a compound as one token beyond which covers are dropped
OR_CLAUSE_BONUS = 5.0  # score added per matched clause in the OR fallback (one-term BM25F scores are 3-15)

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
CLOSING_QUOTES = set(QUOTES.values()) - set(QUOTES)
OPEN_PARENS, CLOSE_PARENS = "(（", ")）"
COLONS = ":："
SPACE = " \t\r\n\u3000\u00a0"
FIELDS = {
    "部门": "department", "dept": "department", "department": "department", "单位": "department",
    "年份": "year", "年度": "year", "year": "year",
    "类型": "kind", "kind": "kind", "文种": "kind",
    "主题": "topic", "topic": "topic",
    "会议": "meeting", "meeting": "meeting",
    "文号": "docnum", "发文字号": "docnum", "docno": "docnum",
}
KINDS = {
    "minutes": "minutes", "纪要": "minutes", "会议纪要": "minutes", "会议": "minutes",
    "policy": "policy", "政策": "policy", "政策文件": "policy", "文件": "policy",
    "other": "other", "法规": "other", "法律": "other", "其他": "other",
}
_FIELD = re.compile(r"^([A-Za-z_]+|[\u4e00-\u9fff]{2,4})[:：](.*)$", re.S)
_YEARS = re.compile(r"^(\d{4})(?:\s*[-~～—–至到]\s*(\d{4}))?$")
_MEETING_NO = re.compile(r"^第?(\d{1,4})次?$")


# --- document-level conditions -----------------------------------------------------------------

class DocLevel(wq.Query):
    """A condition on document-level values (kind, year, meeting, 发文字号), true for every
    paragraph of a document whose record matches ``inner``.

    Paragraph records do not index these values (``schema``), so ``query.search`` swaps each
    ``DocLevel`` for a ``DocSet`` of paragraph numbers (``resolve_doc_level``) before Whoosh
    sees the tree; matching it directly is a programming error.
    """

    def __init__(self, inner: wq.Query, boost: float = 1.0):
        self.inner = inner
        self.boost = boost

    def __eq__(self, other: object) -> bool:
        return type(other) is DocLevel and (self.inner, self.boost) == (other.inner, other.boost)

    def __hash__(self) -> int:
        return hash((DocLevel, self.inner, self.boost))

    def __repr__(self) -> str:
        return f"DocLevel({self.inner!r}, boost={self.boost})"

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("DocLevel must be resolved to a DocSet before searching")


class DocSet(wq.Query):
    """Paragraph docnums (of the whole index) as a leaf query; each match scores ``score``."""

    def __init__(self, inner: wq.Query, docnums: Sequence[int], score: float):
        self.inner = inner  # the document-level query it was resolved from
        self.docnums = docnums  # sorted
        self.score = score

    def __eq__(self, other: object) -> bool:
        return type(other) is DocSet and (self.inner, self.score) == (other.inner, other.score)

    def __hash__(self) -> int:
        return hash((DocSet, self.inner, self.score))

    def __repr__(self) -> str:
        return f"DocSet({len(self.docnums)} paragraphs, score={self.score:.3f})"

    def estimate_size(self, ixreader) -> int:  # type: ignore[no-untyped-def]
        return len(self.docnums)

    def estimate_min_size(self, ixreader) -> int:  # type: ignore[no-untyped-def]
        return len(self.docnums)

    def docs(self, searcher, deleting: bool = False):  # type: ignore[no-untyped-def]
        return iter(self._local(searcher))

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        ids = self._local(searcher)
        return SortedIdsMatcher(ids, all_weights=self.score) if ids else NullMatcher()

    def _local(self, searcher) -> Sequence[int]:  # type: ignore[no-untyped-def]
        """This segment's share of the docnums, numbered within the segment (Whoosh builds a
        matcher per segment and knows the segment's offset only in the parent searcher)."""
        offset = 0
        parent = searcher.parent() if searcher.parent else None
        if parent is not None:
            offset = next(off for sub, off in parent.subsearchers if sub is searcher)
        end = offset + searcher.reader().doc_count_all()
        lo, hi = bisect.bisect_left(self.docnums, offset), bisect.bisect_left(self.docnums, end)
        if not offset:  # the first segment: a slice of the (C) array, no per-docnum loop
            return self.docnums[lo:hi]
        return [n - offset for n in self.docnums[lo:hi]]


def resolve_doc_level(query: wq.Query | None, expand: Callable[[wq.Query], Sequence[int]],
                      paragraphs: int) -> wq.Query | None:
    """``query`` with every ``DocLevel`` replaced by the ``DocSet`` of its paragraphs.

    ``expand(inner)`` gives the sorted paragraph docnums of the documents matching ``inner``.
    A ``DocSet`` scores like a BM25 idf times the boost, so rarer values weigh more and a
    document's own 发文字号 (boost 10) outranks documents citing it (boost 2).
    """
    if query is None:
        return None
    if isinstance(query, DocLevel):
        docnums = expand(query.inner)
        return DocSet(query.inner, docnums, query.boost * (math.log(paragraphs / (len(docnums) + 1)) + 1.0))
    return query.apply(lambda child: resolve_doc_level(child, expand, paragraphs))


def split_filters(query: wq.Query | None) -> tuple[wq.Query | None, list[DocSet]]:
    """Take the ``DocSet`` conjuncts off the top of a resolved query, to restrict the search
    scope with (``year:2015-2019 环境保护`` = 环境保护 within those years).

    Every match would get the same constant score from them, so the ranking is unchanged, and
    a set intersection replaces stepping a matcher through every paragraph of the years. A
    conjunct left alone with exclusions keeps its place (Whoosh cannot run a bare NOT).
    """
    if isinstance(query, DocSet):
        return None, [query]
    if not isinstance(query, wq.And):
        return query, []
    filters = [q for q in query.subqueries if isinstance(q, DocSet)]
    rest = [q for q in query.subqueries if not isinstance(q, DocSet)]
    if not filters or (rest and all(isinstance(q, wq.Not) for q in rest)):
        return query, []
    if not rest:
        return None, filters
    return (rest[0] if len(rest) == 1 else wq.And(rest, boost=query.boost)), filters


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
    name: str  # canonical field name (department, year, kind, topic, meeting)
    value: str


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class Bool:
    op: str  # "and" | "or"
    children: tuple["Node", ...]


Node = Union[Word, Phrase, DocNum, Field, Not, Bool]


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
            if self.peek() is None or self.peek().kind in ("rparen", "or"):
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
            if self.peek() is None or self.peek().kind in ("rparen", "or", "and"):
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
            if self.peek() is None or self.peek().kind != "rparen":
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


# --- compiler --------------------------------------------------------------------------------

def resolve_department(name: str) -> str:
    """Canonical department for a name, abbreviation or alias (unknown names pass through)."""
    return get_gazetteer().canonical(name) or name.strip()


def resolve_kind(value: str) -> str:
    kind = KINDS.get(value.strip().lower())
    if kind is None:
        raise QueryError(
            f"未知类型“{value}”，可选：纪要(minutes)、政策(policy)、法规(other) (unknown kind {value!r})"
        )
    return kind


def resolve_topic(value: str) -> str:
    """Top-level topic for a gov.cn label (科技、教育\\教育 -> 科技、教育)."""
    from indexer.topics import top_level_of

    return top_level_of(value.strip()) or value.strip()


@dataclass
class Compiled:
    query: wq.Query | None
    terms: set[str] = field(default_factory=set)  # folded tokens to highlight
    departments: set[str] = field(default_factory=set)
    doc_numbers: set[str] = field(default_factory=set)
    positive_terms: int = 0  # text clauses outside NOT (fallback to OR needs at least two)


class _Compiler:
    def __init__(self, mode: str):
        self.mode = mode
        self.out = Compiled(None)
        self.count = 0

    def budget(self, n: int = 1) -> None:
        self.count += n
        if self.count > MAX_TERMS:
            raise QueryError(f"检索词过多，上限 {MAX_TERMS} 个 (more than {MAX_TERMS} terms)")

    def compile(self, node: Node, positive: bool = True) -> wq.Query | None:
        if isinstance(node, Bool):
            parts = [self.compile(c, positive) for c in node.children]
            return _combine(node.op if node.op == "or" else self.mode, [p for p in parts if p is not None],
                            coordinate=node.op != "or")
        if isinstance(node, Not):
            inner = self.compile(node.child, positive=False)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, Field):
            self.budget()
            return self.field(node, positive)
        if isinstance(node, DocNum):
            self.budget()
            if positive:
                self.out.doc_numbers.add(node.canonical)
                self.out.positive_terms += 1
            return wq.Or([
                DocLevel(wq.Term("doc_number", node.canonical), boost=10.0),
                DocLevel(wq.Term("references", node.canonical), boost=2.0),
            ])
        if isinstance(node, Phrase):
            words = get_segmenter().words(node.text)
            self.budget(len(words))
            if positive and words:
                self.out.terms.update(words)
                self.out.positive_terms += 1
            return _text_phrase(words)
        return self.word(node.text, positive)

    def word(self, text: str, positive: bool) -> wq.Query | None:
        """A bare word: its jieba words ANDed (or ORed in fallback), plus a department match."""
        folded = fold(text)
        parts: list[wq.Query] = []
        pos = 0
        for m in get_gazetteer().find(folded):
            parts += self._words(text[pos:m.start], positive)
            words = get_segmenter().words(text[m.start:m.end])
            self.budget(len(words) + 1)
            if positive:
                self.out.departments.add(m.canonical)
                self.out.terms.update(words)
                self.out.positive_terms += 1
            parts.append(wq.Or([wq.Term("departments", m.canonical, boost=2.0), _text_phrase(words)]))
            pos = m.end
        parts += self._words(text[pos:], positive)
        return _combine(self.mode, parts, coordinate=True)

    def _words(self, text: str, positive: bool) -> list[wq.Query]:
        """Words of an unquoted run. In AND mode the run also scores as a phrase (optional
        clause), so 智能化改造数字化转型 ranks the paragraphs where the words are adjacent first."""
        words = get_segmenter().words(text)
        self.budget(len(words))
        if positive:
            self.out.terms.update(words)
            self.out.positive_terms += len(words)
        terms = [_text_term(w) for w in dict.fromkeys(words)]  # 单位…单位: one clause suffices
        if self.mode == "and" and len(words) > 1:
            return [wq.AndMaybe(wq.And(terms), _text_phrase(words))]
        return terms

    def field(self, node: Field, positive: bool) -> wq.Query:
        value = node.value
        if node.name == "department":
            return wq.Term("departments", resolve_department(value))
        if node.name == "kind":
            return DocLevel(wq.Term("kind", resolve_kind(value)))
        if node.name == "topic":
            return wq.Term("topics", resolve_topic(value))
        if node.name == "docnum":
            canonical = normalize_doc_number(value)
            if canonical is None:
                raise QueryError(f"不是有效的发文字号：{value}（例如 国发〔2018〕39号）(not a document number)")
            return self.compile(DocNum(canonical), positive)
        if node.name == "year":
            m = _YEARS.match(value)
            if not m:
                raise QueryError(f"年份格式应为 2020 或 2018-2020：{value} (year must be 2020 or 2018-2020)")
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            if first > last:
                first, last = last, first
            return DocLevel(wq.NumericRange("year", first, last))
        m = _MEETING_NO.match(value)
        if m:
            return DocLevel(wq.NumericRange("meeting_no", int(m.group(1)), int(m.group(1))))
        return DocLevel(wq.Term("meeting", value))


class WordMatch(wq.Or):
    """The alternatives of one query word: the word in the text, in the title, and (for a
    domain compound) its covers as phrases. Knows its word, so ``prune_covers`` can drop the
    covers of a compound the index holds often enough as one token."""

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, word: str = ""):
        super().__init__(subqueries, boost=boost)
        self.word = word

    def apply(self, fn: Callable[[wq.Query], wq.Query]) -> "WordMatch":
        return WordMatch([fn(q) for q in self.subqueries], boost=self.boost, word=self.word)


def _text_term(word: str) -> wq.Query:
    """The word in the paragraph or in its document's title; or its covers by shorter
    dictionary words as phrases (recall for compounds the text segments differently, see
    ``Segmenter.covers``)."""
    alternatives: list[wq.Query] = [CachedTerm("text", word), _in_title(wq.Term("title", word))]
    for cover in get_segmenter().covers(word):
        alternatives += [CachedPhrase("text", cover), _in_title(wq.Phrase("title", cover))]
    return WordMatch(alternatives, word=word)


def prune_covers(query: wq.Query | None, frequency: Callable[[str], int]) -> wq.Query | None:
    """``query`` without the cover phrases of compounds that at least ``COVER_MAX_FREQUENCY``
    paragraphs hold as one token (``frequency(word)``).

    Such a compound is how the text is usually cut, so its covers add a handful of matches
    (安全生产: 3,868 paragraphs, 8 more with 安全 生产 as a phrase) for most of the query's
    time: both halves are common words, and every paragraph with both needs a position check
    (93 of 94 ms). Rare compounds keep their covers: that is where they find what the text cut
    differently (再生资源回收 in 再生资源/回收利用体系).
    """
    if query is None:
        return None
    if isinstance(query, WordMatch) and len(query.subqueries) > 2 and frequency(query.word) >= COVER_MAX_FREQUENCY:
        return WordMatch(query.subqueries[:2], boost=query.boost, word=query.word)
    return query.apply(lambda child: prune_covers(child, frequency))


def _text_phrase(words: list[str]) -> wq.Query | None:
    if not words:
        return None
    if len(words) == 1:
        return _text_term(words[0])
    return wq.Or([CachedPhrase("text", words), _in_title(wq.Phrase("title", words))])


def _in_title(query: wq.Query) -> "DocLevel":
    """Every paragraph of the documents whose title matches: 外国人入境出境管理条例 第六条 finds
    article 6 of that regulation. Titles are indexed once per document, not per paragraph."""
    return DocLevel(query, boost=TITLE_BOOST)


class Coordinated(wq.Or):
    """OR that ranks paragraphs matching more of the clauses first.

    Plain BM25 sums per-term scores, so in the OR fallback a paragraph repeating one common word
    (5000元 in a fee table) beat the one with 个人所得税 and 5000元; a constant bonus per matched
    clause puts coverage first and BM25 second. Built as ``Or([Or([p, ConstantScore(p)]) …])``
    so Whoosh can run it anywhere in a tree; at the top of a query ``query.search`` scores the
    ``clauses`` one by one instead (same scores, without the nested unions).
    """

    @property
    def clauses(self) -> list[wq.Query]:
        return [sub.subqueries[0] for sub in self.subqueries]


def _coordinated_or(parts: list[wq.Query]) -> wq.Query:
    return Coordinated([wq.Or([p, wq.ConstantScoreQuery(p, OR_CLAUSE_BONUS)]) for p in parts])


def _combine(op: str, parts: list[wq.Query | None], coordinate: bool = False) -> wq.Query | None:
    """``op`` over the positive parts, exclusions always subtracted (``a OR -b`` = ``a -b``).

    ``coordinate``: the parts were written as an implicit AND that the fallback turned into OR.
    """
    positives = [p for p in parts if p is not None and not isinstance(p, wq.Not)]
    negatives = [p for p in parts if isinstance(p, wq.Not)]
    if not positives and not negatives:
        return None
    if len(positives) == 1:
        combined = positives[0]
    elif positives:
        if op == "and":
            combined = wq.And(positives)
        else:
            combined = _coordinated_or(positives) if coordinate else wq.Or(positives)
    else:  # only exclusions: every paragraph except them
        combined = wq.Term("rtype", "p")
    return wq.And([combined, *negatives]) if negatives else combined


def compile_query(tree: Node | None, mode: str = "and") -> Compiled:
    """Whoosh query for ``tree``; ``mode="or"`` ORs implicit conjunctions (the fallback)."""
    compiler = _Compiler(mode)
    query = compiler.compile(tree) if tree is not None else None
    if isinstance(query, wq.Not):
        query = wq.And([wq.Term("rtype", "p"), query])
    compiler.out.query = query
    return compiler.out
