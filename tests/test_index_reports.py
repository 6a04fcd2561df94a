"""Reports answered from the index (`expiring`, a streamed `list`) give what the whole
archive's graph gives, on the sample archive, the seeds and the corpus's version groups."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from policytrack import commands
from policytrack.archive import Archive
from policytrack.index import Index
from policytrack.model import Source
from policytrack.temporal import STATUS_LABELS, expiring
from tests.conftest import CORPUS, ROOT, Run

DATES = (date(2016, 1, 1), date(2021, 9, 30), date(2024, 6, 1), date(2025, 10, 1), date(2030, 1, 1))


def _whole_graph_rows(path: Path, as_of: date) -> list[commands.DocumentRow]:
    """Every document's row from the graph of the whole archive (the way `list` worked)."""
    loaded = commands.load(path)
    return [commands.row_for(i, loaded, as_of) for i in sorted(loaded.docs)]


def _same_answers(path: Path) -> int:
    """Asserts the streamed list and the indexed expiring report equal the whole graph's
    answers on several dates; returns how many rows were compared."""
    index = Index(Archive.open(path))
    index.refresh()
    heads = list(index.heads())
    assert heads == [
        replace(d, relations=(), evidence=(), source=Source(), overrides=(), history=(), sources=())
        for d in index.documents()
    ]  # a head is the stored front matter without what no status reads
    compared = 0
    for as_of in DATES:
        whole = _whole_graph_rows(path, as_of)
        assert commands.list_documents(path, as_of) == whole
        for status in (*STATUS_LABELS, "current"):
            wanted = [
                r
                for r in whole
                if (r.current_version == r.id if status == "current" else r.status == status)
            ]
            assert commands.list_documents(path, as_of, status=status) == wanted, status
        compared += len(whole)
        graph = commands.load(path).graph
        for within in (30, 365, 3650):
            fast = commands.expiring_report(path, as_of, within)
            full = expiring(graph, as_of, within)
            assert [(e.doc.id, e.expires, e.days_left, e.successor, e.status) for e in fast] == [
                (e.doc.id, e.expires, e.days_left, e.successor, e.status) for e in full
            ]
    return compared


def test_the_sample_archive_answers_as_its_whole_graph(tmp_path: Path) -> None:
    sample = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", sample, ignore=shutil.ignore_patterns(".policytrack"))
    who = ["-c", "user.name=t", "-c", "user.email=t@x"]
    for args in (["init", "-q"], ["add", "-A"], [*who, "commit", "-qm", "sample"]):
        subprocess.run(["git", "-C", str(sample), *args], check=True, capture_output=True)
    assert _same_answers(sample) >= 5 * 10


def test_the_seeds_answer_as_their_whole_graph(seeded: Path) -> None:
    assert _same_answers(seeded) >= 5 * 5


@pytest.mark.corpus
@pytest.mark.slow
def test_the_corpus_version_groups_answer_as_their_whole_graph(archive: Path, run: Run) -> None:
    """The 49 version groups (amended laws, repealed ones, versions sharing a title) and
    200 single laws, added in one batch: lineages of real documents, stubs they share."""
    files = (
        sorted((CORPUS / "versions").rglob("*.md"))
        + sorted((CORPUS / "single").rglob("*.md"))[:200]
    )
    result = run("add", "--archive", archive, "--batch", *files)
    assert result.code == 0, result
    loaded = commands.load(archive)
    assert sum(1 for i in loaded.docs if loaded.graph.predecessors.get(i)) >= 40
    assert _same_answers(archive) >= 5 * 250
