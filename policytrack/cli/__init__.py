"""The command line: parse arguments, call one function in `commands`, format the result.

Only this package imports typer and rich. Every `PolicytrackError` becomes one
`Error:` line on stderr and exit code 1; usage errors exit 2; no traceback reaches a user
(set POLICYTRACK_DEBUG=1 to see one). One module per group of commands registers them on
the shared app.
"""

from __future__ import annotations

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
    app()
