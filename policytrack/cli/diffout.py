"""Renderings of a version diff: terminal, Markdown, standalone HTML, JSON and patch."""

from __future__ import annotations

import difflib
import html
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from policytrack.cli.wrap import Segment, wrap
from policytrack.commands import DiffResult
from policytrack.diff import OP_LABELS, DocumentDiff, InlineEdit, UnitChange
from policytrack.keychanges import KeyChange, ranked
from policytrack.model import Document

if TYPE_CHECKING:  # rich only for a terminal: piped output is written plain (~40 ms of a start)
    from rich.console import Console

DIFF_SCHEMA_VERSION = 2
KEY_CHANGES_SHOWN = 10
"""How many key changes term, md and html list before 另有 N 项 (JSON lists them all)."""

FIELD_LABELS = {
    "title": "标题",
    "doc_number": "文号",
    "issuer": "发文机关",
    "issued": "成文日期",
    "published": "发布日期",
    "effective": "施行日期",
    "expires": "有效期至",
}


def version_label(doc: Document) -> str:
    """How a version is named in a heading: its doc number, else its title and date."""
    if doc.doc_number:
        return doc.doc_number
    w = doc.window
    day = w.issue_date
    return f"{doc.display_title}（{day.isoformat()}）" if day else doc.display_title


def heading(result: DiffResult) -> str:
    return f"{version_label(result.old)} → {version_label(result.new)}"


def to_json(result: DiffResult) -> dict[str, Any]:
    """The documented JSON form (docs/diff.md): English codes, Chinese text."""
    d = result.diff
    return {
        "schema": DIFF_SCHEMA_VERSION,
        "old": {"id": d.old_id, "title": d.old_title, "doc_number": result.old.doc_number},
        "new": {"id": d.new_id, "title": d.new_title, "doc_number": result.new.doc_number},
        "counts": d.counts,
        "metadata": [{"field": f, "old": o, "new": n} for f, o, n in d.metadata],
        "key_changes": [key_change_json(k) for k in d.key_changes],
        "changes": [change_json(c) for c in d.changes],
    }


def key_change_json(k: KeyChange) -> dict[str, Any]:
    return {
        "kind": k.kind,
        "old": k.old or None,
        "new": k.new or None,
        "units": list(k.units),
        "anchors": list(k.anchors),
        "sentence": k.sentence,
        "summary": k.summary,
    }


def change_json(c: UnitChange) -> dict[str, Any]:
    return {
        "op": c.op,
        "moved": c.moved,
        "description": c.describe(),
        "old": [b.anchor for b in c.old],
        "new": [b.anchor for b in c.new],
        "old_labels": [b.label or b.title for b in c.old],
        "new_labels": [b.label or b.title for b in c.new],
        "similarity": round(c.similarity, 4),
        "edits": [{"op": e.op, "text": e.text} for e in c.edits],
        "facts": [
            {"kind": f.kind, "old": f.old or None, "new": f.new or None, "sentence": f.sentence}
            for f in c.facts
        ],
    }


def counts_line(d: DocumentDiff) -> str:
    """条文：修改 3 · 新增 1 · 删除 1 (unchanged units are not listed)."""
    parts = [f"{OP_LABELS[k]} {v}" for k, v in d.counts.items() if v and k != "unchanged"]
    unchanged = d.counts.get("unchanged", 0)
    if unchanged:
        parts.append(f"未变 {unchanged}")
    return "条文：" + (" · ".join(parts) if parts else "无")


def key_lines(d: DocumentDiff, cap: int = KEY_CHANGES_SHOWN) -> tuple[list[tuple[str, str]], int]:
    """(where, summary) of the first `cap` key changes, and how many more there are."""
    shown, more = ranked(d.key_changes, cap)
    return [(k.where, k.summary) for k in shown], more


def _visible(d: DocumentDiff) -> list[UnitChange]:
    return [c for c in d.changes if c.op != "unchanged"]


# --- terminal ----------------------------------------------------------------------------------


def to_terminal(result: DiffResult, console: Console, colour: bool) -> None:
    """The terminal rendering (`terminal_lines`) through rich, at the console's width."""
    from rich.text import Text

    for line in terminal_lines(result, max(20, console.width), colour):
        text = Text()
        for part, style in line:
            text.append(part, style=style or None)
        console.print(text, soft_wrap=True)


def to_plain(result: DiffResult, width: int, stream: IO[str]) -> None:
    """The terminal rendering without colour, as it is piped to a file or a program: the
    same lines as `to_terminal` writes with colour off, without importing rich."""
    for line in terminal_lines(result, max(20, width), colour=False):
        stream.write("".join(part for part, _ in line) + "\n")


def terminal_lines(result: DiffResult, width: int, colour: bool) -> Iterator[list[Segment]]:
    """Key changes first, then every changed unit with its redline, wrapped at `width`
    without cutting a number or a Latin word; an empty list is a blank line."""
    d = result.diff

    def say(segments: list[Segment]) -> Iterator[list[Segment]]:
        yield from wrap(segments, width)

    bold = "bold" if colour else ""
    yield from say([(heading(result), bold)])
    yield from say([(f"{d.old_title}\n→ {d.new_title}", "")])
    for f, o, n in d.metadata:
        yield from say([(f"  {FIELD_LABELS.get(f, f)}：{o or '—'} → {n or '—'}", "")])
    yield []
    if not d.substantive:
        yield from say([("无实质变化（繁简字形、标点全半角与空白不算变化）。", "")])
        return
    yield from say([("主要变化", bold)])
    lines, more = key_lines(d)
    if not lines:
        yield from say([("  金额、期限、处罚、审批、部门等均无变化。", "")])
    for where, summary in lines:
        yield from say([(f"  {where}  {summary}", "")])
    if more:
        yield from say([(f"  另有 {more} 项（--format json 列出全部）", "")])
    yield []
    yield from say([(counts_line(d), bold)])
    for c in _visible(d):
        yield []
        yield from say([(c.describe(), "bold cyan" if colour else "")])
        if c.op in ("renumbered", "moved"):
            continue
        yield from say(_redline_segments(c.edits, colour))


def _redline_segments(edits: tuple[InlineEdit, ...], colour: bool) -> list[Segment]:
    out: list[Segment] = []
    for e in edits:
        if e.op == "equal":
            out.append((e.text, ""))
        elif colour:
            out.append((e.text, "red strike" if e.op == "delete" else "green underline"))
        else:
            out.append((f"[-{e.text}-]" if e.op == "delete" else f"{{+{e.text}+}}", ""))
    return out


# --- Markdown ----------------------------------------------------------------------------------


def _md_inline(edits: tuple[InlineEdit, ...]) -> str:
    out = []
    for e in edits:
        t = html.escape(e.text, quote=False).replace("\n\n", "<br><br>")
        out.append(
            t if e.op == "equal" else (f"<del>{t}</del>" if e.op == "delete" else f"<ins>{t}</ins>")
        )
    return "".join(out)


def _md(text: object) -> str:
    """Document text in Markdown: escaped like the body (HTML in a title is shown, never
    rendered), on one line, and a | cannot end a table cell."""
    return _md_cell(" ".join(str(text).split()))


def _md_cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: DiffResult) -> str:
    d = result.diff
    lines = [f"# {_md(heading(result))}", "", f"{_md(d.old_title)} → {_md(d.new_title)}", ""]
    if d.metadata:
        lines += ["| 项目 | 原 | 新 |", "| --- | --- | --- |"]
        lines += [
            f"| {FIELD_LABELS.get(f, f)} | {_md(o or '—')} | {_md(n or '—')} |"
            for f, o, n in d.metadata
        ]
        lines.append("")
    lines += ["## 主要变化", ""]
    rows, more = key_lines(d)
    if rows:
        lines += ["| 条款 | 变化 |", "| --- | --- |"]
        lines += [f"| {_md_cell(w)} | {_md_cell(s)} |" for w, s in rows]
        if more:
            lines += ["", f"另有 {more} 项（--format json 列出全部）。"]
    else:
        lines.append("金额、期限、处罚、审批、部门等均无变化。")
    lines += ["", f"{counts_line(d)}。", "", "## 逐条对比", ""]
    if not d.substantive:
        lines.append("无实质变化。")
    for c in _visible(d):
        lines += [f"### {_md(c.describe())}", ""]
        if c.op not in ("renumbered", "moved"):
            lines += [_md_inline(c.edits), ""]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.8;color:#1a1a1a}
del{background:#fde2e1;color:#8a1c1c;text-decoration:line-through}
ins{background:#dcf5e3;color:#135c2a;text-decoration:none;border-bottom:1px solid #2e8b4f}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
section{border-top:1px solid #e5e5e5;padding-top:.5rem}
"""


def to_html(result: DiffResult) -> str:
    d = result.diff
    e = html.escape
    title = heading(result)
    out = [
        "<!doctype html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(d.old_title)} → {e(d.new_title)}</p>",
        '<h2 id="key-changes">主要变化</h2>',
    ]
    shown, more = ranked(d.key_changes, KEY_CHANGES_SHOWN)
    if shown:
        out.append("<table><thead><tr><th>条款</th><th>变化</th></tr></thead><tbody>")
        for k in shown:
            out.append(
                f'<tr><td><a href="#{e(k.anchors[0])}">{e(k.where)}</a></td><td>{e(k.summary)}</td></tr>'
            )
        out.append("</tbody></table>")
        if more:
            out.append(f"<p>另有 {more} 项。</p>")
    else:
        out.append("<p>金额、期限、处罚、审批、部门等均无变化。</p>")
    out.append(f"<p>{e(counts_line(d))}</p>")
    out.append('<h2 id="changes">逐条对比</h2>')
    for c in _visible(d):
        anchor = c.new_anchor or f"old-{c.old_anchor}"
        out.append(f'<section id="{e(anchor)}"><h3>{e(c.describe())}</h3>')
        if c.op not in ("renumbered", "moved"):
            out.append(f"<p>{_md_inline(c.edits)}</p>")
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# --- patch -----------------------------------------------------------------------------------------


def to_patch(result: DiffResult) -> str:
    """A unified diff turning the old canonical file into the new one (git apply accepts it)."""
    path = result.old_path
    body = difflib.unified_diff(
        result.old_text.splitlines(keepends=True),
        result.new_text.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    text = "".join(body)
    return f"diff --git a/{path} b/{path}\n{text}" if text else ""


# --- 新旧对照表 (.docx) -----------------------------------------------------------------------


def to_docx(result: DiffResult) -> bytes:
    """The comparison as the two-column 新旧对照表 (修改前 | 修改后), a Word file: the same
    table the site offers for download."""
    from policytrack.comparison import table
    from policytrack.comparison import to_docx as write

    title = f"{result.new.display_title} 新旧对照表"
    return write(table(result.diff), title, version_label(result.old), version_label(result.new))
