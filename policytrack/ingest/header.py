"""The parts of a published document around its text: line shapes, title blocks, addressees
(主送机关), covering notices (关于印发《…》的通知) and the policy they carry. Signature blocks
and issuers named in prose are in `signatures`, the 发文字号 in its printed forms in
`docnumbers`; both read the line shapes defined here.

Every rule reads the clean lines of one document (see `clean`) and returns a value with the
line it came from; none guesses a value the text does not state. The rules follow how
Chinese official documents are laid out (党政机关公文格式, GB/T 9704): masthead, 发文字号,
title (often broken over two or three lines, the issuer on its own line), 主送机关 ending
in a colon, body, signature (issuer lines over the 成文日期), then any attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policytrack.chinese import CJK
from policytrack.docfile import match_label
from policytrack.model import DocNumber

from .dates import DATE_RE, first_date

# --- vocabulary -----------------------------------------------------------------------------

GENRES = (
    "答记者问|实施意见|指导意见|若干意见|实施细则|实施办法|管理办法|暂行办法|工作规则|议事规则|"
    "实施方案|工作方案|行动方案|行动计划|工作要点|若干措施|若干政策|政策措施|决定|通知|通告|公告|"
    "意见|办法|规定|方案|细则|规则|要点|条例|措施|举措|批复|复函|函|报告|纲要|规划|计划|概览|指引|"
    "指南|标准|目录|清单|命令|决议|通报|章程|制度|规程|守则|准则|公报|解读|规范|导则|法|令|意见稿|"
    "应急预案|预案"
)
# a title ends with its genre word, then optionally (试行) (征求意见稿) (2025年版) (2023—2025年)
_TAIL = r"(?:\s*[（(][^（）()]{1,16}[）)]){0,3}"
GENRE_END = re.compile(rf"(?<![方做看说想算用写])(?:{GENRES}){_TAIL}$")
ORG_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|常务委员会|管理委员会|管委会|"
    r"委员会|办公厅|办公室|行政公署|行署|人大常委会|政府|总局|总署|厅|局|部|委|署|院|中心|司|处|科|"
    r"银行|法院|检察院|起草组|工作组|小组)"
)
_ORG = rf"(?:[{CJK}（）()]{{2,40}}?{ORG_SUFFIX}|[省市县区]政府|[省市县区]委)"
ORG_RE = re.compile(rf"^{_ORG}$")
_ORG_LIST = re.compile(rf"^{_ORG}(?:(?:\s+|[、，,]\s*|以及){_ORG})*$")
# 各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
_ADDRESSEE = re.compile(rf"^(?:各|[{CJK}（）()、，,]{{0,40}}?(?:各|有关))[^。；]{{1,200}}[：:∶]$")
_ADDRESSEE_LOOSE = re.compile(rf"^各[{CJK}（）()、，,]{{4,120}}$")
_ADDRESSEE_GLUED = re.compile(rf"各[{CJK}（）()、，,]{{2,120}}?[：:∶]")
_WRAPPER = re.compile(
    r"^(?P<org>.*?)(?:关于)?(?:印发|发布|转发|颁布|批转|公布|下发)(?P<what>.+?)的(?:通知|公告|决定|通告)$"
)
_BOOK = re.compile(r"《([^《》]+(?:《[^《》]*》[^《》]*)*)》")
_NOISE_PREFIX = re.compile(
    r"^(?:【[^】]{1,8}】|\[[^\]]{1,8}\]|[^\s丨|｜]{1,12}[丨｜]\s*|法规\s*(?=[^\s]*?[〔\[（(]|[^\s]*?公告)|"
    r"第[一二三四五六七八九十\d]+篇[：:])"
)
_NOISE_SUFFIX = re.compile(r"(?:\s*\[[^\]]{1,8}\]|\s*【[^】]{1,8}】|\s*[（(]\d{4}年[）)])$")
_PLACE_PREFIX = re.compile(rf"^[{CJK}]{{2,8}}[：:](?=关于)")
_MASTHEAD = re.compile(rf"^[{CJK}\s]{{2,40}}?文件$")
_DRAFT = re.compile(r"征求意见稿|草案|代拟稿|送审稿|意见稿")
_CONSULT = re.compile(r"征求.{0,20}意见|意见征集|公开征求|征求意见")
_NEWS_VERB = re.compile(
    r"(?:印发|发布|出台|下发|公布|制定了?|修订了?|审议通过|起草了?|施行|实施)(?:了|修订后的|新的|新修订的)?\s*《"
)


def simplify_spaces(text: str) -> str:
    """One space where a run of spaces stood, none next to brackets or punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*([（）()《》〈〉“”、，：])\s*", r"\1", text)


def squash(text: str) -> str:
    """The form two titles are compared in: no spaces, no 的, one bracket style."""
    text = re.sub(r"[\s的“”\"'《》〈〉<>]", "", text)
    return text.replace("（", "(").replace("）", ")")


# --- line shapes ----------------------------------------------------------------------------


def is_date_line(line: str) -> bool:
    """A line that is a date and nothing more (a signature's 成文日期)."""
    text = re.sub(r"[（(]此件[^）)]{2,8}[）)]$", "", line).strip()
    return bool(
        DATE_RE.fullmatch(text)
        or re.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?", text)
        or re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text)
    )


def is_month_line(line: str) -> bool:
    return bool(re.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月", line.strip()))


def line_date(line: str) -> date | None:
    d = first_date(line)
    if d is None:
        m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", line)
        if m:
            try:
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return d


def is_org_line(line: str) -> bool:
    return len(line) <= 120 and bool(_ORG_LIST.match(line.strip()))


_NOT_ORG = re.compile(r"转发|印发|批转|关于|发布|公布|决定|签署|制定|会同|的")
# central organs that begin a joint issuer written without a space: 财政部税务总局
_CENTRAL = (
    r"(?:中共中央办公厅|国务院办公厅|中共中央|国务院|财政部|国家税务总局|税务总局|海关总署|"
    r"国家发展改革委|国家发展和改革委员会|发展改革委|人力资源社会保障部|人力资源和社会保障部|"
    r"工业和信息化部|商务部|科技部|教育部|民政部|司法部|自然资源部|生态环境部|住房城乡建设部|"
    r"交通运输部|农业农村部|中国人民银行|国家市场监督管理总局|市场监管总局)"
)
_LEADING_ORG = re.compile(rf"^{_CENTRAL}")


def _unglue(name: str) -> list[str]:
    """财政部税务总局 → 财政部, 税务总局; but 国家税务总局安徽省税务局, 国务院机关事务管理局
    and 市场监管总局办公厅 are one organ each: only a second central organ is split off."""
    m = _LEADING_ORG.match(name)
    rest = name[m.end() :] if m else ""
    central = bool(rest) and bool(
        _LEADING_ORG.match(rest) or re.match(r"^(?:国家|中国|中共)", rest)
    )
    if m and central and ORG_RE.match(rest):
        return [m.group(0), *_unglue(rest)]
    return [name]


def split_orgs(text: str) -> list[str]:
    """The organs of a signature line or a title prefix: 财政部 国家税务总局 → two."""
    parts = [p for p in re.split(r"\s+|[、，,]|以及", text.strip()) if p]
    return [o for p in parts if ORG_RE.match(p) and not _NOT_ORG.search(p) for o in _unglue(p)]


def is_sentence(line: str) -> bool:
    return (
        bool(re.search(r"[。；！？]", line))
        or line.endswith(("：", ":", "，", ","))
        or len(line) > 110
    )


def number_of(line: str) -> DocNumber | None:
    """The doc number a line consists of, allowing wrapping brackets and markers."""
    text = re.sub(r"^(?:<正>|法规)\s*", "", line.strip())
    text = text.strip("（）() ")
    return DocNumber.try_parse(text)


def is_fragment(line: str) -> bool:
    """A piece of a title broken over lines: short, no sentence punctuation, not a number,
    a date or a numbered item."""
    return (
        2 <= len(line) <= 60
        and not is_sentence(line)
        and not is_date_line(line)
        and number_of(line) is None
        and match_label(line) is None
        and not _ADDRESSEE_LOOSE.match(line)
    )


def is_addressee(line: str) -> bool:
    if len(line) > 220 or "。" in line or "关于" in line:
        return False
    if _ADDRESSEE.match(line):
        return True
    # a colon lost in the scrape: 各街道办事处,区级各部门,官盛新区管委会
    return bool(_ADDRESSEE_LOOSE.match(line)) and bool(re.search(r"[、，,]", line))


def find_addressee(lines: list[str], limit: int = 60) -> int | None:
    for i, line in enumerate(lines[:limit]):
        if is_addressee(line):
            return i
    return None


# --- title blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleBlock:
    """A title as printed, possibly over several lines, with where it is."""

    text: str
    first: int
    last: int

    @property
    def evidence(self) -> str:
        return self.text


def clean_title(text: str) -> str:
    """A printed title without page labels, column prefixes, trailing numbers and tags."""
    text = simplify_spaces(text)
    for _ in range(3):
        before = text
        text = text.lstrip("•·-–—*> ").strip()
        text = _NOISE_PREFIX.sub("", text).strip()
        text = _PLACE_PREFIX.sub("", text).strip()
        m = re.match(r"^(\S{4,40}?号)\s*(?=\S)", text)
        if m and DocNumber.try_parse(m.group(1)):
            text = text[m.end() :].strip()
        m = re.search(r"\s*[（(]([^（）()]{4,40}号)[）)]$", text)
        if m and DocNumber.try_parse(m.group(1)):
            text = text[: m.start()].strip()
        for m in re.finditer(r"\s", text):  # …的公告 财政部 税务总局公告2021年第12号
            if text.endswith("号") and DocNumber.try_parse(text[m.end() :]):
                text = text[: m.start()].strip()
                break
        text = _NOISE_SUFFIX.sub("", text).strip()
        if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
            text = text[1:-1]
        if text == before:
            break
    return text


def titleish(text: str) -> bool:
    """Reads as a document title: ends with a genre word, no sentence punctuation."""
    t = clean_title(text)
    return (
        4 <= len(t) <= 120
        and not is_sentence(t)
        and bool(GENRE_END.search(t))
        and t.count("《") == t.count("》")
        and not _MASTHEAD.match(t)
        and not re.search(r"[:：]", re.sub(r"《[^》]*》", "", t))
    )


def _balanced(text: str) -> bool:
    return text.count("《") == text.count("》") and text.count("〈") == text.count("〉")


def _starts_title(text: str) -> bool:
    """关于…, 印发…, or an issuer followed by 关于 within the first words."""
    return bool(re.match(r"^(?:关于|印发|转发)", text)) or "关于" in text[:30]


def _joinable(line: str) -> bool:
    """A line that may be the earlier part of a broken title."""
    return (
        is_fragment(line)
        and len(re.findall(r"[A-Za-z]", line)) < 3  # site names, URLs: mk官网, www.…
        and not re.search(r"官网|网站|首页|频道", line)
        and len(re.findall(f"[{CJK}]", line)) >= 2
        and not DATE_RE.search(line)
        and not re.search(r"\d{4}\s+\d{1,2}\s+\d{1,2}", line)
        and not re.fullmatch(r"[（(][^（）()]*[）)]", line)  # (此件公开发布)
        and not re.match(r"^附件\s*\d*\s*[:：]?", line)
        and match_label(line) is None
        and not ORG_RE.match(line.strip())
    )


def title_blocks(lines: list[str], start: int = 0, end: int | None = None) -> list[TitleBlock]:
    """Every title in lines[start:end], joining a title broken over up to three lines and
    an issuer line printed above a 关于… line."""
    end = len(lines) if end is None else min(end, len(lines))
    out: list[TitleBlock] = []
    for j in range(start, end):
        last = lines[j]
        if (
            not GENRE_END.search(clean_title(last))
            or is_sentence(last)
            or match_label(last) is not None  # a numbered item or a table of contents
        ):
            continue
        first = j
        while first > start and j - first < 2:
            text = "".join(lines[first : j + 1])
            if _starts_title(clean_title(lines[first])) and _balanced(text):
                break
            prev = lines[first - 1]
            if not _joinable(prev) or (titleish(prev) and _balanced(text)):
                break
            first -= 1
        text = "".join(lines[first : j + 1])
        if not _balanced(text):
            continue
        # an issuer line above 关于…: 四川省人民政府 / 关于促进…的实施意见 — unless the
        # page printed the title without it before (a law database's organ line)
        head = clean_title(lines[first])
        if (
            first > start
            and re.match(r"^(?:关于|印发|转发)", head)
            and is_org_line(lines[first - 1])
            and not any(squash(clean_title(x)) == squash(clean_title(text)) for x in lines[:first])
        ):
            first -= 1
            text = lines[first].strip() + text
        if titleish(text):
            out.append(TitleBlock(clean_title(text), first, j))
    return out


# --- covering notices -------------------------------------------------------------------------


@dataclass(frozen=True)
class Wrapped:
    """What a covering notice issues: one policy's title, or several."""

    titles: tuple[str, ...]
    evidence: str


def wrapped_by_title(title: str) -> Wrapped | None:
    """关于印发《X》的通知 → X; several 《》 (or 等N个文件) → all of them."""
    m = _WRAPPER.match(title)
    if not m:
        return None
    what = m.group("what")
    books = [b for b in _BOOK.findall(what) if GENRE_END.search(b)]
    if books:
        if len(books) > 1 or re.search(r"等\s*\d+\s*个|等[一二三四五六七八九十]+个", what):
            return Wrapped((*tuple(books), "…"), title)
        return Wrapped((books[0],), title)
    what = what.strip("《》")
    if GENRE_END.search(what) and not re.search(r"[《》]", what):
        # 印发A办法和B细则的通知: one notice, two policies
        parts = [p for p in re.split(r"(?<=[法则案见定例施规])(?:和|及|、)", what) if p]
        if len(parts) > 1 and all(GENRE_END.search(p) for p in parts):
            return Wrapped((*parts, "…"), title)
        return Wrapped((what,), title)
    return None


_ISSUE_SENTENCE = re.compile(
    r"(?:现将|现印发|现发布|现公布|现予印发|现予发布|现予公布|印发给你们|印发你们|现转发|予以印发|"
    r"已经.{0,40}?(?:同意|通过|批准))"
)


def wrapped_by_text(lines: list[str]) -> Wrapped | None:
    """现将《X》印发给你们 / 《X》已经市政府同意，现印发给你们 / 《X》已经…通过。现予公布 → X."""
    for line in lines:
        if not _ISSUE_SENTENCE.search(line):
            continue
        sents = re.split(r"(?<=[。；])", line)
        for k, sent in enumerate(sents):
            if not _ISSUE_SENTENCE.search(sent) or not re.search(r"印发|发布|公布|转发", sent):
                continue
            source = sent
            books = list(dict.fromkeys(b for b in _BOOK.findall(sent) if GENRE_END.search(b)))
            if not books and k > 0:  # 《X》已经…审议通过。现予公布
                source = sents[k - 1] + sent
                books = list(
                    dict.fromkeys(b for b in _BOOK.findall(sents[k - 1]) if GENRE_END.search(b))
                )
            if books:
                if len(books) > 1 or re.search(
                    r"等\s*\d+\s*个|等[一二三四五六七八九十]+个", source
                ):
                    return Wrapped((*books, "…"), source)
                return Wrapped((books[0],), source)
    return None


def attachment_titles(lines: list[str]) -> list[tuple[str, str]]:
    """Titles listed after 附件： (one per line or numbered), with the line they came from."""
    out: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        m = re.match(r"^附件\s*\d*\s*[:：]?\s*(?:[(（]点击下载[)）][:：]?)?\s*(.*)$", line)
        if not m or len(line) > 120:
            continue
        rest = [m.group(1)] if m.group(1) else []
        for nxt in lines[i + 1 : i + 8]:
            m2 = re.match(r"^\d+\s*[.、．]\s*(.+)$", nxt)
            if not m2 or len(nxt) > 120:
                break
            rest.append(m2.group(1))
        for item in rest:
            item = re.sub(r"^\d+\s*[.、．]\s*", "", item)
            item = re.sub(r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar)$", "", item.strip(), flags=re.I)
            item = simplify_spaces(item.strip("《》 "))
            if item and GENRE_END.search(item) and not is_sentence(item):
                out.append((item, line))
    return out
