"""What a site build keeps for the next build into the same folder (computed by `sitedata`,
stored by `site.files` with the page fingerprints).

Each document's entry is a `DocState`: its git blob, its status as the summary pages show
it, and a key of its link (label, title, status). `SiteState` holds these and the rest of
what the last build knew (the documents each page showed, the redlines, the stubs' links,
the expiring windows, the latest changes). The state is kept with the page fingerprints;
`SiteState.encode` and `decode` are its one codec (used when it is pickled), which stores
the documents as columns (ids, blobs, link keys, an index into a table of distinct
statuses) of plain values written with `marshal`, and each page's shown ids as one
string (`ShownIds`): a few objects per document keep the state of 100,000 documents quick
to load and save. At 100,000 documents (CPU time, collector off as in a build, best of
three): saving 0.15–0.19 s and loading 0.25–0.26 s, against 0.21 s and 0.19–0.22 s for
the packed strings this replaced and 0.5 s each way for nested lists; pickling the same
columns instead of marshalling them took 0.31 s to save.
"""

from __future__ import annotations

import functools
import marshal
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from policytrack.temporal import StatusCode

STATE_VERSION = 7
_SEP = "\x1f"  # between the ids a page shows, in the stored form only: in no id


class KeptStatus(NamedTuple):
    """A document's status as the summary pages show it (the evidence is shown only on
    the document's own page, which recomputes it)."""

    code: StatusCode
    reason: str
    since: date | None
    by: str | None
    reason_zh: str


class DocState(NamedTuple):
    """What the last build knew of one document."""

    blob: str  # its file's git blob
    status: KeptStatus
    link_key: str  # site.pages.link_key of its link: changes when its label, title or status do


class RedlineState(NamedTuple):
    """A comparison the site shows: its two versions, and whether the newer follows the
    older directly (its predecessor)."""

    old: str
    new: str
    successive: bool


class ExpiringState(NamedTuple):
    """One entry of an expiring window on the state's as-of date."""

    days: int  # the window (site.SITE_WINDOWS)
    doc_id: str
    expires: date
    successor_label: str  # "" when none
    successor_id: str  # "" when none


class Touch(NamedTuple):
    """One of the archive's latest changes: a commit's date, its action, a document."""

    day: str  # YYYY-MM-DD
    action: str
    doc_id: str


class ShownIds:
    """The ids each document's page shows (besides its own). Kept packed, one string per
    page, unpacked only for the pages a build looks at again: packing and unpacking
    100,000 pages' tuples took 0.13–0.14 s each way, a tenth of loading and saving the
    state (`make bench`'s 100,000 documents, benchmark in docs/performance.md)."""

    def __init__(self, packed: dict[str, str]) -> None:
        self.packed = packed  # id → the ids joined by _SEP

    def get(self, doc_id: str) -> tuple[str, ...]:
        ids = self.packed.get(doc_id)
        return tuple(ids.split(_SEP)) if ids else ()

    def set(self, doc_id: str, ids: tuple[str, ...]) -> None:
        self.packed[doc_id] = _SEP.join(ids)

    def carry(self, previous: ShownIds, doc_id: str) -> None:
        """Keep what doc_id's page showed in the previous build, if it had a page."""
        ids = previous.packed.get(doc_id)
        if ids is not None:
            self.packed[doc_id] = ids

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.packed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ShownIds) and self.packed == other.packed

    __hash__ = None  # type: ignore[assignment]


@dataclass
class SiteState:
    """What the last build knew (sitedata's module docstring says how it is used)."""

    head: str = ""  # the archive's commit
    as_of: str = ""  # YYYY-MM-DD
    docs: dict[str, DocState] = field(default_factory=dict)
    shows: ShownIds = field(default_factory=lambda: ShownIds({}))
    redlines: dict[str, RedlineState] = field(default_factory=dict)  # by slug
    stubs: dict[str, str] = field(default_factory=dict)  # stub id → link key
    expiring: list[ExpiringState] = field(default_factory=list)
    # the latest changes of each issuer and jurisdiction at `head` (Index.recent_touches);
    # read again only when the archive moved
    touches: list[Touch] = field(default_factory=list)

    def encode(self) -> bytes:
        """The state as bytes (marshal of plain lists and strings; `decode` reads it)."""
        blobs, kept, links = zip(*self.docs.values(), strict=True) if self.docs else ((), (), ())
        statuses: dict[KeptStatus, int] = {}
        codes = [statuses.setdefault(s, len(statuses)) for s in kept]
        stored = _Stored(
            STATE_VERSION,
            self.head,
            self.as_of,
            list(self.docs),
            list(blobs),
            list(links),
            codes,
            [(s.code, s.reason, _day(s.since), s.by, s.reason_zh) for s in statuses],
            self.shows.packed,
            {slug: (r.old, r.new, r.successive) for slug, r in self.redlines.items()},
            self.stubs,
            [(e.days, e.doc_id, e.expires.isoformat(), *e[3:]) for e in self.expiring],
            [(t.day, t.action, t.doc_id) for t in self.touches],
        )
        return marshal.dumps(tuple(stored))

    @classmethod
    def decode(cls, raw: bytes) -> SiteState:
        """The state `encode` wrote; ValueError if it is not one of this version."""
        try:
            stored = _Stored._make(marshal.loads(raw))
        except (EOFError, TypeError, ValueError):
            raise ValueError("not a site state") from None
        if stored.version != STATE_VERSION:
            raise ValueError("site state of another version")
        kept = [KeptStatus(c, r, _date(since), by, zh) for c, r, since, by, zh in stored.statuses]
        columns = zip(stored.blobs, map(kept.__getitem__, stored.codes), stored.links, strict=True)
        return cls(
            stored.head,
            stored.as_of,
            dict(zip(stored.ids, map(_new_doc_state, columns), strict=True)),
            ShownIds(stored.shows),
            {slug: RedlineState._make(r) for slug, r in stored.redlines.items()},
            stored.stubs,
            [
                ExpiringState(d, i, date.fromisoformat(x), *rest)
                for d, i, x, *rest in stored.expiring
            ],
            [Touch._make(t) for t in stored.touches],
        )

    def __getstate__(self) -> bytes:  # pickled (with the page fingerprints) as encode's bytes
        return self.encode()

    def __setstate__(self, raw: bytes) -> None:
        self.__dict__.update(vars(self.decode(raw)))


# tuple.__new__ itself: DocState._make runs a Python frame per document (+25 ms at 100k)
_new_doc_state = functools.partial(tuple.__new__, DocState)


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _Stored(NamedTuple):
    """The stored form of a SiteState: plain values, the documents as columns."""

    version: int
    head: str
    as_of: str
    ids: list[str]
    blobs: list[str]
    links: list[str]  # link keys
    codes: list[int]  # index into statuses
    statuses: list[tuple[StatusCode, str, str | None, str | None, str]]  # each distinct one once
    shows: dict[str, str]  # ShownIds.packed
    redlines: dict[str, tuple[str, str, bool]]
    stubs: dict[str, str]
    expiring: list[tuple[int, str, str, str, str]]
    touches: list[tuple[str, str, str]]
