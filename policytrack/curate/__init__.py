"""Where each added text goes, and the edits that need no source file.

`plan_add` (`placing`) decides, for every ingested text in a run, whether it is a new
document, a copy of one already known (another *source* of it), a new version of an
instrument (a distinct id, linked to its neighbours), a correction, or a refusal, against
the archive *and* the texts before it in the same run; then it recomputes the lineage links
of every instrument it touched; `merging` is how a text joins a stored document. Nothing is
written here: `commands.add` commits the plan, and `--dry-run` prints the very same plan.

`link`, `unlink` and `set` (`edits`) change one document's front matter without its source
file; what they change is kept in `overrides`, so it survives the document being added
again; `link --as copy` makes one document another source of another.
"""

from __future__ import annotations

from .edits import LINK_AS, LINK_KINDS, Edit, copy_into, link, set_fields, unlink
from .placing import AddResult, Input, plan_add

__all__ = [
    "LINK_AS",
    "LINK_KINDS",
    "AddResult",
    "Edit",
    "Input",
    "copy_into",
    "link",
    "plan_add",
    "set_fields",
    "unlink",
]
