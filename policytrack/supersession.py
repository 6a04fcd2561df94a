"""The supersession graph: every lineage relation of the archive (supersedes, amends, draft,
predecessor) resolved to an archived document or a stub, each lineage in order, and the
version each version is compared with.

`temporal` computes statuses over this graph; `build_graph` is also what `check` and
`add` run to find self-supersession, double supersession and cycles. Nothing here reads
the clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import (
    LINEAGE_TYPES,
    DocNumber,
    Document,
    Relation,
    ref_key,
    reference_key,
    slugify,
    title_key,
)

SAME_INSTRUMENT = ("amends", "predecessor")


@dataclass(frozen=True)
class Repeal:
    """One document (fully or partly) ending another: who, from when, and the sentence."""

    by: str  # superseding document id
    by_label: str  # its doc number or title, for messages
    on: date | None
    evidence: str
    articles: tuple[int, ...] = ()
    on_basis: str = "stated"


@dataclass(frozen=True)
class Stub:
    """A document known only because an archived one names it (e.g. a repealed policy)."""

    id: str
    doc_number: str | None
    title: str | None


@dataclass
class Graph:
    """Supersession and lineage across the archive, including stub references."""

    docs: dict[str, Document]
    stubs: dict[str, Stub] = field(default_factory=dict)
    repealed_by: dict[str, list[Repeal]] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)  # lineage edges old → new
    predecessors: dict[str, list[str]] = field(default_factory=dict)
    amended_by: dict[str, list[str]] = field(default_factory=dict)  # same instrument, newer
    problems: list[str] = field(default_factory=list)
    _lineages: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def label(self, doc_id: str) -> str:
        if doc_id in self.docs:
            d = self.docs[doc_id]
            return d.doc_number or d.display_title
        stub = self.stubs[doc_id]
        return stub.doc_number or f"《{stub.title}》"


def stub_id(rel: Relation) -> str:
    if rel.doc_number:
        number = DocNumber.try_parse(rel.doc_number)
        if number:
            return number.slug
    return "stub-" + slugify(rel.title or rel.target_id or "unknown", 40)


def start_of(doc: Document) -> tuple[date | None, str]:
    """The day a document takes its place in time and the basis of that date (which of
    its dates it is, or "unknown")."""
    w = doc.window
    for fact in w.start_facts():
        if fact.value:
            return fact.value, fact.basis
    return None, "unknown"


def _when(doc: Document) -> date:
    w = doc.window
    return w.start_date or date.max


class _Targets:
    """Where a lineage relation points: the archived documents by doc number, title and
    reference key, else a stub added to the graph. The lookups are made when a relation
    first needs them: each title goes through OpenCC, and a graph whose documents point
    nowhere (`expiring` where nothing names the documents expiring) needs none."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.docs = graph.docs
        self._lookups: tuple[dict[str, list[str]], ...] | None = None

    def lookups(self) -> tuple[dict[str, list[str]], ...]:
        """(by doc number, by title and alias, by cited title)."""
        if self._lookups is None:
            by_number: dict[str, list[str]] = {}
            by_title: dict[str, list[str]] = {}
            by_reference: dict[str, list[str]] = {}
            for d in self.docs.values():
                if d.doc_number:
                    by_number.setdefault(ref_key(d.doc_number), []).append(d.id)
                if d.title and d.kind not in ("news", "interpretation"):
                    # a report about a policy carries the policy's title; the policy is the target
                    by_title.setdefault(title_key(d.title), []).append(d.id)
                    by_reference.setdefault(reference_key(d.title), []).append(d.id)
                for a in d.aliases:
                    by_title.setdefault(title_key(a), []).append(d.id)
            self._lookups = (by_number, by_title, by_reference)
        return self._lookups

    def pick(self, ids: list[str], holder: Document, *, by_title: bool = True) -> str | None:
        """Of the documents a key names, the holder's nearest elder: a text never
        replaces itself, and one named by title only, never a later text."""
        docs = self.docs
        others = [i for i in ids if i != holder.id]
        if not by_title and len(others) == 1:
            return others[0]  # a doc number names one text, whatever the dates say
        mine = _when(holder)
        elder = [
            i
            for i in others
            if mine == date.max or _when(docs[i]) in (date.max,) or _when(docs[i]) <= mine
        ]
        return (
            max(elder, key=lambda i: (_when(docs[i]) != date.max, _when(docs[i]), i))
            if elder
            else None
        )

    def resolve(self, rel: Relation, holder: Document) -> str:
        if rel.target_id and rel.target_id in self.docs:
            return rel.target_id
        by_number, by_title, by_reference = self.lookups()
        numbered = by_number.get(ref_key(rel.doc_number), []) if rel.doc_number else []
        found = self.pick(numbered, holder, by_title=False)
        if found is None and rel.title:
            found = self.pick(by_title.get(title_key(rel.title), []), holder) or self.pick(
                by_reference.get(reference_key(rel.title), []), holder
            )
        if found is not None:
            return found
        if numbered:
            return holder.id  # its own number: reported as pointing at itself
        sid = rel.target_id or stub_id(rel)
        self.graph.stubs.setdefault(sid, Stub(sid, rel.doc_number, rel.title))
        return sid


def build_graph(documents: Iterable[Document]) -> Graph:
    """Resolve every lineage relation (supersedes, amends, draft, predecessor) to an
    archived document or a stub."""
    graph = Graph({d.id: d for d in documents})
    targets = _Targets(graph)
    for d in sorted(graph.docs.values(), key=lambda x: x.id):
        for rel in d.relations:
            if rel.type in LINEAGE_TYPES:
                _add_link(graph, d, rel, targets.resolve(rel, d))
    for target, repeals in sorted(graph.repealed_by.items()):
        full = [r for r in repeals if not r.articles]
        # a later version restating its predecessor's repeal clause is not a conflict
        if len({_lineage_root(graph, r.by, target) for r in full}) > 1:
            names = ", ".join(r.by_label for r in full)
            by = sorted({r.by for r in full})
            graph.problems.append(
                f"{target}: superseded twice (by {names}); remove the link that is wrong: "
                + " or ".join(f"'policytrack unlink {target} {i}'" for i in by)
                + f"; or, if they are versions of one instrument, 'policytrack link {by[0]} "
                f"{by[-1]} --as amends'"
            )
    for cycle in _cycles(graph.successors):
        graph.problems.append(
            "supersession cycle: "
            + " → ".join(cycle)
            + "; a document cannot succeed its own successor: break it with "
            + f"'policytrack unlink {cycle[-2]} {cycle[-1]}'"
        )
    return graph


def _add_link(graph: Graph, d: Document, rel: Relation, target: str) -> None:
    """One lineage relation of d, resolved to target, into the graph's edges (and its
    problems: a link to itself, a supersession dated before d was issued)."""
    if target == d.id:
        graph.problems.append(
            f"{d.id}: relations: {rel.type} points at itself; remove it with "
            f"'policytrack unlink {d.id} {d.id}'"
        )
        return
    if target not in graph.predecessors.get(d.id, []):  # once per pair
        graph.successors.setdefault(target, []).append(d.id)
        graph.predecessors.setdefault(d.id, []).append(target)
    if rel.type in SAME_INSTRUMENT and d.id not in graph.amended_by.get(target, []):
        graph.amended_by.setdefault(target, []).append(d.id)
    if rel.type != "supersedes":
        return
    start, basis = start_of(d)
    on = rel.effective or start
    graph.repealed_by.setdefault(target, []).append(
        Repeal(
            d.id,
            d.doc_number or d.display_title,
            on,
            rel.evidence,
            rel.articles,
            "stated" if rel.effective else basis,
        )
    )
    issued = d.window.issued.value
    if rel.effective and issued and rel.effective < issued:
        graph.problems.append(
            f"{d.id}: relations: supersession of {graph.label(target)} dated {rel.effective} "
            f"is before the document was issued ({issued}); correct the date with "
            f"'policytrack unlink {target} {d.id}' and "
            f"'policytrack link {target} {d.id} --as replaces'"
        )


def _lineage_root(graph: Graph, doc_id: str, exclude: str) -> str:
    """A representative of doc_id's lineage, walking supersedes/predecessor links among
    archived documents other than `exclude` (the document both lineages point at)."""
    seen = {doc_id, exclude}
    todo = [doc_id]
    while todo:
        cur = todo.pop()
        for nxt in graph.predecessors.get(cur, []) + graph.successors.get(cur, []):
            if nxt in graph.docs and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    seen.discard(exclude)
    return min(seen)


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        colour[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if colour.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif colour.get(nxt, 0) == 0:
                visit(nxt)
        stack.pop()
        colour[node] = 2

    for node in sorted(edges):
        if colour.get(node, 0) == 0:
            visit(node)
    return found


def lineage(graph: Graph, doc_id: str) -> list[str]:
    """All versions connected to doc_id by lineage links (supersedes, amends, draft,
    predecessor), oldest first: every link's older side before its newer side, otherwise
    stubs first, then by effective, published or issued date. Computed once per lineage."""
    cached = graph._lineages.get(doc_id)
    if cached is not None:
        return cached
    seen = {doc_id}
    todo = [doc_id]
    while todo:
        cur = todo.pop()
        for nxt in graph.successors.get(cur, []) + graph.predecessors.get(cur, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)

    def when(i: str) -> tuple[int, date, str]:
        d = graph.docs.get(i)
        if d is None:
            return (0, date.min, i)
        w = d.window
        day = w.start_date
        return (1, day or date.max, i)

    if len(seen) == 1:
        return [doc_id]
    # Kahn's order over the links, the earliest-dated ready version first; a cycle (a
    # `check` problem) falls back to the dates for what is left
    waiting = {i: sum(1 for p in graph.predecessors.get(i, []) if p in seen) for i in seen}
    ready = sorted((when(i), i) for i, n in waiting.items() if n == 0)
    out: list[str] = []
    heapq.heapify(ready)
    while ready:
        _, cur = heapq.heappop(ready)
        out.append(cur)
        for nxt in graph.successors.get(cur, []):
            if nxt in waiting:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    heapq.heappush(ready, (when(nxt), nxt))
    if len(out) < len(seen):
        placed = set(out)
        out += sorted((i for i in seen if i not in placed), key=when)
    for i in out:
        graph._lineages[i] = out
    return out


def predecessors(graph: Graph, versions: Sequence[str]) -> dict[str, str | None]:
    """The version each archived version of one lineage (`versions`, in lineage order) is
    compared with — what `diff REF`, a new-version alert and a redline page show: the
    latest, in lineage order, of the archived versions it names itself, else the archived
    version just before it; None for the first. One lineage at a time: a document
    superseding a much-superseded one joins a lineage of hundreds, where a walk per version
    would be cubic."""
    archived = [i for i in versions if i in graph.docs]
    position = {v: k for k, v in enumerate(archived)}
    out: dict[str, str | None] = {}
    for k, i in enumerate(archived):
        direct = [p for p in graph.predecessors.get(i, []) if p in graph.docs]
        if direct:
            out[i] = max(direct, key=position.__getitem__)
        else:
            out[i] = archived[k - 1] if k > 0 else None
    return out


def predecessor_of(graph: Graph, doc_id: str) -> str | None:
    """The archived version doc_id is compared with (see predecessors); None for a first
    version or a stub."""
    return predecessors(graph, lineage(graph, doc_id)).get(doc_id)


def relation_to(graph: Graph, newer: str, older: str) -> str:
    """How `newer` follows `older` in their lineage: supersedes, amends, draft (older is
    its draft) or predecessor."""
    if any(r.by == newer for r in graph.repealed_by.get(older, [])):
        return "supersedes"  # decided before amendment, as the status is
    if newer in graph.amended_by.get(older, []):
        return "amends"
    old = graph.docs.get(older)
    return "draft" if old is not None and old.kind == "draft" else "predecessor"
