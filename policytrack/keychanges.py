"""Key changes between two versions: what a policy analyst reads first.

Each modified unit (an aligned pair whose text changed) is read for facts of eleven kinds,
compared old against new, and the differences become `UnitFact`s. The same change made in many
units (市场主体 → 经营主体 in 29 articles) is then grouped into one `KeyChange` that lists the
units, and the changes are ranked: obligations, money, deadlines, penalties and approvals first;
renames and wording last.

Kinds (the JSON codes; docs/diff.md gives their Chinese names):
money · percentage · deadline · date · actor · approval · obligation · penalty · scope ·
subsidy · term.

Rules are written for the genre (laws, regulations and policy measures), never for one text:
a value written two ways (五千元, 5000元, 0.5万元) is one value; a fine is a penalty, not a money
change; an administrative level that changes (区、县 → 区) is an actor change of its own.
Measured on the labelled pairs in tests/fixtures/keychanges (python -m benchmarks.keychanges).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .chinese import cn_to_int
from .lazyre import on_use

Similarity = Callable[[str, str], float]

KINDS = (
    "obligation",
    "money",
    "deadline",
    "penalty",
    "approval",
    "subsidy",
    "percentage",
    "date",
    "scope",
    "actor",
    "term",
)
"""Every kind, in ranking order: what binds or costs people first, wording last."""

KIND_LABELS = {
    "obligation": "义务",
    "money": "金额",
    "deadline": "期限",
    "penalty": "处罚",
    "approval": "审批备案",
    "subsidy": "补贴优惠",
    "percentage": "比例",
    "date": "日期",
    "scope": "适用范围",
    "actor": "部门",
    "term": "用语",
}


@dataclass(frozen=True)
class UnitFact:
    """One fact that changed inside one unit: kind, old and new value, the sentence, and the
    values as the text writes them (a value is compared in one form: 五千元 → 5000元)."""

    kind: str
    old: str
    new: str
    sentence: str
    old_text: str = ""
    new_text: str = ""


@dataclass(frozen=True)
class KeyChange:
    """One key change, possibly made in several units: kind, old → new, where, and a sentence."""

    kind: str
    old: str
    new: str
    sentence: str
    units: tuple[str, ...]  # unit labels in the new version (the old one's for removed text)
    anchors: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The change in one Chinese line: 罚款 5000元以上10000元以下 → 500元以上2000元以下."""
        label = KIND_LABELS[self.kind]
        if self.old and self.new:
            body = f"{self.old} → {self.new}"
        elif self.new:
            body = f"新增 {self.new}"
        else:
            body = f"删除 {self.old}"
        return f"{label}：{body}"

    @property
    def where(self) -> str:
        """The units, shortened: 第六条 or 第六条等 6 条."""
        if len(self.units) == 1:
            return self.units[0]
        return f"{self.units[0]}等 {len(self.units)} 条"


# --- numbers -------------------------------------------------------------------------------------

_CN_NUM = "〇零一二两三四五六七八九十百千万"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
NUM = (_CN_NUM, _NUM)
"""The Chinese numeral characters, and a pattern for a number written either way."""
CJK = on_use(r"[\u4e00-\u9fff]")
_UNIT = {"": 1, "万": 10_000, "千": 1_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}


def number(text: str) -> float | None:
    try:
        return float(text) if text[0].isdigit() else float(cn_to_int(text))
    except (ValueError, IndexError):
        return None


def fmt_number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


# an amount: 5000元, 五千元, 2万元, 1.5亿元; the bare first half of a range (五千以上…元) too
_AMOUNT = on_use(rf"(?P<n>{_NUM})(?P<u>亿|千万|百万|万)?(?P<y>元)?(?P<r>以上|以下|至|到|-|—|～|~)?")


def amounts(text: str) -> list[tuple[int, int, float]]:
    """(start, end, yuan) of each money amount. The first half of a range takes the second
    half's unit (处五千以上一万元以下 is 5,000 to 10,000 yuan)."""
    out: list[tuple[int, int, float]] = []
    found = list(_AMOUNT.finditer(text))
    for k, m in enumerate(found):
        n = number(m.group("n"))
        if n is None:
            continue
        unit = m.group("u") or ""
        if m.group("y"):
            out.append((m.start(), m.end(), n * _UNIT[unit]))
            continue
        # 五千以上一万元以下: a bare number right before the other end of its range
        if m.group("r") in ("以上", "至", "到", "-", "—", "～", "~") and k + 1 < len(found):
            nxt = found[k + 1]
            if nxt.start() == m.end() and nxt.group("y"):
                next_unit = nxt.group("u") or ""
                # 五千以上一万元: 千 is part of the numeral, the yuan unit applies as stated
                scale = (
                    _UNIT[unit]
                    if unit
                    else (1 if _is_self_scaled(m.group("n")) else _UNIT[next_unit])
                )
                out.append((m.start(), m.end(), n * scale))
    return out


def _is_self_scaled(numeral: str) -> bool:
    """A Chinese numeral carries its own magnitude (五千); a bare digit run may not (5 in 5至10万元)."""
    return not numeral[0].isdigit()


def canonical_numbers(text: str) -> str:
    """The text with every amount written as digits in yuan and every other Chinese numeral
    before a unit of time or count written as digits: 处五千以上一万元以下 → 处5000元以上10000元以下."""
    spans = amounts(text)
    out, pos = [], 0
    for start, end, yuan in spans:
        out.append(text[pos:start])
        tail = text[start:end]
        rng = re.search(r"(以上|以下|至|到|-|—|～|~)$", tail)
        out.append(f"{fmt_number(yuan)}元" + (rng.group(1) if rng else ""))
        pos = end
    out.append(text[pos:])
    rest = "".join(out)
    return re.sub(
        rf"([{_CN_NUM}]+)(?=个?(?:工作日|日|天|个月|月|年|小时|周岁|人|倍))",
        lambda m: (
            fmt_number(number(m.group(1)) or 0) if number(m.group(1)) is not None else m.group(1)
        ),
        rest,
    )


# --- sentences -------------------------------------------------------------------------------------

_SENTENCE_END = on_use(r"[。；！？\n]")
_FULL_SENTENCE_END = on_use(r"[。！？\n]")


def sentences(text: str, *, whole: bool = False) -> list[str]:
    """Sentences and clauses ending in 。；！？ or a line break (`whole`: sentences only, the
    clauses after ； kept in their sentence)."""
    out, start = [], 0
    ends = _FULL_SENTENCE_END if whole else _SENTENCE_END
    for m in ends.finditer(text + "\n"):
        s = (text + "\n")[start : m.end()].strip()
        if s.strip("。；！？\n "):
            out.append(s)
        start = m.end()
    return out


def yuan_text(yuan: float) -> str:
    """An amount as a reader writes it: 20000000 → 2000万元, 5000 → 5000元."""
    if yuan >= 100_000_000 and yuan % 10_000_000 == 0:
        return f"{fmt_number(yuan / 100_000_000)}亿元"
    if yuan >= 10_000 and yuan % 100 == 0:
        return f"{fmt_number(yuan / 10_000)}万元"
    return f"{fmt_number(yuan)}元"


def same_number(a: str, b: str) -> bool:
    """Two writings of one value (五千元 and 5000元, 处2 and 处二)."""
    if canonical_numbers(a) == canonical_numbers(b):
        return True
    digits = re.compile(rf"[{_CN_NUM}]+")

    def as_digits(s: str) -> str:
        return digits.sub(lambda m: fmt_number(number(m.group(0)) or 0), canonical_numbers(s))

    return as_digits(a) == as_digits(b)


_NUMERAL_CHAR = on_use(rf"[{_CN_NUM}\d]")


def numerals_only(a: str, b: str) -> bool:
    """Two fragments that differ only in their numerals: a renumbered cross-reference
    (第十六条 → 第十五条) or a changed number (人数三分之二 → 人数四分之三), never a word."""
    return _NUMERAL_CHAR.sub("", a) == _NUMERAL_CHAR.sub("", b)


# --- edit regions -------------------------------------------------------------------------------------


# prepositions and conjunctions a word does not begin with
_PARTICLES = frozenset("同和与及或的对向由在为将把被从以于其并")


def edit_regions(edits: Sequence[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """Replace regions (old fragment, new fragment, start in the new text) of an inline diff
    given as (op, text) runs. Edits separated by one equal character are one region
    ([-物权-]法{+典+} → 物权法 → 民法典); a one-character region takes its left neighbour
    (领[-购-]{+用+} → 领购 → 领用)."""
    out: list[tuple[str, str, int]] = []
    k, pos = 0, 0
    prev_equal = ""
    while k < len(edits):
        op, text = edits[k]
        if op == "equal":
            prev_equal = text
            pos += len(text)
            k += 1
            continue
        old_frag, new_frag, start = "", "", pos
        while k < len(edits):
            op, text = edits[k]
            if op == "delete":
                old_frag += text
            elif op == "insert":
                new_frag += text
                pos += len(text)
            elif len(text) == 1 and k + 1 < len(edits) and CJK.match(text):
                old_frag += text
                new_frag += text
                pos += 1
            else:
                break
            k += 1
        next_equal = edits[k][1] if k < len(edits) and edits[k][0] == "equal" else ""
        if len(old_frag) <= 1 and len(new_frag) <= 1 and prev_equal and CJK.match(prev_equal[-1]):
            if prev_equal[-1] in _PARTICLES and next_equal and CJK.match(next_equal[0]):
                # after a particle the word goes on to the right: 同[-相-]{+有+}关 → 相关 → 有关
                old_frag += next_equal[0]
                new_frag += next_equal[0]
            else:
                old_frag = prev_equal[-1] + old_frag
                new_frag = prev_equal[-1] + new_frag
                start -= 1
        out.append((old_frag, new_frag, start))
    return out


class Region(NamedTuple):
    """A replace region of an inline diff: old and new fragment, the new sentence it sits
    in, and where in that sentence it is."""

    old: str
    new: str
    sentence: str
    at: int


def regions_in_sentences(new: str, edits: Sequence[tuple[str, str]]) -> list[Region]:
    """Each replace region with the new sentence it sits in."""
    out = []
    for old_frag, new_frag, start in edit_regions(edits):
        left = max(new.rfind(p, 0, start) for p in "。；！？\n") + 1
        rights = [i for i in (new.find(p, start + len(new_frag)) for p in "。；！？\n") if i >= 0]
        right = min(rights) + 1 if rights else len(new)
        raw = new[left:right]
        sentence = raw.strip()
        at = start - left - (len(raw) - len(raw.lstrip()))
        out.append(Region(old_frag, new_frag, sentence, max(0, at)))
    return out


def term_candidates(edits: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Word substitutions of an inline diff: candidates for a systematic rename (a number
    written another way, or a renumbered cross-reference, is none)."""
    out = []
    for old_frag, new_frag, _ in edit_regions(edits):
        if not old_frag or not new_frag or len(old_frag) > 12 or len(new_frag) > 12:
            continue
        if len(CJK.findall(old_frag)) < 2 or len(CJK.findall(new_frag)) < 2:
            continue
        if same_number(old_frag, new_frag):
            continue
        if numerals_only(old_frag, new_frag):
            continue
        out.append((old_frag, new_frag))
    return out + _alternatives_dropped(edits)


def _alternatives_dropped(edits: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """An alternative dropped after a word of the same stem (股东会[-或者股东大会-] → 股东会或者
    股东大会 → 股东会), or added (A → A或者B): a wording substitution too."""
    out = []
    for k in range(1, len(edits)):
        op, text = edits[k]
        prev_op, prev = edits[k - 1]
        if op == "equal" or prev_op != "equal":
            continue
        if k + 1 < len(edits) and edits[k + 1][0] != "equal":
            continue  # a replacement, not a pure deletion or insertion
        m = re.fullmatch(r"(或者|或)([\u4e00-\u9fff]{2,8})", text)
        if not m:
            continue
        alternative = m.group(2)
        # the word before it: the shortest tail of the equal text that begins like the alternative
        word = next(
            (prev[-n:] for n in range(2, len(alternative) + 1) if prev[-n:][0] == alternative[0]),
            "",
        )
        if not word or word == alternative:
            continue
        both = word + m.group(1) + alternative
        out.append((both, word) if op == "delete" else (word, both))
    return out


# --- grouping and ranking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRead:
    """What one modified unit contributes: its label and anchor, its facts and its word
    substitutions."""

    label: str
    anchor: str
    facts: tuple[UnitFact, ...]
    substitutions: tuple[tuple[str, str], ...]


def group(reads: Sequence[UnitRead]) -> tuple[KeyChange, ...]:
    """One change made in several units becomes one KeyChange listing them; a word replaced
    the same way in two or more units (and not already read as another kind) is a wording
    change; the result is ranked by kind, then by how many units a change touches."""
    grouped: dict[tuple[str, ...], list[tuple[UnitRead, UnitFact]]] = {}
    for r in reads:
        for f in r.facts:
            grouped.setdefault((f.kind, f.old, f.new, *_organs(f)), []).append((r, f))
    subs: dict[tuple[str, str], list[UnitRead]] = {}
    for r in reads:
        for a, b in dict.fromkeys(r.substitutions):
            # already read as another kind (a department, a clause): not a wording change
            values = [x for f in r.facts for x in (f.old, f.new, f.old_text, f.new_text) if x]
            if any(a in x or b in x for x in values):
                continue
            # or a value written inside it (较长 → 六个月以上 is the deadline 6个月)
            if any(len(x) >= 2 and x in canonical_numbers(a + "|" + b) for x in values):
                continue
            subs.setdefault((a, b), []).append(r)
    for (a, b), units in subs.items():
        if len(units) >= 2:
            fact = UnitFact("term", a, b, "")
            grouped.setdefault(("term", a, b), []).extend((u, fact) for u in units)
    out = []
    for items in grouped.values():
        f0 = items[0][1]
        out.append(
            KeyChange(
                f0.kind,
                f0.old_text or f0.old if f0.kind == "actor" else f0.old,
                f0.new_text or f0.new if f0.kind == "actor" else f0.new,
                next((f.sentence for _, f in items if f.sentence), ""),
                tuple(dict.fromkeys(r.label for r, _ in items)),
                tuple(dict.fromkeys(r.anchor for r, _ in items)),
            )
        )
    rank = {k: n for n, k in enumerate(KINDS)}
    out.sort(key=lambda c: (rank[c.kind], -len(c.units)))
    return tuple(out)


ORGANS_OF_STATE = frozenset({"人民政府", "人民法院", "人民检察院", "人大常委会"})


def _organs(f: UnitFact) -> tuple[str, str]:
    """The organ words after a department's function (保密工作机构 → 工作机构): departments of one
    function but different organs are not one change (保密工作机构 ≠ 保密行政管理部门)."""
    if f.kind != "actor":
        return ("", "")
    if f.old in ORGANS_OF_STATE or f.new in ORGANS_OF_STATE:
        # a government, court or procuratorate is told apart by its level: 地方各级人民政府 and
        # 省、自治区、直辖市人民政府 are two bodies
        return (f.old_text, f.new_text)

    def organ(value: str, text: str) -> str:
        at = text.find(value) if value else -1
        return text[at + len(value) :] if at >= 0 else ""

    return (organ(f.old, f.old_text), organ(f.new, f.new_text))


def ranked(changes: Sequence[KeyChange], cap: int) -> tuple[tuple[KeyChange, ...], int]:
    """The first `cap` changes and how many more there are (shown as 另有 N 项)."""
    return tuple(changes[:cap]), max(0, len(changes) - cap)
