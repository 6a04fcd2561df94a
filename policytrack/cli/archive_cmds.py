"""Commands that create and change an archive: init, add."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    JsonOpt,
    app,
    fail,
    fmt_date,
    handles_errors,
    lazy_module,
    print_json,
)

if TYPE_CHECKING:
    from policytrack import commands
    from policytrack.model import Document
else:
    commands = lazy_module("policytrack.commands")


@app.command()
@handles_errors
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder to create the archive in.")
    ] = DEFAULT_ARCHIVE,
) -> None:
    """Create an archive: its own git repository, or a folder inside an existing one."""
    archive = commands.init(directory)
    where = (
        "a new git repository" if archive.prefix == "" else f"the repository at {archive.toplevel}"
    )
    print(f"Created archive {directory} in {where}")


@app.command()
@handles_errors
def add(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Files or http(s) URLs: plain text, canonical Markdown, web pages (.html), "
            "Word .docx, PDF with a text layer.",
            show_default=False,
        ),
    ],
    url: Annotated[
        str, typer.Option("--url", help="Source URL (http or https), kept as provenance.")
    ] = "",
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE overriding an extracted field; repeatable; survives re-ingestion.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print what would be written, the evidence and what was stripped; write nothing.",
        ),
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="This text corrects the stored text of the same version (recorded as a "
            "correction); never needed for a new version or a copy.",
        ),
    ] = False,
    max_bytes: Annotated[
        int,
        typer.Option("--max-bytes", help="Refuse input files (and downloads) larger than this."),
    ] = 20 * 1024 * 1024,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Write all the files as one commit (bulk imports: much faster; the history "
            "shows one commit for them).",
        ),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds a URL's whole download may take (connecting, the answer and its body).",
        ),
    ] = 30.0,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Ingest documents into the archive: every good input is written (one commit each,
    or one for all with --batch); every refused one is listed with its reason at the end
    (exit 1). A copy of a stored document becomes another source of it; a new version of
    an instrument gets its own id and is linked to its predecessor. --dry-run makes the
    same decisions and prints the same lines, writing nothing."""
    results = commands.add(
        archive,
        files,
        url=url,
        sets=set_ or [],
        dry_run=dry_run,
        replace=replace,
        max_bytes=max_bytes,
        timeout=timeout,
        batch=batch,
        retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if as_json:
        print_json([add_record(r) for r in results])
    else:
        print_results(results, dry_run)
    refused = [r for r in results if r.action == "refused"]
    if len(refused) == 1:
        also = (
            f" (1 of {len(results)} inputs; the others are listed above)"
            if len(results) > 1
            else ""
        )
        raise fail(refused[0].reason + also)
    if refused:
        raise fail(
            f"{len(refused)} of {len(results)} inputs refused (listed above); fix each as its "
            "line says and add it again"
        )


def print_results(results: list[commands.AddResult], dry_run: bool) -> None:
    """What `add` prints: a line per input written (with its fields and warnings when there
    are few), the commits, the refusals on stderr when there are several."""
    many = len(results) > WARN_EACH_UP_TO
    for r in results:
        if r.action == "refused":
            continue
        print(r.line)
        if dry_run and not many:
            print_dry_run(r)
        elif not many:
            for w in _reading_warnings(r):
                print(f"  warning: {r.path}: {w}", file=sys.stderr)
    if dry_run:
        print("(dry run: nothing was written)")
    else:
        commits = [r.commit for r in results if r.commit]
        if commits:
            n = len(dict.fromkeys(commits))
            print(f"committed: {n} commit{'s' if n > 1 else ''}, the last {commits[-1][:10]}")
    if many:
        print_warning_summary(results)
    refused = [r for r in results if r.action == "refused"]
    if len(refused) > 1:
        for r in refused:
            print(r.line, file=sys.stderr)


def add_record(r: commands.AddResult) -> dict[str, object]:
    """One result of `add --json`."""
    return {
        "file": r.file,
        "id": r.document.id or None,
        "doc_number": r.document.doc_number,
        "title": r.document.title or None,
        "fields": fields_with_evidence(r.document) if r.document.id else {},
        "relations": [
            {
                "type": rel.type,
                "doc_number": rel.doc_number,
                "title": rel.title,
                "target_id": rel.target_id,
                "evidence": rel.evidence,
            }
            for rel in r.document.relations
        ],
        "action": r.action,
        "note": r.note,
        "reason": r.reason or None,
        "path": r.path or None,
        "commit": r.commit,
        "sources": 1 + len(r.document.sources) if r.document.id else 0,
        "warnings": list(r.warnings),
        "stripped": [{"reason": a, "text": b} for a, b in r.stripped],
    }


WARN_EACH_UP_TO = 10  # files; above this, warnings are summarised


def _reading_warnings(r: commands.AddResult) -> tuple[str, ...]:
    """The warnings to print about the file `add` wrote: none when the input was already
    stored (its reading, e.g. "issuer not found" for a copy without a signature, is not the
    stored document's, whose fields the input did not change; `--json` keeps them)."""
    return () if r.action == "unchanged" else tuple(r.warnings)


def print_warning_summary(results: list[commands.AddResult]) -> None:
    """Counts of each kind of warning over many files, most common first, with examples."""
    import re
    from collections import Counter

    kinds: Counter[str] = Counter()
    example: dict[str, str] = {}
    for r in results:
        for w in _reading_warnings(r):
            kind = re.sub(r"\s*\(.*$|:.*$", "", w)
            kinds[kind] += 1
            example.setdefault(kind, r.path)
    if not kinds:
        return
    total = sum(kinds.values())
    print(f"{total} warnings over {len(results)} files:", file=sys.stderr)
    for kind, n in kinds.most_common():
        print(f"  {n:>6} × {kind} (e.g. {example[kind]})", file=sys.stderr)
    print("  see one file's evidence with: policytrack add --dry-run FILE", file=sys.stderr)


BASIS_LABEL = {"stated": "明示 stated", "inferred": "推断 inferred", "unknown": "不明 unknown"}


def fields_with_evidence(d: Document) -> dict[str, dict[str, Any]]:
    """Every field `add` read, with how it was found: value, basis, evidence and rule."""
    out: dict[str, dict[str, Any]] = {}
    for name in ("title", "doc_number", "issuer", "jurisdiction", "kind"):
        ev = d.field_evidence(name)
        out[name] = {
            "value": getattr(d, name),
            "basis": ev.basis if ev else ("stated" if getattr(d, name) else "unknown"),
            "evidence": ev.evidence if ev else "",
        }
    for name, fact in d.window.fields().items():
        out[name] = {
            "value": fact.value.isoformat() if fact.value else None,
            "basis": fact.basis,
            "evidence": fact.evidence,
            "rule": fact.rule,
        }
    return out


def print_dry_run(r: commands.AddResult) -> None:
    d = r.document
    print("\nFields and evidence:")
    print(f"  id            {d.id}")
    for name in ("title", "doc_number", "issuer", "jurisdiction", "kind"):
        ev = d.field_evidence(name)
        value = getattr(d, name)
        basis = f"[{BASIS_LABEL[ev.basis]}]" if ev else ""
        print(f"  {name:<13} {value or '—'} {basis}")
        if ev and ev.evidence:
            print(f"  {'':<13} ← {ev.evidence}")
    for name, fact in d.window.fields().items():
        print(
            f"  {name:<13} {fmt_date(fact.value)} [{BASIS_LABEL[fact.basis]}]"
            f"{' ' + fact.rule if fact.rule else ''}"
        )
        if fact.evidence:
            print(f"  {'':<13} ← {fact.evidence}")
    for rel in d.relations:
        print(f"  {rel.type:<13} {rel.target}{' (简称 ' + rel.alias + ')' if rel.alias else ''}")
    arts = d.articles
    print(
        f"\nStructure: {len(d.units)} units, {len(arts)} articles"
        + (f" ({arts[0].label}…{arts[-1].label})" if arts else "")
    )
    if r.stripped:
        print("\nStripped (not policy text):")
        for reason, text in r.stripped:
            print(f"  - {reason}: {text}")
    if r.warnings:
        print("\nWarnings:")
        for w in r.warnings:
            print(f"  - {w}")
    print("\n--- document that would be written ---")
    sys.stdout.write(r.text)
