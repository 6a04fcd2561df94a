"""The git-backed archive: one commit per mutation, atomic, locked, never rewritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policytrack.archive import Archive
from tests.conftest import SEED, Run, git, run_process


def test_init_creates_its_own_repository(tmp_path: Path, run: Run) -> None:
    result = run("init", tmp_path / "a")
    assert result.code == 0
    assert "in a new git repository" in result.stdout
    assert (tmp_path / "a" / ".git").is_dir()
    assert git(tmp_path / "a", "log", "--format=%s") == "init: policytrack archive\n"


def test_init_inside_an_existing_repository_commits_only_its_folder(
    tmp_path: Path, run: Run
) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "notes.txt").write_text("user work in progress\n")
    git(repo, "add", "notes.txt")  # staged, not committed: must stay out of our commits
    assert run("init", repo / "archive").code == 0
    assert run("add", "--archive", repo / "archive", SEED["yizhuang"]).code == 0
    touched = git(repo, "log", "--name-only", "--format=").split()
    assert all(p.startswith("archive/") or p.startswith('"archive/') for p in touched)
    assert "A  notes.txt" in git(repo, "status", "--short")


def test_init_twice_is_an_error(archive: Path, run: Run) -> None:
    result = run("init", archive)
    assert result.code == 1
    assert result.stderr.startswith("Error: ") and "already a policytrack archive" in result.stderr


def test_add_makes_one_commit_with_trailers(archive: Path, run: Run) -> None:
    assert (
        run(
            "add",
            "--archive",
            archive,
            SEED["yizhuang"],
            "--url",
            "https://kfqgw.beijing.gov.cn/x.html",
        ).code
        == 0
    )
    assert git(archive, "rev-list", "--count", "HEAD") == "2\n"
    message = git(archive, "log", "-1", "--format=%B")
    assert message.startswith(
        "add: 京技管发〔2024〕29号 北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策\n"
    )
    assert "Document-Id: 京技管发-2024-29\n" in message
    assert "Doc-Number: 京技管发〔2024〕29号\n" in message
    assert "Source-URL: https://kfqgw.beijing.gov.cn/x.html\n" in message
    sha = __import__("hashlib").sha256(SEED["yizhuang"].read_bytes()).hexdigest()
    assert f"Source-SHA256: {sha}\n" in message
    assert git(archive, "status", "--porcelain") == ""


def test_re_adding_the_same_document_is_a_no_op(seeded: Path, run: Run) -> None:
    before = git(seeded, "rev-parse", "HEAD")
    result = run("add", "--archive", seeded, SEED["yizhuang"])
    assert result.code == 0
    assert result.stdout.startswith("unchanged: ")
    assert git(seeded, "rev-parse", "HEAD") == before


def test_a_copy_from_another_file_becomes_a_source_and_replace_corrects(
    seeded: Path, tmp_path: Path, run: Run
) -> None:
    edited = tmp_path / "edited.txt"
    edited.write_text(
        SEED["yizhuang"].read_text(encoding="utf-8").replace("最高2000萬元", "最高3000萬元"),
        encoding="utf-8",
    )
    stored = seeded / "京技管发-2024-29.md"
    before = stored.read_text(encoding="utf-8")
    copy = run("add", "--archive", seeded, edited)
    assert copy.code == 0, copy
    assert (
        copy.stdout.startswith("copy: ") and "same doc number 京技管发〔2024〕29号" in copy.stdout
    )
    after = stored.read_text(encoding="utf-8")
    assert after != before and after.split("\n---\n")[1] == before.split("\n---\n")[1]
    assert "sources:\n  - file: edited.txt\n" in after  # recorded, the canonical text kept
    head = git(seeded, "rev-parse", "HEAD")
    accepted = run("add", "--archive", seeded, edited, "--replace")
    assert accepted.code == 0 and accepted.stdout.startswith("corrected: "), accepted
    assert "最高3000万元" in stored.read_text(encoding="utf-8")
    assert git(seeded, "log", "-1", "--format=%s").startswith("correct: 京技管发〔2024〕29号")
    assert "Policytrack-Action: correct" in git(seeded, "log", "-1", "--format=%B")
    assert git(seeded, "merge-base", "--is-ancestor", head.strip(), "HEAD") == ""  # history kept


def test_a_different_reading_of_the_same_source_needs_replace(
    seeded: Path, tmp_path: Path, run: Run
) -> None:
    same_name = tmp_path / SEED["yizhuang"].name
    same_name.write_text(
        SEED["yizhuang"].read_text(encoding="utf-8").replace("最高2000萬元", "最高3000萬元"),
        encoding="utf-8",
    )
    head = git(seeded, "rev-parse", "HEAD")
    refused = run("add", "--archive", seeded, same_name)
    assert refused.code == 1
    assert refused.stderr.startswith("Error: 京技管发〔2024〕29号 is already in the archive")
    assert "--replace" in refused.stderr and refused.stderr.count("\n") == 1
    assert git(seeded, "rev-parse", "HEAD") == head


def _spawn_add(
    archive: Path, seed: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "policytrack", "add", "--archive", str(archive), str(seed)],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_concurrent_adds_both_succeed(archive: Path) -> None:
    procs = [_spawn_add(archive, SEED["yizhuang"]), _spawn_add(archive, SEED["minhang"])]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert git(archive, "rev-list", "--count", "HEAD") == "3\n"
    assert git(archive, "status", "--porcelain") == ""
    assert sorted(p.name for p in Archive.open(archive).document_files()) == [
        "京技管发-2024-29.md",
        "闵府规发-2018-4.md",
    ]
    subprocess.run(["git", "-C", str(archive), "fsck", "--strict"], check=True, capture_output=True)


@pytest.mark.slow
def test_an_add_killed_before_the_commit_lands_leaves_nothing(archive: Path) -> None:
    head = git(archive, "rev-parse", "HEAD")
    proc = run_process(
        "add", "--archive", archive, SEED["yizhuang"], env={"POLICYTRACK_FAULT": "before-ref"}
    )
    assert proc.returncode == -9  # really killed
    assert git(archive, "rev-parse", "HEAD") == head
    assert not (archive / "京技管发-2024-29.md").exists()
    # the next command tidies up and the archive is as before
    assert run_process("list", "--archive", archive).returncode == 0
    assert git(archive, "status", "--porcelain") == ""
    assert not (archive / ".policytrack" / "journal.json").exists()


@pytest.mark.slow
def test_an_add_killed_after_the_commit_is_completed_by_the_next_command(archive: Path) -> None:
    proc = run_process(
        "add", "--archive", archive, SEED["yizhuang"], env={"POLICYTRACK_FAULT": "after-ref"}
    )
    assert proc.returncode == -9
    assert git(archive, "log", "-1", "--format=%s").startswith("add: 京技管发〔2024〕29号")
    follow = run_process("list", "--archive", archive, "--json")
    assert follow.returncode == 0
    assert (archive / "京技管发-2024-29.md").exists()
    assert git(archive, "status", "--porcelain") == ""


def test_uncommitted_hand_edits_are_never_overwritten(
    seeded: Path, tmp_path: Path, run: Run
) -> None:
    target = seeded / "京技管发-2024-29.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n手工修改\n", encoding="utf-8")
    edited = tmp_path / "e.txt"
    edited.write_text(
        SEED["yizhuang"].read_text(encoding="utf-8") + "\n補充一句。\n", encoding="utf-8"
    )
    result = run("add", "--archive", seeded, edited, "--replace")
    assert result.code == 1
    assert "has uncommitted changes" in result.stderr
    assert target.read_text(encoding="utf-8").endswith("手工修改\n")


def test_history_lists_the_commits_of_a_document(seeded: Path, run: Run) -> None:
    result = run("history", "--archive", seeded, "京技管发2024-29", "--json")
    assert result.code == 0
    data = __import__("json").loads(result.stdout)
    assert [c["action"] for c in data["commits"]] == ["add"]
    assert data["commits"][0]["subject"].startswith("add: 京技管发〔2024〕29号")


def corpus_files(n: int) -> list[Path]:
    from tests.conftest import LAWREF

    files = sorted((LAWREF / "single").rglob("*.md"))
    assert len(files) >= n
    return files[:n]


def test_batch_add_writes_one_commit_parsed_on_all_cores(archive: Path, run: Run) -> None:
    files = corpus_files(40)  # over the threshold for parallel parsing
    one_by_one = archive.parent / "one"
    assert run("init", one_by_one).code == 0
    assert run("add", "--archive", one_by_one, *files[:5]).code == 0
    r = run("add", "--archive", archive, "--batch", *files)
    assert r.code == 0, r
    before = int(git(one_by_one, "rev-list", "--count", "HEAD")) - 5  # what init writes
    assert int(git(archive, "rev-list", "--count", "HEAD")) == before + 1
    assert len(git(archive, "show", "--name-only", "--format=", "HEAD").split()) == 40
    subject = git(archive, "log", "-1", "--format=%s%n%b")
    assert subject.startswith("add: 40 documents (batch)") and "Policytrack-Action: add" in subject
    names = sorted(p.name for p in archive.glob("*.md"))
    assert len(names) == 40
    assert git(archive, "status", "--porcelain") == ""
    git(archive, "fsck", "--strict")
    # the same bytes as documents added one commit each
    for p in sorted(one_by_one.glob("*.md")):
        assert (archive / p.name).read_bytes() == p.read_bytes()
    # per-document history still finds the batch commit
    r = run("history", "--archive", archive, names[0].removesuffix(".md"))
    assert r.code == 0 and "add: 40 documents (batch)" in r.stdout


def test_a_batch_writes_every_good_file_and_lists_every_refused_one(
    seeded: Path, tmp_path: Path, run: Run
) -> None:
    correction = tmp_path / SEED["minhang"].name  # the same source, read differently
    correction.write_text(
        SEED["minhang"].read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    good = corpus_files(3)
    r = run("add", "--archive", seeded, "--batch", *good, correction, empty, tmp_path / "gone.txt")
    assert r.code == 1
    refused = [line for line in r.stderr.splitlines() if line.startswith("refused: ")]
    assert len(refused) == 3
    assert any("闵府规发〔2018〕4号 is already in the archive" in line for line in refused)
    assert any("empty.txt is empty" in line for line in refused)
    assert any("gone.txt does not exist" in line for line in refused)
    assert r.stderr.splitlines()[-1].startswith("Error: 3 of 6 inputs refused (listed above)")
    assert r.stdout.count("added: ") == 3
    assert git(seeded, "log", "-1", "--format=%s").startswith("add: 3 documents (batch)")
    assert git(seeded, "status", "--porcelain") == ""


@pytest.mark.slow
def test_a_batch_killed_after_the_commit_is_completed(archive: Path) -> None:
    files = corpus_files(12)
    proc = run_process(
        "add", "--archive", archive, "--batch", *files, env={"POLICYTRACK_FAULT": "after-ref"}
    )
    assert proc.returncode == -9
    assert len(list(archive.glob("*.md"))) < 12  # the worktree was not updated yet
    assert run_process("list", "--archive", archive, "--json").returncode == 0
    assert len(list(archive.glob("*.md"))) == 12
    assert git(archive, "status", "--porcelain") == ""
