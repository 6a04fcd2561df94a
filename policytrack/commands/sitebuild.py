"""`site build`: the site's data computed incrementally (sitedata), rendered (site)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.index import Index

from .loading import open_archive, without_gc

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack.site.files import BuildReport


def site_build(
    archive_path: Path, out: Path, as_of: date, base_url: str = "", *, force: bool = False
) -> BuildReport:
    """Build the static site into `out`, looking again only at what changed since the last
    build there (see sitedata); only changed files are rewritten. A non-empty folder not
    built by policytrack is refused unless `force` (see site.files.claim)."""
    from policytrack.site.build import previous_build, render_site
    from policytrack.site.files import claim
    from policytrack.sitedata import site_data
    from policytrack.sitegraph import IndexedMetadata

    archive = open_archive(archive_path)
    claim(out, force)
    index = Index(archive)
    index.refresh()
    with without_gc():  # the render workers collect as usual
        previous = previous_build(archive.state, out)
        state = previous.state if previous else None
        data, new_state = site_data(archive, index, as_of, base_url, state)
        # a file that cannot be read keeps the pages its last good version had
        unreadable = frozenset(name.removesuffix(".md") for name, _ in index.problems())
        return render_site(
            data, out, previous, new_state, archive.state, unreadable, IndexedMetadata(index)
        )
