"""Domain objects: identity, dated facts, validity windows, relations, units, documents.

All frozen dataclasses. Documents refer to each other by id or doc number, never by
object, so a relation can point at a document that is not (yet) in the archive.

Size: over 500 lines because every domain object and the identity rules (doc numbers, ids,
slugs, lookup keys, the two date orders) are in this one module, the one every layer
imports; its sections: identity, dated facts and validity, relations and sources, units,
documents.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from .chinese import CJK, ascii_digits, cn_to_int, to_simplified_chars
from .errors import DocNumberError

# defined in `fields` (no imports: the CLI's help lists them without this module's patterns)
from .fields import DATE_FIELDS as DATE_FIELDS
from .fields import RECORD_FIELDS as RECORD_FIELDS
from .fields import SETTABLE as SETTABLE
from .lazyre import on_use

Basis = Literal["stated", "inferred", "unknown"]
BASES: tuple[Basis, ...] = ("stated", "inferred", "unknown")

Kind = Literal["policy", "draft", "interpretation", "news", "notice", "regulation", "law"]
KINDS: tuple[Kind, ...] = (
    "policy",
    "draft",
    "interpretation",
    "news",
    "notice",
    "regulation",
    "law",
)

RelationType = Literal[
    "supersedes",
    "cites",
    "interprets",
    "implements",
    "predecessor",
    "mentions",
    "attachment",
    "amends",
    "draft",
]
RELATION_TYPES: tuple[RelationType, ...] = (
    "supersedes",
    "cites",
    "interprets",
    "implements",
    "predecessor",
    "mentions",
    "attachment",  # a 附件 of this document: title, and its address as evidence when linked
    "amends",  # this text is a later version of the same instrument (修订, 修正, 根据…决定修正)
    "draft",  # the target is this final text's draft (征求意见稿)
)
# the relations that make a lineage (successive versions), from the newer document
LINEAGE_TYPES: tuple[RelationType, ...] = ("supersedes", "predecessor", "amends", "draft")

UNTITLED = "（无标题）"  # shown where a document states no title; never part of an id


def is_untitled(shown: str) -> bool:
    """True for what `display_title` shows in place of a missing title."""
    return shown.startswith(UNTITLED[:-1])


def display_title(title: str | None, issuer: str | None, jurisdiction: str | None) -> str:
    """What lists, pages and alerts show for a title: the title, or the untitled marker with
    the issuer or place, when known, so untitled documents can be told apart."""
    if title:
        return title
    where = issuer or jurisdiction
    return f"{UNTITLED[:-1]}·{where}）" if where else UNTITLED


ISSUER_SEP = "、"  # between joint issuers in `Document.issuer`: 财政部、国家税务总局

UnitKind = Literal["part", "chapter", "section", "outline", "article", "item", "preamble", "notice"]

# --- identity ------------------------------------------------------------------------

_OPEN = "〔(（[［【〖{｛<＜﹝„"
_CLOSE = "〕)）]］】〗}｝>＞﹞‟"
_NUM_END = "号號"

_BRACKET_RE = on_use(
    rf"^(?P<prefix>[{CJK}A-Za-z·]{{1,20}}?)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<num>\d+)\s*[{_NUM_END}]?$"
)
_DASH_RE = on_use(
    rf"^(?P<prefix>[{CJK}·]{{1,20}}?)\s*(?P<year>\d{{4}})\s*[-－—_/.]\s*(?P<num>\d+)\s*[{_NUM_END}]?$"
)
_SERIAL = r"\d+|[一二三四五六七八九十百零〇]+"  # 第37号, 第三十七号
_ANNOUNCE_RE = on_use(
    rf"^(?P<prefix>[{CJK}·\s、]*?[公通]告)\s*[{re.escape(_OPEN)}]?\s*(?:(?P<year>\d{{4}})\s*"
    rf"[{re.escape(_CLOSE)}]?\s*年?\s*)?第\s*(?P<num>{_SERIAL})\s*[{_NUM_END}]\s*[{re.escape(_CLOSE)}]?$"
)
_ORDER_RE = on_use(
    rf"^(?:中华人民共和国|中華人民共和國)?(?P<prefix>[{CJK}·\s]+?令)\s*[{re.escape(_OPEN)}]?\s*第?\s*"
    rf"(?P<num>{_SERIAL})\s*[{_NUM_END}]\s*[{re.escape(_CLOSE)}]?$"
)
# 财政部 税务总局2023年第12号公告: the number before 公告, as news writes it
_ANNOUNCE_AFTER_RE = on_use(
    rf"^(?P<prefix>[{CJK}·\s]{{2,40}}?)\s*(?P<year>\d{{4}})\s*年\s*第\s*(?P<num>\d+)\s*[{_NUM_END}]\s*(?P<word>[公通]告)$"
)
# 国务院第707号令, 国土资源部第55号令: the order number before 令, as news and histories write it
_ORDER_AFTER_RE = on_use(
    rf"^(?:中华人民共和国|中華人民共和國)?(?P<prefix>[{CJK}·\s]+?)\s*第\s*(?P<num>\d+)\s*[{_NUM_END}]\s*令$"
)
# the doc-number shapes as they occur inside running text (used by ingest)
DOC_NUMBER_IN_TEXT = on_use(
    rf"[{CJK}]{{1,12}}?[{re.escape(_OPEN)}]\s*\d{{4}}\s*[{re.escape(_CLOSE)}]\s*第?\d{{1,5}}\s*[{_NUM_END}]"
)


# a doc number the page itself prints damaged: 广安区府办发〔202026 (bracket and 号 lost),
# 财政部 税务总局公告2021年第12 (号 lost), 2022年第4号 (issuer part lost)
_DAMAGED_RE = on_use(
    rf"^(?:[{CJK}]{{1,12}}[{re.escape(_OPEN)}]\s*\d{{5,8}}|[{CJK}\s、]{{2,30}}[公通]告\s*\d{{4}}\s*年\s*第\s*\d+|"
    rf"\d{{4}}\s*年\s*第\s*\d+\s*[{_NUM_END}])$"
)


def damaged_number(text: str) -> bool:
    """A doc number as a page prints it with parts lost: kept as printed (never repaired
    by guessing), without an id of its own, and named by `check`."""
    return DocNumber.try_parse(text) is None and bool(_DAMAGED_RE.match(text.strip()))


def _plausible_issuer_code(prefix: str) -> bool:
    """An announcement's or order's issuer part names organs, not a sentence or a title."""
    return (
        len(prefix) <= 40
        and not re.search(r"的|关于|關於|關于|。|，|,", prefix)
        and not re.match(r"^\s*[公通]告", prefix)
    )


def _clean_prefix(prefix: str) -> str:
    prefix = to_simplified_chars(unicodedata.normalize("NFKC", prefix)).strip()
    return re.sub(r"\s+", " ", prefix)


@dataclass(frozen=True, order=True)
class DocNumber:
    """A 发文字号: issuer code, year and serial, e.g. 京技管发〔2024〕29号."""

    prefix: str
    year: int | None
    number: int
    style: Literal["bracket", "announcement", "order"] = "bracket"

    @classmethod
    def parse(cls, text: str) -> DocNumber:
        """Parse a loosely written doc number; raise DocNumberError when it is not one."""
        raw = ascii_digits(unicodedata.normalize("NFKC", text)).strip()
        raw = raw.replace("號", "号")
        # each shape is tried only when the text holds the characters it cannot match
        # without: most shapes are never compiled in a command that reads one doc number
        for regex, style, needed in (
            (_ANNOUNCE_RE, "announcement", "告"),
            (_ORDER_RE, "order", "令"),
        ):
            m = regex.match(raw) if needed in raw else None
            if m and _plausible_issuer_code(m.group("prefix")):
                year = int(m.group("year")) if m.groupdict().get("year") else None
                num = cn_to_int(m.group("num"))
                return cls(_clean_prefix(m.group("prefix")), year, num, style)  # type: ignore[arg-type]
        m = _ORDER_AFTER_RE.match(raw) if raw.endswith("令") else None
        if m:
            return cls(_clean_prefix(m.group("prefix")) + "令", None, int(m.group("num")), "order")
        m = _ANNOUNCE_AFTER_RE.match(raw) if raw.endswith("告") else None
        if m:
            prefix = _clean_prefix(m.group("prefix")) + m.group("word")
            return cls(prefix, int(m.group("year")), int(m.group("num")), "announcement")
        for regex, marks in ((_BRACKET_RE, _OPEN), (_DASH_RE, "-－—_/.")):
            m = regex.match(raw) if any(c in raw for c in marks) else None
            if m:
                prefix = _clean_prefix(m.group("prefix"))
                if prefix:
                    return cls(prefix, int(m.group("year")), int(m.group("num")), "bracket")
        raise DocNumberError(
            f"{text!r} is not a doc number (发文字号); write it like 京技管发〔2024〕29号, "
            "财政部 税务总局公告2023年第19号 or 国务院令第802号"
        )

    @classmethod
    def try_parse(cls, text: str) -> DocNumber | None:
        """Like parse, but None for text that is not a doc number."""
        try:
            return cls.parse(text)
        except DocNumberError:
            return None

    def __str__(self) -> str:
        if self.style == "announcement":
            year = f"{self.year}年" if self.year else ""
            return f"{self.prefix}{year}第{self.number}号"
        if self.style == "order":
            return f"{self.prefix}第{self.number}号"
        return f"{self.prefix}〔{self.year}〕{self.number}号"

    @property
    def slug(self) -> str:
        """Filesystem- and URL-safe form: 京技管发-2024-29."""
        prefix = slugify(self.prefix)
        if self.style == "order" or self.year is None:
            return f"{prefix}-{self.number}"
        return f"{prefix}-{self.year}-{self.number}"


_SLUG_DROP = on_use(rf"[^{CJK}A-Za-z0-9]+")


def fields_json(obj: object, names: Iterable[str]) -> dict[str, object]:
    """Named attributes of a dataclass as JSON values: dates as ISO text, tuples as lists."""
    out: dict[str, object] = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def slugify(text: str, max_len: int = 40) -> str:
    """CJK, ASCII letters and digits joined by hyphens; nothing a filesystem or URL minds."""
    return _slugify(text, max_len)


@functools.lru_cache(maxsize=1 << 16)
def _slugify(text: str, max_len: int) -> str:
    """Cached: titles are slugged again and again to resolve relations, and each one goes
    through OpenCC (typed through `slugify`: the cache wrapper accepts any argument)."""
    text = to_simplified_chars(unicodedata.normalize("NFKC", text))
    slug = _SLUG_DROP.sub("-", text).strip("-")
    return slug[:max_len].rstrip("-") or "document"


ID_MAX_BYTES = 200  # + ".html" stays well inside the 255-byte file-name limit
# names a document file cannot take: the archive's README and the site's own pages
# (documents/index.html); compared without case, for case-insensitive file systems
RESERVED_IDS = frozenset({"readme", "index"})
_ID = on_use(r"[^\W_][\w-]*")


def id_problem(value: str) -> str | None:
    """Why a string cannot be a document id (it becomes a file name and a URL path), or
    None. The one rule for ids from any source: front matter, --set id=, derived ones."""
    if not _ID.fullmatch(value):
        return (
            f"{value!r} cannot be an id: use letters, digits and hyphens, starting with a "
            "letter or digit (no /, ., spaces or other marks)"
        )
    if value.lower() in RESERVED_IDS:
        return f"{value!r} cannot be an id: the name is used by the archive or the website"
    if len(value.encode("utf-8")) > ID_MAX_BYTES:
        return f"{value[:20]!r}… cannot be an id: it is longer than {ID_MAX_BYTES} bytes"
    return None


def derived_id(*, issuer: str | None, when: date | None, title: str | None, text: str = "") -> str:
    """Deterministic id for a document without a doc number: the start of its title, its
    date, and a short hash of issuer and full title (so two same-day titles differ). A
    document without a stated title is named by its issuer and a hash of its text: an id
    never holds a title the text does not state."""
    day = when.isoformat() if when else "undated"
    if title:
        digest = hashlib.sha256(f"{issuer or ''}|{title}".encode()).hexdigest()[:6]
        return f"{slugify(title, 24)}-{day}-{digest}"
    digest = hashlib.sha256(f"{issuer or ''}|{text}".encode()).hexdigest()[:6]
    return f"{slugify(issuer or '无标题', 24)}-{day}-{digest}"


def ref_key(text: str) -> str:
    """The form a REF is compared in: the canonical doc number when it parses as one,
    otherwise the slug of the text (`title_key`)."""
    number = DocNumber.try_parse(text)
    if number is not None:
        return number.slug
    return title_key(text)


def title_key(title: str) -> str:
    """The key a title or short name is looked up by: its slug, long enough (200) that two
    titles never share one, where a file name takes only the first 24 characters."""
    return slugify(title, 200)


def lookup_keys(
    doc_number: str | None, title: str | None, aliases: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The keys a document (or a relation's target) is found by, each with what it comes
    from: its doc number, title and short names. The index stores a document under these and
    a relation under those of what it names; the graph, REF resolution, add's checks and the
    site match them."""
    keys = [(ref_key(doc_number), "doc_number")] if doc_number else []
    if title:
        keys.append((title_key(title), "title"))
    keys.extend((title_key(a), "alias") for a in aliases)
    return keys


_DRAFT_MARK = on_use(
    r"[（(〔【\[]?\s*(?:公开)?(?:修订)?(?:征求意见稿|征求意见|送审稿|草案|代拟稿|讨论稿|审议稿)\s*[）)〕】\]]?"
)
_EDITION_MARK = on_use(
    r"[（(]\s*(?:试行|暂行|\d{4}\s*年?\s*(?:修订|修正|版|修订版|修正本|修订本))\s*[）)]"
)
_KEY_KEEP = on_use(rf"[{CJK}A-Za-z0-9]+")


@functools.lru_cache(maxsize=1 << 14)
def instrument_key(title: str | None) -> str:
    """A title as versions, drafts and copies of one instrument share it: Simplified,
    without draft marks (征求意见稿, 草案…), edition marks ((试行), (2023年修订)), 暂行/试行,
    中华人民共和国, punctuation and spaces. Empty for a document stating no title."""
    if not title:
        return ""
    t = to_simplified_chars(unicodedata.normalize("NFKC", title))
    t = _DRAFT_MARK.sub("", t)
    t = _EDITION_MARK.sub("", t)
    t = t.replace("中华人民共和国", "").replace("暂行", "").replace("试行", "")
    return "".join(_KEY_KEEP.findall(t)).lower()


@functools.lru_cache(maxsize=1 << 14)
def reference_key(title: str | None) -> str:
    """A title as another document cites it: Simplified, without 中华人民共和国, the issuing
    organ before 关于, punctuation and spaces (《关于适用〈中华人民共和国刑事诉讼法〉的解释》
    names 最高人民法院关于适用《刑事诉讼法》的解释). Edition marks stay: 《民事诉讼法（试行）》
    is another text than 《民事诉讼法》."""
    if not title:
        return ""
    t = to_simplified_chars(unicodedata.normalize("NFKC", title)).replace("中华人民共和国", "")
    key = "".join(_KEY_KEEP.findall(t)).lower()
    at = key.find("关于")
    return key[at:] if at > 0 else key


# --- dated facts and validity ------------------------------------------------------------


@dataclass(frozen=True)
class DatedFact:
    """A date with the sentence it came from and whether it was stated or inferred."""

    value: date | None = None
    basis: Basis = "unknown"
    evidence: str = ""
    rule: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None


UNKNOWN = DatedFact()


@dataclass(frozen=True)
class ValidityWindow:
    """The four dates that decide status: 成文, 公布, 施行, 有效期至."""

    issued: DatedFact = UNKNOWN
    published: DatedFact = UNKNOWN
    effective: DatedFact = UNKNOWN
    expires: DatedFact = UNKNOWN
    provisional: bool = False  # 暂行 / 试行

    def fields(self) -> dict[str, DatedFact]:
        return {
            "issued": self.issued,
            "published": self.published,
            "effective": self.effective,
            "expires": self.expires,
        }

    @property
    def issue_date(self) -> date | None:
        """The date the document is named by (`issue_date`)."""
        return issue_date(self.issued.value, self.published.value, self.effective.value)

    @property
    def start_date(self) -> date | None:
        """The date the document takes its place in time (`start_date`)."""
        return start_date(self.issued.value, self.published.value, self.effective.value)

    def start_facts(self) -> tuple[DatedFact, DatedFact, DatedFact]:
        """The facts `start_date` reads, in its order, for a reader that needs the basis
        too (a stated date before an inferred one of the same rank is not asked for)."""
        return (self.effective, self.published, self.issued)


# A document has two dates that matter, read from its three dates in two orders:
#
# - `issue_date`, the date it is *named* by (a version's label, an id made without a doc
#   number, the date search shows): 成文 (issued), else 公布 (published), else 施行
#   (effective). A text is made on the day it is signed; that date is printed on it, is the
#   same on every copy, and is known as soon as the text is, while a later effective date
#   (自2025年1月1日起施行) can be months away or unknown.
# - `start_date`, the date it takes its *place in time* (status, the order of the versions
#   of a lineage, which version is current, lists by date): 施行, else 公布, else 成文. A
#   version begins to apply on its effective date, not on the day it was signed: a revision
#   signed in November that takes effect in January is still the old text's successor only
#   from January.
#
# Both fall back to the other dates where a text states fewer, never to a guess.


def issue_date(issued: date | None, published: date | None, effective: date | None) -> date | None:
    """The date a document is named by: issued, else published, else effective."""
    return issued or published or effective


def start_date(issued: date | None, published: date | None, effective: date | None) -> date | None:
    """The date a document takes its place in time: effective, else published, else issued."""
    return effective or published or issued


@dataclass(frozen=True)
class Relation:
    """A link from this document to another, by doc number and/or title."""

    type: RelationType
    doc_number: str | None = None
    title: str | None = None
    evidence: str = ""
    target_id: str | None = None  # set when the target is known by id (e.g. --set predecessor)
    effective: date | None = None  # for partial repeal or dated supersession
    articles: tuple[int, ...] = ()  # articles repealed, when only some are
    alias: str | None = None  # a short name the text gives the target (简称“…”)

    @property
    def target(self) -> str:
        return self.target_id or self.doc_number or (f"《{self.title}》" if self.title else "?")


@dataclass(frozen=True)
class FieldEvidence:
    """How a non-date field was found: the sentence and whether it was stated."""

    basis: Basis
    evidence: str = ""


@dataclass(frozen=True)
class Source:
    """Provenance of the text: where it came from and what it looked like."""

    file: str = ""
    url: str = ""
    sha256: str = ""
    encoding: str = ""
    script: Literal["simplified", "traditional", ""] = ""
    retrieved: str = ""
    publisher: str = ""
    format: str = ""  # html, docx, pdf, markdown; empty for plain text


Revision = Literal["adopted", "promulgated", "revised", "amended", "effective", "approved"]
REVISIONS: tuple[Revision, ...] = (
    "adopted",
    "promulgated",
    "revised",
    "amended",
    "effective",
    "approved",
)


@dataclass(frozen=True)
class HistoryEvent:
    """One step of the revision history a text states of itself (通过, 公布, 修订, 修正…)."""

    date: date
    event: Revision
    evidence: str


@dataclass(frozen=True)
class Money:
    """An amount of money stated in a unit, in yuan, with its qualifier (最高, 不超过)."""

    yuan: int
    text: str
    qualifier: str = ""


@dataclass(frozen=True)
class UnitFacts:
    """The structured facts of one unit: departments, amounts, percentages, ratios, periods."""

    departments: tuple[str, ...] = ()
    amounts: tuple[Money, ...] = ()
    percentages: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()
    deadlines: tuple[DatedFact, ...] = ()


@dataclass(frozen=True)
class MeasureDeadline:
    """A dated period one unit (article, item) states for itself."""

    doc_id: str
    anchor: str
    label: str
    due: date
    basis: Basis
    rule: str
    evidence: str


@dataclass(frozen=True)
class Unit:
    """One structural unit (编, 章, 节, 一、/（一）/1. outline heading, 第X条, item)."""

    kind: UnitKind
    label: str  # as written: 第十二条, 一、, （一）, 1.
    number: int
    anchor: str
    level: int  # Markdown heading level; items take their parent's level + 1
    heading: str  # the caption after the label, if any
    text: str  # the unit's own text (paragraphs up to the next unit)
    parent: str | None = None  # anchor of the enclosing unit

    @property
    def title(self) -> str:
        if not self.heading:
            return self.label
        joiner = "" if self.label.endswith(("、", "）", ")", ".", "．")) else " "
        return f"{self.label}{joiner}{self.heading}"


@dataclass(frozen=True)
class Document:
    """One issued text with one identity, parsed from its canonical Markdown file."""

    id: str
    title: str | None  # None when the text states no title (never composed from keywords)
    kind: Kind = "policy"
    doc_number: str | None = None
    issuer: str | None = None
    jurisdiction: str | None = None
    window: ValidityWindow = field(default_factory=ValidityWindow)
    relations: tuple[Relation, ...] = ()
    evidence: tuple[tuple[str, FieldEvidence], ...] = ()
    source: Source = field(default_factory=Source)
    overrides: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()  # short names such as 海淀人工智能十五条
    history: tuple[HistoryEvent, ...] = ()  # the revision history the text states
    sources: tuple[Source, ...] = ()  # further copies of the same text (`source` is canonical)
    body: str = ""
    units: tuple[Unit, ...] = ()

    def with_(self, **changes: object) -> Document:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def number(self) -> DocNumber | None:
        return DocNumber.try_parse(self.doc_number) if self.doc_number else None

    @property
    def display_title(self) -> str:
        """The title, or a visible marker that the text states none."""
        return display_title(self.title, self.issuer, self.jurisdiction)

    @property
    def issuers(self) -> tuple[str, ...]:
        """The issuing organs in the order written (joint issuers are joined by 、)."""
        return tuple(filter(None, (self.issuer or "").split(ISSUER_SEP)))

    def related(self, type_: RelationType) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.type == type_)

    def field_evidence(self, name: str) -> FieldEvidence | None:
        for key, ev in self.evidence:
            if key == name:
                return ev
        return None

    @property
    def articles(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind == "article")
