"""Raw text → clean lines: script, punctuation, doc-number brackets, and page noise.

Every line removed is reported with the reason, so `add --dry-run` can show it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from policytrack.chinese import (
    full_width_punctuation,
    is_traditional,
    strip_invisible,
    to_mainland_simplified,
)
from policytrack.model import DOC_NUMBER_IN_TEXT, DocNumber

from . import privacy


@dataclass
class Cleaned:
    """Clean lines plus what was stripped and what the page chrome told us."""

    lines: list[str]
    script: str
    stripped: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    publisher: str = ""
    published_line: str = ""


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
    """Normalise raw text into lines and strip page noise and personal contact details."""
    text = strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"))
    traditional = is_traditional(text)
    if traditional:
        text = to_mainland_simplified(text)
    out = Cleaned([], "traditional" if traditional else "simplified")
    raw_lines = [re.sub(r"[ \t]+", " ", _fold_width(line)).strip() for line in text.split("\n")]
    for line in raw_lines:
        if not line:
            continue
        if _DATE_LIST.match(line.lstrip("-*•· ")) and len(line) <= 24:
            out.stripped.append(("list of dates (page chrome)", line))
            continue
        m = _SOURCE.match(line)
        if m and len(line) <= 60:
            out.publisher = m.group(1).strip()
            out.stripped.append(("source line (kept as provenance)", line))
            continue
        m = _PUBLISHED.match(line)
        if m and len(line) <= 40:
            out.published_line = line
            out.stripped.append(("publication-date line (kept as evidence)", line))
            continue
        if _CHROME.match(line) and len(line) <= 40:
            out.stripped.append(("page chrome", line))
            continue
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
        line = canonical_doc_numbers(full_width_punctuation(line))
        out.lines.append(line)
    return out
