"""The archive's integrity rules. What `add` checks against the archive before it writes:
documents that would supersede themselves or close a supersession cycle, and a doc number
the user gave along with an id of their own that another document already has; here they
are refused before they get there, with what to do instead (`problems_of_adding`). Only the
neighbourhood of the new documents is read (through the index): the archived documents
their relations name, those naming them, and so on along the lineage links, so the check
costs the same in an archive of 100 or of 100,000 documents.

And what `check` reports of an archive's documents beyond each file's own validity (the
supersession graph's problems are `supersession`'s): a doc number two documents outside one
lineage share (`shared_doc_numbers`), a lineage relation naming a text the archive lacks
(`stub_warnings`), and a field whose text and page label disagreed when read, or a doc
number printed damaged (`conflicts`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .index import Index
from .model import Document, lookup_keys, ref_key
from .temporal import Graph, build_graph, lineage

MAX_ROUNDS = 20  # lineage steps followed; lineages are a few versions long


def _keys_of(doc: Document) -> set[str]:
    """The keys other documents' relations may name this one by."""
    return {doc.id.lower()} | {k for k, _ in lookup_keys(doc.doc_number, doc.title, doc.aliases)}


def _targets_of(doc: Document) -> set[str]:
    keys = set()
    for rel in doc.relations:
        if rel.type not in ("supersedes", "predecessor"):
            continue
        if rel.target_id:
            keys.add(rel.target_id.lower())
        keys.update(k for k, _ in lookup_keys(rel.doc_number, rel.title))
    return keys


def problems_of_adding(index: Index, new: Sequence[tuple[str, Document]]) -> list[tuple[str, str]]:
    """(file, why) for each of these (file, document) pairs that cannot be added as it
    is; [] when all can."""
    out: list[tuple[str, str]] = []
    new_ids = {doc.id for _, doc in new}
    # a doc number the user set with an id of their own: add's identity matching (copies,
    # versions, corrections; see curate) is skipped for it, so it is checked here
    numbers = {
        ref_key(d.doc_number): (f, d)
        for f, d in new
        if d.doc_number and {"id", "doc_number"} <= set(dict(d.overrides))
    }
    for key, owners in sorted(index.resolve_keys(set(numbers)).items()):
        f, doc = numbers[key]
        for other in owners:
            if other in new_ids or other == doc.id:
                continue
            existing = index.documents_by_id([other])
            if existing and existing[0].doc_number and ref_key(existing[0].doc_number) == key:
                out.append(
                    (
                        f,
                        f"doc number {doc.doc_number} is already that of {other} "
                        f"({other}.md); to correct that document add this file without "
                        "--set id (and with --replace), or give this one its own number with "
                        "--set doc_number=…",
                    )
                )
    # the archived documents linked to the new ones, along lineage links, both ways
    keys = set().union(*(_keys_of(d) | _targets_of(d) for _, d in new))
    linked: set[str] = set(index.sources_of_keys(keys))
    for ids in index.resolve_keys(keys).values():
        linked.update(ids)
    frontier = set(linked)
    for _ in range(MAX_ROUNDS):
        if not frontier:
            break
        step = index.neighbours(frontier, lineage_only=True) - linked
        linked |= step
        frontier = step
    archived = [d for d in index.documents_by_id(linked) if d.id not in new_ids]
    before = set(build_graph(archived).problems)
    by_id = {d.id: f for f, d in new}
    for problem in build_graph([*archived, *(d for _, d in new)]).problems:
        if problem in before:
            continue
        doc_id = problem.split(":", 1)[0]
        if "points at itself" in problem and doc_id in by_id:
            out.append(
                (
                    by_id[doc_id],
                    f"{doc_id} would supersede or follow itself; drop the --set supersedes= "
                    "or --set predecessor= value that names this document",
                )
            )
        elif problem.startswith("supersession cycle"):
            files = [by_id[i] for i in problem.split(": ", 1)[1].split(" → ") if i in by_id]
            if not files:
                continue
            out.append(
                (
                    files[0],
                    f"{problem.removesuffix('; a document cannot succeed its own successor')}: "
                    "adding this would make a document succeed its own successor; one of "
                    "the relations is wrong: correct this file's doc number or relations "
                    "(--set), or remove the archived one (policytrack unlink OLD NEW)",
                )
            )
        # other new problems (a document superseded twice, …) are for `check` to report
    return out


# --- what `check` reports of an archive ----------------------------------------------------


def shared_doc_numbers(docs: Sequence[Document], graph: Graph) -> list[str]:
    """A problem for each document whose doc number an earlier one (by id) has, unless the
    two are versions of one lineage."""
    out: list[str] = []
    seen_numbers: dict[str, str] = {}
    for d in sorted(docs, key=lambda d: d.id):
        if d.doc_number:
            key = ref_key(d.doc_number)
            other = seen_numbers.get(key)
            if other is not None and other not in lineage(graph, d.id):
                out.append(
                    f"{d.id}.md: doc_number: {d.doc_number} is also used by {other}.md; one of "
                    f"them is wrong: correct it with 'policytrack set {d.id} doc_number=…', or "
                    f"if they are versions of one instrument 'policytrack link {other} {d.id} "
                    "--as amends'"
                )
            seen_numbers[key] = d.id
    return out


def stub_warnings(graph: Graph) -> list[str]:
    """A warning for each text a lineage relation names that the archive does not hold."""
    return [
        f"{stub.doc_number or stub.title}: referenced (supersedes/predecessor) but not in the "
        "archive; kept as a stub; add its text with 'policytrack add' when you find it"
        for stub in sorted(graph.stubs.values(), key=lambda s: s.id)
    ]


def conflicts(docs: Sequence[Document]) -> list[str]:
    """Fields whose text and page label disagreed when read: the text's value was kept,
    and both are named with the command that keeps the other."""
    # the marker ingest writes into a field's evidence; imported here: only `check` reads it
    from .ingest.extract import CONFLICT

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
