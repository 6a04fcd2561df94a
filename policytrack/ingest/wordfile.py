"""Word .docx → text: paragraphs in order, automatic numbering printed as Word shows it
(第%1条 with chineseCounting → 第一条), tables as Markdown tables. Headers, footers and
comments are not part of the document's text."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from policytrack.chinese import int_to_cn
from policytrack.docfile import table_rows
from policytrack.errors import IngestError

from .converted import Converted

# what a .docx may expand to: a zip bomb (a 2 MB file of 8 GB of XML) is refused from
# the sizes its members declare, before anything is decompressed (zipfile never returns
# more than a member declares). Word's XML compresses about 5-20x.
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FROM
RATIO_FROM = 1 << 20
MAX_EXPANSION = 10  # the members together: at most this many times the file's limit


def check_members(data: bytes, name: str, max_bytes: int) -> bool:
    """Refuse a .docx whose members would expand beyond the caps; whether it holds
    document properties (docProps/core.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise IngestError(
            f"{name} is a damaged .docx file ({exc}); open and save it in Word again"
        ) from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise IngestError(
                f"{name}: its member {info.filename} would expand {ratio:,.0f} times, to "
                f"{info.file_size:,} bytes (a zip bomb?); refused — save the document again "
                "from Word, or add its text"
            )
    if total > MAX_EXPANSION * max_bytes:
        raise IngestError(
            f"{name} would expand to {total:,} bytes, over {MAX_EXPANSION} times the limit of "
            f"{max_bytes:,}; raise the limit with --max-bytes if you trust the file"
        )
    return any(i.filename == "docProps/core.xml" for i in infos)


def read_docx(data: bytes, name: str, max_bytes: int = 20 * 1024 * 1024) -> Converted:
    has_properties = check_members(data, name, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds
        raise IngestError(
            f"{name} is not a readable .docx file ({type(exc).__name__}: {exc}); open and save "
            "it in Word again"
        ) from None
    try:
        return _read(document, name, has_properties)
    except IngestError:
        raise
    except Exception as exc:  # a damaged part found while reading
        raise IngestError(
            f"{name} is a damaged .docx file ({type(exc).__name__}: {exc}); open and save it "
            "in Word again"
        ) from None


def _read(document: DocxDocument, name: str, has_properties: bool) -> Converted:
    numbering = _Numbering(document)
    lines: list[str] = []
    headings: list[str] = []
    core = document.core_properties
    for block in _blocks(document):
        if isinstance(block, Paragraph):
            text = block.text.replace("\u3000", " ").strip()
            label = numbering.label(block)
            if label and text:
                text = label + text
            if text:
                lines.append(text)
                style = (block.style.name if block.style is not None else "") or ""
                if re.match(r"(?:Heading|标题)\s*\d", style):
                    headings.append(text)
        else:
            lines.extend(_table(block))
    if not lines:
        raise IngestError(f"{name} has no text; is it a scanned document saved as Word?")
    # python-docx invents properties (title "Word Document") for a file without them
    title = (core.title or "").strip() if has_properties else ""
    metadata = tuple((k, v) for k, v in (("标题", title),) if v)
    return Converted("\n".join(lines) + "\n", "docx", "", metadata, headings=tuple(headings))


def _blocks(document: DocxDocument) -> list[Paragraph | Table]:
    body = document.element.body
    out: list[Paragraph | Table] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, document))
    return out


def _table(table: Table) -> list[str]:
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell repeats itself
                continue
            last = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        if any(cells):
            rows.append(cells)
    return table_rows(rows)


@dataclass
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str  # what Word puts after the number: tab (shown as a space), space, nothing


class _Numbering:
    """Word's automatic numbering: counters per list, reset below the level that moves."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(_val(lvl, "w:start") or 1),
                    {"nothing": ""}.get(_val(lvl, "w:suff") or "tab", " "),
                )
            abstract[an.get(qn("w:abstractNumId"), "")] = levels
        for num in root.findall(qn("w:num")):
            ref = _val(num, "w:abstractNumId")
            if ref in abstract:
                self.levels[num.get(qn("w:numId"), "")] = abstract[ref]

    def label(self, p: Paragraph) -> str:
        num_id, ilvl = self._num_of(p)
        if num_id is None or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            value = counters.get(k, lv.start if lv else 1)
            return _format(value, lv.fmt if lv else "decimal")

        return re.sub(r"%(\d)", sub, level.text) + level.suffix

    def _num_of(self, p: Paragraph) -> tuple[str | None, int]:
        """numId and level from the paragraph, else from its style and the styles it is
        based on (List Number and friends number through their style)."""
        numpr = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style = p.style
        while numpr is None and style is not None:
            numpr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            style = style.base_style
        if numpr is None:
            return None, 0
        num_id = _val(numpr, "w:numId")
        if num_id in (None, "0"):
            return None, 0
        return num_id, int(_val(numpr, "w:ilvl") or 0)


def _val(el: _Element, tag: str) -> str | None:
    child = el.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _format(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        return int_to_cn(n)
    if fmt == "chineseLegalSimplified":
        return int_to_cn(n, legal=True)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += numeral
            n -= value
    return out
