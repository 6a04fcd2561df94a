"""Rendering: the Jinja2 environment (autoescaping on: policy text is untrusted input), the
filters pages use, and the files of one document or one comparison, rendered by the build's
workers. Only this package imports jinja2.
"""

from __future__ import annotations

import importlib.resources
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from policytrack import bodies
from policytrack.docfile import TABLE_ROW
from policytrack.model import Document, Unit
from policytrack.site import api, labels
from policytrack.site.pages import (
    DocLink,
    DocumentPage,
    RedlinePage,
    doc_href,
    document_files,
    group_slug,
    redline_files,
    versions_feed_href,
)
from policytrack.temporal import STATUS_LABELS

if TYPE_CHECKING:
    from policytrack import comparison
    from policytrack.diff import InlineEdit


def units_html(doc: Document) -> Markup:
    """The sections of a document's text. Written here rather than as a template loop:
    the text is most of a page, and a Jinja loop over it was most of a page's render."""
    out: list[str] = []
    for u in doc.units:
        anchor = escape(u.anchor)
        out.append(f'<section id="{anchor}" class="unit unit-{escape(u.kind)}">\n')
        title = _unit_title(u)
        if title:
            level = min(max(u.level, 2), 6)
            h = level + 1 if level < 6 else 6
            out.append(f'<h{h}><a class="anchor" href="#{anchor}">{escape(title)}</a></h{h}>')
        if u.kind == "notice":
            out.append('<blockquote class="notice">')
        for p in u.text.split("\n\n"):
            if not p:
                continue
            if "\n" not in p:  # one line (a table has two rows or more)
                out.append(f"<p>{_escaped(p)}</p>")
                continue
            cells = _table_or_text(p)
            if isinstance(cells, str):
                out.append(f"<p>{escape(cells)}</p>")
                continue
            out.append('<table class="doc-table"><thead><tr>')
            out.extend(f"<th>{escape(c)}</th>" for c in cells[0])
            out.append("</tr></thead><tbody>")
            for row in cells[1:]:
                out.append("<tr>")
                out.extend(f"<td>{escape(c)}</td>" for c in row)
                out.append("</tr>")
            out.append("</tbody></table>")
        if u.kind == "notice":
            out.append("</blockquote>")
        out.append("</section>\n")
    return Markup("".join(out))


_HTML_SPECIAL = re.compile("[&<>'\"]")


def _escaped(text: str) -> str:
    """escape(text) as a string, without making a Markup of the many paragraphs that need
    none (most policy text has none of & < > ' "): 1.5 million escapes at 3,000 corpus
    documents, ~1.2 µs each through markupsafe against ~0.2 µs for the check."""
    return str(escape(text)) if _HTML_SPECIAL.search(text) else text


def _table_or_text(paragraph: str) -> str | list[list[str]]:
    """A paragraph's text, or a Markdown table's rows of cells (separator row dropped)."""
    lines = paragraph.split("\n")
    if len(lines) < 2 or not all(TABLE_ROW.match(line) for line in lines):
        return paragraph
    rows = []
    for line in lines:
        cells = [
            re.sub(r"\\(.)", r"\1", c).strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])
        ]
        if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
            rows.append(cells)
    return rows


def _unit_title(u: Unit) -> str:
    if u.kind in ("notice", "preamble", "item"):
        return ""
    return u.title


def timeline(page: DocumentPage) -> list[dict[str, Any]]:
    """The validity timeline of a document: its dates in order, with their position
    (0–100 %) on a bar from the first to the last date (no as-of marker: see `build`)."""
    w = page.doc.window
    events: list[tuple[date, str, str]] = []
    for fact, label in (
        (w.issued, "成文"),
        (w.published, "公布"),
        (w.effective, "施行"),
        (w.expires, "有效期至"),
    ):
        if fact.value:
            events.append((fact.value, label, fact.basis))
    if page.status.code == "repealed" and page.status.since:
        events.append((page.status.since, "废止", "stated"))
    if page.status.code == "amended" and page.status.since:
        events.append((page.status.since, "被修改", "stated"))
    if not events:
        return []
    events.sort(key=lambda e: (e[0], e[1]))
    first, last = events[0][0], events[-1][0]
    span = max(1, (last - first).days)
    return [
        {"date": d, "label": label, "basis": basis, "pos": round(100 * (d - first).days / span, 1)}
        for d, label, basis in events
    ]


TOC_KINDS = {"part": 1, "chapter": 2, "section": 3, "outline": 3, "article": 4}
TOC_MIN = 6  # a shorter text needs no table of contents


def toc(doc: Document) -> list[tuple[int, str, str]]:
    """The table of contents of a long text: its parts, chapters, sections, outline headings
    and articles as (depth, anchor, title)."""
    out = [(TOC_KINDS[u.kind], u.anchor, u.title) for u in doc.units if u.kind in TOC_KINDS]
    return out if len(out) >= TOC_MIN else []


_BANNERS = {
    "amended": "此为历史版本",
    "repealed": "本文件已废止",
    "expired": "本文件已失效",
    "partially_repealed": "本文件部分失效",
    "not_yet_effective": "本文件尚未施行",
}


def banner_title(code: str, kind: str) -> str:
    """The banner of a page that is not the text in force."""
    if code in _BANNERS:
        return _BANNERS[code]
    return "此为征求意见稿，非正式文本" if kind == "draft" else "此非现行版本"


def level(doc: Document) -> bodies.Inferred | None:
    return bodies.level_of(doc.issuer, doc.title, doc.doc_number, doc.kind)


def doclink(link: DocLink, root: str) -> Markup:
    """A document's label linked to its page (plain for a stub); a filter rather than an
    include: lists of thousands of links render several times faster."""
    if not link.has_page:
        return Markup(escape(link.label))
    return Markup(f'<a href="{escape(root)}{escape(doc_href(link.id))}">{escape(link.label)}</a>')


def badge(code: str) -> Markup:
    return Markup(f'<span class="badge status-{escape(code)}">{escape(STATUS_LABELS[code])}</span>')


def redline_html(edits: tuple[InlineEdit, ...]) -> Markup:
    """Inline edits as HTML: <del>/<ins> runs, paragraph breaks kept, all text escaped."""
    out = []
    for e in edits:
        text = str(escape(e.text)).replace("\n\n", "<br><br>").replace("\n", "<br>")
        if e.op == "delete":
            out.append(f"<del>{text}</del>")
        elif e.op == "insert":
            out.append(f"<ins>{text}</ins>")
        else:
            out.append(text)
    return Markup("".join(out))


def sidebyside_html(rows: tuple[comparison.Row, ...]) -> Markup:
    """The 新旧对照表 as an HTML table: 修改前 | 修改后, deleted text <del>, inserted <ins>."""
    out = [
        '<table class="sidebyside"><thead><tr><th scope="col">修改前</th>'
        '<th scope="col">修改后</th></tr></thead><tbody>'
    ]
    for row in rows:
        cells = []
        for side, tag in ((row.old, "del"), (row.new, "ins")):
            runs = []
            for text, changed in side:
                t = str(escape(text)).replace("\n\n", "<br>").replace("\n", "<br>")
                runs.append(f"<{tag}>{t}</{tag}>" if changed else t)
            cells.append("".join(runs))
        out.append(f'<tr id="t-{escape(row.anchor)}"><td>{cells[0]}</td><td>{cells[1]}</td></tr>')
    out.append("</tbody></table>")
    return Markup("".join(out))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(importlib.resources.files("policytrack.templates"))),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["doc_href"] = doc_href
    env.filters["doclink"] = doclink
    env.filters["badge"] = badge
    env.filters["units_html"] = units_html
    env.filters["redline"] = redline_html
    env.filters["timeline"] = timeline
    env.filters["toc"] = toc
    env.filters["level"] = level
    env.filters["national"] = lambda d: bodies.national_jurisdiction(d.issuer)
    env.filters["bodies"] = bodies.bodies
    env.filters["group_slug"] = group_slug
    env.filters["rule_label"] = labels.rule_label
    env.filters["evidence_label"] = labels.evidence_label
    env.filters["action_label"] = labels.action_label
    env.filters["versions_feed_href"] = versions_feed_href
    env.filters["sidebyside"] = sidebyside_html
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["kind_labels"] = labels.KIND_LABELS
    env.globals["basis_labels"] = labels.BASIS_LABELS
    env.globals["relation_labels"] = labels.RELATION_LABELS
    env.globals["mentioned_in"] = labels.MENTIONED_IN
    env.globals["banner_title"] = banner_title
    return env


def document_outputs(page: DocumentPage) -> list[tuple[str, str | bytes]]:
    """A document's page and its JSON (`page.doc` has its text). As-of free: see
    site.build."""
    html, json_file = document_files(page.doc.id)
    return [
        (
            html,
            shared_environment()
            .get_template("document.html")
            .render(page=page, root="../", **_COMMON),
        ),
        (json_file, api.to_json(api.doc_json(page))),
    ]


def redline_outputs(red: RedlinePage) -> list[tuple[str, str | bytes]]:
    """A comparison's page and its 新旧对照表 as a Word file (`red.diff` computed)."""
    # the workers only: the diff's libraries and tables (0.11 s of every rebuild's start
    # when imported with this module), zipfile and all
    from policytrack.comparison import table, to_docx
    from policytrack.diff import OP_LABELS

    assert red.diff is not None
    rows = table(red.diff)
    html, docx = redline_files(red.slug)
    page = (
        shared_environment()
        .get_template("redline.html")
        .render(
            page=red,
            rows=rows,
            docx=docx.rpartition("/")[2],
            root="../",
            op_labels=OP_LABELS,
            **_COMMON,
        )
    )
    return [
        (html, page),
        (docx, to_docx(rows, f"{red.new.title} 新旧对照表", red.old.label, red.new.label)),
    ]


_COMMON: dict[str, Any] = {"as_of": None, "base_url": ""}  # pages rendered as-of free
_ENV: list[Environment] = []


def shared_environment() -> Environment:
    """One environment per process: templates compile once."""
    if not _ENV:
        _ENV.append(environment())
    return _ENV[0]


def keep_compiled_templates(folder: Path) -> None:
    """Keep the templates' compiled code in folder (the archive's private state), for the
    next build's process: compiling the page templates took 0.11 s of CPU at every `site
    build`, read back 0.003 s (a rebuild after one change is ~1.2 s at 3,000 documents).
    Jinja checks each template's source against the checksum it kept and compiles again
    when it changed; files are replaced atomically (forked workers may write at once)."""
    folder.mkdir(parents=True, exist_ok=True)
    shared_environment().bytecode_cache = FileSystemBytecodeCache(str(folder))
