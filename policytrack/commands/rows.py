"""One document as listings and reports show it: the row and its documented JSON fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from policytrack.model import RECORD_FIELDS, fields_json
from policytrack.temporal import Graph, current_version, status_of

from .loading import Loaded

ROW_FIELDS = (
    *RECORD_FIELDS,
    "status",
    "status_label",
    "status_reason",
    "supersedes",
    "superseded_by",
    "current_version",
)


@dataclass(frozen=True)
class DocumentRow:
    """One document as listings and reports show it (the documented JSON fields)."""

    id: str
    doc_number: str | None
    title: str | None
    issuer: str | None
    jurisdiction: str | None
    kind: str
    issued: date | None
    published: date | None
    effective: date | None
    expires: date | None
    status: str
    status_label: str
    status_reason: str
    supersedes: tuple[str, ...]
    superseded_by: tuple[str, ...]
    current_version: str | None = None  # the id in force in its lineage on as_of
    stub: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = fields_json(self, ROW_FIELDS)
        if self.stub:
            out["stub"] = True
        return out


def row_for(doc_id: str, loaded: Loaded, as_of: date) -> DocumentRow:
    g = loaded.graph
    st = status_of(doc_id, g, as_of)
    supersedes = tuple(
        g.label(t) for t in g.predecessors.get(doc_id, []) if _is_supersession(g, doc_id, t)
    )
    superseded_by = tuple(r.by_label for r in g.repealed_by.get(doc_id, []))
    doc = g.docs.get(doc_id)
    if doc is None:
        stub = g.stubs[doc_id]
        return DocumentRow(
            doc_id,
            stub.doc_number,
            stub.title,
            None,
            None,
            "policy",
            None,
            None,
            None,
            None,
            st.code,
            st.label,
            st.reason,
            (),
            superseded_by,
            current_version(g, doc_id, as_of),
            stub=True,
        )
    w = doc.window
    return DocumentRow(
        doc.id,
        doc.doc_number,
        doc.title,
        doc.issuer,
        doc.jurisdiction,
        doc.kind,
        w.issued.value,
        w.published.value,
        w.effective.value,
        w.expires.value,
        st.code,
        st.label,
        st.reason,
        supersedes,
        superseded_by,
        current_version(g, doc_id, as_of),
    )


def _is_supersession(g: Graph, newer: str, older: str) -> bool:
    return any(r.by == newer for r in g.repealed_by.get(older, []))
