"""新旧对照表: every comparison as the two-column table (修改前 | 修改后), changed text marked,
written as a Word file the site offers and `policytrack diff --format docx` prints; read
back with python-docx."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx

from policytrack.comparison import EMPTY, table, to_docx
from policytrack.diff import diff_documents
from policytrack.docfile import parse
from tests.conftest import ROOT, Run

OLD = ROOT / "archive" / "北京市机动车停车条例-2021-09-24-8767f1.md"
NEW = ROOT / "archive" / "北京市机动车停车条例-2024-03-29-5177ed.md"


def _diff(old: Path = OLD, new: Path = NEW):  # type: ignore[no-untyped-def]
    a = parse(old.read_text(encoding="utf-8"), old.name)
    b = parse(new.read_text(encoding="utf-8"), new.name)
    return diff_documents(a, b)


def test_rows_are_the_changed_units_with_deletions_left_and_insertions_right() -> None:
    d = _diff()
    rows = table(d)
    changed = [c for c in d.changes if c.op != "unchanged"]
    assert len(rows) == len(changed) >= 3
    for row, c in zip(rows, changed, strict=True):
        old_text = "".join(t for t, _ in row.old)
        new_text = "".join(t for t, _ in row.new)
        # each side reads as that version's text, with its article label
        if c.old:
            assert old_text.startswith(c.old[0].label) and c.old[0].text in old_text
        else:
            assert old_text == EMPTY
        if c.new:
            assert new_text.startswith(c.new[0].label) and c.new[0].text in new_text
        if c.op in ("renumbered", "moved"):
            continue  # the same text under another number
        # past the label: the deleted runs marked on the left, the inserted on the right
        marked_old = "".join(t for t, marked in row.old[1 if c.old else 0 :] if marked)
        marked_new = "".join(t for t, marked in row.new[1 if c.new else 0 :] if marked)
        assert marked_old == "".join(e.text for e in c.edits if e.op == "delete")
        assert marked_new == "".join(e.text for e in c.edits if e.op == "insert")


def test_the_word_file_is_the_table_with_marked_runs(tmp_path: Path) -> None:
    d = _diff()
    rows = table(d)
    data = to_docx(rows, "北京市机动车停车条例 新旧对照表", "2021年版", "2024年版")
    assert data == to_docx(rows, "北京市机动车停车条例 新旧对照表", "2021年版", "2024年版")
    word = docx.Document(io.BytesIO(data))
    assert [p.text for p in word.paragraphs] == [
        "北京市机动车停车条例 新旧对照表",
        "修改前：2021年版",
        "修改后：2024年版",
    ]
    (grid,) = word.tables
    assert [c.text for c in grid.rows[0].cells] == ["修改前", "修改后"]
    assert len(grid.rows) == len(rows) + 1
    struck = underlined = 0
    for wrow, row in zip(grid.rows[1:], rows, strict=True):
        old_cell, new_cell = wrow.cells
        assert old_cell.text.replace("\n", "") == "".join(t for t, _ in row.old).replace("\n", "")
        for run in old_cell.paragraphs[0].runs:
            struck += bool(run.font.strike)
        for run in new_cell.paragraphs[0].runs:
            underlined += bool(run.bold and run.underline)
    assert struck and underlined


def test_diff_format_docx_writes_the_table(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "对照表.docx"
    with target.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "policytrack", "diff", "--archive", str(ROOT / "archive"),
             "北京市机动车停车条例-2024-03-29-5177ed", "--format", "docx"],
            stdout=out, stderr=subprocess.PIPE, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    word = docx.Document(str(target))
    assert word.paragraphs[0].text == "北京市机动车停车条例 新旧对照表"
    assert len(word.tables[0].rows) == len(table(_diff())) + 1
    bad = run("diff", "--archive", ROOT / "archive", "北京市机动车停车条例-2024-03-29-5177ed",
              "--format", "xlsx")  # fmt: skip
    assert bad.code == 1 and "use term, md, html, json, patch or docx" in bad.stderr + bad.stdout
