"""One function per use case. The CLI calls exactly one of these and formats the result;
nothing here prints, exits or reads the clock."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive, Commit, Trailers
from .docfile import parse, serialise, split_front_matter
from .errors import (
    AmbiguousRef,
    Conflict,
    NotFound,
    PolicytrackError,
    ValidationErrors,
)
from .index import Index
from .model import (
    LINEAGE_TYPES,
    RECORD_FIELDS,
    DocNumber,
    Document,
    MeasureDeadline,
    Relation,
    fields_json,
    ref_key,
    title_key,
)
from .safeio import read_limited
from .temporal import (
    STATUS_ALIASES,
    Expiring,
    Graph,
    Status,
    build_graph,
    current_version,
    expiring,
    status_of,
)
from .temporal import (
    lineage as graph_lineage,
)

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from . import alerts, curate
    from .curate import AddResult as AddResult
    from .curate import Input
    from .diff import DocumentDiff
    from .ingest import Ingested
    from .site import BuildReport

# --- opening ------------------------------------------------------------------------------


def open_archive(path: Path) -> Archive:
    return Archive.open(path)


def init(path: Path) -> Archive:
    """Create an archive at path."""
    return Archive.init(path)


@dataclass(frozen=True)
class Loaded:
    """The archive, its refreshed index and the supersession graph."""

    archive: Archive
    index: Index
    graph: Graph

    @property
    def docs(self) -> dict[str, Document]:
        return self.graph.docs


def load(path: Path) -> Loaded:
    archive = open_archive(path)
    index = Index(archive)
    index.refresh()
    return Loaded(archive, index, build_graph(index.documents()))


# --- rows ------------------------------------------------------------------------------

ROW_FIELDS = (
    *RECORD_FIELDS,
    "status",
    "status_label",
    "status_reason",
    "supersedes",
    "superseded_by",
    "current_version",
)


@dataclass(frozen=True)
class DocumentRow:
    """One document as listings and reports show it (the documented JSON fields)."""

    id: str
    doc_number: str | None
    title: str | None
    issuer: str | None
    jurisdiction: str | None
    kind: str
    issued: date | None
    published: date | None
    effective: date | None
    expires: date | None
    status: str
    status_label: str
    status_reason: str
    supersedes: tuple[str, ...]
    superseded_by: tuple[str, ...]
    current_version: str | None = None  # the id in force in its lineage on as_of
    stub: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = fields_json(self, ROW_FIELDS)
        if self.stub:
            out["stub"] = True
        return out


def row_for(doc_id: str, loaded: Loaded, as_of: date) -> DocumentRow:
    g = loaded.graph
    st = status_of(doc_id, g, as_of)
    supersedes = tuple(
        g.label(t) for t in g.predecessors.get(doc_id, []) if _is_supersession(g, doc_id, t)
    )
    superseded_by = tuple(r.by_label for r in g.repealed_by.get(doc_id, []))
    doc = g.docs.get(doc_id)
    if doc is None:
        stub = g.stubs[doc_id]
        return DocumentRow(
            doc_id,
            stub.doc_number,
            stub.title,
            None,
            None,
            "policy",
            None,
            None,
            None,
            None,
            st.code,
            st.label,
            st.reason,
            (),
            superseded_by,
            current_version(g, doc_id, as_of),
            stub=True,
        )
    w = doc.window
    return DocumentRow(
        doc.id,
        doc.doc_number,
        doc.title,
        doc.issuer,
        doc.jurisdiction,
        doc.kind,
        w.issued.value,
        w.published.value,
        w.effective.value,
        w.expires.value,
        st.code,
        st.label,
        st.reason,
        supersedes,
        superseded_by,
        current_version(g, doc_id, as_of),
    )


def _is_supersession(g: Graph, newer: str, older: str) -> bool:
    return any(r.by == newer for r in g.repealed_by.get(older, []))


# --- REF resolution ---------------------------------------------------------------------


def resolve(loaded: Loaded, ref: str) -> str:
    """The id of the document (or stub) a loosely written REF names."""
    ref = ref.strip()
    if not ref:
        raise NotFound("an empty REF names no document; give a doc number, title or id")
    if ref in loaded.docs or ref in loaded.graph.stubs:
        return ref  # an id names one document, whoever shares its doc number
    ids = loaded.index.ids_for_key(ref_key(ref)) or loaded.index.ids_for_key(ref.lower())
    if not ids:
        ids = loaded.index.ids_for_key(title_key(ref))
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise AmbiguousRef(ref, [_display(loaded, i) for i in ids])
    number = DocNumber.try_parse(ref)
    if number and number.slug in loaded.graph.stubs:
        return number.slug
    needle = str(number) if number else ref
    hits = loaded.index.search_refs(needle)
    if len(hits) == 1:
        return hits[0][0]
    if len(hits) > 1:
        raise AmbiguousRef(ref, [f"{d} [{i}]" for i, d in hits])
    for sid, stub in loaded.graph.stubs.items():
        if stub.title and (stub.title == ref or ref in stub.title):
            return sid
    choices = {}
    for d in loaded.docs.values():
        choices[d.doc_number or d.display_title] = d.id
        if d.title:
            choices[d.title] = d.id
    near = difflib.get_close_matches(needle, list(choices), n=3, cutoff=0.5)
    hint = (
        f"; did you mean {' or '.join(near)}?"
        if near
        else "; run 'policytrack list' to see what is archived"
    )
    raise NotFound(f"no document matches {ref!r}{hint}")


def _display(loaded: Loaded, doc_id: str) -> str:
    d = loaded.docs.get(doc_id)
    return f"{d.doc_number or d.display_title} [{doc_id}]" if d else doc_id


# --- add ----------------------------------------------------------------------------------


def add(
    archive_path: Path,
    files: list[Path] | list[str],
    *,
    url: str = "",
    sets: list[str] | None = None,
    dry_run: bool = False,
    replace: bool = False,
    max_bytes: int | None = None,
    timeout: float = 30.0,
    retrieved: str = "",
    batch: bool = False,
) -> list[AddResult]:
    """Ingest files (or http(s) URLs, downloaded first) into the archive: every good input
    is written (one commit each, or one for the run with `batch`), every input that cannot
    be is listed as refused with its reason (see curate.plan_add for copies, versions and
    corrections). A dry run makes the same plan and writes nothing. `retrieved` is the
    time stamp recorded for downloads. Many files are parsed on all cores; `max_bytes`
    defaults to ingest's limit."""
    from .curate import plan_add
    from .ingest import parse_sets
    from .ingest.decode import DEFAULT_MAX_BYTES
    from .ingest.fetch import check_url

    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
    archive = open_archive(archive_path)
    overrides = parse_sets(sets or [])
    if url:
        url = check_url(url, "--url")
    inputs = _inputs(files, url, overrides, max_bytes, timeout, retrieved)
    index = Index(archive)
    index.refresh()
    inputs = _refuse_bad_relations(index, inputs)
    with contextlib.nullcontext() if dry_run else archive.lock():
        if not dry_run:
            archive.recover()
        results, writes = plan_add(archive, index, inputs, replace=replace, rel=_rel_id(archive))
        if dry_run or not writes:
            return results
        return _commit_plan(archive, results, writes, batch)


def _refuse_bad_relations(index: Index, inputs: list[Input]) -> list[Input]:
    """Each input that would share another document's doc number, supersede itself or close
    a supersession cycle is refused with what to change (see integrity)."""
    from .integrity import problems_of_adding

    new = [(i.file, i.result.document) for i in inputs if i.result is not None]
    bad: dict[str, list[str]] = {}
    for file, problem in problems_of_adding(index, new):
        bad.setdefault(file, []).append(problem)
    return [
        dataclasses.replace(i, result=None, error="; ".join(bad[i.file])) if i.file in bad else i
        for i in inputs
    ]


def _rel_id(archive: Archive) -> Callable[[str], str]:
    return lambda doc_id: _rel(archive.doc_path(doc_id))


_VERBS = {"added": "add", "copy": "copy", "corrected": "correct", "linked": "link"}


def _commit_plan(
    archive: Archive, results: list[AddResult], writes: dict[str, str], batch: bool
) -> list[AddResult]:
    """Write the plan: one commit for the run (batch), else one per input that changed
    the archive, the last of them also carrying the stored documents the run relinked
    (a version placed before them)."""
    written = [r for r in results if r.action in _VERBS and f"{r.document.id}.md" in writes]
    done = {id(r) for r in written}  # by identity: `r in written` compared whole documents
    if batch:
        verbs = sorted({_VERBS[r.action] for r in written})
        sha = archive.commit(
            writes,
            f"{'+'.join(verbs)}: {len(writes)} documents (batch)",
            Trailers("+".join(verbs)),
        )
        return [dataclasses.replace(r, commit=sha) if id(r) in done else r for r in results]
    inputs = [r for r in written if r.action != "linked"]
    shas: dict[int, str | None] = {}
    left = dict(writes)
    for k, r in enumerate(inputs):
        name = f"{r.document.id}.md"
        if name not in left:
            continue
        files = {name: left.pop(name)}
        if k == len(inputs) - 1:  # the relinked documents go with the last input
            files.update(left)
            left = {}
        doc, verb = r.document, _VERBS[r.action]
        trailers = Trailers(verb, doc.id, doc.doc_number or "", doc.source.url, doc.source.sha256)
        label = doc.doc_number or doc.id
        shas[id(r)] = archive.commit(files, f"{verb}: {label} {doc.display_title}"[:200], trailers)
    if left:  # relinked only (e.g. every input unchanged): one commit for them
        shas[-1] = archive.commit(left, f"link: {len(left)} documents", Trailers("link"))
    last = next((sha for sha in reversed(list(shas.values())) if sha), None)
    return [
        dataclasses.replace(r, commit=shas.get(id(r)) if r.action != "linked" else last)
        if id(r) in done
        else r
        for r in results
    ]


def _inputs(
    files: list[Path] | list[str],
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    timeout: float,
    retrieved: str,
) -> list[Input]:
    """Each input read, downloaded and ingested (on all cores for many), or its error."""
    from .curate import Input
    from .ingest import Ingested

    read: list[_Source | str] = []
    for item in files:
        try:
            read.append(_read_source(str(item), timeout=timeout, max_bytes=max_bytes))
        except PolicytrackError as exc:
            read.append(str(exc))
    sources = [s for s in read if isinstance(s, _Source)]
    done = iter(_ingest_all(sources, url, overrides, max_bytes, retrieved))
    out: list[Input] = []
    for given, got in zip(files, read, strict=True):
        if isinstance(got, str):
            out.append(Input(str(given), None, error=got))
            continue
        result = next(done)
        if isinstance(result, str):
            out.append(Input(str(given), None, error=result))
            continue
        ingested, text, grams = result
        if got.requested != got.url:
            ingested = Ingested(
                ingested.document,
                (*ingested.warnings, f"redirected from {got.requested}"),
                ingested.stripped,
                ingested.canonical_input,
            )
        out.append(Input(str(given), ingested, text, sketch=grams))
    return out


@dataclass(frozen=True)
class _Source:
    data: bytes
    name: str
    url: str = ""  # final address of a download
    requested: str = ""
    content_type: str = ""


PARALLEL_FROM = 32  # files; below this, starting worker processes costs more than it saves


Ingestion = tuple["Ingested", str, tuple[str, ...]]  # document, canonical text, sketch


def _ingest_all(
    sources: list[_Source], url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
) -> list[Ingestion | str]:
    """Each source's ingested document and canonical text, or why it cannot be ingested;
    on all cores for many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [
            _ingest_in_worker(s, url, overrides, max_bytes, retrieved, slim=False) for s in sources
        ]
    from concurrent.futures import ProcessPoolExecutor

    n = len(sources)
    with ProcessPoolExecutor(workers) as pool:
        out = list(
            pool.map(
                _ingest_in_worker,
                sources,
                [url] * n,
                [overrides] * n,
                [max_bytes] * n,
                [retrieved] * n,
                chunksize=max(1, n // (workers * 8)),
            )
        )
    return out


def _ingest_with_text(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    units: bool = True,
) -> tuple[Ingested, str]:
    result = _ingest_source(source, url, overrides, max_bytes, retrieved, units)
    return result, serialise(result.document)


def _ingest_in_worker(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    slim: bool = True,
) -> Ingestion | str:
    """The ingested document, its canonical text and the sketch copies are found by, or
    the error's message (error classes with their own constructor arguments do not survive
    pickling). From a worker the document goes back without its body and units, which the
    text holds: half the bytes to pickle."""
    from .versions import sketch

    try:
        result, text = _ingest_with_text(
            source, url, overrides, max_bytes, retrieved, units=not slim
        )
    except PolicytrackError as exc:
        return f"{source.name}: {exc}" if source.name not in str(exc) else str(exc)
    except Exception as exc:  # a bug met on one file must name it, not end the run blind
        return (
            f"{source.name} could not be read ({type(exc).__name__}: {exc}); add the others "
            "without it, and please report it with the file"
        )
    grams = sketch(result.document.body)
    if not slim:
        return result, text, grams
    slim_doc = dataclasses.replace(result.document, body="", units=())
    return dataclasses.replace(result, document=slim_doc), text, grams


def _ingest_source(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    units: bool = True,
) -> Ingested:
    from .ingest import ingest

    return ingest(
        source.data,
        source.name,
        url=source.url or url,
        overrides=overrides,
        max_bytes=max_bytes,
        content_type=source.content_type,
        retrieved=retrieved if source.url else "",
        units=units,
    )


def _read_source(item: str, *, timeout: float, max_bytes: int) -> _Source:
    from .ingest.fetch import download, is_url

    if is_url(item):
        got = download(item, timeout=timeout, max_bytes=max_bytes)
        return _Source(got.data, got.name, got.url, got.requested, got.content_type)
    f = Path(item)
    looks_like_address = "://" in item or item.lower().startswith("www.") or ".gov.cn/" in item
    if looks_like_address and not f.exists():
        raise PolicytrackError(
            f"{f} does not exist; check the path; a URL must start with http:// or https://"
        )
    # FIFOs and devices refused, the limit enforced while reading (safeio)
    return _Source(
        read_limited(f, max_bytes, "split it or raise the limit with --max-bytes"), f.name
    )


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- reading --------------------------------------------------------------------------------


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """No cyclic collection for a while. Listing or building the site of a large archive
    makes hundreds of thousands of objects that live to its end and little cyclic garbage;
    the collector's repeated passes over them were a third of a site rebuild at 100,000
    documents and 40% of `list` (12.5 s → 7.4 s)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    text = loaded.archive.doc_path(doc_id).read_text(encoding="utf-8")
    return Shown(parse(text, f"{doc_id}.md"), row, st, text)


@dataclass(frozen=True)
class History:
    """A document's lineage in date order and the archive commits that touched it."""

    id: str
    lineage: tuple[DocumentRow, ...]
    commits: tuple[Commit, ...]


def lineage(loaded: Loaded, doc_id: str) -> list[str]:
    """All versions connected to doc_id by supersedes/predecessor links, oldest first."""
    return graph_lineage(loaded.graph, doc_id)


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


# --- diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffResult:
    """A diff with both documents, their canonical texts and their archive paths."""

    diff: DocumentDiff
    old: Document
    new: Document
    old_text: str
    new_text: str
    old_path: str
    new_path: str


def _load_side(loaded: Loaded, ref: str) -> tuple[Document, str, str]:
    path = Path(ref)
    if path.is_file() and (path.suffix != ".md" or path.resolve().parent != loaded.archive.root):
        from .ingest import ingest
        from .ingest.decode import DEFAULT_MAX_BYTES

        result = ingest(read_limited(path, DEFAULT_MAX_BYTES), path.name)
        return (
            result.document,
            serialise(result.document),
            f"{loaded.archive.prefix or '.'}/{result.document.id}.md",
        )
    doc_id = resolve(loaded, ref)
    if doc_id not in loaded.docs:
        raise NotFound(
            f"{loaded.graph.label(doc_id)} is known only as a reference; its text is not in the archive, "
            "so there is nothing to diff; add it with 'policytrack add'"
        )
    text = loaded.archive.doc_path(doc_id).read_text(encoding="utf-8")
    return parse(text, f"{doc_id}.md"), text, loaded.archive.relpath(f"{doc_id}.md")


def predecessor_of(loaded: Loaded, doc_id: str) -> str | None:
    """The archived version immediately before doc_id in its lineage."""
    versions = [i for i in lineage(loaded, doc_id) if i in loaded.docs]
    k = versions.index(doc_id)
    direct = [p for p in loaded.graph.predecessors.get(doc_id, []) if p in loaded.docs]
    if direct:
        return max(direct, key=versions.index)
    return versions[k - 1] if k > 0 else None


def diff(
    archive_path: Path, old_ref: str, new_ref: str | None, *, ignore_variants: bool = False
) -> DiffResult:
    """Diff two versions, or one document against its predecessor in its lineage.
    A REF that is a file outside the archive is ingested (not stored) for the comparison."""
    loaded = load(archive_path)
    if new_ref is None:
        new, new_text, new_path = _load_side(loaded, old_ref)
        pred = predecessor_of(loaded, new.id) if new.id in loaded.docs else None
        if pred is None:
            raise NotFound(
                f"{new.doc_number or new.id} has no earlier version in the archive; give two REFs "
                f"(policytrack diff OLD NEW) or link them with 'policytrack link OLD {new.id} --as amends'"
            )
        old, old_text, old_path = _load_side(loaded, pred)
    else:
        old, old_text, old_path = _load_side(loaded, old_ref)
        new, new_text, new_path = _load_side(loaded, new_ref)
    from .diff import diff_documents

    result = diff_documents(old, new, ignore_variants=ignore_variants)
    return DiffResult(result, old, new, old_text, new_text, old_path, new_path)


# --- check -------------------------------------------------------------------------------


@dataclass
class CheckReport:
    """Every problem and warning found in the archive."""

    documents: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def conflicts(docs: list[Document]) -> list[str]:
    """Fields whose text and page label disagreed when read: the text's value was kept,
    and both are named with the command that keeps the other."""
    from .ingest.extract import CONFLICT

    out: list[str] = []
    for d in docs:
        if d.doc_number and d.number is None:
            out.append(
                f"{d.id}.md: doc_number: {d.doc_number} is printed damaged in the source and kept "
                "as printed; if you know the intended number, run "
                f"'policytrack set {d.id} doc_number=…'"
            )
        found = [(n, f.rule, str(f.value)) for n, f in d.window.fields().items()]
        found += [(n, ev.evidence, str(getattr(d, n))) for n, ev in d.evidence]
        for name, note, value in found:
            if CONFLICT not in note:
                continue
            other = note.split(CONFLICT, 1)[1].strip()
            out.append(
                f"{d.id}.md: {name}: the text says {value} but {other}; the text's is kept — "
                f"if the label is right, run 'policytrack set {d.id} {name}=…'"
            )
    return out


def check(archive_path: Path, *, strict: bool = False) -> CheckReport:
    """Validate every file and every relation; raise ValidationErrors listing all problems."""
    archive = open_archive(archive_path)
    report = CheckReport()
    docs: list[Document] = []
    for path in archive.document_files():
        try:
            # bytes as they are: read_text would turn CR LF into LF and hide it
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            report.problems.append(
                f"{path.name}: is not UTF-8 text (an undecodable byte at offset {exc.start}); "
                "convert it to UTF-8 (e.g. iconv -f GB18030 -t UTF-8) and commit it"
            )
            continue
        try:
            doc = parse(text, path.name)
        except ValidationErrors as exc:
            fix = f"; then commit the file: 'git commit {_rel(path)}'"
            report.problems.extend(p + fix for p in exc.problems)
            continue
        except PolicytrackError as exc:
            report.problems.append(f"{exc}; then commit the file: 'git commit {_rel(path)}'")
            continue
        docs.append(doc)
        if serialise(doc) != text:
            report.warnings.append(
                f"{path.name}: not in canonical form (field order, quoting or spacing); "
                f"rewrite it with 'policytrack add --replace {_rel(path)}'"
            )
        if archive.is_dirty(path.name):
            report.warnings.append(
                f"{path.name}: has uncommitted changes; commit them with 'git commit {_rel(path)}'"
            )
    report.documents = len(docs)
    graph = build_graph(docs)
    report.problems.extend(graph.problems)
    for stub in sorted(graph.stubs.values(), key=lambda s: s.id):
        report.warnings.append(
            f"{stub.doc_number or stub.title}: referenced (supersedes/predecessor) but not in the archive; "
            "kept as a stub; add its text with 'policytrack add' when you find it"
        )
    report.warnings.extend(conflicts(docs))
    seen_numbers: dict[str, str] = {}
    for d in sorted(docs, key=lambda d: d.id):
        if d.doc_number:
            key = ref_key(d.doc_number)
            other = seen_numbers.get(key)
            if other is not None and other not in graph_lineage(graph, d.id):
                report.problems.append(
                    f"{d.id}.md: doc_number: {d.doc_number} is also used by {other}.md; one of "
                    f"them is wrong: correct it with 'policytrack set {d.id} doc_number=…', or "
                    f"if they are versions of one instrument 'policytrack link {other} {d.id} "
                    "--as amends'"
                )
            seen_numbers[key] = d.id
    if docs:
        loaded = Loaded(archive, Index(archive), graph)
        for s in _suggestions(loaded, date.max):
            report.warnings.append(
                f"{s.older.id} → {s.newer.id}: may be versions of one instrument (score "
                f"{s.score:.2f}: {'; '.join(s.evidence)}); link them with '{s.command}', or "
                f"keep them apart with 'policytrack unlink {s.older.id} {s.newer.id}'"
            )
    if strict:
        report.problems.extend(report.warnings)
        report.warnings = []
    if report.problems:
        raise ValidationErrors(report.problems)
    return report


# --- link, unlink, set, suggest ------------------------------------------------------------


@dataclass(frozen=True)
class Edited:
    """What an edit command did: its message line, the document and the commit."""

    message: str
    document: Document
    commit: str | None


def _edit(archive: Archive, edit: curate.Edit, doc_ids: list[str]) -> Edited:
    """Commit one edit (refused when a file it touches has uncommitted changes)."""
    with archive.lock():
        archive.recover()
        for doc_id in doc_ids:
            if archive.is_dirty(f"{doc_id}.md"):
                raise Conflict(
                    f"{doc_id}.md has uncommitted changes; commit or discard them with git first"
                )
        d = edit.doc
        sha = archive.commit(
            edit.files,
            edit.subject[:200],
            Trailers(edit.action, d.id, d.doc_number or "", d.source.url, d.source.sha256),
        )
    return Edited(edit.message if sha else "unchanged: nothing to write", d, sha)


def _archived(loaded: Loaded, ref: str) -> Document:
    doc_id = resolve(loaded, ref)
    if doc_id not in loaded.docs:
        raise NotFound(
            f"{loaded.graph.label(doc_id)} is known only as a reference; add its text with "
            "'policytrack add' before linking it"
        )
    return parse(loaded.archive.doc_path(doc_id).read_text(encoding="utf-8"), f"{doc_id}.md")


def link(archive_path: Path, old_ref: str, new_ref: str, as_: str) -> Edited:
    """Record that NEW amends, replaces or is the final text (draft) of OLD: one commit;
    kept in NEW's overrides so it survives NEW being added again."""
    from . import curate

    loaded = load(archive_path)
    old, new = _archived(loaded, old_ref), _archived(loaded, new_ref)
    later = lineage(loaded, old.id)
    if new.id in later and later.index(new.id) < later.index(old.id):
        raise PolicytrackError(
            f"{new.id} is already an earlier version of {old.id}; linking it as the later one "
            f"would make a cycle. Remove the old link first: 'policytrack unlink {new.id} {old.id}'"
        )
    return _edit(loaded.archive, curate.link(old, new, as_, later), [new.id])


def unlink(archive_path: Path, a_ref: str, b_ref: str) -> Edited:
    """Remove every lineage link between two documents, either way, and keep them apart
    (the text's own links stay removed, suggestions stop): one commit. One side may be a
    document known only as a reference (a stub): the other's links to it go."""
    from . import curate

    loaded = load(archive_path)
    sides: list[Document] = []
    for ref in (a_ref, b_ref):
        doc_id = resolve(loaded, ref)
        if doc_id in loaded.docs:
            sides.append(_archived(loaded, doc_id))
        else:
            stub = loaded.graph.stubs[doc_id]
            sides.append(Document(doc_id, stub.title, doc_number=stub.doc_number))
    a, b = sides
    targets: dict[str, list[Relation]] = {}
    for holder, other in ((a, b), (b, a)):
        if holder.id not in loaded.docs:
            continue
        # the holder's lineage relations that name the other document (by id, number or title)
        targets[holder.id] = [
            r
            for r in holder.relations
            if r.type in LINEAGE_TYPES and other.id in _targets_of(holder, r, other, loaded)
        ]
    stubbed = [d.id for d in (a, b) if d.id not in loaded.docs]
    if stubbed and not any(targets.values()):
        raise PolicytrackError(
            f"{a.id} and {b.id} are not linked; nothing to do "
            "(see a document's lineage with 'policytrack history REF')"
        )
    edit = curate.unlink(a, b, targets)
    return _edit(loaded.archive, edit, [d.id for d in (a, b) if d.id in loaded.docs])


def _targets_of(holder: Document, rel: Relation, other: Document, loaded: Loaded) -> set[str]:
    """What one relation of `holder` resolves to, in a graph of the two documents (the
    other as a stub when it is one)."""
    docs = [holder.with_(relations=(rel,))]
    if other.id in loaded.docs:
        docs.append(other)
    g = build_graph(docs)
    return set(g.predecessors.get(holder.id, []))


def set_fields(archive_path: Path, ref: str, pairs: list[str]) -> Edited:
    """Correct metadata of a stored document without its source file: one commit; the
    values are kept in its overrides, so they survive the document being added again."""
    from . import curate
    from .ingest import parse_sets

    if not pairs:
        raise PolicytrackError(
            "give at least one FIELD=VALUE, e.g. issuer=北京市人民政府; see 'policytrack set --help'"
        )
    values = parse_sets(pairs, flag="")
    loaded = load(archive_path)
    doc = _archived(loaded, ref)
    edit = curate.set_fields(doc, values)
    if edit.doc.id != doc.id:
        if loaded.archive.doc_path(edit.doc.id).exists():
            raise Conflict(f"{edit.doc.id} is already taken by another document; choose another id")
        pointing = [
            d.id for d in loaded.docs.values() if any(r.target_id == doc.id for r in d.relations)
        ]
        if pointing:
            raise PolicytrackError(
                f"{', '.join(sorted(pointing))} link to {doc.id} by id; unlink them first "
                f"('policytrack unlink {doc.id} {pointing[0]}'), rename, then link again"
            )
    return _edit(loaded.archive, edit, [doc.id])


@dataclass(frozen=True)
class Suggested:
    """A possible pair of versions, for `link --suggest` and `check`."""

    older: DocumentRow
    newer: DocumentRow
    score: float
    evidence: tuple[str, ...]

    @property
    def command(self) -> str:
        return f"policytrack link {self.older.id} {self.newer.id} --as amends"


SUGGEST_GROUP = 40  # same-titled documents compared pairwise; a bigger group is boilerplate


def suggestions(archive_path: Path, as_of: date) -> list[Suggested]:
    """Pairs of archived documents that title, issuer, place, dates and text suggest are
    versions of one instrument, not linked and not kept apart: never linked silently."""
    return _suggestions(load(archive_path), as_of)


def _suggestions(loaded: Loaded, as_of: date) -> list[Suggested]:
    from .versions import Profile, instrument_key_loose, suggest, unlinked_pairs

    groups: dict[str, list[Document]] = {}
    for d in loaded.docs.values():
        groups.setdefault(instrument_key_loose(d.title), []).append(d)
    apart = unlinked_pairs(loaded.docs.values())
    out: list[Suggested] = []
    for key, members in sorted(groups.items()):
        if not key or len(members) < 2 or len(members) > SUGGEST_GROUP:
            continue
        profiles = [
            Profile(d, split_front_matter(loaded.archive.doc_path(d.id).read_text("utf-8"))[1])
            for d in sorted(members, key=lambda d: d.id)
        ]
        for i, a in enumerate(profiles):
            for b in profiles[i + 1 :]:
                if frozenset((a.doc.id, b.doc.id)) in apart:
                    continue
                if b.doc.id in lineage(loaded, a.doc.id):
                    continue
                s = suggest(a, b)
                if s is not None:
                    out.append(
                        Suggested(
                            row_for(s.older, loaded, as_of),
                            row_for(s.newer, loaded, as_of),
                            s.score,
                            s.evidence,
                        )
                    )
    out.sort(key=lambda s: (-s.score, s.older.id, s.newer.id))
    return out


# --- site ------------------------------------------------------------------------------------


def site_build(
    archive_path: Path, out: Path, as_of: date, base_url: str = "", *, force: bool = False
) -> BuildReport:
    """Build the static site into `out`, looking again only at what changed since the last
    build there (see sitedata); only changed files are rewritten. A non-empty folder not
    built by policytrack is refused unless `force` (see site.build.claim)."""
    from .site import previous_build, render_site
    from .site.build import claim
    from .sitedata import SiteState, site_data

    archive = open_archive(archive_path)
    claim(out, force)
    index = Index(archive)
    index.refresh()
    with without_gc():  # the render workers collect as usual
        previous = previous_build(archive.state, out)
        state = SiteState.from_json(previous.state) if previous else None
        data, new_state = site_data(archive, index, as_of, base_url, state)
        # a file that cannot be read keeps the pages its last good version had
        unreadable = frozenset(name.removesuffix(".md") for name, _ in index.problems())
        return render_site(data, out, previous, new_state.to_json(), archive.state, unreadable)


# --- alerts ----------------------------------------------------------------------------------


def alerts_run(
    archive_path: Path,
    config_path: Path,
    as_of: date,
    *,
    env: Mapping[str, str],
    now: str,
    dry_run: bool = False,
    clock: Callable[[], float] | None = None,
) -> alerts.RunReport:
    """One scheduled alerts run: the configuration's subscribers, the archive on `as_of`."""
    from . import alerts

    config = alerts.load_config(config_path)
    loaded = load(archive_path)
    g = loaded.graph
    problems: list[str] = []
    explicit: dict[str, set[str]] = {}
    for sub in config.subscribers:
        ids: set[str] = set()
        for ref in sub.watch.documents:
            try:
                ids.update(lineage(loaded, resolve(loaded, ref)))
            except (NotFound, AmbiguousRef) as exc:
                problems.append(f"{config_path}: subscriber {sub.name!r} watch.documents: {exc}")
        explicit[sub.name] = ids
    if problems:
        raise ValidationErrors(problems)
    facts: dict[str, alerts.DocFacts] = {}
    for doc_id, d in loaded.docs.items():
        st = status_of(doc_id, g, as_of)
        preds = [p for p in g.predecessors.get(doc_id, []) if p in loaded.docs]
        facts[doc_id] = alerts.DocFacts(
            id=doc_id,
            title=d.display_title,
            doc_number=d.doc_number,
            issuer=d.issuer,
            jurisdiction=d.jurisdiction,
            kind=d.kind,
            expires=d.window.expires.value,
            status=st.code,
            status_label=st.label,
            status_since=st.since,
            repealed_by=g.label(st.by) if st.code == "repealed" and st.by else None,
            successors=tuple(g.label(s) for s in g.successors.get(doc_id, [])),
            predecessor=g.label(preds[0]) if preds else None,
            aliases=d.aliases,
            predecessor_id=preds[0] if preds else None,
            relation=_relation_to(g, doc_id, preds[0]) if preds else None,
        )

    def body_of(doc_id: str) -> str:
        return loaded.archive.doc_path(doc_id).read_text(encoding="utf-8")

    def changes_of(doc_id: str) -> tuple[str, ...]:
        pred = predecessor_of(loaded, doc_id)
        if pred is None:
            return ()
        old = parse(body_of(pred), f"{pred}.md")
        new = parse(body_of(doc_id), f"{doc_id}.md")
        from .diff import diff_documents

        return change_summary(diff_documents(old, new))

    return alerts.run(
        config,
        facts,
        as_of,
        explicit=explicit,
        body_of=body_of,
        changes_of=changes_of,
        env=env,
        now=now,
        dry_run=dry_run,
        **({"clock": clock} if clock else {}),
    )


def _relation_to(g: Graph, newer: str, older: str) -> str:
    """How `newer` follows `older` in their lineage."""
    if any(r.by == newer for r in g.repealed_by.get(older, [])):
        return "supersedes"  # decided before amendment, as the status is
    if newer in g.amended_by.get(older, []):
        return "amends"
    old = g.docs.get(older)
    return "draft" if old is not None and old.kind == "draft" else "predecessor"


def change_summary(d: DocumentDiff, limit: int = 5) -> tuple[str, ...]:
    """A new version's changes in a few Chinese phrases: unit counts, then the first key
    changes (ranked), then 另有 N 项 when there are more."""
    counts = d.counts
    names = {
        "modified": "修改",
        "added": "新增",
        "removed": "删除",
        "split": "拆分",
        "merged": "合并",
    }
    parts = [f"{label} {counts[op]} 处" for op, label in names.items() if counts[op]]
    out = ["条文" + "、".join(parts)] if parts else []
    out += [f"{k.where} {k.summary}" for k in d.key_changes[:limit]]
    if len(d.key_changes) > limit:
        out.append(f"另有 {len(d.key_changes) - limit} 项")
    return tuple(out)
