"""An incremental site build gives the bytes a build from scratch gives.

Each step changes the sample archive the way users do (a new title, a new version that
supersedes an old one, a document removed, the as-of date moving across expiries), builds
incrementally into one folder and from scratch into another, and compares every file.
The search index is compared by its answers (its segments differ by design)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from policytrack.commands import site_build
from policytrack.docfile import parse, serialise
from policytrack.model import Relation
from policytrack.site.search import search
from tests.conftest import ROOT, Run, edited_seed

QUERIES = ("人工智能", "停车", "监察", "洗钱", "最高不超过", "鲲鹏", "京技管发〔2024〕29号")


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file()
        and not p.relative_to(out).as_posix().startswith("search/")
        and p.name != ".policytrack-site.json"
    }


def _folders(out: Path) -> set[str]:
    """The site's folders but the search index's (its segments differ by design)."""
    rels = (p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir())
    return {r for r in rels if not r.startswith("search/")}


def _same_site(archive: Path, out: Path, tmp: Path, as_of: date, step: str) -> int:
    report = site_build(archive, out, as_of)
    fresh = tmp / f"fresh-{step}"
    site_build(archive, fresh, as_of)
    got, want = _files(out), _files(fresh)
    assert sorted(got) == sorted(want), (step, set(got) ^ set(want))
    # no folder left behind (an issuer's folder once its last document is gone)
    assert _folders(out) == _folders(fresh), (step, _folders(out) ^ _folders(fresh))
    differ = [rel for rel in want if got[rel] != want[rel]]
    assert differ == [], (step, differ)
    for q in QUERIES:
        assert search(out / "search", q) == search(fresh / "search", q), (step, q)
    return report.skipped


def _commit_all(archive: Path, message: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run(["git", "-C", archive, "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", archive, "commit", "-qm", message], check=True, env=env)


@pytest.mark.slow
def test_incremental_builds_equal_builds_from_scratch(run: Run, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", archive, ignore=shutil.ignore_patterns(".policytrack"))
    subprocess.run(["git", "init", "-q", archive], check=True)
    (archive / ".gitignore").write_text(".policytrack/\n", encoding="utf-8")
    _commit_all(archive, "sample")
    out = tmp_path / "site"
    # before 京技管发〔2024〕29号 took effect (2024-11-24): the 10号 it supersedes (a stub)
    # is in force; moving the as-of date past it changes pages that show the stub
    site_build(archive, out, date(2024, 11, 1))
    as_of = date(2025, 10, 1)
    _same_site(archive, out, tmp_path, as_of, "as-of")

    # nothing changed: every page skipped
    skipped = _same_site(archive, out, tmp_path, as_of, "same")
    assert skipped >= 2 * 11

    # a new title on the newer of two versions: its lineage partner's page must follow
    newer = archive / "北京市机动车停车条例-2024-03-29-5177ed.md"
    newer.write_text(
        newer.read_text(encoding="utf-8").replace(
            "title: 北京市机动车停车条例", "title: 北京市机动车停车条例（修正）", 1
        ),
        encoding="utf-8",
    )
    _commit_all(archive, "retitle")
    _same_site(archive, out, tmp_path, as_of, "retitle")

    # a document expiring within 180 days retitled, then renewed by a new one: the
    # expiring windows (kept while nothing in them changes) must follow
    zibo = next(archive.glob("淄博高新区*.md"))
    doc = parse(zibo.read_text(encoding="utf-8"), zibo.name)
    zibo.write_text(
        serialise(replace(doc, title="淄博高新区人工智能实施意见（修订）")), encoding="utf-8"
    )
    _commit_all(archive, "retitle in window")
    _same_site(archive, out, tmp_path, as_of, "retitle-in-window")
    assert "（修订）" in (out / "expiring.html").read_text(encoding="utf-8")
    renewal = replace(
        doc,
        id="淄博高新区人工智能实施意见续期-2025-09-01",
        title="淄博高新区关于人工智能的实施意见（续期）",
        relations=(
            Relation(
                "supersedes",
                title=(doc.title or "淄博高新区人工智能实施意见") + "（修订）",
                target_id=doc.id,
            ),
        ),
        overrides=(),
    )
    (archive / f"{renewal.id}.md").write_text(serialise(renewal), encoding="utf-8")
    _commit_all(archive, "renewal")
    _same_site(archive, out, tmp_path, as_of, "renewal")
    assert "（续期）" in (out / "expiring.html").read_text(encoding="utf-8")
    # a document that now expires within the window (it did not before) joins it
    jtg = archive / "京技管发-2024-29.md"
    jtg.write_text(jtg.read_text(encoding="utf-8").replace("2027-12-31", "2026-01-31"), "utf-8")
    _commit_all(archive, "expires sooner")
    _same_site(archive, out, tmp_path, as_of, "expires-sooner")
    assert "京技管发〔2024〕29号" in (out / "expiring.html").read_text(encoding="utf-8")

    # a new version of the Minhang measures that supersedes them, with a new phrase
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过鲲鹏八百万元")
    text = edited.read_text(encoding="utf-8").replace("闵府规发〔2018〕4号", "闵府规发〔2025〕9号")
    edited.write_text(text, encoding="utf-8")
    r = run("add", "--archive", archive, edited, "--set", "supersedes=闵府规发〔2018〕4号",
            "--set", "issued=2025-09-01", "--set", "effective=2025-11-01",
            "--set", "expires=2028-10-31")  # fmt: skip
    assert r.code == 0, r
    _same_site(archive, out, tmp_path, as_of, "new-version")

    # the as-of date moves past the new version's start and the Zibo expiry
    _same_site(archive, out, tmp_path, date(2026, 1, 15), "later")

    # the new version no longer claims to supersede the old: the old one is in force again
    new = archive / "闵府规发-2025-9.md"
    doc = parse(new.read_text(encoding="utf-8"), new.name)
    kept = tuple(r for r in doc.relations if r.type != "supersedes")
    assert len(kept) < len(doc.relations)
    new.write_text(serialise(replace(doc, relations=kept, overrides=())), encoding="utf-8")
    _commit_all(archive, "drop supersession")
    _same_site(archive, out, tmp_path, date(2026, 1, 15), "unsuperseded")
    old_page = (out / "documents" / "闵府规发-2018-4.html").read_text(encoding="utf-8")
    assert "闵府规发〔2025〕9号" not in old_page

    # a document removed from the archive: its pages go, the pages that showed it follow
    (archive / "京技管发-2024-29.md").unlink()
    _commit_all(archive, "remove")
    _same_site(archive, out, tmp_path, date(2026, 1, 15), "removed")
    assert not (out / "documents" / "京技管发-2024-29.html").exists()
    assert search(out / "search", "算力") == []


def test_build_state_is_per_output_folder_and_a_deleted_folder_rebuilds(
    run: Run, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", archive, ignore=shutil.ignore_patterns(".policytrack"))
    subprocess.run(["git", "init", "-q", archive], check=True)
    (archive / ".gitignore").write_text(".policytrack/\n", encoding="utf-8")
    _commit_all(archive, "sample")
    a, b = tmp_path / "a", tmp_path / "b"
    first = site_build(archive, a, date(2025, 10, 1))
    assert first.skipped == 0 and len(first.written) == first.pages
    assert len(list((archive / ".policytrack").glob("site-*.pickle"))) == 1
    # another folder: its own state, a full build
    other = site_build(archive, b, date(2025, 10, 1))
    assert other.skipped == 0 and len(list((archive / ".policytrack").glob("site-*.pickle"))) == 2
    again = site_build(archive, a, date(2025, 10, 1))
    assert again.written == [] and again.skipped > 0
    shutil.rmtree(a)  # the marker goes with the folder: the state is not trusted
    rebuilt = site_build(archive, a, date(2025, 10, 1))
    assert rebuilt.skipped == 0 and sorted(rebuilt.written) == sorted(first.written)
    shutil.rmtree(b)  # a folder gone for good: its state is dropped at the next build
    site_build(archive, a, date(2025, 10, 1))
    assert len(list((archive / ".policytrack").glob("site-*.pickle"))) == 1


def _tamper(path: Path, marker: str, old: str, new: str) -> None:
    """Change old to new (same length) in the one line or event of path holding marker."""
    text = path.read_bytes().decode("utf-8")  # as is: the calendar's lines end in CRLF
    at = text.index(marker)
    start = max(text.rfind("\n", 0, at), text.rfind("BEGIN:VEVENT", 0, at))
    end = text.index("END:VEVENT" if path.suffix == ".ics" else "\n", at)
    part = text[start:end]
    assert old in part and len(old.encode()) == len(new.encode())
    path.write_bytes((text[:start] + part.replace(old, new) + text[end:]).encode("utf-8"))


@pytest.mark.slow
def test_joined_files_reuse_unchanged_documents_fragments(tmp_path: Path) -> None:
    """api/index.json and the calendar hold a fragment per document: a rebuild takes the
    unchanged documents' fragments from the file it wrote and renders the changed ones,
    unless the file is not the one it wrote (another size)."""
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", archive, ignore=shutil.ignore_patterns(".policytrack"))
    subprocess.run(["git", "init", "-q", archive], check=True)
    _commit_all(archive, "sample")
    out = tmp_path / "site"
    as_of = date(2025, 10, 1)
    site_build(archive, out, as_of)
    api, ics = out / "api" / "index.json", out / "calendar" / "expiries.ics"
    # marks in the fragments of a document that will not change (same byte length)
    _tamper(api, '"id":"京技管发-2024-29"', '"kind":"policy"', '"kind":"POLICY"')
    _tamper(ics, "UID:京技管发-2024-29@policytrack", "TRIGGER:-P30D", "TRIGGER:-P31D")

    zibo = next(archive.glob("淄博高新区*.md"))
    doc = parse(zibo.read_text(encoding="utf-8"), zibo.name)
    zibo.write_text(
        serialise(replace(doc, title=(doc.title or "淄博高新区人工智能实施意见") + "（修订）")),
        encoding="utf-8",
    )
    _commit_all(archive, "retitle")
    report = site_build(archive, out, as_of)
    assert {"api/index.json", "calendar/expiries.ics"} <= set(report.written)
    index = json.loads(api.read_text(encoding="utf-8"))
    by_id = {d["id"]: d for d in index["documents"]}
    assert by_id["京技管发-2024-29"]["kind"] == "POLICY"  # reused, not rendered
    assert (
        by_id[zibo.stem]["title"] == (doc.title or "淄博高新区人工智能实施意见") + "（修订）"
    )  # rendered again
    calendar = ics.read_text(encoding="utf-8")
    assert "TRIGGER:-P31D" in calendar and "（修订）" in calendar

    # another set of documents (one removed): the others' fragments are still reused
    (archive / "中华人民共和国监察法-2018-03-20-e0c36d.md").unlink()
    _commit_all(archive, "remove")
    site_build(archive, out, as_of)
    by_id = {d["id"]: d for d in json.loads(api.read_text(encoding="utf-8"))["documents"]}
    assert "中华人民共和国监察法-2018-03-20-e0c36d" not in by_id
    assert by_id["京技管发-2024-29"]["kind"] == "POLICY"
    assert "TRIGGER:-P31D" in ics.read_text(encoding="utf-8")

    # a file that is not the one the build wrote is rendered whole
    api.write_text(api.read_text(encoding="utf-8") + " ", encoding="utf-8")
    ics.write_bytes(ics.read_bytes().replace(b"-P31D", b"-P3D"))
    zibo.write_text(
        serialise(replace(doc, title=(doc.title or "淄博高新区人工智能实施意见") + "（再修订）")),
        encoding="utf-8",
    )
    _commit_all(archive, "retitle again")
    site_build(archive, out, as_of)
    fresh = tmp_path / "fresh"
    site_build(archive, fresh, as_of)
    for rel in ("api/index.json", "calendar/expiries.ics"):
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
