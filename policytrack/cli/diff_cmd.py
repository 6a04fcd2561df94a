"""The diff command."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    PLAIN_WIDTH,
    ArchiveOpt,
    JsonOpt,
    app,
    handles_errors,
    lazy_module,
    out,
    plain_stdout,
    print_json,
)

if TYPE_CHECKING:
    from policytrack import commands
else:
    commands = lazy_module("policytrack.commands")
from policytrack.errors import PolicytrackError


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
        str,
        typer.Option(
            "--format", help="term, md, html, json, patch or docx (the 新旧对照表 as a Word file)."
        ),
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
    elif fmt == "docx":
        if sys.stdout.isatty():
            raise PolicytrackError(
                "--format docx writes a Word file; redirect it to one: "
                "policytrack diff … --format docx > 对照表.docx"
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(diffout.to_docx(result))
    elif fmt == "term" and plain_stdout():
        diffout.to_plain(result, PLAIN_WIDTH, sys.stdout)
    elif fmt == "term":
        console = out()
        diffout.to_terminal(result, console, colour=not console.no_color)
    else:
        raise PolicytrackError(
            f"--format {fmt!r} is not supported for diff; use term, md, html, json, patch or docx"
        )
