"""Commands that correct what the archive says without a source file: link, unlink, set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    AsOfOpt,
    JsonOpt,
    app,
    handles_errors,
    lazy_module,
    parse_as_of,
    print_json,
)

if TYPE_CHECKING:
    from policytrack import commands
else:
    commands = lazy_module("policytrack.commands")
from policytrack.errors import PolicytrackError
from policytrack.fields import SETTABLE


def _done(edited: commands.Edited, as_json: bool) -> None:
    if as_json:
        print_json({"message": edited.message, "id": edited.document.id, "commit": edited.commit})
        return
    tail = f" ({edited.commit[:10]})" if edited.commit else ""
    print(f"{edited.message}{tail}")


@app.command()
@handles_errors
def link(
    old: Annotated[
        str | None,
        typer.Argument(help="The older document, or with --as copy the document kept (any REF)."),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="The newer document, or with --as copy its copy (any REF).")
    ] = None,
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help="amends: NEW is a later version of the same instrument (OLD becomes 已被修改); "
            "replaces: NEW replaces OLD (OLD becomes 已废止); draft: NEW is the final text of "
            "the draft OLD; copy: NEW is another copy of OLD's text (a rewritten or spun "
            "copy): it becomes a further source of OLD and NEW's file is removed.",
        ),
    ] = "amends",
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="List pairs that title, issuer, dates and text suggest are versions (or "
            "copies), with a score, the evidence and the command; links nothing.",
        ),
    ] = False,
    as_of: AsOfOpt = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Link two documents of one lineage (one commit, kept in NEW's overrides so it survives
    NEW being added again), record NEW as a copy of OLD (--as copy: one document with both
    sources), or list the suggested links with --suggest."""
    if suggest:
        if old or new:
            raise PolicytrackError(
                "--suggest lists candidates for the whole archive; give no OLD and NEW with it"
            )
        found = commands.suggestions(archive, parse_as_of(as_of))
        if as_json:
            print_json(
                [
                    {
                        "older": s.older.to_json(),
                        "newer": s.newer.to_json(),
                        "score": s.score,
                        "evidence": list(s.evidence),
                        "type": s.type,
                        "command": s.command,
                    }
                    for s in found
                ]
            )
            return
        if not found:
            print("No suggestions: every same-titled pair is linked or kept apart.")
        for s in found:
            what = f"  ({s.newer.id} may be a copy)" if s.type == "copy" else ""
            print(f"{s.score:.2f}  {s.older.id} → {s.newer.id}{what}")
            for line in s.evidence:
                print(f"      {line}")
            print(f"      link: {s.command}")
            print(f"      keep apart: policytrack unlink {s.older.id} {s.newer.id}")
        return
    if not old or not new:
        raise PolicytrackError(
            "give OLD and NEW (policytrack link OLD NEW --as amends|replaces|draft|copy), "
            "or --suggest to list candidates"
        )
    _done(commands.link(archive, old, new, as_), as_json)


@app.command()
@handles_errors
def unlink(
    a: Annotated[str, typer.Argument(help="One document (any REF).")],
    b: Annotated[str, typer.Argument(help="The other document (any REF).")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Remove every lineage link between two documents (amends, replaces, draft,
    predecessor), either way, and keep them apart: the links their texts state are not made
    again when they are added again, and they are no longer suggested. One commit."""
    _done(commands.unlink(archive, a, b), as_json)


@app.command("set")
@handles_errors
def set_(
    ref: Annotated[str, typer.Argument(help="The document (any REF).")],
    values: Annotated[
        list[str] | None,
        typer.Argument(
            help="FIELD=VALUE pairs. Fields: "
            + ", ".join(SETTABLE)
            + ". Dates as YYYY-MM-DD (or 'unknown'); aliases, predecessor, supersedes, amends, "
            "draft and unlink as comma-separated lists.",
            show_default=False,
        ),
    ] = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
) -> None:
    """Correct a document's metadata without its source file: one commit; the values are
    kept in its overrides and survive the document being added again."""
    _done(commands.set_fields(archive, ref, values or []), as_json)


__all__ = ["link", "set_", "unlink"]
