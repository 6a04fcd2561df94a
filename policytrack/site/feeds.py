"""Atom feeds (RFC 4287) of changes and upcoming expiries, and an iCalendar feed
(RFC 5545) of expiry dates. Every timestamp comes from the archive or from `as_of`, never
from the clock, so feeds are deterministic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator
from icalendar import Alarm, Calendar, Event

if TYPE_CHECKING:
    from policytrack.site import ExpiringEntry, SiteData

SITE_TITLE = "policytrack 政策追踪"


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
    by_id = {r.id: r for r in data.rows}
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
    jur: dict[str, str | None] = {}  # of the expiring documents, when filtering
    if jurisdiction:
        wanted = {e.link.id for e in data.expiring[max(data.expiring)]}
        jur = {r.id: r.jurisdiction for r in data.rows if r.id in wanted}
    entries: list[ExpiringEntry] = [
        e
        for e in data.expiring[max(data.expiring)]
        if not jurisdiction or jur.get(e.link.id) == jurisdiction
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


def expiry_calendar(data: SiteData) -> str:
    """iCalendar feed: one all-day event per document expiry, with a 30-day reminder."""
    cal = Calendar()
    cal.add("prodid", "-//policytrack//expiries//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{SITE_TITLE} 到期日 expiries")
    stamp = _midnight(data.as_of)
    for page in data.rows:
        exp = page.expires
        if exp is None:
            continue
        ev = Event()
        ev.add("uid", f"{page.id}@policytrack")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", exp)
        ev.add("dtend", exp + timedelta(days=1))
        ev.add("summary", f"到期 Expires: {page.link.label} {page.title}")
        ev.add(
            "description",
            f"{page.title} 有效期至 {exp}。{page.status.label}: {page.status.reason}",
        )
        ev.add("url", _url(data.base_url, f"documents/{page.id}.html"))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"30 天后到期: {page.title}")
        alarm.add("trigger", timedelta(days=-30))
        ev.add_component(alarm)
        cal.add_component(ev)
    return str(cal.to_ical().decode("utf-8"))
