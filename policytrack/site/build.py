"""Building the site: incremental by fingerprint, parallel on every core.

A document page depends on its file (git blob) and on a little of the rest of the archive:
its status, lineage, relations, the documents that mention it, its commits and redlines
(`pages.DocumentPage.fingerprint`). A page whose fingerprint did not change since the last
build into the folder (`files.Previous`) is neither parsed nor rendered. Document pages do
not show the as-of date (their status is true until its next transition, which changes the
fingerprint), so a daily rebuild re-renders only the documents whose status moved.
Summary pages (`summary`) are rendered when their fingerprint changed (a few small ones
every time) and written only when their bytes change; the files with an entry per document
(API index, calendar) are spliced (`files.Joined`).

The pages that need the documents' text (document pages, their JSON, redlines) and the
search segments are rendered by a pool of forked workers, one per core, longest tasks
first; the workers read their `Job` from this module, set before the fork (a forked worker
shares the parent's memory: nothing is pickled to it but the task's indexes).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, NamedTuple

from policytrack.docfile import split_front_matter
from policytrack.site import api, search
from policytrack.site.files import (
    MANIFEST,
    BuildReport,
    Joined,
    Previous,
    drop_legacy_search,
    fingerprint,
    load_manifest,
    remove_stale,
    save_manifest,
    stamp,
    write_if_changed,
)
from policytrack.site.pages import (
    DocumentPage,
    RedlinePage,
    Row,
    SiteData,
    document_files,
    redline_files,
)
from policytrack.site.render import document_outputs, keep_compiled_templates, redline_outputs
from policytrack.site.sources import Metadata, no_metadata, read_document
from policytrack.site.state import SiteState
from policytrack.site.summary import summary_pages

PARALLEL_FROM = 64  # fewer pages than this are rendered in process
CHUNK = 100  # pages per worker task


def previous_build(archive_state: Path, out: Path) -> Previous | None:
    """The page fingerprints and state of the last build into out, if made by these
    templates and this policytrack version (kept in the archive's state folder)."""
    return load_manifest(archive_state, out, stamp())


def render_site(
    data: SiteData,
    out: Path,
    last: Previous | None,
    state: SiteState,
    archive_state: Path,
    unreadable: frozenset[str] = frozenset(),
    metadata: Metadata = no_metadata,
) -> BuildReport:
    """Write the site into `out`: the pages in `data.documents`/`data.redlines` whose
    inputs changed since the last build, the summary pages whose inputs changed, the search
    index kept current by segments; files of documents no longer in the archive are
    removed, but not those of `unreadable` ids (files in the archive that cannot be read
    just now: their last pages stay until the file is fixed). `state` is kept for the next
    build. `metadata` gives the indexed metadata of documents, so that the workers parse
    only the bodies of files the index has read (`sources`)."""
    report = BuildReport()
    keep_compiled_templates(archive_state / "site-templates")
    ours = (out / MANIFEST).is_file()  # the caller has claimed the folder
    out.mkdir(parents=True, exist_ok=True)
    documents, todo_docs = _documents_to_render(data, out, last, unreadable)
    redlines, todo_red = _redlines_to_render(data, out, last)
    kept = len(document_files("")) * (len(documents) - len(todo_docs))
    kept += len(redline_files("")) * (len(redlines) - len(todo_red))
    report.unchanged += kept  # neither parsed nor rendered: their fingerprint held
    report.skipped += kept
    index = search.SearchIndex(out)
    plan = index.plan({r.id: r.blob for r in data.rows})
    tasks = [Task("segment", ids=tuple(ids)) for ids in index.chunks(plan, os.cpu_count() or 1)]
    # longest first, so that no core is left with a long task at the end: the segments,
    # then each redline on its own (a diff of two long laws can take a second), then pages
    tasks += _chunked("redlines", todo_red, 1) + _chunked("documents", todo_docs, CHUNK)
    job = Job(out, Path(data.sources), data.by_id, data.documents, data.redlines, metadata)
    index.commit(run(job, tasks, report))
    report.search_indexed = len(plan.reindex)
    pages = {api.SEARCH_META: _write_search_meta(data, out, last, index, report)}
    summaries, joined = _write_summaries(data, out, last, report)
    pages.update(summaries)
    previous = last.pages if last else {}
    old_docs = last.documents if last else {}
    old_reds = last.redlines if last else {}
    stale = set(previous) - pages.keys()
    stale.update(rel for i in old_docs.keys() - documents.keys() for rel in document_files(i))
    stale.update(rel for slug in old_reds.keys() - redlines.keys() for rel in redline_files(slug))
    remove_stale(out, stale, report)
    if ours and last is None:  # a folder an older policytrack built (other stamp)
        drop_legacy_search(out)
    save_manifest(archive_state, out, stamp(), Previous(pages, state, joined, documents, redlines))
    return report


def _documents_to_render(
    data: SiteData, out: Path, last: Previous | None, unreadable: frozenset[str]
) -> tuple[dict[str, str], list[int]]:
    """Each document's page fingerprint (a page and its JSON share one, kept by id), and
    the indexes in data.documents of the pages to render: their fingerprint changed or a
    file is missing. Without a record of the last build nothing is known to be ours."""
    old = last.documents if last else {}
    fingerprints = {row_id: old.get(row_id, "") for row_id in data.by_id}
    fingerprints.update({i: old[i] for i in unreadable if i in old})
    todo: list[int] = []
    for i, page in enumerate(data.documents):
        fp = page.fingerprint()
        if old.get(page.doc.id) != fp or not all(
            (out / rel).exists() for rel in document_files(page.doc.id)
        ):
            todo.append(i)
        fingerprints[page.doc.id] = fp
    return fingerprints, todo


def _redlines_to_render(
    data: SiteData, out: Path, last: Previous | None
) -> tuple[dict[str, str], list[int]]:
    """As _documents_to_render, for the comparisons (by slug)."""
    old = last.redlines if last else {}
    fingerprints = {slug: old.get(slug, "") for slug, _, _ in data.all_redlines}
    todo: list[int] = []
    for i, red in enumerate(data.redlines):
        fp = red.fingerprint()
        if old.get(red.slug) != fp or not all(
            (out / rel).exists() for rel in redline_files(red.slug)
        ):
            todo.append(i)
        fingerprints[red.slug] = fp
    return fingerprints, todo


def _write_search_meta(
    data: SiteData, out: Path, last: Previous | None, index: search.SearchIndex, report: BuildReport
) -> str:
    """search/meta.json (the results' statuses and filters), rendered again when a
    document's row or the segments changed (at 100,000 documents it takes a second);
    returns its fingerprint."""
    key = fingerprint([(seg["name"], seg["deleted"]) for seg in index.segments])
    previous = last.pages if last else {}
    if (
        data.changed is not None
        and not data.changed
        and previous.get(api.SEARCH_META) == key
        and (out / api.SEARCH_META).exists()
    ):
        report.unchanged += 1
        report.skipped += 1
    elif write_if_changed(out, api.SEARCH_META, search.meta_json(index.segments, api.facets(data))):
        report.written.append(api.SEARCH_META)
    else:
        report.unchanged += 1
    return key


def _write_summaries(
    data: SiteData, out: Path, last: Previous | None, report: BuildReport
) -> tuple[dict[str, str], dict[str, tuple[list[str], list[int]]]]:
    """Every summary page whose fingerprint changed (or that has none), written if its
    bytes changed; returns each one's fingerprint, and the documents and fragment lengths
    of each joined file (for the next build's splicing)."""
    previous = last.pages if last else {}
    pages: dict[str, str] = {}
    joined: dict[str, tuple[list[str], list[int]]] = {}
    for item in summary_pages(data):
        if isinstance(item, Joined):
            payload, lengths = item.payload(out, last, data.changed)
            pages[item.rel] = item.key(len(payload))
            joined[item.rel] = (item.ids, lengths)
            written = write_if_changed(out, item.rel, payload)
        else:
            rel, key, render = item
            pages[rel] = key or ""
            if key is not None and previous.get(rel) == key and (out / rel).exists():
                report.unchanged += 1
                report.skipped += 1
                continue
            written = write_if_changed(out, rel, render())
        if written:
            report.written.append(item.rel if isinstance(item, Joined) else item[0])
        else:
            report.unchanged += 1
    return pages, joined


# --- work done in the workers ----------------------------------------------------------------


class Task(NamedTuple):
    """One unit of a worker's work: a search segment of documents (`ids`), or document
    pages or redlines (their `indexes` in the Job)."""

    kind: Literal["segment", "documents", "redlines"]
    ids: tuple[str, ...] = ()
    indexes: tuple[int, ...] = ()


class Done(NamedTuple):
    """What a task wrote."""

    written: list[str]
    unchanged: int
    segments: list[search.Segment]


@dataclass
class Job:
    """What the workers need; set as module state before the pool forks."""

    out: Path
    sources: Path  # the archive folder (search segments read the files there)
    rows: Mapping[str, Row]  # every document, by id
    documents: tuple[DocumentPage, ...]  # the pages to render
    redlines: tuple[RedlinePage, ...]
    metadata: Metadata = no_metadata  # the indexed metadata of documents (see sources)


_JOB: Job | None = None


def run_task(task: Task) -> Done:
    """Do one task of the Job set before the fork."""
    assert _JOB is not None
    job = _JOB
    if task.kind == "segment":
        entries = [_search_entry(job.rows[i], job.sources) for i in task.ids]
        return Done([], 0, [search.write_segment(job.out / "search", entries)])
    done = Done([], 0, [])
    unchanged = 0
    known = job.metadata(_ids_of(job, task))
    for i in task.indexes:
        if task.kind == "documents":
            page = job.documents[i]
            full = read_document(page.source, page.blob, known.get(page.doc.id))
            outputs = document_outputs(replace(page, doc=full))
        else:
            from policytrack.diff import diff_documents  # the workers only: see render

            red = job.redlines[i]
            old = read_document(red.old_source, red.old_blob, known.get(red.old.id))
            new = read_document(red.new_source, red.new_blob, known.get(red.new.id))
            outputs = redline_outputs(replace(red, diff=diff_documents(old, new)))
        for rel, text in outputs:
            if write_if_changed(job.out, rel, text):
                done.written.append(rel)
            else:
                unchanged += 1
    return done._replace(unchanged=unchanged)


def _ids_of(job: Job, task: Task) -> list[str]:
    """The documents a task of pages or redlines reads."""
    if task.kind == "documents":
        return [job.documents[i].doc.id for i in task.indexes]
    return [d.id for i in task.indexes for d in (job.redlines[i].old, job.redlines[i].new)]


def _search_entry(row: Row, sources: Path) -> search.Entry:
    day = row.issued or row.published or row.effective
    path = sources / f"{row.id}.md"
    _, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    return search.Entry(
        row.id,
        row.blob,
        row.title,
        row.doc_number or "",
        row.issuer or "",
        day.isoformat() if day else "",
        body,
    )


def run(job: Job, tasks: list[Task], report: BuildReport) -> list[search.Segment]:
    """Run the tasks, in a pool of forked workers when there is enough work; returns the
    search segments written."""
    global _JOB
    _JOB = job
    segments: list[search.Segment] = []
    size = sum(len(t.ids) + len(t.indexes) for t in tasks)
    workers = min(os.cpu_count() or 1, len(tasks))
    try:
        results: Iterable[Done]
        if (
            size < PARALLEL_FROM
            or workers < 2
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            results = map(run_task, tasks)
            for done in results:
                _add(report, segments, done)
        else:
            gc.collect()  # the documents' metadata, before the workers fork
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_worker_starts
            ) as pool:
                for done in pool.map(run_task, tasks):
                    _add(report, segments, done)
    finally:
        _JOB = None
    return segments


def _worker_starts() -> None:
    """A forked worker collects its own garbage as usual, but never walks the objects it
    inherited from the parent (frozen: the parent collected before the fork). A full
    build of 3,000 corpus documents, two alternating runs each: 64.2 / 65.3 s of CPU
    with the inherited objects walked, 62.1 / 64.2 s frozen; the parent holds far more
    at 100,000 documents."""
    gc.freeze()
    gc.enable()


def _add(report: BuildReport, segments: list[search.Segment], done: Done) -> None:
    report.written.extend(done.written)
    report.unchanged += done.unchanged
    segments.extend(done.segments)


def _chunked(kind: Literal["documents", "redlines"], items: list[int], size: int) -> list[Task]:
    return [Task(kind, indexes=tuple(items[k : k + size])) for k in range(0, len(items), size)]
