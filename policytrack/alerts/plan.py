"""Which alerts are due: events found by comparing the archive on `as_of` with what the
previous run saw, filtered by each subscriber's watchlist. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from policytrack.model import fields_json

from .config import AlertsConfig, EventName, Subscriber

LIVE = ("in_force", "not_yet_effective", "partially_repealed", "unknown")


@dataclass(frozen=True)
class DocFacts:
    """What alerts need to know of one archived document on `as_of`."""

    id: str
    title: str
    doc_number: str | None
    issuer: str | None
    jurisdiction: str | None
    kind: str
    expires: date | None
    status: str
    status_label: str
    status_since: date | None = None
    repealed_by: str | None = None  # label of the superseding document
    successors: tuple[str, ...] = ()  # labels of later versions in the lineage
    predecessor: str | None = None  # label of the archived version before this one
    aliases: tuple[str, ...] = ()
    predecessor_id: str | None = None
    relation: str | None = None  # to the predecessor: amends, supersedes, draft, predecessor

    @property
    def label(self) -> str:
        return self.doc_number or self.title


@dataclass(frozen=True)
class Alert:
    """One thing to tell one subscriber; (subscriber, doc_id, event, threshold) is its key."""

    subscriber: str
    event: EventName
    threshold: int  # days before expiry for "expiring"; 0 for the other events
    doc_id: str
    label: str
    title: str
    issuer: str | None
    status_label: str
    detected: date  # the as_of of the run that found it
    url: str = ""
    expires: date | None = None
    days_left: int | None = None
    passed: tuple[int, ...] = ()  # larger thresholds also crossed since the last run
    successor: str | None = None
    predecessor: str | None = None
    changes: tuple[str, ...] = ()
    relation: str | None = None  # new-version: how it follows its predecessor (amends…)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.subscriber, self.doc_id, self.event, self.threshold)

    def to_json(self) -> dict[str, Any]:
        return fields_json(self, self.__dataclass_fields__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Alert:
        values = dict(data)
        for name in ("detected", "expires"):
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        for name in ("passed", "changes"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)


@dataclass(frozen=True)
class Previous:
    """What the last run saw: each document's status, and the as_of it ran for.
    `statuses` is None before the first run, when there is nothing to compare with."""

    statuses: Mapping[str, str] | None
    last_as_of: date | None


def doc_url(site_url: str, doc_id: str) -> str:
    return f"{site_url}/documents/{quote(doc_id)}.html" if site_url else ""


def plan(
    config: AlertsConfig,
    docs: Mapping[str, DocFacts],
    previous: Previous,
    as_of: date,
    *,
    explicit: Mapping[str, Collection[str]],
    body_of: Callable[[str], str],
    changes_of: Callable[[str], tuple[str, ...]],
) -> list[Alert]:
    """Every alert due on `as_of`, subscriber by subscriber, before de-duplication against
    what was already delivered (the state does that).

    - expiring: the most urgent threshold reached (days left ≤ threshold); larger thresholds
      crossed since the last run are noted, not sent separately;
    - expired: expired since the last run (or within `lookback_days` on the first run) with no
      later version in its lineage;
    - superseded: repealed now (abolished, or replaced by another instrument), not repealed
      at the last run; a version whose newer version came into force is `amended`, not
      superseded: its subscribers hear of the new version instead;
    - new-version: a later version of an archived document, not seen at the last run, or
      seen before and now in force (its predecessor became 已被修改 since the last run).
    """
    watermark = previous.last_as_of or (as_of - timedelta(days=config.lookback_days))
    events: list[tuple[EventName, DocFacts, dict[str, Any]]] = []
    for doc in docs.values():
        events.extend(_events_of(doc, previous, watermark, as_of, docs))
    out: list[Alert] = []
    matcher_cache: dict[str, str] = {}

    def body(doc_id: str) -> str:
        if doc_id not in matcher_cache:
            matcher_cache[doc_id] = body_of(doc_id)
        return matcher_cache[doc_id]

    for sub in config.subscribers:
        for event, doc, extra in events:
            if event not in sub.events:
                continue
            if not watches(sub, doc, explicit.get(sub.name, ()), body):
                continue
            alert = _alert(
                sub,
                event,
                doc,
                extra,
                as_of,
                watermark,
                config.site_url,
                changes_of,
                first_run=previous.last_as_of is None,
            )
            if alert is not None:
                out.append(alert)
    out.sort(key=lambda a: (a.subscriber, _EVENT_ORDER[a.event], a.days_left or 0, a.doc_id))
    return out


_EVENT_ORDER = {"expiring": 0, "expired": 1, "superseded": 2, "new-version": 3}


def _events_of(
    doc: DocFacts,
    previous: Previous,
    watermark: date,
    as_of: date,
    docs: Mapping[str, DocFacts],
) -> list[tuple[EventName, DocFacts, dict[str, Any]]]:
    out: list[tuple[EventName, DocFacts, dict[str, Any]]] = []
    if doc.expires and doc.status in LIVE and doc.expires >= as_of:
        out.append(("expiring", doc, {"days_left": (doc.expires - as_of).days}))
    if (
        doc.status == "expired"
        and not doc.successors
        and doc.status_since
        and watermark < doc.status_since <= as_of
    ):
        out.append(("expired", doc, {}))
    if previous.statuses is not None:
        before = previous.statuses.get(doc.id)
        if doc.status == "repealed" and before is not None and before != "repealed":
            out.append(("superseded", doc, {}))
        pred = docs.get(doc.predecessor_id or "")
        came_into_force = (
            pred is not None
            and pred.status == "amended"
            and previous.statuses.get(pred.id) not in (None, "amended")
        )
        if doc.predecessor and (before is None or came_into_force):
            out.append(("new-version", doc, {}))
    return out


def _alert(
    sub: Subscriber,
    event: EventName,
    doc: DocFacts,
    extra: dict[str, Any],
    as_of: date,
    watermark: date,
    site_url: str,
    changes_of: Callable[[str], tuple[str, ...]],
    *,
    first_run: bool,
) -> Alert | None:
    common: dict[str, Any] = {
        "subscriber": sub.name,
        "event": event,
        "doc_id": doc.id,
        "label": doc.label,
        "title": doc.title,
        "issuer": doc.issuer,
        "status_label": doc.status_label,
        "detected": as_of,
        "url": doc_url(site_url, doc.id),
        "expires": doc.expires,
        "successor": doc.repealed_by or (doc.successors[0] if doc.successors else None),
    }
    if event == "expiring":
        days_left = extra["days_left"]
        reached = [t for t in sub.thresholds if days_left <= t]
        if not reached:
            return None
        threshold = min(reached)
        assert doc.expires is not None
        passed = tuple(
            t
            for t in reached
            if t != threshold and doc.expires - timedelta(days=t) > watermark and not first_run
        )
        return Alert(threshold=threshold, days_left=days_left, passed=passed, **common)
    if event == "new-version":
        return Alert(
            threshold=0,
            predecessor=doc.predecessor,
            changes=changes_of(doc.id),
            relation=doc.relation,
            **common,
        )
    return Alert(threshold=0, **common)


def watches(
    sub: Subscriber, doc: DocFacts, explicit: Collection[str], body_of: Callable[[str], str]
) -> bool:
    """Explicit documents (and their lineages) always match; otherwise every filter given
    must match (any value within one filter). No filters and no documents: everything."""
    w = sub.watch
    if doc.id in explicit:
        return True
    if not w.filters:
        return not w.documents
    if w.kinds and doc.kind not in w.kinds:
        return False
    if w.issuers and not any(i in (doc.issuer or "") for i in w.issuers):
        return False
    if w.jurisdictions and not any(j in (doc.jurisdiction or "") for j in w.jurisdictions):
        return False
    if w.keywords:
        head = " ".join((doc.title, *doc.aliases))
        if not any(k in head for k in w.keywords):
            text = body_of(doc.id)
            if not any(k in text for k in w.keywords):
                return False
    return True


def current(alerts: list[Alert], as_of: date) -> list[Alert]:
    """The alerts as one message tells them on `as_of`. Alerts wait in the state until a
    channel takes them, so a digest after an outage can hold a document's 90-day alert
    (found weeks ago) and its new 30-day one: told as one, the most urgent, with the
    other threshold passed and the days left counted today; and nothing about expiring
    for a document whose expiry is also in the message. Every alert given is still
    marked delivered with the message."""
    expired = {a.doc_id for a in alerts if a.event == "expired"}
    urgent: dict[str, Alert] = {}
    for a in alerts:
        if a.event != "expiring" or a.doc_id in expired:
            continue
        kept = urgent.get(a.doc_id)
        if kept is None or a.threshold < kept.threshold:
            urgent[a.doc_id] = a
    out = []
    for a in alerts:
        if a.event != "expiring":
            out.append(a)
            continue
        best = urgent.get(a.doc_id)
        if best is not a:
            continue
        others = {o.threshold for o in alerts if o.event == "expiring" and o.doc_id == a.doc_id}
        passed = sorted((set(a.passed) | others) - {a.threshold}, reverse=True)
        days = (a.expires - as_of).days if a.expires else a.days_left
        out.append(replace(a, passed=tuple(passed), days_left=days))
    return out
