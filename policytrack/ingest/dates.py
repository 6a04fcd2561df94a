"""Chinese date expressions and validity clauses → dates with their sentences.

No general-purpose date parser reads these (dateparser misses 自公布之日起施行 and guesses
today's day for 2024年11月), so each clause is a small named rule here.
"""

from __future__ import annotations

import re
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


_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, split after 。；！？ (kept)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]
