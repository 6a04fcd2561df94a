"""The LawRefBook Markdown layout used by ../shared/corpus: `# title`, enactment and
amendment lines, `<!-- INFO END -->`, `##` chapter headings, articles as paragraphs."""

from __future__ import annotations

import re

from policytrack.chinese import strip_invisible
from policytrack.model import DatedFact, DocNumber

from . import privacy
from .dates import DATE_RE, first_date
from .extract import _PLACE, Extracted

MARKER = "<!-- INFO END -->"
_ISSUER = re.compile(
    r"(?:第[一二三四五六七八九十]+届)?([\u4e00-\u9fff]{0,20}?(?:人民代表大会常务委员会|人民代表大会|国务院|人民政府|"
    r"最高人民法院审判委员会|最高人民检察院检察委员会|最高人民法院|最高人民检察院|委员会))"
)
_ORDER = re.compile(r"((?:中华人民共和国)?[\u4e00-\u9fff]{2,20}令第\s*\d+\s*号)")


def is_lawrefbook(text: str) -> bool:
    return MARKER in text and text.lstrip().startswith("# ")


def read_lawrefbook(text: str, ex: Extracted) -> tuple[list[str], str]:
    """Fill title, kind, issuer, issued date from the header; return the body lines."""
    head, _, body = strip_invisible(text).partition(MARKER)
    head_lines = [line.strip() for line in head.splitlines() if line.strip()]
    ex.title = head_lines[0].lstrip("#").strip()
    ex.title_basis, ex.title_evidence = "stated", head_lines[0]
    is_law = bool(re.search(r"法(?:（.*）)?$", ex.title)) and not ex.title.endswith(
        ("办法", "方法")
    )
    ex.kind, ex.kind_evidence = ("law" if is_law else "regulation"), "LawRefBook header"
    dated = [(d, line) for line in head_lines[1:] if (d := first_date(line))]
    if dated:
        latest, line = max(dated, key=lambda x: x[0])
        ex.issued = DatedFact(latest, "stated", line, "latest enactment or amendment date")
        ex.amended = (latest, line) if len(dated) > 1 else None
        m = _ISSUER.search(DATE_RE.sub("", line))
        if m:
            ex.issuer, ex.issuer_basis, ex.issuer_evidence = m.group(1), "stated", line
        order = _ORDER.search(line)
        if order and DocNumber.try_parse(order.group(1)):
            ex.doc_number, ex.doc_number_evidence = str(DocNumber.parse(order.group(1))), line
    if ex.issuer:
        place = _PLACE.match(ex.issuer)
        if place and not ex.issuer.startswith(("全国", "国务院", "最高")):
            ex.jurisdiction, ex.jurisdiction_evidence = place.group(1), ex.issuer_evidence
        elif ex.issuer.startswith(("全国", "国务院", "最高")):
            ex.jurisdiction, ex.jurisdiction_evidence = "全国", ex.issuer_evidence
    lines = []
    for raw in body.splitlines():
        line = raw.strip().lstrip("#").strip()
        if line and privacy.has_personal(line):  # as clean does for every other text
            ex.stripped.append(("personal contact details (redacted in place)", line))
            line = privacy.mask(line)
        if line:
            lines.append(line)
    return lines, ""
