"""The edits that need no source file: link, unlink, set; one commit each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.archive import Archive, Trailers
from policytrack.docfile import parse
from policytrack.errors import Conflict, NotFound, PolicytrackError
from policytrack.model import LINEAGE_TYPES, Document, Relation
from policytrack.temporal import build_graph

from .loading import Loaded, lineage, load, resolve

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack import curate


@dataclass(frozen=True)
class Edited:
    """What an edit command did: its message line, the document and the commit."""

    message: str
    document: Document
    commit: str | None


def _edit(archive: Archive, edit: curate.Edit, doc_ids: list[str]) -> Edited:
    """Commit one edit (refused when a file it touches has uncommitted changes)."""
    with archive.lock():
        archive.recover()
        for doc_id in doc_ids:
            if archive.is_dirty(f"{doc_id}.md"):
                raise Conflict(
                    f"{doc_id}.md has uncommitted changes; commit or discard them with git first"
                )
        d = edit.doc
        sha = archive.commit(
            edit.files,
            edit.subject[:200],
            Trailers(edit.action, d.id, d.doc_number or "", d.source.url, d.source.sha256),
        )
    return Edited(edit.message if sha else "unchanged: nothing to write", d, sha)


def archived(loaded: Loaded, ref: str) -> Document:
    doc_id = resolve(loaded, ref)
    if doc_id not in loaded.docs:
        raise NotFound(
            f"{loaded.graph.label(doc_id)} is known only as a reference; add its text with "
            "'policytrack add' before linking it"
        )
    return parse(loaded.archive.doc_path(doc_id).read_text(encoding="utf-8"), f"{doc_id}.md")


def link(archive_path: Path, old_ref: str, new_ref: str, as_: str) -> Edited:
    """Record that NEW amends, replaces or is the final text (draft) of OLD: one commit;
    kept in NEW's overrides so it survives NEW being added again. `copy`: NEW's text is
    another source of OLD (`curate.copy_into`)."""
    from policytrack import curate

    loaded = load(archive_path)
    old, new = archived(loaded, old_ref), archived(loaded, new_ref)
    later = lineage(loaded, old.id)
    if as_ == "copy":
        return _copy(loaded, old, new, later)
    if new.id in later and later.index(new.id) < later.index(old.id):
        raise PolicytrackError(
            f"{new.id} is already an earlier version of {old.id}; linking it as the later one "
            f"would make a cycle. Remove the old link first: 'policytrack unlink {new.id} {old.id}'"
        )
    return _edit(loaded.archive, curate.link(old, new, as_, later), [new.id])


def _copy(loaded: Loaded, old: Document, new: Document, later: list[str]) -> Edited:
    """NEW folded into OLD as another source; refused while anything names NEW by id."""
    from policytrack import curate

    if new.id != old.id and new.id in later:
        raise PolicytrackError(
            f"{old.id} and {new.id} are linked as versions of one lineage; remove the link "
            f"first ('policytrack unlink {old.id} {new.id}'), then link the copy"
        )
    pointing = sorted(
        d.id
        for d in loaded.docs.values()
        if d.id != new.id and any(r.target_id == new.id for r in d.relations)
    )
    if pointing:
        raise PolicytrackError(
            f"{', '.join(pointing)} link to {new.id} by id; unlink them first "
            f"('policytrack unlink {new.id} {pointing[0]}'), then link the copy"
        )
    edit = curate.copy_into(old, new, new.body, old.body)
    return _edit(loaded.archive, edit, [old.id, new.id])


def unlink(archive_path: Path, a_ref: str, b_ref: str) -> Edited:
    """Remove every lineage link between two documents, either way, and keep them apart
    (the text's own links stay removed, suggestions stop): one commit. One side may be a
    document known only as a reference (a stub): the other's links to it go."""
    from policytrack import curate

    loaded = load(archive_path)
    sides: list[Document] = []
    for ref in (a_ref, b_ref):
        doc_id = resolve(loaded, ref)
        if doc_id in loaded.docs:
            sides.append(archived(loaded, doc_id))
        else:
            stub = loaded.graph.stubs[doc_id]
            sides.append(Document(doc_id, stub.title, doc_number=stub.doc_number))
    a, b = sides
    targets: dict[str, list[Relation]] = {}
    for holder, other in ((a, b), (b, a)):
        if holder.id not in loaded.docs:
            continue
        # the holder's lineage relations that name the other document (by id, number or title)
        targets[holder.id] = [
            r
            for r in holder.relations
            if r.type in LINEAGE_TYPES and other.id in _targets_of(holder, r, other, loaded)
        ]
    stubbed = [d.id for d in (a, b) if d.id not in loaded.docs]
    if stubbed and not any(targets.values()):
        raise PolicytrackError(
            f"{a.id} and {b.id} are not linked; nothing to do "
            "(see a document's lineage with 'policytrack history REF')"
        )
    edit = curate.unlink(a, b, targets)
    return _edit(loaded.archive, edit, [d.id for d in (a, b) if d.id in loaded.docs])


def _targets_of(holder: Document, rel: Relation, other: Document, loaded: Loaded) -> set[str]:
    """What one relation of `holder` resolves to, in a graph of the two documents (the
    other as a stub when it is one)."""
    docs = [holder.with_(relations=(rel,))]
    if other.id in loaded.docs:
        docs.append(other)
    g = build_graph(docs)
    return set(g.predecessors.get(holder.id, []))


def set_fields(archive_path: Path, ref: str, pairs: list[str]) -> Edited:
    """Correct metadata of a stored document without its source file: one commit; the
    values are kept in its overrides, so they survive the document being added again."""
    from policytrack import curate
    from policytrack.ingest import parse_sets

    if not pairs:
        raise PolicytrackError(
            "give at least one FIELD=VALUE, e.g. issuer=北京市人民政府; see 'policytrack set --help'"
        )
    values = parse_sets(pairs, flag="")
    loaded = load(archive_path)
    doc = archived(loaded, ref)
    edit = curate.set_fields(doc, values)
    if edit.doc.id != doc.id:
        if loaded.archive.doc_path(edit.doc.id).exists():
            raise Conflict(f"{edit.doc.id} is already taken by another document; choose another id")
        pointing = [
            d.id for d in loaded.docs.values() if any(r.target_id == doc.id for r in d.relations)
        ]
        if pointing:
            raise PolicytrackError(
                f"{', '.join(sorted(pointing))} link to {doc.id} by id; unlink them first "
                f"('policytrack unlink {doc.id} {pointing[0]}'), rename, then link again"
            )
    return _edit(loaded.archive, edit, [doc.id])
