"""`check`: every file and every relation of the archive validated, all problems at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policytrack.docfile import parse, serialise
from policytrack.errors import PolicytrackError, ValidationErrors
from policytrack.index import Index
from policytrack.model import Document, ref_key
from policytrack.temporal import build_graph
from policytrack.temporal import lineage as graph_lineage

from .loading import Loaded, open_archive, rel
from .suggest import suggestions_in


@dataclass
class CheckReport:
    """Every problem and warning found in the archive."""

    documents: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def conflicts(docs: list[Document]) -> list[str]:
    """Fields whose text and page label disagreed when read: the text's value was kept,
    and both are named with the command that keeps the other."""
    from policytrack.ingest.extract import CONFLICT

    out: list[str] = []
    for d in docs:
        if d.doc_number and d.number is None:
            out.append(
                f"{d.id}.md: doc_number: {d.doc_number} is printed damaged in the source and kept "
                "as printed; if you know the intended number, run "
                f"'policytrack set {d.id} doc_number=…'"
            )
        found = [(n, f.rule, str(f.value)) for n, f in d.window.fields().items()]
        found += [(n, ev.evidence, str(getattr(d, n))) for n, ev in d.evidence]
        for name, note, value in found:
            if CONFLICT not in note:
                continue
            other = note.split(CONFLICT, 1)[1].strip()
            out.append(
                f"{d.id}.md: {name}: the text says {value} but {other}; the text's is kept — "
                f"if the label is right, run 'policytrack set {d.id} {name}=…'"
            )
    return out


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
    for stub in sorted(graph.stubs.values(), key=lambda s: s.id):
        report.warnings.append(
            f"{stub.doc_number or stub.title}: referenced (supersedes/predecessor) but not in the archive; "
            "kept as a stub; add its text with 'policytrack add' when you find it"
        )
    report.warnings.extend(conflicts(docs))
    seen_numbers: dict[str, str] = {}
    for d in sorted(docs, key=lambda d: d.id):
        if d.doc_number:
            key = ref_key(d.doc_number)
            other = seen_numbers.get(key)
            if other is not None and other not in graph_lineage(graph, d.id):
                report.problems.append(
                    f"{d.id}.md: doc_number: {d.doc_number} is also used by {other}.md; one of "
                    f"them is wrong: correct it with 'policytrack set {d.id} doc_number=…', or "
                    f"if they are versions of one instrument 'policytrack link {other} {d.id} "
                    "--as amends'"
                )
            seen_numbers[key] = d.id
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
