"""The document's issuers (发文机关), in the order written: its signature block (joint
issuers over the 成文日期), else the organs its title names before 关于, an order's heading
(生态环境部令), a masthead (…文件), its 令/公告 number, an organ line over the title, a title
that begins with its issuer (镇巴县人民政府工作规则), an adoption note, the organs a news report
says issued it; a 解读's stated author; a page's 发文机关 label last. A reposting site and a
date are never an issuer.
"""

from __future__ import annotations

import re

from policytrack.model import ISSUER_SEP, DocNumber

from .clean import Cleaned
from .extract import Extracted
from .header import _MASTHEAD, ORG_RE, find_addressee, is_org_line, split_orgs
from .signatures import adopted_by, normalise_org, prose_issuers, signatures
from .titles import Layout

# organs, the line (or title) naming them, and the basis (stated, or inferred for a 解读's author)
Found = tuple[list[str], str, str]

# a title that begins with its issuer without 关于: 镇巴县人民政府工作规则
_TITLE_ORG = re.compile(
    r"^([\u4e00-\u9fff]{2,24}(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|"
    r"行政公署|管理委员会|税务局|总局))(?=[\u4e00-\u9fff])"
)


def _same_organ(a: str, b: str) -> bool:
    """国家市场监管总局办公厅 ~ 国家市场监督管理总局办公厅, 云南省科技厅 ~ 云南省科学技术厅."""
    if a == b:
        return True
    ta, tb = a[-2:], b[-2:]
    if ta != tb and a[-1] != b[-1]:
        return False
    shorter, longer = sorted((a, b), key=len)
    it = iter(longer)
    return all(ch in it for ch in shorter)


def _title_orgs(title: str) -> list[str]:
    m = re.match(r"^(.{2,80}?)\s*关于", title)
    if not m:
        return []
    orgs = split_orgs(m.group(1))
    joined = "".join(orgs)
    return orgs if joined == re.sub(r"[\s、，,]", "", m.group(1)) else []


def read_issuer(lines: list[str], layout: Layout, cleaned: Cleaned, ex: Extracted) -> None:
    """Sets ex.issuer from the first rule (in the module's order) that names organs."""
    addressee = find_addressee(lines)
    start = addressee if addressee is not None else (layout.title.last if layout.title else 0)
    title_text = layout.title.text if layout.title is not None else (ex.title or "")
    found = (
        _signed_or_titled(lines, start, title_text, ex)
        or _heading_organ(lines, start)
        or _number_organs(ex)
        or _organ_line_above(lines, layout, title_text)
        or _title_prefix(title_text)
        or _adopting_organ(lines)
        or _named_in_prose(lines, title_text, cleaned)
        or _issuer_label(cleaned)
    )
    if found is not None:
        orgs, evidence, basis = found
        orgs = [normalise_org(o) for o in orgs]
        ex.issuer, ex.issuer_basis, ex.issuer_evidence = ISSUER_SEP.join(orgs), basis, evidence


def _signed_or_titled(lines: list[str], start: int, title_text: str, ex: Extracted) -> Found | None:
    """The signature's organs (spelled as the title spells them when it names as many), else
    the organs the title names before 关于."""
    sig = next((s for s in signatures(lines) if s.last >= start and s.orgs), None)
    by_title = _title_orgs(title_text) or _title_orgs(ex.title or "")
    if sig is not None:
        orgs = list(sig.orgs)
        if by_title and len(by_title) == len(orgs):
            orgs = [
                t if _same_organ(t, s) and len(t) > len(s) and not t.endswith(s) else s
                for t, s in zip(by_title, orgs, strict=True)
            ]
        return orgs, sig.evidence, "stated"
    if by_title:
        return by_title, title_text, "stated"
    return None


def _heading_organ(lines: list[str], start: int) -> Found | None:
    """An order's heading (中华人民共和国生态环境部令) or a masthead (…人民政府文件)."""
    for line in lines[: max(start, 1) + 2]:
        m = re.match(r"^(?:中华人民共和国)?(.{2,30}?)令$", line.strip())
        if m and ORG_RE.match(m.group(1)):
            return [m.group(1)], line, "stated"
        m = _MASTHEAD.match(line.strip())
        if m and ORG_RE.match(line.strip()[:-2].strip()):
            return [line.strip()[:-2].strip()], line, "stated"
    return None


def _number_organs(ex: Extracted) -> Found | None:
    """国务院令第707号 → 国务院; 财政部 税务总局公告2023年第59号 → 财政部, 税务总局."""
    if not ex.doc_number:
        return None
    number = DocNumber.try_parse(ex.doc_number)
    if number and number.style in ("order", "announcement"):
        code = re.sub(r"(?:令|[公通]告)$", "", number.prefix).strip()
        named = split_orgs(code)
        if named and "".join(named) == re.sub(r"\s", "", code):
            return named, ex.doc_number_evidence, "stated"
    return None


def _organ_line_above(lines: list[str], layout: Layout, title_text: str) -> Found | None:
    """An organ line over the title (济宁市人民政府 / 关于…), not the title's own first line."""
    if layout.title is None:
        return None
    for line in lines[: layout.title.first + 4]:
        if is_org_line(line) and len(split_orgs(line)) >= 1 and line.strip() not in title_text:
            return split_orgs(line), line, "stated"
        if is_org_line(line) and title_text.startswith(line.strip()):
            break
    return None


def _title_prefix(title_text: str) -> Found | None:
    """A title that begins with its issuer, without 关于: 镇巴县人民政府工作规则."""
    if not title_text:
        return None
    m = _TITLE_ORG.match(title_text)
    if m and not title_text[m.end() :].startswith("关于"):
        return [m.group(1)], title_text, "stated"
    return None


def _adopting_organ(lines: list[str]) -> Found | None:
    adopted = adopted_by(lines)
    return ([adopted[0]], adopted[2], "stated") if adopted else None


def _named_in_prose(lines: list[str], title_text: str, cleaned: Cleaned) -> Found | None:
    """The organs a report or promulgation note says issued it; for a 解读, the organ its
    page names as author or source (inferred: the 解读 is its work)."""
    if not re.search(r"解读|答记者问", title_text or ""):
        prose = prose_issuers(lines)
        return (prose[0], prose[1], "stated") if prose else None
    for fname in ("author", "source"):
        pair = cleaned.labels.first(fname)
        named = split_orgs(pair.value.split()[0]) if pair and pair.value else []
        if pair and len(named) == 1:
            return named, pair.line, "inferred"
    return None


def _issuer_label(cleaned: Cleaned) -> Found | None:
    """A page's 发文机关 / 发布机构 label naming organs only."""
    for fname in ("issuer", "publisher"):
        pair = cleaned.labels.first(fname)
        if pair and all(ORG_RE.match(o) for o in split_orgs(pair.value) or ["x"]):
            orgs = split_orgs(pair.value)
            if orgs:
                return orgs, pair.line, "stated"
    return None
