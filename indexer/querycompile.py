"""Compiles the query language's syntax tree to the engine-neutral query tree.

Words are cut by the same segmenter as the index; a department name or abbreviation used as a
word also matches paragraphs tagged with that department (市应急局 = 苏州市应急管理局, and in
another city's documents that city's body: see ``indexer.deptnames``); a
发文字号 matches the document that carries it (weighted 10) and documents citing it (2); a
domain compound also matches its covers as phrases (再生资源回收 finds 再生资源/回收利用体系).
Every limit fails with ``QueryError`` before any work is done.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from indexer import querytree as qt
from indexer.analysis import get_segmenter
from indexer.deptnames import gazetteer_only
from indexer.docnumber import normalize_doc_number
from indexer.errors import QueryError
from indexer.facets import SEARCH_FACET
from indexer.gazetteer import get_gazetteer
from indexer.normalize import fold
from indexer.querysyntax import Bool, DocNum, Field, Node, Not, Phrase, Word
from indexer.synonyms import expansions, get_synonyms

MAX_TERMS = 64
# Score of a title match, times an idf over paragraphs (BM25F gave a one-word title match of
# average length, indexed on every paragraph with a field boost of 1.5, 1.5 times the idf).
TITLE_BOOST = 1.5
# Score of a word found in the rest of a law article (its other 款 and 项, indexed on the
# article's first paragraph when that paragraph lacks the word), relative to the same word in
# the paragraph itself.
ARTICLE_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.5  # an alternative the researcher did not type counts half
# A typed run that jieba cuts into at most this many words, one of them a single character
# (5000元, 起征/点), is one compound in the fallback: found only with all its parts, since the
# lone character means nothing on its own. Other runs count word by word.
COMPOUND_WORDS = 3
KINDS = {
    "minutes": "minutes", "纪要": "minutes", "会议纪要": "minutes", "会议": "minutes",
    "report": "report", "报道": "report", "会议报道": "report", "新闻": "report",
    "policy": "policy", "政策": "policy", "政策文件": "policy", "文件": "policy", "规范性文件": "policy",
    "other": "other", "法规": "other", "法律": "other", "法律法规": "other", "其他": "other",
}
_YEARS = re.compile(r"^(\d{4})(?:\s*[-~～—–至到]\s*(\d{4}))?$")
_MEETING_NO = re.compile(r"^第?(\d{1,4})次?$")


# a typed department name -> every canonical name it denotes (``indexer.deptnames``)
Departments = Callable[[str], tuple[str, ...]]
# query-language department fields, matched on paragraphs (issuer: on the document record)
_DEPT_FIELDS = ("department", "lead")


def resolve_kind(value: str) -> str:
    kind = KINDS.get(value.strip().lower())
    if kind is None:
        raise QueryError(
            f"未知类型“{value}”，可选：纪要(minutes)、报道(report)、政策(policy)、法规(other) (unknown kind {value!r})"
        )
    return kind


def resolve_topic(value: str) -> str:
    """Top-level topic for a gov.cn label (科技、教育\\教育 -> 科技、教育)."""
    from indexer.topics import top_level_of

    return top_level_of(value.strip()) or value.strip()


def _department_runs(text: str) -> Iterator[tuple[str, str | None]]:
    """``text`` cut at the department names in it: (run, canonical) for a name, (run, None)
    for the text between (always yielded, empty or not, so each caller sees the same runs)."""
    pos = 0
    for m in get_gazetteer().find(fold(text)):
        yield text[pos:m.start], None
        yield text[m.start:m.end], m.canonical
        pos = m.end
    yield text[pos:], None


@dataclass
class Compiled:
    query: qt.Q | None
    terms: set[str] = field(default_factory=set)  # folded tokens to highlight
    departments: set[str] = field(default_factory=set)
    doc_numbers: set[str] = field(default_factory=set)
    positive_terms: int = 0  # text clauses outside NOT (fallback to OR needs at least two)


class _Compiler:
    def __init__(self, mode: str, departments: Departments, article: bool = False):
        self.mode = mode
        self.departments = departments
        self.article = article  # words also match the rest of the law article (``_text_term``)
        self.out = Compiled(None)
        self.count = 0

    def budget(self, n: int = 1) -> None:
        self.count += n
        if self.count > MAX_TERMS:
            raise QueryError(f"检索词过多，上限 {MAX_TERMS} 个 (more than {MAX_TERMS} terms)")

    def compile(self, node: Node, positive: bool = True) -> qt.Q | None:
        if isinstance(node, Bool):
            if self.mode == "or" and node.op == "and":
                return self.fallback(node.children, positive)
            parts = [self.compile(c, positive) for c in node.children]
            return _combine(node.op if node.op == "or" else self.mode, parts)
        if isinstance(node, Not):
            inner = self.compile(node.child, positive=False)
            return qt.Not(inner) if inner is not None else None
        if isinstance(node, Field):
            self.budget()
            return self.field(node, positive)
        if isinstance(node, DocNum):
            self.budget()
            if positive:
                self.out.doc_numbers.add(node.canonical)
                self.out.positive_terms += 1
            return qt.Or((
                qt.DocLevel(qt.Term("doc_number", node.canonical), boost=10.0),
                qt.DocLevel(qt.Term("references", node.canonical), boost=2.0),
            ))
        if isinstance(node, Phrase):
            words = get_segmenter().words(node.text)
            self.budget(len(words))
            if positive and words:
                self.out.terms.update(words)
                self.out.positive_terms += 1
            return _text_phrase(words)
        return self.word(node.text, positive)

    def fallback(self, children: tuple[Node, ...], positive: bool) -> qt.Q | None:
        """An implicit conjunction in the fallback: a minimum-should-match (``qt.Coordinated``)
        over the typed words, while field filters (部门:, 年份:, kind: …) and exclusions stay
        required: dropping a word may widen a search, dropping a filter the researcher set may not."""
        units: list[tuple[str, qt.Q]] = []
        required: list[qt.Q] = []
        for child in children:
            if isinstance(child, Word):
                units += self.units(child.text, positive)
                continue
            compiled = self.compile(child, positive)
            if compiled is None:
                continue
            if isinstance(child, (Field, Not)):
                required.append(compiled)
            else:
                units.append((_label(child), compiled))
        return _coordinate(units, required)

    def units(self, text: str, positive: bool) -> list[tuple[str, qt.Q]]:
        """The fallback's clauses of one typed word, each with the text it stands for: a
        department name; a compound that jieba splits (``COMPOUND_WORDS``: 5000元 as 5000 and
        元), found only when all its parts are; or each word of any other run (积分 and 兑换 of
        积分兑换, the words of a sentence typed without spaces)."""
        units: list[tuple[str, qt.Q]] = []
        for run, canonical in _department_runs(text):
            if canonical is None:
                units += self._run_units(run, positive)
            else:
                units.append((run, self._department(run, canonical, positive)))
        return units

    def _run_units(self, text: str, positive: bool) -> list[tuple[str, qt.Q]]:
        words = get_segmenter().words(text)
        terms = self._plain_words(text, positive)
        if not words:
            return []
        if len(words) <= COMPOUND_WORDS and any(len(w) == 1 for w in words):
            combined = _combine("and", terms)
            return [(text.strip(), combined)] if combined is not None else []
        return [(w, t) for w, t in zip(dict.fromkeys(words), terms) if t is not None]

    def word(self, text: str, positive: bool) -> qt.Q | None:
        """A bare word: its jieba words ANDed (in the fallback, its clauses coordinated: see
        ``units``), plus a department match."""
        if self.mode == "or":
            return _coordinate(self.units(text, positive), [])
        parts: list[qt.Q | None] = []
        for run, canonical in _department_runs(text):
            if canonical is None:
                parts += self._words(run, positive)
            else:
                parts.append(self._department(run, canonical, positive))
        return _combine(self.mode, parts)

    def _department(self, text: str, canonical: str, positive: bool) -> qt.Q:
        """A department named in the query: its canonical tag, or its written words as a phrase."""
        words = get_segmenter().words(text)
        names = self.departments(text) or (canonical,)
        self.budget(len(words) + len(names))
        if positive:
            self.out.departments.update(names)
            self.out.terms.update(words)
            self.out.positive_terms += 1
        phrase = _text_phrase(words)
        depts = tuple(qt.Term("departments", name, boost=2.0) for name in names)
        return qt.Or((*depts, phrase)) if phrase is not None else qt.Or(depts)

    def _words(self, text: str, positive: bool) -> list[qt.Q | None]:
        """Words of an unquoted run, each term of the policy-language synonym table found in it
        standing for itself or its alternatives (``_with_synonyms``). Only when all words must
        match: the fallback ranks by the (idf-weighted) typed words a paragraph holds, and an alternative
        the researcher did not type must not count as one of them."""
        parts: list[qt.Q | None] = []
        pos = 0
        for start, end, term in get_synonyms().find(text) if self.mode == "and" else ():
            parts += self._plain_words(text[pos:start], positive)
            typed = self._plain_words(text[start:end], positive)
            parts.append(_with_synonyms(_combine("and", typed), term, self.out.terms if positive else None))
            pos = end
        return parts + self._plain_words(text[pos:], positive)

    def _plain_words(self, text: str, positive: bool) -> list[qt.Q | None]:
        """Words of a run. In AND mode the run also scores as a phrase (optional clause), so
        智能化改造数字化转型 ranks the paragraphs where the words are adjacent first."""
        words = get_segmenter().words(text)
        self.budget(len(words))
        if positive:
            self.out.terms.update(words)
            self.out.positive_terms += len(words)
        terms: list[qt.Q | None] = [_text_term(w, self.article) for w in dict.fromkeys(words)]  # 单位…单位: one clause
        if self.mode == "and" and len(words) > 1:
            phrase = _text_phrase(words)
            assert phrase is not None
            return [qt.AndMaybe(qt.And(tuple(t for t in terms if t is not None)), phrase)]
        return terms

    def field(self, node: Field, positive: bool) -> qt.Q | None:
        value = node.value
        if node.name in _DEPT_FIELDS:
            return _any_of(SEARCH_FACET[node.name].field, self.departments(value))
        if node.name == "issuer":
            return qt.DocLevel(_any_of(SEARCH_FACET["issuer"].field, self.departments(value)))
        if node.name == "kind":
            return qt.DocLevel(qt.Term("kind", resolve_kind(value)))
        if node.name == "topic":
            return qt.Term("topics", resolve_topic(value))
        if node.name == "docnum":
            canonical = normalize_doc_number(value, typed=True)
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
            return qt.DocLevel(qt.Range("year", first, last))
        m = _MEETING_NO.match(value)
        if m:
            return qt.DocLevel(qt.Range("meeting_no", int(m.group(1)), int(m.group(1))))
        return qt.DocLevel(qt.Term("meeting", value))


def _any_of(fieldname: str, names: tuple[str, ...]) -> qt.Q:
    """``fieldname`` holds one of ``names`` (a department name expanded per jurisdiction)."""
    terms = tuple(qt.Term(fieldname, name) for name in names)
    return terms[0] if len(terms) == 1 else qt.Or(terms)


def _text_term(word: str, article: bool = False) -> qt.Q:
    """The word in the paragraph or in its document's title; with ``article``, also in the rest
    of the law article the paragraph opens (its later 款 and 项: the article is one unit, and its
    第X条 paragraph is the hit); or its covers by shorter dictionary words as phrases (recall for
    compounds the text segments differently, see ``Segmenter.covers``)."""
    text: qt.Q = qt.Term("text", word)
    if article:
        text = qt.Or((text, qt.Term("article", word, boost=ARTICLE_WEIGHT)))
    alternatives: list[qt.Q] = [text, _in_title(qt.Term("title", word))]
    for cover in get_segmenter().covers(word):
        alternatives += [qt.Phrase("text", tuple(cover)), _in_title(qt.Phrase("title", tuple(cover)))]
    return qt.WordMatch(word, tuple(alternatives))


def _text_phrase(words: list[str]) -> qt.Q | None:
    if not words:
        return None
    if len(words) == 1:
        return _text_term(words[0])
    return qt.Or((qt.Phrase("text", tuple(words)), _in_title(qt.Phrase("title", tuple(words)))))


def _with_synonyms(typed: qt.Q | None, term: str, highlight: set[str] | None) -> qt.Q | None:
    """``typed`` or any alternative of ``term`` (双碳 -> 碳达峰 and 碳中和 together), the
    alternatives at ``SYNONYM_WEIGHT``: a paragraph that writes the full form satisfies the query,
    and one that writes what was typed ranks first."""
    alternatives: list[qt.Q] = []
    for words in expansions(term):
        phrases = [p for p in (_text_phrase(get_segmenter().words(w)) for w in words) if p is not None]
        if not phrases:
            continue
        if highlight is not None:
            highlight.update(t for w in words for t in get_segmenter().words(w))
        alternatives.append(qt.And(tuple(phrases), boost=SYNONYM_WEIGHT) if len(phrases) > 1
                            else qt.Or((phrases[0],), boost=SYNONYM_WEIGHT))
    if typed is None or not alternatives:
        return typed
    return qt.Or((typed, *alternatives))


def _in_title(query: qt.Q) -> qt.DocLevel:
    """Every paragraph of the documents whose title matches: 外国人入境出境管理条例 第六条 finds
    article 6 of that regulation. Titles are indexed once per document, not per paragraph."""
    return qt.DocLevel(query, boost=TITLE_BOOST)


def _label(node: Node) -> str:
    """The words a fallback clause stands for, as the researcher would recognise them."""
    if isinstance(node, (Word, Phrase)):
        return node.text
    if isinstance(node, DocNum):
        return node.canonical
    if isinstance(node, Bool):
        return (" OR " if node.op == "or" else " ").join(_label(c) for c in node.children)
    return ""


def _coordinate(units: list[tuple[str, qt.Q]], required: list[qt.Q]) -> qt.Q | None:
    """The fallback's minimum-should-match over ``units`` (a single unit needs no coordination),
    ANDed with the ``required`` filters and exclusions."""
    if len(units) > 1:
        should: qt.Q | None = qt.Coordinated(tuple(q for _, q in units), tuple(label for label, _ in units))
    else:
        should = units[0][1] if units else None
    if should is None:
        return _combine("and", list(required))
    return qt.And((should, *required)) if required else should


def _combine(op: str, parts: list[qt.Q | None]) -> qt.Q | None:
    """``op`` over the positive parts, exclusions always subtracted (``a OR -b`` = ``a -b``)."""
    positives = [p for p in parts if p is not None and not isinstance(p, qt.Not)]
    negatives = [p for p in parts if isinstance(p, qt.Not)]
    if not positives and not negatives:
        return None
    combined: qt.Q
    if len(positives) == 1:
        combined = positives[0]
    elif positives:
        combined = qt.And(tuple(positives)) if op == "and" else qt.Or(tuple(positives))
    else:  # only exclusions: every paragraph except them
        combined = qt.Every()
    return qt.And((combined, *negatives)) if negatives else combined


def _typed_words(node: Node) -> int:
    """How many words the researcher typed (outside exclusions and OR alternatives)."""
    if isinstance(node, Word):
        return 1
    if isinstance(node, Bool) and node.op == "and":
        return sum(_typed_words(child) for child in node.children)
    return 0


def compile_query(tree: Node | None, mode: str = "and", departments: Departments = gazetteer_only) -> Compiled:
    """Query tree for ``tree``; ``mode="or"`` ORs implicit conjunctions (the fallback).
    ``departments`` resolves department names (a search passes the index's, per jurisdiction:
    ``indexer.deptnames.DepartmentNames.resolve``)."""
    # Several typed words that must all match: a law article is one unit, so the words may sit
    # in different 款 of it. One word (even one jieba splits: 房屋租赁合同), or the fallback (which
    # ranks by the words each paragraph holds itself), keeps to the paragraph.
    article = tree is not None and mode == "and" and _typed_words(tree) >= 2
    compiler = _Compiler(mode, departments, article=article)
    query = compiler.compile(tree) if tree is not None else None
    if isinstance(query, qt.Not):
        query = qt.And((qt.Every(), query))
    compiler.out.query = query
    return compiler.out
