"""The validity window: 施行 and 有效期至 — each from the sentence that states it (发布/公布,
read first, is in `published`).

A date belongs to this document only when the sentence is about this document: its
subject is 本办法 / 该《办法》 / the document's own title, or it is the promulgation
sentence (现予公布，自…起施行), or it stands alone with no other subject and is the only
such statement in the text. `《某某法》自…起施行` quoted in a notice is the cited law's date,
never this document's. Page labels (实施日期, 失效时间, 发布日期) and the page's posting
stamps fill only what the text leaves open; where they disagree with the text, the text
wins and a warning names both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policytrack.docfile import match_label
from policytrack.model import DatedFact

from .dates import (
    DATE,
    add_months,
    add_years,
    sentences,
    to_date,
)
from .extract import Extracted, note_conflict
from .header import squash
from .labels import LabelBlock
from .published import _GENERIC, _label_date, read_published
from .published import PageEvidence as PageEvidence  # ingest() builds it from here

_ACT = r"(?:施行|实施|执行|生效)"
_PUB = r"(公布|发布|印发|颁布|公告|下发|发文|发出)"
_N = r"(\d{1,2}|[一二三四五六七八九十两]{1,3})"
_YEAR_END = r"(\d{4})\s*年\s*(?:底|末)"


@dataclass(frozen=True)
class Clause:
    """A validity statement in one sentence, and whose it is."""

    kind: str  # effective_on_publication | effective_date | expires_date | period | range
    sentence: str
    subject: str  # own | bare | other
    start: date | None = None
    end: date | None = None
    years: int = 0
    months: int = 0
    trigger: str = ""


_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "range",
        re.compile(
            rf"(?:自|从|于)?\s*{DATE}\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*(?:{DATE}|{_YEAR_END})(?:止)?"
        ),
    ),
    (
        "open_range",  # 执行期限为1月1日至2021年12月31日: a start without its year
        re.compile(
            rf"(?:执行期限|有效期|实施期限|执行期|有效期限)(?:为|是)?(?:自|从)?[^，。；\d]{{0,4}}\d{{1,2}}月\d{{1,2}}日"
            rf"(?:起)?(?:至|到)\s*{DATE}"
        ),
    ),
    (
        "effective_on_publication",
        re.compile(rf"自?[^，。；]{{0,8}}?{_PUB}之日起[^，。；]{{0,6}}?{_ACT}"),
    ),
    (
        "effective_date",
        re.compile(rf"(?:自|从|于|将于|将自)?\s*{DATE}\s*起[^，。；]{{0,14}}?(?:正式)?{_ACT}"),
    ),
    # 从2021年8月1日起，将…调整为…: a short notice's one change starts that day
    ("starts", re.compile(rf"(?:自|从)\s*{DATE}\s*起[，,]")),
    (
        "expires_date",
        re.compile(
            rf"(?:有效期(?:限)?(?:为|是)?(?:截)?至|(?:执行|实施|施行|有效)(?:期限)?(?:为|是)?(?:截)?至|"
            rf"(?:执行|实施)到)\s*(?:{DATE}|{_YEAR_END})(?:止)?"
        ),
    ),
    ("period_years", re.compile(rf"(?:有效期(?:限)?|试行期(?:限)?|试行)(?:为|是)?{_N}年")),
    ("period_months", re.compile(rf"(?:有效期(?:限)?|试行期(?:限)?|试行)(?:为|是)?{_N}个月")),
)

_SELF = re.compile(
    r"(?:^|[，,；])\s*(?:本|该|此)[^，。；]{0,12}?(?:规定|办法|通知|公告|通告|决定|意见|细则|方案|措施|条例|"
    r"规则|政策|文件|标准|规划|计划|要点|举措|批复|函|法|令|》)"
)
_PERIOD_SUBJECT = re.compile(r"^\s*(?:有效期|执行期限|实施期限|执行期|施行期|试行期|有效期限)")
_PROMULGATION = re.compile(
    r"现予(?:公布|发布|印发)|现(?:公布|发布)|予以公布|印发给你们|印发你们|现印发"
)


def _subject(sentence: str, at: int, own: set[str], clause: str = "", kind: str = "") -> str:
    """own, bare, other or unknown: whose date the statement at `at` is.

    The subject is looked for in the statement's own clause first (本通知自2021年1月6日起
    实施，2021年1月1日至2021年1月6日期间…按本通知执行: the second period belongs to a
    measure), then, for an expiry continuing a sentence about this document (本办法自…起
    施行，有效期至…), in the sentence."""
    prefix = sentence[:at]
    label = match_label(prefix.lstrip())
    if label is not None:
        prefix = label.rest
    local = re.split(r"[，,；;：:]", prefix)[-1]
    local = re.sub(
        r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])\s*",
        "",
        local,
    )
    # 有效期至… / 执行期限为… opening the sentence speaks of the document; inside an item
    # (…政策，实施期限至2021年12月31日) it is that measure's
    opening = (not prefix.strip() and bool(_PERIOD_SUBJECT.match(clause))) or bool(
        re.fullmatch(
            r"(?:有效期|执行期限|实施期限|执行期|施行期|试行期|有效期限)(?:为|是)?(?:自|从)?",
            prefix.strip(),
        )
    )
    if _PROMULGATION.search(sentence) or opening:
        return "own"
    if re.search(r"(?:政府|国务院|委员会|办公厅)决定[：:，,]?$", prefix.strip()):
        return "own"  # 市政府决定自2015年4月11日至2016年4月10日，… / 省政府决定：从…起
    if _SELF.search("，" + local) or re.match(r"^自?(?:本|该|此)", clause):  # 自本决定印发之日起…
        return "own"
    if kind in ("expires_date", "period_years", "period_months") and _SELF.search(prefix):
        return "own"
    if sentence.lstrip().startswith(("（", "(")) and re.search(r"公布|发布|通过", sentence):
        return "own"  # the promulgation note under a title: （…令第43号公布 自…起施行）
    plain = squash(local)
    short = {re.sub(r"^中华人民共和国", "", t) for t in own}
    if any(len(t) >= 6 and t in plain for t in own | short):  # 修订后的个人所得税法实施条例自…
        return "own"
    books = re.findall(r"《([^《》]+)》", local)
    if books:
        last = squash(books[-1])
        if last in own or books[-1] in _GENERIC:
            return "own"
        return "other"
    after = sentence[at + len(clause) : at + len(clause) + 2]
    if kind == "range" and after.startswith("期间"):
        return "unknown"  # …至…期间按本通知执行: a measure's period
    if len(local.strip(" ，,")) > 4:
        return "unknown"
    # the clause has no subject of its own: the sentence's subject is its subject
    # (《某某法》已经…修订通过，自2021年7月15日起施行 — the law's date, not this document's)
    # a title cited as the basis (根据《…》的规定，) is not the sentence's subject
    subject_part = re.sub(r"(?:根据|依据|按照|依照|为贯彻|为落实)[^，,；;]*[，,]", "", prefix)
    books = re.findall(r"《([^《》]+)》", subject_part)
    if books:
        return "own" if squash(books[0]) in own or books[0] in _GENERIC else "other"
    return "bare"


def find_clauses(paragraphs: list[str], own_titles: set[str]) -> list[Clause]:
    """Every validity statement in the text, in order, with its subject."""
    own = {squash(t) for t in own_titles if t}
    found: list[Clause] = []
    for para in paragraphs:
        if "日" not in para and "年" not in para:
            continue  # no date and no period in years: no validity statement
        for sent in sentences(para):
            if "日" not in sent and "年" not in sent:
                continue
            for kind, regex in _RULES:
                for m in regex.finditer(sent):
                    subject = _subject(sent, m.start(), own, m.group(0), kind)
                    g = m.groups()
                    if kind == "range":
                        end = to_date(*g[3:6]) if g[3] else _year_end(g[6])
                        found.append(Clause(kind, sent, subject, to_date(*g[0:3]), end))
                    elif kind == "open_range":
                        found.append(Clause("range", sent, "own", None, to_date(*g[0:3])))
                    elif kind == "effective_on_publication":
                        found.append(Clause(kind, sent, subject, trigger=g[0]))
                    elif kind in ("effective_date", "starts"):
                        found.append(Clause(kind, sent, subject, to_date(*g[0:3])))
                    elif kind == "expires_date":
                        end = to_date(*g[0:3]) if g[0] else _year_end(g[3])
                        found.append(Clause(kind, sent, subject, end=end))
                    else:
                        n = _numeral(g[0])
                        years, months = (n, 0) if kind == "period_years" else (0, n)
                        found.append(Clause("period", sent, subject, years=years, months=months))
    return found


def _numeral(text: str) -> int:
    from policytrack.chinese import cn_to_int

    return cn_to_int(text.replace("两", "二"))


def _year_end(year: str | None) -> date | None:
    return date(int(year), 12, 31) if year else None


# --- 施行 and 有效期至 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The document's own period, read from a range its text states."""

    start: date | None
    end: date | None
    sentence: str


def _scope_range(clauses: list[Clause]) -> Scope | None:
    """A period that is the document's whole scope: stated about itself (本公告执行期限为…),
    or the one period the text states (自2012年1月1日至2015年12月31日，对…减按50%…). When
    several measures run to one common end (一、自A至B…；二、自A至B…；三、…延续执行至B),
    only that end is the document's; the start belongs to the measures."""
    ranges = [c for c in clauses if c.kind == "range"]
    own = [c for c in ranges if c.subject == "own"]
    if own:
        return Scope(own[0].start, own[0].end, own[0].sentence)
    bare = [c for c in ranges if c.subject == "bare"]
    if not bare or len(bare) != len(ranges):
        return None
    deadlines = [c for c in clauses if c.kind == "expires_date" and c.subject != "own"]
    ends = {c.end for c in bare} | {c.end for c in deadlines}
    if len(ends) != 1:
        return None
    if len(bare) == 1 and not deadlines:
        return Scope(bare[0].start, bare[0].end, bare[0].sentence)
    return Scope(None, bare[0].end, bare[0].sentence)


def read_window(
    ex: Extracted, paragraphs: list[str], page: PageEvidence, own_titles: set[str]
) -> None:
    """施行 and 有效期至 from the text, then from page labels for what the text leaves open."""
    clauses = find_clauses(paragraphs, own_titles)
    effective = [c for c in clauses if c.kind == "effective_date" and c.start]
    own_eff = [c for c in effective if c.subject == "own"]
    bare_eff = [c for c in effective if c.subject == "bare"]
    on_pub = [
        c for c in clauses if c.kind == "effective_on_publication" and c.subject in ("own", "bare")
    ]
    starts = [c for c in clauses if c.kind == "starts" and c.start and c.subject != "other"]
    short = sum(len(p) for p in paragraphs) < 1500 and not any(
        re.match(r"^第[一二三四五六七八九十]+条", p) for p in paragraphs
    )
    scope = _scope_range(clauses)
    if own_eff:
        c = own_eff[0]
        ex.effective = DatedFact(c.start, "stated", c.sentence, "effective date stated")
    elif scope and scope.start:
        ex.effective = DatedFact(scope.start, "stated", scope.sentence, "the document's period")
    elif on_pub:
        c = on_pub[0]
        by_issue = c.trigger in ("印发", "下发", "发文", "发出")
        source = ex.issued if by_issue else ex.published
        what = "issue (印发)" if by_issue else "publication (公布/发布)"
        rule = f"自{c.trigger}之日起施行: effective on the {what} date"
        if source.value and source.basis == "stated":
            ex.effective = DatedFact(source.value, "stated", c.sentence, rule)
        elif not by_issue and ex.issued.value and ex.issued.basis == "stated":
            # the text dates its signing, not its publication: taken as the same day, and
            # marked 推断 in every output
            ex.published = DatedFact(
                ex.issued.value,
                "inferred",
                ex.issued.evidence,
                "no publication date stated; the 成文日期 is taken as the publication date",
            )
            ex.effective = DatedFact(
                ex.issued.value, "inferred", c.sentence, rule + " (taken as the 成文日期)"
            )
        else:
            ex.effective = DatedFact(
                None, "unknown", c.sentence, rule + " (that date is not stated)"
            )
    elif len({c.start for c in bare_eff}) == 1:
        c = bare_eff[0]
        ex.effective = DatedFact(c.start, "stated", c.sentence, "effective date stated")
    elif short and len(starts) == 1 and not any(c.kind == "range" for c in clauses):
        # a short notice that makes one change from a date (从…起，将…调整为…; 自…起，启用…)
        c = starts[0]
        ex.effective = DatedFact(c.start, "stated", c.sentence, "the notice's one change starts")
    expires = [c for c in clauses if c.kind == "expires_date" and c.end and c.subject == "own"]
    periods = [c for c in clauses if c.kind == "period" and c.subject == "own"]
    if expires:
        c = expires[0]
        ex.expires = DatedFact(c.end, "stated", c.sentence, "有效期至 / 执行至")
    elif scope and scope.end:
        ex.expires = DatedFact(scope.end, "stated", scope.sentence, "the document's period")
    elif periods:
        c = periods[0]
        what = f"有效期{c.years}年" if c.years else f"有效期{c.months}个月"
        start = ex.effective.value
        if start:
            end = add_years(start, c.years) if c.years else add_months(start, c.months)
            ex.expires = DatedFact(
                end, "inferred", c.sentence, f"{what}: effective + period − 1 day"
            )
        else:
            ex.expires = DatedFact(
                None, "unknown", c.sentence, f"{what} from an unknown effective date"
            )
    _labels_fill(ex, page.labels)
    _check_order(ex)


def _labels_fill(ex: Extracted, labels: LabelBlock) -> None:
    pair = labels.first("effective")
    if pair is not None and ex.expires.value is None:
        m = re.search(rf"至\s*{DATE}", pair.value)
        if m:
            end = to_date(*m.groups())
            if end:
                ex.expires = DatedFact(
                    end, "stated", pair.line, f"page label {pair.label} (a period)"
                )
    for fld in ("effective", "expires"):
        found = _label_date(labels, fld)
        if found is None:
            continue
        day, line, label = found
        fact: DatedFact = getattr(ex, fld)
        if fact.value is None:
            setattr(ex, fld, DatedFact(day, "stated", line, f"page label {label}"))
        elif fact.value != day:
            note_conflict(ex, fld, str(day), f"the page's label {label}")


def _check_order(ex: Extracted) -> None:
    """An impossible window (the end before the start) is a warning, never stored."""
    eff, exp = ex.effective.value, ex.expires.value
    if eff and exp and exp < eff:
        ex.warnings.append(
            f"the expiry {exp} is before the effective date {eff} (“{ex.expires.evidence.strip()[:80]}”); "
            "the expiry was not kept — set it with --set expires=YYYY-MM-DD if the text is wrong"
        )
        ex.expires = DatedFact(
            None, "unknown", ex.expires.evidence, "impossible window: ends before it starts"
        )


def read_dates(ex: Extracted, paragraphs: list[str], page: PageEvidence, wrapped: set[str]) -> None:
    """Published, effective and expires of one document (issued is read with the header)."""
    read_published(ex, paragraphs, page)
    if ex.kind == "interpretation":
        return  # a 解读 restates the validity of the document it explains, not its own
    read_window(ex, paragraphs, page, {ex.title, *wrapped})
    ex.provisional = bool(re.search(r"暂行|试行", ex.title or ""))
