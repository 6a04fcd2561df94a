"""Raw text → clean lines: script, punctuation, doc-number brackets, and page noise.

Every line removed is reported with the reason, so `add --dry-run` can show it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from policytrack.chinese import (
    CJK,
    PINYIN_GLOSS_RE,
    full_width_punctuation,
    is_traditional,
    strip_invisible,
    to_mainland_simplified,
)
from policytrack.model import DOC_NUMBER_IN_TEXT, DocNumber

from . import privacy
from .labels import LabelBlock, read_labels


@dataclass(frozen=True)
class Stamp:
    """A page's posting time stamp (2021-08-26 10:49:18 来源:…) and the source it names."""

    line: str
    source: str  # the 来源 named on the stamp's line or next to it ("" when none)


@dataclass
class Cleaned:
    """Clean lines plus what was stripped and what the page chrome told us."""

    lines: list[str]
    script: str
    stripped: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    publisher: str = ""
    published_line: str = ""
    labels: LabelBlock = field(default_factory=lambda: LabelBlock([], set()))
    stamps: list[Stamp] = field(default_factory=list)


_DATE_LIST = re.compile(
    r"^[-*•·]?\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_SOURCE = re.compile(r"^(?:来源|信息来源|文章来源|稿源|来源单位)[：:]\s*(.*)$")
_PUBLISHED = re.compile(r"^(?:发布时间|发布日期|发文日期|公开日期|时间)[：:]\s*(.+)$")
_CHROME = re.compile(
    r"^(?:【?打印(?:本页|此页)?】?|【?关闭(?:窗口|本页)?】?|分享到[：:]?.*|分享[：:].*|【?字体[：:].*|"
    r"字号[：:].*|扫一扫.*|责任编辑[：:].*|编辑[：:].*|审核[：:].*|浏览次数.*|访问量.*|点击(?:数|量|次数).*|"
    r"阅读(?:数|量|次数)[：:].*|相关(?:阅读|链接|文章)[：:]?.*|上一篇[：:].*|下一篇[：:].*|"
    r"【?(?:收藏|纠错|返回顶部|我要纠错)】?|当前位置[：:].*|首页\s*[>＞].*|[【\[]?(?:大|中|小)\s*[】\]]?(?:\s*[【\[]?(?:大|中|小)\s*[】\]]?)*)$"
)
_LEAD_MARKER = re.compile(r"^[\[【](?:导语|摘要|导读)[\]】]\s*")
# page furniture that is a whole line: breadcrumbs, share/print widgets, counters, image
# alt texts, database and wiki boilerplate
_FURNITURE = re.compile(
    r"^(?:(?:您的|当前)位置[：:]?.*|.{0,30}[>»＞]{1,2}\s*正文.*|.*首页\s*[>»＞].*|"
    r"(?:用微信)?扫(?:描|一扫).{0,20}(?:二维码|分享).*|分享(?:至|到)?(?:好友|朋友圈)?.{0,10}|×|"
    r"(?:放大|缩小)字体.{0,40}|.*【\s*字体[：:].*|字号[：:]?\s*[大中小].*|选择阅读字号.*|"
    r"下载地址[：:].*|点击此处下载|收藏|打印(?:本页)?|关闭(?:窗口)?|返回(?:顶部|列表)?|"
    r"[\w-]{1,40}\.(?:png|jpg|jpeg|gif)|头部|ico|Loading\.\.\.|search|"
    r"(?:上|下)一(?:篇|条)[：:]?.*|【(?:上|下)一篇】.*|相关(?:文章|链接|推荐)[：:]?.*|猜你喜欢[：:]?|"
    r"热门(?:推荐|排行|站点)?.*|频道推荐|新闻推荐|最新图文|收起|联系我们|关注我们|"
    r"责任编辑[：:].*|\(编辑[：:].{1,10}\)|（编辑[：:].{1,10}）|本篇文章\d+字.*|"
    r"(?:Copyright|版权所有|©).*|.*ICP备.*|.*网安备.*|合集下载|文章导读|百科知识|"
    r"法规内容\s*本文仅供参考.*|\d{1,6}|0)$",
    re.I,
)
_GLOSS_DEBRIS = re.compile(r"\?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)[a-z]{0,2}(?=[\u4e00-\u9fff])")
_TAG = re.compile(r"</?(?:p|br|div|span|strong|b|em|font|td|tr|table|h\d|li|ul|ol)\b[^>]*>", re.I)
_STYLE_DEBRIS = re.compile(r"^\s*[a-z-]+\s*:\s*[^;\n]{1,30};?\s*\"?>", re.M)
_QUESTION_GAP = re.compile(rf"(?<=[{CJK}])\s*[?？]+\s*(?=[{CJK}])")
_QUESTION_RUN = re.compile(r"(?:\s*\?){1,}\s*$|^\s*(?:\?\s*)+|\?{3,}")
# a posting time stamp: a date with a time of day (2021-08-26 10:49:18, 2019年02月28日 12:08)
_STAMP = re.compile(r"(\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?)\s*(\d{1,2}:\d{2}(?::\d{2})?)")
_STAMP_SOURCE = re.compile(r"(?:信息)?来源[：:]\s*([^\s|]{2,30})")


_SIGNER = "(?:部长|局长|主任|省长|市长|县长|区长|总理|主席|署长|行长)"
_YEAR = "(?:[〇○零一二三四五六七八九OＯ0]{4}|\\d{4}\\s*)年"
_SIGNER_DATE = re.compile(
    rf"^(.{{0,30}}?{_SIGNER}\s*[\u4e00-\u9fff]{{2,4}}?)"
    r"([〇○零一二三四五六七八九OＯ0]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(.*)$"
)


def _resegment(line: str) -> list[str]:
    """A page flattened onto one line → its paragraphs: split where the original line
    breaks were (a space after a sentence, before a numbered item, at • bullets and dashed
    rules) and before 第X章 / 第X条 headings glued to the previous sentence."""
    if len(line) < 300:
        # a short line still splits at •【label】 bullets of a database attribute list
        if line.count("•【") >= 2:
            return [p.strip() for p in line.split("•") if p.strip()]
        return [line]
    text = re.sub(r"-{6,}|•", "\n", line)
    # spaces that stood for line breaks: after a sentence, a colon or a title's genre word,
    # and before a numbered item (a space between two organs' names stays)
    text = re.sub(r"(?<=[。：:；;！？])\s+", "\n", text)
    text = re.sub(
        rf"(?<=通知|意见|决定|办法|规定|方案|细则|公告|通告|条例)\s+(?=[{CJK}])", "\n", text
    )
    text = re.sub(
        r"\s+(?=(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百]+[章条]))",
        "\n",
        text,
    )
    # an order's heading glued to its first sentence: 生态环境部令 第 17 号生态环境标准管理办法已于…
    text = re.sub(rf"(?<=令)\s*(第\s*\d+\s*号)\s*(?=[{CJK}])", r" \1\n", text)
    # the signature glued to the sentence before it: …起施行。生态环境部部长 黄润秋2020 年…
    text = re.sub(
        rf"(?<=[。；])(?=[{CJK}]{{0,20}}{_SIGNER}\s*[{CJK}]{{2,4}}\s*{_YEAR})", "\n", text
    )
    _num = "[一二三四五六七八九十百零〇]+"
    text = re.sub(rf"(?<=[。；;！？])\s*(?=第{_num}[章条])", "\n", text)
    text = re.sub(rf"(?<![本该按依照第经])(?=第{_num}章)", "\n", text)
    text = re.sub(
        rf"(?<=[{CJK}])(?=第{_num}条(?:[{CJK}]))(?<![本该法规例按照依据根第和、与及至])", "\n", text
    )
    return [part.strip() for part in text.split("\n") if part.strip()]


def _unglue_signature(line: str) -> list[str]:
    """局长解振华一九九九年四月一日环境标准管理办法第一章总则…: a signer, the order's
    date and the text that follows, run together by a flattened page."""
    m = _SIGNER_DATE.match(line)
    if not m:
        return [line]
    rest = m.group(3).strip()
    num = "[一二三四五六七八九十百零〇]+"
    rest = re.sub(rf"(?=第{num}[章条])", "\n", rest)
    return [m.group(1), m.group(2), *(p.strip() for p in rest.split("\n") if p.strip())]


_DOUBLED = re.compile(r"(.{4,60})\1")


def _undouble(line: str) -> str:
    """A line that is one phrase printed twice (生态环境标准管理办法生态环境标准管理办法):
    a PDF's bold heading drawn twice, read once."""
    m = _DOUBLED.fullmatch(line)
    return m.group(1) if m else line


_CHUNK = re.compile(r"^\s*(\d{1,3})、")


def _join_chunks(lines: list[str], out: Cleaned) -> list[str]:
    """A PDF preview saved as numbered chunks (1、生态环境部令 第 17 号…标 / 2、准和地方…):
    long lines numbered 1、2、3、… in order, each cut at a fixed length inside a sentence.
    They are one text: the numbers go and the chunks are joined where they were cut. A
    list of long numbered items is not joined: its items end their sentences (。；)."""
    pieces = [(i, m) for i, line in enumerate(lines) if (m := _CHUNK.match(line))]
    if (
        len(pieces) < 2
        or [int(m.group(1)) for _, m in pieces] != list(range(1, len(pieces) + 1))
        or any(len(lines[i]) < 200 for i, _ in pieces[:-1])  # the last piece may be short
        or any(_SENTENCE_END.search(lines[i].rstrip()) for i, _ in pieces[:-1])
    ):
        return lines
    first, last = pieces[0][0], pieces[-1][0]
    if any(lines[j].strip() for j in range(first, last + 1) if j not in {i for i, _ in pieces}):
        return lines  # something else between the chunks: a numbered list, not a cut text
    joined = "".join(lines[i][m.end() :].strip() for i, m in pieces)
    out.stripped.append(("chunk numbers of a text cut into pieces", f"1、…{len(pieces)}、"))
    return [*lines[:first], joined, *lines[last + 1 :]]


_SENTENCE_END = re.compile(r"[。；;！？!?：:”」）)]$")


def _fold_width(line: str) -> str:
    """Full-width Latin letters, digits and spaces → ASCII (punctuation is untouched)."""
    out = []
    for ch in line:
        if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
            out.append(unicodedata.normalize("NFKC", ch))
        elif ch in "\u3000\u00a0\u2002\u2003\u2009\ufeff":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def canonical_doc_numbers(line: str) -> str:
    """Doc numbers inside running text written with [] () 【】 → 〔〕."""

    def fix(m: re.Match[str]) -> str:
        number = DocNumber.try_parse(m.group(0))
        return str(number) if number else m.group(0)

    return DOC_NUMBER_IN_TEXT.sub(fix, line)


def clean(text: str) -> Cleaned:
    """Normalise raw text into lines and strip page noise and personal contact details.
    Label blocks (索引号 | 发文字号 …) and posting stamps are read into `labels` and
    `stamps` and leave the text; everything removed is listed in `stripped`, in the order
    of the phases: script and glosses, markup, lines, page chrome, labels and stamps,
    personal details."""
    text = strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"))
    glosses = PINYIN_GLOSS_RE.findall(text)
    if glosses:
        text = PINYIN_GLOSS_RE.sub("", text)
    # a glossed character lost to mojibake leaves '?' and the rest of its gloss: 治理?xiàng)l例
    text = _GLOSS_DEBRIS.sub("?", text)
    traditional = is_traditional(text)
    if traditional:
        text = to_mainland_simplified(text)
    out = Cleaned([], "traditional" if traditional else "simplified")
    if glosses:
        shown = "".join(sorted(set(g.strip() for g in glosses))[:12])
        out.stripped.append(("pinyin glosses", f"{len(glosses)}: {shown}"))
    if len(_TAG.findall(text)) >= 4:
        # HTML markup pasted as text: tags end paragraphs, style debris goes
        text = _TAG.sub("\n", text)
        text = _STYLE_DEBRIS.sub("", text)
        out.stripped.append(("HTML markup in the text", "tags and style attributes"))
    candidates = _without_chrome(_page_lines(text, out), out)
    out.labels = read_labels(candidates)
    kept = _without_labels_and_stamps(candidates, out)
    source_pair = out.labels.first("source")
    if source_pair:
        out.publisher = source_pair.value.split()[0] if source_pair.value else ""
    published = out.labels.first("published") or out.labels.first("posted")
    if published:
        out.published_line = published.line
    out.lines.extend(_text_lines(kept, out))
    return out


def _page_lines(text: str, out: Cleaned) -> list[str]:
    """The text's lines: chunks joined, width folded, '?' runs removed, flattened lines
    re-segmented, signatures unglued, doubled headings read once."""
    raw_lines: list[str] = []
    for raw in _join_chunks(text.split("\n"), out):
        line = re.sub(r"[ \t]+", " ", _fold_width(raw)).strip()
        fixed = _QUESTION_RUN.sub("", _QUESTION_GAP.sub(" ", line)).strip()
        if fixed != line:
            out.stripped.append(("'?' left by a wrong decoding", line))
            line = fixed
        for part in _resegment(line) if line else []:
            raw_lines.extend(_undouble(p) for p in _unglue_signature(part))
    return raw_lines


def _without_chrome(raw_lines: list[str], out: Cleaned) -> list[str]:
    """The lines without page chrome: navigation and furniture lines, lists of dates."""
    candidates: list[str] = []
    for k, line in enumerate(raw_lines):
        near_source = any(
            _STAMP_SOURCE.search(raw_lines[j]) for j in (k - 1, k + 1) if 0 <= j < len(raw_lines)
        )
        in_list = any(
            _DATE_LIST.match(raw_lines[j].lstrip("-*•· "))
            for j in (k - 1, k + 1)
            if 0 <= j < len(raw_lines)
        )
        if (
            _DATE_LIST.match(line.lstrip("-*•· "))
            and len(line) <= 24
            and in_list
            and not near_source
        ):
            out.stripped.append(("list of dates (page chrome)", line))
            continue
        if (_CHROME.match(line) or _FURNITURE.match(line)) and len(line) <= 60:
            out.stripped.append(("page chrome", line))
            continue
        candidates.append(line)
    return candidates


def _without_labels_and_stamps(candidates: list[str], out: Cleaned) -> list[str]:
    """The lines without the label block (read into out.labels) and posting stamps (kept
    in out.stamps with the 来源 printed on or beside them)."""
    kept: list[str] = []
    for i, line in enumerate(candidates):
        if i in out.labels.used:
            out.stripped.append(("page label block (kept as metadata)", line))
            continue
        stamp = _STAMP.search(line)
        if stamp and len(line) <= 120 and len(re.sub(_STAMP.pattern, "", line)) <= 60:
            src = _STAMP_SOURCE.search(line)
            source = src.group(1) if src else ""
            if not source:
                for j in (i - 1, i + 1):  # • 2020-11-13 14:42 / • 来源:广安区人民政府
                    if 0 <= j < len(candidates):
                        near = _STAMP_SOURCE.search(candidates[j])
                        if near and len(candidates[j]) <= 40:
                            source = near.group(1)
            out.stamps.append(Stamp(line, source))
            out.stripped.append(("posting time stamp (kept as evidence)", line))
            continue
        kept.append(line)
    return kept


def _text_lines(kept: list[str], out: Cleaned) -> list[str]:
    """The document's lines: personal contact details masked or dropped, lead markers
    removed, punctuation and doc numbers in their canonical forms."""
    lines: list[str] = []
    for line in kept:
        if privacy.has_personal(line):  # what is masked: see privacy
            if privacy.is_contact_line(line):
                out.stripped.append(("personal contact details", line))
                continue
            out.stripped.append(("personal contact details (redacted in place)", line))
            line = privacy.mask(line)
        m = _LEAD_MARKER.match(line)
        if m:
            out.stripped.append(("lead marker", m.group(0).strip()))
            line = line[m.end() :]
        lines.append(canonical_doc_numbers(full_width_punctuation(line)))
    return lines
