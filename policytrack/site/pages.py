"""The site's pages: the context each page kind is rendered from (computed by `sitedata`,
rendered by `site.render` and `site.summary`), and where each page lives in the site.

DocLink and Row are made 100,000 times a build: slotted, not frozen (a frozen dataclass's
__init__ sets each field through object.__setattr__, 2.4x slower); neither is changed after
it is made.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

from policytrack.model import Document, slugify
from policytrack.site.files import fingerprint
from policytrack.temporal import Status

if TYPE_CHECKING:
    from policytrack.diff import DocumentDiff


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
        return fingerprint(
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
        return fingerprint(self.old_blob, self.new_blob, self.old, self.new)


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
    link_key: str = ""  # link_key(link): its label, title and status
    jurisdiction_inferred: bool = False  # 全国 from its issuers (bodies.national_jurisdiction)

    @property
    def id(self) -> str:
        return self.link.id

    @property
    def title(self) -> str:
        return self.link.title

    @property
    def key(self) -> str:
        """Changes when anything the row shows changes (its link and its file)."""
        return self.link_key + self.blob


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


def start_of(row: Row) -> date:
    """When a document took its place in time, for ordering versions (date.min if never)."""
    return row.effective or row.published or row.issued or date.min


def link_key(link: DocLink) -> str:
    """A short key of what a link shows (label, title, status, page or stub), kept with the
    state: a page showing the link is rendered again when it changes."""
    text = "\0".join((link.label, link.title, link.status, "p" if link.has_page else "s"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# --- where each page lives ---------------------------------------------------------------------


def doc_href(doc_id: str) -> str:
    return f"documents/{quote(doc_id)}.html"


def document_files(doc_id: str) -> tuple[str, str]:
    """A document's page and its JSON."""
    return (f"documents/{doc_id}.html", f"api/documents/{doc_id}.json")


def redline_files(slug: str) -> tuple[str, str]:
    """A comparison's page and its 新旧对照表 as a Word file."""
    return (f"changes/{slug}.html", f"changes/{slug}.docx")


def versions_feed_href(first: str) -> str:
    """The Atom feed of a lineage, named by its first archived version."""
    return f"feeds/versions/{first}.xml"


def list_href(folder: str, number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def group_slug(name: str) -> str:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(name, 40)}-{digest}"
