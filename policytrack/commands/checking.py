"""`check`: every file and every relation of the archive validated, all problems at once.
This is the orchestration (open, parse each file, collect, raise); the rules over the
archive's documents are `integrity`'s, the graph's `supersession`'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policytrack.docfile import parse, serialise
from policytrack.errors import PolicytrackError, ValidationErrors
from policytrack.index import Index
from policytrack.integrity import conflicts, shared_doc_numbers, stub_warnings
from policytrack.model import Document
from policytrack.temporal import build_graph

from .loading import Loaded, open_archive, rel
from .suggest import suggestions_in


@dataclass
class CheckReport:
    """Every problem and warning found in the archive."""

    documents: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check(archive_path: Path, *, strict: bool = False) -> CheckReport:
    """Validate every file and every relation; raise ValidationErrors listing all problems."""
    archive = open_archive(archive_path)
    report = CheckReport()
    docs: list[Document] = []
    for path in archive.document_files():
        try:
            # bytes as they are: read_text would turn CR LF into LF and hide it
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            report.problems.append(
                f"{path.name}: is not UTF-8 text (an undecodable byte at offset {exc.start}); "
                "convert it to UTF-8 (e.g. iconv -f GB18030 -t UTF-8) and commit it"
            )
            continue
        try:
            doc = parse(text, path.name)
        except ValidationErrors as exc:
            fix = f"; then commit the file: 'git commit {rel(path)}'"
            report.problems.extend(p + fix for p in exc.problems)
            continue
        except PolicytrackError as exc:
            report.problems.append(f"{exc}; then commit the file: 'git commit {rel(path)}'")
            continue
        docs.append(doc)
        if serialise(doc) != text:
            report.warnings.append(
                f"{path.name}: not in canonical form (field order, quoting or spacing); "
                f"rewrite it with 'policytrack add --replace {rel(path)}'"
            )
        if archive.is_dirty(path.name):
            report.warnings.append(
                f"{path.name}: has uncommitted changes; commit them with 'git commit {rel(path)}'"
            )
    report.documents = len(docs)
    graph = build_graph(docs)
    report.problems.extend(graph.problems)
    report.warnings.extend(stub_warnings(graph))
    report.warnings.extend(conflicts(docs))
    report.problems.extend(shared_doc_numbers(docs, graph))
    if docs:
        loaded = Loaded(archive, Index(archive), graph)
        for s in suggestions_in(loaded, date.max):
            report.warnings.append(
                f"{s.older.id} → {s.newer.id}: may be "
                + ("copies of one text" if s.type == "copy" else "versions of one instrument")
                + f" (score "
                f"{s.score:.2f}: {'; '.join(s.evidence)}); link them with '{s.command}', or "
                f"keep them apart with 'policytrack unlink {s.older.id} {s.newer.id}'"
            )
    if strict:
        report.problems.extend(report.warnings)
        report.warnings = []
    if report.problems:
        raise ValidationErrors(report.problems)
    return report
