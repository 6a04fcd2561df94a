"""Canonical Markdown: one file per document, YAML front matter, structured body.

`parse(text)` → `Document`; `serialise(document)` → text. For a canonical file,
`serialise(parse(x)) == x` byte for byte: the front matter is re-emitted by our own
writer in a fixed key order and the body is kept verbatim, so git diffs of the archive
show only real edits. The format is specified in docs/format.md.

The body's structure (units, anchors) and its writer live in `docfile.body`.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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
from policytrack.docfile.validate import SOURCE_KEYS, check_front_matter, impossible_date
from policytrack.errors import FormatError, ValidationErrors
from policytrack.lazyre import lazy_module
from policytrack.model import (
    UNKNOWN,
    DatedFact,
    Document,
    Relation,
    Source,
)

FORMAT_DOC = "see docs/format.md"
OPTIONAL_KEYS = ("history", "sources")  # written only when not empty

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


# PyYAML is imported on the first read, not with this package: a command that reads only
# the index (`status`, `list`) never parses YAML, and importing it (its scanner's and
# resolver's patterns compiled) took ~25 ms of every start
if TYPE_CHECKING:
    import yaml
else:
    yaml = lazy_module("yaml")


@lru_cache(maxsize=1)
def _loader() -> type[yaml.SafeLoader]:
    # libyaml's C parser when PyYAML was built with it (the wheels are): front matter
    # parsing was 60% of a site build with the pure-Python one
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_loader())  # a safe loader: plain data only


@lru_cache(maxsize=4096)
def _plain_reads_back(s: str) -> bool:
    """Whether YAML reads the plain scalar back as this string. Every implicit type YAML
    resolves (null, bool, int, float, timestamp, merge, value) starts with an ASCII
    character, and a printable string holds no character YAML reads as a line break or
    rejects: one that starts with a Chinese character is read back as written, without
    parsing it (a quarter of writing a canonical file, most of its values being Chinese)."""
    if s[0] > "\u3000" and s.isprintable():
        return True
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
        raise FormatError(impossible_date(fm_text, exc), path=path) from None
    if not isinstance(data, dict):
        raise FormatError("front matter must be a mapping of field: value", path=path)
    problems: list[str] = []
    check_front_matter(data, body, path, problems)
    if problems:
        raise ValidationErrors(problems)
    return document_from_front_matter(data, body, parse_units(body))


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


def git_blob(raw: bytes) -> str:
    """The git blob id of a file's bytes (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def file_text(raw: bytes) -> str:
    """A file's bytes as text with universal newlines, as `Path.read_text` reads it."""
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def read_indexed(raw: bytes, path: str, blob: str | None, known: Document | None) -> Document:
    """The document in a file's bytes, whole. `known` is its metadata as the index holds it
    (no body) and `blob` the git blob the index read: while the bytes are that blob, only
    the body is parsed (no YAML); otherwise (a file edited since, a document the index does
    not know) the file is parsed whole. Used by `show`, `diff` and the site's workers."""
    if known is None or blob is None or git_blob(raw) != blob:
        return parse(file_text(raw), path)
    # the index read these bytes as they are: a file with a CR in it is not indexed
    _, body = split_front_matter(raw.decode("utf-8"), path)
    return known.with_(body=body, units=parse_units(body))
