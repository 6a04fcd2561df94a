"""Chinese date expressions and validity clauses → dates with their sentences.

No general-purpose date parser reads these (dateparser misses 自公布之日起施行 and guesses
today's day for 2024年11月), so each clause is a small named rule here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from policytrack.chinese import cn_to_int

# a year in Chinese numerals, with the zero as 〇, ○, 零, a Latin O or an ASCII 0 (二OO五, 二00五)
_Y = r"(\d{4}|(?=[〇零○OＯ0一二三四五六七八九]{4})[一二三四五六七八九][〇零○OＯ0一二三四五六七八九]{3})"
_M = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_D = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = rf"{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*日"
DATE_RE = re.compile(DATE)
ISO_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def to_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(cn_to_int(y), cn_to_int(m), cn_to_int(d))
    except ValueError:
        return None


def first_date(text: str) -> date | None:
    m = DATE_RE.search(text)
    if m:
        return to_date(*m.groups())
    m = ISO_DATE_RE.search(text)
    return to_date(*m.groups()) if m else None


def add_years(start: date, years: int) -> date:
    """start + years − 1 day: 有效期3年 from 2024-01-01 runs to 2026-12-31."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return end - timedelta(days=1)


def add_months(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    day = start.day
    while True:
        try:
            end = date(year, month, day)
            break
        except ValueError:
            day -= 1
    return end - timedelta(days=1)


_ACT = r"(?:施行|实施|执行|生效)"
_PUB = r"(公布|发布|印发|颁布|公告|下发|发文)"


@dataclass(frozen=True)
class Clause:
    """A validity clause found in a sentence."""

    kind: str  # effective_on_publication | effective_date | expires_date | period_years | period_months | range
    sentence: str
    start: date | None = None
    end: date | None = None
    years: int = 0
    months: int = 0
    trigger: str = ""


_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "range",
        re.compile(
            rf"(?:执行期限|实施期限|有效期|执行期|施行期)(?:限)?(?:为|是)?(?:自|从)?{DATE}(?:起)?(?:至|到|—|－|-)+{DATE}"
        ),
    ),
    ("effective_on_publication", re.compile(rf"自?{_PUB}之日起{_ACT}")),
    ("effective_date", re.compile(rf"(?:自|从|于)?{DATE}起(?:正式)?{_ACT}")),
    ("expires_date", re.compile(rf"有效期(?:限)?(?:为|是)?(?:截)?至{DATE}(?:止)?")),
    (
        "period_years",
        re.compile(r"有效期(?:限)?(?:为|是)?(\d{1,2}|[一二三四五六七八九十两]{1,3})年"),
    ),
    (
        "period_months",
        re.compile(r"有效期(?:限)?(?:为|是)?(\d{1,3}|[一二三四五六七八九十两]{1,3})个月"),
    ),
)


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, split after 。；！？ (kept)."""
    return [s for s in re.split(r"(?<=[。；！？])", text) if s.strip()]


def find_clauses(paragraphs: list[str]) -> list[Clause]:
    """Every validity clause in the text, in order."""
    found: list[Clause] = []
    for para in paragraphs:
        for sent in sentences(para):
            for kind, regex in _RULES:
                for m in regex.finditer(sent):
                    g = m.groups()
                    if kind == "range":
                        found.append(Clause(kind, sent, to_date(*g[0:3]), to_date(*g[3:6])))
                    elif kind == "effective_on_publication":
                        found.append(Clause(kind, sent, trigger=g[0]))
                    elif kind == "effective_date":
                        found.append(Clause(kind, sent, to_date(*g[0:3])))
                    elif kind == "expires_date":
                        found.append(Clause(kind, sent, end=to_date(*g[0:3])))
                    elif kind == "period_years":
                        found.append(Clause(kind, sent, years=cn_to_int(g[0])))
                    else:
                        found.append(Clause(kind, sent, months=cn_to_int(g[0])))
    return found
