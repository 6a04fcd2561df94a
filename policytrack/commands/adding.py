"""`add`: place every input against the archive (curate.plan_add) and commit the plan."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.archive import Archive, Trailers
from policytrack.index import Index

from .inputs import read_inputs
from .loading import open_archive, rel

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack.curate import AddResult as AddResult
    from policytrack.curate import Input


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
    from policytrack.curate import plan_add
    from policytrack.ingest import parse_sets
    from policytrack.ingest.decode import DEFAULT_MAX_BYTES
    from policytrack.ingest.fetch import check_url

    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
    archive = open_archive(archive_path)
    overrides = parse_sets(sets or [])
    if url:
        url = check_url(url, "--url")
    inputs = read_inputs(files, url, overrides, max_bytes, timeout, retrieved)
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
    from policytrack.integrity import problems_of_adding

    new = [(i.file, i.result.document) for i in inputs if i.result is not None]
    bad: dict[str, list[str]] = {}
    for file, problem in problems_of_adding(index, new):
        bad.setdefault(file, []).append(problem)
    return [
        dataclasses.replace(i, result=None, error="; ".join(bad[i.file])) if i.file in bad else i
        for i in inputs
    ]


def _rel_id(archive: Archive) -> Callable[[str], str]:
    return lambda doc_id: rel(archive.doc_path(doc_id))


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
