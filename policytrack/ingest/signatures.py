"""Signature blocks (issuer lines over the 成文日期, a signer such as 部长 黄润秋, a date the
scrape damaged) and the issuers a text names in prose: a news report's 财政部、税务总局
联合印发, a promulgation note's （…于…公布）, an adoption note's （…常务委员会第…次会议通过）.

Each reads the clean lines of one document with the line shapes of `header`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policytrack.chinese import CJK

from .dates import DATE_RE
from .header import _ORG, ORG_RE, is_date_line, is_month_line, is_org_line, line_date, split_orgs

# --- signatures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """Issuer lines over a date line (or a signer such as 部长 黄润秋 over it)."""

    first: int  # index of its first line
    last: int  # index of the date line
    orgs: tuple[str, ...]
    day: date | None
    evidence: str
    month_only: bool = False


_SIGNER = re.compile(
    rf"^(?:[{CJK}]{{0,20}}?)?(?:部\s*长|局\s*长|主\s*任|省\s*长|市\s*长|县\s*长|区\s*长|总\s*理|"
    rf"主\s*席|署\s*长|行\s*长)\s*[{CJK}\s]{{0,5}}$"
)


def signatures(lines: list[str]) -> list[Signature]:
    """Every signature block, in order."""
    out: list[Signature] = []
    for i, line in enumerate(lines):
        text = re.sub(r"[（(]此件[^）)]{2,8}[）)]$", "", line).strip()
        # a date the scrape damaged (年2月22日, 2022年1231, { 2017 6 23) still ends a signature
        month = is_month_line(text) or bool(
            re.fullmatch(r"年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?", text)
            or re.fullmatch(r"[{\s]*\d{4}\s*(?:年\s*\d{3,4}|\s\d{1,2}\s+\d{1,2})\s*日?", text)
        )
        if (
            not month
            and i > 0
            and is_org_line(text)
            and re.search(r"特此(?:通知|公告|通告)。?$", lines[i - 1])
            and not any(is_date_line(x) or is_org_line(x) for x in lines[i + 1 : i + 4])
        ):
            # 特此公告。/ 财政部 税务总局 — the date line lost: the signers still sign
            out.append(Signature(i, i, tuple(split_orgs(text)), None, line, True))
            continue
        glued = None
        if not (is_date_line(text) or month):
            # 迪庆州人民政府法制办公室 2016年12月1日: issuer and date on one line
            m = re.match(rf"^({_ORG}(?:\s+{_ORG})*)\s+({DATE_RE.pattern})$", text)
            if not m:
                continue
            glued = m.group(1)
        orgs: list[str] = split_orgs(glued) if glued else []
        first = i
        evidence = [line]
        k = i - 1
        while not glued and k >= 0 and k >= i - 4:
            prev = lines[k].strip()
            if re.fullmatch(r"[（(]此件[^）)]{2,8}[）)]", prev):
                k -= 1  # (此件公开发布) printed between the signer and the date
                continue
            if is_org_line(prev):
                orgs = split_orgs(prev) + orgs
                evidence.insert(0, prev)
                first = k
                k -= 1
                continue
            if _SIGNER.match(prev) and not orgs:
                evidence.insert(0, prev)
                first = k
                k -= 1
                continue
            break
        day = None if month else line_date(text)
        # a bare numeric date signs only the text right above it (…遵照执行。 / 特此通知。)
        bare = not orgs and first == i and not re.search(r"[〇○零一二三四五六七八九十]年", text)
        if bare and (i == 0 or not re.search(r"[。！]$|特此(?:通知|公告|通告)$", lines[i - 1])):
            continue
        out.append(Signature(first, i, tuple(orgs), day, " ".join(evidence), month))
    return out


# --- issuers in prose ------------------------------------------------------------------------

_ORG_LIST_IN = rf"{_ORG}(?:(?:[、，,]|以及|和){_ORG})*"
_PROSE_ISSUER = re.compile(
    rf"(?:^|[，,。；：:]|日前|近日|\d+日|电)\s*({_ORG_LIST_IN})(?:正式)?(?:近日|日前|今天|今日|昨日|昨天|近期)?"
    r"(?:就[^，。；]{0,30}?)?(?:联合)?(?:印发|发布|下发|出台|公布|研究制定了|制定了|决定|起草了|会同)"
)
_ADVERB = re.compile(r"^(?:日前|近日|今天|今日|昨日|近期|此前|目前|同时|并|还|也|由)")


def normalise_org(name: str) -> str:
    """An organ's name without a session ordinal or a leading adverb: 陕西省第十四届人民代表大会
    常务委员会 → 陕西省人民代表大会常务委员会."""
    name = _ADVERB.sub("", name.strip())
    return re.sub(r"第[一二三四五六七八九十]+届", "", name)


_ADOPTED = re.compile(
    rf"[（(]{DATE_RE.pattern}\s*((?:中共)?[{CJK}]{{2,20}}?)(?:第[一二三四五六七八九十]+届)?([{CJK}]{{2,20}}?"
    rf"(?:人民代表大会常务委员会|常务委员会|人民政府))第[一二三四五六七八九十百]+次(?:会议)?(?:审议)?通过[）)]"
)
_PROMULGATED_BY = re.compile(rf"{DATE_RE.pattern}\s*({_ORG_LIST_IN})发布[）)]")
_ORGAN_ON = re.compile(rf"^[（(]\s*({_ORG})于\s*{DATE_RE.pattern}\s*(?:公布|发布)")


def prose_issuers(lines: list[str]) -> tuple[list[str], str] | None:
    for line in lines[:8]:
        m = _ORGAN_ON.search(line)
        if m:
            return split_orgs(m.group(1)), line
        m = _PROMULGATED_BY.search(line)
        if m:
            return split_orgs(re.sub("[、，,]|以及|和", " ", m.group(4))), line
        for m in _PROSE_ISSUER.finditer(line):
            orgs = split_orgs(re.sub("[、，,]|以及|和", " ", m.group(1)))
            orgs = [normalise_org(o) for o in orgs if not re.search(r"记者|新华社|本报|电$", o)]
            orgs = [o for o in orgs if ORG_RE.match(o)]
            if orgs:
                return orgs, line
    return None


def adopted_by(lines: list[str]) -> tuple[str, date | None, str] | None:
    """(2025年7月30日陕西省第十四届人民代表大会常务委员会第十七次会议通过)."""
    for line in lines[:10]:
        m = _ADOPTED.search(line)
        if m:
            from .dates import to_date

            return normalise_org(m.group(4) + m.group(5)), to_date(*m.groups()[:3]), line
    return None
