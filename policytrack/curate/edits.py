"""The edits that need no source file: `link`, `unlink` and `set` change one document's
front matter; what they change is kept in `overrides`, so it survives the document being
added again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policytrack.docfile import serialise
from policytrack.errors import PolicytrackError
from policytrack.ingest import apply_overrides
from policytrack.model import LINEAGE_TYPES, Document, Relation
from policytrack.versions import is_user_link

LINK_AS = {"amends": "amends", "replaces": "supersedes", "draft": "draft"}


@dataclass(frozen=True)
class Edit:
    """What one edit command wrote: the files, the commit subject and the main document."""

    files: dict[str, str | None]
    subject: str
    doc: Document
    action: str
    message: str


def link(old: Document, new: Document, as_: str, lineage_of_old: Iterable[str]) -> Edit:
    """`new` is a later version (amends), the replacement (replaces) or the final text
    (draft) of `old`: recorded in new's overrides, one commit."""
    if as_ not in LINK_AS:
        raise PolicytrackError(f"--as {as_!r} is not a link; use amends, replaces or draft")
    if old.id == new.id:
        raise PolicytrackError(f"{old.id} cannot be linked to itself; give two documents")
    if new.id in set(lineage_of_old) and _is_ancestor(new, old.id):
        raise PolicytrackError(
            f"{new.id} is already an earlier version of {old.id}; linking it as later would "
            f"make a cycle. To reverse them run 'policytrack unlink {new.id} {old.id}' first"
        )
    rtype = LINK_AS[as_]
    if any(r.type == rtype and r.target_id == old.id and is_user_link(r) for r in new.relations):
        raise PolicytrackError(
            f"{new.id} already {as_} {old.id}; nothing to do (remove it with "
            f"'policytrack unlink {old.id} {new.id}')"
        )
    ov = dict(new.overrides)
    ov[rtype] = _add_to(ov.get(rtype, ""), old.id)
    if "unlink" in ov:
        rest = _remove_from(ov["unlink"], old.id)
        if rest:
            ov["unlink"] = rest
        else:
            del ov["unlink"]
    cleared = new.with_(
        relations=tuple(
            r
            for r in new.relations
            if not (r.type in LINEAGE_TYPES and r.target_id == old.id and not is_user_link(r))
        ),
        overrides=(),
    )
    doc = apply_overrides(cleared, ov)
    label = {"amends": "amends", "replaces": "replaces", "draft": "is the final text of"}[as_]
    return Edit(
        {f"{doc.id}.md": serialise(doc)},
        f"link: {new.id} {as_} {old.id}",
        doc,
        "link",
        f"linked: {new.id} {label} {old.id}",
    )


def _is_ancestor(doc: Document, other: str) -> bool:
    return any(r.type in LINEAGE_TYPES and r.target_id == other for r in doc.relations)


def unlink(a: Document, b: Document, targets: dict[str, list[Relation]]) -> Edit:
    """Remove every lineage link between a and b, either way, and keep them apart: the
    text's own links stay removed when the documents are added again. `targets` holds,
    per document id, its lineage relations that resolve to the other document."""
    files: dict[str, str | None] = {}
    changed: list[Document] = []
    linked = bool(targets.get(a.id) or targets.get(b.id))
    for holder, other in ((a, b), (b, a)):
        rels = targets.get(holder.id, [])
        if not rels and (linked or holder is a):
            continue  # not linked at all: the later one records that they stay apart
        ov = dict(holder.overrides)
        for field_ in ("amends", "draft", "supersedes", "predecessor"):
            if field_ in ov:
                rest = _remove_from(ov[field_], other.id)
                for r in rels:
                    rest = _remove_from(rest, r.target)
                    if r.doc_number:
                        rest = _remove_from(rest, r.doc_number)
                if rest:
                    ov[field_] = rest
                else:
                    del ov[field_]
        gone = ov.get("unlink", "")
        for value in [other.id, *(r.target for r in rels if not is_user_link(r))]:
            gone = _add_to(gone, value)
        ov["unlink"] = gone
        kept = tuple(r for r in holder.relations if r not in rels)
        doc = apply_overrides(holder.with_(relations=kept, overrides=()), ov)
        files[f"{doc.id}.md"] = serialise(doc)
        changed.append(doc)
    what = "unlinked" if linked else "kept apart (they were not linked)"
    return Edit(
        files,
        f"unlink: {a.id} {b.id}",
        changed[0],
        "unlink",
        f"{what}: {a.id} and {b.id}; not linked again when added again, nor suggested",
    )


def set_fields(doc: Document, values: dict[str, str]) -> Edit:
    """Set metadata fields of a stored document, kept as overrides (one commit)."""
    new = apply_overrides(doc, values)
    files: dict[str, str | None] = {f"{new.id}.md": serialise(new)}
    if new.id != doc.id:
        files[f"{doc.id}.md"] = None
    pairs = " ".join(f"{k}={v}" for k, v in values.items())
    return Edit(files, f"set: {doc.id} {pairs}"[:200], new, "set", f"set: {new.id} {pairs}")


def _add_to(listing: str, value: str) -> str:
    items = [v.strip() for v in listing.split(",") if v.strip()]
    if value and value not in items:
        items.append(value)
    return ",".join(items)


def _remove_from(listing: str, value: str) -> str:
    return ",".join(v.strip() for v in listing.split(",") if v.strip() and v.strip() != value)
