"""The CLI contract: exit codes, one Error: line, JSON fields, forgiving REFs, documented help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policytrack.cli.reference import commands_without_help, render
from tests.conftest import ROOT, SEED, Run, run_process

DOCUMENTED_FIELDS = {
    "id",
    "doc_number",
    "title",
    "issuer",
    "kind",
    "issued",
    "published",
    "effective",
    "expires",
    "status",
    "supersedes",
    "superseded_by",
}


def test_list_json_has_the_documented_fields(seeded: Path, run: Run) -> None:
    result = run("list", "--archive", seeded, "--as-of", "2024-12-01", "--json")
    assert result.code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 5
    assert all(set(r) >= DOCUMENTED_FIELDS for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["京技管发-2024-29"]["status"] == "in_force"
    assert by_id["京技管发-2024-29"]["supersedes"] == ["京技管发〔2024〕10号"]
    assert by_id["闵府规发-2018-4"]["status"] == "expired"


@pytest.mark.parametrize(
    "ref",
    [
        "京技管发〔2024〕29号",
        "京技管发[2024]29号",
        "京技管发(2024)29号",
        "京技管发2024-29",
        "京技管發〔2024〕29號",
        "京技管发-2024-29",
        "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策",
    ],
)
def test_every_spelling_of_a_ref_resolves_to_the_same_document(
    seeded: Path, run: Run, ref: str
) -> None:
    result = run("show", "--archive", seeded, ref, "--json")
    assert result.code == 0, result
    assert json.loads(result.stdout)["id"] == "京技管发-2024-29"


def test_an_ambiguous_ref_lists_the_candidates(seeded: Path, run: Run) -> None:
    result = run("show", "--archive", seeded, "人工智能")
    assert result.code == 1
    assert result.stderr.startswith("Error: '人工智能' matches 2 documents: ")
    assert "闵府规发〔2018〕4号" in result.stderr and "十五条措施" in result.stderr


def test_an_unknown_ref_suggests_near_matches(seeded: Path, run: Run) -> None:
    result = run("show", "--archive", seeded, "京技管发〔2024〕28号")
    assert result.code == 1
    assert (
        result.stderr
        == "Error: no document matches '京技管发〔2024〕28号'; did you mean 京技管发〔2024〕29号?\n"
    )


def test_status_of_a_stub_and_an_expired_policy(seeded: Path, run: Run) -> None:
    stub = json.loads(
        run(
            "status", "--archive", seeded, "京技管发〔2024〕10号", "--as-of", "2024-12-01", "--json"
        ).stdout
    )[0]
    assert (stub["status"], stub["status_label"], stub["superseded_by"]) == (
        "repealed",
        "已废止",
        ["京技管发〔2024〕29号"],
    )
    assert stub["stub"] is True
    mh = json.loads(
        run(
            "status", "--archive", seeded, "闵府规发〔2018〕4号", "--as-of", "2024-12-01", "--json"
        ).stdout
    )[0]
    assert mh["status_label"] == "已失效" and "2021-10-01" in mh["status_reason"]


def test_expiring_on_the_seeds(seeded: Path, run: Run) -> None:
    result = run(
        "expiring", "--archive", seeded, "--within", "120d", "--as-of", "2025-10-01", "--json"
    )
    rows = json.loads(result.stdout)
    assert [(r["days_left"], r["expires"]) for r in rows] == [(91, "2025-12-31")]
    # the Zibo policy states no title: null in JSON, never one composed from its keywords
    assert rows[0]["title"] is None and rows[0]["id"].startswith("淄博高新区-")
    assert rows[0]["successor"] is None


def test_list_status_filter_and_bad_status(seeded: Path, run: Run) -> None:
    rows = json.loads(
        run(
            "list", "--archive", seeded, "--status", "现行有效", "--as-of", "2024-12-01", "--json"
        ).stdout
    )
    assert [r["id"] for r in rows] == ["京技管发-2024-29"]
    bad = run("list", "--archive", seeded, "--status", "alive")
    assert bad.code == 1 and bad.stderr.startswith(
        "Error: --status 'alive' is not a status; use one of "
    )


def test_bad_as_of_is_a_user_error(seeded: Path, run: Run) -> None:
    result = run("list", "--archive", seeded, "--as-of", "2024-13-01")
    assert (result.code, result.stderr) == (
        1,
        "Error: --as-of '2024-13-01' is not a date; write it as YYYY-MM-DD\n",
    )


def test_missing_archive_and_usage_errors(tmp_path: Path, run: Run) -> None:
    missing = run("list", "--archive", tmp_path / "nope")
    assert missing.code == 1
    assert (
        missing.stderr
        == f"Error: {tmp_path / 'nope'} is not a policytrack archive; create one with 'policytrack init {tmp_path / 'nope'}' or pass --archive DIR\n"
    )
    assert run("list", "--no-such-flag").code == 2
    assert run("frobnicate").code == 2


def test_missing_input_file(archive: Path, run: Run, tmp_path: Path) -> None:
    result = run("add", "--archive", archive, tmp_path / "absent.txt")
    assert (result.code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'absent.txt'} does not exist; check the path\n",
    )


def test_set_overrides_survive_re_ingestion(archive: Path, run: Run) -> None:
    from tests.conftest import SEED

    first = run(
        "add",
        "--archive",
        archive,
        SEED["zibo"],
        "--set",
        "issued=2021-03-01",
        "--set",
        "aliases=淄博AI实施意见",
    )
    assert first.code == 0, first
    again = run("add", "--archive", archive, SEED["zibo"])
    assert again.stdout.startswith("unchanged: "), again
    doc = json.loads(run("show", "--archive", archive, "淄博AI实施意见", "--json").stdout)
    assert doc["issued"] == "2021-03-01"


def test_dry_run_writes_nothing_and_shows_evidence(archive: Path, run: Run) -> None:
    from tests.conftest import SEED, git

    head = git(archive, "rev-parse", "HEAD")
    result = run("add", "--archive", archive, SEED["minhang"], "--dry-run")
    assert result.code == 0
    assert result.stdout.startswith("added: ") and "(dry run: nothing was written)" in result.stdout
    assert "effective     2018-10-01 [明示 stated]" in result.stdout
    assert "← 本文件自2018年10月1日起施行，有效期至2021年9月30日。" in result.stdout
    assert "personal contact details: 项目咨询:陈老师 13818084850 (微信)" in result.stdout
    assert git(archive, "rev-parse", "HEAD") == head


def test_check_reports_all_problems_at_once(seeded: Path, run: Run) -> None:
    from tests.conftest import git

    path = seeded / "京技管发-2024-29.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("kind: policy", "kind: poem"), encoding="utf-8"
    )
    other = seeded / "闵府规发-2018-4.md"
    other.write_text(
        other.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitel: ", 1), encoding="utf-8"
    )
    result = run("check", "--archive", seeded)
    assert result.code == 1
    assert result.stderr.startswith("Error: 3 problem(s) in ")
    assert "京技管发-2024-29.md: kind: 'poem' is not a kind" in result.stderr
    assert "闵府规发-2018-4.md: titel: unknown field" in result.stderr
    assert (
        "闵府规发-2018-4.md: title: is missing; add 'title:' to the front matter" in result.stderr
    )
    git(seeded, "checkout", "--", ".")
    assert run("check", "--archive", seeded).code == 0
    assert run("check", "--archive", seeded, "--strict").code == 1  # the 10号 stub is a warning


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    proc = run_process("show", "--archive", tmp_path, "x")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_cli_reference_is_up_to_date() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), "run `make docs`"


def test_version_is_the_installed_packages(run: Run) -> None:
    import importlib.metadata
    import tomllib

    result = run("--version")
    assert result.code == 0
    assert result.stdout == f"policytrack {importlib.metadata.version('policytrack')}\n"
    # written once, in policytrack/__init__.py; pyproject.toml reads it from there
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]


def test_every_command_has_help() -> None:
    assert commands_without_help() == []


def test_sample_archive_checks_clean(run: Run) -> None:
    result = run("check", "--archive", ROOT / "archive")
    assert result.code == 0, result


def test_expiring_measures_lists_unit_deadlines(seeded: Path, run: Run) -> None:
    rows = json.loads(
        run(
            "expiring",
            "--archive",
            seeded,
            "--measures",
            "--within",
            "3y",
            "--as-of",
            "2024-12-01",
            "--json",
        ).stdout
    )
    assert [(r["due"], r["anchor"], r["unit"]) for r in rows] == [
        ("2025-12-31", "s1-2", "（二）发展目标"),
        ("2026-12-31", "s1", "一、总体目标"),
    ]
    assert rows[1]["doc_number"] == "京技管发〔2024〕29号" and rows[1]["evidence"].startswith(
        "到2026年"
    )


def test_tables_print_document_text_as_is_not_as_markup(archive: Path, run: Run) -> None:
    """Titles are data: brackets that look like rich markup are printed as written (a
    closing tag with nothing to close used to end in a traceback)."""
    title = "关于[bold]支持[/bold]企业[a]发展的通知[/]"
    added = run("add", "--archive", archive, SEED["minhang"], "--set", f"title={title}")
    assert added.code == 0, added
    listed = run("list", "--archive", archive, "--as-of", "2025-10-01")
    assert listed.code == 0, listed
    assert title in listed.stdout


def test_piped_tables_keep_one_record_per_line_aligned_by_display_width(
    seeded: Path, run: Run
) -> None:
    """Out of a terminal a table prints each record on one line (nothing folded) with
    every column starting at the same display column, a Chinese character counting two."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    result = run("list", "--archive", seeded, "--as-of", "2025-10-01")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("doc number / id") and len(lines) == 1 + len(SEED)
    # the status, last column, has no spaces: where its last word starts
    starts = {width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1, lines
    assert any(width(line) > len(line) for line in lines)  # Chinese text in it


def test_site_serve_on_a_port_in_use_is_a_clear_error(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    import socket

    out = tmp_path / "site"
    assert (
        run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01").code == 0
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run("site", "serve", "--out", out, "--port", str(port))
    assert r.code == 1
    assert r.stderr.startswith(f"Error: cannot serve on 127.0.0.1:{port}") and "--port" in r.stderr
    assert "internal error" not in r.stderr


def test_show_and_diff_read_a_file_edited_since_it_was_indexed(seeded: Path, run: Run) -> None:
    """`show` and `diff` take a document's metadata from the index only while its file is
    the indexed blob; a file edited in the worktree (not yet committed) is read whole."""
    rows = json.loads(run("list", "--archive", seeded, "--json").stdout)
    doc_id = json.loads(run("show", "--archive", seeded, "京技管发〔2024〕29号", "--json").stdout)[
        "id"
    ]
    other = next(r["id"] for r in rows if r["id"] != doc_id)
    path = seeded / f"{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    relations = json.loads(run("show", "--archive", seeded, doc_id, "--json").stdout)["relations"]
    assert relations and relations[0]["evidence"]
    evidence = relations[0]["evidence"]
    title = next(r["title"] for r in rows if r["id"] == doc_id)
    edited = text.replace(f"title: {title}", "title: 改过的标题", 1)
    edited = edited.replace(evidence, "改过的依据", 1)
    assert edited.count("改过的") == 2
    path.write_text(edited, encoding="utf-8")
    shown = json.loads(run("show", "--archive", seeded, doc_id, "--json").stdout)
    assert shown["relations"][0]["evidence"] == "改过的依据"
    diffed = run("diff", "--archive", seeded, other, doc_id, "--format", "json")
    assert diffed.code == 0, diffed
    titles = [m for m in json.loads(diffed.stdout)["metadata"] if m["field"] == "title"]
    assert titles and titles[0]["new"] == "改过的标题"


def test_adding_a_stored_text_again_warns_nothing_about_the_stored_file(
    archive: Path, run: Run
) -> None:
    """A copy already recorded as a source reads without the stored document's issuer or
    dates; `add` must not print those gaps as warnings about the stored file."""
    first = run("add", "--archive", archive, SEED["minhang"])
    assert first.code == 0, first
    assert "warning:" in first.stderr  # the seed states no expiry: warned the first time
    again = run("add", "--archive", archive, SEED["minhang"])
    assert again.code == 0, again
    assert again.stdout.startswith("unchanged:"), again
    assert "warning:" not in again.stderr, again
