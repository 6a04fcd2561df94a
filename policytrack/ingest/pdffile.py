"""PDF with a text layer → text: lines in reading order, running headers, footers and page
numbers removed, lines re-joined into paragraphs.

Chinese has no hyphenation, so a line break inside a sentence is not a paragraph break: a
new paragraph starts where a line is indented, where the line before it stopped short of the
right margin, or where an article / heading label starts after a finished sentence.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from policytrack.chinese import CJK
from policytrack.docfile import match_label
from policytrack.errors import IngestError

from .converted import Converted

MARGIN = 0.1  # top and bottom tenth of a page: where running headers and footers live
_PAGE_NUMBER = re.compile(
    r"^(?:[-—－–·•\s]*[\d０-９]+[-—－–·•\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|"
    r"\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
_CJK_CHAR = re.compile(f"[{CJK}]")
_SENTENCE_END = ("。", "；", "：", "！", "？", ":", ";", "!", "?", "”", "）", ")")


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    page_height: float
    char_width: float


def read_pdf(data: bytes, name: str) -> Converted:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise IngestError(
                f"{name} is encrypted: it needs a password to open; remove the password "
                "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and add the result"
            ) from None
        detail = (
            f" ({type(cause).__name__}: {cause})" if str(cause) else f" ({type(cause).__name__})"
        )
        raise IngestError(f"{name} is not a readable PDF{detail}; download it again") from None
    lines: list[_Line] = []
    images = 0
    with pdf:
        try:
            if not pdf.pages:
                raise IngestError(f"{name} has no pages")
            for page in pdf.pages:
                images += len(page.images)
                lines.extend(_page_lines(page))
        except IngestError:
            raise
        except Exception as exc:  # pdfminer raises many kinds on a damaged page
            raise IngestError(
                f"{name} is a damaged PDF ({type(exc).__name__} while reading its pages); "
                "download it again or save it again as PDF"
            ) from None
        pages = len(pdf.pages)
    if sum(len(line.text) for line in lines) < 20:
        what = "a scanned document (pages are images)" if images else "empty"
        raise IngestError(
            f"{name} has no text layer: it is {what}. policytrack reads PDFs that contain "
            "text; run OCR first (e.g. ocrmypdf -l chi_sim) or add the document's text"
        )
    body, stripped = _drop_running(lines, pages)
    paragraphs = _paragraphs(body)
    return Converted("\n".join(paragraphs) + "\n", "pdf", "", (), (), tuple(stripped))


def _page_lines(page: Page) -> list[_Line]:
    """Characters grouped by baseline (not by glyph box: a half-width bracket has a
    different box than the Chinese characters beside it), left to right."""
    chars = sorted(
        (c for c in page.chars if c.get("upright", True)),
        key=lambda c: (-round(float(c["matrix"][5]), 1), float(c["x0"])),
    )
    rows: list[list[dict[str, Any]]] = []
    for ch in chars:
        base = float(ch["matrix"][5])
        if rows and abs(float(rows[-1][0]["matrix"][5]) - base) <= 2.0:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    out = []
    for row in rows:
        row.sort(key=lambda c: float(c["x0"]))
        widths = [float(c["x1"]) - float(c["x0"]) for c in row if not c["text"].isspace()]
        if not widths:
            continue
        em = max(widths)
        text = row[0]["text"]
        for a, b in itertools.pairwise(row):
            gap = float(b["x0"]) - float(a["x1"])
            text += (" " if gap > em and not a["text"].isspace() else "") + b["text"]
        text = text.strip()
        if text:
            out.append(
                _Line(
                    text,
                    float(row[0]["x0"]),
                    float(row[-1]["x1"]),
                    float(min(c["top"] for c in row)),
                    float(page.height),
                    em,
                )
            )
    return out


def _shape(text: str) -> str:
    return re.sub(r"[\d０-９]+", "#", re.sub(r"\s+", "", text))


def _drop_running(lines: list[_Line], pages: int) -> tuple[list[_Line], list[tuple[str, str]]]:
    """Remove page numbers and lines repeated in the margins of several pages."""
    in_margin = [
        ln
        for ln in lines
        if ln.top < ln.page_height * MARGIN or ln.top > ln.page_height * (1 - MARGIN)
    ]
    repeats = Counter(_shape(ln.text) for ln in in_margin)
    keep, stripped = [], []
    for ln in lines:
        margin = ln in in_margin
        if margin and (
            _PAGE_NUMBER.match(ln.text.strip())
            or (pages >= 2 and repeats[_shape(ln.text)] >= max(2, pages // 2))
        ):
            stripped.append(("running header/footer or page number", ln.text))
            continue
        keep.append(ln)
    return keep, stripped


def _paragraphs(lines: list[_Line]) -> list[str]:
    if not lines:
        return []
    # the left margin: the leftmost x where lines often start (short one-line paragraphs
    # can make the indented position the most common one)
    starts = Counter(round(ln.x0) for ln in lines)
    common = [x for x, n in starts.items() if n >= max(2, 0.05 * len(lines))]
    left = min(common) if common else min(starts)
    ends = sorted(ln.x1 for ln in lines)
    right = ends[int(len(ends) * 0.9)]  # the right margin, robust to a few overhanging lines
    char = median(ln.char_width for ln in lines)
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        text = ln.text.strip()
        new = (
            prev is None
            or ln.x0 > left + 0.9 * char  # indented (first line, centred or right-aligned)
            or prev.x1 < right - 1.5 * char  # the line before stopped short
            or (match_label(text) is not None and prev.text.rstrip().endswith(_SENTENCE_END))
        )
        if new or not out:
            out.append(text)
        else:
            # CJK typesetting breaks Latin words anywhere without a hyphen: join them as
            # they were; only a mostly-Latin paragraph wraps at spaces
            latin = len(_CJK_CHAR.findall(out[-1] + text)) < 0.2 * len(out[-1] + text)
            sep = " " if latin and re.search(r"\w$", out[-1]) and re.match(r"\w", text) else ""
            out[-1] += sep + text
        prev = ln
    return out
