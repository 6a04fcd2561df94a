"""新旧对照表: a comparison as the two-column table Chinese legislatures publish (修改前 |
修改后, the changed text marked), for the site and as a Word file (.docx).

The .docx is written here as the few WordprocessingML parts Word needs (ECMA-376): a
comparison of two long laws is hundreds of rows, and the site writes one file per
comparison, so no document object model is built; the tests read the files back with
python-docx.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .diff import DocumentDiff, UnitChange

Run = tuple[str, bool]  # (text, changed)
EMPTY = "（无）"


@dataclass(frozen=True)
class Row:
    """One row of the table: a unit before and after, each as runs of text, the changed
    runs marked (deleted on the left, inserted on the right)."""

    anchor: str  # of the unit in the new version (old-… for a removed unit)
    what: str  # 修改：第五条 (UnitChange.describe)
    old: tuple[Run, ...]
    new: tuple[Run, ...]


def _label(blocks: tuple[object, ...]) -> str:
    return "、".join(getattr(b, "label", "") or getattr(b, "title", "") for b in blocks)


def _row(c: UnitChange) -> Row:
    old: list[Run] = []
    new: list[Run] = []
    old_label, new_label = _label(c.old), _label(c.new)
    if old_label:
        old.append((old_label + " ", old_label != new_label and bool(new_label)))
    if new_label:
        new.append((new_label + " ", old_label != new_label and bool(old_label)))
    if c.op in ("renumbered", "moved"):
        text = c.old[0].text if c.old else ""
        old.append((text, False))
        new.append((c.new[0].text if c.new else text, False))
    else:
        for e in c.edits:
            if e.op in ("equal", "delete"):
                old.append((e.text, e.op == "delete"))
            if e.op in ("equal", "insert"):
                new.append((e.text, e.op == "insert"))
    if not c.old:
        old = [(EMPTY, False)]
    if not c.new:
        new = [(EMPTY, False)]
    anchor = c.new_anchor or f"old-{c.old_anchor}"
    return Row(anchor, c.describe(), tuple(old), tuple(new))


def table(diff: DocumentDiff) -> tuple[Row, ...]:
    """The rows of the 对照表: every unit that changed, in the new version's order."""
    return tuple(_row(c) for c in diff.changes if c.op != "unchanged")


# --- .docx ------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_FONT = '<w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="SimSun"/>'
# deleted text struck through, inserted text bold and underlined, as printed 对照表 mark them
_MARK = {
    "old": '<w:strike/><w:color w:val="A01818"/>',
    "new": '<w:b/><w:u w:val="single"/><w:color w:val="156030"/>',
}


def _runs(runs: tuple[Run, ...], side: str) -> str:
    out = []
    for text, changed in runs:
        for k, line in enumerate(text.split("\n")):
            if k:
                out.append("<w:r><w:br/></w:r>")
            if not line:
                continue
            props = _FONT + (_MARK[side] if changed else "")
            out.append(
                f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
            )
    return "".join(out)


def _para(text: str, *, bold: bool = False, center: bool = False) -> str:
    """A paragraph of plain text."""
    props = _FONT + ("<w:b/>" if bold else "")
    run = f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return _runs_para(run, center=center)


def _runs_para(runs: str, *, center: bool = False) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def _cell(content: str, width: int) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'


def to_docx(rows: tuple[Row, ...], title: str, old_name: str, new_name: str) -> bytes:
    """The 对照表 as a Word document: a title, then a two-column table, 修改前 | 修改后, one row
    per changed unit (deleted text struck through, inserted text bold and underlined).
    Deterministic: the same rows give the same bytes."""
    width = 4500
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        _para(title, bold=True, center=True),
        _para(f"修改前：{old_name}"),
        _para(f"修改后：{new_name}"),
        f'<w:tbl><w:tblPr><w:tblW w:w="{2 * width}" w:type="dxa"/>'
        f"<w:tblBorders>{border}</w:tblBorders></w:tblPr>"
        f'<w:tblGrid><w:gridCol w:w="{width}"/><w:gridCol w:w="{width}"/></w:tblGrid>',
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        + _cell(_para("修改前", bold=True, center=True), width)
        + _cell(_para("修改后", bold=True, center=True), width)
        + "</w:tr>",
    ]
    for row in rows:
        parts.append(
            "<w:tr>"
            + _cell(_runs_para(_runs(row.old, "old")), width)
            + _cell(_runs_para(_runs(row.new, "new")), width)
            + "</w:tr>"
        )
    if not rows:
        parts.append(
            "<w:tr>"
            + _cell(_para("（无变化）"), width)
            + _cell(_para("（无变化）"), width)
            + "</w:tr>"
        )
    parts.append("</w:tbl>")
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(parts)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1300" w:bottom="1440" w:left="1300"/></w:sectPr>'
        "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # no clock
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buffer.getvalue()
