"""The 成文日期 (`issued`): the document's (or its covering notice's) signature date; else
a date printed beside the doc number in the header, or on its own line there; else a
成文日期 label; else the date a reported order was signed, or the adoption date of a text
with no signature. A damaged signature date that contradicts the label leaves it unknown.
"""

from __future__ import annotations

import re
from datetime import date

from policytrack.model import DatedFact, DocNumber

from .clean import Cleaned
from .dates import first_date
from .extract import Extracted, note_conflict
from .header import find_addressee
from .signatures import Signature, adopted_by, signatures
from .titles import Layout

# the date, the line it is read from and the rule
Found = tuple[date, str, str]


def read_issued(lines: list[str], layout: Layout, cleaned: Cleaned, ex: Extracted) -> None:
    """Sets ex.issued from the first rule (in the module's order) that gives a date; a page
    label that disagrees is noted as a conflict."""
    addressee = find_addressee(lines)
    start = addressee if addressee is not None else (layout.title.first if layout.title else 0)
    sigs = signatures(lines)
    header = lines[: addressee if addressee is not None else min(len(lines), 12)]
    found = (
        _signature_date(lines, layout, sigs, start)
        or _date_with_number(header, ex)
        or _header_date(header)
    )
    label = cleaned.labels.first("issued")
    label_day = first_date(label.value) if label else None
    damaged = next((s for s in sigs if s.month_only and s.last >= start), None)
    loose = _loose_date(lines[damaged.last]) if damaged else None
    if found is None and label_day and label and loose and loose != label_day:
        # the signature's date is damaged and what is left of it contradicts the label:
        # neither is trusted
        ex.warnings.append(
            f"issued: the page's label {label.label} gives {label_day} but the damaged signature "
            f"date “{lines[damaged.last]}” reads {loose}; left unknown — set it with --set issued=…"  # type: ignore[union-attr]
        )
        label_day = None
    if found is None and label_day and label:
        found = (label_day, label.line, f"page label {label.label}")
    conflict = found is not None and label_day and label and label_day != found[0]
    found = found or _signed_on(lines) or _adoption_date(lines)
    if found is not None:
        day, evidence, rule = found
        ex.issued = DatedFact(day, "stated", evidence, rule)
        if conflict and label:
            note_conflict(ex, "issued", str(label_day), f"the page's label {label.label}")


def _signature_date(
    lines: list[str], layout: Layout, sigs: list[Signature], start: int
) -> Found | None:
    """The signature date below the addressees; an order or announcement prints its
    signature above the text it promulgates."""
    sig = next((s for s in sigs if s.last >= start and s.day), None)
    if sig is None or (
        layout.title is not None and sig.first > layout.title.first and _promulgated(lines, layout)
    ):
        before = [
            s for s in sigs if s.day and layout.title is not None and s.last < layout.title.first
        ]
        sig = before[-1] if before and _promulgated(lines, layout) else sig
    if sig is not None and sig.day:
        return sig.day, sig.evidence, "signature date (成文日期)"
    return None


def _date_with_number(header: list[str], ex: Extracted) -> Found | None:
    """国家税务总局公告2018年第18号 2018-04-20: a date printed beside the number."""
    number = DocNumber.try_parse(ex.doc_number) if ex.doc_number else None
    if number is None:
        return None
    for line in header:
        if (
            not any(
                (n := DocNumber.try_parse(m.group(0).strip())) and n.slug == number.slug
                for m in _NUMBERISH.finditer(line)
            )
            and line != ex.doc_number_evidence
        ):
            continue
        m = _PLAIN_DATE.search(line)
        if m and _date_beside_number(line, m.group(1)):
            day = first_date(m.group(1))
            if day:
                return day, line, "date printed with the doc number"
    return None


def _header_date(header: list[str]) -> Found | None:
    """A date on its own line in the header (no time of day: not a posting stamp)."""
    for line in header:
        if _PLAIN_DATE.fullmatch(line.strip()):
            day = first_date(line)
            if day:
                return day, line, "date printed in the document's header"
    return None


def _signed_on(lines: list[str]) -> Found | None:
    """A news item's 2018年12月18日…签署: the date the order was signed."""
    for line in lines[:8]:
        m = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日)[，,]?[^。]{0,20}签署", line)
        if m:
            day = first_date(m.group(1))
            if day:
                return day, line, "the date the order was signed"
    return None


def _adoption_date(lines: list[str]) -> Found | None:
    adopted = adopted_by(lines)
    if adopted and adopted[1] and not any(s.day for s in signatures(lines)):
        return adopted[1], adopted[2], "adoption date (no signature or order date)"
    return None


_PLAIN_DATE = re.compile(r"(?<![\d年])(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?!\s*\d{1,2}:\d{2})")
_NUMBERISH = re.compile(r"\S*?(?:〔\d{4}〕\d+号|\d{4}年第\d+号|令第\d+号)")


def _loose_date(line: str) -> date | None:
    """What a damaged date line still says: { 2017 6 23 → 2017-06-23."""
    m = re.search(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", line)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _promulgated(lines: list[str], layout: Layout) -> bool:
    """The title block follows a promulgation (现予公布 … signed) rather than heading it."""
    if layout.title is None:
        return False
    above = "\n".join(lines[: layout.title.first])
    return bool(re.search(r"现予(?:公布|发布)|现(?:公布|发布)|予以公布", above))


def _date_beside_number(line: str, day: str) -> bool:
    """国家税务总局公告2018年第18号 2018-04-20: the date sits right before or after the number."""
    rest = line.replace(day, "").strip()
    return len(rest) <= 60 and (
        line.strip().startswith(day)
        or line.strip().endswith(day)
        or bool(re.search(rf"号\s*{re.escape(day)}", line))
    )
