"""Readers of one modified unit: the facts of each kind that differ between its two texts.

Value kinds (money, percentages, deadlines, dates, fines) are compared sentence by sentence:
each new sentence is paired with the old sentence it most resembles, so a value replaced in a
sentence is one change old → new, and a sentence added whole brings its values as additions.
Departments are found by the names of government functions (公安, 生态环境, 市场监管…)
before an organ word (部门, 局, 机关…), or in a list of such names (公安、交通、水务等部门).

Size: over 1,000 lines because it holds one short reader per kind of fact, in sections (money
and dates, penalties, departments, approval, obligations, scope and subsidies), and an eighth
of the lines are the table of government functions (`DEPARTMENT_STEMS`); the scope and subsidy
readers (about a third) are the next to move to a module of their own (not yet done: they
share the level and clause helpers of the department and approval readers).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence

from .facts import departments
from .keychanges import (
    CJK,
    NUM,
    ORGANS_OF_STATE,
    Region,
    Similarity,
    UnitFact,
    amounts,
    canonical_numbers,
    fmt_number,
    number,
    numerals_only,
    same_number,
    sentences,
    yuan_text,
)

# --- sentence pairs -----------------------------------------------------------------------------


def sentence_pairs(
    old: str, new: str, similarity: Similarity, cut: float = 0.45, *, whole: bool = False
) -> list[tuple[str, str]]:
    """Old and new sentences paired by resemblance, one to one ('' for a sentence on one
    side only), in new order then the old leftovers (`whole`: whole sentences, not the
    clauses between ；)."""
    olds, news = sentences(old, whole=whole), sentences(new, whole=whole)
    scored = sorted(
        (
            (similarity(o, n), i, j)
            for i, o in enumerate(olds)
            for j, n in enumerate(news)
            if o and n
        ),
        reverse=True,
    )
    taken_o: dict[int, int] = {}
    taken_n: set[int] = set()
    for s, i, j in scored:
        if s < cut:
            break
        if i in taken_o or j in taken_n:
            continue
        taken_o[i] = j
        taken_n.add(j)
    by_new = {j: i for i, j in taken_o.items()}
    out = [(olds[by_new[j]] if j in by_new else "", n) for j, n in enumerate(news)]
    out += [(o, "") for i, o in enumerate(olds) if i not in taken_o]
    return out


def values_changed(
    kind: str,
    pairs: Iterable[tuple[str, str]],
    values: Callable[[str], list[tuple[str, str]]],
    *,
    in_context: bool = False,
) -> list[UnitFact]:
    """For each sentence pair, the values that differ, paired in order of appearance. With
    `in_context`, a value dropped from (or added to) a sentence whose other values stay is shown
    with them: 个人…20万元以上的，单位…100万元以上的 → …100万元以上的 is 20万元、100万元 → 100万元
    (one threshold for all), not 20万元 removed."""
    diffs: list[tuple[list[tuple[str, str]], list[tuple[str, str]], str, bool]] = []
    for o, n in pairs:
        vo, vn = values(o) if o else [], values(n) if n else []
        if [v for v, _ in vo] == [v for v, _ in vn]:
            continue
        removed = list(vo)
        added = list(vn)
        for item in list(removed):  # a value kept in the sentence is no change
            match = next((a for a in added if a[0] == item[0]), None)
            if match is not None:
                removed.remove(item)
                added.remove(match)
        kept = len(vo) - len(removed)
        if in_context and o and n and kept and not (removed and added):
            removed = [("、".join(v for v, _ in vo), "、".join(t for _, t in vo))]
            added = [("、".join(v for v, _ in vn), "、".join(t for _, t in vn))]
        diffs.append((removed, added, n or o, bool(o and n)))
    # a value whose sentence was rewritten beyond pairing (removed here, added there) is
    # no change either: 经批准的军营可以… → 经批准的军营应当…
    gone = [v for r, _, _, paired in diffs if not paired for v, _ in r]
    came = [v for _, a, _, paired in diffs if not paired for v, _ in a]
    moved = {v for v in gone if v in came}
    out: list[UnitFact] = []
    for removed, added, sentence, paired in diffs:
        if not paired:
            removed = [x for x in removed if x[0] not in moved]
            added = [x for x in added if x[0] not in moved]
        for k in range(max(len(removed), len(added))):
            a = removed[k] if k < len(removed) else ("", "")
            b = added[k] if k < len(added) else ("", "")
            out.append(UnitFact(kind, a[0], b[0], sentence, a[1], b[1]))
    return _unique(out)


def _unique(facts: list[UnitFact]) -> list[UnitFact]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in facts:
        if (f.kind, f.old, f.new) not in seen:
            seen.add((f.kind, f.old, f.new))
            out.append(f)
    return out


# --- money, percentages, deadlines, dates ---------------------------------------------------------

_FINE = re.compile(r"罚款|罚金")


def money_values(sentence: str) -> list[tuple[str, str]]:
    """Money amounts outside fines (a fine is a penalty): (value, as written)."""
    if _FINE.search(sentence):
        return []
    return [(yuan_text(y), sentence[a:b]) for a, b, y in amounts(sentence) if "元" in sentence[a:b]]


_PERCENT = re.compile(
    rf"\d+(?:\.\d+)?\s*[%％]|百分之[{NUM[0]}点]+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+"
    r"|(?<![\d:.])\d+(?:\.\d+)?[:：]\d+(?:\.\d+)?(?![\d:])"
)


def percent_values(sentence: str) -> list[tuple[str, str]]:
    return [
        (m.group(0).replace(" ", "").replace("％", "%").replace("：", ":"), m.group(0))
        for m in _PERCENT.finditer(sentence)
    ]


# a time limit: 15日内, 三十个工作日内, 提前六十日, 三个月前, 满三个月, 经过六十日, 持续时间六个月以上;
# never a date (5月1日后)
_DEADLINE = re.compile(
    rf"(?P<pre>提前|逾期|届满前|之日起|起|延长|至少保存|保存|不少于|不超过|最长|满|经过|(?:时间|期间|期限)为?)?(?<![月年\d])(?P<n>{NUM[1]})"
    r"(?P<u>个工作日|个月|工作日|日|天|月|年|小时)(?P<post>以内|之内|以前|以后|内|前|后|届满)?"
)


def deadline_values(sentence: str) -> list[tuple[str, str]]:
    out = []
    for m in _DEADLINE.finditer(sentence):
        if not (m.group("pre") or m.group("post")):
            continue
        if m.group("u") in ("年", "月") and sentence[m.end() : m.end() + 1].isdigit():
            continue
        if re.fullmatch(r"\d{4}", m.group("n")):
            continue
        n = number(m.group("n"))
        if n is None:
            continue
        unit = {"天": "日", "月": "个月", "工作日": "个工作日"}.get(m.group("u"), m.group("u"))
        out.append((f"{fmt_number(n)}{unit}", m.group(0)))
    return out


_DATE = re.compile(
    r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)


# a date that recurs every year: 每年九月的第三个星期六, 每年12月4日
_YEARLY = re.compile(
    r"每年(?:的)?(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:的)?"
    r"(?:(\d{1,2}|[一二三四五六七八九十]{1,3})日|第([一二三四五1-5])(?:个)?(星期|周)([一二三四五六日天]))"
)


def date_values(sentence: str) -> list[tuple[str, str]]:
    out = []
    for m in _YEARLY.finditer(sentence):
        out.append((canonical_numbers(m.group(0)), m.group(0)))
    for m in _DATE.finditer(sentence):
        y, mo = number(m.group(1)), number(m.group(2))
        if y is None or mo is None:
            continue
        d = number(m.group(3)) if m.group(3) else None
        value = f"{int(y)}年{int(mo)}月" + (f"{int(d)}日" if d else "")
        out.append((value, m.group(0)))
    return out


_FINE_CLAUSE = re.compile(r"(?:并处|处以|可以处|可以并处|处)[^，。；：]*?(?:罚款|罚金)")


def fine_values(sentence: str) -> list[tuple[str, str]]:
    """Fines: the amounts of each 处…罚款 clause (5000-10000), or its multiples (5-10倍)."""
    out = []
    for m in _FINE_CLAUSE.finditer(sentence):
        clause = m.group(0)
        values = [fmt_number(y) for _, _, y in amounts(clause) if not _multiple(clause)]
        times = re.findall(rf"({NUM[1]})倍", clause)
        key = "-".join(values) + ("×" + "-".join(times) if times else "")
        if key:
            out.append((canonical_numbers(clause), clause))
    return out


def _multiple(clause: str) -> bool:
    return "倍" in clause and "元" not in clause


# --- penalties other than fines -------------------------------------------------------------------

_SANCTION = re.compile(
    r"吊销[^，。；、]{0,14}?(?:许可证|执照|证书|资格|证)|没收[^，。；、]{0,24}|责令(?:限期)?(?:改正|停止[^，。；、]{0,8}|停业整顿|关闭|拆除)"
    r"|停业整顿|(?<!申请)撤销[^，。；、]{0,12}?(?:资格|许可|登记|命名)|予以取缔|通报批评|警告|拘留"
    r"|\d+至\d+年(?:内)?不得[^，。；]{1,20}|向社会公布其违法行为"
)


def sanction_facts(old: str, new: str) -> list[UnitFact]:
    so = list(dict.fromkeys(m.group(0) for m in _SANCTION.finditer(old)))
    sn = list(dict.fromkeys(m.group(0) for m in _SANCTION.finditer(new)))
    gone = [x for x in so if x not in sn]
    came = [x for x in sn if x not in so]
    if not (gone or came):
        return []
    sentence = _sentence_with(new, came[0]) if came else _sentence_with(old, gone[0])
    return [UnitFact("penalty", "、".join(gone), "、".join(came), sentence)]


def _sentence_with(text: str, needle: str) -> str:
    return next((s for s in sentences(text) if needle and needle in s), "")


# --- departments -----------------------------------------------------------------------------------

# names of government functions (the part of a department's name before 部门/局/委…)
DEPARTMENT_STEMS = frozenset(
    [
        "发展改革",
        "发展和改革",
        "发展与改革",
        "经济信息化",
        "经济和信息化",
        "工业和信息化",
        "教育",
        "教育行政",
        "科技",
        "科学技术",
        "民族宗教",
        "公安",
        "国家安全",
        "民政",
        "司法行政",
        "司法",
        "财政",
        "人力资源社会保障",
        "人力资源和社会保障",
        "人力社保",
        "劳动保障",
        "劳动",
        "人事",
        "规划资源",
        "规划国土资源",
        "国土资源",
        "自然资源",
        "规划和自然资源",
        "规划",
        "土地",
        "测绘",
        "生态环境",
        "环境保护",
        "环保",
        "住房城乡建设",
        "住房和城乡建设",
        "城乡建设",
        "建设",
        "房屋",
        "房屋管理",
        "房地产",
        "交通运输",
        "交通",
        "水务",
        "水利",
        "水",
        "农业农村",
        "农业",
        "林业",
        "林业和草原",
        "园林绿化",
        "绿化市容",
        "市容环境卫生",
        "商务",
        "文化旅游",
        "文化和旅游",
        "文化",
        "旅游",
        "广播电视",
        "新闻出版",
        "体育",
        "卫生健康",
        "卫生和健康",
        "卫生计生",
        "卫生",
        "计划生育",
        "人口和计划生育",
        "退役军人事务",
        "应急管理",
        "安全生产监督管理",
        "安全生产监管",
        "审计",
        "统计",
        "国有资产监督管理",
        "国资",
        "市场监督管理",
        "市场监管",
        "工商行政管理",
        "工商",
        "质量技术监督",
        "质量技监",
        "质量监督检验",
        "质量监督",
        "质监",
        "食品药品监督管理",
        "食品药品监管",
        "药品监督管理",
        "药品监管",
        "医疗保障",
        "医保",
        "国防动员",
        "民防",
        "人民防空",
        "人防",
        "城管执法",
        "城市管理",
        "城市管理综合执法",
        "税务",
        "海关",
        "出入境检验检疫",
        "检验检疫",
        "气象",
        "地震",
        "网信",
        "外事",
        "外交",
        "地方金融监督管理",
        "金融监管",
        "金融",
        "粮食",
        "粮食和物资储备",
        "物价",
        "价格",
        "海洋",
        "渔业",
        "电力",
        "通信",
        "通信管理",
        "邮政",
        "铁路",
        "民航",
        "档案",
        "保密",
        "知识产权",
        "数据",
        "大数据",
        "政务服务",
        "机关事务",
        "信访",
        "宗教",
        "侨务",
        "港澳",
        "台湾",
        "外汇管理",
        "证券监督管理",
        "银行业监督管理",
        "保险监督管理",
        "邮电",
        "科学技术行政",
        "卫生行政",
        "环境保护行政",
        "海洋行政",
    ]
)
_ORGAN = (
    "行政主管部门|行政管理部门|监督管理部门|监督管理机构|主管部门|管理部门|行政部门|工作机构|部门|委员会"
    "|管理局|局|厅|委|机关|机构"
    "|办公室|办"
)
_LEVEL = (
    r"国务院|中央|县级以上地方各级人民政府|县级以上地方人民政府|县级以上地方|县级以上人民政府|县级以上|"
    r"地方各级人民政府|地方各级|地方|各级|本级|同级|上级|上一级|省、自治区、直辖市|"
    r"(?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇)(?:[、和](?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇))*"
)
_GOVERNMENT = re.compile(rf"(?P<lv>{_LEVEL})(?P<organ>人民政府|人民法院|人民检察院|人大常委会)")


@functools.cache
def _actor_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A department name (level, function, organ) and a list of functions (公安、交通等部门);
    compiled on first use: the alternation of every function name costs ~20 ms to compile,
    which a command that never diffs should not pay at startup."""
    stems = "|".join(sorted(DEPARTMENT_STEMS, key=len, reverse=True))
    actor = re.compile(rf"(?P<lv>(?:{_LEVEL})?)(?:人民政府)?(?P<stem>{stems})(?P<organ>{_ORGAN})")
    listed = re.compile(
        rf"(?:(?:{stems})[、和]){{1,}}(?:{stems})"
        rf"(?=等|[、和]?(?:{_ORGAN})|和其他[^，。；、]{{0,8}}?(?:{_ORGAN}))"
    )
    return actor, listed


# a list of functions that ends in 等部门 (教育、退役军人事务、文化宣传等部门): every member names a
# department, known function or not, when at least one member is a known function
_LISTED_DEPARTMENTS = re.compile(
    r"(?<![\u4e00-\u9fff])((?:[\u4e00-\u9fff]{2,8}、)+[\u4e00-\u9fff]{2,8})等(?:有关)?(?:部门|机关)"
)


# a short function name (水, 公安) stands alone only after a word boundary like these
_BEFORE_STEM = set("的和与及或对为将其在各本同级省市县区乡镇府院由经向报并会、，。；：（）")
_DEPT_CLAUSE = re.compile(r"[（(](?:责任部门|责任单位|牵头部门|牵头单位|主责部门)[：:][^）)]+[）)]")
_RESPONSIBLE = re.compile(
    r"负责|主管|牵头|会同|配合|协助|监督管理|组织实施|责任部门|责任单位|规定|制定"
)


def actor_mentions(text: str) -> list[tuple[str, str, str]]:
    """(level, function, organ) of each department named, in order of appearance:
    区、县水行政主管部门 → (区、县, 水, 行政主管部门); the names in a （责任部门：…） clause come first."""
    out = [("", name, "") for name in departments(text)]
    text = _DEPT_CLAUSE.sub("", text)
    spans: list[tuple[int, tuple[str, str, str]]] = []
    actor, listed = _actor_patterns()
    for m in actor.finditer(text):
        # a one-character function (水) stands alone only after a word boundary: 政府水务部门
        # is a department, 供水部门 is not 水 + 部门
        if (
            len(m.group("stem")) == 1
            and m.start() > 0
            and m.start("stem") == m.start()
            and CJK.match(text[m.start() - 1])
            and text[m.start() - 1] not in _BEFORE_STEM
        ):
            continue
        spans.append((m.start(), (m.group("lv"), m.group("stem"), m.group("organ"))))
    for m in _GOVERNMENT.finditer(text):
        spans.append((m.start(), (m.group("lv"), m.group("organ"), "")))
    for m in listed.finditer(text):
        for k, item in enumerate(re.split("[、和]", m.group(0))):
            spans.append((m.start() + k, ("", item, "")))
    for m in _LISTED_DEPARTMENTS.finditer(text):
        items = m.group(1).split("、")
        if not any(item in DEPARTMENT_STEMS for item in items):
            continue
        known = {x for _, (_, x, _) in spans}
        for k, item in enumerate(items):
            if item not in known:
                spans.append((m.start() + k, ("", item, "")))
    spans.sort(key=lambda x: x[0])
    out += [x for _, x in spans]
    return out


def actor_facts(old: str, new: str) -> list[UnitFact]:
    """Departments renamed (a name replaced in place), added or removed where a duty is
    assigned, and administrative levels that changed (区、县 → 区)."""
    o, n = actor_mentions(old), actor_mentions(new)
    out: list[UnitFact] = []
    so = [stem for _, stem, _ in o]
    sn = [stem for _, stem, _ in n]
    sm = difflib.SequenceMatcher(None, so, sn, autojunk=False)
    renamed_o: set[str] = set()
    renamed_n: set[str] = set()
    # a name kept inside a longer one: 文化 → 文化和旅游, 新闻、出版 → 新闻出版
    merged: dict[str, list[str]] = {}
    for a in dict.fromkeys(x for x in so if x not in sn):
        b = next((b for b in dict.fromkeys(sn) if b not in so and (a in b or b in a)), None)
        if b is not None:
            merged.setdefault(b, []).append(a)
    for b, olds in merged.items():
        gone = "、".join(olds)
        out.append(UnitFact("actor", gone, b, _sentence_with(new, b), gone, _full(n, b)))
        renamed_o.update(olds)
        renamed_n.add(b)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            # the same function under another organ: 金融监督管理机构 → 金融管理部门
            for k in range(i2 - i1):
                a_full, b_full = _name(o[i1 + k]), _name(n[j1 + k])
                if (
                    _organ_class(o[i1 + k][2]) != _organ_class(n[j1 + k][2])
                    and o[i1 + k][2]
                    and n[j1 + k][2]
                    and a_full not in new
                    and b_full not in old
                ):
                    out.append(
                        UnitFact(
                            "actor", a_full, b_full, _sentence_with(new, b_full), a_full, b_full
                        )
                    )
            continue
        if op != "replace":
            continue
        # a name repeated in a block is one department: 全民国防教育主管部门 … 各级全民国防教育主管部门
        a_block = list(dict.fromkeys(a for a in so[i1:i2] if a not in sn))
        b_block = list(dict.fromkeys(b for b in sn[j1:j2] if b not in so))
        a_rest = [a for a in a_block if a not in renamed_o]
        b_rest = [b for b in b_block if b not in renamed_n]
        if len(a_rest) != len(b_rest):
            continue  # no one-to-one replacement: what is left is added or removed
        for a, b in zip(a_rest, b_rest, strict=True):
            out.append(UnitFact("actor", a, b, _sentence_with(new, b), _full(o, a), _full(n, b)))
            renamed_o.add(a)
            renamed_n.add(b)
    out += _renamed_unpaired(old, new, o, n, renamed_o, renamed_n)
    for stem in dict.fromkeys(so):
        if stem not in sn and stem not in renamed_o:
            sentence = _sentence_with(old, stem)
            if _assigns_duty(sentence, stem) and stem not in ORGANS_OF_STATE:
                out.append(UnitFact("actor", stem, "", sentence, _full(o, stem), ""))
    for stem in dict.fromkeys(sn):
        if stem not in so and stem not in renamed_n:
            sentence = _sentence_with(new, stem)
            if _assigns_duty(sentence, stem) and stem not in ORGANS_OF_STATE:
                out.append(UnitFact("actor", "", stem, sentence, "", _full(n, stem)))
    # the same function at another level: 区、县教育行政部门 → 区教育行政部门
    lv_o = {(lv, stem) for lv, stem, _ in o if lv}
    lv_n = {(lv, stem) for lv, stem, _ in n if lv}
    changed = set()
    for lv, stem in sorted(lv_o - lv_n):
        # 地方 says which government, not which level: 县级以上 → 县级以上地方 is the same level
        others = sorted(
            lv2
            for lv2, s2 in lv_n - lv_o
            if s2 == stem and lv2.replace("地方", "") != lv.replace("地方", "")
        )
        if len(others) == 1 and (lv, others[0]) not in changed:
            changed.add((lv, others[0]))
            out.append(UnitFact("actor", lv, others[0], _sentence_with(new, others[0] + stem)))
    return _unique(out)


def _renamed_unpaired(
    old: str,
    new: str,
    o: list[tuple[str, str, str]],
    n: list[tuple[str, str, str]],
    renamed_o: set[str],
    renamed_n: set[str],
) -> list[UnitFact]:
    """Renames the in-place pairing missed (it pairs names only in blocks of equal length):
    a name gone and a name come at the same level before the same kind of organ, one each
    (市质量技术监督部门 → 市市场监督管理部门); and a name come whose old side is no known function,
    found as the words between the same level and the same organ in the old text
    (国务院畜牧兽医行政主管部门 → 国务院农业农村主管部门), and the reverse. Updates the sets."""
    so, sn = {s for _, s, _ in o}, {s for _, s, _ in n}
    gone = [m for m in dict.fromkeys(o) if m[1] not in sn and m[1] not in renamed_o and m[2]]
    come = [m for m in dict.fromkeys(n) if m[1] not in so and m[1] not in renamed_n and m[2]]
    out: list[UnitFact] = []

    def key(m: tuple[str, str, str]) -> tuple[str, str]:
        return (m[0], _organ_class(m[2]))

    for a in gone:
        same = [b for b in come if key(b) == key(a)]
        if len(same) == 1 and sum(key(x) == key(a) for x in gone) == 1:
            b = same[0]
            if a[1] in renamed_o or b[1] in renamed_n:
                continue
            name_a, name_b = "".join(a), "".join(b)
            out.append(UnitFact("actor", a[1], b[1], _sentence_with(new, name_b), name_a, name_b))
            renamed_o.add(a[1])
            renamed_n.add(b[1])
    for mine, text, other, done, forward in (
        (come, old, new, renamed_n, True),
        (gone, new, old, renamed_o, False),
    ):
        for lv, stem, organ in mine:
            if stem in done or not lv:
                continue
            names = {
                x
                for x in re.findall(
                    rf"{re.escape(lv)}([\u4e00-\u9fff]{{2,8}}?){re.escape(organ)}", text
                )
                if x not in other and not re.search(r"有关|其他|相关|职责|的", x)
            }
            if len(names) != 1:
                continue
            (found,) = names
            done.add(stem)
            was, now = (found, stem) if forward else (stem, found)
            out.append(
                UnitFact(
                    "actor", was, now, _sentence_with(new, now), lv + was + organ, lv + now + organ
                )
            )
    return out


def _assigns_duty(sentence: str, stem: str = "") -> bool:
    """A sentence that gives someone a duty (负责, 主管, 会同…), the names of departments set
    aside: 国有资产监督管理机构 does not make a sentence about supervising; or one whose duty
    (应当, 必须) the department `stem` is the subject of: 文化和旅游、…、网信等部门和单位应当…"""
    actor, _ = _actor_patterns()
    if _RESPONSIBLE.search(actor.sub("", sentence)):
        return True
    at = sentence.find(stem) if stem else -1
    return at >= 0 and bool(_SUBJECT_OF_DUTY.match(sentence, at + len(stem)))


# a department that is the subject of a duty: its name (or the rest of its list) runs up to
# 应当 or 必须 without a clause break: 网信等部门和单位应当, 公安机关应当
_SUBJECT_OF_DUTY = re.compile(
    r"[^，。；：:、]{0,12}?(?:应当|必须)|(?:、[^，。；：]{1,10}){1,6}?(?:应当|必须)"
)


def _name(mention: tuple[str, str, str]) -> str:
    return mention[1] + mention[2]


def _organ_class(organ: str) -> str:
    """The kind of organ without its qualifiers: 行政主管部门 and 管理部门 are both 部门."""
    return re.sub("行政|主管|监督|管理", "", organ) or organ


def _full(mentions: list[tuple[str, str, str]], stem: str) -> str:
    return next((lv + s + organ for lv, s, organ in mentions if s == stem), stem)


# --- approval and filing -----------------------------------------------------------------------------

_APPROVAL = re.compile(
    r"党中央|告知承诺|共同决定|参与表决|一致同意|审查同意|准予|批准|审批|核准|许可|备案|准印证|准用证|同意书|(?<=经)[^，。；]{0,45}同意|(?<=征得)[^，。；]{0,45}同意"
)


def approval_values(sentence: str) -> list[tuple[str, str]]:
    out = []
    for m in _APPROVAL.finditer(sentence):
        word = m.group(0)
        if re.search(r"吊销|撤销|没收|收回", sentence[max(0, m.start() - 12) : m.start()]):
            continue  # a licence taken away is a penalty, not an approval
        if _SERVICE.match(sentence, m.end()) or _SERVICE_HEAD.search(
            sentence[max(0, m.start() - 12) : m.start()]
        ):
            continue  # approval named as a service or a matter (贷款审批发放效率; 审批事项协同办理)
        if word.endswith("一致同意"):
            word = "一致同意"
        elif word.endswith("同意") and word != "审查同意":
            word = "同意"
        if word == "许可" and sentence[m.end() : m.end() + 1] == "证":
            word = "许可证"
        clause = _clause(sentence, m.start(), m.end())
        left = max(sentence.rfind(p, 0, m.start()) for p in "，；。：") + 1
        out.append((word + _approver(sentence[left : m.start()], word), clause))
    return out


# an approval named as a service, a matter handled or a step of work, not required of anyone
_SERVICE = re.compile(r"(?:事项)?(?:协同|发放|效率|流程|时限|环节|服务|改革)")
_SERVICE_HEAD = re.compile(r"(?:贷款|信贷|融资|涉及[^，。；]{0,8})$")
# the conduct a sanction answers (…的，由…责令…; …的，依法给予处分): an approval word in it
# names the act punished (伪造、变造…许可证; 对不符合条件的申请人准予许可; 兴办…未备案)
_SANCTION_TAIL = re.compile(r"的，[^。]*?(?:责令|罚款|处分|处罚|追究|没收|吊销|撤销|取缔|警告)")
_FORGED = re.compile(r"伪造|变造|涂改|转让|出租|出借|租借|买卖|倒卖|冒用")
_UNQUALIFIED = re.compile(
    r"不符合[^，。；]{0,6}条件|超越[^，。；]{0,6}职权|违反[^，。；]{0,12}规定"
)


def conduct_clause(sentence: str, clause: str) -> bool:
    """Whether `clause` of `sentence` names an act a sanction answers, or a document forged or
    traded, or a grant to whom does not qualify, rather than requiring an approval."""
    at = sentence.find(clause)
    if at < 0:
        return False
    if _FORGED.search(sentence[max(0, at - 12) : at + len(clause)]):
        return True
    if _UNQUALIFIED.search(clause):
        return True
    tail = _SANCTION_TAIL.search(sentence, at)
    return tail is not None and not re.search(r"[。；]", sentence[at : tail.start()])


def _approver(head: str, word: str) -> str:
    """The approving authority of a clause, as a value that changes when the chain of
    approvers does (须报请最高人民法院报经全国人民代表大会常务委员会批准 → 应当报请全国人民代表大会
    常务委员会批准; 经机关、单位负责人批准 → 经机关、单位主要负责人或者其指定的人员批准), but not
    when a department is renamed or moved to another level (a department change, read as one),
    nor for wording around it (审核报 → 审核后报, 国务院…部门负责人 → 其负责人). `head` is the
    text of the clause before the approval word. Empty when it names no approver: then only
    the approval word is compared."""
    if not head or word in ("党中央", "告知承诺", "准印证", "准用证", "同意书"):
        return ""
    m = re.search(r"经过|报请|报经|报送|征得|经|报|由", head)
    if m is None:
        return ""
    who = head[m.end() :]
    if "责令" in who:
        return ""  # 由…责令限期补办备案手续: who orders the filing, not who approves
    actor, listed = _actor_patterns()
    for pattern in (actor, listed, _GOVERNMENT):
        who = pattern.sub("", who)
    who = re.sub(r"[^、，]*?(?:部门|机构|机关)(?=负责人)|其(?=负责人)", "", who)
    who = re.sub(rf"{_LEVEL}|或者|以及|和|、|的|后|之|并|依法|有关|批准或者决定", "", who)
    return "@" + who if len(CJK.findall(who)) >= 2 else ""


def _clause(sentence: str, start: int, end: int) -> str:
    left = max(sentence.rfind(p, 0, start) for p in "，、：") + 1
    rights = [i for i in (sentence.find(p, end) for p in "，；。") if i >= 0]
    return sentence[left : min(rights) if rights else len(sentence)]


def approval_facts(pairs: Sequence[tuple[str, str]]) -> list[UnitFact]:
    """An approval, consent or filing requirement added, removed or changed in kind
    (批准 → 备案, 同意 → 共同决定, 党中央 added to the approving authorities)."""
    facts = values_changed("approval", pairs, approval_values)
    # the same approval where one clause names no approver is no change of approver
    facts = [
        f
        for f in facts
        if not (
            f.old
            and f.new
            and f.old.split("@")[0] == f.new.split("@")[0]
            and ("@" in f.old) != ("@" in f.new)
        )
    ]
    # an approval word added to or dropped from the acts a sanction answers is a change of the
    # conduct punished; a requirement that changes kind there (未经批准 → 未按照规定备案) stays
    conduct = {
        clause
        for o, n in pairs
        for text in (o, n)
        if text
        for _, clause in approval_values(text)
        if conduct_clause(text, clause)
    }
    facts = [f for f in facts if (f.old and f.new) or (f.old_text or f.new_text) not in conduct]
    # show the clauses rather than the bare words
    return [UnitFact(f.kind, f.old_text or f.old, f.new_text or f.new, f.sentence) for f in facts]


# --- obligations ------------------------------------------------------------------------------------------

_MODAL = re.compile(r"应当|可以|不得|必须|(?<![必无毋])须(?!知)|禁止|严禁|无需|不需要|不再|鼓励")


_MODAL_SAME = {"须": "必须"}


def obligation_facts(pairs: Iterable[tuple[str, str]], similarity: Similarity) -> list[UnitFact]:
    """A duty made stronger or weaker in a sentence kept from the old text: one modal
    replaced by another (可以 → 应当, 必须 → 应当, 不应当 → 不得). A sentence added or
    removed whole is not a change of strength, nor a modal that comes or goes alone with a
    clause (that is a duty added or dropped, read by the other kinds)."""
    out: list[UnitFact] = []
    for o, n in pairs:
        if not (o and n) or o == n:
            continue
        # 须 is 必须 written short: the same strength
        mo = [_MODAL_SAME.get(m.group(0), m.group(0)) for m in _MODAL.finditer(o)]
        mn = [_MODAL_SAME.get(m.group(0), m.group(0)) for m in _MODAL.finditer(n)]
        gone = [x for x in mo if x not in mn]
        came = [x for x in mn if x not in mo]
        if not (gone and came):
            continue  # a duty added or dropped with its clause is not a change of strength
        out.append(UnitFact("obligation", "、".join(gone), "、".join(came), n))
    return out


# --- scope, subsidies ---------------------------------------------------------------------------------

# words that make a sentence about whom or what it covers (条件, 申请, 下列 are in too many
# sentences of every kind to say so; 纳入 mostly puts work into a plan or a budget)
_SCOPE = re.compile(
    r"适用(?!技术)|范围|对象|资格|限于|只能用于|仅限|除外|认定为|包括|属于|限制|免费"
)
_STRONG_SCOPE = re.compile(r"适用(?!技术)|范围|对象|资格|限于|包括")
_ENTITY = re.compile(
    r"(?:机关|法院|检察院|人员|组织|团体|单位|机构|企业|公司|个人|人|者|场所|区|院|校)的?$"
)
# the range of someone's duties (在各自的职责范围内), a firm's business (经营范围) or those who may
# know a secret (知悉范围) says nothing about whom a rule covers
_DUTY_RANGE = re.compile(r"(?:职责|工作|职权|授权|管辖|经营|业务|知悉|事项)范围")
_SUBSIDY = re.compile(
    r"补贴|补助|补偿|(?<!表彰和)(?<!表彰、)(?<!表彰或者)奖励|资助|奖补|贴息|优惠|减免|扶持资金|专项资金|支持资金"
)
_GRANT = re.compile(r"给予|予以|享受|提供|安排|发放|申领|申请|拨付|兑现|实行|支持")
# a subsidy granted: a grant verb governs the subsidy word (给予…补贴, 享受优惠政策); 资助 in
# 资助导向 or 基金资助项目 names no grant
# a grant verb governs its subsidy (给予…补贴), and the subsidies listed after it (安排…良种补贴、
# 贴息补助、保费补贴等资金)
_GRANTED = re.compile(
    rf"(?:{_GRANT.pattern})(?!人)[^，。；]{{0,10}}(?:{_SUBSIDY.pattern})"
    rf"|(?:{_GRANT.pattern})(?!人)[^，。；]{{0,24}}(?:{_SUBSIDY.pattern})(?:、[^，。；、]{{1,8}}?(?:{_SUBSIDY.pattern}))+"
)
_PENAL = re.compile(
    r"罚款|处分|追究|责令|挪用|克扣|截留|侵占|取消|撤销|不得申请|警告|追回|暂停拨付|停止拨付"
)
_PREFERENCE = re.compile(r"优惠|补贴|补助|奖励|减免")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)](.+?)[；。，]?$", re.M)


def _content(fragment: str) -> bool:
    return len(CJK.findall(fragment)) >= 2


_CONNECTOR = re.compile(r"或者|以及|[、和及]")
# the state's own levels and organs: the actor kind's business, not whom a rule covers
_STATE = re.compile(
    rf"(?:{_LEVEL}|自治区|直辖市|自治州|自治县|设区的市|国务院|中央)(?:人民政府|级)?|党中央|中央军事委员会"
)
# people and bodies outside the state (the state's own organs are the actor kind)
_PERSON = re.compile(r"(?:人员|人|者|组织|团体|单位|企业|公司|个人|学生|居民|公民)的?$")
# the documents, ways and steps of a procedure are not what a rule covers (设立登记证件或者
# 税务登记证件; 无记名投票方式、按表决器方式)
_PROCEDURE_HEAD = re.compile(r"(?:证件|证明|材料|文件|资料|报告|手续|方式|程序|办法|步骤)$")
# a list of acts a rule forbids or punishes: its items are the content of the prohibition,
# not whom it covers (不得有下列行为; 有下列情形之一的，由…给予警告; …依法给予处分)
_CONDUCT_LEAD = re.compile(
    r"不得有下列|禁止下列|下列(?:行为|情形)之一[^。]*?(?:处分|罚款|处罚|警告|责令|追究|定罪|处理|取消)"
)
_ITEM_START = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def _conduct_list(text: str) -> bool:
    return bool(_CONDUCT_LEAD.search(text))


def _clause_at(sentence: str, at: int, length: int) -> str:
    """The clause (between commas, colons or sentence ends) around sentence[at:at+length]."""
    left = max(sentence.rfind(p, 0, at) for p in "，：:") + 1
    rights = [i for i in (sentence.find(p, at + length) for p in "，：:") if i >= 0]
    return sentence[left : min(rights) if rights else len(sentence)]


def _scope_region(
    old_frag: str, new_frag: str, sentence: str, at: int, old: str, new: str
) -> UnitFact | None:
    """Scope changed by one replace region: a list member that names a body, a person or a
    place, or any list member in a clause about coverage (适用, 范围, 对象…), added or cut; a
    scope word that comes or goes."""
    # an old fragment kept inside the new one (检察长 → 、北京铁路运输检察院的检察长、副检察长…) is
    # an insertion around it, and the reverse a cut
    shown = (old_frag, new_frag)
    if _content(old_frag) and _content(new_frag):
        if old_frag in new_frag:
            old_frag, new_frag = "", _members_around(new_frag, old_frag)
        elif new_frag in old_frag:
            old_frag, new_frag = _members_around(old_frag, new_frag), ""
    changed = old_frag + new_frag
    # a side that is only punctuation (，→ 和风险等级，…) counts as empty
    one_sided = not (_content(old_frag) and _content(new_frag))
    frag = old_frag if _content(old_frag) else new_frag
    if not _content(_CONNECTOR.sub("", frag.replace("，", ""))):
        return None  # only a connector changed (、→ 或者)
    if _ITEM_START.match(sentence) and _conduct_list(new):
        return None  # an act added to or cut from a list of acts forbidden or punished
    # a list member sits inside one clause: a fragment across a comma (，并依法登记;
    # 的对象和理由，并提供有关的材料) is a passage rewritten
    inner = frag.strip("，")
    one_clause = not re.search("[。；]", changed) and all(
        "，" not in side.strip("，") for side in (old_frag, new_frag)
    )
    member = _CONNECTOR.sub("", inner).removesuffix("的")
    if _names_no_one(inner, member):
        return None
    # a member that names a body, a person or a place (机关, 法院, 人员, 军事管理区) widens or
    # narrows whom or where a rule applies, whatever the sentence says about itself
    names_entity = any(_ENTITY.search(m) for m in re.split(r"或者|以及|[、和及，]", frag) if m)
    # a body cut here but named again in the new text (or added but named in the old) was
    # moved within the article, not cut: 市人民检察院和市人民检察院各分院副检察长 →
    # 市人民检察院副检察长，…市人民检察院各分院、北京铁路运输检察院的检察长
    if one_sided and names_entity and member in (new if old_frag == frag else old):
        return None
    list_member = (
        one_sided
        and one_clause
        and bool(
            re.match(r"^(?:、|和|或者|以及|及)", inner) or re.search(r"(?:、|和|或者)$", inner)
        )
    )
    # the words before the edit belong to it: 职责[-范围-]{+分工+} is 职责范围 → 职责分工
    lead = sentence[max(0, at - 4) : at]
    cue_o = set(_STRONG_SCOPE.findall(_DUTY_RANGE.sub("", lead + old_frag)[len(lead) :]))
    cue_n = set(_STRONG_SCOPE.findall(_DUTY_RANGE.sub("", lead + new_frag)[len(lead) :]))
    # a qualification withdrawn as a sanction (取消其…资格) is a penalty, not a scope
    names_scope = cue_o != cue_n and one_clause and not _PENAL.search(changed)
    # the reach word governs its own clause: 适用于…教育对象的国防教育教材，…组织编写、审核
    # adds an act, not a reader covered
    clause = _clause_at(sentence, at, len(new_frag))
    about_scope = bool(_SCOPE.search(_DUTY_RANGE.sub("", clause)))
    if (list_member and (about_scope or names_entity)) or names_scope:
        return UnitFact("scope", *shown, sentence)
    # a member of the same kind as its neighbour (国家秘密、工作秘密、商业秘密; 城镇居民人均可支配
    # 收入或者农村居民人均纯收入): one more or one fewer of the things a rule covers
    of_a_kind = (
        list_member
        and len(member) >= 3
        and member[-2:] in _neighbours(sentence, at, new_frag)
        and not _PROCEDURE_HEAD.search(member)
    )
    # a class of persons renamed (国家工作人员 → 公职人员): whom a sanction or a right reaches
    person = (
        not one_sided
        and one_clause
        and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", old_frag + new_frag) is not None
        and re.match(r"人员|人(?![民大数])|者|单位|企业", sentence[at + len(new_frag) :])
        is not None
    )
    # a term replaced by a list of narrower ones, or the reverse (国际船舶运输 → 国际客船、国际散装
    # 液体危险品船运输; 有组织的中小学生 → 军队人员、退役军人和学生)
    narrowed = not one_sided and one_clause and _narrowed(old_frag, new_frag)
    if of_a_kind or person or narrowed or _qualifier(old_frag, new_frag, inner, sentence, at):
        return UnitFact("scope", *shown, sentence)
    return None


def _members_around(longer: str, kept: str) -> str:
    """What a list fragment adds around a member it keeps: 书记 → 法官助理、书记员、司法技术人
    (the diff cut inside 书记员) adds 、法官助理、司法技术人; a fragment that is no list loses the
    kept text only."""
    parts = longer.split("、")
    if not any(m.startswith(kept) and m != kept for m in parts[1:-1]):
        return longer.replace(kept, "", 1)
    members = [m for m in parts if kept not in m]
    return "、" + "、".join(members) if members else ""


def _names_no_one(inner: str, member: str) -> bool:
    """A list member that names no one a rule covers: a bare organ word (有关部门、机构 → 有关部门),
    levels of government written out (省级 → 省、自治区、直辖市), 国务院, a law (《…法》)."""
    if member in ("机构", "部门", "机关", "单位", "组织"):
        return True
    members = [m for m in re.split(r"或者|以及|[、和及，]", inner) if m]
    return bool(members and all(_STATE.fullmatch(m) for m in members)) or bool(
        re.fullmatch(r"(?:或者|以及|[、和及])?《[^》]+》(?:或者|以及|[、和及])?", inner)
    )


def _qualifier(old_frag: str, new_frag: str, inner: str, sentence: str, at: int) -> bool:
    """A qualifier added to or cut from the head of a reach clause: 发票限于…开具 → 纸质发票限于…"""
    end = at + len(new_frag)
    return bool(
        not (old_frag and new_frag)
        and (at == 0 or sentence[at - 1] in "，：")
        and re.fullmatch(r"[\u4e00-\u9fff]{2,6}", inner)
        and _STRONG_SCOPE.search(_DUTY_RANGE.sub("", sentence[end : end + 8]))
    )


def _neighbours(sentence: str, at: int, new_frag: str) -> set[str]:
    """The heads (last two characters) of the list members beside an edit in its sentence."""
    before = _CONNECTOR.sub("", sentence[:at][-12:]).rstrip("、，")
    after = re.split(
        r"或者|以及|[、和及，。；：]", sentence[at + len(new_frag) :].lstrip("、和及")
    )[0]
    return {x[-2:] for x in (before, after) if len(x) >= 2}


def _narrowed(old_frag: str, new_frag: str) -> bool:
    """One side a single term, the other a list (、) of members that name people, or whose
    heads (their last character: 客船, 危险品船) the term has (船舶)."""
    for single, listed in ((old_frag, new_frag), (new_frag, old_frag)):
        if "、" in single or "、" not in listed:
            continue
        members = [m for m in re.split(r"或者|以及|[、和及]", listed) if _content(m)]
        if len(members) < 2:
            continue
        if all(_PERSON.search(m) for m in members) or all(m[-1] in single for m in members):
            return True
    return False


def scope_and_subsidy_facts(
    old: str, new: str, regions: Sequence[Region], explained: set[str]
) -> list[UnitFact]:
    """Eligibility and scope changed in a sentence about who or what a rule covers (the
    edit itself names a scope, or cuts or adds a list member); a subsidy or preference added,
    removed or changed; items added to or dropped from an enumeration (a pure widening or
    narrowing of the list). Edits another kind explains (a rename, an amount) are skipped."""
    out: list[UnitFact] = []
    for old_frag, new_frag, sentence, at in regions:
        if not (_content(old_frag) or _content(new_frag)):
            continue
        if len(old_frag) > 40 or len(new_frag) > 40:
            continue  # a passage rewritten: no single fact to name
        if "\n" in old_frag + new_frag and not re.search("[。；，]", old_frag + new_frag):
            continue  # a title or heading laid out again
        if same_number(old_frag, new_frag) or numerals_only(old_frag, new_frag):
            continue
        if _explained(old_frag, new_frag, explained):
            continue
        # 优惠价格 → 优惠政策: a subsidy granted, dropped or changed (not one only reordered)
        words_o = set(_SUBSIDY.findall(old_frag))
        words_n = set(_SUBSIDY.findall(new_frag))
        after_subsidy = any(
            m.end() in _edges(sentence, new_frag) for m in _PREFERENCE.finditer(sentence)
        )
        granted = any(
            _GRANTED.search(sentence[max(0, m.start() - 12) : m.end()])
            or any(g.start() <= m.start() < g.end() for g in _GRANTED.finditer(sentence))
            for m in _SUBSIDY.finditer(sentence)
        )
        if (words_o != words_n or after_subsidy) and granted and not _PENAL.search(sentence):
            out.append(UnitFact("subsidy", old_frag, new_frag, sentence))
            continue
        fact = _scope_region(old_frag, new_frag, sentence, at, old, new)
        if fact is not None:
            out.append(fact)
    io = {m.group(1) for m in _ITEM.finditer(old)}
    inn = {m.group(1) for m in _ITEM.finditer(new)}
    if io and inn and (not (io - inn)) != (not (inn - io)) and not _conduct_list(new):
        gone, came = sorted(io - inn), sorted(inn - io)
        out.append(UnitFact("scope", "；".join(gone), "；".join(came), (came or gone)[0]))
    return _unique(out)[:2]


# a sentence that says what a law applies to (…案件，适用本解释; …的，不适用本条例的规定)
_REACH = re.compile(r"([^。；]*?)，?(不)?适用(?:于)?本(?:法|条例|解释|规定|办法|细则|决定)(?!第)")
_DATE_WORDS = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]+月[一二三四五六七八九十]+日"
)
# a sentence that extends a term of the old text: 发票包括纸质发票和电子发票; …视为书面形式
_EXTENDS = re.compile(r"^(?:本(?:法|条例|办法|规定|细则)所称)?([\u4e00-\u9fff]{2,10})包括")
_DEEMED = re.compile(r"视为([\u4e00-\u9fff]{2,10})[。；]?$")
_BODY = re.compile(r"法院|检察院|机关|机构|团体|单位|企业|公司|学校")
_LEADING_CONNECTOR = re.compile(r"^(?:以及|或者|及|和)")


def scope_sentences(old: str, new: str, pairs: Iterable[tuple[str, str]]) -> list[UnitFact]:
    """Scope changed by whole sentences or clauses: the cases a law applies to (适用本…)
    stated differently; a sentence added or removed that extends a term of the other text
    (发票包括纸质发票和电子发票; 数据电文…视为书面形式); a clause added to or cut from a kept
    sentence that names more bodies or people (，以及其他符合国家规定的单位; ，任免北京铁路运输检察院
    检察长… beside 任免市人民检察院…)."""
    out: list[UnitFact] = []
    reach_o, reach_n = _reach(old), _reach(new)
    if reach_o and reach_n and set(reach_o) != set(reach_n):
        sentence = next(s for s in sentences(new) if _REACH.search(s))
        out.append(UnitFact("scope", "；".join(reach_o), "；".join(reach_n), sentence))
    conduct = _conduct_list(new)
    for o, n in pairs:
        if o and n:
            if o == n or (conduct and _ITEM_START.match(n)):
                continue
            for added, other, clauses in ((True, o, _clauses(n)), (False, n, _clauses(o))):
                for k, clause in enumerate(clauses):
                    if _LEADING_CONNECTOR.sub("", clause) in other:
                        continue  # the same clause, its connector dropped or added
                    listed = re.match(r"以及|或者|及|和", clause) and _ENTITY.search(clause)
                    parallel = (
                        k > 0
                        and clauses[k - 1][:2] == clause[:2]
                        and clauses[k - 1] in other
                        and _BODY.search(clause)
                    )
                    if listed or parallel:
                        out.append(
                            UnitFact("scope", "" if added else clause, clause if added else "", n)
                        )
            continue
        sentence, other = (n, old) if n else (o, new)
        m = _EXTENDS.match(sentence) or _DEEMED.search(sentence)
        if m and m.group(1) in other:
            out.append(UnitFact("scope", "" if n else sentence, sentence if n else "", sentence))
    return _unique(out)


def _reach(text: str) -> list[str]:
    """What the text says a law applies to: the subjects of its 适用本… sentences, dates set aside."""
    out = []
    for s in sentences(text):
        m = _REACH.search(s)
        if m:
            out.append(
                _DATE_WORDS.sub("", m.group(1)).strip("，") + ("（不适用）" if m.group(2) else "")
            )
    return out


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r"[，：]", sentence.strip("。；")) if c]


def subsidies_added_or_dropped(
    old: str, new: str, pairs: Iterable[tuple[str, str]]
) -> list[UnitFact]:
    """A sentence added or removed whole that grants a subsidy or preference (按照国家有关规定
    给予相应待遇或者补偿), when the grant is not written elsewhere in the other version."""
    out = []
    for o, n in pairs:
        if o and n:
            continue
        sentence, other = (n, old) if n else (o, new)
        if _PENAL.search(sentence):
            continue
        for m in _GRANTED.finditer(sentence):
            if m.group(0) in other:
                continue
            clause = _clause(sentence, m.start(), m.end())
            out.append(UnitFact("subsidy", "" if n else clause, clause if n else "", sentence))
            break
    return out


def _explained(old_frag: str, new_frag: str, explained: set[str]) -> bool:
    """An edit that another kind already names (a department renamed, a value changed)."""
    for x in explained:
        if len(x) < 2:
            continue
        if x in old_frag or x in new_frag:
            return True
        if old_frag and old_frag in x and (not new_frag or new_frag in x):
            return True
        if new_frag and new_frag in x and not old_frag:
            return True
    return False


def _edges(sentence: str, fragment: str) -> set[int]:
    at = sentence.find(fragment) if fragment else -1
    return {at} if at >= 0 else set()


# --- a unit --------------------------------------------------------------------------------------------


def unit_facts(
    old: str,
    new: str,
    regions: Sequence[Region],
    similarity: Similarity,
    *,
    kinds: frozenset[str] | None = None,
) -> list[UnitFact]:
    """Every fact that changed between the old and new text of one unit. `regions` are the
    inline diff's replace regions (old fragment, new fragment, new sentence)."""
    pairs = sentence_pairs(old, new, similarity)
    facts: list[UnitFact] = []
    approvals = approval_facts(pairs)
    # a sentence rebuilt around a new kind of approval (应当经…审核 → 未取得…同意书的，…不得…)
    # changes its modal with it: not a change of strength; a new approver alone does not
    approval_sentences = {
        f.sentence
        for f in values_changed("approval", pairs, approval_values)
        if f.old.split("@")[0] != f.new.split("@")[0]
    }
    facts += [
        f for f in obligation_facts(pairs, similarity) if f.sentence not in approval_sentences
    ]
    # thresholds set out in the ；-clauses of one sentence (数额在10万元以上的…；数额在30万元以上
    # 的…) are one scale: a tier dropped or moved is read against the others
    whole = sentence_pairs(old, new, similarity, whole=True)

    # a sentence that comes or goes with the same amounts as a sentence both versions keep (a
    # new item of a list repeating its neighbours' range: 十万元以上不满二十万元) sets no new amount
    def scales(text: str) -> list[tuple[str, ...]]:
        return [tuple(v for v, _ in money_values(x)) for x in sentences(text, whole=True)]

    repeated = {x for x in scales(old) if x and scales(new).count(x) > 1}
    repeated |= {x for x in scales(new) if x and scales(old).count(x) > 1}
    facts += [
        f
        for f in values_changed("money", whole, money_values, in_context=True)
        if (f.old and f.new) or tuple(v for v, _ in money_values(f.sentence)) not in repeated
    ]
    facts += values_changed("deadline", pairs, deadline_values)
    facts += values_changed("penalty", pairs, fine_values)
    facts += sanction_facts(old, new)
    facts += approvals
    facts += values_changed("percentage", pairs, percent_values)
    facts += values_changed("date", pairs, date_values)
    actors = actor_facts(old, new)
    explained = {x for f in facts + actors for x in (f.old, f.new, f.old_text, f.new_text) if x}
    scope = scope_and_subsidy_facts(old, new, regions, explained)
    if not any(f.kind == "scope" for f in scope):
        scope += scope_sentences(old, new, pairs)[:2]
    facts += scope
    if not any(f.kind == "subsidy" for f in facts):
        facts += subsidies_added_or_dropped(old, new, pairs)
    # a department that goes with a clause added or removed is part of that change
    clauses = [x for f in facts for x in (f.old, f.new) if len(x) > 8]
    facts += [
        a for a in actors if (a.old and a.new) or not any((a.old or a.new) in c for c in clauses)
    ]
    # a fact shown the same on both sides (租借…许可证 → 租借…许可证, its approver read
    # differently) tells the reader nothing
    facts = [f for f in facts if f.old != f.new]
    if kinds is not None:
        facts = [f for f in facts if f.kind in kinds]
    return facts
