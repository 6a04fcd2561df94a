"""The names of a document's record fields, with no imports: the CLI's help lists the
settable ones without loading the model (and its compiled patterns) at start-up."""

from __future__ import annotations

DATE_FIELDS = ("issued", "published", "effective", "expires")
# A document's identity and dates as every JSON record of it begins (listings and reports,
# docs/reports.md; the site's API): the fields, in this order, with dates as YYYY-MM-DD.
RECORD_FIELDS = ("id", "doc_number", "title", "issuer", "jurisdiction", "kind", *DATE_FIELDS)
# the fields `add --set` and `policytrack set` change (kept in a document's overrides)
SETTABLE = (
    "title",
    "doc_number",
    "issuer",
    "jurisdiction",
    "kind",
    *DATE_FIELDS,
    "predecessor",
    "supersedes",
    "amends",
    "draft",
    "unlink",
    "aliases",
    "url",
    "id",
)
