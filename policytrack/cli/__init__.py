"""The command line: parse arguments, call one function in `commands`, format the result.

Only this package imports typer and rich. Every `PolicytrackError` becomes one
`Error:` line on stderr and exit code 1; usage errors exit 2; no traceback reaches a user
(set POLICYTRACK_DEBUG=1 to see one). One module per group of commands registers them on
the shared app.
"""

from __future__ import annotations

import copy
import sys

import typer
from typer.main import get_command_name

from policytrack.cli import alerts_cmd, archive_cmds, diff_cmd, edit_cmds, reports, site_cmd
from policytrack.cli.app import app

__all__ = [
    "alerts_cmd",
    "app",
    "archive_cmds",
    "diff_cmd",
    "edit_cmds",
    "main",
    "reports",
    "site_cmd",
]


def main() -> None:
    """Console-script entry point."""
    for_command(sys.argv[1:])()


def for_command(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name registered (the whole app when they name
    none: options, a typo, no command). Typer builds every registered command (signatures
    read, annotations evaluated) before it runs one: 18 commands, ~40 ms of each start
    (measured with cProfile on `status`, docs/performance.md)."""
    name = args[0] if args else ""
    commands = [
        c
        for c in app.registered_commands
        if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one
