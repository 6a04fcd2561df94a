"""Canonical Markdown: one file per document, YAML front matter, structured body.

`parse(text)` → `Document`; `serialise(document)` → text. For a canonical file,
`serialise(parse(x)) == x` byte for byte: the front matter is re-emitted by our own
writer in a fixed key order and the body is kept verbatim, so git diffs of the archive
show only real edits. The format is specified in docs/format.md.

The body's structure (units, anchors) and its writer live in `docfile.body`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any, Literal, cast

import yaml

from policytrack.docfile.body import (
    LABELS,
    TABLE_ROW,
    Block,
    Label,
    escape_text,
    match_label,
    parse_units,
    render_body,
    table_rows,
)
from policytrack.docfile.frontmatter import document_from_front_matter
from policytrack.errors import FormatError, ValidationErrors
from policytrack.model import (
    BASES,
    DATE_FIELDS,
    KINDS,
    RELATION_TYPES,
    REVISIONS,
    UNKNOWN,
    DatedFact,
    DocNumber,
    Document,
    HistoryEvent,
    Relation,
    Revision,
    Source,
    ValidityWindow,
    damaged_number,
    id_problem,
)

FORMAT_DOC = "see docs/format.md"
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
OPTIONAL_KEYS = ("history", "sources")  # written only when not empty
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

# ---------------------------------------------------------------------------------------
# YAML writing: our own canonical emitter (PyYAML sorts keys and escapes Chinese).

_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\t]*$")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    s = str(value)
    if (
        _PLAIN_OK.match(s)
        and not s.endswith(" ")
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and _plain_reads_back(s)
    ):
        return s
    return json.dumps(s, ensure_ascii=False)


# libyaml's C parser when PyYAML was built with it (the wheels are): front matter parsing
# was 60% of a site build with the pure-Python one
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # a safe loader: plain data only


@lru_cache(maxsize=4096)
def _plain_reads_back(s: str) -> bool:
    try:
        return bool(_load_yaml(s) == s)
    except (yaml.YAMLError, ValueError):  # 0000-00-00 looks like a date YAML cannot build
        return False


def _emit(lines: list[str], key: str, value: Any, indent: int) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            lines.append(f"{pad}{key}: {{}}")
            return
        lines.append(f"{pad}{key}:")
        for k, v in value.items():
            _emit(lines, k, v, indent + 2)
    elif isinstance(value, list):
        if not value:
            lines.append(f"{pad}{key}: []")
            return
        lines.append(f"{pad}{key}:")
        for item in value:
            if isinstance(item, dict):
                first = True
                for k, v in item.items():
                    sub: list[str] = []
                    _emit(sub, k, v, indent + 4)
                    if first:
                        sub[0] = f"{pad}  - " + sub[0].lstrip()
                        first = False
                    lines.extend(sub)
            else:
                lines.append(f"{pad}  - {_scalar(item)}")
    else:
        lines.append(f"{pad}{key}: {_scalar(value)}")


def _fact_out(fact: DatedFact) -> Any:
    if fact == UNKNOWN:
        return "unknown"
    out: dict[str, Any] = {"date": fact.value, "basis": fact.basis}
    if fact.rule:
        out["rule"] = fact.rule
    if fact.evidence:
        out["evidence"] = fact.evidence
    return out


def _relation_out(rel: Relation) -> dict[str, Any]:
    out: dict[str, Any] = {"type": rel.type}
    if rel.doc_number:
        out["doc_number"] = rel.doc_number
    if rel.title:
        out["title"] = rel.title
    if rel.alias:
        out["alias"] = rel.alias
    if rel.target_id:
        out["target_id"] = rel.target_id
    if rel.effective:
        out["effective"] = rel.effective
    if rel.articles:
        out["articles"] = list(rel.articles)
    if rel.evidence:
        out["evidence"] = rel.evidence
    return out


def source_out(src: Source) -> dict[str, str]:
    """A source as its front-matter mapping: the fields that are not empty."""
    return {k: getattr(src, k) for k in SOURCE_KEYS if getattr(src, k)}


def front_matter(doc: Document) -> dict[str, Any]:
    """The front matter of a document as an ordered mapping (the canonical key order);
    the OPTIONAL_KEYS only when they hold something."""
    out: dict[str, Any] = {
        "id": doc.id,
        "doc_number": doc.doc_number,
        "title": doc.title,
        "kind": doc.kind,
        "issuer": doc.issuer,
        "jurisdiction": doc.jurisdiction,
        "aliases": list(doc.aliases),
        "dates": {name: _fact_out(fact) for name, fact in doc.window.fields().items()},
        "provisional": doc.window.provisional,
        "history": [
            {"date": e.date, "event": e.event, "evidence": e.evidence} for e in doc.history
        ],
        "relations": [_relation_out(r) for r in doc.relations],
        "evidence": {
            k: {"basis": ev.basis, "evidence": ev.evidence} if ev.evidence else {"basis": ev.basis}
            for k, ev in doc.evidence
        },
        "source": source_out(doc.source),
        "sources": [source_out(s) for s in doc.sources],
        "overrides": dict(doc.overrides),
    }
    for key in OPTIONAL_KEYS:
        if not out[key]:
            del out[key]
    return out


def serialise(doc: Document) -> str:
    """The canonical file text of a document."""
    lines = ["---"]
    for key, value in front_matter(doc).items():
        _emit(lines, key, value, 0)
    lines.append("---")
    body = doc.body if doc.body.endswith("\n") else doc.body + "\n"
    return "\n".join(lines) + "\n\n" + body


# ---------------------------------------------------------------------------------------
# Reading


def split_front_matter(text: str, path: str = "") -> tuple[str, str]:
    """(front matter YAML, body) of a file; FormatError when the fences are missing."""
    if "\r" in text:
        # canonical files use LF only; a CRLF file would read differently here and in git
        raise FormatError(
            "has Windows line endings (CR LF); convert them to LF (dos2unix FILE, or "
            "sed -i 's/\\r$//' FILE) and commit the file",
            path=path,
        )
    if not text.startswith("---\n"):
        raise FormatError(
            "file does not start with a '---' front-matter fence; add the YAML front "
            f"matter ({FORMAT_DOC})",
            path=path,
        )
    end = text.find("\n---\n", 3)
    if end < 0:
        raise FormatError("front matter is not closed by a '---' line; add it", path=path)
    fm = text[4 : end + 1]
    body = text[end + 5 :]
    if body.startswith("\n"):
        body = body[1:]
    return fm, body


def parse(text: str, path: str = "") -> Document:
    """Parse and validate a canonical Markdown file; every problem is reported at once."""
    fm_text, body = split_front_matter(text, path)
    try:
        data = _load_yaml(fm_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise FormatError(
            f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}; fix the syntax",
            path=path,
        ) from None
    except ValueError as exc:  # YAML builds a date of 2027-02-30 and fails
        raise FormatError(_impossible_date(fm_text, exc), path=path) from None
    if not isinstance(data, dict):
        raise FormatError("front matter must be a mapping of field: value", path=path)
    problems: list[str] = []
    _check_front_matter(data, body, path, problems)
    if problems:
        raise ValidationErrors(problems)
    return document_from_front_matter(data, body, parse_units(body))


_DATE_LIKE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def _impossible_date(fm_text: str, exc: ValueError) -> str:
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
    for key in raw:
        if key not in FACT_KEYS:
            _p(
                problems,
                path,
                f"{field}.{key}",
                f"unknown field; use one of {', '.join(FACT_KEYS)}",
            )
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


def _check_front_matter(data: dict[str, Any], body: str, path: str, problems: list[str]) -> None:
    """Every problem of a front-matter mapping and its body, in `problems`."""
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

    rel_raw = data.get("relations") or []
    if not isinstance(rel_raw, list):
        _p(problems, path, "relations", "must be a list")
        rel_raw = []
    for i, r in enumerate(rel_raw):
        field = f"relations[{i}]"
        if not isinstance(r, dict):
            _p(problems, path, field, "must be a mapping with type and doc_number or title")
            continue
        for key in r:
            if key not in RELATION_KEYS:
                _p(
                    problems,
                    path,
                    f"{field}.{key}",
                    f"unknown field; use one of {', '.join(RELATION_KEYS)}",
                )
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
    for key in raw:
        if key not in SOURCE_KEYS:
            _p(
                problems,
                path,
                f"{field}.{key}",
                f"unknown field; use one of {', '.join(SOURCE_KEYS)}",
            )
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
        for key in item:
            if key not in HISTORY_KEYS:
                _p(
                    problems,
                    path,
                    f"{field}.{key}",
                    f"unknown field; use one of {', '.join(HISTORY_KEYS)}",
                )
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


__all__ = [
    "LABELS",
    "TABLE_ROW",
    "Block",
    "Label",
    "document_from_front_matter",
    "escape_text",
    "front_matter",
    "match_label",
    "parse",
    "parse_units",
    "render_body",
    "serialise",
    "source_out",
    "split_front_matter",
    "table_rows",
]
