"""The body of a canonical file: numbering labels, anchors, units, and the writer.

The body is read with a small line parser rather than a full CommonMark parser: the
canonical body is ATX headings, blank-line separated paragraphs and one optional block
quote, and reading it this way is ~10x faster at archive scale. Rendering to HTML uses
markdown-it-py, which reads the same text the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from policytrack.chinese import cn_to_int
from policytrack.lazyre import on_use
from policytrack.model import Unit, UnitKind, slugify

# ---------------------------------------------------------------------------------------
# Body structure: numbering labels, anchors and units.

_NUM = r"[〇零一二三四五六七八九十百千两\d]+"
LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", on_use(rf"^第({_NUM})编(?:\s+|$)")),
    ("chapter", on_use(rf"^第({_NUM})章(?:\s+|$)")),
    ("section", on_use(rf"^第({_NUM})节(?:\s+|$)")),
    ("article", on_use(rf"^第({_NUM})条(?:[\s　]+|$|(?=[^\s，、]))")),
    ("cn", on_use(r"^([一二三四五六七八九十]+)、\s*")),
    ("pcn", on_use(r"^[（(]([一二三四五六七八九十]+)[）)]\s*")),
    ("arabic", on_use(r"^(\d{1,3})(?:[.．、](?!\d)|\\\.)\s*")),
    ("parabic", on_use(r"^[（(](\d{1,3})[）)]\s*")),
    ("circled", on_use(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# what a label can start with (and any digit): most paragraphs are ruled out at once
_LABEL_FIRST = frozenset("第一二三四五六七八九十（(" + _CIRCLED)


@dataclass(frozen=True)
class Label:
    """A numbering label found at the start of a line."""

    style: str
    number: int
    text: str  # the label as written, e.g. 第十二条, 一、, （一）
    rest: str  # what follows the label


def match_label(line: str) -> Label | None:
    """The numbering label at the start of a line, if any."""
    if not line or (line[0] not in _LABEL_FIRST and not line[0].isdigit()):
        return None
    for style, regex in LABELS:
        m = regex.match(line)
        if m:
            raw = m.group(1)
            number = _CIRCLED.index(raw) + 1 if style == "circled" else cn_to_int(raw)
            label = m.group(0).strip().replace("\\", "")
            return Label(style, number, label, line[m.end() :])
    return None


_UNIT_KIND: dict[str, UnitKind] = {
    "part": "part",
    "chapter": "chapter",
    "section": "section",
    "article": "article",
}


_ESCAPED = on_use(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_ATX = on_use(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def _anchor_for(style: str, number: int, path: list[tuple[str, int]], chapter: int | None) -> str:
    if style == "article":
        return f"art-{number}"
    if style == "part":
        return f"part-{number}"
    if style == "chapter":
        return f"ch-{number}"
    if style == "section":
        return f"ch-{chapter or 0}-sec-{number}"
    nums = [n for s, n in path if s not in _UNIT_KIND] + [number]
    return "s" + "-".join(str(n) for n in nums)


def parse_units(body: str) -> tuple[Unit, ...]:
    """Units of a canonical body, in document order, with stable anchors.

    Headings (`## 一、总则`, `#### 第十二条`) open units; a paragraph that starts with a
    numbering label inside a unit is an item of it (anchor: parent anchor + number)."""
    reader = _UnitReader()
    for kind, level, text in _blocks(body):
        if kind == "title":
            continue
        if kind == "quote":
            reader.notice["paras"].append(text)
        elif kind == "heading":
            reader.heading(level, text)
        else:
            reader.paragraph(text)
    reader.flush()
    return reader.result()


def _extra(kind: str) -> dict[str, Any]:
    """The preamble (text before the first heading) or the notice (quoted lines)."""
    return {
        "kind": kind,
        "label": "",
        "number": 0,
        "anchor": kind,
        "level": 1,
        "heading": "",
        "paras": [],
        "parent": None,
    }


class _UnitReader:
    """What parse_units knows while it reads a body's blocks in order: the units done, the
    headings open above (level, style, number, anchor), the unit and items being read."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.seen: dict[str, int] = {}
        self.stack: list[tuple[int, str, int, str]] = []
        self.current: dict[str, Any] | None = None
        self.pending: list[dict[str, Any]] = []  # the open unit, then its items
        self.chapter: int | None = None
        self.preamble = _extra("preamble")
        self.notice = _extra("notice")

    def unique(self, anchor: str) -> str:
        count = self.seen.get(anchor, 0) + 1
        self.seen[anchor] = count
        return anchor if count == 1 else f"{anchor}-dup{count}"

    def flush(self) -> None:
        for u in self.pending:
            self.units.append(
                Unit(
                    u["kind"],
                    u["label"],
                    u["number"],
                    u["anchor"],
                    u["level"],
                    u["heading"],
                    "\n\n".join(u["paras"]),
                    u["parent"],
                )
            )
        self.pending.clear()

    def heading(self, level: int, text: str) -> None:
        """A heading opens a unit, below the open headings of a higher level."""
        stack = self.stack
        label = match_label(text)
        style = label.style if label else "heading"
        number = label.number if label else 0
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = [(s, n) for _, s, n, _ in stack]
        if style == "chapter":
            self.chapter = number
        if label is None:
            # unnumbered headings (【支持对象】, news subheads) are anchored by their text
            anchor = self.unique("c-" + slugify(text.strip("【】"), 24))
        else:
            anchor = self.unique(_anchor_for(style, number, path, self.chapter))
        self.flush()
        self.current = {
            "kind": _UNIT_KIND.get(style, "outline"),
            "label": label.text if label else "",
            "number": number,
            "anchor": anchor,
            "level": level,
            "heading": (label.rest if label else text).strip(),
            "paras": [],
            "parent": stack[-1][3] if stack else None,
        }
        self.pending.append(self.current)
        stack.append((level, style, number, anchor))

    def paragraph(self, text: str) -> None:
        """A paragraph: the preamble's before any heading; an item of the open unit when it
        starts with an item label; else more text of the open unit."""
        if self.current is None:
            self.preamble["paras"].append(text)
            return
        label = match_label(text)
        head = self.pending[0]
        if label is None or label.style in _UNIT_KIND:
            head["paras"].append(text)
            self.current = head
            return
        # items nest by style within their unit: （一） then 1. then （1）
        items: list[tuple[str, str]] = head.setdefault("items", [])
        styles = [s for s, _ in items]
        if label.style in styles:
            del items[styles.index(label.style) :]
        parent_anchor = items[-1][1] if items else head["anchor"]
        anchor = self.unique(f"{parent_anchor}-{label.number}")
        items.append((label.style, anchor))
        item = {
            "kind": "item",
            "label": label.text,
            "number": label.number,
            "anchor": anchor,
            "level": head["level"] + len(items),
            "heading": "",
            "paras": [text],
            "parent": parent_anchor,
        }
        self.pending.append(item)
        self.current = item

    def result(self) -> tuple[Unit, ...]:
        out: list[Unit] = []
        for extra in (self.notice, self.preamble):
            if extra["paras"]:
                out.append(
                    Unit(
                        extra["kind"],
                        "",
                        0,
                        extra["anchor"],
                        1,
                        "",
                        "\n\n".join(extra["paras"]),
                        None,
                    )
                )
        return tuple(out + self.units)


def _blocks(body: str) -> list[tuple[str, int, str]]:
    """(kind, level, text) blocks of a body: title, heading, quote, para."""
    out: list[tuple[str, int, str]] = []
    para: list[str] = []
    quote: list[str] = []

    def end_para() -> None:
        if para and all(TABLE_ROW.match(line) for line in para):
            out.append(("para", 0, "\n".join(para)))  # a table keeps its rows and escapes
            para.clear()
        elif para:
            out.append(("para", 0, _unescape(" ".join(para))))
            para.clear()

    def end_quote() -> None:
        if quote:
            for chunk in "\n".join(quote).split("\n\n"):
                if chunk.strip():
                    out.append(("quote", 0, _unescape(" ".join(chunk.split("\n")))))
            quote.clear()

    for line in body.split("\n"):
        stripped = line.rstrip()
        if stripped.startswith(">"):
            end_para()
            quote.append(stripped[1:].lstrip(" ") if len(stripped) > 1 else "")
            continue
        end_quote()
        m = _ATX.match(stripped) if stripped.startswith("#") else None
        if m:
            end_para()
            level = len(m.group(1))
            kind = "title" if level == 1 and not any(k != "quote" for k, _, _ in out) else "heading"
            out.append((kind, level, _unescape(m.group(2))))
            continue
        if not stripped:
            end_para()
            continue
        para.append(stripped)
    end_para()
    end_quote()
    return out


# ---------------------------------------------------------------------------------------
# Body writing (used by ingest)

_ESCAPE_INLINE = on_use(r"([\\`*_\[\]])")
_LINE_START = on_use(r"^([#>+=|\-]|\d+[.)](?=\s|$))")
_LINE_BREAKS = on_use(r"\s*[\r\n]+\s*")


def escape_text(text: str) -> str:
    """Escape the characters CommonMark would read as markup in a paragraph or heading.
    The text is one block: a line break in it (a title typed on two lines) would start a
    new block, a heading or a list, so line breaks become spaces."""
    if "\n" in text or "\r" in text:
        text = _LINE_BREAKS.sub(" ", text).strip()
    if _ESCAPE_INLINE.search(text):  # rare in Chinese text; a sub with a template is not
        text = _ESCAPE_INLINE.sub(r"\\\1", text)
    m = _LINE_START.match(text)
    if m:
        token = m.group(1)
        if token[0].isdigit():
            text = token[:-1] + "\\" + token[-1] + text[len(token) :]
        else:
            text = "\\" + text
    return text


TABLE_ROW = on_use(r"^\|.*\|$")


def table_rows(rows: list[list[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table: the first row is the header; cells escaped."""
    if not rows:
        return []
    width = max(len(r) for r in rows)

    def cell(text: str) -> str:
        text = re.sub(r"\s+", " ", text).strip()
        return _ESCAPE_INLINE.sub(r"\\\1", text).replace("|", "\\|")

    out = ["| " + " | ".join(cell(c) for c in r + [""] * (width - len(r))) + " |" for r in rows]
    out.insert(1, "|" + " --- |" * width)
    return out


@dataclass(frozen=True)
class Block:
    """A block of body text for the writer: a heading at a level, or a paragraph."""

    kind: str  # heading | para | quote | table
    text: str
    level: int = 0


def render_body(title: str | None, blocks: list[Block]) -> str:
    """Canonical body text: `# title` (when the text states one), then a covering-notice
    quote, headings, paragraphs."""
    parts = [f"# {escape_text(title)}"] if title else []
    quote: list[str] = []
    for block in blocks:
        if block.kind == "quote":
            quote.append(escape_text(block.text))
            continue
        if quote:
            parts.append("\n>\n".join("> " + q for q in quote))
            quote = []
        if block.kind == "heading":
            parts.append("#" * max(2, min(block.level, 6)) + " " + escape_text(block.text))
        elif block.kind == "table":
            parts.append(block.text)  # rows built by table_rows, already escaped
        else:
            parts.append(escape_text(block.text))
    if quote:
        parts.append("\n>\n".join("> " + q for q in quote))
    return "\n\n".join(parts) + "\n"
