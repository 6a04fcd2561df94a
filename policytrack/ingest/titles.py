"""The document's own title and its layout: the title block closest above the addressees,
the policy a covering notice issues when its text follows, a consultation's draft, the
document a news report names. Media headlines above the title are set aside; a title is
never composed from keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policytrack.docfile import match_label

from .clean import Cleaned
from .extract import Extracted
from .header import (
    _CONSULT,
    _DRAFT,
    _NEWS_VERB,
    TitleBlock,
    Wrapped,
    attachment_titles,
    clean_title,
    find_addressee,
    is_sentence,
    squash,
    title_blocks,
    titleish,
    wrapped_by_text,
    wrapped_by_title,
)
from .signatures import Signature, signatures

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
    """Sets ex.title (with its evidence) and returns the document's layout. The order of
    trust: a consultation's draft, the policy a covering notice issues (when its text is on
    the page), the title block, the document a news report names, the first attachment an
    issuing notice lists, a page's title label."""
    addressee = find_addressee(lines)
    end = addressee if addressee is not None else _first_body_line(lines)
    own = _own_title(lines, end)
    layout = Layout(own, None, own.last + 1 if own else 0)
    if own and own.first > 0:
        layout.dropped = tuple(i for i in range(own.first) if not is_sentence(lines[i]))

    def use(text: str, evidence: str) -> None:
        ex.title, ex.title_basis, ex.title_evidence = clean_title(text), "stated", evidence
        ex.own_titles.append(ex.title)
        if own is not None and own.text != ex.title:
            ex.own_titles.append(own.text)

    draft = _consulted_draft(lines, end, own)
    if draft is not None:
        use(draft, draft)
        return layout
    cover_end = own.last + 1 if own else (addressee or 0)
    wrapped = _wrapped(lines, own, cover_end)
    if wrapped is not None and len(wrapped.titles) == 1:
        found = _issued_policy(lines, wrapped, cover_end, layout)
        if found is not None:
            use(*found)
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
    reported = _reported_title(lines)
    if reported is not None:
        use(*reported)
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


def _consulted_draft(lines: list[str], end: int, own: TitleBlock | None) -> str | None:
    """A consultation notice's subject: the draft it publishes — the draft's own heading
    first, then the drafts the notice names, then its list of attachments; a notice
    关于对《X》公开征求意见的通知 is about X."""
    head = "\n".join(lines[: max(end, 1) + 3])
    consult = bool(_CONSULT.search(head)) or bool(
        re.search(r"意见", head)
        and re.search(r"《[^《》]*(?:草案|征求意见稿|代拟稿)[^《》]*》", head)
    )
    if not consult or (own and _DRAFT.search(own.text) and not _CONSULT.search(own.text)):
        return None
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
    return drafts[0] if drafts else None


def _wrapped(lines: list[str], own: TitleBlock | None, cover_end: int) -> Wrapped | None:
    """The policies a covering notice issues: named in its title (关于印发《…》的通知), or,
    under an order's or announcement's heading or a title that says 印发/发布, in its
    first sentences."""
    wrapped: Wrapped | None = wrapped_by_title(own.text) if own else None
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
    return wrapped


def _issued_policy(
    lines: list[str], wrapped: Wrapped, cover_end: int, layout: Layout
) -> tuple[str, str] | None:
    """(title, evidence) of the one policy a covering notice issues when its text follows
    on the page — its heading after the notice's signature, or its first article right
    after the signature or the covering sentence; the layout's notice and body are set."""
    sig = _after_signature(signatures(lines), cover_end)
    search_from = sig.last + 1 if sig else cover_end
    heading = _find_heading(lines, wrapped.titles[0], search_from)
    if heading is not None:
        layout.notice = (cover_end, heading.first)
        layout.body_start = heading.last + 1
        return heading.text, heading.text
    attached = [t for t, _ in attachment_titles(lines) if squash(t) == squash(wrapped.titles[0])]
    if sig is not None and (_policy_follows(lines, sig.last + 1) or attached):
        layout.notice = (cover_end, sig.last + 1)
        layout.body_start = sig.last + 1
        return wrapped.titles[0], wrapped.evidence
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
        layout.notice = (cover_end, issue_at + 1)
        layout.body_start = issue_at + 1
        return wrapped.titles[0], wrapped.evidence
    return None


def _reported_title(lines: list[str]) -> tuple[str, str] | None:
    """(title, line) of the document a news report names: 发布《…》, 印发关于…的通知,
    a lead sentence opening with 《…》将于…."""
    newsy = bool(_NEWSY.search("\n".join(lines[:6])))
    for line in lines[:8]:
        for m in _NEWS_VERB.finditer(line):
            if not newsy and not re.match(r"制定", m.group(0)):
                continue
            rest = line[m.end() :]
            close = rest.find("》")
            if close > 0 and titleish(rest[:close]):
                return rest[:close], line
        plain = re.search(
            r"(?:发布|印发|出台|下发)(关于[^，。；《》]{4,60}?的(?:公告|通知|意见|决定|办法|规定))",
            line,
        )
        if newsy and plain:
            return plain.group(1), line
        lead = re.match(r"^《([^《》]+)》(?:将于|自|正式|已于|出台|发布|公布|施行)", line)
        if lead and titleish(lead.group(1)):
            return lead.group(1), line
    return None
