"""Atom feeds (RFC 4287) of changes and upcoming expiries, and an iCalendar feed
(RFC 5545) of expiry dates. Every timestamp comes from the archive or from `as_of`, never
from the clock, so feeds are deterministic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from policytrack.site.build import Joined, fingerprint

if TYPE_CHECKING:
    from policytrack.site import ExpiringEntry, SiteData

SITE_TITLE = "policytrack 政策追踪"


def jurisdiction_of(data: SiteData, doc_id: str) -> str | None:
    row = data.by_id.get(doc_id)
    return row.jurisdiction if row else None


def _url(base: str, rel: str) -> str:
    return f"{base.rstrip('/')}/{rel}" if base else rel


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _feed(data: SiteData, feed_id: str, title: str, rel: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(_url(data.base_url, rel) if data.base_url else f"urn:policytrack:{feed_id}")
    fg.title(title)
    fg.author({"name": "policytrack"})
    fg.link(href=_url(data.base_url, rel), rel="self")
    fg.link(href=_url(data.base_url, "index.html"), rel="alternate")
    fg.language("zh-CN")
    return fg


def changes_feed(
    data: SiteData, jurisdiction: str | None = None, rel: str = "feeds/changes.xml"
) -> str:
    """Atom feed of the archive's latest changes (one entry per commit and document)."""
    title = f"{SITE_TITLE} · 最近变更 changes" + (f" · {jurisdiction}" if jurisdiction else "")
    fg = _feed(data, rel, title, rel)
    by_id = data.by_id
    latest = _midnight(data.as_of)
    entries = []
    for day, action, link in data.recent_changes:
        page = by_id.get(link.id)
        if page is None or (jurisdiction and page.jurisdiction != jurisdiction):
            continue
        entries.append((day, action, link, page))
    for day, action, link, page in reversed(entries):  # feedgen prepends entries
        when = datetime.fromisoformat(day).replace(tzinfo=UTC)
        latest = max(latest, when) if entries else latest
        fe = fg.add_entry()
        fe.id(f"urn:policytrack:change:{link.id}:{day}:{action}")
        fe.title(f"{action}: {link.label} {link.title}")
        fe.link(href=_url(data.base_url, f"documents/{link.id}.html"))
        fe.updated(when)
        fe.summary(f"{page.status.label} — {page.status.reason}")
    fg.updated(
        max([datetime.fromisoformat(e[0]).replace(tzinfo=UTC) for e in entries], default=latest)
    )
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def expiring_feed(
    data: SiteData, jurisdiction: str | None = None, rel: str = "feeds/expiring.xml"
) -> str:
    """Atom feed of documents expiring within 180 days of as_of."""
    title = f"{SITE_TITLE} · 即将到期 expiring" + (f" · {jurisdiction}" if jurisdiction else "")
    fg = _feed(data, rel, title, rel)
    entries: list[ExpiringEntry] = [
        e
        for e in data.expiring[max(data.expiring)]
        if not jurisdiction or jurisdiction_of(data, e.link.id) == jurisdiction
    ]
    for e in reversed(entries):
        fe = fg.add_entry()
        fe.id(f"urn:policytrack:expiry:{e.link.id}:{e.expires.isoformat()}")
        fe.title(f"{e.expires} 到期: {e.link.label} {e.link.title}")
        fe.link(href=_url(data.base_url, f"documents/{e.link.id}.html"))
        fe.updated(_midnight(data.as_of))
        fe.summary(
            f"{e.days_left} 天后到期 (expires in {e.days_left} days); "
            + (
                f"续期文件 renewed by {e.successor}"
                if e.successor
                else "无已知后续文件 no successor known"
            )
        )
    fg.updated(_midnight(data.as_of))
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def expiry_calendar(data: SiteData) -> Joined:
    """iCalendar feed (RFC 5545): one all-day event per document expiry, with a 30-day
    reminder. Written directly rather than through icalendar's object model, which took
    35 s for 100,000 events; the tests read it back with icalendar. An event's DTSTAMP is
    the document's own latest date, so an event changes only when its document does, and
    a rebuild renders only those (`build.Joined`)."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//policytrack//expiries//ZH",
        _ical_line("X-WR-CALNAME", f"{SITE_TITLE} 到期日 expiries"),
    ]
    by_id = data.by_id
    ids = [i for i, row in by_id.items() if row.expires]
    if ids:
        head.append("BEGIN:VEVENT")

    def event(doc_id: str) -> str:
        page = by_id[doc_id]
        exp = page.expires
        assert exp is not None
        stamp = max(d for d in (page.issued, page.published, page.effective, exp) if d)
        lines = [
            _ical_line("SUMMARY", f"到期 Expires: {page.link.label} {page.title}"),
            f"DTSTART;VALUE=DATE:{exp:%Y%m%d}",
            f"DTEND;VALUE=DATE:{exp + timedelta(days=1):%Y%m%d}",
            f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
            _ical_line("UID", f"{page.id}@policytrack"),
            _ical_line(
                "DESCRIPTION",
                f"{page.title} 有效期至 {exp}。{page.status.label}: {page.status.reason}",
            ),
            _ical_line("URL", _url(data.base_url, f"documents/{page.id}.html"), escape=False),
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            _ical_line("DESCRIPTION", f"30 天后到期: {page.title}"),
            "TRIGGER:-P30D",
            "END:VALARM",
        ]
        return "\r\n".join(lines)

    # events are joined by the lines that end one and begin the next
    return Joined(
        "calendar/expiries.ics",
        fingerprint(data.base_url),
        "".join(f"{line}\r\n" for line in head),
        ids,
        event,
        "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n",
        ("\r\nEND:VEVENT\r\n" if ids else "") + "END:VCALENDAR\r\n",
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
