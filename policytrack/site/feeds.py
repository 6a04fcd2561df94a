"""Atom feeds (RFC 4287) of changes, upcoming expiries and each lineage's versions, and an
iCalendar feed (RFC 5545) of expiry dates. Every timestamp comes from the archive or from
`as_of`, never from the clock, so feeds are deterministic. Links are absolute under
--base-url, else relative to the feed's own address (`href`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from policytrack.site.build import Joined, fingerprint
from policytrack.site.labels import action_label

if TYPE_CHECKING:
    from policytrack.site import DocLink, ExpiringEntry, Row, SiteData

SITE_TITLE = "policytrack 政策追踪"


def jurisdiction_of(data: SiteData, doc_id: str) -> str | None:
    row = data.by_id.get(doc_id)
    return row.jurisdiction if row else None


def href(data: SiteData, rel: str, here: str) -> str:
    """The link to the site file `rel` (a path from the site's root) as written in the file
    `here`: absolute under --base-url, else relative to `here`'s folder, so that a reader
    resolving it against the feed's own address (RFC 3986 5.2) lands on the page."""
    path = quote(rel, safe="/#")
    if data.base_url:
        return f"{data.base_url.rstrip('/')}/{path}"
    if rel.startswith(here.rpartition("/")[0] + "/") and "/" in here:  # beside it
        return path[len(quote(here.rpartition("/")[0])) + 1 :]
    return "../" * here.count("/") + path  # site paths hold no "..": up to the root


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _feed(data: SiteData, title: str, rel: str, page: str = "index.html") -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(href(data, rel, rel) if data.base_url else f"urn:policytrack:{rel}")
    fg.title(title)
    fg.author({"name": "policytrack"})
    fg.link(href=href(data, rel, rel), rel="self")
    fg.link(href=href(data, page, rel), rel="alternate")
    fg.language("zh-CN")
    return fg


def _name(link: DocLink) -> str:
    """A document's label and title, the title once when the label is made of it."""
    return link.label if link.label.startswith(link.title) else f"{link.label} {link.title}"


def changes_feed(
    data: SiteData, jurisdiction: str | None = None, rel: str = "feeds/changes.xml"
) -> str:
    """Atom feed of the archive's latest changes (one entry per commit and document), of the
    whole archive or of one jurisdiction (its own latest changes, however old)."""
    title = f"{SITE_TITLE} · 最近变更" + (f" · {jurisdiction}" if jurisdiction else "")
    fg = _feed(data, title, rel)
    changes = (
        data.recent_by_jurisdiction.get(jurisdiction, ()) if jurisdiction else data.recent_changes
    )
    by_id = data.by_id
    entries = [(day, action, link, by_id[link.id]) for day, action, link in changes]
    for day, action, link, row in reversed(entries):  # feedgen prepends entries
        fe = fg.add_entry()
        fe.id(f"urn:policytrack:change:{link.id}:{day}:{action}")
        fe.title(f"{action_label(action)}：{_name(link)}")
        fe.link(href=href(data, f"documents/{link.id}.html", rel))
        fe.updated(datetime.fromisoformat(day).replace(tzinfo=UTC))
        fe.summary(f"{row.status.label}：{row.status.reason_zh}")
    days = [datetime.fromisoformat(e[0]).replace(tzinfo=UTC) for e in entries]
    fg.updated(max(days, default=_midnight(data.as_of)))
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def expiring_feed(
    data: SiteData, jurisdiction: str | None = None, rel: str = "feeds/expiring.xml"
) -> str:
    """Atom feed of documents expiring within 180 days of as_of."""
    title = f"{SITE_TITLE} · 即将到期" + (f" · {jurisdiction}" if jurisdiction else "")
    fg = _feed(data, title, rel, "expiring.html")
    entries: list[ExpiringEntry] = [
        e
        for e in data.expiring[max(data.expiring)]
        if not jurisdiction or jurisdiction_of(data, e.link.id) == jurisdiction
    ]
    for e in reversed(entries):
        fe = fg.add_entry()
        fe.id(f"urn:policytrack:expiry:{e.link.id}:{e.expires.isoformat()}")
        fe.title(f"{e.expires} 到期：{_name(e.link)}")
        fe.link(href=href(data, f"documents/{e.link.id}.html", rel))
        fe.updated(_midnight(data.as_of))
        fe.summary(
            f"{e.days_left} 天后到期；"
            + (f"续期文件：{e.successor}" if e.successor else "无已知后续文件")
        )
    fg.updated(_midnight(data.as_of))
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def changes_key(data: SiteData, jurisdiction: str | None = None) -> str:
    """What a change feed shows, as one string (its fingerprint's input)."""
    changes = (
        data.recent_by_jurisdiction.get(jurisdiction, ()) if jurisdiction else data.recent_changes
    )
    rows = data.by_id
    return "\n".join(
        f"{day}\0{action}\0{rows[link.id].key}\0{rows[link.id].status.reason_zh}"
        for day, action, link in changes
    )


def first_day(row: Row, as_of: date) -> date:
    """When a version's text was first known: its earliest date, never after as_of."""
    days = [d for d in (row.issued, row.published, row.effective) if d]
    return min([*days, as_of])


def versions_key(data: SiteData, members: tuple[str, ...]) -> str:
    """What a lineage feed shows, as one string (its fingerprint's input)."""
    rows = data.by_id
    return "\n".join(
        f"{rows[i].key}\0{rows[i].status.reason_zh}\0{first_day(rows[i], data.as_of)}"
        for i in members
    )


def versions_feed(data: SiteData, members: tuple[str, ...], rel: str) -> str:
    """Atom feed of one lineage: an entry per archived version (oldest last), so a reader
    learns of a new version, or of a version's change of status."""
    rows = data.by_id
    newest = rows[members[-1]]
    fg = _feed(data, f"{SITE_TITLE} · 版本 · {newest.title}", rel, f"documents/{newest.id}.html")
    for k, doc_id in enumerate(members):
        row = rows[doc_id]
        fe = fg.add_entry()
        fe.id(f"urn:policytrack:version:{doc_id}")
        fe.title(f"第{k + 1}版：{_name(row.link)}（{row.status.label}）")
        fe.link(href=href(data, f"documents/{doc_id}.html", rel))
        fe.updated(_midnight(first_day(row, data.as_of)))
        fe.summary(f"{row.status.label}：{row.status.reason_zh}")
    fg.updated(max(_midnight(first_day(rows[i], data.as_of)) for i in members))
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def dtstamp(row: Row, as_of: date) -> date:
    """An event's DTSTAMP: the latest of its document's own dates on or before as_of (when
    what the calendar says of it was last true to change), as_of when it has none yet;
    never a date after as_of (an expiry date lies in the future)."""
    days = [d for d in (row.issued, row.published, row.effective, row.expires) if d and d <= as_of]
    return max(days, default=as_of)


CALENDAR = "calendar/expiries.ics"


def expiry_calendar(data: SiteData) -> Joined:
    """iCalendar feed (RFC 5545): one all-day event per document expiry, with a 30-day
    reminder. Written directly rather than through icalendar's object model, which took
    35 s for 100,000 events; the tests read it back with icalendar. An event changes only
    when its document's row does, or when as_of passes one of its dates (DTSTAMP, see
    `dtstamp`), so a rebuild renders only those (`build.Joined`)."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//policytrack//expiries//ZH",
        _ical_line("X-WR-CALNAME", f"{SITE_TITLE} 到期日"),
    ]
    by_id = data.by_id
    ids = [i for i, row in by_id.items() if row.expires]
    if ids:
        head.append("BEGIN:VEVENT")
    as_of = data.as_of

    def event(doc_id: str) -> str:
        page = by_id[doc_id]
        exp = page.expires
        assert exp is not None
        lines = [
            _ical_line("SUMMARY", f"到期：{_name(page.link)}"),
            f"DTSTART;VALUE=DATE:{exp:%Y%m%d}",
            f"DTEND;VALUE=DATE:{exp + timedelta(days=1):%Y%m%d}",
            f"DTSTAMP:{dtstamp(page, as_of):%Y%m%d}T000000Z",
            _ical_line("UID", f"{page.id}@policytrack"),
            _ical_line(
                "DESCRIPTION",
                f"{page.title} 有效期至 {exp}。{page.status.label}：{page.status.reason_zh}",
            ),
            _ical_line("URL", href(data, f"documents/{page.id}.html", CALENDAR), escape=False),
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            _ical_line("DESCRIPTION", f"30 天后到期：{page.title}"),
            "TRIGGER:-P30D",
            "END:VALARM",
        ]
        return "\r\n".join(lines)

    # events are joined by the lines that end one and begin the next; those whose DTSTAMP
    # is as_of itself (no date of their own yet) change with it
    volatile = frozenset(
        i
        for i in ids
        if not any(
            d and d <= as_of
            for d in (by_id[i].issued, by_id[i].published, by_id[i].effective, by_id[i].expires)
        )
    )
    return Joined(
        CALENDAR,
        fingerprint(data.base_url),
        "".join(f"{line}\r\n" for line in head),
        ids,
        event,
        "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n",
        ("\r\nEND:VEVENT\r\n" if ids else "") + "END:VCALENDAR\r\n",
        volatile,
    )


def _ical_line(name: str, value: str, *, escape: bool = True) -> str:
    """NAME:VALUE with TEXT escaping (RFC 5545 3.3.11) and folded at 75 octets (3.1),
    never inside a UTF-8 character."""
    if escape:
        value = (
            value.replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
        )
    data = f"{name}:{value}".encode()
    if len(data) <= 75:
        return data.decode()
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # not inside a character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    return b"\r\n ".join(parts).decode()
