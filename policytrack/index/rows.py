"""A document ↔ the index's rows: what a refresh writes for one parsed document (its `docs`
row, the keys it can be found by, its relations' links, its measures' deadlines) and the
`Document` a query makes of a row's columns."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from policytrack.docfile import front_matter
from policytrack.model import (
    LINEAGE_TYPES,
    UNKNOWN,
    DatedFact,
    Document,
    ValidityWindow,
    instrument_key,
    lookup_keys,
    reference_key,
)
from policytrack.supersession import stub_id

from .schema import INSTRUMENT, REFERENCE, SKETCH, STUB

# a document's head (`head`): its columns, and its dates, aliases and whether it is
# provisional taken out of the stored front matter by SQLite (one json_extract each: SQLite
# reads the whole text again for every path)
HEAD_COLUMNS = (
    "id, title, kind, doc_number, issuer, jurisdiction, json_extract(data, '$.dates'),"
    " json_extract(data, '$.aliases'), json_extract(data, '$.provisional')"
)
_NO_DATES = '{"issued":"unknown","published":"unknown","effective":"unknown","expires":"unknown"}'
# a listing's columns (`Index.rows`), all in the docs_rows index
ROW_COLUMNS = (
    "id, blob, doc_number, title, kind, issuer, jurisdiction, issued, published, effective, expires"
)

# a links row (src, type, key, effective) and a measures row (id, anchor, label, due,
# basis, rule, evidence)
Link = tuple[str, str, str, str | None]
Measure = tuple[str, str, str, str, str, str, str]


# --- a document → rows (the refresh) ------------------------------------------------------


def _date_out(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def doc_row(name: str, blob: str, doc: Document) -> tuple[str | None, ...]:
    """The document's `docs` row (problem NULL), its front matter kept as JSON."""
    w = doc.window
    data = json.dumps(front_matter(doc), ensure_ascii=False, default=_json_default)
    return (
        name,
        blob,
        doc.id,
        doc.doc_number,
        doc.title,
        doc.kind,
        doc.issuer,
        doc.jurisdiction,
        _date_out(w.issued.value),
        _date_out(w.published.value),
        _date_out(w.effective.value),
        _date_out(w.expires.value),
        data,
    )


def refkeys_of(doc: Document) -> set[tuple[str, str]]:
    """(key, how) of every key the document is found by: its id, its REF spellings, its
    instrument and reference keys, and its text's sketch (copies and versions)."""
    # imported here: only a refresh that reads files needs it, not every command
    from policytrack.versions import sketch

    keys = {(doc.id.lower(), "id"), *lookup_keys(doc.doc_number, doc.title, doc.aliases)}
    if doc.title:
        keys.add((INSTRUMENT + instrument_key(doc.title), "instrument"))
        keys.add((REFERENCE + reference_key(doc.title), "reference"))
    keys.update((SKETCH + gram, "sketch") for gram in sketch(doc.body))
    return keys


def links_of(doc: Document) -> list[Link]:
    """A row per key each relation could resolve by (see temporal.build_graph), in order."""
    links: set[Link] = set()
    for rel in doc.relations:
        on = _date_out(rel.effective)
        if rel.target_id:
            links.add((doc.id, rel.type, rel.target_id.lower(), on))
        for key, _ in lookup_keys(rel.doc_number, rel.title):
            links.add((doc.id, rel.type, key, on))
        if rel.title:
            links.add((doc.id, rel.type, REFERENCE + reference_key(rel.title), on))
        if rel.type in LINEAGE_TYPES:
            links.add((doc.id, rel.type, STUB + stub_id(rel), on))
    return sorted(links, key=lambda x: (x[0], x[1], x[2], x[3] or ""))


def measures_of(doc: Document) -> list[Measure]:
    """The dated deadlines stated in the document's units (a notice and a preamble set none)."""
    # imported here: only a refresh that reads files needs it, not every command
    from policytrack.facts import deadlines

    measures: list[Measure] = []
    for unit in doc.units:
        if unit.kind in ("notice", "preamble"):
            continue
        label = unit.title if unit.kind != "item" else unit.label
        for fact in deadlines(unit.text):
            if fact.value is not None:
                measures.append(
                    (
                        doc.id,
                        unit.anchor,
                        label,
                        fact.value.isoformat(),
                        fact.basis,
                        fact.rule,
                        fact.evidence,
                    )
                )
    return measures


# --- rows → a document (the queries) ------------------------------------------------------


def _fact(raw: Any) -> DatedFact:
    if not isinstance(raw, dict):  # "unknown"
        return UNKNOWN
    day = date.fromisoformat(raw["date"]) if raw.get("date") else None
    return DatedFact(
        day,
        raw.get("basis") or ("stated" if day else "unknown"),
        str(raw.get("evidence") or ""),
        str(raw.get("rule") or ""),
    )


def head(row: tuple[Any, ...]) -> Document:
    """A document from HEAD_COLUMNS: what `docfile.document_from_front_matter` makes of its
    stored front matter, without relations, sources, history, field evidence or overrides
    (tested equal). Built from columns and the dates alone, not by decoding the whole JSON:
    at 100,000 documents the 2,490 that expire within 90 days took 170 ms of CPU decoded
    whole, ~70 ms this way (docs/performance.md)."""
    dates = json.loads(row[6] or _NO_DATES)
    return Document(
        id=row[0],
        title=row[1],
        kind=row[2],
        doc_number=row[3],
        issuer=row[4],
        jurisdiction=row[5],
        window=ValidityWindow(
            _fact(dates.get("issued")),
            _fact(dates.get("published")),
            _fact(dates.get("effective")),
            _fact(dates.get("expires")),
            bool(row[8]),
        ),
        aliases=tuple(json.loads(row[7])) if row[7] and row[7] != "[]" else (),
    )
