"""`policytrack alerts run`: the one-shot command made to be scheduled."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    AsOfOpt,
    app,
    handles_errors,
    lazy_module,
    parse_as_of,
)

if TYPE_CHECKING:
    from policytrack import commands
else:
    commands = lazy_module("policytrack.commands")
from policytrack.errors import PolicytrackError

alerts_app = typer.Typer(
    help="Send alerts before measures expire (email, webhooks, work-chat bots).",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("run")
@handles_errors
def run(
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            envvar="POLICYTRACK_CONFIG",
            help="The alerts configuration (TOML; env POLICYTRACK_CONFIG). See docs/alerts.md.",
        ),
    ] = Path("policytrack.toml"),
    as_of: AsOfOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent; send nothing, record nothing."),
    ] = False,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
) -> None:
    """Find documents crossing the configured thresholds and deliver each alert once.

    Undelivered alerts stay pending and are retried on the next run; the exit code is 1
    when any channel failed. Safe to run from cron, a systemd timer or a CI schedule.
    """
    day = parse_as_of(as_of)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    report = commands.alerts_run(archive, config, day, env=os.environ, now=now, dry_run=dry_run)
    for d in report.deliveries:
        n = len(d.message.alerts)
        what = f"{d.subscriber} → {d.channel} ({d.target}): {n} alert{'s' if n > 1 else ''}"
        if dry_run:
            print(f"would send to {what}")
            print(f"  Subject: {d.message.subject}")
            for line in d.message.text.rstrip().splitlines():
                print(f"  | {line}" if line else "  |")
            print()
        elif d.ok:
            print(f"sent    {what} — {d.message.subject}")
        else:
            print(f"FAILED  {what} — {d.error}")
    if not report.deliveries:
        print(f"No alerts due on {report.as_of}.")
    if report.first_run:
        print(
            "First run: the status of every document is recorded now; superseded and "
            "new-version alerts are found by comparison from the next run on."
        )
    if dry_run:
        print("Dry run: nothing sent, nothing recorded.")
        return
    failed = report.failed
    pending = sum(len(d.message.alerts) for d in failed)
    print(f"{report.new} new, {report.sent_alerts} delivered, {pending} pending for the next run.")
    if failed:
        reasons = "; ".join(f"{d.subscriber}/{d.channel}: {d.error}" for d in failed)
        raise PolicytrackError(
            f"{pending} alert(s) could not be delivered and stay pending for the next run "
            f"({reasons})"
        )
