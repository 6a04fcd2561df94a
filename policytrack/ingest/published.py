"""发布/公布 (`published`) and the page evidence it may come from.

The document's own promulgation statement first: an order or announcement that says 现予公布
and is dated, a promulgation note under the title (…令第N号公布, …于…公布); then a news
report's 今天/昨天 resolved from its dateline; then the page: an official page's 发布日期
(a 信息公开 table, or a 来源 naming a government organ printed beside it) or posting stamp.
A reposting site's clock (来源:税屋, 法律资料网 …) never counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from policytrack.model import DatedFact

from .clean import Stamp
from .dates import DATE, DATE_RE, ISO_DATE_RE, first_date, sentences, to_date
from .extract import Extracted
from .header import ORG_RE, squash
from .labels import LabelBlock

# short names a text uses for itself or a cited document (《办法》): never a title of its own
_GENERIC = {
    "办法",
    "通知",
    "公告",
    "通告",
    "决定",
    "意见",
    "规定",
    "细则",
    "方案",
    "措施",
    "条例",
    "规则",
}


@dataclass
class PageEvidence:
    """What the page around the text says: its label block and posting stamps."""

    labels: LabelBlock = field(default_factory=lambda: LabelBlock([], set()))
    stamps: list[Stamp] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the document's clean lines, header included


_MEDIA = re.compile(
    r"报|网易|新浪|搜狐|腾讯|头条|客户端|资料网|法律网|税屋|企业减负|数据中心|法宝|百科|文库|论坛|"
    r"新闻|财经|日报|晚报|周刊|杂志|期刊|公众号|微信|电视|广播"
)


def _official_source(name: str) -> bool:
    """来源 naming a government organ or its site (广州市人民政府办公厅, 四川省人民政府网)."""
    name = name.strip()
    if not name or _MEDIA.search(name):
        return False
    return bool(ORG_RE.match(name) or re.search(r"政府|政务|门户网站|人大|政协", name))


def _label_date(labels: LabelBlock, fld: str) -> tuple[date, str, str] | None:
    pair = labels.first(fld)
    if pair is None:
        return None
    day = first_date(pair.value)
    return (day, pair.line, pair.label) if day else None


def _open_government(labels: LabelBlock) -> bool:
    """A 信息公开 table: several labels among 索引号, 发文字号, 发文机关, 成文日期 …"""
    kinds = {p.field for p in labels.pairs}
    return (
        "index" in kinds
        or len(kinds & {"doc_number", "issuer", "publisher", "issued", "title"}) >= 2
    )


# --- 发布/公布 ---------------------------------------------------------------------------------

_HISTORY_PUB = re.compile(
    rf"{DATE}\s*[^，。；（(）)]{{0,30}}?(?:令第?\s*\d+\s*号|第\s*\d+\s*号令)\s*(?:公布|发布)"
)
_RELEASED_BY = re.compile(rf"{DATE}\s*[^，。；（(）)\d]{{2,60}}?发布[）)]")
# （国家互联网信息办公室于二零二三年二月二十二日公布，自二零二三年六月一日起施行。）
_ORGAN_PUBLISHED = re.compile(rf"^[（(]\s*[^，。；（(]{{2,40}}?于\s*{DATE}\s*(?:公布|发布)")
_SIGNED_AND_PUBLISHED = re.compile(rf"{DATE}[，,]?[^。]{{0,24}}签署[^。]{{0,30}}[，,]\s*公布")


def read_published(ex: Extracted, paragraphs: list[str], page: PageEvidence) -> None:
    """公布/发布: the promulgation statement first (an order or announcement that says
    现予公布 and is dated, a history note …令第N号公布), then a news report's 今天, then
    an official page's 发布日期 label or posting stamp; a reposting site's clock never
    counts."""
    head = page.lines[:14] + paragraphs[:6]
    found = (
        _promulgation(ex, head)
        or _promulgation_note(head)
        or _news_release(ex, head, page)
        or _official_page_date(page)
    )
    if found is not None:
        ex.published = found


def _promulgation(ex: Extracted, head: list[str]) -> DatedFact | None:
    """An order, announcement or decision that says 现予公布 and is dated: published that
    day (a covering 通知 that 现予发布 a policy is not a promulgation of itself, nor is a
    consultation's draft)."""
    text = "\n".join(head)
    consultation = ex.kind == "draft" or bool(
        re.search(
            r"征求.{0,20}意见|意见征集|草案|征求意见稿", " ".join([*ex.own_titles, *head[:3]])
        )
    )
    promulgating = next(
        (
            s
            for line in head
            for s in sentences(line)
            if re.search(r"现予?(?:公布|发布)|予以公布", s)
        ),
        None,
    )
    promulgation_doc = bool(
        re.search(r"(?:令|公告|通告)\s*$", "\n".join(ex.own_titles[-1:]))
        or re.search(
            r"特此公告|特此通告|令\s*\n\s*第\s*\d+\s*号|(?:总\s*理|部\s*长|省\s*长|市\s*长|局\s*长|主\s*任)\s*[\u4e00-\u9fff]{0,4}\s*\n",
            text,
        )
        or (ex.doc_number and re.search(r"令第|公告|通告", ex.doc_number))
    )
    if (
        promulgating
        and promulgation_doc
        and not consultation
        and ex.issued.value
        and ex.issued.basis == "stated"
    ):
        return DatedFact(
            ex.issued.value,
            "stated",
            f"{promulgating} … {ex.issued.evidence}",
            "the order/announcement says 现予公布 and is dated",
        )
    return None


def _promulgation_note(head: list[str]) -> DatedFact | None:
    """A dated promulgation note: （…令第N号公布）, （…发布）, （…于…公布）, …签署…，公布."""
    for line in head:
        for regex, rule in (
            (_HISTORY_PUB, "promulgation note (…令第N号公布)"),
            (_RELEASED_BY, "promulgation note (…发布)"),
            (_ORGAN_PUBLISHED, "promulgation note (…于…公布)"),
            (_SIGNED_AND_PUBLISHED, "the order was signed and promulgated that day"),
        ):
            m = regex.search(line)
            if m:
                day = to_date(*m.groups()[:3])
                if day:
                    return DatedFact(day, "stated", line, rule)
    return None


def _official_page_date(page: PageEvidence) -> DatedFact | None:
    """An official page's 发布日期 (a 信息公开 table, or a 来源 naming a government organ
    printed beside it), else a posting stamp or 发布时间 line naming such a 来源."""
    label = _label_date(page.labels, "published")
    pub_pair = page.labels.first("published")
    source = page.labels.first("source")
    # the 来源 must be printed beside the date: a footer's 来源 says where the text came
    # from, not who posted this page
    beside = bool(
        source
        and pub_pair
        and (source.index < 0 or pub_pair.index < 0 or abs(source.index - pub_pair.index) <= 2)
    )
    official = _open_government(page.labels) or bool(
        source and beside and _official_source(source.value)
    )
    if label and official:
        return DatedFact(label[0], "stated", label[1], f"page label {label[2]} (official page)")
    for stamp in page.stamps:
        if _official_source(stamp.source):
            day = first_date(stamp.line)
            if day:
                return DatedFact(day, "stated", stamp.line, f"posted by {stamp.source}")
    posted = page.labels.first("posted")
    if posted and source and _official_source(source.value) and source.line == posted.line:
        day = first_date(posted.value)
        if day:
            return DatedFact(day, "stated", posted.line, f"posted by {source.value}")
    return None


# a news item's dateline (北京6月17日电) and its 今天/昨天: 《办法》将于今天在…平台公布
_DATELINE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*电")
_RELATIVE_RELEASE = re.compile(
    r"(今天|今日|昨天|昨日)[^。；！？]{0,40}?(?:公布|发布(?![会稿])|印发|出台)"
)


def _news_release(ex: Extracted, head: list[str], page: PageEvidence) -> DatedFact | None:
    """The day a news report says the document was released 今天 (or 昨天), from the
    report's dateline. The dateline gives month and day only: the year comes from a full
    date on the page with the same month and day (the report's own time stamp), and only
    when exactly one year fits. The released document must be named in the sentence
    (its title, or 《办法》-style short name), before the verb."""
    found = next((m for line in head if (m := _DATELINE.search(line))), None)
    if found is None:
        return None
    month, day = int(found.group(1)), int(found.group(2))
    texts = [*page.lines, *(s.line for s in page.stamps), *(p.value for p in page.labels.pairs)]
    years = {
        d.year
        for t in texts
        for m in (*DATE_RE.finditer(t), *ISO_DATE_RE.finditer(t))
        if (d := to_date(*m.groups())) and (d.month, d.day) == (month, day)
    }
    if len(years) != 1:
        return None
    own = {squash(t) for t in ex.own_titles if t}
    for line in head:
        for s in sentences(line):
            m = next(
                (
                    m
                    for m in _RELATIVE_RELEASE.finditer(s)
                    if any(
                        squash(b) in own or b in _GENERIC
                        for b in re.findall(r"《([^《》]+)》", s[: m.end()])
                    )
                ),
                None,
            )
            if not m:
                continue
            when = date(years.pop(), month, day)
            if m.group(1).startswith("昨"):
                when -= timedelta(days=1)
            return DatedFact(
                when, "stated", s, f"news report: {m.group(1)} = the dateline {found.group(0)}"
            )
    return None
