"""The SQLite index is a cache: incremental from git, rebuilt when missing or corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytrack.archive import Archive
from policytrack.index import Index
from tests.conftest import Run, edited_seed


def test_cold_build_then_no_work_when_nothing_changed(seeded: Path) -> None:
    index = Index(Archive.open(seeded))
    (seeded / ".policytrack" / "index.sqlite").unlink(missing_ok=True)
    first = index.refresh()
    assert first.rebuilt and first.parsed == 5
    second = index.refresh()
    assert (second.parsed, second.removed, second.rebuilt) == (0, 0, False)
    assert {d.id for d in index.documents()} >= {"京技管发-2024-29", "闵府规发-2018-4"}


def test_incremental_update_parses_only_the_changed_file(
    seeded: Path, tmp_path: Path, run: Run
) -> None:
    index = Index(Archive.open(seeded))
    index.refresh()
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过800万元")
    assert run("add", "--archive", seeded, edited, "--replace").code == 0
    stats = index.refresh()
    assert (stats.parsed, stats.removed, stats.rebuilt) == (1, 0, False)


def test_a_corrupt_index_is_rebuilt(seeded: Path, run: Run) -> None:
    db = seeded / ".policytrack" / "index.sqlite"
    run("list", "--archive", seeded)
    db.write_bytes(b"this is not a database" * 100)
    result = run("list", "--archive", seeded, "--json")
    assert result.code == 0
    assert len(__import__("json").loads(result.stdout)) == 5
    stats = Index(Archive.open(seeded)).refresh()
    assert not stats.rebuilt  # the rebuilt file is healthy again


def test_a_missing_index_is_rebuilt_and_is_git_ignored(seeded: Path, run: Run) -> None:
    db = seeded / ".policytrack" / "index.sqlite"
    db.unlink(missing_ok=True)
    assert run("show", "--archive", seeded, "闵府规发〔2018〕4号").code == 0
    assert db.exists()
    import subprocess

    ignored = subprocess.run(
        ["git", "-C", str(seeded), "check-ignore", str(db)], capture_output=True, text=True
    )
    assert ignored.returncode == 0


@pytest.mark.slow
def test_index_builds_over_thousands_of_files(archive: Path) -> None:
    """Enough blobs to fill both pipes of `git cat-file --batch` (a deadlock if fed naively)."""
    import subprocess

    from policytrack.docfile import Block, render_body, serialise
    from policytrack.model import Document

    for i in range(2500):
        body = render_body(f"文件{i}", [Block("heading", "第一条", 2), Block("para", "内容" * 40)])
        doc = Document(id=f"doc-{i:05d}", title=f"文件{i}", body=body)
        (archive / f"{doc.id}.md").write_text(serialise(doc), encoding="utf-8")
    subprocess.run(["git", "-C", str(archive), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(archive),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "bulk",
        ],
        check=True,
    )
    index = Index(Archive.open(archive))
    stats = index.refresh()
    assert stats.parsed == 2500
    assert len(index.documents()) == 2500


def test_indexed_expiring_equals_the_whole_graph(seeded: Path, tmp_path: Path, run: Run) -> None:
    """`expiring` loads only candidates and the documents linked to them; it must give what
    the whole graph gives, successors and supersession included."""
    from datetime import date

    from policytrack import commands
    from policytrack.temporal import expiring

    zibo = next(seeded.glob("淄博*.md")).stem
    newer = edited_seed(tmp_path, "zibo", "有效期至2025年12月31日", "有效期至2026年12月31日")
    r = run(
        "add", "--archive", seeded, newer,
        "--set", "id=淄博高新区人工智能实施意见-2026", "--set", f"supersedes={zibo}",
        "--set", "published=2025-12-01",
    )  # fmt: skip
    assert r.code == 0, r
    for as_of in (date(2024, 6, 1), date(2025, 10, 1), date(2025, 12, 30), date(2027, 11, 1)):
        for within in (30, 90, 400, 2000):
            fast = commands.expiring_report(seeded, as_of, within)
            full = expiring(commands.load(seeded).graph, as_of, within)
            assert [(e.doc.id, e.days_left, e.successor, e.status.code) for e in fast] == [
                (e.doc.id, e.days_left, e.successor, e.status.code) for e in full
            ]
    oct_2025 = commands.expiring_report(seeded, date(2025, 10, 1), 120)
    assert [(e.doc.id, e.successor) for e in oct_2025] == [(zibo, "（无标题·淄博高新区）")]


def test_incremental_refresh_follows_removals_and_survives_rewritten_history(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    import sqlite3
    import subprocess

    index = Index(Archive.open(seeded))
    index.refresh()
    before = {d.id for d in index.documents()}
    gone = seeded / "闵府规发-2018-4.md"
    gone.unlink()
    who = ["-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run(["git", "-C", seeded, *who, "commit", "-qam", "remove"], check=True)
    assert index.refresh().removed == 1 and index.refresh().parsed == 0
    assert {d.id for d in index.documents()} == before - {"闵府规发-2018-4"}
    # an indexed commit that no longer exists (history rewritten and collected): full pass
    with sqlite3.connect(index.path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'head'", ("f" * 40,))
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过800万元")
    assert run("add", "--archive", seeded, edited).code == 0
    stats = index.refresh()
    assert not stats.rebuilt and stats.parsed >= 1
    assert {d.id for d in index.documents()} == before


def _git_history(repo: Path, name: str) -> list[str]:
    import subprocess

    out = subprocess.run(
        ["git", "-C", repo, "log", "--format=%H", "--", name],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return out.split()


def test_commit_history_follows_the_archive_and_rewritten_history(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    """A page's commits come from the index; they must be what `git log -- file` says
    after new commits (incremental), and after history was rewritten under it."""
    import subprocess

    archive = Archive.open(seeded)
    index = Index(archive)
    names = sorted(p.name for p in seeded.glob("*.md"))

    def check() -> None:
        index.refresh()
        got = index.commits_of(names)
        for name in names:
            assert [c.sha for c in got.get(name, [])] == _git_history(seeded, name), name
        recent = index.recent_commits(30)
        want = subprocess.run(
            ["git", "-C", seeded, "log", "--format=%H|%(trailers:key=Document-Id,valueonly)"],
            check=True, capture_output=True, text=True,
        ).stdout.split("\n")  # fmt: skip
        pairs = [tuple(line.strip().split("|")) for line in want if "|" in line]
        assert [(c.sha, doc_id) for c, doc_id in recent] == [p for p in pairs if p[1]][:30]

    check()
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过800万元")
    assert run("add", "--archive", seeded, edited, "--replace").code == 0
    check()
    assert index.commits_of(["闵府规发-2018-4.md"])["闵府规发-2018-4.md"][0].action == "correct"
    # history rewritten: the indexed commit is no longer in it, but still exists
    subprocess.run(["git", "-C", seeded, "reset", "-q", "--hard", "HEAD~1"], check=True)
    check()
    assert run("add", "--archive", seeded, edited, "--replace").code == 0
    check()


def test_the_index_gives_back_the_documents_the_files_hold(archive: Path, run: Run) -> None:
    """The index keeps each document's front matter and reads it back through the same
    mapping `parse` uses: every field equal, for every kind of document and relation."""
    import dataclasses

    from policytrack.docfile import parse
    from tests.conftest import LAWREF, ROOT, SEED, git

    sources = [*SEED.values(), *sorted((LAWREF / "versions").rglob("*.md"))[:12]]
    assert run("add", "--archive", archive, "--batch", *sources).code == 0
    for path in sorted((ROOT / "archive").glob("*.md")):  # the sample's, committed as they are
        (archive / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    git(archive, "add", "-A")
    git(archive, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "sample")
    index = Index(Archive.open(archive))
    index.refresh()
    indexed = {d.id: d for d in index.documents()}
    files = sorted(archive.glob("*.md"))
    assert len(indexed) == len(files) >= 20
    for path in files:
        parsed = parse(path.read_text(encoding="utf-8"), path.name)
        assert indexed[parsed.id] == dataclasses.replace(parsed, body="", units=()), path.name
