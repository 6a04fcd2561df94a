"""Structured facts of a unit's text: responsible departments, money, percentages, ratios.

Derived from the text whenever it is needed (never stored), so they cannot drift from it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from policytrack.chinese import cn_to_int
from policytrack.model import DatedFact, Money, UnitFacts

from .lazyre import on_use

_DEPTS = on_use(r"[（(](?:责任部门|责任单位|牵头部门|牵头单位|主责部门)[：:]([^）)]+)[）)]")
_MONEY = on_use(
    r"(?P<q>最高不超过|累计不超过|最高|不超过|最多|不低于|一次性最高|一次性)?\s*"
    r"(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十百千万零〇]+)\s*(?P<u>亿|千万|百万|万)?元"
)
_UNIT = {None: 1, "万": 10_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}
_PERCENT = on_use(r"\d+(?:\.\d+)?\s*[%％]")
_RATIO = on_use(r"(?<![\d:.])\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?(?![\d:])")


def departments(text: str) -> tuple[str, ...]:
    """The departments named in （责任部门：A、B） clauses, in order, without repeats."""
    out: list[str] = []
    for m in _DEPTS.finditer(text):
        for name in re.split(r"[、，,；;]", m.group(1)):
            name = name.strip()
            if name and name not in out:
                out.append(name)
    return tuple(out)


def amounts(text: str) -> tuple[Money, ...]:
    """Money amounts in yuan with their qualifier: 最高2000万元 → 20,000,000 (最高)."""
    out = []
    for m in _MONEY.finditer(text):
        n = m.group("n")
        try:
            base = Decimal(n) if n[0].isdigit() else Decimal(cn_to_int(n))
        except ValueError:
            continue
        yuan = int(base * _UNIT[m.group("u")])
        out.append(Money(yuan, m.group(0).strip(), m.group("q") or ""))
    return tuple(out)


def unit_facts(text: str) -> UnitFacts:
    """All structured facts of one unit's text."""
    return UnitFacts(
        deadlines=deadlines(text),
        departments=departments(text),
        amounts=amounts(text),
        percentages=tuple(m.group(0).replace(" ", "") for m in _PERCENT.finditer(text)),
        ratios=tuple(m.group(0).replace(" ", "") for m in _RATIO.finditer(text)),
    )


# --- measure-level deadlines -------------------------------------------------------------------

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_UNTIL = on_use(rf"(?:至|截至|截止到?|到|于)\s*{_DATE}(?:前|止|以前)?")
_YEAR_RANGE = on_use(r"(?<!\d)(20\d{2}|19\d{2})\s*[—–\-－~～至到]+\s*(20\d{2}|19\d{2})\s*年")
_TARGET_YEAR = on_use(r"(?:到|至)\s*(20\d{2}|19\d{2})\s*年(?:底|末)?(?![\d年]*\s*\d{1,2}\s*月)")
_FIRST_YEARS = on_use(r"前\s*([一二三四五六七八九十两\d]{1,2})\s*年")
_EACH_YEAR = on_use(r"每年(?:度)?")


def _sentence_of(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "。；！？\n") + 1
    rights = [i for i in (text.find(p, end) for p in "。；！？\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def deadlines(text: str) -> tuple[DatedFact, ...]:
    """Periods a unit states for itself: 至2025年12月31日, 2024—2026年, 到2026年 (dated);
    前三年 and 每年 (kept as undated periods: the text gives no calendar date for them)."""
    out: list[DatedFact] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _UNTIL.finditer(text):
        if text[max(0, m.start() - 4) : m.start()].endswith(("有效期", "有效期限", "执行期限")):
            continue  # the document's own validity clause, not a measure's period
        try:
            value = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        taken.append(m.span())
        out.append(
            DatedFact(
                value, "stated", _sentence_of(text, *m.span()), f"deadline {m.group(0).strip()}"
            )
        )
    for m in _YEAR_RANGE.finditer(text):
        if free(m):
            taken.append(m.span())
            out.append(
                DatedFact(
                    date(int(m.group(2)), 12, 31),
                    "inferred",
                    _sentence_of(text, *m.span()),
                    f"period {m.group(0)}: ends on the last day of {m.group(2)}",
                )
            )
    for m in _TARGET_YEAR.finditer(text):
        if free(m):
            taken.append(m.span())
            out.append(
                DatedFact(
                    date(int(m.group(1)), 12, 31),
                    "inferred",
                    _sentence_of(text, *m.span()),
                    f"target {m.group(0)}: the last day of {m.group(1)}",
                )
            )
    for m in _FIRST_YEARS.finditer(text):
        # 前三年 counts from each beneficiary's own start (settling in, first sale…), not
        # from a calendar date the text gives: kept as a period, never dated by guess
        out.append(
            DatedFact(
                None,
                "unknown",
                _sentence_of(text, *m.span()),
                f"first {cn_to_int(m.group(1))} years ({m.group(0)}) counted from each beneficiary's start",
            )
        )
    if _EACH_YEAR.search(text):
        m2 = _EACH_YEAR.search(text)
        assert m2 is not None
        out.append(
            DatedFact(
                None,
                "unknown",
                _sentence_of(text, *m2.span()),
                "recurring every year (每年), no end date",
            )
        )
    return tuple(out)
