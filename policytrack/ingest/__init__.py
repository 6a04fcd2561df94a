"""Raw documents → canonical `Document`s: decode, clean, extract, structure.

`ingest(data, name)` is the one entry point; it never writes anything.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import cast

from policytrack.docfile import parse, parse_units, render_body
from policytrack.errors import FormatError, IngestError, PolicytrackError, ValidationErrors
from policytrack.model import (
    DATE_FIELDS,
    KINDS,
    SETTABLE,
    DatedFact,
    DocNumber,
    Document,
    FieldEvidence,
    HistoryEvent,
    Relation,
    RelationType,
    Source,
    ValidityWindow,
    derived_id,
    id_problem,
    issue_date,
)

from .clean import clean
from .converted import Converted
from .decode import DEFAULT_MAX_BYTES, check_size, decode
from .extract import (
    Extracted,
    build_blocks,
    evidence_of,
    find_jurisdiction,
    find_kind,
    find_relations,
)
from .formats import convert, sniff
from .history import read_history
from .labels import LabelBlock, LabelPair, field_of
from .lawrefbook import is_lawrefbook, read_lawrefbook
from .pagemeta import apply_page_metadata, attachment_relations
from .reading import read_document
from .validity import PageEvidence, read_dates

LINK_FIELDS = ("predecessor", "supersedes", "amends", "draft")  # lists of ids or doc numbers
USER_EVIDENCE = "set by the user with --set"


@dataclass(frozen=True)
class Ingested:
    """A document ready to be written, with what was stripped and what to warn about."""

    document: Document
    warnings: tuple[str, ...] = ()
    stripped: tuple[tuple[str, str], ...] = ()
    canonical_input: bool = False


def ingest(
    data: bytes,
    name: str,
    *,
    url: str = "",
    overrides: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    content_type: str = "",
    retrieved: str = "",
    units: bool = True,
) -> Ingested:
    """Turn one file's bytes into a validated Document; IngestError when it cannot be.
    Web pages, .docx and PDF files are turned into text first (see `formats`). `units`
    False leaves the document's units out (`add`'s workers send back the text, not the
    units: reading them was a third of a worker's time)."""
    check_size(data, name, max_bytes)  # before any parser sees a huge file
    fmt = sniff(data, name, content_type)
    converted: Converted | None = None
    if fmt == "text":
        text, encoding = decode(data, name, max_bytes)
    else:
        converted = convert(data, name, fmt, max_bytes=max_bytes, base_url=url)
        text, encoding = converted.text, converted.encoding
    if text.startswith("---\n"):
        return _canonical(text, name, overrides or {})
    ex = Extracted()
    read = _read_text(text, name, ex, converted)
    _read_dates(ex, read)
    _read_relations(ex, read, converted)
    source = Source(
        file=name,
        url=url,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        script=read.script,  # type: ignore[arg-type]
        retrieved=retrieved,
        publisher=read.publisher,
        format="" if fmt == "text" else fmt,
    )
    marked = frozenset(converted.headings) if converted else frozenset()
    doc = _document(ex, read, source, read_history(text), marked, units)
    warnings = _warnings(ex, doc)  # of what was read, before --set
    return Ingested(apply_overrides(doc, overrides or {}), tuple(warnings), tuple(ex.stripped))


def _canonical(text: str, name: str, overrides: dict[str, str]) -> Ingested:
    """A file already in canonical Markdown: validated as `check` would, then overridden."""
    try:
        doc = parse(text, "")
    except (FormatError, ValidationErrors) as exc:
        raise IngestError(f"{name} looks like canonical Markdown but is not valid: {exc}") from None
    return Ingested(apply_overrides(doc, overrides), canonical_input=True)


@dataclass(frozen=True)
class _Read:
    """A text read into its parts: the covering notice and the body's lines, the page's
    labels and stamps, and what the cleaning found of its script and publisher."""

    notice: list[str]
    body: list[str]
    page: PageEvidence
    script: str = "simplified"
    publisher: str = ""

    @property
    def lines(self) -> list[str]:
        return self.notice + self.body


def _read_text(text: str, name: str, ex: Extracted, converted: Converted | None) -> _Read:
    """Title, doc number, issuer, kind and where the text starts (into `ex`): a
    lawrefbook text by its own layout, any other once cleaned of page noise. A news
    report has no covering notice: all of it is body."""
    if is_lawrefbook(text):
        lines, _ = read_lawrefbook(text, ex)
        read = _Read([], lines, PageEvidence())
    else:
        cleaned = clean(text)
        lines = cleaned.lines
        if sum(len(line) for line in lines) < 20 or not re.search(
            r"[\u4e00-\u9fff]", "".join(lines)
        ):
            raise IngestError(
                f"{name} has no Chinese text to ingest; give the document's text "
                "(UTF-8, GB18030/GBK or Big5)"
            )
        ex.stripped.extend(cleaned.stripped)
        page = PageEvidence(cleaned.labels, cleaned.stamps, lines)
        notice, body = read_document(cleaned, ex)
        find_kind(ex, lines)
        find_jurisdiction(ex, body)
        read = _Read(notice, body, page, cleaned.script, cleaned.publisher)
    if ex.kind == "news":
        read = replace(read, notice=[], body=read.notice + read.body)
    if converted is not None:
        # the publisher's 信息公开 table is a label block too: it fills what the text leaves open
        table = [
            LabelPair(k, v, fld, f"{k}：{v}")
            for k, v in converted.metadata
            if (fld := field_of(k)) is not None
        ]
        labels = read.page.labels
        page = PageEvidence(
            LabelBlock([*table, *labels.pairs], labels.used), read.page.stamps, read.page.lines
        )
        read = replace(read, page=page)
    return read


def _read_dates(ex: Extracted, read: _Read) -> None:
    """The validity window (into `ex`); an amended text applies from its latest amendment."""
    read_dates(ex, read.lines, read.page, set(ex.own_titles))
    amended = ex.amended
    if amended and ex.effective.value and amended[0] > ex.effective.value:
        ex.effective = DatedFact(
            amended[0],
            "inferred",
            amended[1],
            "amended text: taken to apply from the latest amendment date",
        )


def _read_relations(ex: Extracted, read: _Read, converted: Converted | None) -> None:
    """The relations the text states, what a converted page's metadata adds (the rest is
    kept aside as stripped) and its attachments (into `ex`)."""
    find_relations(ex, read.lines)
    if converted is not None:
        ex.stripped.extend(converted.stripped)
        aside = apply_page_metadata(ex, converted.metadata, ex.warnings)
        ex.stripped.extend(("page metadata (kept aside)", f"{k}：{v}") for k, v in aside)
    ex.relations.extend(
        attachment_relations(read.lines, converted.attachments if converted else ())
    )


def _document(
    ex: Extracted,
    read: _Read,
    source: Source,
    history: tuple[HistoryEvent, ...],
    marked: frozenset[str],
    units: bool,
) -> Document:
    """The Document of what was read: its body rendered, its id from the doc number (or
    derived from issuer, date, title and text when there is none)."""
    blocks = build_blocks(read.notice, read.body, ex.kind == "news", marked)
    body_md = render_body(ex.title or None, blocks)
    number = DocNumber.try_parse(ex.doc_number) if ex.doc_number else None
    when = issue_date(ex.issued.value, ex.published.value, ex.effective.value)
    doc_id = (
        number.slug
        if number
        else derived_id(
            issuer=ex.issuer or ex.jurisdiction, when=when, title=ex.title or None, text=body_md
        )
    )
    return Document(
        id=doc_id,
        title=ex.title or None,
        kind=ex.kind,  # type: ignore[arg-type]
        doc_number=ex.doc_number,
        issuer=ex.issuer,
        jurisdiction=ex.jurisdiction,
        window=ValidityWindow(ex.issued, ex.published, ex.effective, ex.expires, ex.provisional),
        relations=tuple(ex.relations),
        evidence=tuple(evidence_of(ex)),
        source=source,
        aliases=tuple(ex.aliases),
        history=history,
        body=body_md,
        units=parse_units(body_md) if units else (),
    )


def _warnings(ex: Extracted, doc: Document) -> list[str]:
    """What the reading warns about, then what it could not find."""
    warnings = list(ex.warnings)
    for fname, fact in doc.window.fields().items():
        if fact.value is None and ex.kind not in ("news", "interpretation"):
            warnings.append(f"{fname} date not found" + (f" ({fact.rule})" if fact.rule else ""))
    if not doc.issuer and ex.kind not in ("news",):
        warnings.append("issuer not found; set it with --set issuer=…")
    if not doc.title:
        warnings.append(
            "no title is stated, and none is made up: it is shown as 无标题; "
            "set one with --set title=…"
        )
    return warnings


def parse_sets(pairs: list[str], flag: str = "--set ") -> dict[str, str]:
    """FIELD=VALUE pairs (of --set, or of `policytrack set`) → {field: value}, validated."""
    out: dict[str, str] = {}
    for pair in pairs:
        fname, sep, value = pair.partition("=")
        fname = fname.strip()
        if not sep or not fname:
            raise IngestError(
                f"{flag}{pair!r} is not FIELD=VALUE; write e.g. {flag}issuer=北京市人民政府"
            )
        if fname not in SETTABLE:
            raise IngestError(
                f"{flag}{fname}: unknown field; settable fields are {', '.join(SETTABLE)}"
            )
        out[fname] = value.strip()
    return out


def apply_overrides(doc: Document, overrides: dict[str, str]) -> Document:
    """Apply --set values (and the ones stored with the document) and record them."""
    merged = dict(doc.overrides)
    merged.update(overrides)
    if not merged:
        return doc
    # the links a user set are made again from the overrides: one set empty is gone
    relations = [
        r for r in doc.relations if not (r.type in LINK_FIELDS and r.evidence == USER_EVIDENCE)
    ]
    merged = {k: v for k, v in merged.items() if v or k not in (*LINK_FIELDS, "unlink")}
    edits = _Edits(doc.window, relations, dict(doc.evidence))
    for fname, value in merged.items():
        edits.set(doc, fname, value)
    if merged.get("unlink"):
        edits.relations = _without_unlinked(edits.relations, merged["unlink"])
    eff, exp = edits.window.effective.value, edits.window.expires.value
    if eff and exp and exp < eff:
        raise IngestError(f"expires {exp} is before effective {eff}; correct the --set values")
    ordered = [
        (k, edits.evidence[k])
        for k in ("title", "doc_number", "issuer", "jurisdiction", "kind")
        if k in edits.evidence
    ]
    doc = doc.with_(
        window=edits.window,
        relations=tuple(edits.relations),
        evidence=tuple(ordered),
        overrides=tuple(sorted(merged.items())),
        **edits.changes,
    )
    if "doc_number" in overrides and "id" not in merged and doc.number is not None:
        doc = doc.with_(id=doc.number.slug)
    if "title" in merged:
        doc = _retitled(doc)
    return doc


@dataclass
class _Edits:
    """What the --set values change, gathered field by field: the validity window, the
    relations, the fields' evidence, and every other field's new value (`changes`)."""

    window: ValidityWindow
    relations: list[Relation]
    evidence: dict[str, FieldEvidence]
    changes: dict[str, object] = field(default_factory=dict)

    def set(self, doc: Document, fname: str, value: str) -> None:
        """One FIELD=VALUE; IngestError when the value is not one the field can hold."""
        if fname in ("title", "issuer", "jurisdiction", "doc_number", "kind"):
            self.changes[fname] = _stated_value(fname, value)
            self.evidence[fname] = FieldEvidence("stated", USER_EVIDENCE)
        elif fname in DATE_FIELDS:
            fields = self.window.fields()
            fields[fname] = _date_value(fname, value)
            self.window = ValidityWindow(
                fields["issued"],
                fields["published"],
                fields["effective"],
                fields["expires"],
                self.window.provisional,
            )
        elif fname in LINK_FIELDS:
            for rel in _links(cast(RelationType, fname), value):
                if rel not in self.relations:
                    self.relations.append(rel)
        elif fname == "aliases":
            self.changes["aliases"] = tuple(a.strip() for a in value.split(",") if a.strip())
        elif fname == "url":
            if value and not re.match(r"^https?://\S", value, re.I):
                raise IngestError(
                    f"--set url={value}: not a web address; give an http:// or https:// URL"
                )
            self.changes["source"] = Source(**{**doc.source.__dict__, "url": value})
        elif fname == "id":
            problem = id_problem(value)
            if problem:
                raise IngestError(f"--set id={value}: {problem}")
            self.changes["id"] = value


def _stated_value(fname: str, value: str) -> str | None:
    """The value of a field with evidence of its own (title, issuer, jurisdiction,
    doc_number, kind) as set; an empty one clears it (a title is left empty)."""
    if fname in ("title", "issuer", "jurisdiction"):
        value = " ".join(value.split())  # one line: a line break would be structure
        return value or None if fname != "title" else value
    if fname == "doc_number":
        if not value:
            return None
        number = DocNumber.try_parse(value)
        if number is None:
            raise IngestError(
                f"--set doc_number={value}: not a doc number; write it like 京技管发〔2024〕29号"
            )
        return str(number)
    if value not in KINDS:
        raise IngestError(f"--set kind={value}: use one of {', '.join(KINDS)}")
    return value


def _date_value(fname: str, value: str) -> DatedFact:
    """A date field as set: YYYY-MM-DD, or empty or "unknown" for none."""
    try:
        return (
            DatedFact(date.fromisoformat(value), "stated", USER_EVIDENCE)
            if value and value != "unknown"
            else DatedFact()
        )
    except ValueError:
        raise IngestError(f"--set {fname}={value}: not a date; write it as YYYY-MM-DD") from None


def _links(rtype: RelationType, value: str) -> list[Relation]:
    """The relations of a link field as set: comma-separated doc numbers or ids."""
    out = []
    for ref in filter(None, (v.strip() for v in value.split(","))):
        number = DocNumber.try_parse(ref)
        out.append(
            Relation(rtype, str(number), None, USER_EVIDENCE)
            if number
            else Relation(rtype, None, None, USER_EVIDENCE, ref)
        )
    return out


def _retitled(doc: Document) -> Document:
    """The body's heading made the title again (a title set with --set)."""
    lines = doc.body.split("\n", 1)
    if not lines[0].startswith("# "):
        return doc
    from policytrack.docfile import escape_text

    body = f"# {escape_text(doc.display_title)}\n" + (lines[1] if len(lines) > 1 else "")
    return doc.with_(body=body, units=parse_units(body))


def _without_unlinked(relations: list[Relation], value: str) -> list[Relation]:
    """The relations without the lineage links a user removed (`policytrack unlink`
    records the other document's id and the text's own way of naming it)."""
    gone = {v.strip() for v in value.split(",") if v.strip()}
    keys = {k for v in gone if (k := DocNumber.try_parse(v)) is not None}
    return [
        r
        for r in relations
        if r.type not in LINK_FIELDS
        or not (
            r.target in gone
            or (r.target_id or "") in gone
            or (r.doc_number and DocNumber.try_parse(r.doc_number) in keys)
        )
    ]


__all__ = [
    "SETTABLE",
    "IngestError",
    "Ingested",
    "PolicytrackError",
    "apply_overrides",
    "ingest",
    "parse_sets",
]
