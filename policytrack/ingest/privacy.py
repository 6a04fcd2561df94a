"""Personal data in a document's text: found at ingest and never written to the archive,
so it never reaches the website, its JSON API or its search index either.

What is masked (docs/security.md keeps this list for users):

| what | pattern | replaced by |
| --- | --- | --- |
| phone numbers | mainland mobiles (1[3-9] + 9 digits), landlines with area code (010-12345678), optional +86 | （联系方式略） |
| WeChat / QQ ids | 微信 / 微信号 / WeChat / QQ followed by an id | （联系方式略） |
| e-mail addresses | name@domain.tld | （联系方式略） |
| ID-card numbers | 18-character 居民身份证号码 whose birth date is a real date and whose check character is right (GB 11643) | （证件号码略） |

A short line holding one of them (a contact line: 联系人：…，电话：…) is dropped whole; in a
longer line only the match is replaced. What was removed is reported by `add --dry-run`.
Organisation addresses, 统一社会信用代码 (they fail the ID check) and doc numbers are kept.
"""

from __future__ import annotations

import re
from datetime import date

CONTACT_MARK = "（联系方式略）"
ID_MARK = "（证件号码略）"
SHORT_LINE = 80  # characters: a line this short holding contact details is a contact line

PHONE = re.compile(
    r"(?<![\d.])(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}|\d{3,4}-\d{7,8})(?![\d.])"
)
WECHAT = re.compile(r"(?:微信号?|wechat|WeChat|QQ)[：:\s]*[A-Za-z0-9][-_A-Za-z0-9]{4,19}")
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}\d{4}\d{3}[0-9Xx](?![0-9A-Za-z])")
CONTACT_WORDS = re.compile(r"(咨询|联系|电话|手机|热线|传真|微信|邮箱|联系人|电子邮件|身份证)")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def is_id_card(number: str) -> bool:
    """An 18-character 居民身份证号码: a real birth date and the right check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def _id_cards(line: str) -> list[re.Match[str]]:
    return [m for m in ID_CARD.finditer(line) if is_id_card(m.group(0))]


# every pattern above needs three digits in a row, an @ or a chat service's name: most lines
# of a policy have none of them and are passed over at once
_MAYBE = re.compile(r"\d{3}|@|微信|QQ|wechat|WeChat")


def has_personal(line: str) -> bool:
    """Whether the line holds a phone number, a WeChat/QQ id, an e-mail or an ID number."""
    if not _MAYBE.search(line):
        return False
    return bool(
        PHONE.search(line)
        or WECHAT.search(line)
        or ("@" in line and EMAIL.search(line))
        or _id_cards(line)
    )


def is_contact_line(line: str) -> bool:
    """A line that is only contact details (dropped whole rather than masked)."""
    return len(line) <= SHORT_LINE or bool(CONTACT_WORDS.match(line))


def mask(line: str) -> str:
    """The line with every personal detail replaced by its mark."""
    for m in reversed(_id_cards(line)):
        line = line[: m.start()] + ID_MARK + line[m.end() :]
    if "@" in line:
        line = EMAIL.sub(CONTACT_MARK, line)
    return WECHAT.sub(CONTACT_MARK, PHONE.sub(CONTACT_MARK, line))
