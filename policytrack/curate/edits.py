"""The edits that need no source file: `link`, `unlink` and `set` change one document's
front matter; what they change is kept in `overrides`, so it survives the document being
added again. `link --as copy` folds one document into another as a further *source* of it
(`copy_into`): the sources list is what a text added again is recognised by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policytrack.docfile import serialise
from policytrack.errors import PolicytrackError
from policytrack.ingest import apply_overrides
from policytrack.model import LINEAGE_TYPES, Document, Relation, instrument_key
from policytrack.versions import Profile, is_user_link, same_source, versions_differ

from .merging import number_from

LINK_AS = {"amends": "amends", "replaces": "supersedes", "draft": "draft"}
LINK_KINDS = (*LINK_AS, "copy")  # `link --as`: the lineage links, and copy (not a relation)


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
        raise PolicytrackError(f"--as {as_!r} is not a link; use amends, replaces, draft or copy")
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


def copy_into(old: Document, new: Document, new_body: str, old_body: str) -> Edit:
    """`new` is another copy of `old`'s text (a spun or rewritten copy the measures do not
    find, `versions` module): its sources join `old`'s, `old`'s text stays canonical and
    `new`'s file goes, in one commit. Added again, `new`'s file is found as a source of
    `old` (`add` says "already a source of …"). Refused when the two texts state that
    they are different documents or versions (numbers, dates, draft and final)."""
    if old.id == new.id:
        raise PolicytrackError(f"{old.id} cannot be a copy of itself; give two documents")
    a, b = Profile(new, new_body), Profile(old, old_body)
    if a.number_key and b.number_key and a.number_key != b.number_key:
        raise PolicytrackError(
            f"{new.id} and {old.id} state different doc numbers ({new.doc_number} / "
            f"{old.doc_number}): they are two documents, not copies; link versions with "
            f"'policytrack link {old.id} {new.id} --as amends'"
        )
    if (new.kind == "draft") != (old.kind == "draft"):
        raise PolicytrackError(
            f"one of {old.id} and {new.id} is a draft and the other is not: not copies; link "
            f"a draft to its final text with 'policytrack link DRAFT FINAL --as draft'"
        )
    if versions_differ(a, b):
        raise PolicytrackError(
            f"{new.id} and {old.id} state different dates or revision histories: they are "
            f"different versions, not copies; link them with 'policytrack link OLDER NEWER "
            f"--as amends', or correct a wrong date with 'policytrack set'"
        )
    if new.overrides:
        names = ", ".join(k for k, _ in new.overrides)
        raise PolicytrackError(
            f"{new.id} has values set by the user ({names}); set them on {old.id} with "
            f"'policytrack set {old.id} FIELD=VALUE', then remove them from {new.id} "
            f"('policytrack set {new.id} FIELD=') and link again"
        )
    sources = list(old.sources)
    known = [old.source, *old.sources]
    for src in (new.source, *new.sources):
        if not any((src.sha256 and src.sha256 == k.sha256) or same_source(src, k) for k in known):
            sources.append(src)
            known.append(src)
    doc = number_from(old.with_(sources=tuple(sources)), new)
    if new.title and instrument_key(new.title) != instrument_key(old.title):
        # the copy's own (rewritten) title names the document too, and finds it when the
        # copy is added again: kept in the overrides, as `set aliases=…` would
        have = dict(old.overrides).get("aliases", ",".join(old.aliases))
        doc = apply_overrides(doc, {"aliases": _add_to(have, new.title)})
    return Edit(
        {f"{doc.id}.md": serialise(doc), f"{new.id}.md": None},
        f"link: {new.id} is a copy of {old.id}",
        doc,
        "link",
        f"linked: {new.id} is a copy of {old.id}; its text is recorded as another source of "
        f"{old.id} ({len(doc.sources) + 1} sources), and {new.id}.md is removed",
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
