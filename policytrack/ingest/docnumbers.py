"""The document's own 发文字号 in the forms it is printed: in the header (a line that is a
number, a number between the issuer and the title, an order heading broken over two lines),
in a revision history under the title (…令第129号发布), in a clause-annotated copy, or in a
news report about the document (签署国务院第707号令). A number after a citing cue (根据,
依照, 》) is another document's.

Each reads the clean lines of one document with the line shapes of `header`."""

from __future__ import annotations

import re
from datetime import date

from policytrack.chinese import CJK
from policytrack.model import DOC_NUMBER_IN_TEXT, DocNumber

from .dates import DATE_RE
from .header import is_org_line, number_of, split_orgs, titleish

# --- doc numbers -------------------------------------------------------------------------------

_CITE_CUE = re.compile(
    r"(?:根据|依据|按照|依照|落实|贯彻|转发|执行|参照|对照|见|详见|结合|印发的|》)\s*$"
)
_NUMBER_ANYWHERE = re.compile(
    rf"(?:{DOC_NUMBER_IN_TEXT.pattern}|[{CJK}·\s、]{{2,30}}?[公通]告\s*\d{{4}}\s*年?\s*第\s*\d+\s*号|"
    rf"(?:中华人民共和国)?[{CJK}]{{2,24}}?令\s*[（(\[［〔]?\s*第\s*\d+\s*号[）)\]］〕]?|"
    rf"[{CJK}]{{2,20}}?第\s*\d+\s*号令)"
)
_NOT_PREFIX = re.compile(
    r"签署|公布|发布|印发|日前|近日|根据|依据|按照|总理|部长|省长|市长|局长|以下|简称|见"
)


def _trimmed(text: str) -> tuple[DocNumber, int] | None:
    """The longest tail of a matched span that parses as a doc number with a plausible
    issuer code (国务院总理李克强签署国务院第707号令 → 国务院第707号令)."""
    for k in range(len(text)):
        tail = text[k:].strip("（）() ")
        number = DocNumber.try_parse(tail)
        if number and not _NOT_PREFIX.search(number.prefix) and len(number.prefix) <= 24:
            if number.style in ("order", "announcement") and not _names_organs(number.prefix):
                continue
            return number, k
    return None


def _names_organs(prefix: str) -> bool:
    """国务院令, 财政部 税务总局公告, 政府令: an order's or announcement's issuer part is one
    or more organs (or the bare 政府令 of a provincial government's numbering)."""
    code = re.sub(r"(?:令|[公通]告)$", "", prefix).strip()
    if code in ("", "政府", "省政府", "市政府"):
        return True
    orgs = split_orgs(code)
    return bool(orgs) and "".join(orgs) == re.sub(r"[\s、，,]", "", code)


def header_number(lines: list[str], end: int) -> tuple[DocNumber, str] | None:
    """The document's own number in its header: a line that is a number, or a number at a
    line's start or end, or between an issuer and a title (京政办发〔2016〕26号《…》,
    国家税务总局公告2018年第18号 2018-04-20, 安徽省国家税务局 皖国税函[2013]79号 关于…)."""
    for i, line in enumerate(lines[:end]):
        text = re.sub(r"^(?:<正>|法规)\s*", "", line.strip())
        number = number_of(text)
        if number:
            return number, line
        # an order or announcement heading broken over lines: 中华人民共和国生态环境部令 /
        # 第17号; 昌吉回族自治州人民代表大会 / 常务委员会公告 / （第5号）
        if re.search(r"(?:令|[公通]告)$", text) and i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            if re.fullmatch(
                r"[（(]?\s*第\s*(?:\d+|[一二三四五六七八九十百零〇]+)\s*号\s*[）)]?", nxt
            ):
                head = text
                prev = lines[i - 1].strip() if i > 0 else ""
                if re.search(r"(?:人民代表大会|人民政府|委员会)$", prev) and re.match(
                    r"^(?:常务委员会|办公厅|办公室)", text
                ):
                    head = prev + text  # 昌吉回族自治州人民代表大会 / 常务委员会公告
                number = number_of(head + nxt.strip("（）() ")) or number_of(
                    text + nxt.strip("（）() ")
                )
                if number:
                    return number, f"{line} {nxt}"
        for m in _NUMBER_ANYWHERE.finditer(text):
            found = _trimmed(m.group(0))
            if found is None:
                continue
            number, k = found
            before = text[: m.start() + k].rstrip()
            after = text[m.end() :].strip()
            if _CITE_CUE.search(before):
                continue
            bare_before = before.strip(" （(<>")
            edge_before = (
                not bare_before
                or is_org_line(bare_before)
                or bool(re.fullmatch(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?", bare_before))
            )
            edge_after = (
                not after.strip(" ）)")
                or titleish(after.strip(" ）)"))
                or bool(re.match(r"^[）)]?\s*\d{4}[-年]", after))
                or after.startswith(("《", "各", "（", "("))
            )
            after_title = bool(before.endswith(("（", "("))) and titleish(before[:-1])
            after_title = after_title or (titleish(bare_before) and len(after) < 30)
            if (edge_before and edge_after) or after_title or not bare_before:
                return number, line
    return None


_HISTORY = re.compile(
    rf"{DATE_RE.pattern}\s*((?:中华人民共和国)?[{CJK}]{{2,24}}?(?:令\s*第?\s*\d+\s*号|第\s*\d+\s*号令))\s*(?:公布|发布)"
)


def history_number(lines: list[str]) -> tuple[DocNumber, date | None, str] | None:
    """(2002年12月18日上海市人民政府令第129号发布 根据…修正): the order that first
    promulgated the text, from the revision history printed under its title."""
    for line in lines[:12]:
        if not line.startswith(("（", "(")):
            continue
        m = _HISTORY.search(line)
        if m:
            found = _trimmed(m.group(4))
            if found:
                from .dates import to_date

                return found[0], to_date(*m.groups()[:3]), line
    return None


def annotated_number(lines: list[str]) -> tuple[DocNumber, str] | None:
    """A clause-annotated copy: every paragraph followed by (NUMBER第一条第一款)."""
    seen: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for line in lines:
        m = re.fullmatch(r"[（(](.+?号)第[一二三四五六七八九十]+条.*[）)]", line.strip())
        if m and DocNumber.try_parse(m.group(1)):
            key = str(DocNumber.parse(m.group(1)))
            seen[key] = seen.get(key, 0) + 1
            evidence.setdefault(key, line)
    best = max(seen.items(), key=lambda kv: kv[1], default=None)
    if best and best[1] >= 2:
        return DocNumber.parse(best[0]), evidence[best[0]]
    return None


def news_number(lines: list[str], title: str = "") -> tuple[DocNumber, str] | None:
    """签署国务院第707号令, 发布《X》（财税〔2018〕77号）, 即财政部税务总局2023年第12号公告:
    the number of the document a report is about."""
    for line in lines[:6]:
        if title:
            at = line.find(f"《{title}》")
            if at >= 0:
                m = re.match(r"\s*[（(]([^（）()]{4,40}号)[）)]", line[at + len(title) + 2 :])
                number = DocNumber.try_parse(m.group(1)) if m else None
                if number:
                    return number, line
        m = re.search(rf"即\s*([{CJK}\s]{{2,24}}?\d{{4}}\s*年\s*第\s*\d+\s*号\s*[公通]告)", line)
        if m:
            found = _trimmed(m.group(1))
            if found:
                return found[0], line
        m = re.search(
            rf"签署(?:了)?\s*((?:中华人民共和国)?[{CJK}]{{0,20}}?第\s*\d+\s*号[{CJK}]{{0,12}}令)",
            line,
        )
        if m:
            text = m.group(1)
            m2 = re.fullmatch(rf"第\s*(\d+)\s*号([{CJK}]+令)", text)
            if m2:
                continue  # 第826号国务院令: rewritten as 国务院令第826号 would not be as printed
            number = DocNumber.try_parse(text)
            if number:
                return number, line
    return None
