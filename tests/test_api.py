"""The library API (policytrack.Policytrack, docs/api.md) on the seeds, through a real archive
in git: what a Python user gets is what the CLI prints, and the dates come from the texts."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from policytrack import Policytrack
from policytrack.errors import ArchiveError, NotFound, PolicytrackError
from tests.conftest import ROOT, SEED, Run, edited_seed

AS_OF = date(2025, 10, 1)
YIZHUANG = "京技管发〔2024〕29号"


@pytest.fixture
def pt(tmp_path: Path) -> Policytrack:
    """The five seeds added through the API."""
    pt = Policytrack.init(tmp_path / "archive")
    results = pt.add(*SEED.values())
    assert [r.action for r in results] == ["added"] * len(SEED)
    return pt


def test_add_commits_each_seed_and_documents_lists_what_the_cli_lists(
    pt: Policytrack, run: Run
) -> None:
    log = subprocess.run(
        ["git", "-C", str(pt.path), "log", "--format=%s"], capture_output=True, text=True
    )
    subjects = log.stdout.splitlines()
    assert subjects[-1].startswith("init:")
    assert len([s for s in subjects if s.startswith("add: ")]) == len(SEED)  # one per input
    rows = pt.documents(as_of=AS_OF)
    assert {r.id for r in rows} == {p.stem for p in pt.path.glob("*.md")}
    cli = run("list", "--archive", pt.path, "--as-of", AS_OF.isoformat(), "--json")
    assert cli.code == 0
    assert [r.to_json() for r in rows] == json.loads(cli.stdout)
    expired = pt.documents(status="已失效", as_of=AS_OF)  # a Chinese label works as in --status
    assert [r.doc_number for r in expired] == ["闵府规发〔2018〕4号"]


def test_get_takes_any_spelling_of_a_doc_number(pt: Policytrack) -> None:
    doc = pt.get("京技管发[2024]29号")  # half-width brackets, as people type them
    assert doc.doc_number == YIZHUANG
    text = pt.text(YIZHUANG)
    assert text.startswith("---\n")
    assert f"title: {doc.title}" in text
    assert doc.units  # the body is read, article by article
    with pytest.raises(NotFound, match="no document matches"):
        pt.get("国发〔1999〕999号")


def test_status_follows_the_dates_the_text_states(pt: Policytrack) -> None:
    window = pt.get(YIZHUANG).window
    effective, expires = window.effective.value, window.expires.value
    assert effective is not None and expires is not None
    assert pt.status(YIZHUANG, effective - timedelta(days=1)).status == "not_yet_effective"
    assert pt.status(YIZHUANG, effective).status == "in_force"
    assert pt.status(YIZHUANG, expires).status == "in_force"  # the last day counts
    row = pt.status(YIZHUANG, expires + timedelta(days=1))
    assert (row.status, row.status_label) == ("expired", "已失效")


def test_expiring_finds_a_document_in_its_window_only(pt: Policytrack) -> None:
    expires = pt.get(YIZHUANG).window.expires.value
    assert expires is not None
    ten_before = expires - timedelta(days=10)
    found = {e.doc.doc_number: e.days_left for e in pt.expiring(30, as_of=ten_before)}
    assert found.get(YIZHUANG) == 10
    within_a_week = pt.expiring(timedelta(days=7), as_of=ten_before)
    assert YIZHUANG not in {e.doc.doc_number for e in within_a_week}
    with pytest.raises(PolicytrackError, match="negative"):
        pt.expiring(-1, as_of=ten_before)


def test_a_new_version_is_diffed_against_its_predecessor_and_has_a_history(
    pt: Policytrack, tmp_path: Path
) -> None:
    zibo = next(pt.path.glob("淄博*.md")).stem
    newer = edited_seed(tmp_path, "zibo", "有效期至2025年12月31日", "有效期至2026年12月31日")
    new_id = "淄博高新区人工智能实施意见-2026"
    [added] = pt.add(newer, sets={"id": new_id, "supersedes": zibo, "published": "2025-12-01"})
    assert (added.action, added.document.id) == ("added", new_id)

    result = pt.diff(new_id)  # one REF: against the version before it
    assert (result.old.id, result.new.id) == (zibo, new_id)
    changed = [c for c in result.diff.changes if c.op == "modified"]
    assert len(changed) == 1
    assert "2025年12月31日" in changed[0].old[0].text
    assert "2026年12月31日" in changed[0].new[0].text
    assert pt.diff(zibo, new_id).diff == result.diff  # the same pair named both ways

    history = pt.history(new_id, AS_OF)
    assert [r.id for r in history.lineage] == [zibo, new_id]
    assert [c.subject.split(":")[0] for c in history.commits] == ["add"]
    # the newer one supersedes from the publication date given with it, not before
    assert pt.status(zibo, date(2025, 11, 30)).status != "repealed"
    after = pt.status(zibo, date(2025, 12, 2))
    assert (after.status, after.current_version) == ("repealed", new_id)


def test_opening_a_folder_that_is_no_archive_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="init"):
        Policytrack(tmp_path / "nothing-here")


def test_the_examples_in_docs_api_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/api.md's code blocks, in order, from a folder laid out as the repository's root."""
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "seeds").symlink_to(ROOT / "tests" / "fixtures" / "seeds")
    monkeypatch.chdir(tmp_path)
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), namespace)
    pt = namespace["pt"]
    assert isinstance(pt, Policytrack)
    assert [r.id for r in pt.history("淄博高新区实施意见-2026").lineage][
        -1
    ] == "淄博高新区实施意见-2026"
    assert os.path.isdir(tmp_path / "api-example-archive" / ".git")
