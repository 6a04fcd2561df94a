"""One function per use case. The CLI calls exactly one of these and formats the result;
nothing here prints, exits or reads the clock."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import gc
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive, Commit, Trailers
from .docfile import parse, serialise
from .errors import (
    AmbiguousRef,
    Conflict,
    IngestError,
    NotFound,
    PolicytrackError,
    ValidationErrors,
)
from .index import Index
from .model import DocNumber, Document, MeasureDeadline, fields_json, ref_key, slugify
from .safeio import read_limited
from .temporal import (
    STATUS_ALIASES,
    Expiring,
    Graph,
    Status,
    build_graph,
    expiring,
    status_of,
)
from .temporal import (
    lineage as graph_lineage,
)

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from . import alerts
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
    "id",
    "doc_number",
    "title",
    "issuer",
    "jurisdiction",
    "kind",
    "issued",
    "published",
    "effective",
    "expires",
    "status",
    "status_label",
    "status_reason",
    "supersedes",
    "superseded_by",
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
    )


def _is_supersession(g: Graph, newer: str, older: str) -> bool:
    return any(r.by == newer for r in g.repealed_by.get(older, []))


# --- REF resolution ---------------------------------------------------------------------


def resolve(loaded: Loaded, ref: str) -> str:
    """The id of the document (or stub) a loosely written REF names."""
    ref = ref.strip()
    if not ref:
        raise NotFound("an empty REF names no document; give a doc number, title or id")
    ids = loaded.index.ids_for_key(ref_key(ref)) or loaded.index.ids_for_key(ref.lower())
    if not ids:
        ids = loaded.index.ids_for_key(slugify(ref, 200))
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


@dataclass(frozen=True)
class AddResult:
    """What `add` did (or would do) with one file."""

    file: str
    document: Document
    action: str  # added | unchanged | corrected | would add | would correct | unchanged (dry run)
    path: str
    commit: str | None = None
    warnings: tuple[str, ...] = ()
    stripped: tuple[tuple[str, str], ...] = ()
    text: str = ""


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
    """Ingest files (or http(s) URLs, downloaded first) into the archive, one commit each.
    Every input is read and validated before anything is written, so a bad one leaves the
    archive unchanged. `retrieved` is the time stamp recorded for downloads; `batch` writes
    every change as one commit (bulk imports). Many files are parsed on all cores;
    `max_bytes` defaults to ingest's limit."""
    from .ingest import Ingested, parse_sets
    from .ingest.decode import DEFAULT_MAX_BYTES

    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
    archive = open_archive(archive_path)
    overrides = parse_sets(sets or [])
    prepared: list[tuple[str, Ingested, str]] = []  # file, result, canonical text
    sources = [_read_source(str(item), timeout=timeout, max_bytes=max_bytes) for item in files]
    first = _ingest_all(sources, url, overrides, max_bytes, retrieved)
    for item, source, (result, text) in zip(files, sources, first, strict=True):
        existing = archive.doc_path(result.document.id)
        if existing.exists() and not result.canonical_input:
            stored = parse(existing.read_text(encoding="utf-8"), existing.name)
            if stored.overrides:
                merged = {**dict(stored.overrides), **overrides}
                result, text = _ingest_with_text(
                    source, url or stored.source.url, merged, max_bytes, retrieved
                )
        if source.requested != source.url:
            result = Ingested(
                result.document,
                (*result.warnings, f"redirected from {source.requested}"),
                result.stripped,
                result.canonical_input,
            )
        prepared.append((str(item), result, text))
    ids = [r.document.id for _, r, _ in prepared]
    dupes = {i for i, n in Counter(ids).items() if n > 1}
    if dupes:
        raise Conflict(
            f"several files give the same document {sorted(dupes)[0]}; add them one at a time"
        )
    _check_relations(archive, [(f, r.document) for f, r, _ in prepared])
    results: list[AddResult] = []
    if dry_run:
        for f, r, text in prepared:
            path = archive.doc_path(r.document.id)
            action = "would add"
            if path.exists():
                action = (
                    "unchanged" if path.read_text(encoding="utf-8") == text else "would correct"
                )
            results.append(
                AddResult(
                    str(f), r.document, action, _rel(path), None, r.warnings, r.stripped, text
                )
            )
        return results
    with archive.lock():
        archive.recover()
        # decide every action first: a conflict stops the run before anything is written
        planned: list[tuple[str, Ingested, str, str, str]] = []  # file, result, text, action, verb
        for f, r, text in prepared:
            doc = r.document
            path = archive.doc_path(doc.id)
            if path.exists():
                if path.read_text(encoding="utf-8") == text:
                    planned.append((f, r, text, "unchanged", ""))
                    continue
                if not replace:
                    raise Conflict(
                        f"{doc.doc_number or doc.id} is already in the archive ({_rel(path)}) with a "
                        "different text; to record this as a correction run again with --replace; "
                        "nothing was written"
                    )
                planned.append((f, r, text, "corrected", "correct"))
            else:
                planned.append((f, r, text, "added", "add"))
        changes = [p for p in planned if p[3] != "unchanged"]
        batch_sha = None
        if batch and changes:
            verbs = sorted({p[4] for p in changes})
            batch_sha = archive.commit(
                {f"{p[1].document.id}.md": p[2] for p in changes},
                f"{'+'.join(verbs)}: {len(changes)} documents (batch)",
                Trailers("+".join(verbs)),
            )
        for f, r, text, action, verb in planned:
            doc = r.document
            path = archive.doc_path(doc.id)
            sha = batch_sha
            if action != "unchanged" and not batch:
                label = doc.doc_number or doc.id
                trailers = Trailers(
                    verb, doc.id, doc.doc_number or "", doc.source.url, doc.source.sha256
                )
                sha = archive.commit(
                    {path.name: text}, f"{verb}: {label} {doc.display_title}"[:200], trailers
                )
            results.append(
                AddResult(
                    f,
                    doc,
                    action,
                    _rel(path),
                    sha if action != "unchanged" else None,
                    r.warnings,
                    r.stripped,
                )
            )
    return results


def _check_relations(archive: Archive, new: list[tuple[str, Document]]) -> None:
    """Refuse a shared doc number, a self-supersession or a supersession cycle before
    anything is written (see integrity)."""
    from .integrity import problems_of_adding

    index = Index(archive)
    index.refresh()
    problems = problems_of_adding(index, new)
    if problems:
        raise ValidationErrors([*problems[:-1], problems[-1] + " (nothing was written)"])


@dataclass(frozen=True)
class _Source:
    data: bytes
    name: str
    url: str = ""  # final address of a download
    requested: str = ""
    content_type: str = ""


PARALLEL_FROM = 32  # files; below this, starting worker processes costs more than it saves


def _ingest_all(
    sources: list[_Source], url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
) -> list[tuple[Ingested, str]]:
    """Each source's ingested document and canonical text, on all cores for many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [_ingest_with_text(s, url, overrides, max_bytes, retrieved) for s in sources]
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
    for item in out:
        if isinstance(item, str):
            raise IngestError(item)
    return [item for item in out if not isinstance(item, str)]


def _ingest_with_text(
    source: _Source, url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
) -> tuple[Ingested, str]:
    result = _ingest_source(source, url, overrides, max_bytes, retrieved)
    return result, serialise(result.document)


def _ingest_in_worker(
    source: _Source, url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
) -> tuple[Ingested, str] | str:
    """The ingested document and its canonical text, or the error's message (error classes
    with their own constructor arguments do not survive pickling). The document goes back
    without its body and units, which the text holds: half the bytes to pickle."""
    try:
        result, text = _ingest_with_text(source, url, overrides, max_bytes, retrieved)
    except PolicytrackError as exc:
        return str(exc)
    except Exception as exc:  # a bug met on one file must name it, not end the batch blind
        return (
            f"{source.name} could not be read ({type(exc).__name__}: {exc}); add the batch "
            "without it, and please report it with the file"
        )
    slim = dataclasses.replace(result.document, body="", units=())
    return dataclasses.replace(result, document=slim), text


def _ingest_source(
    source: _Source, url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
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
    )


def _read_source(item: str, *, timeout: float, max_bytes: int) -> _Source:
    from .ingest.fetch import download, is_url

    if is_url(item):
        got = download(item, timeout=timeout, max_bytes=max_bytes)
        return _Source(got.data, got.name, got.url, got.requested, got.content_type)
    f = Path(item)
    if "://" in item and not f.exists():
        raise PolicytrackError(
            f"{f} does not exist; check the path; a URL must start with http:// or https://"
        )
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
    with without_gc():
        return _list_documents(archive_path, as_of, status, issuer, kind, jurisdiction)


def _list_documents(
    archive_path: Path,
    as_of: date,
    status: str | None,
    issuer: str | None,
    kind: str | None,
    jurisdiction: str | None,
) -> list[DocumentRow]:
    loaded = load(archive_path)
    want = None
    if status:
        want = STATUS_ALIASES.get(status.strip())
        if want is None:
            raise PolicytrackError(
                f"--status {status!r} is not a status; use one of {', '.join(sorted(set(STATUS_ALIASES.values())))}"
            )
    rows = [row_for(i, loaded, as_of) for i in sorted(loaded.docs)]
    if want:
        rows = [r for r in rows if r.status == want]
    if issuer:
        rows = [r for r in rows if r.issuer and issuer in r.issuer]
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if jurisdiction:
        rows = [r for r in rows if r.jurisdiction and jurisdiction in r.jurisdiction]
    return rows


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
        if st.code in ("expired", "repealed", "not_applicable"):
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
                "(policytrack diff OLD NEW) or link them with 'policytrack add … --set predecessor=OLD'"
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
                "as printed; if you know the intended number, re-add the file with "
                "--set doc_number=… --replace"
            )
        found = [(n, f.rule, str(f.value)) for n, f in d.window.fields().items()]
        found += [(n, ev.evidence, str(getattr(d, n))) for n, ev in d.evidence]
        for name, note, value in found:
            if CONFLICT not in note:
                continue
            other = note.split(CONFLICT, 1)[1].strip()
            out.append(
                f"{d.id}.md: {name}: the text says {value} but {other}; the text's is kept — "
                f"if the label is right, re-add the file with --set {name}=… --replace"
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
            report.problems.extend(exc.problems)
            continue
        except PolicytrackError as exc:
            report.problems.append(str(exc))
            continue
        docs.append(doc)
        if serialise(doc) != text:
            report.warnings.append(
                f"{path.name}: not in canonical form (field order, quoting or spacing); "
                "re-add it with --replace to rewrite it"
            )
        if archive.is_dirty(path.name):
            report.warnings.append(f"{path.name}: has uncommitted changes; commit them with git")
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
    for d in docs:
        if d.doc_number:
            key = ref_key(d.doc_number)
            if key in seen_numbers:
                report.problems.append(
                    f"{d.id}.md: doc_number: {d.doc_number} is also used by {seen_numbers[key]}.md; one of them is wrong"
                )
            seen_numbers[key] = d.id
    if strict:
        report.problems.extend(report.warnings)
        report.warnings = []
    if report.problems:
        raise ValidationErrors(report.problems)
    return report


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
