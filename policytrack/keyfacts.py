"""Readers of one modified unit: the facts of each kind that differ between its two texts.

Value kinds (money, percentages, deadlines, dates, fines) are compared sentence by sentence:
each new sentence is paired with the old sentence it most resembles, so a value replaced in a
sentence is one change old → new, and a sentence added whole brings its values as additions.
Departments are found by the names of government functions (公安, 生态环境, 市场监管…)
before an organ word (部门, 局, 机关…), or in a list of such names (公安、交通、水务等部门).
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
from .lazyre import on_use

# --- sentence pairs -----------------------------------------------------------------------------


def sentence_pairs(
    old: str, new: str, similarity: Similarity, cut: float = 0.45
) -> list[tuple[str, str]]:
    """Old and new sentences paired by resemblance, one to one ('' for a sentence on one
    side only), in new order then the old leftovers."""
    olds, news = sentences(old), sentences(new)
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
) -> list[UnitFact]:
    """For each sentence pair, the values that differ, paired in order of appearance."""
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

_FINE = on_use(r"罚款|罚金")


def money_values(sentence: str) -> list[tuple[str, str]]:
    """Money amounts outside fines (a fine is a penalty): (value, as written)."""
    if _FINE.search(sentence):
        return []
    return [(yuan_text(y), sentence[a:b]) for a, b, y in amounts(sentence) if "元" in sentence[a:b]]


_PERCENT = on_use(
    rf"\d+(?:\.\d+)?\s*[%％]|百分之[{NUM[0]}点]+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+"
    r"|(?<![\d:.])\d+(?:\.\d+)?[:：]\d+(?:\.\d+)?(?![\d:])"
)


def percent_values(sentence: str) -> list[tuple[str, str]]:
    return [
        (m.group(0).replace(" ", "").replace("％", "%").replace("：", ":"), m.group(0))
        for m in _PERCENT.finditer(sentence)
    ]


# a time limit: 15日内, 三十个工作日内, 提前六十日, 三个月前; never a date (5月1日后)
_DEADLINE = on_use(
    rf"(?P<pre>提前|逾期|届满前|之日起|起|延长|至少保存|保存|不少于|不超过|最长)?(?<![月年\d])(?P<n>{NUM[1]})"
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


_DATE = on_use(
    r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)


def date_values(sentence: str) -> list[tuple[str, str]]:
    out = []
    for m in _DATE.finditer(sentence):
        y, mo = number(m.group(1)), number(m.group(2))
        if y is None or mo is None:
            continue
        d = number(m.group(3)) if m.group(3) else None
        value = f"{int(y)}年{int(mo)}月" + (f"{int(d)}日" if d else "")
        out.append((value, m.group(0)))
    return out


_FINE_CLAUSE = on_use(r"(?:并处|处以|可以处|可以并处|处)[^，。；：]*?(?:罚款|罚金)")


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

_SANCTION = on_use(
    r"吊销[^，。；、]{0,14}?(?:许可证|执照|证书|资格|证)|没收[^，。；、]{0,24}|责令(?:限期)?(?:改正|停止[^，。；、]{0,8}|停业整顿|关闭|拆除)"
    r"|停业整顿|撤销[^，。；、]{0,12}?(?:资格|许可|登记|命名)|予以取缔|通报批评|警告|拘留"
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
    "行政主管部门|行政管理部门|主管部门|管理部门|行政部门|部门|委员会|管理局|局|厅|委|机关|机构"
    "|办公室|办"
)
_LEVEL = (
    r"国务院|中央|县级以上地方各级人民政府|县级以上地方人民政府|县级以上地方|县级以上人民政府|县级以上|"
    r"地方各级人民政府|地方各级|地方|各级|本级|同级|上级|上一级|省、自治区、直辖市|"
    r"(?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇)(?:[、和](?:市(?!场)|区(?!域)|县(?!级)|省|乡|镇))*"
)
_GOVERNMENT = on_use(rf"(?P<lv>{_LEVEL})(?P<organ>人民政府|人民法院|人民检察院|人大常委会)")


@functools.cache
def _actor_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A department name (level, function, organ) and a list of functions (公安、交通等部门);
    compiled on first use: the alternation of every function name costs ~20 ms to compile,
    which a command that never diffs should not pay at startup."""
    stems = "|".join(sorted(DEPARTMENT_STEMS, key=len, reverse=True))
    actor = re.compile(rf"(?P<lv>(?:{_LEVEL})?)(?:人民政府)?(?P<stem>{stems})(?P<organ>{_ORGAN})")
    listed = re.compile(rf"(?:(?:{stems})[、和]){{1,}}(?:{stems})(?=等|[、和]?(?:{_ORGAN}))")
    return actor, listed


# a short function name (水, 公安) stands alone only after a word boundary like these
_BEFORE_STEM = set("的和与及或对为将其在各本同级省市县区乡镇府院由经向报并会、，。；：（）")
_DEPT_CLAUSE = on_use(r"[（(](?:责任部门|责任单位|牵头部门|牵头单位|主责部门)[：:][^）)]+[）)]")
_ORGANS_OF_STATE = {"人民政府", "人民法院", "人民检察院", "人大常委会"}
_RESPONSIBLE = on_use(r"负责|主管|牵头|会同|监督管理|组织实施|责任部门|责任单位|规定|制定")


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
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            continue
        a_block, b_block = so[i1:i2], sn[j1:j2]
        for k, a in enumerate(a_block):
            b = b_block[min(k, len(b_block) - 1)]
            if a in sn or b in so or a == b:
                continue  # still named elsewhere in the unit: moved, not renamed
            out.append(UnitFact("actor", a, b, _sentence_with(new, b), _full(o, a), _full(n, b)))
            renamed_o.add(a)
            renamed_n.add(b)
    for stem in dict.fromkeys(so):
        if stem not in sn and stem not in renamed_o:
            sentence = _sentence_with(old, stem)
            if _RESPONSIBLE.search(sentence) and stem not in _ORGANS_OF_STATE:
                out.append(UnitFact("actor", stem, "", sentence, _full(o, stem), ""))
    for stem in dict.fromkeys(sn):
        if stem not in so and stem not in renamed_n:
            sentence = _sentence_with(new, stem)
            if _RESPONSIBLE.search(sentence) and stem not in _ORGANS_OF_STATE:
                out.append(UnitFact("actor", "", stem, sentence, "", _full(n, stem)))
    # the same function at another level: 区、县教育行政部门 → 区教育行政部门
    lv_o = {(lv, stem) for lv, stem, _ in o if lv}
    lv_n = {(lv, stem) for lv, stem, _ in n if lv}
    changed = set()
    for lv, stem in sorted(lv_o - lv_n):
        others = sorted(lv2 for lv2, s2 in lv_n - lv_o if s2 == stem)
        if len(others) == 1 and (lv, others[0]) not in changed:
            changed.add((lv, others[0]))
            out.append(UnitFact("actor", lv, others[0], _sentence_with(new, others[0] + stem)))
    return _unique(out)


def _full(mentions: list[tuple[str, str, str]], stem: str) -> str:
    return next((lv + s + organ for lv, s, organ in mentions if s == stem), stem)


# --- approval and filing -----------------------------------------------------------------------------

_APPROVAL = on_use(
    r"党中央|告知承诺|共同决定|参与表决|一致同意|审查同意|准予|批准|审批|核准|许可|备案|准印证|准用证|同意书|(?<=经)[^，。；]{0,45}同意|(?<=征得)[^，。；]{0,45}同意"
)


def approval_values(sentence: str) -> list[tuple[str, str]]:
    out = []
    for m in _APPROVAL.finditer(sentence):
        word = m.group(0)
        if re.search(r"吊销|撤销|没收|收回", sentence[max(0, m.start() - 12) : m.start()]):
            continue  # a licence taken away is a penalty, not an approval
        if word.endswith("一致同意"):
            word = "一致同意"
        elif word.endswith("同意") and word != "审查同意":
            word = "同意"
        if word == "许可" and sentence[m.end() : m.end() + 1] == "证":
            word = "许可证"
        out.append((word, _clause(sentence, m.start(), m.end())))
    return out


def _clause(sentence: str, start: int, end: int) -> str:
    left = max(sentence.rfind(p, 0, start) for p in "，、：") + 1
    rights = [i for i in (sentence.find(p, end) for p in "，；。") if i >= 0]
    return sentence[left : min(rights) if rights else len(sentence)]


def approval_facts(pairs: Iterable[tuple[str, str]]) -> list[UnitFact]:
    """An approval, consent or filing requirement added, removed or changed in kind
    (批准 → 备案, 同意 → 共同决定, 党中央 added to the approving authorities)."""
    facts = values_changed("approval", pairs, approval_values)
    # show the clauses rather than the bare words
    return [UnitFact(f.kind, f.old_text or f.old, f.new_text or f.new, f.sentence) for f in facts]


# --- obligations ------------------------------------------------------------------------------------------

_MODAL = on_use(r"应当|可以|不得|必须|(?<![必无毋])须(?!知)|禁止|严禁|无需|不需要|不再|鼓励")


def obligation_facts(pairs: Iterable[tuple[str, str]], similarity: Similarity) -> list[UnitFact]:
    """A duty made stronger or weaker in a sentence kept from the old text: one modal
    replaced by another (可以 → 应当, 必须 → 应当, 不应当 → 不得). A sentence added or
    removed whole is not a change of strength, nor a modal that comes or goes alone with a
    clause (that is a duty added or dropped, read by the other kinds)."""
    out: list[UnitFact] = []
    for o, n in pairs:
        if not (o and n) or o == n:
            continue
        mo = [m.group(0) for m in _MODAL.finditer(o)]
        mn = [m.group(0) for m in _MODAL.finditer(n)]
        gone = [x for x in mo if x not in mn]
        came = [x for x in mn if x not in mo]
        if not (gone and came):
            continue  # a duty added or dropped with its clause is not a change of strength
        out.append(UnitFact("obligation", "、".join(gone), "、".join(came), n))
    return out


# --- scope, subsidies ---------------------------------------------------------------------------------

_SCOPE = on_use(
    r"适用|范围|条件|对象|资格|限于|除外|纳入|认定为|包括|属于|具备|符合|限制|下列|免费|申请"
)
_STRONG_SCOPE = on_use(r"适用|范围|对象|资格|限于|包括")
_SUBSIDY = on_use(
    r"补贴|补助|(?<!表彰和)(?<!表彰、)(?<!表彰或者)奖励|资助|奖补|贴息|优惠|减免|扶持资金|专项资金|支持资金"
)
_GRANT = on_use(r"给予|享受|提供|安排|发放|申领|申请|拨付|兑现|实行|支持")
_PENAL = on_use(r"罚款|处分|追究|责令|挪用|克扣|截留|侵占|取消|撤销|不得申请|警告")
_PREFERENCE = on_use(r"优惠|补贴|补助|奖励|减免")
_ITEM = on_use(r"^[（(][一二三四五六七八九十]+[）)](.+?)[；。，]?$", re.M)


def _content(fragment: str) -> bool:
    return len(CJK.findall(fragment)) >= 2


def scope_and_subsidy_facts(
    old: str, new: str, regions: Sequence[tuple[str, str, str]], explained: set[str]
) -> list[UnitFact]:
    """Eligibility and scope changed in a sentence about who or what a rule covers (the
    edit itself names a scope, or cuts or adds a list member); a subsidy or preference added,
    removed or changed; items added to or dropped from an enumeration (a pure widening or
    narrowing of the list). Edits another kind explains (a rename, an amount) are skipped."""
    out: list[UnitFact] = []
    for old_frag, new_frag, sentence in regions:
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
        changed = old_frag + new_frag
        # 优惠价格 → 优惠政策: a subsidy granted, dropped or changed (not one only reordered)
        words_o = set(_SUBSIDY.findall(old_frag))
        words_n = set(_SUBSIDY.findall(new_frag))
        after_subsidy = any(
            m.end() in _edges(sentence, new_frag) for m in _PREFERENCE.finditer(sentence)
        )
        if (
            (words_o != words_n or after_subsidy)
            and _GRANT.search(sentence)
            and not _PENAL.search(sentence)
        ):
            out.append(UnitFact("subsidy", old_frag, new_frag, sentence))
            continue
        # a member added to or cut from a list (工业、农业和服务业 → 工业和服务业)
        one_sided = not (old_frag and new_frag)
        frag = old_frag or new_frag
        list_member = one_sided and bool(
            re.match(r"^(?:[、，]|和|或者|以及|及)", frag) or re.search(r"(?:[、]|和|或者)$", frag)
        )
        cue_o = set(_STRONG_SCOPE.findall(old_frag))
        cue_n = set(_STRONG_SCOPE.findall(new_frag))
        names_scope = cue_o != cue_n and not re.search("[。；]", changed)
        about_scope = bool(_SCOPE.search(sentence))
        if (list_member and about_scope and not re.search("[。；]", frag)) or names_scope:
            out.append(UnitFact("scope", old_frag, new_frag, sentence))
    io = {m.group(1) for m in _ITEM.finditer(old)}
    inn = {m.group(1) for m in _ITEM.finditer(new)}
    if io and inn and (not (io - inn)) != (not (inn - io)):
        gone, came = sorted(io - inn), sorted(inn - io)
        out.append(UnitFact("scope", "；".join(gone), "；".join(came), (came or gone)[0]))
    return _unique(out)[:2]


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
    regions: Sequence[tuple[str, str, str]],
    similarity: Similarity,
    *,
    kinds: frozenset[str] | None = None,
) -> list[UnitFact]:
    """Every fact that changed between the old and new text of one unit. `regions` are the
    inline diff's replace regions (old fragment, new fragment, new sentence)."""
    pairs = sentence_pairs(old, new, similarity)
    facts: list[UnitFact] = []
    approvals = approval_facts(pairs)
    approval_sentences = {f.sentence for f in approvals}
    facts += [
        f for f in obligation_facts(pairs, similarity) if f.sentence not in approval_sentences
    ]
    facts += values_changed("money", pairs, money_values)
    facts += values_changed("deadline", pairs, deadline_values)
    facts += values_changed("penalty", pairs, fine_values)
    facts += sanction_facts(old, new)
    facts += approvals
    facts += values_changed("percentage", pairs, percent_values)
    facts += values_changed("date", pairs, date_values)
    actors = actor_facts(old, new)
    explained = {x for f in facts + actors for x in (f.old, f.new, f.old_text, f.new_text) if x}
    facts += scope_and_subsidy_facts(old, new, regions, explained)
    # a department that goes with a clause added or removed is part of that change
    clauses = [x for f in facts for x in (f.old, f.new) if len(x) > 8]
    facts += [
        a for a in actors if (a.old and a.new) or not any((a.old or a.new) in c for c in clauses)
    ]
    if kinds is not None:
        facts = [f for f in facts if f.kind in kinds]
    return facts
