"""A publisher's metadata (the 信息公开 table of a web page) outranks what was read from the
text; both are kept as evidence, and a disagreement is a warning the user sees."""

from __future__ import annotations

import re

from policytrack.model import DatedFact, DocNumber, Relation

from .converted import Attachment
from .dates import first_date
from .extract import Extracted, note_conflict
from .webpage import META_FIELDS

_ATTACHMENT_LINE = re.compile(r"^附件\s*(?:\d+)?\s*[:：.、]?\s*(?:\d+\s*[.、．]\s*)?(.+?)\s*$")


def apply_page_metadata(
    ex: Extracted, metadata: tuple[tuple[str, str], ...], warnings: list[str]
) -> list[tuple[str, str]]:
    """Fill what the text leaves open from the table; where both state a value and they
    disagree, the text wins and the warning names both. Returns the pairs that fill no
    field (索引号, 主题分类 …) so they can be shown as kept-aside page metadata."""
    aside: list[tuple[str, str]] = []
    for label, value in metadata:
        field = META_FIELDS.get(label)
        where = f"page metadata table {label}：{value}"
        if field in ("title", "issuer"):
            _text_field(ex, field, value, where, warnings, label)
        elif field == "doc_number":
            number = DocNumber.try_parse(value)
            if number is None:
                aside.append((label, value))
                continue
            _text_field(ex, "doc_number", str(number), where, warnings, label)
        elif field in ("issued", "published", "effective", "expires"):
            day = first_date(value)
            if day is None:
                aside.append((label, value))
                continue
            old: DatedFact = getattr(ex, field)
            if old.value is None:
                setattr(
                    ex, field, DatedFact(day, "stated", f"{label}：{value}", "page metadata table")
                )
            elif old.value != day:
                note_conflict(ex, field, str(day), f"the page's metadata table {label}")
        else:
            aside.append((label, value))
    return aside


def _text_field(
    ex: Extracted, name: str, value: str, where: str, warnings: list[str], label: str
) -> None:
    old = getattr(ex, name)
    same = bool(old) and re.sub(r"\s+", "", old) == re.sub(r"\s+", "", value)
    if name == "doc_number" and old:
        a, b = DocNumber.try_parse(old), DocNumber.try_parse(value)
        same = a is not None and b is not None and a.slug == b.slug
    if old and not same:
        note_conflict(ex, name, value, f"the page's metadata table {label}")
        return
    if old:
        setattr(ex, f"{name}_evidence", f"{where}; the text agrees")
        return
    setattr(ex, name, value)
    setattr(ex, f"{name}_evidence", where)
    if hasattr(ex, f"{name}_basis"):
        setattr(ex, f"{name}_basis", "stated")


def attachment_relations(lines: list[str], links: tuple[Attachment, ...]) -> list[Relation]:
    """Attachments named in the text (附件：1.《…》) and linked from the page, once each;
    a linked one keeps its address as evidence."""
    names: list[str] = []
    for i, line in enumerate(lines):
        m = _ATTACHMENT_LINE.match(line)
        if not m or len(line) > 80:
            continue
        names.append(m.group(1))
        for nxt in lines[i + 1 : i + 10]:  # 附件：1.… then 2.… on the following lines
            m2 = re.match(r"^\d+\s*[.、．]\s*(.+)$", nxt)
            if not m2 or len(nxt) > 80:
                break
            names.append(m2.group(1))
    out: list[Relation] = []
    seen: set[str] = set()
    for link in links:
        title = _bare(link.name)
        seen.add(title)
        out.append(Relation("attachment", None, title, link.href))
    for name in names:
        title = _bare(name)
        if title and title not in seen and not any(title in s or s in title for s in seen):
            seen.add(title)
            out.append(Relation("attachment", None, title, f"附件：{name}"))
    return out


def _bare(name: str) -> str:
    name = re.sub(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar)$", "", name.strip(), flags=re.I)
    return name.strip("《》 ")
