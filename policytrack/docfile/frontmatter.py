"""Front matter → `Document`: the one mapping from a document's front-matter fields to the
domain object.

Two readers use it: `docfile.parse`, on the YAML of a file it has validated first (every
problem reported at once), and the index, on the copy of the same mapping it stores as JSON
(`front_matter(doc)`, dates as ISO text), which it reads back without validating again: the
file was valid when it was indexed. Reading 100,000 stored mappings is on the path of every
listing, so this does no checking, only the conversions a valid mapping needs (a date
written as text, a number where text is expected).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from policytrack.model import (
    UNKNOWN,
    DatedFact,
    Document,
    FieldEvidence,
    HistoryEvent,
    Relation,
    Source,
    Unit,
    ValidityWindow,
)


def document_from_front_matter(
    data: dict[str, Any], body: str = "", units: tuple[Unit, ...] = ()
) -> Document:
    """The document a valid front-matter mapping describes (YAML values, or the JSON the
    index keeps of them), with its body and units when the caller has them."""
    dates = data.get("dates") or {}
    return Document(
        id=str(data["id"]),
        title=_text(data.get("title")),
        kind=data.get("kind") or "policy",
        doc_number=_text(data.get("doc_number")),
        issuer=_text(data.get("issuer")),
        jurisdiction=_text(data.get("jurisdiction")),
        window=ValidityWindow(
            issued=_fact(dates.get("issued")),
            published=_fact(dates.get("published")),
            effective=_fact(dates.get("effective")),
            expires=_fact(dates.get("expires")),
            provisional=bool(data.get("provisional")),
        ),
        relations=tuple(_relation(r) for r in data.get("relations") or ()),
        evidence=tuple(
            (k, FieldEvidence(v["basis"], str(v.get("evidence") or "")))
            for k, v in (data.get("evidence") or {}).items()
        ),
        source=_source(data.get("source") or {}),
        overrides=tuple((str(k), str(v)) for k, v in (data.get("overrides") or {}).items()),
        aliases=tuple(data.get("aliases") or ()),
        history=tuple(
            HistoryEvent(_day(e["date"]), e["event"], str(e.get("evidence") or ""))
            for e in data.get("history") or ()
        ),
        sources=tuple(_source(s) for s in data.get("sources") or ()),
        body=body,
        units=units,
    )


def _text(value: Any) -> str | None:
    """Text as written, None for nothing; YAML reads a bare number (a title 2024) as one."""
    if isinstance(value, str):
        return value or None
    return None if value is None else str(value)


def _day(value: Any) -> Any:
    """A date: YAML gives one, the index's JSON its ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _fact(raw: Any) -> DatedFact:
    if raw is None or raw == "unknown":
        return UNKNOWN
    if isinstance(raw, date):  # `effective: 2024-01-01`, a date with nothing said about it
        return DatedFact(raw, "stated")
    value = _day(raw.get("date"))
    return DatedFact(
        value,
        raw.get("basis") or ("stated" if value else "unknown"),
        str(raw.get("evidence") or ""),
        str(raw.get("rule") or ""),
    )


def _relation(r: dict[str, Any]) -> Relation:
    return Relation(
        r["type"],
        str(r["doc_number"]) if r.get("doc_number") else None,
        str(r["title"]) if r.get("title") else None,
        str(r.get("evidence") or ""),
        str(r["target_id"]) if r.get("target_id") else None,
        _day(r["effective"]) if r.get("effective") else None,
        tuple(r.get("articles") or ()),
        str(r["alias"]) if r.get("alias") else None,
    )


def _source(raw: dict[str, Any]) -> Source:
    fields: dict[str, Any] = {k: str(v) for k, v in raw.items() if v}
    return Source(**fields)
