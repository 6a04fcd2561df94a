"""Chinese text primitives: numerals, script (繁/简) and punctuation width.

Pure functions, no I/O. Everything above this module relies on them to compare and
normalise Chinese text the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lazyre import on_use

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = on_use(f"[{CJK}]")

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "0": 0,  # 二00五年: ASCII zeros among Chinese numerals
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}


@lru_cache(maxsize=4096)  # the same few hundred numbers, label after label
def cn_to_int(text: str) -> int:
    """Convert a Chinese or Arabic numeral to an int: 二十 → 20, 一百零五 → 105,
    二〇二四 → 2024 (digit by digit when there are no unit characters), 12 → 12."""
    s = text.strip()
    if not s:
        raise ValueError("empty numeral")
    if s.isdigit():
        return int(s.translate(_FULLWIDTH_DIGITS))
    if all(c in _DIGITS for c in s):
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[c]
            digit = None
        elif c in _BIG:
            section += digit or 0
            total += section * _BIG[c]
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + (digit or 0)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def int_to_cn(n: int, *, legal: bool = False) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (below 10,000), as Word's
    chineseCounting numbering prints them; `legal` uses 壹贰叁 (chineseLegalSimplified)."""
    if not 0 <= n < 10_000:
        return str(n)
    digits = "零壹贰叁肆伍陆柒捌玖" if legal else "零一二三四五六七八九"
    units = ("", "拾", "佰", "仟") if legal else ("", "十", "百", "千")
    if n == 0:
        return digits[0]
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + units[power])
    text = "".join(out)
    return text[1:] if not legal and 10 <= n < 20 else text


def ascii_digits(text: str) -> str:
    """Full-width digits ０-９ → 0-9."""
    return text.translate(_FULLWIDTH_DIGITS)


# control characters too (not tab, line feed, carriage return, vertical tab, form feed):
# a terminal escape sequence or a NUL in a page is not text, and printed raw by `show` it
# would drive the reader's terminal
INVISIBLE_RE = on_use("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u00ad]")


def strip_invisible(text: str) -> str:
    """Remove zero-width spaces, joiners, BOMs and soft hyphens scraped pages carry, and
    control characters."""
    return INVISIBLE_RE.sub("", text)


# --- script -------------------------------------------------------------------------
#
# Big5 gateways turn a Simplified mainland original into Traditional script *and* swap
# mainland vocabulary for Taiwan vocabulary. Character conversion (OpenCC t2s) undoes the
# script; this table undoes the vocabulary. It holds only phrases whose Taiwan form is not
# used with that meaning in mainland policy text, so applying it cannot change meaning.
# OpenCC's own tw2sp profile is deliberately not used: it also rewrites 核心→内核,
# 整合→集成, 新增→添加, 可复制→可拷贝, 效能→性能 and 智慧城市→智能城市 in mainland text.
TAIWAN_PHRASES: dict[str, str] = {
    "人工智慧": "人工智能",
    "具身智慧": "具身智能",
    "智慧型": "智能型",
    "智慧製造": "智能制造",
    "智慧算力": "智能算力",
    "智慧感測": "智能传感",
    "智慧模型": "智能模型",
    "智慧晶片": "智能芯片",
    "智慧終端": "智能终端",
    "智慧網聯": "智能网联",
    "智慧駕駛": "智能驾驶",
    "智慧手機": "智能手机",
    "智慧機器人": "智能机器人",
    "智慧柔性": "智能柔性",
    "智慧決策": "智能决策",
    "智慧化": "智能化",
    "資訊": "信息",
    "軟硬體": "软硬件",
    "軟體": "软件",
    "硬體": "硬件",
    "韌體": "固件",
    "演算法": "算法",
    "晶片": "芯片",
    "伺服器": "服务器",
    "網際網路": "互联网",
    "網路": "网络",
    "支援": "支持",
    "介面": "接口",
    "品質": "质量",
    "水準": "水平",
    "感測器": "传感器",
    "系統整合": "系统集成",
    "積體電路": "集成电路",
    "作業系統": "操作系统",
    "記憶體": "内存",
    "資料庫": "数据库",
    "雲端運算": "云计算",
    "數位化": "数字化",
    "倣真": "仿真",
    "螢幕": "屏幕",
    "預設": "默认",
    "影音": "音视频",
}

# Variant pairs a regional gateway may produce that are equal in meaning for a diff
# (`--ignore-variants`), written Simplified-side after t2s conversion.
REGIONAL_VARIANTS: dict[str, str] = {
    "支援": "支持",
    "品质": "质量",
    "水准": "水平",
    "资讯": "信息",
    "软体": "软件",
    "硬体": "硬件",
    "晶片": "芯片",
    "介面": "接口",
    "演算法": "算法",
    "网路": "网络",
    "人工智慧": "人工智能",
}


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _phrase_re() -> re.Pattern[str]:
    keys = sorted(TAIWAN_PHRASES, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys)))


def to_simplified_chars(text: str) -> str:
    """Character-level Traditional → Simplified (OpenCC t2s), no vocabulary change."""
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def traditional_ratio(text: str) -> float:
    """Share of CJK characters that t2s would change: ~0 for Simplified text."""
    cjk = CJK_RE.findall(text)
    if not cjk:
        return 0.0
    sample = "".join(cjk[:20000])
    converted = to_simplified_chars(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed / len(sample)


def is_traditional(text: str) -> bool:
    """True when the text is written in Traditional script."""
    return traditional_ratio(text) > 0.03


def to_mainland_simplified(text: str) -> str:
    """Traditional text as a Big5 gateway serves it → the mainland Simplified original:
    Taiwan vocabulary first (curated, meaning-preserving), then characters."""
    restored = _phrase_re().sub(lambda m: TAIWAN_PHRASES[m.group(0)], text)
    return to_simplified_chars(restored)


def fold_variants(text: str) -> str:
    """Map regional vocabulary variants onto one form (for `diff --ignore-variants`)."""
    for a, b in sorted(REGIONAL_VARIANTS.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(a, b)
    return text


# --- punctuation ----------------------------------------------------------------------

_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_FULL_PUNCT = "，。、；：？！（）《》“”‘’〔〕【】—…·"
_WIDE = on_use(f"[{CJK}{_FULL_PUNCT}]")


def _is_wide(ch: str) -> bool:
    return bool(ch) and bool(_WIDE.match(ch))


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t":
        j += step
    return text[j] if 0 <= j < len(text) else ""


_HALF = on_use(r"[(),:;!?]")
_PARENS = on_use(r"[()]")
_MARKS = on_use(r"[,:;!?]")


def full_width_punctuation(text: str) -> str:
    """Half-width , : ; ! ? ( ) next to Chinese text become full-width; between digits
    or Latin text they stay (1:1, 1,000, (AI) in English)."""
    if not _HALF.search(text):
        return text
    chars = list(text)
    # parentheses as pairs, so a pair never ends up mixed
    stack: list[int] = []
    for m in _PARENS.finditer(text):
        i = m.start()
        if m.group() == "(":
            stack.append(i)
        elif stack:
            j = stack.pop()
            inner = text[j + 1 : i]
            if (
                CJK_RE.search(inner)
                or _is_wide(_neighbour(text, j, -1))
                or _is_wide(_neighbour(text, i, 1))
            ):
                chars[j], chars[i] = "（", "）"
    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group()
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if ch in ",:" and before.isdigit() and after.isdigit():
            continue
        if _is_wide(before) or _is_wide(after) or (before in "%）" and after == ""):
            chars[i] = _HALF_TO_FULL[ch]
    out = "".join(chars)
    # drop spaces the scraper left around full-width punctuation
    return re.sub(r"[ \t]*([，：；！？（）、。])[ \t]*", r"\1", out) if out != text else out


# --- pinyin glosses ---------------------------------------------------------------
#
# Some mirrors print a reading after characters: 國(guó)發(fā)〔2021〕26號(hào), 税务（wù）.
# A gloss is a toned pinyin syllable in brackets right after a Chinese character (or one of
# the few toneless particles), so item labels such as (a) and Latin abbreviations stay.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS_RE = on_use(
    rf"(?<=[{CJK}])[ \t]?[（(](?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|de|le|me|ne|zi|men)[)）]"
)


def strip_pinyin_glosses(text: str) -> str:
    """國(guó)發(fā) → 國發: remove the pinyin readings a mirror inserted after characters."""
    return PINYIN_GLOSS_RE.sub("", text)
