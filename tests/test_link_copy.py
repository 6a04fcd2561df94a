"""`policytrack link OLD NEW --as copy`: a rewritten (spun) copy that `add` cannot join to
its original becomes another source of it, in one commit, and stays one when added again.

The pages are realdev's (tests/fixtures/realdev): 067 (a Traditional mirror) and 068 (a PDF
preview) of 生态环境部令第17号 join by `add` itself; 097 is a machine-rewritten copy of the
same rule with no number or date, labelled in realdev's group of 067/068 (role `spun`)."""

from __future__ import annotations

import json
from pathlib import Path

from policytrack.docfile import parse
from tests.conftest import REALDEV_PAGES, Run, git

TEXTS = REALDEV_PAGES / "texts"
ORDER = "生态环境部令-17"


def page(prefix: str) -> Path:
    return next(TEXTS.glob(f"{prefix}_*"))


def commits(archive: Path) -> int:
    return int(git(archive, "rev-list", "--count", "HEAD"))


def stored(archive: Path) -> list[str]:
    return sorted(p.stem for p in archive.glob("*.md") if p.name != "README.md")


def test_realdev_labels_097_as_a_copy_of_067_and_068() -> None:
    manifest = {
        e["file"][:3]: e for e in json.loads((REALDEV_PAGES / "manifest.json").read_text("utf-8"))
    }
    assert manifest["097"]["group"] == manifest["067"]["group"] == manifest["068"]["group"]
    assert manifest["097"]["version_role"] == "spun"  # an adopted text: not a draft, not a version


def test_a_spun_copy_is_suggested_as_a_copy_then_linked_as_one(archive: Path, run: Run) -> None:
    assert (
        run("add", "--batch", "--archive", archive, page("067"), page("068"), page("097")).code == 0
    )
    ids = stored(archive)
    assert len(ids) == 2 and ORDER in ids  # the spun copy shares too little text to be joined
    (spun,) = [i for i in ids if i != ORDER]
    sug = json.loads(run("link", "--suggest", "--archive", archive, "--json").stdout)
    assert [(s["older"]["id"], s["newer"]["id"], s["type"]) for s in sug] == [(ORDER, spun, "copy")]
    assert sug[0]["command"] == f"policytrack link {ORDER} {spun} --as copy"
    assert any("states no date, doc number or revision history" in e for e in sug[0]["evidence"])

    n = commits(archive)
    r = run(*sug[0]["command"].split()[1:], "--archive", archive)
    assert r.code == 0 and r.stdout.startswith(f"linked: {spun} is a copy of {ORDER}"), r
    assert commits(archive) == n + 1
    assert git(archive, "log", "-1", "--format=%s").strip() == f"link: {spun} is a copy of {ORDER}"
    assert stored(archive) == [ORDER]
    doc = parse((archive / f"{ORDER}.md").read_text(encoding="utf-8"))
    named = [doc.source.file, *(s.file for s in doc.sources)]
    assert sorted(f[:3] for f in named) == ["067", "068", "097"]
    assert doc.doc_number == "生态环境部令第17号" and doc.source.file.startswith(
        "068"
    )  # still canonical
    assert json.loads(run("link", "--suggest", "--archive", archive, "--json").stdout) == []

    # added again, alone or with the others: found as a source, nothing written
    again = run("add", "--archive", archive, page("097"))
    assert again.code == 0 and again.stdout.startswith("unchanged: "), again
    assert f"already a source of {ORDER}" in again.stdout
    assert (
        run("add", "--batch", "--archive", archive, page("097"), page("068"), page("067")).code == 0
    )
    assert commits(archive) == n + 1 and stored(archive) == [ORDER]


def test_a_copy_with_its_own_rewritten_title_is_found_by_that_title(
    archive: Path, run: Run, tmp_path: Path
) -> None:
    # 097 as a spinner would also have rewritten its heading (管理 → 管控)
    text = (
        page("097")
        .read_text(encoding="utf-8")
        .replace("生态环境标准管理办法", "生态环境标准管控办法", 1)
    )
    rewritten = tmp_path / "097-retitled.txt"
    rewritten.write_text(text, encoding="utf-8")
    assert run("add", "--archive", archive, page("068"), rewritten).code == 0
    (spun,) = [i for i in stored(archive) if i != ORDER]
    r = run("link", ORDER, spun, "--as", "copy", "--archive", archive)
    assert r.code == 0, r
    doc = parse((archive / f"{ORDER}.md").read_text(encoding="utf-8"))
    assert doc.aliases == ("生态环境标准管控办法",)
    assert dict(doc.overrides)["aliases"] == "生态环境标准管控办法"
    n = commits(archive)
    again = run("add", "--archive", archive, rewritten)
    assert again.code == 0 and f"already a source of {ORDER}" in again.stdout, again
    assert commits(archive) == n
    # the document taking another copy (067, a Traditional mirror) keeps the alias
    more = run("add", "--archive", archive, page("067"))
    assert more.code == 0 and more.stdout.startswith("copy: "), more
    doc = parse((archive / f"{ORDER}.md").read_text(encoding="utf-8"))
    assert doc.aliases == ("生态环境标准管控办法",)
    assert sorted(s.file[:3] for s in doc.sources) == ["067", "097"]
    assert stored(archive) == [ORDER]


def test_texts_stating_different_documents_are_never_linked_as_copies(
    archive: Path, run: Run
) -> None:
    # 财税〔2011〕117号 and 财税〔2014〕34号: same title, 82 % in common, two notices
    assert run("add", "--archive", archive, page("001"), page("002")).code == 0
    n, before = commits(archive), stored(archive)
    r = run("link", "财税〔2011〕117号", "财税〔2014〕34号", "--as", "copy", "--archive", archive)
    assert r.code == 1 and r.stderr.count("\n") == 1, r
    assert "different doc numbers" in r.stderr and "--as amends" in r.stderr
    assert (commits(archive), stored(archive)) == (n, before)
    r = run("link", "财税〔2011〕117号", "财税〔2011〕117号", "--as", "copy", "--archive", archive)
    assert r.code == 1 and "copy of itself" in r.stderr
    r = run("link", "财税〔2011〕117号", "财税〔2014〕34号", "--as", "twin", "--archive", archive)
    assert r.code == 1 and "amends, replaces, draft or copy" in r.stderr


def test_a_text_stating_another_version_is_not_linked_as_a_copy(
    archive: Path, run: Run, tmp_path: Path
) -> None:
    # 097 with a 施行 date of its own, later than the 2020 order's: another version
    text = page("097").read_text(encoding="utf-8")
    later = tmp_path / "097-2023.txt"
    later.write_text(text + "\n本办法自2023年3月1日起施行。\n", encoding="utf-8")
    assert run("add", "--archive", archive, page("068"), later).code == 0
    (other,) = [i for i in stored(archive) if i != ORDER]
    n = commits(archive)
    r = run("link", ORDER, other, "--as", "copy", "--archive", archive)
    assert r.code == 1 and "different versions" in r.stderr and "--as amends" in r.stderr, r
    assert commits(archive) == n
