"""Patterns compiled on first use behave as the compiled pattern does."""

from __future__ import annotations

import re

from policytrack import chinese, model
from policytrack.lazyre import on_use


def test_a_pattern_compiles_on_first_use_and_answers_as_re_compile() -> None:
    text = "根据京技管发〔2024〕29号，第三条（一）废止。"
    lazy = on_use(rf"[{chinese.CJK}]+")
    assert "compiled" not in vars(lazy)
    assert lazy.pattern == rf"[{chinese.CJK}]+"  # there before compiling, to build others
    assert "compiled" not in vars(lazy)
    plain = re.compile(rf"[{chinese.CJK}]+")
    assert lazy.findall(text) == plain.findall(text)
    assert "compiled" in vars(lazy)
    assert lazy.sub("-", text) == plain.sub("-", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.flags == plain.flags and lazy.groups == plain.groups


def _found(pattern: re.Pattern[str], text: str) -> tuple[object, ...]:
    m = pattern.search(text)
    return (m.span(), m.groups()) if m else ()


def test_module_patterns_answer_as_their_compiled_selves() -> None:
    """Every pattern of the model on real doc numbers and titles, against re.compile."""
    texts = (
        "京技管发〔2024〕29号",
        "财政部 税务总局公告2023年第19号",
        "国务院令第802号",
        "关于印发《北京市机动车停车条例（2021年修订）》的通知（征求意见稿）",
    )
    lazy = [v for v in vars(model).values() if type(v).__name__ == "_OnUse"]
    assert len(lazy) >= 10
    for pattern in lazy:
        plain = re.compile(pattern.pattern)
        for text in texts:
            assert _found(pattern, text) == _found(plain, text), pattern.pattern
            assert pattern.findall(text) == plain.findall(text), pattern.pattern
