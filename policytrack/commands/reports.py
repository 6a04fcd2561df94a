"""The read-only reports: list, show, history, status, expiring (documents and measures)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from policytrack.archive import Archive, Commit
from policytrack.errors import PolicytrackError
from policytrack.index import Index
from policytrack.model import Document, MeasureDeadline
from policytrack.temporal import (
    STATUS_ALIASES,
    Expiring,
    Graph,
    Status,
    build_graph,
    expiring,
    status_of,
)

from .loading import Loaded, lineage, load, open_archive, read_document, resolve, without_gc
from .rows import DocumentRow, row_for


def list_documents(
    archive_path: Path,
    as_of: date,
    *,
    status: str | None = None,
    issuer: str | None = None,
    kind: str | None = None,
    jurisdiction: str | None = None,
) -> list[DocumentRow]:
    """Archived documents with their status on as_of, filtered."""
    return list(iter_documents(archive_path, as_of, status, issuer, kind, jurisdiction))


def iter_documents(
    archive_path: Path,
    as_of: date,
    status: str | None = None,
    issuer: str | None = None,
    kind: str | None = None,
    jurisdiction: str | None = None,
) -> Iterator[DocumentRow]:
    """`list_documents`, one row at a time in id order, without the archive's graph: a
    document in no lineage is read alone (its identity and dates), the documents of a
    lineage group (`Index.lineage_groups`) are read and linked together when the first of
    them is listed and dropped after the last. At 100,000 documents the whole graph took
    920 MB and 8 s before the first row (docs/performance.md)."""
    want = None
    if status:
        want = STATUS_ALIASES.get(status.strip())
        if want is None:
            raise PolicytrackError(
                f"--status {status!r} is not a status; use one of {', '.join(sorted(set(STATUS_ALIASES.values())))}"
            )
    archive = open_archive(archive_path)  # errors now, before the first row is printed
    index = Index(archive)
    index.refresh()
    return _without_gc(_rows(archive, index, as_of, want, issuer, kind, jurisdiction))


def _without_gc(rows: Iterator[DocumentRow]) -> Iterator[DocumentRow]:
    """rows, with no cyclic collection until the last (see `without_gc`)."""
    with without_gc():
        yield from rows


def _rows(
    archive: Archive,
    index: Index,
    as_of: date,
    want: str | None,
    issuer: str | None,
    kind: str | None,
    jurisdiction: str | None,
) -> Iterator[DocumentRow]:
    groups = index.lineage_groups()
    members: dict[int, list[str]] = {}
    for doc_id, group in groups.items():
        members.setdefault(group, []).append(doc_id)
    left = {group: len(ids) for group, ids in members.items()}
    graphs: dict[int, Graph] = {}
    for head in index.heads():
        mine = groups.get(head.id)
        if mine is None:
            graph = build_graph([head])
        else:
            if mine not in graphs:
                graphs[mine] = build_graph(index.documents_by_id(members[mine]))
            graph = graphs[mine]
            left[mine] -= 1
            if not left[mine]:
                del graphs[mine]
        row = row_for(head.id, Loaded(archive, index, graph), as_of)
        if want == "current" and row.current_version != row.id:
            continue
        if want and want != "current" and row.status != want:
            continue
        if issuer and not (row.issuer and issuer in row.issuer):
            continue
        if kind and row.kind != kind:
            continue
        if jurisdiction and not (row.jurisdiction and jurisdiction in row.jurisdiction):
            continue
        yield row


@dataclass(frozen=True)
class Shown:
    """One document in full, with its status and row."""

    document: Document | None
    row: DocumentRow
    status: Status
    text: str


def show(archive_path: Path, ref: str, as_of: date) -> Shown:
    loaded = load(archive_path)
    doc_id = resolve(loaded, ref)
    row = row_for(doc_id, loaded, as_of)
    st = status_of(doc_id, loaded.graph, as_of)
    if doc_id not in loaded.docs:
        return Shown(None, row, st, "")
    document, text = read_document(loaded, doc_id)
    return Shown(document, row, st, text)


@dataclass(frozen=True)
class History:
    """A document's lineage in date order and the archive commits that touched it."""

    id: str
    lineage: tuple[DocumentRow, ...]
    commits: tuple[Commit, ...]


def history(archive_path: Path, ref: str, as_of: date) -> History:
    loaded = load(archive_path)
    doc_id = resolve(loaded, ref)
    rows = tuple(row_for(i, loaded, as_of) for i in lineage(loaded, doc_id))
    name = f"{doc_id}.md"
    commits = tuple(loaded.index.commits_of([name]).get(name, [])) if doc_id in loaded.docs else ()
    return History(doc_id, rows, commits)


def status(archive_path: Path, ref: str | None, as_of: date) -> list[DocumentRow]:
    loaded = load(archive_path)
    if ref:
        return [row_for(resolve(loaded, ref), loaded, as_of)]
    ids = sorted(loaded.docs) + sorted(loaded.graph.stubs)
    return [row_for(i, loaded, as_of) for i in ids]


def expiring_report(archive_path: Path, as_of: date, within_days: int) -> list[Expiring]:
    """Documents expiring in the window, soonest first. Only the candidates (from the
    index's expires column) and the documents that supersede or follow them are loaded:
    their status and successor need nothing else, whatever the size of the archive."""
    index = Index(open_archive(archive_path))
    index.refresh()
    with without_gc():  # thousands of documents' objects, no cycles: passes cost 30%
        candidates = index.expiring_between(as_of, as_of + timedelta(days=within_days))
        linked = index.linked_to([d.id for d in candidates])
        graph = build_graph({d.id: d for d in [*candidates, *linked]}.values())
        wanted = {d.id for d in candidates}
        return [e for e in expiring(graph, as_of, within_days) if e.doc.id in wanted]


@dataclass(frozen=True)
class MeasureDue:
    """A unit-level deadline in the window, with the document it belongs to."""

    deadline: MeasureDeadline
    doc: Document
    days_left: int
    status: Status


def expiring_measures(archive_path: Path, as_of: date, within_days: int) -> list[MeasureDue]:
    """Articles and items whose own stated period ends in the window, in documents that
    are not expired or repealed on as_of."""
    loaded = load(archive_path)
    out = []
    for m in loaded.index.measures_due(as_of, as_of + timedelta(days=within_days)):
        doc = loaded.docs.get(m.doc_id)
        if doc is None:
            continue
        st = status_of(doc.id, loaded.graph, as_of)
        if st.code in ("expired", "repealed", "amended", "not_applicable"):
            continue
        out.append(MeasureDue(m, doc, (m.due - as_of).days, st))
    return out
