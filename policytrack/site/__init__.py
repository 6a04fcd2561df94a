"""The static website: page contexts computed by `commands`, rendered here with Jinja2.

Two phases (docs/architecture.md): `sitedata.site_data` gathers everything (documents, statuses, diffs,
history), then `render_site` renders every page with autoescaping on (policy text is
untrusted input) and writes only the files whose bytes changed, so rebuilds touch only
what depends on a change and two builds of one archive are byte-identical. Only this
package imports jinja2.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from policytrack import bodies
from policytrack.diff import OP_LABELS, DocumentDiff, InlineEdit
from policytrack.docfile import TABLE_ROW
from policytrack.model import Document, Unit, is_untitled, slugify
from policytrack.site import build, feeds, labels, search
from policytrack.site.build import BuildReport as BuildReport
from policytrack.temporal import STATUS_LABELS, Status

if TYPE_CHECKING:
    from policytrack import comparison

SITE_SCHEMA_VERSION = 1


# --- page contexts (one dataclass per page kind) ---------------------------------------------


# DocLink and Row are made 100,000 times a build: slotted, not frozen (a frozen
# dataclass's __init__ sets each field through object.__setattr__, 2.4x slower); neither
# is changed after it is made.
@dataclass(slots=True)
class DocLink:
    """A link to a document page (or a stub: no page), with its label and status."""

    id: str
    label: str
    title: str
    status: str
    status_label: str
    has_page: bool = True


@dataclass(frozen=True)
class DocumentPage:
    """Context of a document page."""

    doc: Document
    link: DocLink
    status: Status
    lineage: tuple[DocLink, ...]
    relations: tuple[tuple[str, str, DocLink | None], ...]  # (type, target label, link if archived)
    mentioned_in: tuple[DocLink, ...]
    commits: tuple[tuple[str, str, str], ...]  # (short sha, date, action)
    redlines: tuple[tuple[str, str], ...]  # (href, description) of redlines this version is part of
    lineage_total: int = 0  # versions in the lineage (a long one shows only the nearest)
    source: str = ""  # the archive file (workers parse the text from it)
    blob: str = ""  # its git blob: part of the page's fingerprint
    current: DocLink | None = None  # the version in force of its lineage (temporal.current_version)
    starts: tuple[date | None, ...] = ()  # when each version of `lineage` began
    periods: tuple[tuple[date, DocLink | None], ...] = ()  # the version in force from each day
    comparisons: tuple[tuple[str, DocLink, DocLink], ...] = ()  # (slug, older, newer) shown
    versions_feed: str = ""  # the first version of its lineage, which names the lineage's feed
    repealed_by: DocLink | None = None  # the document that repealed it, when archived

    def fingerprint(self) -> str:
        """Everything the page shows besides the document's text (its blob stands for that).
        The status enters without its as-of date: it reads the same until it changes."""
        st = self.status
        return build.fingerprint(
            self.blob,
            self.link,
            (st.code, st.reason, st.reason_zh, st.since, st.by, st.evidence),
            self.lineage,
            self.lineage_total,
            self.relations,
            self.mentioned_in,
            self.commits,
            self.redlines,
            self.current,
            self.starts,
            self.periods,
            self.comparisons,
            self.versions_feed,
            self.repealed_by,
        )


@dataclass(frozen=True)
class RedlinePage:
    """Context of a redline page between two successive versions."""

    slug: str
    old: DocLink
    new: DocLink
    old_source: str
    new_source: str
    old_blob: str
    new_blob: str
    diff: DocumentDiff | None = None  # computed by the worker that renders the page

    def fingerprint(self) -> str:
        return build.fingerprint(self.old_blob, self.new_blob, self.old, self.new)


@dataclass(frozen=True)
class ExpiringEntry:
    """One line of the expiring page."""

    link: DocLink
    expires: date
    days_left: int
    successor: str | None


@dataclass(slots=True)
class Row:
    """One document as the summary pages show it: the index's columns and its status."""

    link: DocLink
    doc_number: str | None
    issuer: str | None
    jurisdiction: str | None
    kind: str
    issued: date | None
    published: date | None
    effective: date | None
    expires: date | None
    status: Status
    blob: str
    key: str = ""  # changes when anything the row shows changes (its link and its file)
    jurisdiction_inferred: bool = False  # 全国 from its issuers (bodies.national_jurisdiction)

    @property
    def id(self) -> str:
        return self.link.id

    @property
    def title(self) -> str:
        return self.link.title


@dataclass(frozen=True)
class SiteData:
    """Everything the site shows, computed before any page is rendered. `documents` and
    `redlines` are the pages this build must look at (every one in a first build); `rows`
    and `all_redlines` cover the whole archive."""

    as_of: date
    base_url: str
    rows: tuple[Row, ...]
    documents: tuple[DocumentPage, ...]
    redlines: tuple[RedlinePage, ...]
    all_redlines: tuple[tuple[str, DocLink, DocLink], ...]  # (slug, old, new)
    recent_redlines: tuple[tuple[str, DocLink, DocLink], ...]  # the newest, for the home page
    sources: str  # the archive folder: <sources>/<id>.md
    expiring: dict[int, tuple[ExpiringEntry, ...]]  # window in days → entries
    recently_expired: tuple[ExpiringEntry, ...]
    recent_changes: tuple[tuple[str, str, DocLink], ...]  # (date, action, document)
    recent_by_jurisdiction: dict[str, tuple[tuple[str, str, DocLink], ...]]
    lineages: tuple[tuple[str, ...], ...]  # the archived versions of each lineage of 2+
    counts_by_status: tuple[tuple[str, int], ...]
    counts_by_jurisdiction: tuple[tuple[str, int], ...]
    by_issuer: tuple[tuple[str, tuple[Row, ...]], ...]
    by_jurisdiction: tuple[tuple[str, tuple[Row, ...]], ...]
    # the documents whose row (everything a summary shows of them) differs from the last
    # build's into the same folder; the others' fragments of joined files are reused
    # (build.Joined). None: no last build, every row is new.
    changed: frozenset[str] | None = None

    @functools.cached_property
    def by_id(self) -> dict[str, Row]:
        """The rows by document id."""
        return {r.id: r for r in self.rows}


# --- rendering helpers -------------------------------------------------------------------------


def doc_href(doc_id: str) -> str:
    return f"documents/{quote(doc_id)}.html"


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


CALENDAR_MONTHS = 36  # the expiry calendar page: this month and the next 35


def expiry_months(data: SiteData) -> list[tuple[str, list[tuple[date, DocLink]]]]:
    """Expiries from the as-of month on, CALENDAR_MONTHS of them, grouped by month
    (YYYY-MM), for the calendar view (the iCalendar feed has every expiry)."""
    first = data.as_of.replace(day=1)
    end_year, end_month = divmod(first.month - 1 + CALENDAR_MONTHS, 12)
    end = date(first.year + end_year, end_month + 1, 1)
    months: dict[str, list[tuple[date, DocLink]]] = {}
    for row in data.rows:
        if row.expires and first <= row.expires < end:
            months.setdefault(row.expires.strftime("%Y-%m"), []).append((row.expires, row.link))
    return [(m, sorted(v, key=lambda x: (x[0], x[1].id))) for m, v in sorted(months.items())]


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
    env.globals["op_labels"] = OP_LABELS
    env.globals["kind_labels"] = labels.KIND_LABELS
    env.globals["basis_labels"] = labels.BASIS_LABELS
    env.globals["relation_labels"] = labels.RELATION_LABELS
    env.globals["mentioned_in"] = labels.MENTIONED_IN
    env.globals["banner_title"] = banner_title
    return env


LIST_PAGE_SIZE = 1000  # rows per page of the document lists


def list_href(folder: str, number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def group_slug(name: str) -> str:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(name, 40)}-{digest}"


# (path, fingerprint or None, render), or a file of one fragment per document
Summary = tuple[str, str | None, Callable[[], str]] | build.Joined


def summary_pages(data: SiteData) -> Iterator[Summary]:
    """Every page drawn from metadata alone, in a stable order, as (path, fingerprint,
    render). A page with a fingerprint is rendered only when the fingerprint changed; one
    without is rendered every build (they are small) and written if its bytes changed."""
    env = _environment()
    common = {"as_of": data.as_of, "base_url": data.base_url.rstrip("/")}

    def page(name: str, **context: Any) -> Callable[[], str]:
        return lambda: env.get_template(name).render(**{**common, **context})

    yield "index.html", None, page("index.html", site=data, root="")
    months = expiry_months(data)
    shown = [_entries_key(v) for _, v in sorted(data.expiring.items())]
    shown.append(_entries_key(data.recently_expired))
    shown += [f"{m}\0{d}\0{_link_text(link)}" for m, v in months for d, link in v]
    yield (
        "expiring.html",
        build.fingerprint(data.as_of, data.base_url, sorted(data.expiring), "\n".join(shown)),
        page("expiring.html", site=data, months=months, root=""),
    )
    yield "search.html", None, page("search.html", site=data, root="")
    yield "static/style.css", None, page("static/style.css")
    yield "static/search.js", None, page("static/search.js")
    yield "static/doc.js", None, page("static/doc.js")
    # served for any missing address, at any depth: its links start from the site's root
    top = urlsplit(data.base_url).path.rstrip("/") + "/" if data.base_url else "/"
    yield "404.html", None, page("404.html", root=top, as_of=None)
    yield from _lists(data, "documents", "全部文件", data.rows, page)
    by_id = data.by_id
    groups = []
    for kind, heading, grouped in (
        ("issuers", "发文机关", data.by_issuer),
        ("jurisdictions", "地区", data.by_jurisdiction),
    ):
        refs = []
        for name, rows in grouped:
            folder = f"{kind}/{group_slug(name)}"
            refs.append((name, f"{folder}/index.html", len(rows)))
            yield from _lists(data, folder, f"{heading}：{name}", rows, page)
        groups.append(refs)
    yield (
        "issuers.html",
        build.fingerprint(groups),
        page("issuers.html", issuers=groups[0], jurisdictions=groups[1], root="", as_of=None),
    )
    yield build.Joined(
        "api/index.json",
        build.fingerprint(SITE_SCHEMA_VERSION),
        _json({"schema": SITE_SCHEMA_VERSION, "as_of": data.as_of.isoformat()})[:-2]
        + ',"documents":[\n',
        list(by_id),
        lambda i: _json(_row_json(by_id[i]))[:-1],
        ",\n",
        "\n]}\n",
    )
    yield (
        "feeds/changes.xml",
        build.fingerprint(data.as_of, data.base_url, feeds.changes_key(data)),
        lambda: feeds.changes_feed(data),
    )
    soon = data.expiring[max(data.expiring)]
    # the expiring feeds show the longest window and each entry's jurisdiction
    key = _entries_key(soon) + "".join(f"\0{feeds.jurisdiction_of(data, e.link.id)}" for e in soon)
    yield (
        "feeds/expiring.xml",
        build.fingerprint(data.as_of, data.base_url, key),
        lambda: feeds.expiring_feed(data),
    )
    for name in sorted({r.jurisdiction for r in data.rows if r.jurisdiction}):
        slug = slugify(name, 40)
        rel = f"feeds/changes-{slug}.xml"
        yield (
            rel,
            build.fingerprint(data.as_of, data.base_url, name, feeds.changes_key(data, name)),
            functools.partial(feeds.changes_feed, data, name, rel),
        )
        rel = f"feeds/expiring-{slug}.xml"
        yield (
            rel,
            build.fingerprint(data.as_of, data.base_url, key, name),
            functools.partial(feeds.expiring_feed, data, name, rel),
        )
    for members in data.lineages:
        rel = versions_feed_href(members[0])
        yield (
            rel,
            build.fingerprint(data.base_url, feeds.versions_key(data, members)),
            functools.partial(feeds.versions_feed, data, members, rel),
        )
    yield feeds.expiry_calendar(data)


def versions_feed_href(first: str) -> str:
    """The Atom feed of a lineage, named by its first archived version."""
    return f"feeds/versions/{first}.xml"


def _link_text(link: DocLink) -> str:
    return f"{link.id}\0{link.label}\0{link.title}\0{link.status}\0{link.has_page}"


def _entries_key(entries: tuple[ExpiringEntry, ...] | list[ExpiringEntry]) -> str:
    """What a list of expiring entries shows, as one string (a fingerprint's input:
    repr of thousands of dataclasses took a quarter of a second)."""
    return "\n".join(
        f"{_link_text(e.link)}\0{e.expires}\0{e.days_left}\0{e.successor}" for e in entries
    )


def _lists(
    data: SiteData,
    folder: str,
    heading: str,
    rows: tuple[Row, ...],
    page: Callable[..., Callable[[], str]],
) -> Iterator[Summary]:
    """A document list in pages of LIST_PAGE_SIZE rows: folder/index.html, page-2.html, …"""
    total = max(1, -(-len(rows) // LIST_PAGE_SIZE))
    root = "../" * (folder.count("/") + 1)
    for number in range(1, total + 1):
        chunk = rows[(number - 1) * LIST_PAGE_SIZE : number * LIST_PAGE_SIZE]
        # a row's key covers its link (label, title, status) and its file: lists are as-of
        # free like document pages
        shown = "".join([r.key for r in chunk])
        yield (
            f"{folder}/{list_href(folder, number)}",
            build.fingerprint(heading, root, number, total, len(rows), shown),
            page(
                "documents.html",
                rows=chunk,
                heading=heading,
                number=number,
                total=total,
                count=len(rows),
                root=root,
                as_of=None,
                pager_href=functools.partial(list_href, folder),
            ),
        )


def _document_files(doc_id: str) -> tuple[str, str]:
    return (f"documents/{doc_id}.html", f"api/documents/{doc_id}.json")


def _redline_files(slug: str) -> tuple[str, str]:
    """A comparison's page and its 新旧对照表 as a Word file."""
    return (f"changes/{slug}.html", f"changes/{slug}.docx")


def document_outputs(kind: str, page: Any) -> list[tuple[str, str | bytes]]:
    """The files of one document (its page and JSON; `page.doc` has its text) or of one
    redline (`page.diff` computed). As-of free: see `build`."""
    env = _environment()
    common = {"as_of": None, "base_url": ""}
    if kind == "document":
        return [
            (
                _document_files(page.doc.id)[0],
                env.get_template("document.html").render(page=page, root="../", **common),
            ),
            (_document_files(page.doc.id)[1], _json(_doc_json(page, brief=False))),
        ]
    from policytrack.comparison import table, to_docx  # the workers only: zipfile and all

    assert page.diff is not None
    rows = table(page.diff)
    html, docx = _redline_files(page.slug)
    title = f"{page.new.title} 新旧对照表"
    return [
        (
            html,
            env.get_template("redline.html").render(
                page=page, rows=rows, docx=docx.rpartition("/")[2], root="../", **common
            ),
        ),
        (docx, to_docx(rows, title, page.old.label, page.new.label)),
    ]


_ENV: list[Environment] = []


def _environment() -> Environment:
    """One environment per process: templates compile once."""
    if not _ENV:
        _ENV.append(environment())
    return _ENV[0]


def _json(data: Any) -> str:
    """Compact JSON (the C encoder: an indented dump runs in Python, 4× slower)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _row_json(r: Row) -> dict[str, Any]:
    """A document's entry in api/index.json (the same fields as _doc_json(brief=True))."""
    return {
        "id": r.id,
        "doc_number": r.doc_number,
        "title": None if is_untitled(r.title) else r.title,
        "issuer": r.issuer,
        "jurisdiction": r.jurisdiction,
        "kind": r.kind,
        "issued": r.issued.isoformat() if r.issued else None,
        "published": r.published.isoformat() if r.published else None,
        "effective": r.effective.isoformat() if r.effective else None,
        "expires": r.expires.isoformat() if r.expires else None,
        "status": r.status.code,
        "status_label": r.status.label,
        "url": doc_href(r.id),
    }


def _doc_json(page: DocumentPage, *, brief: bool) -> dict[str, Any]:
    d = page.doc
    w = d.window
    out: dict[str, Any] = {
        "id": d.id,
        "doc_number": d.doc_number,
        "title": d.title,
        "issuer": d.issuer,
        "jurisdiction": d.jurisdiction,
        "kind": d.kind,
        "issued": w.issued.value.isoformat() if w.issued.value else None,
        "published": w.published.value.isoformat() if w.published.value else None,
        "effective": w.effective.value.isoformat() if w.effective.value else None,
        "expires": w.expires.value.isoformat() if w.expires.value else None,
        "status": page.status.code,
        "status_label": page.status.label,
        "url": doc_href(d.id),
    }
    if not brief:
        out["status_reason"] = page.status.reason
        out["current_version"] = page.current.id if page.current else None
        out["sources"] = [{k: v for k, v in vars(s).items() if v} for s in (d.source, *d.sources)]
        out["relations"] = [{"type": t, "target": label} for t, label, _ in page.relations]
        out["units"] = [
            {"anchor": u.anchor, "kind": u.kind, "label": u.label, "text": u.text} for u in d.units
        ]
    return out


SEARCH_META = "search/meta.json"


def _facets(data: SiteData) -> Callable[[str], tuple[str, str, str, str, str]]:
    """What search results show and filter on: status, kind, jurisdiction, first issuing
    body and year of each document."""
    by_id = data.by_id
    first_body: dict[str | None, str] = {}

    def facets(doc_id: str) -> tuple[str, str, str, str, str]:
        r = by_id[doc_id]
        if r.issuer not in first_body:
            first_body[r.issuer] = next(iter(bodies.bodies(r.issuer)), "")
        day = r.issued or r.published or r.effective
        year = str(day.year) if day else ""
        return r.status.code, r.kind, r.jurisdiction or "", first_body[r.issuer], year

    return facets


def previous_build(archive_state: Path, out: Path) -> build.Previous | None:
    """The page fingerprints and state of the last build into out, if made by these
    templates and this policytrack version (kept in the archive's state folder)."""
    return build.load_manifest(archive_state, out, build.stamp())


def render_site(
    data: SiteData,
    out: Path,
    last: build.Previous | None,
    state: Any,
    archive_state: Path,
    unreadable: frozenset[str] = frozenset(),
) -> BuildReport:
    """Write the site into `out`: the pages in `data.documents`/`data.redlines` whose
    inputs changed since the last build (see `build`), the summary pages whose inputs
    changed, the search index kept current by segments; files of documents no longer in
    the archive are removed, but not those of `unreadable` ids (files in the archive that
    cannot be read just now: their last pages stay until the file is fixed). `state` is
    kept for the next build."""
    report = BuildReport()
    ours = (out / build.MANIFEST).is_file()  # the caller has claimed the folder
    out.mkdir(parents=True, exist_ok=True)
    # without the record of the last build, nothing is removed: only recorded files are
    # known to be ours (a folder's own files under documents/ or api/ are the user's)
    previous = last.pages if last else {}
    old_docs = last.documents if last else {}
    old_reds = last.redlines if last else {}
    pages: dict[str, str] = {}
    joined: dict[str, tuple[list[str], list[int]]] = {}
    # a document's page and JSON share a fingerprint, kept by id; so are redlines by slug
    documents = {row_id: old_docs.get(row_id, "") for row_id in data.by_id}
    documents.update({i: old_docs[i] for i in unreadable if i in old_docs})
    todo_docs: list[int] = []
    for i, page in enumerate(data.documents):
        fp = page.fingerprint()
        if old_docs.get(page.doc.id) != fp or not all(
            (out / rel).exists() for rel in _document_files(page.doc.id)
        ):
            todo_docs.append(i)
        documents[page.doc.id] = fp
    redlines = {slug: old_reds.get(slug, "") for slug, _, _ in data.all_redlines}
    todo_red: list[int] = []
    for i, red in enumerate(data.redlines):
        fp = red.fingerprint()
        if old_reds.get(red.slug) != fp or not all(
            (out / rel).exists() for rel in _redline_files(red.slug)
        ):
            todo_red.append(i)
        redlines[red.slug] = fp
    kept = len(_document_files("")) * (len(documents) - len(todo_docs)) + len(
        _redline_files("")
    ) * (len(redlines) - len(todo_red))
    report.unchanged += kept  # neither parsed nor rendered: their fingerprint held
    report.skipped += kept
    index = search.SearchIndex(out)
    plan = index.plan({r.id: r.blob for r in data.rows})
    chunks = index.chunks(plan, os.cpu_count() or 1)
    tasks: list[tuple[str, list[Any]]] = [("segment", ids) for ids in chunks]
    # longest first, so that no core is left with a long task at the end: the segments,
    # then each redline on its own (a diff of two long laws can take a second), then pages
    tasks += build.chunked("redlines", todo_red, 1) + build.chunked("documents", todo_docs)
    job = build.Job(
        out, Path(data.sources), data.by_id, data.documents, data.redlines, document_outputs
    )
    segments = build.run(job, tasks, report)
    report.search_indexed = len(plan.reindex)
    index.commit(segments)
    # the search results' statuses and filters: rendered again when a document's row or
    # the segments changed (at 100,000 documents it takes a second)
    meta_key = build.fingerprint([(seg["name"], seg["deleted"]) for seg in index.segments])
    pages[SEARCH_META] = meta_key
    if (
        data.changed is not None
        and not data.changed
        and previous.get(SEARCH_META) == meta_key
        and (out / SEARCH_META).exists()
    ):
        report.unchanged += 1
        report.skipped += 1
    elif build.write_if_changed(out, SEARCH_META, search.meta_json(index.segments, _facets(data))):
        report.written.append(SEARCH_META)
    else:
        report.unchanged += 1
    for item in summary_pages(data):
        if isinstance(item, build.Joined):
            payload, lengths = item.payload(out, last, data.changed)
            pages[item.rel] = item.key(len(payload))
            joined[item.rel] = (item.ids, lengths)
            if build.write_if_changed(out, item.rel, payload):
                report.written.append(item.rel)
            else:
                report.unchanged += 1
            continue
        rel, key, render = item
        pages[rel] = key or ""
        if key is not None and previous.get(rel) == key and (out / rel).exists():
            report.unchanged += 1
            report.skipped += 1
        elif build.write_if_changed(out, rel, render()):
            report.written.append(rel)
        else:
            report.unchanged += 1
    stale = set(previous) - pages.keys()
    stale.update(rel for i in old_docs.keys() - documents.keys() for rel in _document_files(i))
    stale.update(rel for slug in old_reds.keys() - redlines.keys() for rel in _redline_files(slug))
    build.remove_stale(out, stale, report)
    if ours and last is None:  # a folder an older policytrack built (other stamp)
        build.drop_legacy_search(out)
    build.save_manifest(
        archive_state,
        out,
        build.stamp(),
        build.Previous(pages, state, joined, documents, redlines),
    )
    return report
