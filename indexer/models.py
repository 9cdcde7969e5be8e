"""Plain records that flow through the pipeline: bytes -> Extracted -> Layout -> Document.

Every stage takes one of these and returns the next, so each stage can be tested alone with
a literal record in and a record out. Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from indexer.names import printable


@dataclass
class Page:
    """Text of one physical page (1-based). Non-paginated sources are a single page 1."""

    number: int
    text: str


@dataclass
class Extracted:
    """What an extractor read from one source, before any layout repair.

    ``meta`` keeps whatever the source states about itself (JSONL fields, HTML title and the
    发布时间/来源 line, PDF info dictionary), so the structure stage can prefer stated metadata
    over guesses.
    """

    source: str  # path of the file (plus "#L<n>" for a JSON line)
    fmt: str  # "pdf" | "html" | "text" | "jsonl"
    pages: list[Page]
    meta: dict[str, Any] = field(default_factory=dict)
    sha1: str = ""  # hash of the source bytes (or of the JSON line); drives idempotent re-ingest


@dataclass
class Problem:
    """A source (or one line of it) that was skipped, with a reason a person can act on.

    ``skipped=False`` is a note about a source that was read anyway (a file name that is not
    UTF-8). ``str()`` escapes control and bidi characters, so a hostile name cannot garble a
    report line.
    """

    source: str
    reason: str
    line: int | None = None
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return printable(f"{where}: {self.reason}")


@dataclass
class RawParagraph:
    """A repaired paragraph: PDF line breaks joined, page markers removed, page it starts on."""

    text: str
    page: int | None


@dataclass
class Layout:
    """Output of layout repair: body paragraphs plus the blocks that are metadata, not body."""

    paragraphs: list[RawParagraph]
    trailer: dict[str, Any] = field(default_factory=dict)  # 整理/印发 dates, 分送, 记录 …
    page_count: int = 1


@dataclass
class Jurisdiction:
    """The government body that held the meeting or issued the text, placed in the hierarchy.

    ``name`` is the body (西安市新城区人民政府, 陕西省人民政府, 国务院); the place fields are the
    GB/T 2260 divisions above and at it (full names), ``code`` the 6-digit division code of the
    place itself. Fields the text does not settle stay empty.
    """

    name: str
    level: str | None = None  # 国家 / 省级 / 地级 / 县级
    province: str | None = None  # 陕西省
    prefecture: str | None = None  # 西安市 (None for a municipality's districts and for 省直辖 counties)
    county: str | None = None  # 新城区
    code: str | None = None  # GB/T 2260: 610102
    body: str = "政府"  # 政府 | 人大常委会 | 党委 | 政协 (which organ of the place)


@dataclass
class Meeting:
    body: str | None = None  # 苏州市人民政府 / 国务院
    name: str | None = None  # 常务会议 / 全体会议 (as written)
    number: int | None = None  # 120
    date: str | None = None  # ISO date
    chair: str | None = None  # 李亚平 (the person's name only)
    type: str | None = None  # controlled: 常务会议 / 全体会议 / 办公会议 / 专题会议 / 协调会议 / 周例会 / 主任会议
    chair_title: str | None = None  # 市长 / 常务副州长 / 代区长
    acting: bool = False  # the chair presided on behalf of another (受…委托)
    term: int | None = None  # 届 of the government (十六届 -> 16) when stated
    agenda_count: int | None = None  # number of matters when the text states it (8个议题, 九项议题)
    date_problem: str | None = None  # a meeting date written impossibly (2022年33日), reported not guessed


@dataclass
class Decision:
    label: str  # （一）
    action: str | None  # 原则同意 / 听取 / 审议 / 传达 / 决定 / 指出 …
    subjects: list[str] = field(default_factory=list)  # full titles of the documents acted on
    lead_department: str | None = None  # canonical name (resolved against the jurisdiction)
    follow_up: str | None = None  # 按程序发文实施 …
    para_ids: list[str] = field(default_factory=list)
    # ``action`` is the verb as each parser read it; ``action_type`` the same act in one controlled
    # vocabulary (indexer.structure.actions.ACTION_TYPES) and ``is_decision`` whether the meeting
    # decided (通过, 同意, 决定, 部署) rather than remarked (指出, 强调, 要求 …).
    action_type: str | None = None
    is_decision: bool = False
    lead_written: str | None = None  # the lead department as the text writes it (区人社局)
    lead_type: str | None = None  # its department type (人力资源社会保障)


@dataclass
class Item:
    """An agenda item (一、…) of a meeting, or a chapter/section of a policy or law."""

    label: str  # 一
    heading: str
    subject: str | None = None  # the item's own subject phrase, e.g. 再生资源回收利用体系建设
    topics: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # canonical
    decisions: list[Decision] = field(default_factory=list)
    para_ids: list[str] = field(default_factory=list)


@dataclass
class Paragraph:
    para_id: str  # "p" + ordinal, stable while parsing is deterministic
    text: str  # original characters, for display
    page: int | None = None
    label: str | None = None  # structural path, e.g. 二（一） or 第三条
    item: str | None = None  # label of the enclosing item (一 / 第二章)
    role: str = "body"  # "title" | "heading" | "decision" | "body" | "lead" | "article"
    # canonical: the departments the paragraph names, the leads of its decisions and the
    # document's issuers (``indexer.enrich.tag_departments``)
    departments: list[str] = field(default_factory=list)
    lead_department: str | None = None
    topics: list[str] = field(default_factory=list)
    citation: str = ""
    leads: list[str] = field(default_factory=list)  # lead departments of the decisions in it


@dataclass
class Reference:
    title: str  # full title without 《》
    short_name: str | None = None  # 若干措施 (from （以下简称《若干措施》）)
    doc_number: str | None = None  # canonical 发文字号 when the citation gives one


@dataclass
class Attendee:
    role: str  # 出席 / 列席 / 记录
    name: str | None
    department: str | None  # as written (canonical when known, see ``Document.attendees``)


# Records of a government meeting: minutes (会议纪要) and news write-ups of a meeting (会议报道,
# the State Council summaries). Both have agenda items, decisions and links to what they adopt;
# only minutes may be cited as minutes.
MEETING_KINDS = frozenset({"minutes", "report"})


@dataclass
class Document:
    doc_id: str
    kind: str  # "minutes" | "report" | "policy" | "other" (laws and the rest)
    title: str
    date: str | None = None  # ISO date (meeting date for minutes, 成文日期 for policies)
    issuer: str | None = None
    doc_number: str | None = None  # canonical 发文字号
    source: str = ""  # path or JSONL id
    source_url: str | None = None
    fmt: str = ""
    sha1: str = ""
    meeting: Meeting | None = None
    items: list[Item] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    cited_numbers: list[str] = field(default_factory=list)  # canonical 发文字号 cited in the text
    attendees: list[Attendee] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # top-level 主题分类
    departments: list[str] = field(default_factory=list)  # canonical, all mentioned
    page_count: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    jurisdiction: Jurisdiction | None = None
    # every name in ``departments`` (and every lead) -> its national department type (财政, 教育 …)
    department_types: dict[str, str] = field(default_factory=dict)
    # how this document writes a department -> the name it resolved to (区人社局 -> 西安市未央区
    # 人力资源和社会保障局): aliases valid within this document's jurisdiction only
    department_aliases: dict[str, str] = field(default_factory=dict)
    # 发文机关: the bodies that issued the text (for minutes, the government that held the meeting)
    issuers: list[str] = field(default_factory=list)
    # when the index writer last wrote this document (UTC, ISO 8601 ``2026-12-01T02:19:15Z``):
    # set at write time, never by a parser, and kept while re-ingest skips the unchanged source
    indexed_at: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict`` without its deep copy of every leaf value (4x faster; the
        payload of every document is built from it at ingest)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        d = dict(d)
        if d.get("meeting"):
            d["meeting"] = Meeting(**d["meeting"])
        if d.get("jurisdiction"):
            d["jurisdiction"] = Jurisdiction(**d["jurisdiction"])
        d["items"] = [
            Item(**{**it, "decisions": [Decision(**dc) for dc in it.get("decisions", [])]})
            for it in d.get("items", [])
        ]
        d["paragraphs"] = [Paragraph(**p) for p in d.get("paragraphs", [])]
        d["references"] = [Reference(**r) for r in d.get("references", [])]
        d["attendees"] = [Attendee(**a) for a in d.get("attendees", [])]
        return cls(**d)


@dataclass
class Parsed:
    """A document as its parser read it: structure and source facts, before ``indexer.enrich``.

    ``suzhou_forms`` is the parser's reading of whose city-relative names (市工信局) the text
    uses: Suzhou's own documents resolve them with the curated Suzhou gazetteer; everyone else's
    are resolved against the document's own jurisdiction, or not at all.
    """

    doc: Document
    suzhou_forms: bool = False


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, recursively, like ``asdict`` (lists, tuples and dicts rebuilt; leaf
    values are immutable here, so they are shared, not copied)."""
    if is_dataclass(value):
        cls = type(value)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
