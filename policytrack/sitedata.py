"""What the website shows, computed for only the documents a build must look at again.

A document page shows its own file and the *links* (label, title, status) of the documents
it is connected to: its lineage, the documents it relates to and those that mention it, its
redline partners. The last build's state (kept by `site.build` in the archive's
`.policytrack/` folder, one file per output folder) records each document's blob, link and
status, the documents its page showed and the expiring windows. A build then looks again
only at:

1. the documents whose file changed (blob), appeared or disappeared, and — when the as-of
   date moved — those with a date of their own, or a supersession date, in between;
2. their lineage neighbours, whose status may follow from theirs;
3. every page that shows one of these documents whose link changed, before or after.

Everything else keeps its page. A build without a usable state looks at every document: the
same code, so an incremental build gives the bytes a build from scratch gives (tested).
Summary pages (lists, counts, feeds, calendar) are drawn from the index's columns and the
statuses in the state, never from the documents' text.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from .archive import Archive
from .bodies import bodies, national_jurisdiction
from .index import Index
from .model import Document, display_title, ref_key, slugify
from .site import DocLink, DocumentPage, ExpiringEntry, RedlinePage, Row, SiteData
from .temporal import Graph, Status, build_graph, current_version, expiring, lineage, status_of

SITE_WINDOWS = (30, 90, 180)
RECENT_REDLINES = 30  # version comparisons listed on the home page, newest first
RECENT_CHANGES = 30  # changes in the change feeds and on the home page, newest first
STATE_VERSION = 6
SEP = "\x1f"  # between the fields of a state entry: in no id, blob or status reason


@dataclass
class SiteState:
    """What the last build knew; see the module docstring. Each document's entry is one
    string, "blob␟code␟reason␟since␟by␟reason in Chinese␟link key", and the ids its page shows another:
    a few objects per document keep the state of 100,000 quick to load and save."""

    head: str = ""
    as_of: str = ""
    docs: dict[str, str] = field(default_factory=dict)  # id → its entry (see _entry)
    shows: dict[str, str] = field(default_factory=dict)  # id → "id␟id…" its page shows
    # slug → [old id, new id, "1" if new follows old directly else ""]
    redlines: dict[str, list[str]] = field(default_factory=dict)
    stubs: dict[str, str] = field(default_factory=dict)  # stub id → link key
    # the expiring windows on as_of: "days␟id␟expires␟successor label␟successor id"
    expiring: list[str] = field(default_factory=list)
    # the latest changes of each issuer and jurisdiction at `head` (Index.recent_touches):
    # "date␟action␟id"; read again only when the archive moved
    touches: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, raw: Any) -> SiteState | None:
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            return None
        try:
            return cls(
                raw["head"],
                raw["as_of"],
                raw["docs"],
                raw["shows"],
                raw["redlines"],
                raw["stubs"],
                raw["expiring"],
                raw["touches"],
            )
        except KeyError:
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "head": self.head,
            "as_of": self.as_of,
            "docs": self.docs,
            "shows": self.shows,
            "redlines": self.redlines,
            "stubs": self.stubs,
            "expiring": self.expiring,
            "touches": self.touches,
        }


def _entry(blob: str, st: Status, link_key: str) -> str:
    """A document's state entry: its blob, its status as the summary pages need it (the
    evidence is shown only on the document's own page, which recomputes it), its link."""
    since = st.since.isoformat() if st.since else ""
    reason = st.reason.replace(SEP, " ")
    zh = st.reason_zh.replace(SEP, " ")
    by = (st.by or "").replace(SEP, " ")
    return SEP.join((blob, st.code, reason, since, by, zh, link_key))


def _blob_of(entry: str | None) -> str | None:
    return entry.partition(SEP)[0] if entry else None


def _link_of(entry: str | None) -> str | None:
    return entry.rpartition(SEP)[2] if entry else None


def _shown(state: SiteState, doc_id: str) -> list[str]:
    shows = state.shows.get(doc_id)
    return shows.split(SEP) if shows else []


class _Statuses:
    """Statuses read back from state entries, one object per distinct status."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.seen: dict[str, Status] = {}

    def of(self, entry: str) -> Status:
        middle = entry[entry.index(SEP) + 1 : entry.rindex(SEP)]
        st = self.seen.get(middle)
        if st is None:
            code, reason, since, by, zh = middle.split(SEP)
            day = date.fromisoformat(since) if since else None
            st = Status(code, self.as_of, reason, day, by or None, "", zh)  # type: ignore[arg-type]
            self.seen[middle] = st
        return st


class _Days(dict[str | None, date | None]):
    """ISO dates parsed once each."""

    def __missing__(self, value: str | None) -> date | None:
        day = self[value] = date.fromisoformat(value) if value else None
        return day


class _Graphs:
    """Documents loaded from the index as needed, with the supersession graph over them.
    A status is computed only from a graph holding everything that supersedes the
    document (Index.linked_to), so a partial graph gives the whole archive's answer."""

    def __init__(self, index: Index, everything: bool) -> None:
        self.index = index
        self.docs: dict[str, Document] = {}
        if everything:
            self.docs = {d.id: d for d in index.documents()}
        self.graph: Graph = build_graph(self.docs.values())
        self.everything = everything

    def need(self, ids: set[str], *, lineages: bool) -> None:
        """Load ids and what supersedes or follows them (enough for their statuses);
        with lineages, also every version of their lineages, transitively (for pages)."""
        if self.everything:
            return
        todo = {i for i in ids if i not in self.docs}
        grew = False
        while todo:
            new = {d.id: d for d in self.index.documents_by_id(todo)}
            self.docs.update(new)
            grew = grew or bool(new)
            near = {d.id for d in self.index.linked_to(sorted(new))}
            if lineages:
                near |= self.index.neighbours(set(new), lineage_only=True)
            todo = {i for i in near if i not in self.docs} if lineages else set()
            if not lineages:  # the superseders themselves, for their start dates
                extra = {d.id: d for d in self.index.documents_by_id(near - set(self.docs))}
                self.docs.update(extra)
        if grew:
            self.graph = build_graph(self.docs.values())
        if grew and not lineages:
            # a stub's status needs every document that supersedes it
            keys = {k for i in self.graph.stubs for k in _stub_keys(self.graph, i)}
            more = self.index.sources_of_keys(keys) - set(self.docs) if keys else set()
            if more:
                self.docs.update({d.id: d for d in self.index.documents_by_id(more)})
                self.graph = build_graph(self.docs.values())


LINEAGE_SHOWN = 10  # versions shown on each side of a document in a long lineage
COMPARE_ALL = 6  # lineages of at most this many versions compare any two of them
PERIODS_MAX = 2 * LINEAGE_SHOWN + 3  # longer lineages show no "as it stood on" periods


def _nearest(versions: tuple[str, ...], doc_id: str) -> tuple[str, ...]:
    """The first and last versions and the LINEAGE_SHOWN on either side of doc_id."""
    if len(versions) <= 2 * LINEAGE_SHOWN + 3:
        return versions
    k = versions.index(doc_id)
    near = range(max(0, k - LINEAGE_SHOWN), min(len(versions), k + LINEAGE_SHOWN + 1))
    return tuple(versions[i] for i in sorted({0, *near, len(versions) - 1}))


class _Lineages:
    """Each lineage computed once for all its versions, with every version's predecessor
    (as commands.predecessor_of): a document superseding a much-superseded one joins a
    lineage of hundreds, where a per-version walk would be cubic."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.versions: dict[str, tuple[str, ...]] = {}
        self.predecessor: dict[str, str | None] = {}
        self.successors: dict[str, list[str]] = {}
        self._pairs: dict[str, tuple[tuple[str, str], ...]] = {}
        self._periods: dict[str, tuple[tuple[date, str | None], ...]] = {}

    def of(self, doc_id: str) -> tuple[str, ...]:
        if doc_id not in self.versions:
            g = self.g
            members = tuple(lineage(g, doc_id))
            archived = [i for i in members if i in g.docs]
            position = {v: k for k, v in enumerate(archived)}
            for i in members:
                self.versions[i] = members
            for k, i in enumerate(archived):
                direct = [p for p in g.predecessors.get(i, []) if p in g.docs]
                pred = max(direct, key=position.__getitem__) if direct else None
                if not direct and k > 0:
                    pred = archived[k - 1]
                self.predecessor[i] = pred
                if pred is not None:
                    self.successors.setdefault(pred, []).append(i)
        return self.versions[doc_id]

    def predecessor_of(self, doc_id: str) -> str | None:
        self.of(doc_id)
        return self.predecessor.get(doc_id)

    def successors_of(self, doc_id: str) -> list[str]:
        self.of(doc_id)
        return self.successors.get(doc_id, [])  # in lineage order

    def archived(self, doc_id: str) -> list[str]:
        return [i for i in self.of(doc_id) if i in self.g.docs]

    def first(self, doc_id: str) -> str:
        """The first archived version (a lineage's feed is named by it)."""
        return self.archived(doc_id)[0]

    def pairs(self, doc_id: str) -> tuple[tuple[str, str], ...]:
        """The versions of doc_id's lineage the site compares, (older, newer): each with
        its predecessor, and any two when there are at most COMPARE_ALL versions (else
        each with the latest)."""
        key = self.of(doc_id)[0]
        if key not in self._pairs:
            arch = self.archived(doc_id)
            found = {(p, i) for i in arch if (p := self.predecessor_of(i)) is not None}
            if len(arch) <= COMPARE_ALL:
                found |= {(a, b) for k, a in enumerate(arch) for b in arch[k + 1 :]}
            else:
                found |= {(a, arch[-1]) for a in arch[:-1]}
            order = {v: k for k, v in enumerate(arch)}
            self._pairs[key] = tuple(sorted(found, key=lambda p: (order[p[1]], order[p[0]])))
        return self._pairs[key]

    def periods(self, doc_id: str) -> tuple[tuple[date, str | None], ...]:
        """Which version was in force from which day (temporal.current_version), from the
        first version's start on; empty for a lineage of one or of more than PERIODS_MAX
        versions (each day asks every version's status)."""
        key = self.of(doc_id)[0]
        if key not in self._periods:
            arch = self.archived(doc_id)
            days: set[date] = set()
            if 1 < len(arch) <= PERIODS_MAX:
                for i in arch:
                    w = self.g.docs[i].window
                    start = w.effective.value or w.published.value or w.issued.value
                    if start:
                        days.add(start)
                    if w.expires.value:
                        days.add(w.expires.value + timedelta(days=1))
                    days.update(r.on for r in self.g.repealed_by.get(i, []) if r.on)
            out: list[tuple[date, str | None]] = []
            for day in sorted(days):
                cur = current_version(self.g, arch[0], day)
                if not out or out[-1][1] != cur:
                    out.append((day, cur))
            self._periods[key] = tuple(out)
        return self._periods[key]


def site_data(
    archive: Archive, index: Index, as_of: date, base_url: str, state: SiteState | None
) -> tuple[SiteData, SiteState]:
    """The site's data and the state to keep for the next build."""
    head = archive.head() or ""
    columns = index.rows()
    blobs: dict[str, str] = {r[0]: r[1] or "" for r in columns}
    everything = state is None
    prev = state or SiteState()
    graphs = _Graphs(index, everything)

    # 1. documents whose own inputs changed
    redated: set[str] = set()  # documents with a date between the last as-of and this one
    if everything:
        touched = set(blobs)
    else:
        touched = {i for i, b in blobs.items() if _blob_of(prev.docs.get(i)) != b}
        touched |= set(prev.docs) - set(blobs)
        if prev.as_of != as_of.isoformat():
            before = date.fromisoformat(prev.as_of)
            lo, hi = min(before, as_of), max(before, as_of)
            redated = index.dated_between(lo - timedelta(days=1), hi + timedelta(days=1))
            touched |= redated
    live = touched & set(blobs)
    # 2. their lineage neighbours (statuses follow from supersession)
    candidates = set(touched)
    if not everything:
        candidates |= index.targets(live)  # what they supersede now …
        for i in touched:  # … and what they may have superseded before
            candidates.update(_shown(prev, i))
        graphs.need(candidates & set(blobs), lineages=False)
    g = graphs.graph

    statuses: dict[str, Status] = {}
    kept = _Statuses(as_of)

    def status(doc_id: str) -> Status:
        if doc_id not in statuses:
            if doc_id in g.docs or doc_id in g.stubs or doc_id not in prev.docs:
                statuses[doc_id] = status_of(doc_id, g, as_of)
            else:
                statuses[doc_id] = kept.of(prev.docs[doc_id])
        return statuses[doc_id]

    rows: dict[str, Row] = {}
    days = _Days()  # 100k rows, ~4k dates
    national: dict[str | None, bool] = {}  # by issuer: its documents act nationwide
    for doc_id, blob, number, title, kind, issuer, jur, *dated in columns:
        issued, published, effective, expires = (days[v] for v in dated)
        carried = None if everything or doc_id in candidates else prev.docs[doc_id]
        if carried is None:
            st = status(doc_id)
        else:
            st = statuses[doc_id] = kept.of(carried)
        day = issued or published or effective
        title = display_title(title, issuer, jur)
        label = number or (f"{title}（{day.isoformat()}）" if day else title)
        doc_link = DocLink(doc_id, label, title, st.code, st.label)
        key = (_link_of(carried) if carried is not None else _link_key(doc_link)) + blob
        inferred = False
        if jur is None:
            if issuer not in national:
                national[issuer] = national_jurisdiction(issuer) is not None
            if national[issuer]:
                jur, inferred = "全国", True
        rows[doc_id] = Row(
            doc_link,
            number,
            issuer,
            jur,
            kind or "policy",
            issued,
            published,
            effective,
            expires,
            st,
            blob,
            key,
            inferred,
        )

    def link(doc_id: str) -> DocLink:
        if doc_id in rows:
            return rows[doc_id].link
        stub = g.stubs[doc_id]
        st = status(doc_id)
        label = stub.doc_number or f"《{stub.title}》"
        return DocLink(doc_id, label, stub.title or "", st.code, st.label, False)

    # 3. pages showing a document whose link changed, before or after
    stub_links = {i: _link_key(link(i)) for i in g.stubs}
    changed_links = {
        i for i in candidates if i not in rows or _link_of(prev.docs.get(i)) != rows[i].key[:16]
    }
    changed_stubs = {i for i, key in stub_links.items() if prev.stubs.get(i) != key}
    affected = set(live) if not everything else set(blobs)
    if not everything:
        affected |= {i for i in changed_links if i in rows}
        for i in changed_links | changed_stubs:
            affected.update(_shown(prev, i))
        affected |= index.neighbours(changed_links)
        stub_keys = {k for i in changed_stubs for k in _stub_keys(g, i)}
        affected |= index.sources_of_keys(stub_keys) if stub_keys else set()
        affected &= set(blobs)
        graphs.need(affected | index.neighbours(affected), lineages=True)
        g = graphs.graph
        # the versions shown beside a changed one: their pages show its dates (the
        # version timeline, "as it stood on") and compare with it
        near = _Lineages(g)
        kin = {j for i in live if i in g.docs for j in _nearest(near.of(i), i) if j in rows}
        if kin - affected:
            affected |= kin
            graphs.need(kin | index.neighbours(kin), lineages=True)
            g = graphs.graph
        # statuses computed on a smaller graph stay valid (the graph only grew)

    resolver = _Resolver(index, g, rows, everything)
    history = index.commits_of([f"{i}.md" for i in affected])
    pages: list[DocumentPage] = []
    redlines: dict[str, RedlinePage] = {}
    successive: set[str] = set()
    new_state = SiteState(head, as_of.isoformat(), {}, {}, {})
    lineages = _Lineages(g)
    for doc_id in sorted(affected):
        d = graphs.docs[doc_id]
        every = lineages.of(doc_id)
        versions = _nearest(every, doc_id)
        relations = []
        shows = set(versions)
        for rel in d.relations:
            target = resolver.target(rel.target_id, rel.doc_number, rel.title)
            if target == doc_id:
                target = None
            relations.append((rel.type, rel.target, link(target) if target else None))
            if target:
                shows.add(target)
        mentioned = sorted(resolver.mentioned_in(doc_id) - {doc_id})
        shows.update(mentioned)
        red_links = []
        pairs = lineages.pairs(doc_id)
        for old, new in pairs:
            if doc_id not in (old, new):
                continue
            slug = f"{old}--{new}"
            red_links.append(
                (f"../changes/{quote(slug)}.html", f"{link(old).label} → {link(new).label}")
            )
            shows.update((old, new))
            if slug not in redlines:
                redlines[slug] = _redline(archive, old, new, link, blobs)
            if lineages.predecessor_of(new) == old:
                successive.add(slug)
        shown = set(versions)
        cur = current_version(g, doc_id, as_of)
        repealer = status_of(doc_id, g, as_of).by
        if cur is not None:
            shows.add(cur)
        name = f"{doc_id}.md"
        commits = history.get(name, [])
        pages.append(
            DocumentPage(
                # the worker that renders the page parses the whole document; until then
                # only its identity is kept, so a full build's metadata can be freed
                doc=Document(d.id, d.title, d.kind),
                link=link(doc_id),
                status=status_of(doc_id, g, as_of),
                lineage=tuple(link(i) for i in versions),
                lineage_total=len(every),
                relations=tuple(relations),
                mentioned_in=tuple(link(i) for i in mentioned),
                commits=tuple((c.sha[:10], c.date[:10], c.action) for c in commits),
                redlines=tuple(red_links),
                source=str(archive.doc_path(doc_id)),
                blob=blobs[doc_id],
                current=link(cur) if cur is not None else None,
                starts=tuple(_start_of(rows[i]) if i in rows else None for i in versions),
                periods=tuple((day, link(v) if v else None) for day, v in lineages.periods(doc_id)),
                comparisons=tuple(
                    (f"{a}--{b}", link(a), link(b)) for a, b in pairs if a in shown and b in shown
                ),
                versions_feed=lineages.first(doc_id) if len(pairs) else "",
                repealed_by=link(repealer) if repealer and repealer in rows else None,
            )
        )
        shows.discard(doc_id)
        new_state.shows[doc_id] = SEP.join(sorted(shows))
    # the state of every document: recomputed for the affected, carried over for the rest
    for doc_id, row in rows.items():
        if doc_id not in candidates and doc_id in prev.docs:
            new_state.docs[doc_id] = prev.docs[doc_id]  # nothing it shows could have moved
        else:
            new_state.docs[doc_id] = _entry(row.blob, row.status, row.key[:16])
        if doc_id not in affected and doc_id in prev.shows:
            new_state.shows[doc_id] = prev.shows[doc_id]
    new_state.stubs = dict(prev.stubs)
    new_state.stubs.update({i: _link_key(link(i)) for i in g.stubs})
    for slug, (old, new, *kind) in prev.redlines.items():
        if old not in affected and new not in affected and old in rows and new in rows:
            new_state.redlines[slug] = [old, new, *kind]
    for red in redlines.values():
        new_state.redlines[red.slug] = [
            red.old.id,
            red.new.id,
            "1" if red.slug in successive else "",
        ]
    moved = None
    if not everything:  # rows whose blob, status or link differ from the last build's
        moved = frozenset(i for i in candidates if prev.docs.get(i) != new_state.docs.get(i))
        moved |= redated & rows.keys()  # their calendar events' DTSTAMP (feeds.dtstamp)
    # the expiring windows stay as they were if the as-of date did not move and nothing
    # that could change them did: no document looked at again is in them (or renews one
    # in them), or expires within them now
    horizon = _horizon(as_of)
    kept_windows = None
    if not everything and prev.as_of == as_of.isoformat():
        related = {part for e in prev.expiring for part in e.split(SEP)[1::3]}  # id, succ id
        now_in = any(
            (r := rows.get(i)) is not None
            and r.expires is not None
            and as_of <= r.expires <= horizon
            for i in candidates
        )
        if not now_in and not (candidates & related):
            kept_windows = prev.expiring
    if prev.head == head:
        new_state.touches = prev.touches
    data = _summaries(
        archive,
        index,
        as_of,
        base_url,
        rows,
        pages,
        list(redlines.values()),
        new_state,
        link,
        kept_windows,
    )
    return replace(data, changed=moved), new_state


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
        groups.append(tuple(sorted(members, key=lambda i: (i in newer, _start_of(rows[i]), i))))
    return tuple(sorted(groups))


def _horizon(as_of: date) -> date:
    """The end of the longest expiring window."""
    return as_of + timedelta(days=max(SITE_WINDOWS))


def _start_of(row: Row) -> date:
    return row.effective or row.published or row.issued or date.min


def _stub_keys(g: Graph, stub_id: str) -> set[str]:
    stub = g.stubs[stub_id]
    keys = {stub_id.lower()}
    if stub.doc_number:
        keys.add(ref_key(stub.doc_number))
    if stub.title:
        keys.add(slugify(stub.title, 200))
    return keys


def _link_key(link: DocLink) -> str:
    text = "\0".join((link.label, link.title, link.status, "p" if link.has_page else "s"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _redline(archive: Archive, old: str, new: str, link: Any, blobs: dict[str, str]) -> RedlinePage:
    return RedlinePage(
        f"{old}--{new}",
        link(old),
        link(new),
        str(archive.doc_path(old)),
        str(archive.doc_path(new)),
        blobs.get(old, ""),
        blobs.get(new, ""),
    )


class _Resolver:
    """Which archived document a relation names: its target id, else its doc number, else
    its title (the index's keys, so every build resolves alike)."""

    def __init__(self, index: Index, g: Graph, rows: dict[str, Row], everything: bool) -> None:
        self.index = index
        self.rows = rows
        self.g = g
        self.cache: dict[str, list[str]] = {}
        keys: set[str] = set()
        for d in g.docs.values():
            keys.update(_keys(d))
        self._load(keys)
        self.everything: dict[str, set[str]] | None = None
        if everything:  # who mentions whom, from every document at once
            self.everything = {}
            for d in g.docs.values():
                for rel in d.relations:
                    target = self.target(rel.target_id, rel.doc_number, rel.title)
                    if target:
                        self.everything.setdefault(target, set()).add(d.id)

    def _load(self, keys: set[str]) -> None:
        missing = {k for k in keys if k not in self.cache}
        if missing:
            found = self.index.resolve_keys(missing)
            for k in missing:
                self.cache[k] = found.get(k, [])

    def target(self, target_id: str | None, number: str | None, title: str | None) -> str | None:
        if target_id and target_id in self.rows:
            return target_id
        for key in (ref_key(number) if number else None, slugify(title, 200) if title else None):
            if key:
                self._load({key})
                if self.cache[key]:
                    return self.cache[key][0]
        return None

    def mentioned_in(self, doc_id: str) -> set[str]:
        if self.everything is not None:
            return self.everything.get(doc_id, set())
        sources = self.index.neighbours({doc_id}) - {doc_id}
        out = set()
        for src in sources:
            d = self.g.docs.get(src)
            if d is None:
                continue
            for rel in d.relations:
                if self.target(rel.target_id, rel.doc_number, rel.title) == doc_id:
                    out.add(src)
                    break
        return out


def _keys(d: Document) -> set[str]:
    keys = set()
    for rel in d.relations:
        if rel.doc_number:
            keys.add(ref_key(rel.doc_number))
        if rel.title:
            keys.add(slugify(rel.title, 200))
    return keys


def _summaries(
    archive: Archive,
    index: Index,
    as_of: date,
    base_url: str,
    rows: dict[str, Row],
    pages: list[DocumentPage],
    redlines: list[RedlinePage],
    state: SiteState,
    link: Any,
    kept_windows: list[str] | None,
) -> SiteData:
    windows: dict[int, list[ExpiringEntry]] = {days: [] for days in SITE_WINDOWS}
    if kept_windows is None:
        soon = index.expiring_between(as_of, _horizon(as_of))
        near = build_graph(soon + index.linked_to([d.id for d in soon]))
        for days in SITE_WINDOWS:
            for e in expiring(near, as_of, days):
                succ = (near.successors.get(e.doc.id) or [""])[0]
                label = (e.successor or "").replace(SEP, " ")
                fields = (str(days), e.doc.id, e.expires.isoformat(), label, succ)
                state.expiring.append(SEP.join(fields))
    else:
        state.expiring = kept_windows
    for packed in state.expiring:
        window, doc_id, expires, successor, _ = packed.split(SEP)
        day = date.fromisoformat(expires)
        windows[int(window)].append(
            ExpiringEntry(link(doc_id), day, (day - as_of).days, successor or None)
        )
    recently = []
    by_status: Counter[str] = Counter()
    by_jur: Counter[str] = Counter()
    issuers: dict[str, list[Row]] = {}
    jurisdictions: dict[str, list[Row]] = {}
    issuer_bodies: dict[str | None, tuple[str, ...]] = {}
    lately = as_of - timedelta(days=180)
    for r in rows.values():  # one pass: 100,000 rows
        if r.expires and lately <= r.expires < as_of:
            recently.append(ExpiringEntry(r.link, r.expires, (r.expires - as_of).days, None))
        by_status[r.status.code] += 1
        jur = r.jurisdiction or "未知"
        by_jur[jur] += 1
        if r.issuer not in issuer_bodies:
            issuer_bodies[r.issuer] = bodies(r.issuer) or ("未知",)
        for body in issuer_bodies[r.issuer]:  # joint issuers: under each body
            issuers.setdefault(body, []).append(r)
        jurisdictions.setdefault(jur, []).append(r)
    recently.sort(key=lambda e: (e.expires, e.link.id), reverse=True)
    if not state.touches:  # else kept: the archive did not move
        state.touches = [
            SEP.join((c.date[:10], c.action, doc_id))
            for c, doc_id in index.recent_touches(RECENT_CHANGES)
        ]
    touches = [
        (day, action, rows[doc_id].link)
        for day, action, doc_id in (t.split(SEP) for t in state.touches)
        if doc_id in rows
    ]
    recent_by_jurisdiction: dict[str, list[tuple[str, str, DocLink]]] = {}
    for change in touches:
        place = rows[change[2].id].jurisdiction
        if place:
            shown = recent_by_jurisdiction.setdefault(place, [])
            if len(shown) < RECENT_CHANGES:
                shown.append(change)
    all_redlines = tuple(
        (slug, rows[old].link, rows[new].link)
        for slug, (old, new, *_) in sorted(state.redlines.items())
    )
    successive = tuple(red for red in all_redlines if state.redlines[red[0]][2:] != [""])
    return SiteData(
        as_of=as_of,
        base_url=base_url,
        rows=tuple(rows.values()),
        documents=tuple(pages),
        redlines=tuple(redlines),
        all_redlines=all_redlines,
        recent_redlines=tuple(
            sorted(
                successive,
                key=lambda r: (_start_of(rows[r[2].id]), r[0]),
                reverse=True,
            )[:RECENT_REDLINES]
        ),
        sources=str(archive.root),
        expiring={days: tuple(entries) for days, entries in windows.items()},
        recently_expired=tuple(recently),
        recent_changes=tuple(touches[:RECENT_CHANGES]),
        recent_by_jurisdiction={k: tuple(v) for k, v in recent_by_jurisdiction.items()},
        lineages=_lineage_groups(successive, rows),
        counts_by_status=tuple(sorted(by_status.items())),
        counts_by_jurisdiction=tuple(sorted(by_jur.items())),
        by_issuer=tuple((k, tuple(v)) for k, v in sorted(issuers.items())),
        by_jurisdiction=tuple((k, tuple(v)) for k, v in sorted(jurisdictions.items())),
    )
