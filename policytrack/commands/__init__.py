"""One function per use case. The CLI calls exactly one of these and formats the result;
nothing here prints, exits or reads the clock.

One module per use case, imported when one of its names is first used: `adding` (`add`, with `inputs`: reading, downloading and ingesting what is
added), `reports` (list, show, history, status, expiring), `diffing`, `checking` (`check`), `edits`
(link, unlink, set), `suggest`, `sitebuild`, `alerting`; `loading` opens an archive for a
command and `rows` is a document as listings show it. The domain rules they use live
below: REF resolution in `lookup`, the version a diff compares with in
`supersession.predecessors`, an alert's phrasing in `alerts`. Every name the CLI, the
benchmarks and the tests use is imported here, so `commands.X` is the way in (and what a
test patches)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytrack.curate import AddResult as AddResult

    from .adding import add
    from .alerting import alerts_run
    from .checking import CheckReport, check
    from .diffing import DiffResult, diff
    from .edits import Edited, link, set_fields, unlink
    from .loading import Loaded, init, lineage, load, open_archive, resolve, without_gc
    from .reports import (
        History,
        MeasureDue,
        Shown,
        expiring_measures,
        expiring_report,
        history,
        iter_documents,
        list_documents,
        show,
        status,
    )
    from .rows import ROW_FIELDS, DocumentRow, row_for
    from .sitebuild import site_build
    from .suggest import Suggested, suggestions

# which module holds each name: a command imports only its own use case (`status` does not
# import what `add` and `check` need — the document reader, YAML, ingest — ~90 ms of a start)
_WHERE: dict[str, str] = {
    **dict.fromkeys(("add",), "adding"),
    **dict.fromkeys(("alerts_run",), "alerting"),
    **dict.fromkeys(("CheckReport", "check"), "checking"),
    **dict.fromkeys(("DiffResult", "diff"), "diffing"),
    **dict.fromkeys(("Edited", "link", "set_fields", "unlink"), "edits"),
    **dict.fromkeys(
        ("Loaded", "init", "lineage", "load", "open_archive", "resolve", "without_gc"), "loading"
    ),
    **dict.fromkeys(
        (
            "History",
            "MeasureDue",
            "Shown",
            "expiring_measures",
            "expiring_report",
            "history",
            "iter_documents",
            "list_documents",
            "show",
            "status",
        ),
        "reports",
    ),
    **dict.fromkeys(("ROW_FIELDS", "DocumentRow", "row_for"), "rows"),
    **dict.fromkeys(("site_build",), "sitebuild"),
    **dict.fromkeys(("Suggested", "suggestions"), "suggest"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found once; a test may still patch it
    return value


__all__ = [
    "ROW_FIELDS",
    "CheckReport",
    "DiffResult",
    "DocumentRow",
    "Edited",
    "History",
    "Loaded",
    "MeasureDue",
    "Shown",
    "Suggested",
    "add",
    "alerts_run",
    "check",
    "diff",
    "expiring_measures",
    "expiring_report",
    "history",
    "init",
    "iter_documents",
    "lineage",
    "link",
    "list_documents",
    "load",
    "open_archive",
    "resolve",
    "row_for",
    "set_fields",
    "show",
    "site_build",
    "status",
    "suggestions",
    "unlink",
    "without_gc",
]
