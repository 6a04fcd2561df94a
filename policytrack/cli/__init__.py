"""The command line: parse arguments, call one function in `commands`, format the result.

Only this package imports typer and rich. Every `PolicytrackError` becomes one
`Error:` line on stderr and exit code 1; usage errors exit 2; no traceback reaches a user
(set POLICYTRACK_DEBUG=1 to see one).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from policytrack import commands
from policytrack.errors import PolicytrackError, ValidationErrors
from policytrack.facts import unit_facts

app = typer.Typer(
    name="policytrack",
    help="Chinese government policy documents as canonical Markdown in git: versions, validity, redlines, alerts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

ArchiveOpt = Annotated[
    Path,
    typer.Option(
        "--archive",
        envvar="POLICYTRACK_ARCHIVE",
        help="The archive folder (env POLICYTRACK_ARCHIVE).",
        show_default=True,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Compute status for this date (YYYY-MM-DD); default today."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document (same as --format json).")
]
DEFAULT_ARCHIVE = Path("archive")


def out() -> Console:
    """stdout console: colour only on a terminal (or with FORCE_COLOR), never with NO_COLOR;
    no escape codes at all when colour is off."""
    tty = sys.stdout.isatty()
    colour = (tty or bool(os.environ.get("FORCE_COLOR"))) and not os.environ.get("NO_COLOR")
    return Console(
        width=None if tty else 200,
        no_color=not colour,
        force_terminal=colour,
        color_system="standard" if colour else None,
        highlight=False,
    )


def err_console() -> Console:
    return Console(stderr=True, highlight=False, width=200, no_color=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    first, *rest = message.split("\n")
    print(f"Error: {first}", file=sys.stderr)
    for line in rest:
        print(line, file=sys.stderr)
    return typer.Exit(code)


def handles_errors(fn: F) -> F:
    """Turn library errors into one `Error:` line and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except PolicytrackError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise fail(
                "interrupted; the archive is unchanged or was completed atomically", 130
            ) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except Exception as exc:
            if os.environ.get("POLICYTRACK_DEBUG"):
                traceback.print_exc()
            raise fail(
                f"internal error ({type(exc).__name__}: {exc}); please report it with the command you ran "
                "(set POLICYTRACK_DEBUG=1 for details)"
            ) from None

    return wrapper  # type: ignore[return-value]


def parse_as_of(value: str | None) -> date:
    """--as-of → date; only the CLI reads the clock."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PolicytrackError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None


def _facts_json(text: str) -> dict[str, Any]:
    f = unit_facts(text)
    return {
        "departments": list(f.departments),
        "amounts": [{"yuan": m.yuan, "text": m.text, "qualifier": m.qualifier} for m in f.amounts],
        "percentages": list(f.percentages),
        "ratios": list(f.ratios),
    }


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "—"


# --- commands ---------------------------------------------------------------------------


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
        list[Path], typer.Argument(help="Text, Markdown or canonical files to ingest.")
    ],
    url: Annotated[str, typer.Option("--url", help="Source URL, kept as provenance.")] = "",
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
            help="Replace a stored document with a different text (recorded as a correction).",
        ),
    ] = False,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Refuse input files larger than this.")
    ] = 20 * 1024 * 1024,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Ingest documents into the archive, one commit each."""
    results = commands.add(
        archive,
        files,
        url=url,
        sets=set_ or [],
        dry_run=dry_run,
        replace=replace,
        max_bytes=max_bytes,
    )
    if as_json:
        print_json(
            [
                {
                    "file": r.file,
                    "id": r.document.id,
                    "doc_number": r.document.doc_number,
                    "title": r.document.title,
                    "action": r.action,
                    "path": r.path,
                    "commit": r.commit,
                    "warnings": list(r.warnings),
                    "stripped": [{"reason": a, "text": b} for a, b in r.stripped],
                }
                for r in results
            ]
        )
        return
    for r in results:
        if dry_run:
            print_dry_run(r)
        else:
            tail = f" ({r.commit[:10]})" if r.commit else ""
            print(f"{r.action}: {r.path} — {r.document.doc_number or r.document.title}{tail}")
            for w in r.warnings:
                print(f"  warning: {w}", file=sys.stderr)


def print_dry_run(r: commands.AddResult) -> None:
    d = r.document
    print(f"{r.action}: {r.path}   (dry run: nothing written)")
    print("\nFields and evidence:")
    print(f"  id            {d.id}")
    for name in ("title", "doc_number", "issuer", "jurisdiction", "kind"):
        ev = d.field_evidence(name)
        value = getattr(d, name)
        basis = f"[{ev.basis}]" if ev else ""
        print(f"  {name:<13} {value or '—'} {basis}")
        if ev and ev.evidence:
            print(f"  {'':<13} ← {ev.evidence}")
    for name, fact in d.window.fields().items():
        print(
            f"  {name:<13} {fmt_date(fact.value)} [{fact.basis}]{' ' + fact.rule if fact.rule else ''}"
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


def rows_table(rows: list[commands.DocumentRow], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, pad_edge=False, box=None, header_style="bold")
    for col in ("doc number / id", "title", "issuer", "effective", "expires", "status"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r.doc_number or r.id,
            r.title,
            r.issuer or "—",
            fmt_date(r.effective),
            fmt_date(r.expires),
            r.status_label,
        )
    return table


@app.command("list")
@handles_errors
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only documents with this status (in_force, expired, repealed, not_yet_effective, partially_repealed, unknown; or 现行有效, 已失效…).",
        ),
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="Only documents whose issuer contains this text.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only documents of this kind.")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Only documents of this jurisdiction.")
    ] = None,
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
    format_: Annotated[str, typer.Option("--format", help="table, json, csv or md.")] = "table",
) -> None:
    """List archived documents with their status on a date."""
    rows = commands.list_documents(
        archive,
        parse_as_of(as_of),
        status=status,
        issuer=issuer,
        kind=kind,
        jurisdiction=jurisdiction,
    )
    emit_rows(rows, "json" if as_json else format_)


def emit_rows(rows: list[commands.DocumentRow], fmt: str) -> None:
    if fmt == "json":
        print_json([r.to_json() for r in rows])
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(commands.ROW_FIELDS)
        for r in rows:
            data = r.to_json()
            w.writerow(
                [
                    "; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                    for v in (data[f] for f in commands.ROW_FIELDS)
                ]
            )
    elif fmt == "md":
        print("| doc number / id | title | effective | expires | status |")
        print("| --- | --- | --- | --- | --- |")
        for r in rows:
            print(
                f"| {r.doc_number or r.id} | {r.title} | {fmt_date(r.effective)} | {fmt_date(r.expires)} | {r.status_label} |"
            )
    elif fmt == "table":
        if not rows:
            print("No documents.")
            return
        out().print(rows_table(rows))
    else:
        raise PolicytrackError(
            f"--format {fmt!r} is not supported here; use table, json, csv or md"
        )


@app.command()
@handles_errors
def show(
    ref: Annotated[str, typer.Argument(help="Doc number (any spelling), id, title or short name.")],
    format_: Annotated[str, typer.Option("--format", help="md, text or json.")] = "text",
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Show one document: metadata, status and text."""
    shown = commands.show(archive, ref, parse_as_of(as_of))
    fmt = "json" if as_json else format_
    if fmt == "json":
        data = shown.row.to_json()
        if shown.document:
            d = shown.document
            data["units"] = [
                {
                    "anchor": u.anchor,
                    "kind": u.kind,
                    "label": u.label,
                    "heading": u.heading,
                    "text": u.text,
                    "facts": _facts_json(u.text),
                }
                for u in d.units
            ]
            data["relations"] = [
                {
                    "type": r.type,
                    "doc_number": r.doc_number,
                    "title": r.title,
                    "evidence": r.evidence,
                }
                for r in d.relations
            ]
            data["body"] = d.body
        print_json(data)
        return
    if fmt == "md":
        sys.stdout.write(shown.text)
        return
    if fmt != "text":
        raise PolicytrackError(f"--format {fmt!r} is not supported for show; use md, text or json")
    r = shown.row
    print(f"{r.doc_number or r.id}  {r.title}")
    print(f"status:       {r.status_label} ({r.status}) — {r.status_reason}")
    for name in ("issuer", "jurisdiction", "kind"):
        print(f"{name + ':':<13} {getattr(r, name) or '—'}")
    for name in ("issued", "published", "effective", "expires"):
        print(f"{name + ':':<13} {fmt_date(getattr(r, name))}")
    if r.supersedes:
        print(f"supersedes:   {', '.join(r.supersedes)}")
    if r.superseded_by:
        print(f"superseded by: {', '.join(r.superseded_by)}")
    if shown.document:
        print()
        sys.stdout.write(shown.document.body)
    else:
        print("\n(not in the archive: known only because another document names it)")


@app.command()
@handles_errors
def history(
    ref: Annotated[str, typer.Argument(help="Doc number, id or title.")],
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Print a document's lineage in date order and the archive commits touching it."""
    h = commands.history(archive, ref, parse_as_of(as_of))
    if as_json:
        print_json(
            {
                "id": h.id,
                "lineage": [r.to_json() for r in h.lineage],
                "commits": [
                    {
                        "sha": c.sha,
                        "date": c.date,
                        "author": c.author,
                        "subject": c.subject,
                        "action": c.action,
                    }
                    for c in h.commits
                ],
            }
        )
        return
    print("Lineage (oldest first):")
    for r in h.lineage:
        mark = "→" if r.id == h.id else " "
        stub = " (not in the archive)" if r.stub else ""
        print(
            f" {mark} {fmt_date(r.effective or r.issued)}  {r.doc_number or r.id}  {r.title}  [{r.status_label}]{stub}"
        )
    print("\nArchive commits (newest first):")
    if not h.commits:
        print("  none")
    for c in h.commits:
        print(f"  {c.sha[:10]}  {c.date[:10]}  {c.subject}")


@app.command()
@handles_errors
def status(
    ref: Annotated[
        str | None, typer.Argument(help="Doc number, id or title; all documents when omitted.")
    ] = None,
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
    format_: Annotated[str, typer.Option("--format", help="table, json, csv or md.")] = "table",
) -> None:
    """Status of one or all documents on a date, with the reason."""
    day = parse_as_of(as_of)
    rows = commands.status(archive, ref, day)
    fmt = "json" if as_json else format_
    if fmt != "table":
        emit_rows(rows, fmt)
        return
    table = Table(title=f"Status as of {day}", box=None, header_style="bold", pad_edge=False)
    for col in ("doc number / id", "title", "status", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.doc_number or r.id, r.title or "—", r.status_label, r.status_reason)
    out().print(table)


@app.command()
@handles_errors
def expiring(
    within: Annotated[
        str, typer.Option("--within", help="Window after --as-of: 90d, 12w, 6m, 1y.")
    ] = "90d",
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
    format_: Annotated[str, typer.Option("--format", help="table, json, csv or md.")] = "table",
    measures: Annotated[
        bool,
        typer.Option(
            "--measures",
            help="List articles and items whose own stated period ends in the window instead.",
        ),
    ] = False,
) -> None:
    """Documents whose expiry falls within the window, soonest first."""
    from policytrack.temporal import parse_within

    try:
        days = parse_within(within)
    except ValueError as exc:
        raise PolicytrackError(f"--within: {exc}") from None
    day = parse_as_of(as_of)
    fmt = "json" if as_json else format_
    if measures:
        emit_measures(commands.expiring_measures(archive, day, days), fmt, day, days)
        return
    items = commands.expiring_report(archive, day, days)
    records: list[dict[str, Any]] = [
        {
            "id": e.doc.id,
            "doc_number": e.doc.doc_number,
            "title": e.doc.title,
            "issuer": e.doc.issuer,
            "jurisdiction": e.doc.jurisdiction,
            "expires": e.expires.isoformat(),
            "days_left": e.days_left,
            "status": e.status.code,
            "successor": e.successor,
        }
        for e in items
    ]
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else ["id"])
        w.writeheader()
        w.writerows(records)
    elif fmt == "md":
        print("| expires | days left | doc number / id | title | issuer | successor |")
        print("| --- | --- | --- | --- | --- | --- |")
        for rec in records:
            print(
                f"| {rec['expires']} | {rec['days_left']} | {rec['doc_number'] or rec['id']} | {rec['title']} | {rec['issuer'] or '—'} | {rec['successor'] or 'no successor known'} |"
            )
    elif fmt == "table":
        if not records:
            print(f"Nothing expires between {day} and {days} days later.")
            return
        table = Table(
            title=f"Expiring within {days} days of {day}",
            box=None,
            header_style="bold",
            pad_edge=False,
        )
        for col in (
            "expires",
            "days left",
            "doc number / id",
            "title",
            "issuer",
            "jurisdiction",
            "successor",
        ):
            table.add_column(col, overflow="fold")
        for rec in records:
            table.add_row(
                rec["expires"],
                str(rec["days_left"]),
                rec["doc_number"] or rec["id"],
                rec["title"],
                rec["issuer"] or "—",
                rec["jurisdiction"] or "—",
                f"renewed by {rec['successor']}" if rec["successor"] else "no successor known",
            )
        out().print(table)
    else:
        raise PolicytrackError(f"--format {fmt!r} is not supported; use table, json, csv or md")


def emit_measures(items: list[commands.MeasureDue], fmt: str, day: date, days: int) -> None:
    records: list[dict[str, Any]] = [
        {
            "id": i.doc.id,
            "doc_number": i.doc.doc_number,
            "title": i.doc.title,
            "unit": i.deadline.label,
            "anchor": i.deadline.anchor,
            "due": i.deadline.due.isoformat(),
            "days_left": i.days_left,
            "basis": i.deadline.basis,
            "rule": i.deadline.rule,
            "evidence": i.deadline.evidence,
        }
        for i in items
    ]
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else ["id"])
        w.writeheader()
        w.writerows(records)
    elif fmt == "md":
        print("| due | days left | document | unit | evidence |")
        print("| --- | --- | --- | --- | --- |")
        for r in records:
            print(
                f"| {r['due']} | {r['days_left']} | {r['doc_number'] or r['id']} | {r['unit']} | {r['evidence']} |"
            )
    elif fmt == "table":
        if not records:
            print(f"No article or item deadline falls between {day} and {days} days later.")
            return
        table = Table(
            title=f"Measures due within {days} days of {day}",
            box=None,
            header_style="bold",
            pad_edge=False,
        )
        for col in ("due", "days left", "document", "unit", "evidence"):
            table.add_column(col, overflow="fold")
        for r in records:
            table.add_row(
                r["due"], str(r["days_left"]), r["doc_number"] or r["id"], r["unit"], r["evidence"]
            )
        out().print(table)
    else:
        raise PolicytrackError(f"--format {fmt!r} is not supported; use table, json, csv or md")


@app.command()
@handles_errors
def diff(
    old: Annotated[
        str,
        typer.Argument(
            help="The older version (REF or a file); alone, the document to compare with its predecessor."
        ),
    ],
    new: Annotated[str | None, typer.Argument(help="The newer version (REF or a file).")] = None,
    format_: Annotated[
        str, typer.Option("--format", help="term, md, html, json or patch.")
    ] = "term",
    ignore_variants: Annotated[
        bool,
        typer.Option(
            "--ignore-variants",
            help="Also treat regional vocabulary variants (支援/支持, 品質/质量) as equal.",
        ),
    ] = False,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Show what changed between two versions, article by article, key changes first."""
    from policytrack.cli import diffout

    result = commands.diff(archive, old, new, ignore_variants=ignore_variants)
    fmt = "json" if as_json else format_
    if fmt == "json":
        print_json(diffout.to_json(result))
    elif fmt == "md":
        sys.stdout.write(diffout.to_markdown(result))
    elif fmt == "html":
        sys.stdout.write(diffout.to_html(result))
    elif fmt == "patch":
        sys.stdout.write(diffout.to_patch(result))
    elif fmt == "term":
        console = out()
        diffout.to_terminal(result, console, colour=not console.no_color)
    else:
        raise PolicytrackError(
            f"--format {fmt!r} is not supported for diff; use term, md, html, json or patch"
        )


@app.command()
@handles_errors
def check(
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as problems.")] = False,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Validate every file and relation; report all problems at once."""
    try:
        report = commands.check(archive, strict=strict)
    except ValidationErrors as exc:
        if as_json:
            print_json({"ok": False, "problems": exc.problems})
        raise fail(
            f"{len(exc.problems)} problem(s) in {archive}:\n"
            + "\n".join("  " + p for p in exc.problems)
        ) from None
    if as_json:
        print_json({"ok": True, "documents": report.documents, "warnings": report.warnings})
        return
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"OK: {report.documents} documents checked, no problems"
        + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
    )


def main() -> None:
    """Console-script entry point."""
    app()
