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

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .chinese import cn_to_int
from .facts import departments

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
    """One fact that changed inside one unit: kind, old and new value, and the sentence."""

    kind: str
    old: str
    new: str
    sentence: str


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
_UNIT = {"": 1, "万": 10_000, "千": 1_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}


def _number(text: str) -> float | None:
    try:
        return float(text) if text[0].isdigit() else float(cn_to_int(text))
    except (ValueError, IndexError):
        return None


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


# an amount: 5000元, 五千元, 2万元, 1.5亿元; the bare first half of a range (五千以上…元) too
_AMOUNT = re.compile(rf"(?P<n>{_NUM})(?P<u>亿|千万|百万|万)?(?P<y>元)?(?P<r>以上|以下|至|到|-|—|～|~)?")


def amounts(text: str) -> list[tuple[int, int, float]]:
    """(start, end, yuan) of each money amount. The first half of a range takes the second
    half's unit (处五千以上一万元以下 is 5,000 to 10,000 yuan)."""
    out: list[tuple[int, int, float]] = []
    found = list(_AMOUNT.finditer(text))
    for k, m in enumerate(found):
        n = _number(m.group("n"))
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
                scale = _UNIT[unit] if unit else (1 if _is_self_scaled(m.group("n")) else _UNIT[next_unit])
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
        out.append(f"{_fmt(yuan)}元" + (rng.group(1) if rng else ""))
        pos = end
    out.append(text[pos:])
    rest = "".join(out)
    return re.sub(
        rf"([{_CN_NUM}]+)(?=个?(?:工作日|日|天|个月|月|年|小时|周岁|人|倍))",
        lambda m: _fmt(_number(m.group(1)) or 0) if _number(m.group(1)) is not None else m.group(1),
        rest,
    )


# --- sentences -------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。；！？\n]")


def sentences(text: str) -> list[str]:
    """Sentences and clauses ending in 。；！？ or a line break."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text + "\n"):
        s = (text + "\n")[start : m.end()].strip()
        if s.strip("。；！？\n "):
            out.append(s)
        start = m.end()
    return out


def _sentence_with(text: str, needle: str) -> str:
    for s in sentences(text):
        if needle and needle in s:
            return s
    return ""


# --- per-kind readers ---------------------------------------------------------------------------------

_FINE_CLAUSE = re.compile(r"(?:并处|处以|可以处|可以并处|处)[^，。；：]*?(?:罚款|罚金)")
_MONEY_CONTEXT_EXCLUDE = re.compile(r"罚款|罚金")


def _money_values(text: str) -> list[tuple[float, str]]:
    """Money amounts outside fines, with their sentence."""
    out = []
    for s in sentences(text):
        if _MONEY_CONTEXT_EXCLUDE.search(s):
            continue
        for start, end, yuan in amounts(s):
            if "元" in s[start:end]:
                out.append((yuan, s))
    return out


def _yuan_text(yuan: float) -> str:
    if yuan >= 100_000_000 and yuan % 10_000_000 == 0:
        return f"{_fmt(yuan / 100_000_000)}亿元"
    if yuan >= 10_000 and yuan % 100 == 0:
        return f"{_fmt(yuan / 10_000)}万元"
    return f"{_fmt(yuan)}元"


def _multiset_changes(
    kind: str, old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> list[UnitFact]:
    """Values (with their sentences) that differ between two lists, paired in order of
    appearance: a value replaced in place is one change old → new."""
    old_vals = [v for v, _ in old]
    new_vals = [v for v, _ in new]
    out: list[UnitFact] = []
    sm = difflib.SequenceMatcher(None, old_vals, new_vals, autojunk=False)
    removed: list[tuple[str, str]] = []
    added: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        removed += old[i1:i2]
        added += new[j1:j2]
    # a value that only moved inside the unit is no change
    for item in list(removed):
        match = next((a for a in added if a[0] == item[0]), None)
        if match is not None:
            removed.remove(item)
            added.remove(match)
    for k in range(max(len(removed), len(added))):
        o = removed[k] if k < len(removed) else ("", "")
        n = added[k] if k < len(added) else ("", "")
        out.append(UnitFact(kind, o[0], n[0], n[1] or o[1]))
    return out


def money_facts(old: str, new: str) -> list[UnitFact]:
    return _multiset_changes(
        "money",
        [(_yuan_text(v), s) for v, s in _money_values(old)],
        [(_yuan_text(v), s) for v, s in _money_values(new)],
    )


_PERCENT = re.compile(
    rf"\d+(?:\.\d+)?\s*[%％]|百分之[{_CN_NUM}点]+|[{_CN_NUM}]+分之[{_CN_NUM}]+|(?<![\d:.])\d+(?:\.\d+)?[:：]\d+(?:\.\d+)?(?![\d:])"
)


def _percent_values(text: str) -> list[tuple[str, str]]:
    return [
        (m.group(0).replace(" ", "").replace("％", "%"), s)
        for s in sentences(text)
        for m in _PERCENT.finditer(s)
    ]


def percentage_facts(old: str, new: str) -> list[UnitFact]:
    return _multiset_changes("percentage", _percent_values(old), _percent_values(new))


# a time limit: 15日内, 三十个工作日内, 提前六十日, 三个月前, 自…之日起二十日内
_DEADLINE = re.compile(
    rf"(?P<pre>提前|逾期|届满前)?(?P<n>{_NUM})(?P<u>个工作日|个月|工作日|日|天|月|年|小时)(?P<post>内|以内|之内|前|后)?"
)


def _deadline_values(text: str) -> list[tuple[str, str]]:
    out = []
    for s in sentences(text):
        for m in _DEADLINE.finditer(s):
            if not (m.group("pre") or m.group("post")):
                continue
            if m.group("u") in ("年", "月") and s[m.end() : m.end() + 1].isdigit():
                continue  # a date (2024年5月), not a period
            if re.match(r"\d{4}$", m.group("n")):
                continue
            n = _number(m.group("n"))
            if n is None:
                continue
            unit = m.group("u").replace("天", "日")
            if unit == "月":
                unit = "个月"
            if unit == "工作日":
                unit = "个工作日"
            out.append((f"{_fmt(n)}{unit}", s))
    return out


def deadline_facts(old: str, new: str) -> list[UnitFact]:
    return _multiset_changes("deadline", _deadline_values(old), _deadline_values(new))


_DATE = re.compile(
    r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)


def _date_values(text: str) -> list[tuple[str, str]]:
    out = []
    for s in sentences(text):
        for m in _DATE.finditer(s):
            y, mo = _number(m.group(1)), _number(m.group(2))
            if y is None or mo is None:
                continue
            d = _number(m.group(3)) if m.group(3) else None
            value = f"{int(y)}年{int(mo)}月" + (f"{int(d)}日" if d else "")
            out.append((value, s))
    return out


def date_facts(old: str, new: str) -> list[UnitFact]:
    return _multiset_changes("date", _date_values(old), _date_values(new))


# --- actors -------------------------------------------------------------------------------------------

_ACTOR_SUFFIX = (
    "人民政府|主管部门|行政部门|管理部门|监管部门|部门|委员会|管理局|监督局|局|厅|办公室|机关|机构"
)
# the CJK run before a suffix, cut back to the last function word or punctuation
_ACTOR = re.compile(rf"[\u4e00-\u9fff、]{{0,16}}?(?:{_ACTOR_SUFFIX})")
_CUT = re.compile(
    r".*(?:由|向|经|报|会同|和|或者|及其|以及|及|与|并|对|在|将|应当|可以|负责|的|是|为|按照|根据|请|商|指定|委托|协助|配合|通过|其他|有关|各自|本|该|同|所属|上述|原|给予|提请|责令|其|从|自|于|依照|依法|设立|组织|属于|包括|等)"
)
_LEVEL = re.compile(
    r"^(?:国务院|中央|县级以上地方各级|县级以上地方|县级以上|地方各级|各级|本级|同级|上级|"
    r"(?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇)(?:、(?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇))*)"
)
_GENERIC_ACTORS = {
    "部门",
    "有关部门",
    "主管部门",
    "行政部门",
    "管理部门",
    "机关",
    "机构",
    "委员会",
    "办公室",
    "局",
    "厅",
    "人民政府",
    "行政机关",
    "国家机关",
    "有关机关",
    "主管机关",
}
# a list of department names before 等…部门: 公安、住房城乡建设、农业、环保等…部门
_LIST = re.compile(r"((?:[\u4e00-\u9fff]{2,10}、){2,}[\u4e00-\u9fff]{2,10})等[^。；]{0,40}?部门")


_DEPT_CLAUSE = re.compile(r"[（(](?:责任部门|责任单位|牵头部门|牵头单位|主责部门)[：:][^）)]+[）)]")


def _actor_names(text: str) -> list[tuple[str, str]]:
    """(level, name) of each department or organ named, in order: 市水务部门 → (市, 水务部门)."""
    out: list[tuple[str, str]] = [("", name) for name in departments(text)]
    text = _DEPT_CLAUSE.sub("", text)
    for s in sentences(text):
        for m in _ACTOR.finditer(s):
            phrase = m.group(0)
            cut = _CUT.match(phrase)
            if cut:
                phrase = phrase[cut.end() :]
            phrase = phrase.lstrip("、")
            level_match = _LEVEL.match(phrase)
            level = level_match.group(0) if level_match else ""
            name = phrase[len(level) :]
            if not name or name in _GENERIC_ACTORS or len(name) < 2:
                if level and name:
                    out.append((level, name))
                continue
            out.append((level, name))
        for m in _LIST.finditer(s):
            for item in m.group(1).split("、"):
                cut = _CUT.match(item)
                item = item[cut.end() :] if cut else item
                if len(item) >= 2:
                    out.append(("", item))
    return out


def actor_facts(old: str, new: str, similarity: Similarity) -> list[UnitFact]:
    """Departments renamed, added or removed, and administrative levels that changed."""
    o, n = _actor_names(old), _actor_names(new)
    out: list[UnitFact] = []
    names_o = [name for _, name in o]
    names_n = [name for _, name in n]
    removed = [x for x in dict.fromkeys(names_o) if x not in names_n]
    added = [x for x in dict.fromkeys(names_n) if x not in names_o]
    # pair removed and added names in order of appearance: a rename keeps the name's place
    sm = difflib.SequenceMatcher(None, removed, added, autojunk=False)
    paired_o: set[str] = set()
    paired_n: set[str] = set()
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "replace":
            for a, b in zip(removed[i1:i2], added[j1:j2], strict=False):
                out.append(UnitFact("actor", a, b, _sentence_with(new, b)))
                paired_o.add(a)
                paired_n.add(b)
    for a in removed:
        if a not in paired_o:
            out.append(UnitFact("actor", a, "", _sentence_with(old, a)))
    for b in added:
        if b not in paired_n:
            out.append(UnitFact("actor", "", b, _sentence_with(new, b)))
    # the same name under another level: 区、县教育行政部门 → 区教育行政部门
    levels_o = {(lv, name) for lv, name in o if lv}
    levels_n = {(lv, name) for lv, name in n if lv}
    seen: set[tuple[str, str]] = set()
    for lv, name in sorted(levels_o - levels_n):
        others = sorted(lv2 for lv2, name2 in levels_n if name2 == name and lv2 != lv)
        if others and (lv, others[0]) not in seen and not any(
            (lv3, name) in levels_o for lv3 in others
        ):
            seen.add((lv, others[0]))
            out.append(UnitFact("actor", lv, others[0], _sentence_with(new, others[0] + name)))
    return out


# --- approval ---------------------------------------------------------------------------------------

_APPROVAL = re.compile(
    r"(?:经|报|征得|须经|应当经|报请|报经)[^，。；]{0,45}?(?:批准|同意|审批|审核|核准|许可|审查同意|备案|决定)"
    r"|(?:取得|申请|核发|颁发|领取|发给|签署)[^，。；]{0,20}?(?:许可证|准印证|准用证|批准文件|同意书|许可)"
    r"|由[^，。；]{0,30}?(?:共同决定|表决)|参与表决"
    r"|告知承诺|备案|党中央"
)
_APPROVAL_VERBS = (
    "告知承诺",
    "党中央",
    "共同决定",
    "表决",
    "一致同意",
    "审查同意",
    "批准",
    "同意",
    "审批",
    "审核",
    "核准",
    "许可",
    "备案",
    "同意书",
    "准印证",
    "准用证",
)


def _approval_values(text: str) -> list[tuple[str, str]]:
    out = []
    for s in sentences(text):
        for m in _APPROVAL.finditer(s):
            clause = m.group(0)
            verbs = [v for v in _APPROVAL_VERBS if v in clause]
            # 一致同意 is a stricter 同意, not 同意 as well
            if "一致同意" in verbs:
                verbs.remove("同意")
            if "审查同意" in verbs:
                verbs.remove("同意")
            out.append(("+".join(verbs), clause, s))
    return [(v, c + "\x00" + s) for v, c, s in out]


def approval_facts(old: str, new: str) -> list[UnitFact]:
    o = _approval_values(old)
    n = _approval_values(new)
    facts = _multiset_changes("approval", o, n)
    out = []
    for f in facts:
        # show the clauses, not the signatures
        oc = next((x[1].split("\x00") for x in o if x[0] == f.old), ["", ""]) if f.old else ["", ""]
        nc = next((x[1].split("\x00") for x in n if x[0] == f.new), ["", ""]) if f.new else ["", ""]
        out.append(UnitFact("approval", oc[0], nc[0], nc[1] or oc[1]))
    return out


# --- obligations ----------------------------------------------------------------------------------

_MODAL = re.compile(r"应当|可以|不得|必须|禁止|严禁|无需|不需要|不再")


def obligation_facts(old: str, new: str, similarity: Similarity) -> list[UnitFact]:
    """A duty made stronger or weaker in a sentence kept from the old text (可以 → 应当,
    必须 → 应当, 不得 dropped); a wholly new sentence is not a change of strength."""
    out: list[UnitFact] = []
    olds = sentences(old)
    for s in sentences(new):
        if s in olds:
            continue
        best = max(olds, key=lambda o: similarity(o, s), default="")
        if not best or similarity(best, s) < 0.6:
            continue
        mo = [m.group(0) for m in _MODAL.finditer(best)]
        mn = [m.group(0) for m in _MODAL.finditer(s)]
        if sorted(mo) == sorted(mn):
            continue
        gone = [x for x in mo if x not in mn]
        came = [x for x in mn if x not in mo]
        if gone or came:
            out.append(UnitFact("obligation", "、".join(gone), "、".join(came), s))
    return out


# --- penalties -------------------------------------------------------------------------------------------

_SANCTION = re.compile(
    r"吊销[^，。；、]{0,14}?(?:许可证|执照|证书|资格|证)|没收[^，。；]{0,24}|责令[^，。；、]{1,10}"
    r"|停业整顿|撤销[^，。；、]{0,12}?(?:资格|许可|登记|命名)|予以取缔|通报批评|警告|拘留"
)


def _fines(text: str) -> list[tuple[str, str]]:
    out = []
    for s in sentences(text):
        for m in _FINE_CLAUSE.finditer(s):
            clause = m.group(0)
            values = tuple(_fmt(y) for _, _, y in amounts(clause))
            times = re.findall(rf"({_NUM})倍", clause)
            key = "-".join(values) + ("×" + "-".join(times) if times else "")
            if key:
                out.append((key, clause + "\x00" + s))
    return out


def penalty_facts(old: str, new: str) -> list[UnitFact]:
    out = []
    o, n = _fines(old), _fines(new)
    for f in _multiset_changes("penalty", o, n):
        oc = next((x[1].split("\x00") for x in o if x[0] == f.old), ["", ""]) if f.old else ["", ""]
        nc = next((x[1].split("\x00") for x in n if x[0] == f.new), ["", ""]) if f.new else ["", ""]
        out.append(UnitFact("penalty", oc[0], nc[0], nc[1] or oc[1]))
    so = list(dict.fromkeys(m.group(0) for m in _SANCTION.finditer(old)))
    sn = list(dict.fromkeys(m.group(0) for m in _SANCTION.finditer(new)))
    gone = [x for x in so if x not in sn]
    came = [x for x in sn if x not in so]
    if gone or came:
        sentence = _sentence_with(new, came[0]) if came else _sentence_with(old, gone[0])
        out.append(UnitFact("penalty", "、".join(gone), "、".join(came), sentence))
    return out


# --- scope, subsidies and wording --------------------------------------------------------------------

_SCOPE = re.compile(
    r"适用|范围|条件|对象|符合|具备|属于|资格|下列|包括|情形|限于|除外|纳入|认定为|支持对象|注册在"
)
_SUBSIDY = re.compile(r"补贴|补助|奖励|资助|奖补|贴息|优惠|减免|扶持资金|专项资金|支持资金")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def edit_regions(edits: Sequence[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """Replace regions (old fragment, new fragment, position in the new text) of an inline
    diff, given as (op, text) pairs. Edits separated by one equal character are one region
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
            elif len(text) <= 1 and k + 1 < len(edits) and _CJK.match(text or " "):
                old_frag += text
                new_frag += text
                pos += len(text)
            else:
                break
            k += 1
        if len(old_frag) <= 1 and len(new_frag) <= 1 and prev_equal and _CJK.match(prev_equal[-1]):
            old_frag = prev_equal[-1] + old_frag
            new_frag = prev_equal[-1] + new_frag
            start -= 1
        out.append((old_frag, new_frag, start))
    return out


def _touched_sentences(new: str, regions: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, str]]:
    out = []
    for old_frag, new_frag, start in regions:
        left = max(new.rfind(p, 0, start) for p in "。；！？\n") + 1
        rights = [i for i in (new.find(p, start + len(new_frag)) for p in "。；！？\n") if i >= 0]
        right = min(rights) + 1 if rights else len(new)
        out.append((old_frag, new_frag, new[left:right].strip()))
    return out


def _content(fragment: str) -> bool:
    return len(_CJK.findall(fragment)) >= 2


def scope_and_subsidy_facts(
    old: str, new: str, edits: Sequence[tuple[str, str]], explained: set[str]
) -> list[UnitFact]:
    """Eligibility and scope wording changed in a sentence about who or what a rule covers;
    a subsidy or preference added, removed or changed. Edits already explained by another
    kind (a rename, an amount) are not read again."""
    out: list[UnitFact] = []
    scope_done = subsidy_done = False
    for old_frag, new_frag, sentence in _touched_sentences(new, edit_regions(edits)):
        if not (_content(old_frag) or _content(new_frag)):
            continue
        if any(x and (x in old_frag or x in new_frag or old_frag in x) for x in explained if x):
            continue
        if canonical_numbers(old_frag) == canonical_numbers(new_frag):
            continue
        if not subsidy_done and (_SUBSIDY.search(old_frag + new_frag) or _SUBSIDY.search(sentence)):
            if _SUBSIDY.search(old_frag + new_frag) or _SUBSIDY.search(sentence[:60]):
                out.append(UnitFact("subsidy", old_frag, new_frag, sentence))
                subsidy_done = True
                continue
        if not scope_done and _SCOPE.search(sentence):
            out.append(UnitFact("scope", old_frag, new_frag, sentence))
            scope_done = True
    # items added to or removed from an enumeration: （六）窃取…发票数据
    if not scope_done:
        items_o = set(re.findall(r"^[（(][一二三四五六七八九十]+[）)](.+)$", old, re.M))
        items_n = set(re.findall(r"^[（(][一二三四五六七八九十]+[）)](.+)$", new, re.M))
        norm_o = {re.sub(r"[；。，]$", "", x) for x in items_o}
        norm_n = {re.sub(r"[；。，]$", "", x) for x in items_n}
        gone, came = sorted(norm_o - norm_n), sorted(norm_n - norm_o)
        if (gone or came) and len(gone) != len(came):
            out.append(UnitFact("scope", "；".join(gone), "；".join(came), (came or gone)[0]))
    return out


def term_candidates(edits: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Word substitutions of an inline diff: the candidates for a systematic rename."""
    out = []
    for old_frag, new_frag, _ in edit_regions(edits):
        if not old_frag or not new_frag:
            continue
        if canonical_numbers(old_frag) == canonical_numbers(new_frag):
            continue
        if not (_CJK.search(old_frag) and _CJK.search(new_frag)):
            continue
        if len(old_frag) > 12 or len(new_frag) > 12:
            continue
        out.append((old_frag, new_frag))
    return out


# --- a unit, then a document ---------------------------------------------------------------------------


def unit_facts(
    old: str, new: str, edits: Sequence[tuple[str, str]], similarity: Similarity
) -> list[UnitFact]:
    """Every fact that changed between the old and new text of one unit."""
    facts: list[UnitFact] = []
    facts += obligation_facts(old, new, similarity)
    facts += money_facts(old, new)
    facts += deadline_facts(old, new)
    facts += penalty_facts(old, new)
    facts += approval_facts(old, new)
    facts += percentage_facts(old, new)
    facts += date_facts(old, new)
    actors = actor_facts(old, new, similarity)
    explained = {x for f in facts + actors for x in (f.old, f.new) if x}
    facts += scope_and_subsidy_facts(old, new, edits, explained)
    facts += actors
    return facts


@dataclass(frozen=True)
class UnitRead:
    """What one modified unit contributes: its labels, its facts and its word substitutions."""

    label: str
    anchor: str
    facts: tuple[UnitFact, ...]
    substitutions: tuple[tuple[str, str], ...]


def group(reads: Sequence[UnitRead]) -> tuple[KeyChange, ...]:
    """Group the same change made in several units into one, add systematic substitutions
    (the same word replaced in two or more units) as wording changes, and rank."""
    grouped: dict[tuple[str, str, str], list[tuple[UnitRead, UnitFact]]] = {}
    for r in reads:
        for f in r.facts:
            key = (f.kind, f.old, f.new)
            if f.kind in ("actor", "term", "approval"):
                grouped.setdefault(key, []).append((r, f))
            else:
                grouped.setdefault(key + (r.anchor,), []).append((r, f))  # type: ignore[arg-type]
    # systematic substitutions: in two or more units, and not already a department rename
    actor_words = {x for r in reads for f in r.facts if f.kind == "actor" for x in (f.old, f.new) if x}
    subs: dict[tuple[str, str], list[UnitRead]] = {}
    for r in reads:
        for pair in dict.fromkeys(r.substitutions):
            subs.setdefault(pair, []).append(r)
    for (a, b), units in subs.items():
        if len(units) < 2:
            continue
        if any(a in w or b in w or w in a for w in actor_words):
            continue
        fact = UnitFact("term", a, b, "")
        grouped.setdefault(("term", a, b), []).extend((u, fact) for u in units)
    out = []
    for items in grouped.values():
        kind = items[0][1].kind
        labels = tuple(dict.fromkeys(r.label for r, _ in items))
        anchors = tuple(dict.fromkeys(r.anchor for r, _ in items))
        sentence = next((f.sentence for _, f in items if f.sentence), "")
        f0 = items[0][1]
        out.append(KeyChange(kind, f0.old, f0.new, sentence, labels, anchors))
    rank = {k: n for n, k in enumerate(KINDS)}
    out.sort(key=lambda c: (rank[c.kind], -len(c.units)))
    return tuple(out)


def ranked(changes: Sequence[KeyChange], cap: int) -> tuple[tuple[KeyChange, ...], int]:
    """The first `cap` changes and how many more there are (shown as 另有 N 项)."""
    return tuple(changes[:cap]), max(0, len(changes) - cap)
