"""Front-matter validation: every problem of a file's front matter and body, each naming
the field and the fix, collected so that `parse` reports them all at once.

`parse` (in `docfile`) checks a mapping here before `frontmatter.document_from_front_matter`
turns it into a `Document`; the index, reading back a mapping it stored from a valid file,
skips this.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, cast

from policytrack.model import (
    BASES,
    DATE_FIELDS,
    KINDS,
    RELATION_TYPES,
    REVISIONS,
    UNKNOWN,
    DatedFact,
    DocNumber,
    HistoryEvent,
    Revision,
    Source,
    ValidityWindow,
    damaged_number,
    id_problem,
)

TOP_KEYS = (
    "id",
    "doc_number",
    "title",
    "kind",
    "issuer",
    "jurisdiction",
    "aliases",
    "dates",
    "provisional",
    "history",
    "relations",
    "evidence",
    "source",
    "sources",
    "overrides",
)
EVIDENCE_KEYS = ("title", "doc_number", "issuer", "jurisdiction", "kind")
SOURCE_KEYS = (
    "file",
    "url",
    "format",
    "sha256",
    "encoding",
    "script",
    "retrieved",
    "publisher",
)
HISTORY_KEYS = ("date", "event", "evidence")
RELATION_KEYS = (
    "type",
    "doc_number",
    "title",
    "alias",
    "target_id",
    "effective",
    "articles",
    "evidence",
)
FACT_KEYS = ("date", "basis", "rule", "evidence")

_DATE_LIKE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def impossible_date(fm_text: str, exc: ValueError) -> str:
    """Which line holds the date that does not exist (YAML reads an unquoted YYYY-MM-DD
    as a date, and fails on 2027-02-30 without saying where)."""
    for n, line in enumerate(fm_text.split("\n"), 2):  # line 1 is the opening fence
        for m in _DATE_LIKE.finditer(line):
            try:
                date(*map(int, m.groups()))
            except ValueError:
                return (
                    f"line {n}: {m.group(0)} is not a real date ({exc}); "
                    "correct it (YYYY-MM-DD) or write unknown"
                )
    return f"front matter holds a value YAML cannot read ({exc}); correct it"


def _p(problems: list[str], path: str, field: str, message: str) -> None:
    problems.append(f"{path or '<input>'}: {field}: {message}")


def _unknown_keys(
    raw: dict[str, Any], known: tuple[str, ...], field: str, path: str, problems: list[str]
) -> None:
    """Each key of a nested mapping that is not one of its fields."""
    for key in raw:
        if key not in known:
            _p(problems, path, f"{field}.{key}", f"unknown field; use one of {', '.join(known)}")


def _str(
    data: dict[str, Any], key: str, path: str, problems: list[str], *, required: bool = False
) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            _p(problems, path, key, f"is missing; add '{key}:' to the front matter")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        _p(
            problems,
            path,
            key,
            f"must be text, found {type(value).__name__}; write it as a quoted string",
        )
        return None
    return value


def _fact_in(name: str, raw: Any, path: str, problems: list[str]) -> DatedFact:
    field = f"dates.{name}"
    if raw is None or raw == "unknown":
        return UNKNOWN
    if isinstance(raw, date):
        return DatedFact(raw, "stated")
    if not isinstance(raw, dict):
        _p(
            problems,
            path,
            field,
            "must be 'unknown', a date (YYYY-MM-DD) or a mapping with date/basis/evidence",
        )
        return UNKNOWN
    _unknown_keys(raw, FACT_KEYS, field, path, problems)
    value = raw.get("date")
    if value is not None and not isinstance(value, date):
        _p(problems, path, f"{field}.date", f"{value!r} is not a date; write it as YYYY-MM-DD")
        value = None
    basis = raw.get("basis", "stated" if value else "unknown")
    if basis not in BASES:
        _p(problems, path, f"{field}.basis", f"{basis!r} is not one of {', '.join(BASES)}")
        basis = "unknown"
    if value is None and basis != "unknown":
        _p(
            problems,
            path,
            f"{field}.basis",
            f"is {basis!r} but there is no date; set basis: unknown or add the date",
        )
    return DatedFact(value, basis, str(raw.get("evidence") or ""), str(raw.get("rule") or ""))


def check_front_matter(data: dict[str, Any], body: str, path: str, problems: list[str]) -> None:
    """Every problem of a front-matter mapping and its body, in `problems`."""
    _check_identity(data, path, problems)
    _check_dates(data, path, problems)
    _check_relations(data, path, problems)
    _check_provenance(data, body, path, problems)


def _check_identity(data: dict[str, Any], path: str, problems: list[str]) -> None:
    """The fields, id (and the file name), title, doc number, kind, issuer, place, aliases."""
    for key in data:
        if key not in TOP_KEYS:
            _p(
                problems,
                path,
                str(key),
                f"unknown field; remove it or use one of: {', '.join(TOP_KEYS)}",
            )
    doc_id = _str(data, "id", path, problems, required=True)
    if "title" not in data:
        _p(
            problems,
            path,
            "title",
            "is missing; add 'title:' to the front matter (title: null when the text states none)",
        )
    _str(data, "title", path, problems)
    bad_id = id_problem(doc_id) if doc_id else None
    if bad_id:
        _p(problems, path, "id", bad_id)
    if doc_id and path and not path.endswith(f"{doc_id}.md"):
        _p(
            problems,
            path,
            "id",
            f"{doc_id!r} does not match the file name; rename the file to {doc_id}.md or fix the id",
        )
    doc_number = _str(data, "doc_number", path, problems)
    if doc_number:
        parsed = DocNumber.try_parse(doc_number)
        if parsed is None and damaged_number(doc_number):
            pass  # printed damaged; kept as printed and named by check
        elif parsed is None:
            _p(
                problems,
                path,
                "doc_number",
                f"{doc_number!r} is not a doc number; write it like 京技管发〔2024〕29号 or remove it",
            )
        elif str(parsed) != doc_number:
            _p(
                problems,
                path,
                "doc_number",
                f"{doc_number!r} is not in canonical form; write {str(parsed)!r}",
            )
    kind = data.get("kind", "policy")
    if kind not in KINDS:
        _p(problems, path, "kind", f"{kind!r} is not a kind; use one of {', '.join(KINDS)}")
    _str(data, "issuer", path, problems)
    _str(data, "jurisdiction", path, problems)
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        _p(problems, path, "aliases", "must be a list of short names")


def _check_dates(data: dict[str, Any], path: str, problems: list[str]) -> None:
    """The four dates, `provisional`, and an expiry before the effective date."""
    dates_raw = data.get("dates") or {}
    if not isinstance(dates_raw, dict):
        _p(problems, path, "dates", "must be a mapping of issued/published/effective/expires")
        dates_raw = {}
    for key in dates_raw:
        if key not in DATE_FIELDS:
            _p(problems, path, f"dates.{key}", f"unknown date; use one of {', '.join(DATE_FIELDS)}")
    facts = {name: _fact_in(name, dates_raw.get(name), path, problems) for name in DATE_FIELDS}
    provisional = data.get("provisional", False)
    if not isinstance(provisional, bool):
        _p(problems, path, "provisional", "must be true or false")
        provisional = False
    window = ValidityWindow(provisional=provisional, **facts)
    eff, exp = window.effective.value, window.expires.value
    if eff and exp and exp < eff:
        _p(
            problems,
            path,
            "dates.expires",
            f"{exp} is before the effective date {eff}; correct one of them",
        )


def _check_relations(data: dict[str, Any], path: str, problems: list[str]) -> None:
    """Each relation: its fields, type, target and, for a partial repeal, its articles."""
    rel_raw = data.get("relations") or []
    if not isinstance(rel_raw, list):
        _p(problems, path, "relations", "must be a list")
        rel_raw = []
    for i, r in enumerate(rel_raw):
        field = f"relations[{i}]"
        if not isinstance(r, dict):
            _p(problems, path, field, "must be a mapping with type and doc_number or title")
            continue
        _unknown_keys(r, RELATION_KEYS, field, path, problems)
        rtype = r.get("type")
        if rtype not in RELATION_TYPES:
            _p(
                problems,
                path,
                f"{field}.type",
                f"{rtype!r} is not a relation; use one of {', '.join(RELATION_TYPES)}",
            )
            continue
        number = r.get("doc_number")
        if number is not None and DocNumber.try_parse(str(number)) is None:
            _p(problems, path, f"{field}.doc_number", f"{number!r} is not a doc number")
        if not (number or r.get("title") or r.get("target_id")):
            _p(problems, path, field, "names no document; add doc_number, title or target_id")
        eff_rel = r.get("effective")
        if eff_rel is not None and not isinstance(eff_rel, date):
            _p(problems, path, f"{field}.effective", "must be a date YYYY-MM-DD")
        arts = r.get("articles") or []
        if not isinstance(arts, list) or not all(isinstance(a, int) for a in arts):
            _p(problems, path, f"{field}.articles", "must be a list of article numbers")


def _check_provenance(data: dict[str, Any], body: str, path: str, problems: list[str]) -> None:
    """Evidence, sources, history, overrides, and a body that is not empty."""
    ev_raw = data.get("evidence") or {}
    if not isinstance(ev_raw, dict):
        _p(problems, path, "evidence", "must be a mapping of field: {basis, evidence}")
        ev_raw = {}
    for key, ev in ev_raw.items():
        if key not in EVIDENCE_KEYS:
            _p(
                problems,
                path,
                f"evidence.{key}",
                f"unknown field; use one of {', '.join(EVIDENCE_KEYS)}",
            )
            continue
        if not isinstance(ev, dict) or ev.get("basis") not in BASES:
            _p(problems, path, f"evidence.{key}", f"needs basis: one of {', '.join(BASES)}")

    _source_in(data.get("source") or {}, "source", path, problems)
    sources_raw = data.get("sources") or []
    if not isinstance(sources_raw, list):
        _p(problems, path, "sources", "must be a list of sources (file, url, format, sha256…)")
        sources_raw = []
    for i, raw in enumerate(sources_raw):
        _source_in(raw, f"sources[{i}]", path, problems)
    _history_in(data.get("history") or [], path, problems)
    if not isinstance(data.get("overrides") or {}, dict):
        _p(problems, path, "overrides", "must be a mapping of field: value")
    if not body.strip():
        _p(problems, path, "body", "is empty; a document needs its text below the front matter")


def _source_in(raw: Any, field: str, path: str, problems: list[str]) -> Source:
    if not isinstance(raw, dict):
        _p(problems, path, field, "must be a mapping of file, url, format, sha256…")
        return Source()
    _unknown_keys(raw, SOURCE_KEYS, field, path, problems)
    sha = str(raw.get("sha256") or "")
    if sha and not re.fullmatch(r"[0-9a-f]{64}", sha):
        _p(problems, path, f"{field}.sha256", "must be 64 lowercase hex digits")
    script = raw.get("script") or ""
    if script not in ("", "simplified", "traditional"):
        _p(problems, path, f"{field}.script", "must be simplified or traditional")
        script = ""
    return Source(
        **{k: str(raw.get(k) or "") for k in SOURCE_KEYS if k != "script"},
        script=cast(Literal["simplified", "traditional", ""], script),
    )


def _history_in(raw: Any, path: str, problems: list[str]) -> tuple[HistoryEvent, ...]:
    if not isinstance(raw, list):
        _p(problems, path, "history", "must be a list of {date, event, evidence}")
        return ()
    out = []
    for i, item in enumerate(raw):
        field = f"history[{i}]"
        if not isinstance(item, dict):
            _p(problems, path, field, "must be a mapping with date, event and evidence")
            continue
        _unknown_keys(item, HISTORY_KEYS, field, path, problems)
        day, event = item.get("date"), item.get("event")
        if not isinstance(day, date):
            _p(problems, path, f"{field}.date", f"{day!r} is not a date; write it as YYYY-MM-DD")
            continue
        if event not in REVISIONS:
            _p(
                problems,
                path,
                f"{field}.event",
                f"{event!r} is not an event; use one of {', '.join(REVISIONS)}",
            )
            continue
        out.append(HistoryEvent(day, cast(Revision, event), str(item.get("evidence") or "")))
    return tuple(out)
