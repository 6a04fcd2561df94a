"""Clean lines → the document's own title, 发文字号, issuers and 成文日期, and where its text
begins: `read_document` runs the readers in order — `titles` (the title and the layout:
title block, covering notice, start of the text), the 发文字号 (here, from the forms
`docnumbers` finds), `issuers`, `issued`.

The order of the rules is the order of trust: what the document itself prints in its
header, title block and signature comes first; a covering notice hands its title to the
policy it issues when that policy's text is on the page; page labels (索引号 | 发文字号 …)
and news prose are used only where the document says nothing. A field nothing states stays
empty: a title is never composed from keywords.
"""

from __future__ import annotations

import re

from policytrack.model import DocNumber, damaged_number

from .clean import Cleaned
from .docnumbers import (
    _NUMBER_ANYWHERE,
    _trimmed,
    annotated_number,
    header_number,
    history_number,
    news_number,
)
from .extract import Extracted, note_conflict
from .header import find_addressee
from .issued import read_issued
from .issuers import read_issuer
from .titles import Layout, read_title

# --- doc number ---------------------------------------------------------------------------------


def read_doc_number(lines: list[str], layout: Layout, cleaned: Cleaned, ex: Extracted) -> None:
    addressee = find_addressee(lines)
    end = addressee if addressee is not None else max(layout.body_start + 3, 12)
    found = header_number(lines, end + 1)
    if found is None:
        history = history_number(lines)
        found = (history[0], history[2]) if history else None
    if found is None:
        found = annotated_number(lines) or news_number(lines, ex.title or "")
    if found is None:
        # a number printed in the page's label line (发布时间：… 财政部 税务总局公告2020年第8号)
        for pair in cleaned.labels.pairs:
            if pair.field not in ("posted", "published", "issued", "title"):
                continue
            for m in _NUMBER_ANYWHERE.finditer(pair.value):
                got = _trimmed(m.group(0))
                if got:
                    found = (got[0], pair.line)
                    break
            if found:
                break
    label = cleaned.labels.first("doc_number")
    label_number = DocNumber.try_parse(label.value) if label else None
    if found is not None:
        number, evidence = found
        ex.doc_number, ex.doc_number_evidence = str(number), evidence
        if label_number and label_number.slug != number.slug and label:
            note_conflict(ex, "doc_number", str(label_number), f"the page's label {label.label}")
    elif label_number and label:
        ex.doc_number, ex.doc_number_evidence = str(label_number), label.line
    else:
        for line in lines[:end]:
            text = line.strip()
            if damaged_number(text):
                ex.doc_number, ex.doc_number_evidence = text, line
                ex.warnings.append(
                    f"the doc number is printed damaged ({text}); kept as printed — set the "
                    "intended one with --set doc_number=… if you know it"
                )
                break


def read_document(cleaned: Cleaned, ex: Extracted) -> tuple[list[str], list[str]]:
    """Title, number and issuers of a cleaned text; (notice lines, body lines)."""
    lines = cleaned.lines
    layout = read_title(lines, cleaned, ex)
    read_doc_number(lines, layout, cleaned, ex)
    read_issuer(lines, layout, cleaned, ex)
    read_issued(lines, layout, cleaned, ex)
    for i in layout.dropped:
        ex.stripped.append(("page headline above the title", lines[i]))
    if layout.notice is not None:
        a, b = layout.notice
        return lines[a:b], lines[layout.body_start :]
    if layout.title is not None and any(
        _PROMULGATES.search(line) for line in lines[: layout.title.first]
    ):
        # an order above the title it promulgates, its title not in 《》 (生态环境部令 第17号 /
        # 生态环境标准管理办法已于…审议通过，现予公布，自…起施行): the order is the notice
        notice = [
            line for i, line in enumerate(lines[: layout.title.first]) if i not in layout.dropped
        ]
        return notice, lines[layout.body_start :]
    return [], lines[layout.body_start :]


_PROMULGATES = re.compile(r"现予以?(?:公布|发布)|予以公布")
