"""The summary pages: every page drawn from the documents' metadata alone (home, expiring,
lists, issuers, feeds, the API index, the calendar). `summary_data` computes what they show
from every document's row (counts, groups, recent changes, lineages) into the `SiteData`;
`summary_pages` lists them in a stable order, each with the fingerprint of what it shows, so
that a rebuild renders only those whose inputs changed.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from policytrack.bodies import bodies
from policytrack.model import slugify
from policytrack.site import api, feeds
from policytrack.site.files import Joined, fingerprint
from policytrack.site.pages import (
    DocLink,
    DocumentPage,
    ExpiringEntry,
    RedlinePage,
    Row,
    SiteData,
    group_slug,
    list_href,
    start_of,
    versions_feed_href,
)
from policytrack.site.render import shared_environment
from policytrack.site.state import SiteState

LIST_PAGE_SIZE = 1000  # rows per page of the document lists

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


# (path, fingerprint or None, render), or a file of one fragment per document
Summary = tuple[str, str | None, Callable[[], str]] | Joined


def summary_pages(data: SiteData) -> Iterator[Summary]:
    """Every page drawn from metadata alone, in a stable order, as (path, fingerprint,
    render). A page with a fingerprint is rendered only when the fingerprint changed; one
    without is rendered every build (they are small) and written if its bytes changed."""
    env = shared_environment()
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
        fingerprint(data.as_of, data.base_url, sorted(data.expiring), "\n".join(shown)),
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
        fingerprint(groups),
        page("issuers.html", issuers=groups[0], jurisdictions=groups[1], root="", as_of=None),
    )
    yield api.index_file(data)
    yield from _feeds(data)


def _feeds(data: SiteData) -> Iterator[Summary]:
    """The Atom feeds (changes and expiring, of the archive and of each jurisdiction; each
    lineage's versions) and the iCalendar feed."""
    yield (
        "feeds/changes.xml",
        fingerprint(data.as_of, data.base_url, feeds.changes_key(data)),
        lambda: feeds.changes_feed(data),
    )
    soon = data.expiring[max(data.expiring)]
    # the expiring feeds show the longest window and each entry's jurisdiction
    key = _entries_key(soon) + "".join(f"\0{feeds.jurisdiction_of(data, e.link.id)}" for e in soon)
    yield (
        "feeds/expiring.xml",
        fingerprint(data.as_of, data.base_url, key),
        lambda: feeds.expiring_feed(data),
    )
    for name in sorted({r.jurisdiction for r in data.rows if r.jurisdiction}):
        slug = slugify(name, 40)
        rel = f"feeds/changes-{slug}.xml"
        yield (
            rel,
            fingerprint(data.as_of, data.base_url, name, feeds.changes_key(data, name)),
            functools.partial(feeds.changes_feed, data, name, rel),
        )
        rel = f"feeds/expiring-{slug}.xml"
        yield (
            rel,
            fingerprint(data.as_of, data.base_url, key, name),
            functools.partial(feeds.expiring_feed, data, name, rel),
        )
    for members in data.lineages:
        rel = versions_feed_href(members[0])
        yield (
            rel,
            fingerprint(data.base_url, feeds.versions_key(data, members)),
            functools.partial(feeds.versions_feed, data, members, rel),
        )
    yield feeds.expiry_calendar(data)


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
            fingerprint(heading, root, number, total, len(rows), shown),
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


# --- the summary pages' data --------------------------------------------------------------------

SITE_WINDOWS = (30, 90, 180)  # the expiring windows, in days
RECENT_REDLINES = 30  # version comparisons listed on the home page, newest first


def summary_data(
    as_of: date,
    base_url: str,
    sources: str,
    rows: dict[str, Row],
    documents: tuple[DocumentPage, ...],
    redlines: tuple[RedlinePage, ...],
    state: SiteState,
    link: Callable[[str], DocLink],
    recent: int,
) -> SiteData:
    """The site's data: the pages to render (`documents`, `redlines`) and what the summary
    pages show, from every document's row and the state (its comparisons, expiring windows
    and latest changes, of which `recent` are shown)."""
    windows: dict[int, list[ExpiringEntry]] = {days: [] for days in SITE_WINDOWS}
    for e in state.expiring:
        entry = ExpiringEntry(
            link(e.doc_id), e.expires, (e.expires - as_of).days, e.successor_label or None
        )
        windows[e.days].append(entry)
    groups = _Groups(rows.values(), as_of)
    touches = [(t.day, t.action, rows[t.doc_id].link) for t in state.touches if t.doc_id in rows]
    recent_by_jurisdiction: dict[str, list[tuple[str, str, DocLink]]] = {}
    for change in touches:
        place = rows[change[2].id].jurisdiction
        if place:
            shown = recent_by_jurisdiction.setdefault(place, [])
            if len(shown) < recent:
                shown.append(change)
    all_redlines = tuple(
        (slug, rows[red.old].link, rows[red.new].link)
        for slug, red in sorted(state.redlines.items())
    )
    successive = tuple(red for red in all_redlines if state.redlines[red[0]].successive)
    newest = sorted(successive, key=lambda r: (start_of(rows[r[2].id]), r[0]), reverse=True)
    return SiteData(
        as_of=as_of,
        base_url=base_url,
        rows=tuple(rows.values()),
        documents=documents,
        redlines=redlines,
        all_redlines=all_redlines,
        recent_redlines=tuple(newest[:RECENT_REDLINES]),
        sources=sources,
        expiring={days: tuple(entries) for days, entries in windows.items()},
        recently_expired=tuple(groups.recently),
        recent_changes=tuple(touches[:recent]),
        recent_by_jurisdiction={k: tuple(v) for k, v in recent_by_jurisdiction.items()},
        lineages=_lineage_groups(successive, rows),
        counts_by_status=tuple(sorted(groups.by_status.items())),
        counts_by_jurisdiction=tuple(sorted(groups.by_jur.items())),
        by_issuer=tuple((k, tuple(v)) for k, v in sorted(groups.issuers.items())),
        by_jurisdiction=tuple((k, tuple(v)) for k, v in sorted(groups.jurisdictions.items())),
    )


class _Groups:
    """Counts and lists over every row, in one pass (100,000 rows): by status and
    jurisdiction, each issuing body's and jurisdiction's documents, the recently expired."""

    def __init__(self, rows: Iterable[Row], as_of: date) -> None:
        self.recently: list[ExpiringEntry] = []
        self.by_status: Counter[str] = Counter()
        self.by_jur: Counter[str] = Counter()
        self.issuers: dict[str, list[Row]] = {}
        self.jurisdictions: dict[str, list[Row]] = {}
        issuer_bodies: dict[str | None, tuple[str, ...]] = {}
        lately = as_of - timedelta(days=180)
        for r in rows:
            if r.expires and lately <= r.expires < as_of:
                self.recently.append(
                    ExpiringEntry(r.link, r.expires, (r.expires - as_of).days, None)
                )
            self.by_status[r.status.code] += 1
            jur = r.jurisdiction or "未知"
            self.by_jur[jur] += 1
            if r.issuer not in issuer_bodies:
                issuer_bodies[r.issuer] = bodies(r.issuer) or ("未知",)
            for body in issuer_bodies[r.issuer]:  # joint issuers: under each body
                self.issuers.setdefault(body, []).append(r)
            self.jurisdictions.setdefault(jur, []).append(r)
        self.recently.sort(key=lambda e: (e.expires, e.link.id), reverse=True)


def _lineage_groups(
    redlines: tuple[tuple[str, DocLink, DocLink], ...], rows: dict[str, Row]
) -> tuple[tuple[str, ...], ...]:
    """The archived versions of every lineage of two or more, each group first by its first
    version (the one no comparison has as its newer side), then by date."""
    linked: dict[str, set[str]] = {}
    newer: set[str] = set()
    for _, old, new in redlines:
        linked.setdefault(old.id, set()).add(new.id)
        linked.setdefault(new.id, set()).add(old.id)
        newer.add(new.id)
    groups = []
    seen: set[str] = set()
    for start in sorted(linked):
        if start in seen:
            continue
        members, todo = {start}, [start]
        while todo:
            for nxt in linked[todo.pop()] - members:
                members.add(nxt)
                todo.append(nxt)
        seen |= members
        groups.append(tuple(sorted(members, key=lambda i: (i in newer, start_of(rows[i]), i))))
    return tuple(sorted(groups))
