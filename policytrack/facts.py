"""Structured facts of a unit's text: responsible departments, money, percentages, ratios.

Derived from the text whenever it is needed (never stored), so they cannot drift from it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from policytrack.model import Money, UnitFacts

_DEPTS = re.compile(r"[（(](?:责任部门|责任单位|牵头部门|牵头单位|主责部门)[：:]([^）)]+)[）)]")
_MONEY = re.compile(
    r"(?P<q>最高不超过|累计不超过|最高|不超过|最多|不低于|一次性最高|一次性)?\s*"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>亿|千万|百万|万)?元"
)
_UNIT = {None: 1, "万": 10_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*[%％]")
_RATIO = re.compile(r"(?<![\d:.])\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?(?![\d:])")


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
        yuan = int(Decimal(m.group("n")) * _UNIT[m.group("u")])
        out.append(Money(yuan, m.group(0).strip(), m.group("q") or ""))
    return tuple(out)


def unit_facts(text: str) -> UnitFacts:
    """All structured facts of one unit's text."""
    return UnitFacts(
        departments=departments(text),
        amounts=amounts(text),
        percentages=tuple(m.group(0).replace(" ", "") for m in _PERCENT.finditer(text)),
        ratios=tuple(m.group(0).replace(" ", "") for m in _RATIO.finditer(text)),
    )
