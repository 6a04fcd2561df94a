"""Clean lines → metadata candidates with evidence → blocks of body structure.

Each rule is a small named function over the lines or paragraphs of one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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
    sentences,
)

_PLACE = re.compile(
    rf"^([{CJK}]{{2,16}}?(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|开发区|新区|自贸区|试验区|"
    r"自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州))"
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
    own_titles: list[str] = field(default_factory=list)  # the cover's and the policy's titles

    def related_supersedes(self) -> list[Relation]:
        return [r for r in self.relations if r.type == "supersedes"]


CONFLICT = "disagrees:"  # marks, in a field's evidence, what a page label said instead


def note_conflict(ex: Extracted, name: str, other: str, where: str) -> None:
    """The text and a page label state different values: the text's is kept, and both are
    recorded (a warning now, the label's value in the field's evidence for `check`)."""
    if name in ("issued", "published", "effective", "expires"):
        fact: DatedFact = getattr(ex, name)
        kept, evidence = str(fact.value), fact.evidence
        setattr(ex, name, replace(fact, rule=f"{fact.rule}; {CONFLICT} {where} gives {other}"))
    else:
        kept, evidence = str(getattr(ex, name)), getattr(ex, f"{name}_evidence")
        setattr(ex, f"{name}_evidence", f"{evidence}; {CONFLICT} {where} gives {other}")
    ex.warnings.append(
        f"{name}: {where} gives {other} but the text says {kept} (“{evidence.strip()[:60]}”); "
        f"kept the text's (override with --set {name}=…)"
    )


def _is_title_like(line: str, max_len: int = 60) -> bool:
    return (
        len(line) <= max_len
        and not line.endswith(("。", "；", "，", "：", ":"))
        and "。" not in line
        and match_label(line) is None
        and DATE_RE.fullmatch(line) is None
        and DocNumber.try_parse(line) is None
    )


_NATIONAL = re.compile(
    r"^(?:中共中央|国务院|全国人民代表大会|全国|国家|中华人民共和国|最高人民法院|最高人民检察院|"
    r"(?:[\u4e00-\u9fff]{1,10}?(?:部|总局|总署|银行|委员会)(?:办公厅)?)$)"
)


def _central(organ: str) -> bool:
    """国务院办公厅, 工业和信息化部, 国家发展改革委, 国家市场监督管理总局: nationwide organs
    (a central organ's local branch, 国家税务总局安徽省税务局, is not)."""
    if re.match(r"^国家税务总局.{2,8}(?:省|市|自治区)", organ):
        return False
    if re.match(r"^(?:国家|国务院|中共中央|全国|中华人民共和国|最高人民)", organ):
        return True
    return bool(_NATIONAL.match(organ)) and not _PLACE.match(organ)


def find_jurisdiction(ex: Extracted, body: list[str]) -> None:
    organs = [o for o in (ex.issuer or "").split("、") if o]
    if organs and all(_central(o) for o in organs):
        # central bodies (国务院办公厅, 工业和信息化部, 国家发展改革委) act nationwide
        ex.jurisdiction, ex.jurisdiction_evidence = "全国", ex.issuer_evidence
        return
    candidates: list[tuple[str, str]] = []
    if ex.issuer:
        # a central organ's local branch: 国家税务总局安徽省税务局 works in 安徽省
        branch = re.sub(
            r"^(?:国家税务总局|中国人民银行|国家金融监督管理总局|海关总署|中共)", "", ex.issuer
        )
        candidates.append((branch, ex.issuer_evidence))
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
    # a byline or dateline at the top: 中经记者 王登海 西安报道, 新华社北京11月14日电
    byline = re.search(
        r"记者[^。，\n]{0,12}(?:报道|摄)|(?:新华社|本报|中新网|人民网|央视网?|[\u4e00-\u9fff]{2,6}网)"
        r"[^。，\n]{0,12}\d{1,2}月\d{1,2}日电|本报讯|日电[（(]记者",
        "\n".join(lines[:6]),
    )
    if ex.doc_number is None and (news > max(3, policy) or (byline and news >= policy)):
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


# --- relations ---------------------------------------------------------------------------

_TITLE_REF = re.compile(r"《([^《》]{2,80})》(?:\s*[（(]([^（）()]{4,30}?号)[）)])?")
_REPEAL = re.compile(
    r"同时废止|停止执行|不再执行|同时失效|予以废止|宣布失效|起(?:废止|失效)|即行废止"
)
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


_CLAUSE_END = "，,；;。：:"
_LIST_ONLY = re.compile(
    rf"《[^《》]*》|[（(][^（）()]*[）)]|{DOC_NUMBER_IN_TEXT.pattern}|原|和|及|以及|与|、|等|文件|\s"
)
_BULK = re.compile(
    r"(\d+|[一二三四五六七八九十百千]+)\s*(?:件|部|项|个)[^，。；、《》]{0,16}?(?:文件|行政法规|法规|规章|规范性文件)"
)
_BULK_REPEAL = re.compile(r"废止(?:了)?\s*(" + _BULK.pattern + ")")


def repeal_scope(sent: str) -> list[tuple[int, int]]:
    """The parts of a sentence a repeal verb governs: its own clause and the clauses right
    before it that only list documents (《A》（N1）、《B》（N2），自…起同时废止). A title cited
    in an earlier clause as the basis (依据《某某法》…，同时废止相关旧规) is not repealed."""
    spans = []
    for m in _REPEAL.finditer(sent):
        if sent[: m.start()].count("《") > sent[: m.start()].count("》"):
            continue  # inside a title: 《关于宣布失效一批国务院文件的决定》
        start = max(sent.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
        while start > 0:
            prev_start = max(sent.rfind(c, 0, start - 1) for c in _CLAUSE_END) + 1
            if _LIST_ONLY.sub("", sent[prev_start : start - 1]):
                break
            start = prev_start
        spans.append((start, m.end()))
    return spans


def _bulk_repeal(ex: Extracted, paragraphs: list[str]) -> Relation | None:
    """宣布失效/废止 of a counted set of documents (489件国务院文件, 10部行政法规), named by
    the annex that lists them when there is one."""
    for para in paragraphs:
        m = re.match(r"^附件\s*\d*\s*[:：]\s*(.*(?:失效|废止).*(?:目录|清单|名录).*)$", para)
        if m:
            return Relation("supersedes", None, m.group(1).strip(), para)
    for para in paragraphs:
        if "废止" not in para and "失效" not in para and "执行" not in para:
            continue  # no repeal verb in the paragraph: nothing to split
        for sent in sentences(para):
            for a, b in repeal_scope(sent):
                m = _BULK.search(sent[a:b])
                if m:
                    return Relation("supersedes", None, m.group(0), sent)
            m = _BULK_REPEAL.search(sent)
            if m:
                return Relation("supersedes", None, m.group(1), sent)
    return None


def find_relations(ex: Extracted, paragraphs: list[str]) -> None:
    """The documents the text relates to, sentence by sentence: those a repeal clause
    governs are superseded, the others cited (mentioned, in a news item or 解读); then a
    repeal stated only as a count, and the policy a 解读's title names (interprets)."""
    # an interpretation (解读) interprets the policy its title names
    subject_m = _TITLE_REF.search(ex.title) if ex.kind == "interpretation" else None
    found = _Found(ex, subject_m.group(1) if subject_m else None)
    for para in paragraphs:
        if "《" not in para and "号" not in para:
            continue  # no title and no number: nothing to relate (most of a law's articles)
        may_repeal = ex.kind != "interpretation" and bool(_REPEAL.search(para))
        for sent in sentences(para):
            _sentence_relations(sent, repeal_scope(sent) if may_repeal else [], found)
    if not ex.related_supersedes():
        bulk = _bulk_repeal(ex, paragraphs)
        if bulk is not None:
            ex.relations.append(bulk)
    if found.subject and not any(r.type == "interprets" for r in ex.relations):
        ex.relations.insert(0, Relation("interprets", None, found.subject, ex.title_evidence))


@dataclass
class _Found:
    """The relations of one document as they are found: the text's short names, references
    to itself and repeats left out; the policy a 解读 names becomes `interprets`."""

    ex: Extracted
    subject: str | None
    seen: set[tuple[str, str | None, str | None]] = field(default_factory=set)
    own_keys: set[str] = field(init=False)  # its own titles, squashed
    news: bool = field(init=False)  # a news item or 解读: what it names is mentioned

    def __post_init__(self) -> None:
        from .header import squash

        self.own_keys = {squash(t) for t in {self.ex.title, *self.ex.own_titles} if t}
        self.news = self.ex.kind in ("news", "interpretation")

    def add(self, rel: Relation) -> None:
        from .header import squash

        if rel.title and (len(rel.title) <= 3 or rel.title in _GENERIC_TITLES):
            return  # 《办法》: the text's own short name for a document it already named
        if self.subject and rel.title == self.subject:
            rel = Relation("interprets", rel.doc_number, rel.title, rel.evidence)
        key = (rel.type, rel.doc_number, rel.title)
        self_ref = (rel.doc_number and rel.doc_number == self.ex.doc_number) or (
            rel.title and squash(rel.title) in self.own_keys and not rel.doc_number
        )
        if self_ref and not (self.news and rel.type == "mentions"):
            return  # a report does mention the document whose title it carries
        if key not in self.seen and not any(
            k[1] == rel.doc_number and rel.doc_number for k in self.seen
        ):
            self.seen.add(key)
            self.ex.relations.append(rel)

    def name_last(self, title: str, alias: str) -> None:
        """The short name (以下简称《…》) a report gives the document it just mentioned."""
        self.ex.relations[-1:] = [
            r
            if r.title != title
            else Relation(r.type, r.doc_number, r.title, r.evidence, None, None, (), alias)
            for r in self.ex.relations[-1:]
        ]


def _sentence_relations(sent: str, scope: list[tuple[int, int]], found: _Found) -> None:
    """The titles (《…》 with or without a number) and bare numbers one sentence names; those
    inside its repeal clause's scope are superseded."""

    def repealed(at: int) -> bool:
        return any(a <= at < b for a, b in scope)

    titled: set[str] = set()
    for m in _TITLE_REF.finditer(sent):
        repeal = repealed(m.start())
        title, number = m.group(1), m.group(2)
        parsed = DocNumber.try_parse(number) if number else None
        if parsed:
            titled.add(str(parsed))
        alias_m = _ALIAS.match(sent[m.end() :])
        if found.news and not repeal:
            found.add(Relation("mentions", str(parsed) if parsed else None, title, sent))
            if alias_m:
                found.name_last(title, alias_m.group(1) or alias_m.group(2))
        else:
            # "根据《关于修改…的决定》修正的《X》同时废止": the amending decision is
            # cited, only X is repealed
            amending = bool(_AMENDED_BY.match(sent[m.end() :]))
            found.add(
                Relation(
                    "supersedes" if repeal and not amending else "cites",
                    str(parsed) if parsed else None,
                    title,
                    sent,
                )
            )
    for m in DOC_NUMBER_IN_TEXT.finditer(sent):
        repeal = repealed(m.start())
        parsed = DocNumber.try_parse(m.group(0))
        if parsed and str(parsed) not in titled:
            found.add(
                Relation(
                    "supersedes" if repeal else ("mentions" if found.news else "cites"),
                    str(parsed),
                    None,
                    sent,
                )
            )


# --- structure ---------------------------------------------------------------------------

_CAPTION = re.compile(r"【[^【】]{1,20}】")


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
