"""Clean lines → metadata candidates with evidence → blocks of body structure.

Each rule is a small named function over the lines or paragraphs of one document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from policytrack.chinese import CJK
from policytrack.docfile import TABLE_ROW, Block, match_label
from policytrack.model import (
    DOC_NUMBER_IN_TEXT,
    Basis,
    DatedFact,
    DocNumber,
    FieldEvidence,
    Relation,
)

from .dates import (
    DATE_RE,
    Clause,
    add_months,
    add_years,
    find_clauses,
    first_date,
    sentences,
)

ORG_SUFFIX = r"(?:人民政府办公厅|人民政府办公室|人民政府|管理委员会|工委管委会|管委会|委员会|办公厅|办公室|人大常委会|常务委员会|政府|厅|局|部|委|署|院|中心|总局)"
_ORG_LINE = re.compile(rf"^[{CJK}（）()、 ]{{2,40}}{ORG_SUFFIX}$")
_PLACE = re.compile(
    rf"^([{CJK}]{{2,16}}?(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|开发区|新区|自贸区|试验区|"
    r"自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州))"
)
_GENRES = (
    "实施意见",
    "指导意见",
    "若干措施",
    "若干政策",
    "实施细则",
    "实施办法",
    "管理办法",
    "行动计划",
    "实施方案",
    "工作方案",
    "意见",
    "办法",
    "规定",
    "措施",
    "方案",
    "细则",
    "条例",
    "通知",
    "政策",
)


@dataclass
class Extracted:
    """Everything read from one document's text, each field with its evidence."""

    title: str = ""
    title_basis: str = "unknown"
    title_evidence: str = ""
    kind: str = "policy"
    kind_evidence: str = ""
    doc_number: str | None = None
    doc_number_evidence: str = ""
    issuer: str | None = None
    issuer_basis: str = "unknown"
    issuer_evidence: str = ""
    jurisdiction: str | None = None
    jurisdiction_evidence: str = ""
    issued: DatedFact = field(default_factory=DatedFact)
    published: DatedFact = field(default_factory=DatedFact)
    effective: DatedFact = field(default_factory=DatedFact)
    expires: DatedFact = field(default_factory=DatedFact)
    provisional: bool = False
    amended: tuple[date, str] | None = None  # latest amendment (LawRefBook header) and its line
    relations: list[Relation] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stripped: list[tuple[str, str]] = field(default_factory=list)


# --- lines into notice / title / body ---------------------------------------------------

_NOTICE_TITLE = re.compile(r"关于(?:印发|发布|转发|公布|颁布)《(.+?)》的(?:通知|决定|公告)")
_NOTICE_BODY = re.compile(r"现将《(.+?)》(?:印发|发布|转发|公布)给?你们")
_TRAILING_NUMBER = re.compile(
    r"[（(]([^（）()]*?[〔\[［【(（]?\d{4}[〕\]］】)）]?\s*\d+\s*号)[）)]$"
)


def _strip_trailing_number(line: str) -> tuple[str, str | None]:
    m = _TRAILING_NUMBER.search(line)
    if m and DocNumber.try_parse(m.group(1)):
        return line[: m.start()].strip(), m.group(1)
    return line, None


def _is_title_like(line: str, max_len: int = 60) -> bool:
    return (
        len(line) <= max_len
        and not line.endswith(("。", "；", "，", "：", ":"))
        and "。" not in line
        and match_label(line) is None
        and DATE_RE.fullmatch(line) is None
        and DocNumber.try_parse(line) is None
    )


def split_document(lines: list[str], ex: Extracted) -> tuple[list[str], list[str]]:
    """(notice lines, body lines); sets the title with its evidence."""
    head = lines[:12]
    wrapped: str | None = None
    evidence = ""
    for line in head:
        m = _NOTICE_TITLE.search(line) or _NOTICE_BODY.search(line)
        if m:
            wrapped, evidence = m.group(1), line
            break
    if wrapped:
        # the policy text starts at the line repeating the wrapped title
        for i, line in enumerate(lines):
            if (
                i > 0
                and _strip_trailing_number(line)[0] == wrapped
                and not _NOTICE_TITLE.search(line)
            ):
                notice = lines[:i]
                first, _ = _strip_trailing_number(notice[0]) if notice else ("", None)
                if notice and first == wrapped:
                    ex.stripped.append(("page title repeated above the covering notice", notice[0]))
                    notice = notice[1:]
                ex.title, ex.title_basis, ex.title_evidence = wrapped, "stated", evidence
                return notice, lines[i + 1 :]
        # a notice whose policy text is not here: the notice is the document
        ex.kind, ex.kind_evidence = "notice", evidence
    first, _ = _strip_trailing_number(lines[0])
    if _is_title_like(first) and len(lines) > 1:
        ex.title, ex.title_basis, ex.title_evidence = first, "stated", lines[0]
        return [], lines[1:]
    # a lead paragraph above the headline, as news pages print it
    if (
        len(lines) > 2
        and _is_title_like(lines[1], 40)
        and lines[0].endswith("。")
        and len(lines[0]) <= 200
    ):
        ex.title, ex.title_basis, ex.title_evidence = lines[1], "stated", lines[1]
        return [], [lines[0], *lines[2:]]
    return [], lines


# --- single fields --------------------------------------------------------------------


def find_doc_number(notice: list[str], body: list[str], ex: Extracted, first_line: str) -> None:
    for line in notice[:6] + body[:3]:
        number = DocNumber.try_parse(line)
        if number:
            ex.doc_number, ex.doc_number_evidence = str(number), line
            return
    _, trailing = _strip_trailing_number(first_line)
    if trailing:
        ex.doc_number, ex.doc_number_evidence = str(DocNumber.parse(trailing)), first_line


def _signature(lines: list[str]) -> tuple[str | None, date | None, str]:
    """(issuer, date, evidence) of a signature block: an organisation line then a date line."""
    for i, line in enumerate(lines):
        if DATE_RE.fullmatch(line):
            d = first_date(line)
            if i > 0 and _ORG_LINE.match(lines[i - 1]):
                return lines[i - 1], d, f"{lines[i - 1]} {line}"
            return None, d, line
    return None, None, ""


def find_issuer_and_issued(
    notice: list[str], body: list[str], all_lines: list[str], ex: Extracted, publisher: str = ""
) -> None:
    issuer, issued, evidence = _signature(notice)
    if issued is None:
        issuer, issued, evidence = _signature(body[-6:])
    if issued:
        ex.issued = DatedFact(issued, "stated", evidence, "signature date (成文日期)")
    if issuer:
        ex.issuer, ex.issuer_basis, ex.issuer_evidence = issuer, "stated", evidence
        return
    for line in all_lines[:4]:
        m = re.match(rf"^(.{{2,40}}?{ORG_SUFFIX})关于", line)
        if m:
            ex.issuer, ex.issuer_basis, ex.issuer_evidence = m.group(1), "stated", line
            return
    for line in reversed(all_lines):
        m = re.search(rf"本[{CJK}]{{1,6}}由(.{{2,40}}?{ORG_SUFFIX})负责解释", line)
        if m:
            ex.issuer, ex.issuer_basis, ex.issuer_evidence = m.group(1), "inferred", line
            return
    if publisher and _ORG_LINE.match(publisher):
        ex.issuer, ex.issuer_basis = publisher, "inferred"
        ex.issuer_evidence = f"来源：{publisher} (the page names it as the source)"


_NATIONAL = re.compile(
    r"^(?:中共中央|国务院|全国人民代表大会|全国|国家|中华人民共和国|最高人民法院|最高人民检察院|"
    r"(?:[\u4e00-\u9fff]{1,10}?(?:部|总局|总署|银行|委员会)(?:办公厅)?)$)"
)


def find_jurisdiction(ex: Extracted, body: list[str]) -> None:
    if ex.issuer and _NATIONAL.match(ex.issuer) and not _PLACE.match(ex.issuer):
        # central bodies (国务院办公厅, 工业和信息化部, 国家发展改革委) act nationwide
        ex.jurisdiction, ex.jurisdiction_evidence = "全国", ex.issuer_evidence
        return
    candidates: list[tuple[str, str]] = []
    if ex.issuer:
        candidates.append((ex.issuer, ex.issuer_evidence))
    if ex.title:
        candidates.append((ex.title, ex.title_evidence))
    for text, evidence in candidates:
        m = _PLACE.match(text)
        if m and not m.group(1).endswith(("委", "部")):
            ex.jurisdiction, ex.jurisdiction_evidence = m.group(1), evidence
            return
    for line in body[:3]:
        m = re.search(rf"结合([{CJK}]{{2,16}}?)(?:实际|实情|发展实际)", line)
        if m:
            ex.jurisdiction, ex.jurisdiction_evidence = m.group(1), m.group(0)
            return


def find_kind(ex: Extracted, lines: list[str]) -> None:
    if ex.kind == "notice":
        return
    text = "\n".join(lines)
    if "征求意见稿" in ex.title or "征求意见稿" in "\n".join(lines[:5]):
        ex.kind, ex.kind_evidence = "draft", "征求意见稿"
        return
    if re.search(r"解读|答记者问|问答", ex.title):
        ex.kind, ex.kind_evidence = "interpretation", ex.title
        return
    policy = len(
        re.findall(
            r"本(?:政策|办法|意见|实施意见|规定|措施|细则|方案|通知|条例)|之日起施行|有效期|责任部门|责任单位",
            text,
        )
    )
    policy += 2 * len(re.findall(r"^第[一二三四五六七八九十百]+条", text, re.M))
    news = len(
        re.findall(
            r"记者|据悉|据了解|发布会|会上|日上午|日下午|出席|举行|表示|介绍|通讯员|报道", text
        )
    )
    if ex.doc_number is None and news > max(3, policy):
        ex.kind, ex.kind_evidence = (
            "news",
            f"{news} news markers (据悉, 发布会, 出席…) against {policy} policy markers",
        )
        return
    if ex.title.endswith("条例"):
        ex.kind, ex.kind_evidence = "regulation", ex.title
        return
    ex.kind_evidence = (
        f"{policy} policy markers (本政策, 之日起施行, 有效期, 第X条…) against {news} news markers"
    )


def infer_title(ex: Extracted, body: list[str]) -> None:
    """A title for a text that has none: place + topic + genre, marked inferred."""
    genre = ""
    for line in body[:3]:
        for g in _GENRES:
            if re.search(rf"(?:提出以下|制定本|特制定|现提出如下|提出如下){g}", line):
                genre = g
                break
        if genre:
            break
    headings = [line for line in body if _is_title_like(line, 40)]
    counts: Counter[str] = Counter()
    for text in headings + body[:1]:
        for run in re.findall(f"[{CJK}]+", text):
            for n in range(2, 7):
                for i in range(len(run) - n + 1):
                    counts[run[i : i + n]] += 1
    stop = {
        "发展",
        "推动",
        "加快",
        "建设",
        "加强",
        "强化",
        "完善",
        "支持",
        "产业",
        "重点",
        "工作",
        "总体要求",
        "保障措施",
    }
    topic = ""
    best = 0
    for gram, count in counts.items():
        if count < 3 or gram in stop or any(s in gram for s in ("的", "和", "与", "及")):
            continue
        score = count * len(gram)
        if score > best:
            topic, best = gram, score
    place = ex.jurisdiction or ""
    title = f"{place}关于{topic}的{genre or '文件'}" if topic else f"{place}{genre or '文件'}"
    ex.title, ex.title_basis = title, "inferred"
    ex.title_evidence = (
        f"no title line; derived from the place ({place or 'unknown'}), the most frequent term "
        f"in headings ({topic or 'none'}) and the genre ({genre or 'unknown'})"
    )


# --- dates -------------------------------------------------------------------------------

_SELF = re.compile(
    r"^本(?:[^，。；]{0,8})?(?:政策|办法|意见|规定|措施|细则|方案|通知|条例|法|决定|文件|规划|计划|规则|标准|公告)"
)


_ABOUT_SELF = re.compile(r"^(?:有效期|执行期限|实施期限|执行期)")


def _about_self(sentence: str) -> bool:
    """A sentence whose subject is this document (本办法…, 有效期…), after any 第X条 label."""
    text = sentence.lstrip()
    label = match_label(text)
    if label is not None:
        text = label.rest.lstrip()
    return bool(_SELF.match(text) or _ABOUT_SELF.match(text))


def _pick(
    clauses: list[Clause], kinds: tuple[str, ...], *, own_only: bool = False
) -> Clause | None:
    """The last clause of these kinds, preferring sentences about this document (本政策…).
    With own_only, a clause about something else (批准文件有效期为六个月) is never taken."""
    found = [c for c in clauses if c.kind in kinds]
    own = [c for c in found if _about_self(c.sentence)]
    pool = own if (own or own_only) else found
    return pool[-1] if pool else None


def find_dates(ex: Extracted, paragraphs: list[str], published_line: str) -> None:
    if published_line:
        d = first_date(published_line)
        if d:
            ex.published = DatedFact(d, "stated", published_line, "page publication date")
    if ex.kind in ("news", "interpretation"):
        if ex.published.value is None:
            m = next((first_date(p) for p in paragraphs[:3] if DATE_RE.search(p)), None)
            if m:
                ex.published = DatedFact(m, "inferred", "first date in the report", "news date")
        return
    clauses = find_clauses(paragraphs)
    eff_on_pub = _pick(clauses, ("effective_on_publication",))
    eff_date = _pick(clauses, ("effective_date",))
    rng = _pick(clauses, ("range",), own_only=True)
    exp_date = _pick(clauses, ("expires_date",), own_only=True)
    period = _pick(clauses, ("period_years", "period_months"), own_only=True)
    if ex.published.value is None and ex.issued.value and eff_on_pub is not None:
        ex.published = DatedFact(
            ex.issued.value,
            "inferred",
            ex.issued.evidence,
            "no publication date stated; the 成文日期 is taken as the publication date",
        )
    if rng and rng.start:
        ex.effective = DatedFact(rng.start, "stated", rng.sentence, "执行期限 range")
    elif eff_date and eff_date.start:
        ex.effective = DatedFact(
            eff_date.start, "stated", eff_date.sentence, "effective date stated"
        )
    elif eff_on_pub is not None:
        source = ex.issued if eff_on_pub.trigger in ("印发", "下发", "发文") else ex.published
        rule = f"自{eff_on_pub.trigger}之日起施行: effective on the {'issue' if source is ex.issued else 'publication'} date"
        if source.value:
            ex.effective = DatedFact(source.value, "stated", eff_on_pub.sentence, rule)
        else:
            ex.effective = DatedFact(
                None, "unknown", eff_on_pub.sentence, rule + " (that date is not stated)"
            )
    if rng and rng.end:
        ex.expires = DatedFact(rng.end, "stated", rng.sentence, "执行期限 range")
    elif exp_date and exp_date.end:
        ex.expires = DatedFact(exp_date.end, "stated", exp_date.sentence, "有效期至")
    elif period is not None:
        start = ex.effective.value
        what = f"有效期{period.years}年" if period.years else f"有效期{period.months}个月"
        if start:
            end = (
                add_years(start, period.years) if period.years else add_months(start, period.months)
            )
            ex.expires = DatedFact(
                end, "inferred", period.sentence, f"{what}: effective + period − 1 day"
            )
        else:
            ex.expires = DatedFact(
                None, "unknown", period.sentence, f"{what} from an unknown effective date"
            )
    ex.provisional = bool(re.search(r"暂行|试行", ex.title))


# --- relations ---------------------------------------------------------------------------

_TITLE_REF = re.compile(r"《([^《》]{2,80})》(?:\s*[（(]([^（）()]{4,30}?号)[）)])?")
_REPEAL = re.compile(r"同时废止|停止执行|不再执行|同时失效|予以废止|宣布失效")
_AMENDED_BY = re.compile(r"\s*(?:第[一二三四五六七八九十]+次)?(?:修正|修订|修改)")
_ALIAS = re.compile(
    r"[（(]以下?简称[“\"「]?([^”\"」）)]{2,20})[”\"」]?[）)]|[（(]简称[“\"「]([^”\"」]{2,20})[”\"」][）)]"
)


_GENERIC_TITLES = {
    "办法",
    "方案",
    "意见",
    "通知",
    "条例",
    "规定",
    "决定",
    "措施",
    "细则",
    "政策",
    "规划",
    "实施意见",
    "若干措施",
    "若干政策",
    "实施细则",
    "行动方案",
    "实施方案",
    "解读",
}


def find_relations(ex: Extracted, paragraphs: list[str]) -> None:
    own = {ex.title}
    own_number = ex.doc_number
    seen: set[tuple[str, str | None, str | None]] = set()
    # an interpretation (解读) interprets the policy its title names
    subject_m = _TITLE_REF.search(ex.title) if ex.kind == "interpretation" else None
    subject = subject_m.group(1) if subject_m else None

    def add(rel: Relation) -> None:
        if rel.title and (len(rel.title) <= 3 or rel.title in _GENERIC_TITLES):
            return  # 《办法》: the text's own short name for a document it already named
        if subject and rel.title == subject:
            rel = Relation("interprets", rel.doc_number, rel.title, rel.evidence)
        key = (rel.type, rel.doc_number, rel.title)
        if (rel.doc_number and rel.doc_number == own_number) or (
            rel.title in own and not rel.doc_number
        ):
            return
        if key not in seen and not any(k[1] == rel.doc_number and rel.doc_number for k in seen):
            seen.add(key)
            ex.relations.append(rel)

    news = ex.kind in ("news", "interpretation")
    for para in paragraphs:
        for sent in sentences(para):
            repeal = bool(_REPEAL.search(sent)) and not news
            titled: set[str] = set()
            for m in _TITLE_REF.finditer(sent):
                title, number = m.group(1), m.group(2)
                parsed = DocNumber.try_parse(number) if number else None
                if parsed:
                    titled.add(str(parsed))
                alias_m = _ALIAS.match(sent[m.end() :])
                if news:
                    add(Relation("mentions", str(parsed) if parsed else None, title, sent))
                    if alias_m:
                        alias = alias_m.group(1) or alias_m.group(2)
                        ex.relations[-1:] = [
                            r
                            if r.title != title
                            else Relation(
                                r.type, r.doc_number, r.title, r.evidence, None, None, (), alias
                            )
                            for r in ex.relations[-1:]
                        ]
                else:
                    # "根据《关于修改…的决定》修正的《X》同时废止": the amending decision is
                    # cited, only X is repealed
                    amending = bool(_AMENDED_BY.match(sent[m.end() :]))
                    add(
                        Relation(
                            "supersedes" if repeal and not amending else "cites",
                            str(parsed) if parsed else None,
                            title,
                            sent,
                        )
                    )
            for m in DOC_NUMBER_IN_TEXT.finditer(sent):
                parsed = DocNumber.try_parse(m.group(0))
                if parsed and str(parsed) not in titled:
                    add(
                        Relation(
                            "supersedes" if repeal else ("mentions" if news else "cites"),
                            str(parsed),
                            None,
                            sent,
                        )
                    )
    if subject and not any(r.type == "interprets" for r in ex.relations):
        ex.relations.insert(0, Relation("interprets", None, subject, ex.title_evidence))


# --- structure ---------------------------------------------------------------------------

_CAPTION = re.compile(r"【[^【】]{1,20}】")
_DEPT = re.compile(r"^[（(](?:责任部门|责任单位|牵头部门|牵头单位)[：:]")


def build_blocks(
    notice: list[str], body: list[str], news: bool, headings: frozenset[str] = frozenset()
) -> list[Block]:
    """Blocks for the canonical body: notice quote, headings by numbering, paragraphs;
    `headings` are lines the source file marks as headings (a Word heading style)."""
    blocks = [Block("quote", line) for line in notice]
    stack: list[str] = []  # numbering styles of the open headings, outermost first
    fixed = {"part": 0, "chapter": 1, "section": 2}
    for line in body:
        if TABLE_ROW.match(line):
            if blocks and blocks[-1].kind == "table":
                blocks[-1] = Block("table", blocks[-1].text + "\n" + line)
            else:
                blocks.append(Block("table", line))
            continue
        label = match_label(line)
        heading = False
        if label is not None:
            heading = label.style in ("part", "chapter", "section", "article") or (
                _is_title_like(label.rest or "", 40) and len(line) <= 40
            )
        elif news and _is_title_like(line, 24) and not re.search(r"[，。；：]", line):
            blocks.append(Block("heading", line, 2))
            continue
        elif _CAPTION.fullmatch(line) or (line in headings and len(line) <= 40):
            # a 【支持对象】-style caption line heads the text below it, one level down
            blocks.append(Block("heading", line, min(2 + len(stack), 6)))
            continue
        if not heading or label is None:
            blocks.append(Block("para", line))
            continue
        style = label.style
        if style in fixed:
            while stack and (stack[-1] not in fixed or fixed[stack[-1]] >= fixed[style]):
                stack.pop()
            stack.append(style)
        elif style in stack:
            del stack[stack.index(style) + 1 :]
        else:
            stack.append(style)
        level = min(1 + len(stack), 6)
        if style == "article":
            blocks.append(Block("heading", label.text, level))
            if label.rest.strip():
                blocks.append(Block("para", label.rest.strip()))
        else:
            blocks.append(Block("heading", line, level))
    return blocks


def evidence_of(ex: Extracted) -> list[tuple[str, FieldEvidence]]:
    out: list[tuple[str, FieldEvidence]] = [
        ("title", FieldEvidence(cast(Basis, ex.title_basis), ex.title_evidence))
    ]
    if ex.doc_number:
        out.append(("doc_number", FieldEvidence("stated", ex.doc_number_evidence)))
    out.append(
        (
            "issuer",
            FieldEvidence(
                cast(Basis, ex.issuer_basis if ex.issuer else "unknown"), ex.issuer_evidence
            ),
        )
    )
    if ex.jurisdiction:
        out.append(("jurisdiction", FieldEvidence("inferred", ex.jurisdiction_evidence)))
    out.append(
        ("kind", FieldEvidence("inferred" if ex.kind_evidence else "unknown", ex.kind_evidence))
    )
    return out
