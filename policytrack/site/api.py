"""The JSON API (schema 1, docs/site.md): each document's record in `api/index.json` and its
own `api/documents/<id>.json`, and the facets search results show and filter on
(`search/meta.json`). Compact JSON throughout: the C encoder (an indented dump runs in
Python, 4× slower).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from policytrack import bodies
from policytrack.model import is_untitled
from policytrack.site.files import Joined, fingerprint
from policytrack.site.pages import DocumentPage, Row, SiteData, doc_href

SITE_SCHEMA_VERSION = 1
INDEX = "api/index.json"
SEARCH_META = "search/meta.json"


def to_json(data: Any) -> str:
    """Compact JSON, one line."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def index_file(data: SiteData) -> Joined:
    """api/index.json: one document a line, spliced on a rebuild (files.Joined)."""
    by_id = data.by_id
    return Joined(
        INDEX,
        fingerprint(SITE_SCHEMA_VERSION),
        to_json({"schema": SITE_SCHEMA_VERSION, "as_of": data.as_of.isoformat()})[:-2]
        + ',"documents":[\n',
        list(by_id),
        lambda i: to_json(row_json(by_id[i]))[:-1],
        ",\n",
        "\n]}\n",
    )


def row_json(r: Row) -> dict[str, Any]:
    """A document's entry in api/index.json (the first fields of doc_json)."""
    return {
        "id": r.id,
        "doc_number": r.doc_number,
        "title": None if is_untitled(r.title) else r.title,
        "issuer": r.issuer,
        "jurisdiction": r.jurisdiction,
        "kind": r.kind,
        "issued": r.issued.isoformat() if r.issued else None,
        "published": r.published.isoformat() if r.published else None,
        "effective": r.effective.isoformat() if r.effective else None,
        "expires": r.expires.isoformat() if r.expires else None,
        "status": r.status.code,
        "status_label": r.status.label,
        "url": doc_href(r.id),
    }


def doc_json(page: DocumentPage) -> dict[str, Any]:
    """api/documents/<id>.json: the entry of api/index.json, its status's reason, its
    current version, sources, relations and text."""
    d = page.doc
    w = d.window
    out: dict[str, Any] = {
        "id": d.id,
        "doc_number": d.doc_number,
        "title": d.title,
        "issuer": d.issuer,
        "jurisdiction": d.jurisdiction,
        "kind": d.kind,
        "issued": w.issued.value.isoformat() if w.issued.value else None,
        "published": w.published.value.isoformat() if w.published.value else None,
        "effective": w.effective.value.isoformat() if w.effective.value else None,
        "expires": w.expires.value.isoformat() if w.expires.value else None,
        "status": page.status.code,
        "status_label": page.status.label,
        "url": doc_href(d.id),
    }
    out["status_reason"] = page.status.reason
    out["current_version"] = page.current.id if page.current else None
    out["sources"] = [{k: v for k, v in vars(s).items() if v} for s in (d.source, *d.sources)]
    out["relations"] = [{"type": t, "target": label} for t, label, _ in page.relations]
    out["units"] = [
        {"anchor": u.anchor, "kind": u.kind, "label": u.label, "text": u.text} for u in d.units
    ]
    return out


def facets(data: SiteData) -> Callable[[str], tuple[str, str, str, str, str]]:
    """What search results show and filter on: status, kind, jurisdiction, first issuing
    body and year of each document."""
    by_id = data.by_id
    first_body: dict[str | None, str] = {}

    def of(doc_id: str) -> tuple[str, str, str, str, str]:
        r = by_id[doc_id]
        if r.issuer not in first_body:
            first_body[r.issuer] = next(iter(bodies.bodies(r.issuer)), "")
        day = r.issued or r.published or r.effective
        year = str(day.year) if day else ""
        return r.status.code, r.kind, r.jurisdiction or "", first_body[r.issuer], year

    return of
