"""The render workers' documents: the index's metadata with the file's body parsed gives the
document a whole parse gives, and a file that is no longer the indexed blob is parsed whole."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from policytrack.archive import Archive
from policytrack.docfile import parse, serialise
from policytrack.index import Index
from policytrack.site.sources import git_blob, read_document
from policytrack.sitegraph import IndexedMetadata
from tests.conftest import CORPUS, LAWREF, ROOT, SEED, Run, run_process


def _check_archive(root: Path) -> int:
    """Every indexed file read the workers' way equals its whole parse; returns how many."""
    index = Index(Archive.open(root))
    index.refresh()
    blobs = index.blobs()
    files = sorted(root.glob("*.md"))
    known = IndexedMetadata(index)(f.stem for f in files)
    checked = 0
    for f in files:
        whole = parse(f.read_text(encoding="utf-8"), str(f))
        assert whole.id in known, f
        fast = read_document(str(f), blobs[whole.id], known[whole.id])
        assert fast == whole, f
        assert fast.units and fast.body == whole.body
        checked += 1
    return checked


def test_metadata_and_body_equal_a_whole_parse(archive: Path, run: Run) -> None:
    sources = sorted(LAWREF.rglob("*.md")) + list(SEED.values())
    assert run("add", "--archive", archive, "--batch", *sources).code == 0
    assert _check_archive(archive) == len(list(archive.glob("*.md"))) >= 10


def test_the_sample_archive_read_the_workers_way(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    subprocess.run(["cp", "-a", str(ROOT / "archive"), str(root)], check=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "s"],
        check=True,
    )
    assert _check_archive(root) >= 10


@pytest.mark.corpus
def test_corpus_documents_read_the_workers_way(archive: Path, run: Run) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus is not at {CORPUS}")
    single = sorted((CORPUS / "single").rglob("*.md"))[::25][:120]
    versions = sorted((CORPUS / "versions").rglob("*.md"))[:40]
    run("add", "--archive", archive, "--batch", *single, *versions)
    assert _check_archive(archive) >= 100


def test_a_file_changed_since_indexing_is_parsed_whole(archive: Path, run: Run) -> None:
    assert run("add", "--archive", archive, SEED["zibo"]).code == 0
    index = Index(Archive.open(archive))
    index.refresh()
    (path,) = archive.glob("*.md")
    doc = parse(path.read_text(encoding="utf-8"), str(path))
    blob = index.blobs()[doc.id]
    known = IndexedMetadata(index)([doc.id])[doc.id]
    assert git_blob(path.read_bytes()) == blob  # what `git hash-object` gives
    # edited behind the index's back (not committed): title and text both come from the file
    edited = replace(doc, title=(doc.title or "") + "（修订）")
    text = serialise(edited).replace(doc.units[-1].text[:8], "改写的文字", 1)
    path.write_text(text, encoding="utf-8")
    read = read_document(str(path), blob, known)
    assert read == parse(text, str(path))
    assert read.title == edited.title and read != doc
    # nothing known (a document the index has not read): parsed whole too
    assert read_document(str(path), blob, None) == read


def test_compiled_templates_are_kept_and_give_the_same_pages(seeded: Path, tmp_path: Path) -> None:
    def build(out: Path) -> dict[str, bytes]:
        done = run_process(
            "site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01"
        )
        assert done.returncode == 0, done.stderr
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".policytrack-site.json"
        }

    first = build(tmp_path / "one")
    kept = seeded / ".policytrack" / "site-templates"
    cached = sorted(kept.iterdir())
    assert len(cached) >= 3  # document, base and the summary pages' templates
    written = {p.name: p.stat().st_mtime_ns for p in cached}
    second = build(tmp_path / "two")  # a new process reads them back
    assert second == first
    assert {p.name: p.stat().st_mtime_ns for p in kept.iterdir()} == written  # not rewritten
    # a kept file that is damaged is compiled again, not trusted
    for path in cached:
        path.write_bytes(b"damaged")
    assert build(tmp_path / "three") == first
