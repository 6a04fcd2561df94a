"""How a text joins a stored document: a copy's state carried over, a new text adopted under
the stored identity (its id, overrides, user links and every source kept), a doc number
taken from another source of the same text."""

from __future__ import annotations

from policytrack.docfile import parse, serialise
from policytrack.ingest import apply_overrides
from policytrack.model import LINEAGE_TYPES, Document, FieldEvidence, Relation, Source, ref_key
from policytrack.versions import is_user_link, same_source


def with_state(new: Document, stored: Document) -> str:
    """The text `new` would have as the stored document: the sources, text-made links and
    id a run gave that document added to it."""
    relations = [r for r in new.relations if r.type not in ("amends", "draft") or is_user_link(r)]
    relations += auto_links(stored)
    new = new.with_(id=stored.id, sources=stored.sources, relations=tuple(relations))
    if stored.doc_number and not new.doc_number:  # a copy's number
        new = new.with_(
            doc_number=stored.doc_number,
            evidence=tuple(e for e in stored.evidence if e[0] == "doc_number") + new.evidence,
        )
        new = number_order(new)
    return serialise(new)


def source_place(src: Source) -> str:
    return src.url or src.file


def links_to(doc: Document, other: Document) -> bool:
    """Whether doc's lineage relations point at `other` (by id or doc number)."""
    number = ref_key(other.doc_number) if other.doc_number else None
    return any(
        r.type in LINEAGE_TYPES
        and (
            r.target_id == other.id or (number and r.doc_number and ref_key(r.doc_number) == number)
        )
        for r in doc.relations
    )


def auto_links(doc: Document) -> list[Relation]:
    return [r for r in doc.relations if r.type in ("amends", "draft") and not is_user_link(r)]


def with_body(doc: Document, text: str) -> Document:
    return doc if doc.body else parse(text, f"{doc.id}.md")


def adopt(new: Document, old: Document, *, keep_old_source: bool = True) -> Document:
    """`new`'s text and extracted metadata under `old`'s identity: its id, overrides and
    user links kept, every source listed (the old canonical one among the others)."""
    merged = {**dict(old.overrides), **dict(new.overrides)}
    doc = apply_overrides(new.with_(id=old.id, overrides=()), merged)
    if "id" not in merged:
        doc = doc.with_(id=old.id)
    others = [*((old.source,) if keep_old_source else ()), *old.sources]
    seen = {new.source.sha256}
    sources: list[Source] = []
    for s in others:
        if s.sha256 not in seen and not same_source(s, new.source):
            seen.add(s.sha256)
            sources.append(s)
    kept = [r for r in old.relations if r.type in ("amends", "draft") and not is_user_link(r)]
    return doc.with_(sources=tuple(sources), relations=(*doc.relations, *kept))


def number_from(doc: Document, other: Document) -> Document:
    """A copy's doc number when the canonical text states none: the document's identity,
    stated by another source of the same text (named in the evidence)."""
    if doc.doc_number or not other.doc_number:
        return doc
    said = other.field_evidence("doc_number")
    where = other.source.url or other.source.file
    ev = FieldEvidence("stated", f"{said.evidence if said else other.doc_number} (in {where})")
    evidence = (*tuple(e for e in doc.evidence if e[0] != "doc_number"), ("doc_number", ev))
    return number_order(doc.with_(doc_number=other.doc_number, evidence=evidence))


def number_order(doc: Document) -> Document:
    """Evidence in the canonical field order."""
    order = {k: i for i, k in enumerate(("title", "doc_number", "issuer", "jurisdiction", "kind"))}
    return doc.with_(evidence=tuple(sorted(doc.evidence, key=lambda e: order[e[0]])))
