"""Clean lines → the document's own title, 发文字号 and issuers, and where its text begins.

The order of the rules is the order of trust: what the document itself prints in its
header, title block and signature comes first; a covering notice hands its title to the
policy it issues when that policy's text is on the page; page labels (索引号 | 发文字号 …)
and news prose are used only where the document says nothing. A field nothing states stays
empty: a title is never composed from keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policytrack.docfile import match_label
from policytrack.model import ISSUER_SEP, DocNumber, damaged_number

from .clean import Cleaned
from .docnumbers import (
    _NUMBER_ANYWHERE,
    _trimmed,
    annotated_number,
    header_number,
    history_number,
    news_number,
)
from .extract import Extracted, note_conflict
from .header import (
    _CONSULT,
    _DRAFT,
    _MASTHEAD,
    _NEWS_VERB,
    ORG_RE,
    TitleBlock,
    Wrapped,
    attachment_titles,
    clean_title,
    find_addressee,
    is_org_line,
    is_sentence,
    split_orgs,
    squash,
    title_blocks,
    titleish,
    wrapped_by_text,
    wrapped_by_title,
)
from .signatures import Signature, adopted_by, normalise_org, prose_issuers, signatures

# a title that begins with its issuer without 关于: 镇巴县人民政府工作规则
_TITLE_ORG = re.compile(
    r"^([\u4e00-\u9fff]{2,24}(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|"
    r"行政公署|管理委员会|税务局|总局))(?=[\u4e00-\u9fff])"
)
_HEADLINE_VERB = re.compile(r"(?:发布|出台|印发|公布|下发|施行|启用|签署)")
_POLICY_START = re.compile(r"^(?:第[一二三四五六七八九十]+[章条]|一、|（一）|\(一\))")


@dataclass
class Layout:
    """Where the parts of the document are: its title block, the covering notice (if it
    issues a policy whose text follows) and the start of the text."""

    title: TitleBlock | None = None
    notice: tuple[int, int] | None = None  # lines of the covering notice [start, end)
    body_start: int = 0
    dropped: tuple[int, ...] = ()  # headline lines above the title


def _is_headline(block: TitleBlock) -> bool:
    """A media headline (环保部发布环境标准制修订办法), not a document's title."""
    text = block.text
    m = _HEADLINE_VERB.search(text)
    if m is None:
        return False
    return "关于" not in text[: m.start()] and not text.startswith(("印发", "发布"))


def _first_body_line(lines: list[str]) -> int:
    """Where the text starts when no addressee line marks it: the first numbered item or
    real sentence (a short exclamation of site chrome, a table of contents entry that
    names a document, do not count)."""
    for i, line in enumerate(lines):
        if match_label(line) is not None and not titleish(match_label(line).rest):  # type: ignore[union-attr]
            return i
        if is_sentence(line) and len(line) >= 40:
            return i
    return len(lines)


_NEWSY = re.compile(
    r"记者|新华社|日电|电（|电\(|报道|日前|近日|昨日|昨天|本报讯|网讯|消息|发布会|通讯员"
)


def _own_title(lines: list[str], end: int) -> TitleBlock | None:
    """The document's title: the title block closest above the addressees (the title
    position), or, with no addressees, the first title near the top that is not a media
    headline. A covering notice's title wins over a page headline above it."""
    blocks = [b for b in title_blocks(lines, 0, max(end, 1)) if not _is_headline(b)]
    if not blocks and end < len(lines):
        # a bulletin's section heading (一、政策追踪) may come before the title
        after = [b for b in title_blocks(lines, end, end + 4) if not _is_headline(b)]
        return after[0] if after else None
    if not blocks:
        return None
    wrappers = [b for b in blocks if wrapped_by_title(b.text)]
    if wrappers:
        chosen = wrappers[-1] if len(wrappers) == 1 or end < len(lines) else wrappers[0]
    else:
        chosen = blocks[-1] if end < len(lines) else blocks[0]
    # a page headline is often a shortened form of the title printed below it
    key = squash(re.sub(r"[（(][^（）()]*[）)]", "", chosen.text))
    for later in title_blocks(lines, chosen.last + 1, chosen.last + 12):
        got = squash(later.text)
        if len(key) >= 6 and key in got and len(got) > len(squash(chosen.text)):
            return later
    return chosen


def _find_heading(lines: list[str], want: str, start: int) -> TitleBlock | None:
    """The heading of a wrapped policy after its covering notice (broken lines joined)."""
    key = squash(want)
    for block in title_blocks(lines, start, min(len(lines), start + 40)):
        got = squash(block.text)
        if got == key or (len(got) >= 6 and (key.endswith(got) or got.endswith(key))):
            return block
    return None


def _policy_follows(lines: list[str], start: int) -> bool:
    return any(_POLICY_START.match(line) for line in lines[start : start + 6])


def _after_signature(sigs: list[Signature], after: int) -> Signature | None:
    return next((s for s in sigs if s.last >= after), None)


def read_title(lines: list[str], cleaned: Cleaned, ex: Extracted) -> Layout:
    """Sets ex.title (with its evidence) and returns the document's layout."""
    addressee = find_addressee(lines)
    end = addressee if addressee is not None else _first_body_line(lines)
    sigs = signatures(lines)
    own = _own_title(lines, end)
    layout = Layout(own, None, own.last + 1 if own else 0)
    if own and own.first > 0:
        layout.dropped = tuple(i for i in range(own.first) if not is_sentence(lines[i]))

    def use(text: str, evidence: str) -> None:
        ex.title, ex.title_basis, ex.title_evidence = clean_title(text), "stated", evidence
        ex.own_titles.append(ex.title)
        if own is not None and own.text != ex.title:
            ex.own_titles.append(own.text)

    # a consultation notice: its subject is the draft it publishes
    head = "\n".join(lines[: max(end, 1) + 3])
    consult = bool(_CONSULT.search(head)) or bool(
        re.search(r"意见", head)
        and re.search(r"《[^《》]*(?:草案|征求意见稿|代拟稿)[^《》]*》", head)
    )
    if consult and not (own and _DRAFT.search(own.text) and not _CONSULT.search(own.text)):
        # the draft's own heading first, then the drafts the notice names, then its list of
        # attachments; a notice 关于对《X》公开征求意见的通知 is about X
        drafts = [
            b.text
            for b in title_blocks(lines, (own.last + 1) if own else 0, len(lines))
            if _DRAFT.search(b.text) and not _CONSULT.search(re.sub(r"征求意见稿", "", b.text))
        ]
        drafts += [
            b
            for line in lines[:40]
            for b in re.findall(r"《([^《》]+)》", line)
            if _DRAFT.search(b) and titleish(b)
        ]
        drafts += [t for t, _ in attachment_titles(lines) if _DRAFT.search(t)]
        named = [
            b
            for line in lines[:40]
            for b in re.findall(r"《([^《》]+)》", line)
            if _DRAFT.search(b) and titleish(b)
        ]
        for k, text in enumerate(drafts):
            # the heading adds a page marker to the name the notice gives: keep the name
            shorter = [b for b in named if squash(text).startswith(squash(b)) and b != text]
            if shorter:
                drafts[k] = shorter[0]
        about = re.search(r"《([^《》]+)》[^《》]{0,12}征求意见", own.text) if own else None
        if about and titleish(about.group(1)):
            drafts.append(about.group(1))
        if drafts:
            use(drafts[0], drafts[0])
            return layout

    wrapped: Wrapped | None = wrapped_by_title(own.text) if own else None
    cover_end = own.last + 1 if own else (addressee or 0)
    promulgation = bool(
        own and re.search(r"(?:令|公告|通告)$", own.text) and "关于" not in own.text
    )
    if wrapped is None and promulgation:
        wrapped = wrapped_by_text(lines[cover_end : cover_end + 6])
    if wrapped is None:
        window = lines[cover_end : cover_end + 12]
        wrapped = wrapped_by_text(window)
        if (
            wrapped
            and own is not None
            and not own.text.startswith(("关于", "印发"))
            and squash(wrapped.titles[0]) != squash(own.text)
        ):
            wrapped = None if not re.search(r"印发|发布|转发", own.text) else wrapped
    if wrapped is not None and len(wrapped.titles) == 1:
        sig = _after_signature(sigs, cover_end)
        search_from = sig.last + 1 if sig else cover_end
        heading = _find_heading(lines, wrapped.titles[0], search_from)
        if heading is not None:
            use(heading.text, heading.text)
            layout.notice = (cover_end, heading.first)
            layout.body_start = heading.last + 1
            return layout
        attached = [
            t for t, _ in attachment_titles(lines) if squash(t) == squash(wrapped.titles[0])
        ]
        if sig is not None and (_policy_follows(lines, sig.last + 1) or attached):
            use(wrapped.titles[0], wrapped.evidence)
            layout.notice = (cover_end, sig.last + 1)
            layout.body_start = sig.last + 1
            return layout
        key = squash(wrapped.titles[0])
        issue_at = next(
            (
                i
                for i in range(cover_end, min(len(lines), cover_end + 8))
                if key in squash(lines[i]) and re.search(r"印发|发布|现将", lines[i])
            ),
            None,
        )
        if sig is None and issue_at is not None and _policy_follows(lines, issue_at + 1):
            # the covering sentence runs straight into the policy's text
            use(wrapped.titles[0], wrapped.evidence)
            layout.notice = (cover_end, issue_at + 1)
            layout.body_start = issue_at + 1
            return layout
        if own is None:  # the page starts at the addressees: the policy it names
            use(wrapped.titles[0], wrapped.evidence)
            return layout
    if own is not None:
        if wrapped is not None:
            ex.kind, ex.kind_evidence = "notice", own.text
        use(own.text, lines[own.first] if own.first == own.last else own.text)
        return layout
    # no title in the document's own header: a news report names the document it reports
    newsy = bool(_NEWSY.search("\n".join(lines[:6])))
    for line in lines[:8]:
        for m in _NEWS_VERB.finditer(line):
            if not newsy and not re.match(r"制定", m.group(0)):
                continue
            rest = line[m.end() :]
            close = rest.find("》")
            if close > 0 and titleish(rest[:close]):
                use(rest[:close], line)
                return layout
        plain = re.search(
            r"(?:发布|印发|出台|下发)(关于[^，。；《》]{4,60}?的(?:公告|通知|意见|决定|办法|规定))",
            line,
        )
        if newsy and plain:
            use(plain.group(1), line)
            return layout
        lead = re.match(r"^《([^《》]+)》(?:将于|自|正式|已于|出台|发布|公布|施行)", line)
        if lead and titleish(lead.group(1)):
            use(lead.group(1), line)
            return layout
    listed = attachment_titles(lines)
    issuing = any(re.search(r"印发给你们|印发你们|现将|现予印发|联合制定", x) for x in lines[:20])
    if listed and addressee is not None and issuing:
        use(listed[0][0], listed[0][1])
        return layout
    label = cleaned.labels.first("title")
    if label and titleish(label.value):
        use(label.value, label.line)
    return layout


# --- doc number ---------------------------------------------------------------------------------


def read_doc_number(lines: list[str], layout: Layout, cleaned: Cleaned, ex: Extracted) -> None:
    addressee = find_addressee(lines)
    end = addressee if addressee is not None else max(layout.body_start + 3, 12)
    found = header_number(lines, end + 1)
    if found is None:
        history = history_number(lines)
        found = (history[0], history[2]) if history else None
    if found is None:
        found = annotated_number(lines) or news_number(lines, ex.title or "")
    if found is None:
        # a number printed in the page's label line (发布时间：… 财政部 税务总局公告2020年第8号)
        for pair in cleaned.labels.pairs:
            if pair.field not in ("posted", "published", "issued", "title"):
                continue
            for m in _NUMBER_ANYWHERE.finditer(pair.value):
                got = _trimmed(m.group(0))
                if got:
                    found = (got[0], pair.line)
                    break
            if found:
                break
    label = cleaned.labels.first("doc_number")
    label_number = DocNumber.try_parse(label.value) if label else None
    if found is not None:
        number, evidence = found
        ex.doc_number, ex.doc_number_evidence = str(number), evidence
        if label_number and label_number.slug != number.slug and label:
            note_conflict(ex, "doc_number", str(label_number), f"the page's label {label.label}")
    elif label_number and label:
        ex.doc_number, ex.doc_number_evidence = str(label_number), label.line
    else:
        for line in lines[:end]:
            text = line.strip()
            if damaged_number(text):
                ex.doc_number, ex.doc_number_evidence = text, line
                ex.warnings.append(
                    f"the doc number is printed damaged ({text}); kept as printed — set the "
                    "intended one with --set doc_number=… if you know it"
                )
                break


# --- issuers -------------------------------------------------------------------------------------


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
    addressee = find_addressee(lines)
    sigs = signatures(lines)
    start = addressee if addressee is not None else (layout.title.last if layout.title else 0)
    sig = next((s for s in sigs if s.last >= start and s.orgs), None)
    if sig is not None and layout.notice is None and layout.title is not None:
        # a signature after the policy's own text belongs to it only when nothing intervenes
        pass
    title_text = ""
    if layout.title is not None:
        title_text = layout.title.text
    elif ex.title:
        title_text = ex.title
    by_title = _title_orgs(title_text) or _title_orgs(ex.title or "")
    orgs: list[str] = []
    evidence = ""
    basis = "stated"
    if sig is not None:
        orgs, evidence = list(sig.orgs), sig.evidence
        if by_title and len(by_title) == len(orgs):
            orgs = [
                t if _same_organ(t, s) and len(t) > len(s) and not t.endswith(s) else s
                for t, s in zip(by_title, orgs, strict=True)
            ]
    elif by_title:
        orgs, evidence = by_title, title_text
    if not orgs:
        for line in lines[: max(start, 1) + 2]:
            m = re.match(r"^(?:中华人民共和国)?(.{2,30}?)令$", line.strip())
            if m and ORG_RE.match(m.group(1)):
                orgs, evidence = [m.group(1)], line
                break
            m = _MASTHEAD.match(line.strip())
            if m and ORG_RE.match(line.strip()[:-2].strip()):
                orgs, evidence = [line.strip()[:-2].strip()], line
                break
    if not orgs and ex.doc_number:
        # 国务院令第707号 → 国务院; 财政部 税务总局公告2023年第59号 → 财政部, 税务总局
        number = DocNumber.try_parse(ex.doc_number)
        if number and number.style in ("order", "announcement"):
            code = re.sub(r"(?:令|[公通]告)$", "", number.prefix).strip()
            named = split_orgs(code)
            if named and "".join(named) == re.sub(r"\s", "", code):
                orgs, evidence = named, ex.doc_number_evidence
    if not orgs and layout.title is not None:
        for line in lines[: layout.title.first + 4]:
            if is_org_line(line) and len(split_orgs(line)) >= 1 and line.strip() not in title_text:
                orgs, evidence = split_orgs(line), line
                break
            if is_org_line(line) and title_text.startswith(line.strip()):
                break
    if not orgs and title_text:
        m = _TITLE_ORG.match(title_text)
        if m and not title_text[m.end() :].startswith("关于"):
            orgs, evidence = [m.group(1)], title_text
    if not orgs:
        adopted = adopted_by(lines)
        if adopted:
            orgs, evidence = [adopted[0]], adopted[2]
    if not orgs and not re.search(r"解读|答记者问", title_text or ""):
        prose = prose_issuers(lines)
        if prose:
            orgs, evidence = prose
    if not orgs and re.search(r"解读|答记者问", title_text or ""):
        # a 解读 is the work of the organ its page names as author or source
        for fname in ("author", "source"):
            pair = cleaned.labels.first(fname)
            named = split_orgs(pair.value.split()[0]) if pair and pair.value else []
            if pair and len(named) == 1:
                orgs, evidence, basis = named, pair.line, "inferred"
                break
    if not orgs:
        for fname in ("issuer", "publisher"):
            pair = cleaned.labels.first(fname)
            if pair and all(ORG_RE.match(o) for o in split_orgs(pair.value) or ["x"]):
                orgs = split_orgs(pair.value)
                if orgs:
                    evidence, basis = pair.line, "stated"
                    break
    orgs = [normalise_org(o) for o in orgs]
    if orgs:
        ex.issuer, ex.issuer_basis, ex.issuer_evidence = ISSUER_SEP.join(orgs), basis, evidence


def read_document(cleaned: Cleaned, ex: Extracted) -> tuple[list[str], list[str]]:
    """Title, number and issuers of a cleaned text; (notice lines, body lines)."""
    lines = cleaned.lines
    layout = read_title(lines, cleaned, ex)
    read_doc_number(lines, layout, cleaned, ex)
    read_issuer(lines, layout, cleaned, ex)
    read_issued(lines, layout, cleaned, ex)
    for i in layout.dropped:
        ex.stripped.append(("page headline above the title", lines[i]))
    if layout.notice is not None:
        a, b = layout.notice
        return lines[a:b], lines[layout.body_start :]
    if layout.title is not None and any(
        _PROMULGATES.search(line) for line in lines[: layout.title.first]
    ):
        # an order above the title it promulgates, its title not in 《》 (生态环境部令 第17号 /
        # 生态环境标准管理办法已于…审议通过，现予公布，自…起施行): the order is the notice
        notice = [
            line for i, line in enumerate(lines[: layout.title.first]) if i not in layout.dropped
        ]
        return notice, lines[layout.body_start :]
    return [], lines[layout.body_start :]


_PROMULGATES = re.compile(r"现予以?(?:公布|发布)|予以公布")


# --- 成文日期 -------------------------------------------------------------------------------------


def read_issued(lines: list[str], layout: Layout, cleaned: Cleaned, ex: Extracted) -> None:
    """The 成文日期: the document's (or its covering notice's) signature date; else a date
    printed beside the doc number in the header; else a 成文日期 label; else the date of
    the order a news item reports as signed."""
    from .dates import first_date

    addressee = find_addressee(lines)
    start = addressee if addressee is not None else (layout.title.first if layout.title else 0)
    sigs = signatures(lines)
    sig = next((s for s in sigs if s.last >= start and s.day), None)
    if sig is None or (
        layout.title is not None and sig.first > layout.title.first and _promulgated(lines, layout)
    ):
        # an order or announcement prints its signature above the text it promulgates
        before = [
            s for s in sigs if s.day and layout.title is not None and s.last < layout.title.first
        ]
        sig = before[-1] if before and _promulgated(lines, layout) else sig
    found: tuple[date, str, str] | None = None
    if sig is not None and sig.day:
        found = (sig.day, sig.evidence, "signature date (成文日期)")
    header_end = addressee if addressee is not None else min(len(lines), 12)
    number = DocNumber.try_parse(ex.doc_number) if ex.doc_number else None
    if found is None and number is not None:
        # 国家税务总局公告2018年第18号 2018-04-20: a date printed beside the number
        for line in lines[:header_end]:
            if (
                not any(
                    (n := DocNumber.try_parse(m.group(0).strip())) and n.slug == number.slug
                    for m in _NUMBERISH.finditer(line)
                )
                and line != ex.doc_number_evidence
            ):
                continue
            m = _PLAIN_DATE.search(line)
            if m and _date_beside_number(line, m.group(1)):
                day = first_date(m.group(1))
                if day:
                    found = (day, line, "date printed with the doc number")
                    break
    if found is None:
        # a date on its own line in the header (no time of day: not a posting stamp)
        for line in lines[:header_end]:
            if _PLAIN_DATE.fullmatch(line.strip()):
                day = first_date(line)
                if day:
                    found = (day, line, "date printed in the document's header")
                    break
    label = cleaned.labels.first("issued")
    label_day = None
    if label:
        from .dates import first_date

        label_day = first_date(label.value)
    damaged = next((s for s in sigs if s.month_only and s.last >= start), None)
    loose = _loose_date(lines[damaged.last]) if damaged else None
    if found is None and label_day and label and loose and loose != label_day:
        # the signature's date is damaged and what is left of it contradicts the label:
        # neither is trusted
        ex.warnings.append(
            f"issued: the page's label {label.label} gives {label_day} but the damaged signature "
            f"date “{lines[damaged.last]}” reads {loose}; left unknown — set it with --set issued=…"  # type: ignore[union-attr]
        )
        label_day = None
    if found is None and label_day and label:
        found = (label_day, label.line, f"page label {label.label}")
    conflict = found is not None and label_day and label and label_day != found[0]
    if found is None:
        for line in lines[:8]:
            m = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日)[，,]?[^。]{0,20}签署", line)
            if m:
                from .dates import first_date

                day = first_date(m.group(1))
                if day:
                    found = (day, line, "the date the order was signed")
                    break
    if found is None:
        adopted = adopted_by(lines)
        if adopted and adopted[1] and not any(s.day for s in signatures(lines)):
            found = (adopted[1], adopted[2], "adoption date (no signature or order date)")
    if found is not None:
        from policytrack.model import DatedFact

        day, evidence, rule = found
        ex.issued = DatedFact(day, "stated", evidence, rule)
        if conflict and label:
            note_conflict(ex, "issued", str(label_day), f"the page's label {label.label}")


_PLAIN_DATE = re.compile(r"(?<![\d年])(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?!\s*\d{1,2}:\d{2})")
_NUMBERISH = re.compile(r"\S*?(?:〔\d{4}〕\d+号|\d{4}年第\d+号|令第\d+号)")


def _loose_date(line: str) -> date | None:
    """What a damaged date line still says: { 2017 6 23 → 2017-06-23."""
    m = re.search(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", line)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _promulgated(lines: list[str], layout: Layout) -> bool:
    """The title block follows a promulgation (现予公布 … signed) rather than heading it."""
    if layout.title is None:
        return False
    above = "\n".join(lines[: layout.title.first])
    return bool(re.search(r"现予(?:公布|发布)|现(?:公布|发布)|予以公布", above))


def _date_beside_number(line: str, day: str) -> bool:
    """国家税务总局公告2018年第18号 2018-04-20: the date sits right before or after the number."""
    rest = line.replace(day, "").strip()
    return len(rest) <= 60 and (
        line.strip().startswith(day)
        or line.strip().endswith(day)
        or bool(re.search(rf"号\s*{re.escape(day)}", line))
    )
