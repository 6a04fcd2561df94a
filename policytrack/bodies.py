"""Issuing bodies as 北大法宝 shows them: one name per body, whether a body acts nationwide,
and the 效力级别 (rank of legal force) a document's issuer, title and doc number show.

Nothing here is stated by a document: the site marks every value from this module 推断
(inferred) and shows the evidence it was inferred from. The table of names and the rules
are documented in docs/site.md ("Issuers and 效力级别").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# other names of one body → the name it is listed under (the name itself, after the rules
# of `canonical_body`, must be the key)
BODY_NAMES: dict[str, str] = {
    "全国人大常委会": "全国人民代表大会常务委员会",
    "全国人大": "全国人民代表大会",
    "最高人民法院审判委员会": "最高人民法院",
    "最高人民检察院检察委员会": "最高人民检察院",
    "国家发展改革委": "国家发展和改革委员会",
    "国家发改委": "国家发展和改革委员会",
    "发展改革委": "国家发展和改革委员会",
    "税务总局": "国家税务总局",
    "市场监管总局": "国家市场监督管理总局",
    "人力资源社会保障部": "人力资源和社会保障部",
    "工信部": "工业和信息化部",
    "住房城乡建设部": "住房和城乡建设部",
    "教育部办公厅": "教育部办公厅",
    "人民银行": "中国人民银行",
    "央行": "中国人民银行",
    "银保监会": "中国银行保险监督管理委员会",
    "证监会": "中国证券监督管理委员会",
}

_TERM = re.compile(r"第[一二三四五六七八九十百零〇\d]+届")  # 第十五届: a term, not another body
_PRC = "中华人民共和国"
_SEP = "、"


def canonical_body(name: str) -> str:
    """The name one body is listed under: without its term (北京市第十五届人民代表大会常务委员会
    → 北京市人民代表大会常务委员会), without 中华人民共和国 before a national organ
    (中华人民共和国国务院 → 国务院), and through BODY_NAMES (全国人大常委会 → 全国人民代表大会常务委员会)."""
    body = _TERM.sub("", name.strip())
    if body.startswith(_PRC) and len(body) > len(_PRC) and body != f"{_PRC}主席":
        body = body[len(_PRC) :]
    return BODY_NAMES.get(body, body)


def bodies(issuer: str | None) -> tuple[str, ...]:
    """The bodies of an issuer field (joint issuers are joined by 、), each by its
    canonical name, in the order written, without repeats."""
    out: list[str] = []
    for organ in (issuer or "").split(_SEP):
        if organ.strip():
            body = canonical_body(organ)
            if body not in out:
                out.append(body)
    return tuple(out)


_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,9}?(?:省|自治区|市|县|区|州|盟|旗)")
_NATIONAL_START = re.compile(
    r"^(?:国务院|全国人民代表大会|最高人民法院|最高人民检察院|中共中央|中央|国家|中国人民银行|海关总署|"
    r"中国(?:银行保险|证券|银行业|保险)监督管理委员会)"
)
_BRANCH = re.compile(r"(?:总局|银行|总署)[\u4e00-\u9fff]{2,9}?(?:省|自治区|市|县)")
_MINISTRY = re.compile(r"(?:部|总局|总署|委员会|银行)(?:办公厅|办公室)?$")


def is_national(body: str) -> bool:
    """A central organ, acting nationwide: 国务院, 全国人民代表大会常务委员会, 财政部,
    国家市场监督管理总局 (not a central organ's local branch, 国家税务总局安徽省税务局, nor a
    place's own organ, 北京市科学技术委员会)."""
    if _NATIONAL_START.match(body):
        return not _BRANCH.search(body)
    return bool(_MINISTRY.search(body)) and not _PLACE.match(body)


@dataclass(frozen=True)
class Inferred:
    """A value inferred from a document's metadata, with what it was inferred from."""

    value: str
    evidence: str


def national_jurisdiction(issuer: str | None) -> Inferred | None:
    """全国 for a document every issuer of which is a central organ; None otherwise."""
    found = bodies(issuer)
    if found and all(is_national(b) for b in found):
        return Inferred("全国", f"发文机关为中央国家机关：{_SEP.join(found)}")
    return None


LEVELS = ("法律", "司法解释", "行政法规", "部门规章", "地方性法规", "地方政府规章", "规范性文件")

_LAW_TITLE = re.compile(r"法(?:（[^）]*）)?$")
_REGULATION_TITLE = re.compile(r"(?:条例|规定|办法|细则|规则|实施办法)(?:（[^）]*）)?$")
_LEGISLATURE = re.compile(r"人民代表大会(?:常务委员会)?$")
_LOCAL_GOVERNMENT = re.compile(r".{2,}(?:省|市|自治区|自治州|州|盟)人民政府$")
_INTERPRETATION = re.compile(r"解释|批复|规定|答复|决定")


def level_of(
    issuer: str | None, title: str | None, doc_number: str | None, kind: str
) -> Inferred | None:
    """The 效力级别 of a document, inferred from its issuer, title and doc number, with the
    evidence; None for news, interpretations and drafts (they have none) and when the
    issuer is not known."""
    if kind in ("news", "interpretation", "draft"):
        return None
    found = bodies(issuer)
    if not found:
        return None
    body = found[0]
    name = (title or "").removeprefix(_PRC)
    order = bool(doc_number and re.search(r"令", doc_number))
    said = [f"发文机关：{_SEP.join(found)}"]
    if title and not name.startswith("关于") and _REGULATION_TITLE.search(name):
        said.append(f"标题以“{_REGULATION_TITLE.search(name).group(0)}”结尾")  # type: ignore[union-attr]
    if order:
        said.append(f"文号为令：{doc_number}")
    evidence = "；".join(said)
    regulation = not name.startswith("关于") and bool(_REGULATION_TITLE.search(name))
    if body in ("全国人民代表大会", "全国人民代表大会常务委员会"):
        if _LAW_TITLE.search(name):
            return Inferred("法律", f"{evidence}；标题以“法”结尾")
        return Inferred("法律", evidence) if "决定" in name else None
    if body in ("最高人民法院", "最高人民检察院"):
        return Inferred("司法解释", evidence) if _INTERPRETATION.search(name) else None
    # a rule (规章) is made by order (令); a measure titled 办法 sent out under an
    # ordinary doc number (财税〔2019〕13号) is a 规范性文件
    rule = order or (regulation and not doc_number)
    if body == "国务院":
        return Inferred("行政法规" if rule else "规范性文件", evidence)
    if is_national(body):
        return Inferred("部门规章" if rule else "规范性文件", evidence)
    if _LEGISLATURE.search(body):
        return Inferred("地方性法规", evidence) if regulation or "决定" in name else None
    if _LOCAL_GOVERNMENT.match(body) and rule:
        return Inferred("地方政府规章", evidence)
    return Inferred("规范性文件", evidence)
