"""The library API: one archive as a Python object, as `sqlite_utils.Database` is one
database.

    from policytrack import Policytrack

    pt = Policytrack("archive")
    for row in pt.documents(status="in_force"):
        print(row.id, row.title, row.expires)

Each method is a thin call to the `commands` function the CLI command of the same name
calls, so a script and the CLI see the same archive the same way: the same REF spellings,
the same statuses, the same errors (every user-facing failure is a
`policytrack.errors.PolicytrackError` whose message says what to do). Nothing is cached
between calls: each one refreshes the index from git first, so a script sees what another
process committed in the meantime.

Time is an argument, as everywhere in policytrack: the methods that depend on the date take
`as_of`; left out, it is today's date (this module and `cli` are the only ones that read
the clock). See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import commands
from .errors import NotFound, PolicytrackError

if TYPE_CHECKING:
    from .alerts import RunReport
    from .commands import CheckReport, DiffResult, DocumentRow, Edited, History, Suggested
    from .curate import AddResult
    from .model import Document
    from .site.files import BuildReport
    from .temporal import Expiring

__all__ = ["Policytrack"]


class Policytrack:
    """An archive of policy documents: a folder of canonical Markdown files in git.

    `Policytrack(path)` opens an existing archive (an `ArchiveError` saying how to create
    one when there is none);
    `Policytrack.init(path)` creates one."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        commands.open_archive(self.path)  # fails now, with the fix, when there is none

    @classmethod
    def init(cls, path: str | Path) -> Policytrack:
        """Create an archive at `path` (a new git repository, or a folder of an existing
        one) and open it."""
        commands.init(Path(path))
        return cls(path)

    def __repr__(self) -> str:
        return f"Policytrack({str(self.path)!r})"

    # --- writing -------------------------------------------------------------------------

    def add(
        self,
        *files: str | Path,
        url: str = "",
        sets: Mapping[str, str] | None = None,
        replace: bool = False,
        batch: bool = False,
        dry_run: bool = False,
    ) -> list[AddResult]:
        """Ingest files or http(s) URLs, as `policytrack add`: one `AddResult` per input
        (its `action`: added, copy, unchanged, corrected, linked or refused, with the
        `reason`), plus the stored documents a new version relinked. A refused input does
        not stop the others and raises nothing: look at `action`. `sets` overrides
        extracted fields ({"issuer": "北京市人民政府"}), as `--set`."""
        pairs = [f"{k}={v}" for k, v in (sets or {}).items()]
        return commands.add(
            self.path,
            [str(f) for f in files],
            url=url,
            sets=pairs,
            replace=replace,
            batch=batch,
            dry_run=dry_run,
        )

    def link(self, old: str, new: str, as_: str = "amends") -> Edited:
        """Record that `new` amends `old` (as_ "replaces": replaces it, "draft": is the
        final text of the draft, "copy": is another source of it), as `policytrack link`:
        one commit."""
        return commands.link(self.path, old, new, as_)

    def unlink(self, a: str, b: str) -> Edited:
        """Remove every lineage link between two documents and keep them apart."""
        return commands.unlink(self.path, a, b)

    def set(self, ref: str, **values: str) -> Edited:
        """Correct metadata of a stored document (`pt.set(ref, issuer="…")`), as
        `policytrack set`: one commit; the values survive the document being added again."""
        return commands.set_fields(self.path, ref, [f"{k}={v}" for k, v in values.items()])

    # --- reading -------------------------------------------------------------------------

    def documents(
        self,
        *,
        status: str | None = None,
        issuer: str | None = None,
        kind: str | None = None,
        jurisdiction: str | None = None,
        as_of: date | None = None,
    ) -> list[DocumentRow]:
        """The archived documents with their status on `as_of`, as `policytrack list`:
        `status` is a code (in_force, expired, repealed …), its Chinese label (现行有效) or
        "current" (the version in force of each lineage); `issuer` and `jurisdiction` match
        a part of the name."""
        return commands.list_documents(
            self.path,
            _day(as_of),
            status=status,
            issuer=issuer,
            kind=kind,
            jurisdiction=jurisdiction,
        )

    def get(self, ref: str) -> Document:
        """The document a REF names (id, doc number in any spelling, title, slug), read
        from its file. A document known only as a reference (a stub) has no text:
        `NotFound`."""
        shown = commands.show(self.path, ref, date.max)
        if shown.document is None:
            raise NotFound(
                f"{shown.row.doc_number or shown.row.title} is known only as a reference; "
                "add its text with Policytrack.add"
            )
        return shown.document

    def text(self, ref: str) -> str:
        """The canonical Markdown file of the document a REF names."""
        shown = commands.show(self.path, ref, date.max)
        if shown.document is None:
            raise NotFound(f"{shown.row.id} is known only as a reference; it has no text")
        return shown.text

    def status(self, ref: str, as_of: date | None = None) -> DocumentRow:
        """The document (or stub) a REF names with its status on `as_of`: `row.status` is
        the code, `row.status_label` the Chinese label, `row.status_reason` why."""
        return commands.status(self.path, ref, _day(as_of))[0]

    def history(self, ref: str, as_of: date | None = None) -> History:
        """The REF's lineage, oldest version first (rows with their status on `as_of`),
        and the git commits that touched its file."""
        return commands.history(self.path, ref, _day(as_of))

    def diff(
        self, old: str, new: str | None = None, *, ignore_variants: bool = False
    ) -> DiffResult:
        """Compare two versions, or (`new` left out) a version with the one before it in
        its lineage, as `policytrack diff`. `result.diff.units` are the aligned articles,
        `result.diff.key_changes` the changes in money, deadlines, penalties …. A REF that
        is a file outside the archive is read for the comparison, not stored."""
        return commands.diff(self.path, old, new, ignore_variants=ignore_variants)

    def expiring(
        self, within: int | timedelta = 90, *, as_of: date | None = None
    ) -> list[Expiring]:
        """Documents whose validity ends within `within` (days, or a timedelta) of `as_of`,
        soonest first, each with its days left and the document superseding it, if any."""
        days = within.days if isinstance(within, timedelta) else within
        if days < 0:
            raise PolicytrackError(f"within={within!r} is negative; give a number of days ≥ 0")
        return commands.expiring_report(self.path, _day(as_of), days)

    def suggestions(self, as_of: date | None = None) -> list[Suggested]:
        """Pairs of documents that look like versions of one instrument but are not linked
        (never linked silently: link them with `link`, or keep them apart with `unlink`)."""
        return commands.suggestions(self.path, _day(as_of))

    def check(self, *, strict: bool = False) -> CheckReport:
        """Validate every file and relation: a `ValidationErrors` listing every problem,
        else the report with its warnings (`strict`: warnings are problems too)."""
        return commands.check(self.path, strict=strict)

    # --- outputs ---------------------------------------------------------------------------

    def build_site(
        self, out: str | Path, *, as_of: date | None = None, base_url: str = "", force: bool = False
    ) -> BuildReport:
        """Build the static website into `out`, as `policytrack site build` (incremental:
        only what changed is rewritten)."""
        return commands.site_build(self.path, Path(out), _day(as_of), base_url, force=force)

    def run_alerts(
        self,
        config: str | Path,
        *,
        env: Mapping[str, str],
        now: str,
        as_of: date | None = None,
        dry_run: bool = False,
    ) -> RunReport:
        """One scheduled alerts run with the configuration at `config`, as
        `policytrack alerts run`: `env` holds the secrets the configuration names, `now`
        the time stamp recorded for deliveries."""
        return commands.alerts_run(
            self.path, Path(config), _day(as_of), env=env, now=now, dry_run=dry_run
        )


def _day(as_of: date | None) -> date:
    return date.today() if as_of is None else as_of
