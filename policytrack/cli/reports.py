"""Commands that read and report: list, show, history, status, expiring, check."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    AsOfOpt,
    JsonOpt,
    app,
    dash,
    emit_records,
    fail,
    fmt_date,
    handles_errors,
    lazy_module,
    parse_as_of,
    print_json,
    ref_of,
    visible,
)

if TYPE_CHECKING:
    from policytrack import commands, model
else:
    commands = lazy_module("policytrack.commands")
    model = lazy_module("policytrack.model")
from policytrack.errors import PolicytrackError, ValidationErrors


def _facts_json(text: str) -> dict[str, Any]:
    from policytrack.facts import unit_facts

    f = unit_facts(text)
    return {
        "departments": list(f.departments),
        "amounts": [{"yuan": m.yuan, "text": m.text, "qualifier": m.qualifier} for m in f.amounts],
        "percentages": list(f.percentages),
        "ratios": list(f.ratios),
    }


@app.command("list")
@handles_errors
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only documents with this status (in_force, expired, amended, repealed, not_yet_effective, partially_repealed, unknown; or 现行有效, 已被修改, 已失效…); current: only the version in force of each lineage.",
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
    rows = commands.iter_documents(
        archive, parse_as_of(as_of), status, issuer, kind, jurisdiction
    )  # streamed: the first rows print while the rest are read
    emit_rows(rows, "json" if as_json else format_)


ROW_COLUMNS = [
    ("doc number / id", ref_of),
    ("title", lambda r: model.display_title(r["title"], r.get("issuer"), r.get("jurisdiction"))),
    ("issuer", lambda r: dash(r["issuer"])),
    ("effective", lambda r: dash(r["effective"])),
    ("expires", lambda r: dash(r["expires"])),
    ("status", lambda r: r["status_label"]),
]
STATUS_COLUMNS = [
    ("doc number / id", ref_of),
    ("title", lambda r: model.display_title(r["title"], r.get("issuer"), r.get("jurisdiction"))),
    ("status", lambda r: r["status_label"]),
    ("reason", lambda r: r["status_reason"]),
]


def emit_rows(
    rows: Iterable[commands.DocumentRow], fmt: str, *, title: str = "", columns: Any = None
) -> None:
    emit_records(
        (r.to_json() for r in rows), fmt, columns or ROW_COLUMNS, title=title, empty="No documents."
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
        sys.stdout.write(visible(shown.text))
        return
    if fmt != "text":
        raise PolicytrackError(f"--format {fmt!r} is not supported for show; use md, text or json")
    r = shown.row
    lines = [
        f"{r.doc_number or r.id}  {model.display_title(r.title, r.issuer, r.jurisdiction)}",
        f"status:       {r.status_label} ({r.status}) — {r.status_reason}",
    ]
    for name in ("issuer", "jurisdiction", "kind"):
        lines.append(f"{name + ':':<13} {getattr(r, name) or '—'}")
    for name in ("issued", "published", "effective", "expires"):
        lines.append(f"{name + ':':<13} {fmt_date(getattr(r, name))}")
    if r.supersedes:
        lines.append(f"supersedes:   {', '.join(r.supersedes)}")
    if r.superseded_by:
        lines.append(f"superseded by: {', '.join(r.superseded_by)}")
    if r.current_version and r.current_version != r.id:
        lines.append(f"current version: {r.current_version}")
    if shown.document and shown.document.sources:
        d = shown.document
        lines.append(
            f"sources:      {1 + len(d.sources)} (canonical: {d.source.url or d.source.file})"
        )
        for src in d.sources:
            lines.append(f"              also {src.url or src.file}")
    text = "\n".join(lines) + "\n"
    if shown.document:
        text += "\n" + shown.document.body
    else:
        text += "\n(not in the archive: known only because another document names it)\n"
    sys.stdout.write(visible(text))  # document text is data: never terminal controls


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
            f" {mark} {fmt_date(model.start_date(r.issued, r.published, r.effective))}  {r.doc_number or r.id}  {model.display_title(r.title, r.issuer, r.jurisdiction)}  [{r.status_label}]{stub}"
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
    emit_rows(
        rows, "json" if as_json else format_, title=f"Status as of {day}", columns=STATUS_COLUMNS
    )


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
    emit_records(
        records,
        fmt,
        [
            ("expires", lambda r: r["expires"]),
            ("days left", lambda r: str(r["days_left"])),
            ("doc number / id", ref_of),
            (
                "title",
                lambda r: model.display_title(r["title"], r.get("issuer"), r.get("jurisdiction")),
            ),
            ("issuer", lambda r: dash(r["issuer"])),
            ("jurisdiction", lambda r: dash(r["jurisdiction"])),
            (
                "successor",
                lambda r: (
                    f"renewed by {r['successor']}" if r["successor"] else "no successor known"
                ),
            ),
        ],
        title=f"Expiring within {days} days of {day}",
        empty=f"Nothing expires between {day} and {days} days later.",
    )


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
    emit_records(
        records,
        fmt,
        [
            ("due", lambda r: r["due"]),
            ("days left", lambda r: str(r["days_left"])),
            ("document", ref_of),
            ("unit", lambda r: r["unit"]),
            ("evidence", lambda r: r["evidence"]),
        ],
        title=f"Measures due within {days} days of {day}",
        empty=f"No article or item deadline falls between {day} and {days} days later.",
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
