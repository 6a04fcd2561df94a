"""The Typer app, shared options, error handling and output helpers of the CLI."""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

from policytrack.errors import PolicytrackError
from policytrack.lazyre import lazy_module as lazy_module  # commands built without `commands`

app = typer.Typer(
    name="policytrack",
    help="Chinese government policy documents as canonical Markdown in git: versions, validity, redlines, alerts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


def _print_version(value: bool) -> None:
    if value:
        from policytrack import __version__

        print(f"policytrack {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options that come before the command."""


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


PLAIN_WIDTH = 200  # columns of output that goes to a file or a program


def plain_stdout() -> bool:
    """Whether stdout is not a terminal and no colour is forced: what `out()` would print
    without colour at PLAIN_WIDTH, which a command may write without rich."""
    return not sys.stdout.isatty() and not os.environ.get("FORCE_COLOR")


def out() -> Console:  # rich is imported here, by the commands that print with it
    """stdout console: colour only on a terminal (or with FORCE_COLOR), never with NO_COLOR;
    no escape codes at all when colour is off."""
    from rich.console import Console

    tty = sys.stdout.isatty()
    colour = (tty or bool(os.environ.get("FORCE_COLOR"))) and not os.environ.get("NO_COLOR")
    return Console(
        width=None if tty else PLAIN_WIDTH,
        no_color=not colour,
        force_terminal=colour,
        color_system="standard" if colour else None,
        highlight=False,
        markup=False,  # document text is data: "[a]" or "[/]" in a title is printed as is
    )


def _show_warnings() -> None:
    """Warnings the core logs (a skipped file, …) as `warning: …` lines on stderr; the
    stream is looked up when a warning comes, so a test runner's capture sees it.
    Installed when a command runs (logging is not imported at start-up)."""
    import logging

    log = logging.getLogger("policytrack")
    if log.handlers:
        return

    class Warnings(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"warning: {record.getMessage()}", file=sys.stderr)

    log.addHandler(Warnings(logging.WARNING))
    log.setLevel(logging.WARNING)
    log.propagate = False


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
        _show_warnings()
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
            # a write the system refused (disk full, read-only, permissions) is not a bug
            import sqlite3

            from policytrack.recovery import environment_problem

            if isinstance(exc, (OSError, sqlite3.Error)):
                name = getattr(exc, "filename", None)
                where = Path(name).parent if name else "the folder being written"
                problem = environment_problem(exc, where)
                if problem:
                    raise fail(problem) from None
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


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text for a terminal: control characters (an escape sequence in a hand-edited file
    would recolour or rewrite the reader's terminal) shown as \\xNN instead."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _stream_json(records: Iterable[dict[str, Any]]) -> None:
    """`print_json` of a list, byte for byte, written one record at a time."""
    sep = "[\n"
    for rec in records:
        text = json.dumps(rec, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(sep + "  " + text.replace("\n", "\n  "))
        sep = ",\n"
    sys.stdout.write("[]\n" if sep == "[\n" else "\n]\n")


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def emit_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    columns: list[tuple[str, Callable[[dict[str, Any]], str]]],
    *,
    title: str,
    empty: str,
) -> None:
    """Print records as json, csv (every field), md or a table (the given columns). json,
    csv and md are written as the records come (a long listing starts at once); a table
    aligns its columns over all of them first."""
    if fmt == "json":
        _stream_json(records)
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        it = iter(records)
        first = next(it, None)
        fields = list(first) if first else [name for name, _ in columns]
        writer.writerow(fields)
        for rec in itertools.chain([first] if first else [], it):
            writer.writerow([_csv_cell(rec.get(f)) for f in fields])
    elif fmt == "md":
        print("| " + " | ".join(name for name, _ in columns) + " |")
        print("|" + " --- |" * len(columns))
        for rec in records:
            print("| " + " | ".join(cell(rec) for _, cell in columns) + " |")
    elif fmt == "table":
        records = list(records)
        if not records:
            print(empty)
            return
        rows = [[cell(rec) for _, cell in columns] for rec in records]
        if not sys.stdout.isatty():
            sys.stdout.write(plain_table(title, [name for name, _ in columns], rows))
            return
        from rich.table import Table

        table = Table(title=title, box=None, header_style="bold", pad_edge=False)
        for name, _ in columns:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*row)
        out().print(table)
    else:
        raise PolicytrackError(
            f"--format {fmt!r} is not supported here; use table, json, csv or md"
        )


def plain_table(title: str, headers: list[str], rows: list[list[str]]) -> str:
    """A table for a pipe or a file: one record per line (nothing folded, so grep and
    sort see whole records), columns aligned by display width (a Chinese character is two
    columns). rich lays out a terminal's table; for a pipe it measured every cell of
    thousands of rows (1.5 s of `expiring` at 100,000 documents)."""
    from rich.cells import cell_len

    widths = [cell_len(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        padded = (c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    total = sum(widths) + 2 * (len(widths) - 1)
    head = [title.center(total).rstrip()] if title else []
    return "\n".join([*head, line(headers), *map(line, rows)]) + "\n"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def ref_of(rec: dict[str, Any]) -> str:
    return str(rec.get("doc_number") or rec["id"])


def dash(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)
