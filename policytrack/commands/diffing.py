"""`diff`: two versions, or one version and the one before it in its lineage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.docfile import serialise
from policytrack.errors import NotFound
from policytrack.model import Document
from policytrack.safeio import read_limited
from policytrack.supersession import predecessor_of

from .loading import Loaded, load, read_document, resolve

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack.diff import DocumentDiff


@dataclass(frozen=True)
class DiffResult:
    """A diff with both documents, their canonical texts and their archive paths."""

    diff: DocumentDiff
    old: Document
    new: Document
    old_text: str
    new_text: str
    old_path: str
    new_path: str


def _load_side(loaded: Loaded, ref: str) -> tuple[Document, str, str]:
    path = Path(ref)
    if path.is_file() and (path.suffix != ".md" or path.resolve().parent != loaded.archive.root):
        from policytrack.ingest import ingest
        from policytrack.ingest.decode import DEFAULT_MAX_BYTES

        result = ingest(read_limited(path, DEFAULT_MAX_BYTES), path.name)
        return (
            result.document,
            serialise(result.document),
            f"{loaded.archive.prefix or '.'}/{result.document.id}.md",
        )
    doc_id = resolve(loaded, ref)
    if doc_id not in loaded.docs:
        raise NotFound(
            f"{loaded.graph.label(doc_id)} is known only as a reference; its text is not in the archive, "
            "so there is nothing to diff; add it with 'policytrack add'"
        )
    doc, text = read_document(loaded, doc_id)
    return doc, text, loaded.archive.relpath(f"{doc_id}.md")


def diff(
    archive_path: Path, old_ref: str, new_ref: str | None, *, ignore_variants: bool = False
) -> DiffResult:
    """Diff two versions, or one document against its predecessor in its lineage.
    A REF that is a file outside the archive is ingested (not stored) for the comparison."""
    loaded = load(archive_path)
    if new_ref is None:
        new, new_text, new_path = _load_side(loaded, old_ref)
        pred = predecessor_of(loaded.graph, new.id) if new.id in loaded.docs else None
        if pred is None:
            raise NotFound(
                f"{new.doc_number or new.id} has no earlier version in the archive; give two REFs "
                f"(policytrack diff OLD NEW) or link them with 'policytrack link OLD {new.id} --as amends'"
            )
        old, old_text, old_path = _load_side(loaded, pred)
    else:
        old, old_text, old_path = _load_side(loaded, old_ref)
        new, new_text, new_path = _load_side(loaded, new_ref)
    from policytrack.diff import diff_documents

    result = diff_documents(old, new, ignore_variants=ignore_variants)
    return DiffResult(result, old, new, old_text, new_text, old_path, new_path)
