"""Status on a date, supersession graph and the expiry report.

Status is never stored: it is computed for an `as_of` date from the validity window and
the supersession relations of the whole archive. Nothing here reads the clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

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

# relations that make the holder a later version of the *same* instrument
SAME_INSTRUMENT = ("amends", "predecessor")

StatusCode = Literal[
    "not_yet_effective",
    "in_force",
    "expired",
    "amended",
    "repealed",
    "partially_repealed",
    "unknown",
    "not_applicable",
]
STATUS_LABELS: dict[str, str] = {
    "not_yet_effective": "尚未生效",
    "in_force": "现行有效",
    "expired": "已失效",
    "amended": "已被修改",
    "repealed": "已废止",
    "partially_repealed": "部分失效",
    "unknown": "状态不明",
    "not_applicable": "不适用",
}
# accepted spellings for --status
STATUS_ALIASES: dict[str, str] = {
    **{code: code for code in STATUS_LABELS},
    **{label: code for code, label in STATUS_LABELS.items()},
    "current": "current",  # the version in force of its lineage (see current_version)
    "valid": "in_force",
    "future": "not_yet_effective",
    "superseded": "repealed",
    "partial": "partially_repealed",
}
NO_VALIDITY_KINDS = ("news", "interpretation")


@dataclass(frozen=True)
class Status:
    """A document's status on a date, with the reason and the sentence behind it."""

    code: StatusCode
    as_of: date
    reason: str
    since: date | None = None
    by: str | None = None  # id or doc number of the superseding document
    evidence: str = ""
    reason_zh: str = ""  # the reason in Chinese, for public pages and feeds (no tool terms)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


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


def _start(doc: Document) -> tuple[date | None, str]:
    w = doc.window
    for fact in w.start_facts():
        if fact.value:
            return fact.value, fact.basis
    return None, "unknown"


def _when(doc: Document) -> date:
    w = doc.window
    return w.start_date or date.max


_Lookups = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]


def _lookups(docs: dict[str, Document]) -> _Lookups:
    """The documents by doc number, by title (and alias) and by cited title. Made only when
    a relation needs resolving: each title goes through OpenCC, and a graph without relations
    (`expiring` where nothing points at the documents expiring) needs none."""
    by_number: dict[str, list[str]] = {}
    by_title: dict[str, list[str]] = {}
    by_reference: dict[str, list[str]] = {}
    for d in docs.values():
        if d.doc_number:
            by_number.setdefault(ref_key(d.doc_number), []).append(d.id)
        if d.title and d.kind not in ("news", "interpretation"):
            # a report about a policy carries the policy's title; the policy is the target
            by_title.setdefault(title_key(d.title), []).append(d.id)
            by_reference.setdefault(reference_key(d.title), []).append(d.id)
        for a in d.aliases:
            by_title.setdefault(title_key(a), []).append(d.id)
    return by_number, by_title, by_reference


def build_graph(documents: Iterable[Document]) -> Graph:
    """Resolve every lineage relation (supersedes, amends, draft, predecessor) to an
    archived document or a stub."""
    docs = {d.id: d for d in documents}
    lookups: _Lookups | None = None  # made when a relation first needs them
    graph = Graph(docs)

    def pick(ids: list[str], holder: Document, *, by_title: bool = True) -> str | None:
        """Of the documents a key names, the holder's nearest elder: a text never
        replaces itself, and one named by title only, never a later text."""
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

    def resolve(rel: Relation, holder: Document) -> str:
        if rel.target_id and rel.target_id in docs:
            return rel.target_id
        nonlocal lookups
        if lookups is None:
            lookups = _lookups(docs)
        by_number, by_title, by_reference = lookups
        numbered = by_number.get(ref_key(rel.doc_number), []) if rel.doc_number else []
        found = pick(numbered, holder, by_title=False)
        if found is None and rel.title:
            found = pick(by_title.get(title_key(rel.title), []), holder) or pick(
                by_reference.get(reference_key(rel.title), []), holder
            )
        if found is not None:
            return found
        if numbered:
            return holder.id  # its own number: reported as pointing at itself
        sid = rel.target_id or stub_id(rel)
        graph.stubs.setdefault(sid, Stub(sid, rel.doc_number, rel.title))
        return sid

    for d in sorted(docs.values(), key=lambda x: x.id):
        for rel in d.relations:
            if rel.type not in LINEAGE_TYPES:
                continue
            target = resolve(rel, d)
            if target == d.id:
                graph.problems.append(
                    f"{d.id}: relations: {rel.type} points at itself; remove it with "
                    f"'policytrack unlink {d.id} {d.id}'"
                )
                continue
            if target not in graph.predecessors.get(d.id, []):  # once per pair
                graph.successors.setdefault(target, []).append(d.id)
                graph.predecessors.setdefault(d.id, []).append(target)
            if rel.type in SAME_INSTRUMENT and d.id not in graph.amended_by.get(target, []):
                graph.amended_by.setdefault(target, []).append(d.id)
            if rel.type == "supersedes":
                start, basis = _start(d)
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


def _later_versions(graph: Graph, doc_id: str) -> list[str]:
    """Archived later versions of the same instrument (amends/predecessor links, followed
    transitively)."""
    out: list[str] = []
    todo = list(graph.amended_by.get(doc_id, []))
    seen = set(todo)
    while todo:
        cur = todo.pop()
        if cur in graph.docs:
            out.append(cur)
        for nxt in graph.amended_by.get(cur, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return sorted(out)


def amended_on(graph: Graph, doc_id: str, as_of: date) -> tuple[str, date | None] | None:
    """The later version of the same instrument that had begun on as_of and the day it
    began (None when its text gives no date), the earliest such; None when there is none."""
    doc = graph.docs.get(doc_id)
    if doc is None:
        return None
    started: list[tuple[date, str]] = []
    undated: list[str] = []
    for newer in _later_versions(graph, doc_id):
        start, _ = _start(graph.docs[newer])
        if start is None:
            undated.append(newer)
        elif start <= as_of:
            started.append((start, newer))
    exp = doc.window.expires.value
    if started:
        day, newer = min(started)
        if exp is not None and day > exp + timedelta(days=1):
            return None  # it had run out before the new version came
        return newer, day
    if undated:
        return undated[0], None
    return None


def current_version(graph: Graph, doc_id: str, as_of: date) -> str | None:
    """The version in force of doc_id's lineage on as_of: the latest archived version
    (not a draft) that had begun and is neither repealed nor expired; None if there is
    none."""
    versions = [i for i in lineage(graph, doc_id) if i in graph.docs]
    for i in reversed(versions):
        d = graph.docs[i]
        if d.kind in ("draft", *NO_VALIDITY_KINDS):
            continue
        start, _ = _start(d)
        if start is None or start > as_of:
            continue
        code = status_of(i, graph, as_of).code
        if code in ("repealed", "expired"):
            return None
        return i if code != "amended" else None
    return None


def status_of(doc_id: str, graph: Graph, as_of: date) -> Status:
    """Status of an archived document or a stub on `as_of`."""
    doc = graph.docs.get(doc_id)
    repeals = sorted(
        graph.repealed_by.get(doc_id, []), key=lambda r: (r.on is None, r.on or date.min)
    )
    full = [r for r in repeals if not r.articles]
    partial = [r for r in repeals if r.articles]
    for r in full:
        if r.on is None:
            return Status(
                "repealed",
                as_of,
                f"superseded by {r.by_label} (date of repeal unknown): {r.evidence}".rstrip(": "),
                None,
                r.by,
                r.evidence,
                f"已被{r.by_label}废止（废止日期不明）",
            )
        if r.on <= as_of:
            return Status(
                "repealed",
                as_of,
                f"superseded by {r.by_label} on {r.on}: {r.evidence}".rstrip(": "),
                r.on,
                r.by,
                r.evidence,
                f"已被{r.by_label}废止，自{r.on}起",
            )
    if doc is None:
        if full:
            r = full[0]
            return Status(
                "in_force",
                as_of,
                f"not in the archive; superseded by {r.by_label} from {r.on}",
                None,
                None,
                r.evidence,
                f"未收录全文；自{r.on}起由{r.by_label}取代",
            )
        return Status(
            "unknown",
            as_of,
            "not in the archive; known only as a reference",
            reason_zh="未收录全文，仅见于其他文件的引用",
        )
    if doc.kind in NO_VALIDITY_KINDS:
        what = "news report" if doc.kind == "news" else "interpretation"
        zh = "新闻报道" if doc.kind == "news" else "政策解读"
        return Status(
            "not_applicable",
            as_of,
            f"a {what} has no validity period of its own",
            reason_zh=f"{zh}本身没有有效期",
        )
    amended = amended_on(graph, doc_id, as_of)
    if amended is not None:
        newer, day = amended
        label = graph.label(newer)
        ev = next((r.evidence for r in graph.docs[newer].relations if r.target_id == doc_id), "")
        when = f"from {day}" if day else "(date unknown)"
        return Status(
            "amended",
            as_of,
            f"a later version ({label}, {newer}) is in force {when}; this text is historical",
            day,
            newer,
            ev,
            f"新版本{label}"
            + (f"自{day}起施行" if day else "已施行（施行日期不明）")
            + "；本文为历史文本",
        )
    w = doc.window
    eff, exp = w.effective.value, w.expires.value
    if eff and as_of < eff:
        return Status(
            "not_yet_effective",
            as_of,
            f"effective from {eff}",
            eff,
            None,
            w.effective.evidence,
            f"自{eff}起施行",
        )
    if exp and as_of > exp:
        since = exp + timedelta(days=1)
        return Status(
            "expired",
            as_of,
            f"expired since {since} (in force until {exp})",
            since,
            None,
            w.expires.evidence,
            f"有效期至{exp}，自{since}起失效",
        )
    live_partial = [r for r in partial if r.on is not None and r.on <= as_of]
    if eff is None:
        start = w.effective.rule or "no effective date stated"
        reason = f"effective date unknown ({start})"
        if exp:
            reason += f"; expires {exp}"
        zh = "施行日期不明" + (f"；有效期至{exp}" if exp else "")
        return Status("unknown", as_of, reason, None, None, w.effective.evidence, zh)
    if live_partial:
        r = live_partial[0]
        arts = "、".join(f"第{a}条" for a in r.articles)
        return Status(
            "partially_repealed",
            as_of,
            f"{arts} repealed by {r.by_label} on {r.on}",
            r.on,
            r.by,
            r.evidence,
            f"{arts}已被{r.by_label}废止，自{r.on}起",
        )
    reason = f"in force since {eff}" + (f", until {exp}" if exp else ", no expiry date")
    zh = f"自{eff}起施行" + (f"，有效期至{exp}" if exp else "，未规定有效期")
    return Status("in_force", as_of, reason, eff, None, w.effective.evidence, zh)


@dataclass(frozen=True)
class Expiring:
    """A document whose expiry falls in the window, with its days left and successor."""

    doc: Document
    expires: date
    days_left: int
    successor: str | None  # label of a document that supersedes it, if any
    status: Status


def expiring(graph: Graph, as_of: date, within_days: int) -> list[Expiring]:
    """Documents expiring in [as_of, as_of + within_days], soonest first; already
    expired or repealed documents are not listed."""
    end = as_of + timedelta(days=within_days)
    out: list[Expiring] = []
    for doc in graph.docs.values():
        exp = doc.window.expires.value
        if exp is None or exp < as_of or exp > end:
            continue
        st = status_of(doc.id, graph, as_of)
        if st.code in ("repealed", "amended", "expired", "not_applicable"):
            continue
        succ = graph.successors.get(doc.id, [])
        label = graph.label(succ[0]) if succ else None
        out.append(Expiring(doc, exp, (exp - as_of).days, label, st))
    out.sort(key=lambda e: (e.expires, e.doc.id))
    return out


def parse_within(text: str) -> int:
    """'90d', '12w', '6m', '1y' or '90' → days."""
    s = text.strip().lower()
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    try:
        if s and s[-1] in units:
            return int(s[:-1]) * units[s[-1]]
        return int(s)
    except ValueError:
        raise ValueError(f"{text!r} is not a period; write it like 90d, 12w, 6m or 1y") from None
