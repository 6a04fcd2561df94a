"""What the website shows, computed for only the documents a build must look at again.

Where this module sits: between the archive and the site. `site/` renders plain data and
never reads git or the index (the layering test enforces it); `commands.site_build` only
wires a build together. This module is the one that reads the index and the archive for
the site and turns them into a `site.pages.SiteData` and the `site.state.SiteState` to keep,
so it imports `archive`, `index` and `site`, and only `commands` imports it. The documents
it loads and the targets of relations are `sitegraph`'s; the summaries' arithmetic is
`site.summary`'s. Size: ~550 lines, the five phases and the lineage rule they share
(`_Lineages`), which read best together.

A document page shows its own file and the *links* (label, title, status) of the documents
it is connected to: its lineage, the documents it relates to and those that mention it, its
redline partners. The last build's state records each document's blob, link and status
(`DocState`), the documents its page showed and the expiring windows. A build runs in
phases (`site_data`):

1. what changed: the documents whose file changed (blob), appeared or disappeared, and —
   when the as-of date moved — those with a date of their own, or a supersession date, in
   between;
2. their neighbours, whose status may follow from theirs (what they supersede, now or
   before); the rows of every document, statuses recomputed for these and carried for the
   rest;
3. the pages to redo: every page that shows one of these documents whose link changed,
   before or after, and the versions shown beside a changed one; their page contexts;
4. the carried state: the new state, the rest kept from the last build;
5. the summaries: lists, counts, feeds and calendar, drawn from the index's columns and
   the rows, never from the documents' text.

Everything else keeps its page. A build without a usable state looks at every document:
the same code, so an incremental build gives the bytes a build from scratch gives (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import quote

from .archive import Archive, Commit
from .bodies import national_jurisdiction
from .index import Index
from .model import Document, display_title
from .site.pages import DocLink, DocumentPage, RedlinePage, Row, SiteData, link_key, start_of
from .site.state import DocState, ExpiringState, KeptStatus, RedlineState, SiteState, Touch
from .site.summary import SITE_WINDOWS, summary_data
from .sitegraph import Graphs, Resolver, stub_keys
from .temporal import (
    Graph,
    Status,
    build_graph,
    current_version,
    expiring,
    lineage,
    predecessors,
    status_of,
)

RECENT_CHANGES = 30  # changes in the change feeds and on the home page, newest first


def _kept(st: Status) -> KeptStatus:
    return KeptStatus(st.code, st.reason, st.since, st.by, st.reason_zh)


class _Statuses:
    """Statuses read back from the state, one object per distinct status."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.seen: dict[KeptStatus, Status] = {}

    def of(self, kept: KeptStatus) -> Status:
        st = self.seen.get(kept)
        if st is None:
            code, reason, since, by, zh = kept
            st = self.seen[kept] = Status(code, self.as_of, reason, since, by, "", zh)
        return st


class _Days(dict[str | None, date | None]):
    """ISO dates parsed once each."""

    def __missing__(self, value: str | None) -> date | None:
        day = self[value] = date.fromisoformat(value) if value else None
        return day


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
    (supersession.predecessors): a document superseding a much-superseded one joins a
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
            for i in members:
                self.versions[i] = members
            for i, pred in predecessors(g, members).items():
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
    """The site's data and the state to keep for the next build (the phases of the module
    docstring)."""
    build = _SiteBuild(archive, index, as_of, state)
    build.what_changed()  # 1
    build.neighbours()  # 2
    build.make_rows()
    affected = build.pages_to_redo()  # 3
    pages, redlines = build.document_pages(affected)
    new_state = build.carried_state(pages, redlines)  # 4
    data = _summaries(build, base_url, pages, list(redlines.values()), new_state)  # 5
    return replace(data, changed=build.moved(new_state)), new_state


class _SiteBuild:
    """One computation of the site's data, phase by phase (see site_data)."""

    def __init__(self, archive: Archive, index: Index, as_of: date, state: SiteState | None):
        self.archive, self.index, self.as_of = archive, index, as_of
        self.head = archive.head() or ""
        self.columns = index.rows()
        self.blobs: dict[str, str] = {r[0]: r[1] or "" for r in self.columns}
        self.everything = state is None  # no usable state: look at every document
        self.prev = state or SiteState()
        self.graphs = Graphs(index, self.everything)
        self.touched: set[str] = set()  # documents whose own inputs changed
        self.redated: set[str] = set()  # with a date between the last as-of and this one
        self.live: set[str] = set()  # the touched still in the archive
        self.candidates: set[str] = set()  # the touched and their neighbours
        self.statuses: dict[str, Status] = {}
        self.kept = _Statuses(as_of)
        self.rows: dict[str, Row] = {}

    @property
    def g(self) -> Graph:
        return self.graphs.graph

    def what_changed(self) -> None:
        """Phase 1: the documents whose file changed, appeared or disappeared, and those a
        moved as-of date crossed a date of."""
        prev, blobs = self.prev, self.blobs
        if self.everything:
            self.touched = set(blobs)
        else:
            self.touched = {i for i, b in blobs.items() if _blob_of(prev.docs.get(i)) != b}
            self.touched |= set(prev.docs) - set(blobs)
            if prev.as_of != self.as_of.isoformat():
                before = date.fromisoformat(prev.as_of)
                lo, hi = min(before, self.as_of), max(before, self.as_of)
                one = timedelta(days=1)
                self.redated = self.index.dated_between(lo - one, hi + one)
                self.touched |= self.redated
        self.live = self.touched & set(blobs)

    def neighbours(self) -> None:
        """Phase 2: the lineage neighbours of the touched documents, whose statuses follow
        from supersession: what they supersede now, and what they may have superseded
        before (the documents their pages showed)."""
        self.candidates = set(self.touched)
        if not self.everything:
            self.candidates |= self.index.targets(self.live)
            for i in self.touched:
                self.candidates.update(self.prev.shows.get(i))
            self.graphs.need(self.candidates & set(self.blobs), lineages=False)

    def status(self, doc_id: str) -> Status:
        """A document's status: computed if it is in the graph (or new), else carried."""
        if doc_id not in self.statuses:
            g = self.g
            if doc_id in g.docs or doc_id in g.stubs or doc_id not in self.prev.docs:
                self.statuses[doc_id] = status_of(doc_id, g, self.as_of)
            else:
                self.statuses[doc_id] = self.kept.of(self.prev.docs[doc_id].status)
        return self.statuses[doc_id]

    def make_rows(self) -> None:
        """Every document as the summary pages show it: the index's columns and a status,
        recomputed for the candidates, carried from the state for the rest."""
        days = _Days()  # 100k rows, ~4k dates
        national: dict[str | None, bool] = {}  # by issuer: its documents act nationwide
        recompute = self.everything
        for doc_id, blob, number, title, kind, issuer, jur, *dated in self.columns:
            issued, published, effective, expires = (days[v] for v in dated)
            carried = None if recompute or doc_id in self.candidates else self.prev.docs[doc_id]
            if carried is None:
                st = self.status(doc_id)
            else:
                st = self.statuses[doc_id] = self.kept.of(carried.status)
            day = issued or published or effective
            title = display_title(title, issuer, jur)
            label = number or (f"{title}（{day.isoformat()}）" if day else title)
            doc_link = DocLink(doc_id, label, title, st.code, st.label)
            key = carried.link_key if carried is not None else link_key(doc_link)
            inferred = False
            if jur is None:
                if issuer not in national:
                    national[issuer] = national_jurisdiction(issuer) is not None
                if national[issuer]:
                    jur, inferred = "全国", True
            self.rows[doc_id] = Row(
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

    def link(self, doc_id: str) -> DocLink:
        """The link to a document, or to a stub (a referenced document not archived)."""
        if doc_id in self.rows:
            return self.rows[doc_id].link
        stub = self.g.stubs[doc_id]
        st = self.status(doc_id)
        label = stub.doc_number or f"《{stub.title}》"
        return DocLink(doc_id, label, stub.title or "", st.code, st.label, False)

    def pages_to_redo(self) -> set[str]:
        """Phase 3: the documents whose page must be looked at again: the live touched
        ones, those whose link changed, every page that showed or shows a changed link
        (or a stub's), and the versions shown beside a changed one. Loads what their
        pages need into the graph."""
        if self.everything:
            return set(self.blobs)
        prev, rows, index = self.prev, self.rows, self.index
        changed_links = {
            i
            for i in self.candidates
            if i not in rows
            or (old := prev.docs.get(i)) is None
            or old.link_key != rows[i].link_key
        }
        changed_stubs = {i for i in self.g.stubs if prev.stubs.get(i) != link_key(self.link(i))}
        affected = set(self.live)
        affected |= {i for i in changed_links if i in rows}
        for i in changed_links | changed_stubs:
            affected.update(prev.shows.get(i))
        affected |= index.neighbours(changed_links)
        named = {k for i in changed_stubs for k in stub_keys(self.g, i)}
        affected |= index.sources_of_keys(named) if named else set()
        affected &= set(self.blobs)
        self.graphs.need(affected | index.neighbours(affected), lineages=True)
        # the versions shown beside a changed one: their pages show its dates (the
        # version timeline, "as it stood on") and compare with it
        near = _Lineages(self.g)
        g = self.g
        kin = {j for i in self.live if i in g.docs for j in _nearest(near.of(i), i) if j in rows}
        if kin - affected:
            affected |= kin
            self.graphs.need(kin | index.neighbours(kin), lineages=True)
        # statuses computed on a smaller graph stay valid (the graph only grew)
        return affected

    def document_pages(
        self, affected: set[str]
    ) -> tuple[list[tuple[DocumentPage, tuple[str, ...]]], dict[str, _Redline]]:
        """The context of each affected document's page, with the ids it shows, and the
        comparisons these pages take part in."""
        resolver = Resolver(self.index, self.g, self.rows, self.everything)
        history = self.index.commits_of([f"{i}.md" for i in affected])
        lineages = _Lineages(self.g)
        pages = []
        redlines: dict[str, _Redline] = {}
        for doc_id in sorted(affected):
            page, shows = self._document_page(doc_id, resolver, lineages, history, redlines)
            pages.append((page, shows))
        return pages, redlines

    def _document_page(
        self,
        doc_id: str,
        resolver: Resolver,
        lineages: _Lineages,
        history: dict[str, list[Commit]],
        redlines: dict[str, _Redline],
    ) -> tuple[DocumentPage, tuple[str, ...]]:
        g, link, as_of = self.g, self.link, self.as_of
        d = self.graphs.docs[doc_id]
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
                redlines[slug] = _Redline(
                    self._redline_page(old, new), lineages.predecessor_of(new) == old
                )
        shown = set(versions)
        cur = current_version(g, doc_id, as_of)
        repealer = status_of(doc_id, g, as_of).by
        if cur is not None:
            shows.add(cur)
        commits = history.get(f"{doc_id}.md", [])
        page = DocumentPage(
            # the worker that renders the page reads the whole document (site.sources);
            # until then only its identity is kept, so a full build's metadata can be freed
            doc=Document(d.id, d.title, d.kind),
            link=link(doc_id),
            status=status_of(doc_id, g, as_of),
            lineage=tuple(link(i) for i in versions),
            lineage_total=len(every),
            relations=tuple(relations),
            mentioned_in=tuple(link(i) for i in mentioned),
            commits=tuple((c.sha[:10], c.date[:10], c.action) for c in commits),
            redlines=tuple(red_links),
            source=str(self.archive.doc_path(doc_id)),
            blob=self.blobs[doc_id],
            current=link(cur) if cur is not None else None,
            starts=tuple(start_of(self.rows[i]) if i in self.rows else None for i in versions),
            periods=tuple((day, link(v) if v else None) for day, v in lineages.periods(doc_id)),
            comparisons=tuple(
                (f"{a}--{b}", link(a), link(b)) for a, b in pairs if a in shown and b in shown
            ),
            versions_feed=lineages.first(doc_id) if len(pairs) else "",
            repealed_by=link(repealer) if repealer and repealer in self.rows else None,
        )
        shows.discard(doc_id)
        return page, tuple(sorted(shows))

    def _redline_page(self, old: str, new: str) -> RedlinePage:
        return RedlinePage(
            f"{old}--{new}",
            self.link(old),
            self.link(new),
            str(self.archive.doc_path(old)),
            str(self.archive.doc_path(new)),
            self.blobs.get(old, ""),
            self.blobs.get(new, ""),
        )

    def carried_state(
        self, pages: list[tuple[DocumentPage, tuple[str, ...]]], redlines: dict[str, _Redline]
    ) -> SiteState:
        """Phase 4: the state of every document, recomputed for the candidates and carried
        over for the rest (nothing it shows could have moved), with what each page shows,
        the stubs' links and the comparisons."""
        prev, candidates = self.prev, self.candidates
        new = SiteState(self.head, self.as_of.isoformat())
        for page, shows in pages:
            new.shows.set(page.doc.id, shows)
        for doc_id, row in self.rows.items():
            if doc_id not in candidates and doc_id in prev.docs:
                new.docs[doc_id] = prev.docs[doc_id]
            else:
                new.docs[doc_id] = DocState(row.blob, _kept(row.status), row.link_key)
            if doc_id not in new.shows:
                new.shows.carry(prev.shows, doc_id)
        new.stubs = dict(prev.stubs)
        new.stubs.update({i: link_key(self.link(i)) for i in self.g.stubs})
        redone = {page.doc.id for page, _ in pages}
        for slug, red in prev.redlines.items():
            if not {red.old, red.new} & redone and {red.old, red.new} <= self.rows.keys():
                new.redlines[slug] = red
        for slug, made in redlines.items():
            new.redlines[slug] = RedlineState(made.page.old.id, made.page.new.id, made.successive)
        if prev.head == self.head:
            new.touches = prev.touches
        return new

    def moved(self, new: SiteState) -> frozenset[str] | None:
        """The rows whose blob, status or link differ from the last build's (None: no last
        build), and those whose calendar events' DTSTAMP moved (feeds.dtstamp)."""
        if self.everything:
            return None
        prev = self.prev
        moved = frozenset(i for i in self.candidates if prev.docs.get(i) != new.docs.get(i))
        return moved | (self.redated & self.rows.keys())

    def kept_windows(self) -> list[ExpiringState] | None:
        """The last build's expiring windows, if they still hold: the as-of date did not
        move and no document looked at again is in them, renews one of them or now
        expires within them."""
        prev = self.prev
        if self.everything or prev.as_of != self.as_of.isoformat():
            return None
        related = {e.doc_id for e in prev.expiring} | {e.successor_id for e in prev.expiring}
        horizon = _horizon(self.as_of)
        now_in = any(
            (r := self.rows.get(i)) is not None
            and r.expires is not None
            and self.as_of <= r.expires <= horizon
            for i in self.candidates
        )
        return None if now_in or self.candidates & related else prev.expiring


@dataclass(frozen=True)
class _Redline:
    page: RedlinePage
    successive: bool  # the newer version follows the older directly


def _blob_of(entry: DocState | None) -> str | None:
    return entry.blob if entry else None


def _horizon(as_of: date) -> date:
    """The end of the longest expiring window."""
    return as_of + timedelta(days=max(SITE_WINDOWS))


def _summaries(
    build: _SiteBuild,
    base_url: str,
    pages: list[tuple[DocumentPage, tuple[str, ...]]],
    redlines: list[_Redline],
    state: SiteState,
) -> SiteData:
    """Phase 5: the summary pages' data (site.summary.summary_data), with the expiring
    windows and the latest changes, kept in `state` while they hold."""
    kept = build.kept_windows()
    state.expiring = kept if kept is not None else _expiring_windows(build.index, build.as_of)
    if not state.touches:  # else kept: the archive did not move
        state.touches = [
            Touch(c.date[:10], c.action, doc_id)
            for c, doc_id in build.index.recent_touches(RECENT_CHANGES)
        ]
    return summary_data(
        build.as_of,
        base_url,
        str(build.archive.root),
        build.rows,
        tuple(page for page, _ in pages),
        tuple(red.page for red in redlines),
        state,
        build.link,
        RECENT_CHANGES,
    )


def _expiring_windows(index: Index, as_of: date) -> list[ExpiringState]:
    """The entries of each expiring window on as_of, from the index's expiring documents
    and what supersedes them."""
    soon = index.expiring_between(as_of, _horizon(as_of))
    near = build_graph(soon + index.linked_to([d.id for d in soon]))
    out = []
    for days in SITE_WINDOWS:
        for e in expiring(near, as_of, days):
            succ = (near.successors.get(e.doc.id) or [""])[0]
            out.append(ExpiringState(days, e.doc.id, e.expires, e.successor or "", succ))
    return out
