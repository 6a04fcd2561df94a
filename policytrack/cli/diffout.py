"""Renderings of a version diff: terminal, Markdown, standalone HTML, JSON and patch."""

from __future__ import annotations

import difflib
import html
from typing import Any

from rich.console import Console
from rich.text import Text

from policytrack.commands import DiffResult
from policytrack.diff import DocumentDiff, InlineEdit, UnitChange
from policytrack.model import Document

DIFF_SCHEMA_VERSION = 1


def version_label(doc: Document) -> str:
    """How a version is named in a heading: its doc number, else its title and date."""
    if doc.doc_number:
        return doc.doc_number
    w = doc.window
    day = w.issued.value or w.published.value or w.effective.value
    return f"{doc.display_title}（{day.isoformat()}）" if day else doc.display_title


def heading(result: DiffResult) -> str:
    return f"{version_label(result.old)} → {version_label(result.new)}"


def to_json(result: DiffResult) -> dict[str, Any]:
    """The documented JSON form (docs/diff.md)."""
    d = result.diff
    return {
        "schema": DIFF_SCHEMA_VERSION,
        "old": {"id": d.old_id, "title": d.old_title, "doc_number": result.old.doc_number},
        "new": {"id": d.new_id, "title": d.new_title, "doc_number": result.new.doc_number},
        "counts": d.counts,
        "metadata": [{"field": f, "old": o, "new": n} for f, o, n in d.metadata],
        "changes": [change_json(c) for c in d.changes],
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
            {
                "kind": f.kind,
                "old": f.old,
                "new": f.new,
                "summary": f.summary,
                "direction": f.direction,
                "ratio": round(f.ratio, 4) if f.ratio is not None else None,
            }
            for f in c.facts
        ],
    }


def _summary_lines(d: DocumentDiff) -> list[str]:
    counts = d.counts
    parts = [f"{v} {k}" for k, v in counts.items() if v]
    return [", ".join(parts) if parts else "no units"]


def _visible(d: DocumentDiff) -> list[UnitChange]:
    return [c for c in d.changes if c.op != "unchanged"]


# --- terminal ----------------------------------------------------------------------------------


def to_terminal(result: DiffResult, console: Console, colour: bool) -> None:
    d = result.diff
    console.print(
        Text(
            heading(result),
            style="bold",
        )
    )
    console.print(f"{d.old_title}\n→ {d.new_title}")
    for f, o, n in d.metadata:
        console.print(f"  {f}: {o or '—'} → {n or '—'}")
    console.print("")
    if not d.substantive:
        console.print(
            "No substantive change (script, punctuation width and whitespace are not changes)."
        )
        return
    if d.key_changes:
        console.print(Text("Key changes", style="bold"))
        for c in d.key_changes:
            for fact in c.facts:
                console.print(f"  {c.describe().split(',')[0]}: {fact.summary}")
        console.print("")
    console.print(Text("Units: " + _summary_lines(d)[0], style="bold"))
    for c in _visible(d):
        console.print("")
        console.print(Text(c.describe(), style="bold cyan" if colour else ""))
        if c.op in ("renumbered", "moved"):
            continue
        console.print(_redline_text(c.edits, colour))


def _redline_text(edits: tuple[InlineEdit, ...], colour: bool) -> Text:
    text = Text()
    for e in edits:
        if e.op == "equal":
            text.append(e.text)
        elif colour:
            text.append(e.text, style="red strike" if e.op == "delete" else "green underline")
        else:
            text.append(f"[-{e.text}-]" if e.op == "delete" else f"{{+{e.text}+}}")
    return text


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
    one_line = " ".join(str(text).split())
    return html.escape(one_line, quote=False).replace("|", "\\|")


def to_markdown(result: DiffResult) -> str:
    d = result.diff
    lines = [
        f"# {_md(heading(result))}",
        "",
        f"{_md(d.old_title)} → {_md(d.new_title)}",
        "",
    ]
    if d.metadata:
        lines += ["| field | old | new |", "| --- | --- | --- |"]
        lines += [f"| {_md(f)} | {_md(o or '—')} | {_md(n or '—')} |" for f, o, n in d.metadata]
        lines.append("")
    lines += ["## Key changes", ""]
    if d.key_changes:
        lines += ["| unit | change |", "| --- | --- |"]
        for c in d.key_changes:
            for f in c.facts:
                lines.append(f"| {_md(c.describe().split(',')[0])} | {_md(f.summary)} |")
    else:
        lines.append("No amounts, percentages, dates or departments changed.")
    lines += ["", f"Units: {_summary_lines(d)[0]}.", "", "## Changes", ""]
    if not d.substantive:
        lines.append("No substantive change.")
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
        '<h2 id="key-changes">Key changes</h2>',
    ]
    if d.key_changes:
        out.append("<table><thead><tr><th>unit</th><th>change</th></tr></thead><tbody>")
        for c in d.key_changes:
            anchor = c.new_anchor or f"old-{c.old_anchor}"
            for f in c.facts:
                out.append(
                    f'<tr><td><a href="#{e(anchor)}">{e(c.describe().split(",")[0])}</a></td><td>{e(f.summary)}</td></tr>'
                )
        out.append("</tbody></table>")
    else:
        out.append("<p>No amounts, percentages, dates or departments changed.</p>")
    out.append(f"<p>Units: {e(_summary_lines(d)[0])}.</p>")
    out.append('<h2 id="changes">Changes</h2>')
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
