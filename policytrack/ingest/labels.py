"""Label blocks: the 信息公开 tables and database attribute lists that pages print above a
document (索引号 | 发文字号 | 成文日期 …, 【标题】…, 发文文号: …), read as (label, value) pairs.

One vocabulary for every source of labels: text lines here, HTML tables in `webpage`.
A label block is page metadata, kept as evidence beside the document, never body text.
Which label is trusted for what is decided where the fields are read (`fields`), because
the same label means different things on different sites (发布机构 is often the reposting
department, 发布时间 often the reposting site's clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policytrack.chinese import CJK

# label as printed (Simplified, no spaces) → the field it speaks about
LABEL_FIELDS: dict[str, str] = {
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "发文标题": "title",
    "法规名称": "title",
    "法规标题": "title",
    "文件标题": "title",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发文文号": "doc_number",
    "发文号": "doc_number",
    "发布文号": "doc_number",
    "文件编号": "doc_number",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发文部门": "issuer",
    "颁布单位": "issuer",
    "颁布机关": "issuer",
    "制定机关": "issuer",
    "发布机关": "issuer",
    "发文机构": "publisher",
    "发布机构": "publisher",
    "发布单位": "publisher",
    "成文日期": "issued",
    "成文时间": "issued",
    "发文日期": "issued",
    "发文时间": "issued",
    "签发日期": "issued",
    "签发时间": "issued",
    "颁布时间": "issued",
    "颁布日期": "issued",
    "印发日期": "issued",
    "发布日期": "published",
    "公布日期": "published",
    "公开日期": "published",
    "发布时间": "posted",
    "公开时间": "posted",
    "发稿时间": "posted",
    "更新时间": "posted",
    "更新": "posted",
    "时间": "posted",
    "生效日期": "effective",
    "生效时间": "effective",
    "实施日期": "effective",
    "实施时间": "effective",
    "施行日期": "effective",
    "施行时间": "effective",
    "失效日期": "expires",
    "失效时间": "expires",
    "废止日期": "expires",
    "废止时间": "expires",
    "有效期至": "expires",
    "有效性": "validity",
    "时效性": "validity",
    "是否有效": "validity",
    "效力状态": "validity",
    "效力级别": "rank",
    "效力等级": "rank",
    "索引号": "index",
    "主题分类": "topic",
    "主题词": "topic",
    "信息分类": "topic",
    "体裁分类": "kind",
    "公文种类": "kind",
    "文种": "kind",
    "法规类型": "topic",
    "所属行业": "topic",
    "所属区域": "topic",
    "来源": "source",
    "信息来源": "source",
    "文章来源": "source",
    "法规来源": "source",
    "作者": "author",
    "浏览次数": "views",
    "访问次数": "views",
    "阅读人次": "views",
    "人气": "views",
    "内容概述": "summary",
    "法宝引证码": "index",
}

_VOCAB = sorted(LABEL_FIELDS, key=len, reverse=True)
# a label may be printed with spaces between its characters: 标 题, 索 引 号
_SPACED = "|".join("\\s*".join(map(re.escape, label)) for label in _VOCAB)
_NAME = rf"(?:{_SPACED})"
# 【标题】 [ 索引号 ] 标题: 标 题： (the label and how it is marked)
_BRACKETED = re.compile(rf"[【\[［]\s*({_NAME})\s*[】\]］]\s*[:：]?")
_COLONED = re.compile(rf"({_NAME})\s*[:：∶]")
_BULLET = re.compile(r"^(?:[-•·*]|\d{1,2}\s*[.、．])\s*")
_DATE_VALUE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


@dataclass(frozen=True)
class LabelPair:
    """One label and its value as printed (value "" when the page left it empty)."""

    label: str  # normalised: Simplified, no spaces
    value: str
    field: str
    line: str  # the line it was read from (evidence)
    index: int = -1  # the line's position among the page's lines


def field_of(label: str) -> str | None:
    """The field a label (as printed, spaces allowed) speaks about."""
    return LABEL_FIELDS.get(re.sub(r"\s+", "", label))


def _norm(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _pairs_from_cells(cells: list[str], line: str) -> list[LabelPair] | None:
    """A pipe table row: label cells each followed by their value cell (or another label)."""
    out: list[LabelPair] = []
    i = 0
    cells = [c.strip() for c in cells]
    while i < len(cells):
        cell = cells[i]
        if not cell:
            i += 1
            continue
        m = _BRACKETED.fullmatch(cell) or re.fullmatch(rf"({_NAME})\s*[:：∶]?", cell)
        if not m:
            m2 = _COLONED.match(cell)
            if m2 and m2.start() == 0:  # 标签:值 inside one cell
                label = _norm(m2.group(1))
                out.append(LabelPair(label, cell[m2.end() :].strip(), LABEL_FIELDS[label], line))
                i += 1
                continue
            return None  # a cell that is neither a label nor a label's value
        label = _norm(m.group(1))
        value = ""
        if i + 1 < len(cells):
            nxt = cells[i + 1]
            is_label = bool(_BRACKETED.fullmatch(nxt) or re.fullmatch(rf"({_NAME})\s*[:：∶]?", nxt))
            if not is_label:
                value = nxt
                i += 1
        out.append(LabelPair(label, value, LABEL_FIELDS[label], line))
        i += 1
    return out or None


def _inline_pairs(text: str, line: str) -> list[LabelPair] | None:
    """标签:值 标签:值 … or 【标签】值【标签】值 … on one line; None unless the line is
    essentially made of them (a short status word such as 全文有效 may come first)."""
    marks = [(m.start(), m.end(), _norm(m.group(1))) for m in _BRACKETED.finditer(text)]
    if not marks:
        marks = [(m.start(), m.end(), _norm(m.group(1))) for m in _COLONED.finditer(text)]
    if not marks:
        return None
    lead = text[: marks[0][0]].strip(" •·|-")
    if len(lead) > 6 or re.search(r"[。；，,]", lead):
        return None
    out = []
    for k, (_, end, label) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        value = text[end:stop].strip(" \t|•·")
        out.append(LabelPair(label, value, LABEL_FIELDS[label], line))
    return out


_GLUED = re.compile(rf"^({_NAME})\s*(.*)$")
_SPACED_LABEL = re.compile(rf"(?:^|\s)({_NAME})(?=\s|$)")


def _spaced_pairs(text: str, line: str) -> list[LabelPair] | None:
    """索 引 号 czj33/2022-00075 发布机构 临沧市财政局 公开日期 2022-04-08: labels and
    values separated by spaces only; at least two labels, the first at the start."""
    marks = [(m.start(1), m.end(1), _norm(m.group(1))) for m in _SPACED_LABEL.finditer(text)]
    if len(marks) < 2 or marks[0][0] != 0 or len(text) > 160:
        return None
    out = []
    for k, (_, end, label) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        out.append(LabelPair(label, text[end:stop].strip(), LABEL_FIELDS[label], line))
    return out


def _glued_pair(text: str, line: str) -> LabelPair | None:
    """发布日期2024-12-10, 发布文号 环监测〔2021〕99号: a short line that starts with a label
    whose value follows without a colon; only when the value has the field's shape."""
    m = _GLUED.match(text)
    if not m or len(text) > 60:
        return None
    label, value = _norm(m.group(1)), m.group(2).strip()
    field = LABEL_FIELDS[label]
    if not value:
        return LabelPair(label, "", field, line)
    if field in ("issued", "published", "posted", "effective", "expires"):
        return LabelPair(label, value, field, line) if _DATE_VALUE.match(value) else None
    if field in ("validity",) and len(value) <= 6:
        return LabelPair(label, value, field, line)
    if field in ("doc_number", "index") and re.search(r"\d", value) and len(value) <= 40:
        return LabelPair(label, value, field, line)
    if field in ("publisher", "issuer", "source") and re.fullmatch(rf"[{CJK}、 ]{{2,40}}", value):
        return LabelPair(label, value, field, line)
    return None


def fits(field: str, value: str) -> bool:
    """A value of the shape the field takes (a 浏览次数 label never takes an organ name)."""
    value = value.strip()
    if field in ("issued", "published", "posted", "effective", "expires"):
        return bool(_DATE_VALUE.match(value))
    if field == "views":
        return bool(re.fullmatch(r"\d*", value))
    if field in ("validity", "kind", "rank"):
        return len(value) <= 12
    if field in ("doc_number", "index"):
        return bool(re.search(r"\d", value)) and len(value) <= 60
    return len(value) <= 120


def read_label_line(line: str) -> list[LabelPair] | None:
    """The label pairs a line consists of, or None when it is not a label line."""
    text = _BULLET.sub("", line.strip())
    if not text:
        return None
    if "|" in text:
        cells = [c for c in text.split("|")]
        pairs = _pairs_from_cells(cells, line)
        if pairs:
            return pairs
    pairs = _inline_pairs(text, line)
    if pairs:
        return pairs
    spaced = _spaced_pairs(text, line)
    if spaced:
        return spaced
    glued = _glued_pair(text, line)
    return [glued] if glued else None


def is_bare_label(line: str) -> str | None:
    """The label of a line that holds only a label (its value is on the next line)."""
    text = _BULLET.sub("", line.strip())
    m = _BRACKETED.fullmatch(text) or re.fullmatch(rf"({_NAME})\s*[:：∶]?", text)
    return _norm(m.group(1)) if m else None


@dataclass
class LabelBlock:
    """The label pairs a text carries and the lines they came from."""

    pairs: list[LabelPair]
    used: set[int]  # indexes of the lines that were labels or their values

    def first(self, field: str) -> LabelPair | None:
        """The first pair of this field that has a value."""
        return next((p for p in self.pairs if p.field == field and p.value), None)

    def has(self, *fields: str) -> bool:
        return any(p.field in fields for p in self.pairs)


def read_labels(lines: list[str]) -> LabelBlock:
    """Every label pair in the lines: one-line pairs, pipe tables and bare labels whose
    value is the next line."""
    block = LabelBlock([], set())
    i = 0
    while i < len(lines):
        line = lines[i]
        if len(line) > 200:
            i += 1
            continue
        bare = is_bare_label(line)
        if bare is not None and "|" not in line:
            value = ""
            if i + 1 < len(lines) and not is_bare_label(lines[i + 1]):
                nxt = lines[i + 1].strip()
                if read_label_line(nxt) is None and fits(LABEL_FIELDS[bare], _BULLET.sub("", nxt)):
                    value = _BULLET.sub("", nxt).strip()
                    block.used.add(i + 1)
            block.pairs.append(LabelPair(bare, value, LABEL_FIELDS[bare], line, i))
            block.used.add(i)
            i += 2 if value else 1
            continue
        pairs = read_label_line(line)
        if pairs:
            block.pairs.extend(LabelPair(p.label, p.value, p.field, p.line, i) for p in pairs)
            block.used.add(i)
        i += 1
    return block
