"""`add` with copies and versions, lineage and statuses on real corpora, the dry run against
the real run, link/unlink/set, check's commands, URLs as people paste them."""

from __future__ import annotations

import json
import random
import re
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from policytrack import commands
from policytrack.docfile import parse
from policytrack.model import SETTABLE
from tests.conftest import CORPUS, LAWREF, REALDEV, REALDEV_PAGES, SEED, Run, git, write_files
from tests.fixtures.documents import make_docx, seed_lines
from tests.test_ingest_formats import Site, site  # noqa: F401 (the loopback web server fixture)

VERSIONS = LAWREF / "versions"  # the few files tests/fixtures holds; CORPUS: all 49 groups
AS_OF = date(2025, 10, 1)


def version_groups(folder: Path) -> dict[str, list[Path]]:
    """The LawRefBook groups: files of one folder whose names differ only in a date."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(folder.rglob("*.md")):
        base = re.sub(r"\(\d{4}-\d{2}-\d{2}\)\.md$", "", p.name).removesuffix(".md")
        groups[f"{p.parent.name}/{base}"].append(p)
    return dict(groups)


def truth_order(paths: list[Path]) -> list[Path]:
    """Oldest first by the date in the file name. An undated file is the older one of its
    group here (checked by hand against the texts: its header states fewer steps, or none,
    and its wording is the older one), whatever the corpus README says."""

    def day(p: Path) -> date:
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)\.md$", p.name)
        return date.fromisoformat(m.group(1)) if m else date.min

    return sorted(paths, key=day)


def doc_ids(results: list[commands.AddResult]) -> dict[str, str]:
    return {r.file: r.document.id for r in results if r.file and r.action != "refused"}


def lines(out: str) -> list[str]:
    return [
        line
        for line in out.splitlines()
        if re.match(r"^(added|copy|unchanged|corrected|linked|refused): ", line)
    ]


# --- the LawRefBook version groups ------------------------------------------------------------------


WHOLE = [pytest.mark.corpus, pytest.mark.slow]


@pytest.mark.parametrize(
    ("folder", "count"),
    [
        pytest.param(LAWREF / "versions", 21, id="fixtures"),
        pytest.param(CORPUS / "versions", 49, id="corpus", marks=WHOLE),
    ],
)
def test_one_batch_of_every_version_gives_one_lineage_per_group(
    folder: Path, count: int, tmp_path: Path, run: Run
) -> None:
    groups = version_groups(folder)
    assert len(groups) == count
    files = [p for ps in groups.values() for p in ps]
    random.Random(17).shuffle(files)  # any order
    archive = tmp_path / "archive"
    assert run("init", archive).code == 0
    results = commands.add(archive, [str(p) for p in files], batch=True)
    assert [r for r in results if r.action == "refused"] == []
    ids = doc_ids(results)
    group_of = {ids[str(p)]: g for g, ps in groups.items() for p in ps}
    loaded = commands.load(archive)
    right, foreign = 0, []
    for g, ps in groups.items():
        want = list(dict.fromkeys(ids[str(p)] for p in truth_order(ps)))  # copies are one
        got = [i for i in commands.lineage(loaded, want[0]) if i in loaded.docs]
        foreign += [(g, i) for i in got if group_of[i] != g]
        right += got == want
    assert foreign == []  # no link between different instruments
    assert right / len(groups) >= 0.95, right
    # two printings of one interpretation (same header, same text) are one document
    assert len(loaded.docs) == len(files) - 1
    # on 2025-10-01 every earlier version is 已被修改 with its current version, and a
    # repeal by 同时废止 is 已废止
    rows = {r.id: r for r in commands.list_documents(archive, AS_OF)}
    for g, ps in groups.items():
        versions = list(dict.fromkeys(ids[str(p)] for p in truth_order(ps)))
        latest = versions[-1]
        for older in versions[:-1]:
            row = rows[older]
            repealed = any(
                r.by == latest and "同时废止" in r.evidence
                for r in loaded.graph.repealed_by.get(older, [])
            )
            if repealed:
                assert row.status == "repealed", (g, row)
            else:
                assert (row.status, row.status_label) == ("amended", "已被修改"), (g, row)
            assert row.current_version == latest, (g, row)
        assert rows[latest].current_version == latest
    assert {rows[i].status for i in rows} <= {"amended", "repealed", "in_force", "unknown"}
    current = commands.list_documents(archive, AS_OF, status="current")
    assert {r.id for r in current} == {
        list(dict.fromkeys(ids[str(p)] for p in truth_order(ps)))[-1] for ps in groups.values()
    }


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param(REALDEV_PAGES, id="fixtures"),
        pytest.param(REALDEV, id="realdev", marks=WHOLE),
    ],
)
def test_realdev_copies_become_one_document_with_several_sources(
    pages: Path, tmp_path: Path, run: Run
) -> None:
    manifest = json.loads((pages / "manifest.json").read_text(encoding="utf-8"))
    files = [str(pages / "texts" / e["file"]) for e in manifest]
    random.Random(3).shuffle(files)
    archive = tmp_path / "archive"
    assert run("init", archive).code == 0
    ids = doc_ids(commands.add(archive, files, batch=True))
    groups: dict[str, set[str]] = defaultdict(set)
    role = {str(pages / "texts" / e["file"]): e for e in manifest}
    for f, doc_id in ids.items():
        groups[doc_id].add(role[f]["group"])
    assert [g for g in groups.values() if len(g) > 1] == []  # nothing merged across groups
    # copies of one page from different sites (Traditional mirrors, a simplified copy,
    # the issuer's own page): one document each, every page a source of it
    for copies in (("004", "005"), ("027", "028"), ("037", "082"), ("067", "068"), ("077", "081")):
        found = {doc_id for f, doc_id in ids.items() if Path(f).name[:3] in copies}
        assert len(found) == 1, (copies, found)
        doc = parse((archive / f"{found.pop()}.md").read_text(encoding="utf-8"))
        files_named = {doc.source.file, *(s.file for s in doc.sources)}
        assert {f[:3] for f in files_named} == set(copies)
        assert doc.source.script == "simplified" or all(
            s.script == "traditional" for s in doc.sources
        )  # a Simplified original is canonical over a conversion
    # a news report naming the regulation's number is its own document
    assert (
        ids[str(next((pages / "texts").glob("032_*")))]
        != ids[str(next((pages / "texts").glob("008_*")))]
    )


@pytest.mark.parametrize(
    ("pages", "versions"),
    [
        pytest.param(REALDEV_PAGES, LAWREF / "versions", id="fixtures", marks=pytest.mark.slow),
        pytest.param(REALDEV, CORPUS / "versions", id="corpus", marks=WHOLE),
    ],
)
def test_dry_run_makes_the_same_decisions_as_the_real_run(
    pages: Path, versions: Path, tmp_path: Path, run: Run
) -> None:
    """Over every realdev page and corpus version of the set, first into an empty archive,
    then again into the filled one (unchanged, copies): the same lines, the same exit code,
    and the dry run writes nothing."""
    files = sorted((pages / "texts").glob("*.txt")) + sorted(versions.rglob("*.md"))
    archive = tmp_path / "archive"
    assert run("init", archive).code == 0
    for round_ in (1, 2):
        head = git(archive, "rev-parse", "HEAD")
        dry = run("add", "--archive", archive, "--batch", "--dry-run", *files)
        assert git(archive, "rev-parse", "HEAD") == head
        assert git(archive, "status", "--porcelain") == ""
        real = run("add", "--archive", archive, "--batch", *files)
        assert (dry.code, dry.stderr) == (real.code, real.stderr), round_
        assert lines(dry.stdout) == lines(real.stdout), round_
        assert len(lines(real.stdout) + lines(real.stderr)) >= len(files)
    assert set(line.split(":")[0] for line in lines(real.stdout)) == {"unchanged"}


# --- versions never collide; copies across formats and scripts ---------------------------------


def test_a_new_version_with_the_same_id_gets_its_own_and_is_never_told_to_replace(
    archive: Path, run: Run
) -> None:
    old = VERSIONS / "行政法规" / "商用密码管理条例(1999-10-07).md"
    new = VERSIONS / "行政法规" / "商用密码管理条例(2023-04-27).md"
    assert run("add", "--archive", archive, old).code == 0
    # the consolidated text keeps citing the original order: its id is the old one's
    r = run("add", "--archive", archive, new, "--set", "doc_number=国务院令第273号")
    assert r.code == 0, r
    assert "--replace" not in r.stdout + r.stderr
    assert r.stdout.startswith("added: ") and "国务院令-273-2023-04-27.md" in r.stdout
    assert "another version of 国务院令第273号 (国务院令-273), kept apart" in r.stdout
    assert "amends 国务院令第273号" in r.stdout
    both = sorted(p.name for p in archive.glob("国务院令-273*.md"))
    assert both == ["国务院令-273-2023-04-27.md", "国务院令-273.md"]
    st = json.loads(
        run(
            "status", "--archive", archive, "国务院令-273", "--as-of", "2025-10-01", "--json"
        ).stdout
    )[0]
    assert (st["status"], st["current_version"]) == ("amended", "国务院令-273-2023-04-27")


def test_word_and_text_copies_of_one_notice_are_one_document(
    archive: Path, run: Run, tmp_path: Path
) -> None:
    lines_ = seed_lines(SEED["zibo"])
    (tmp_path / "zibo.docx").write_bytes(make_docx(lines_))
    r = run("add", "--archive", archive, SEED["zibo"], tmp_path / "zibo.docx")
    assert r.code == 0, r
    assert len(list(archive.glob("*.md"))) == 1
    copy_line = lines(r.stdout)[1]
    assert copy_line.startswith("copy: ") and "its text is canonical now (Word file" in copy_line
    (path,) = archive.glob("*.md")
    doc = parse(path.read_text(encoding="utf-8"), path.name)
    assert doc.source.file == "zibo.docx" and doc.source.format == "docx"
    assert [s.file for s in doc.sources] == [SEED["zibo"].name]
    # adding either again changes nothing
    again = run("add", "--archive", archive, SEED["zibo"], tmp_path / "zibo.docx")
    assert [line.split(":")[0] for line in lines(again.stdout)] == ["unchanged", "unchanged"]


# --- link, unlink, set -------------------------------------------------------------------------------


def two_notices(tmp_path: Path) -> list[Path]:
    """Two real texts of one notice issued in different years under one title, with no
    revision history: only suggested as versions, never linked by themselves."""
    text = SEED["minhang"].read_text(encoding="utf-8")
    newer = text.replace("2018年10月1日", "2021年10月1日").replace("2021年9月30日", "2024年9月30日")
    newer = newer.replace("闵府规发〔2018〕4号", "闵府规发〔2021〕9号")
    return write_files(tmp_path, {"minhang-2018.txt": text, "minhang-2021.txt": newer})


def test_link_suggest_then_link_unlink_and_set_one_commit_each(
    archive: Path, run: Run, tmp_path: Path
) -> None:
    older, newer = two_notices(tmp_path)
    assert run("add", "--archive", archive, older, newer).code == 0
    ids = sorted(p.stem for p in archive.glob("*.md"))
    assert ids == ["闵府规发-2018-4", "闵府规发-2021-9"]
    assert json.loads(run("show", "--archive", archive, ids[0], "--json").stdout)["status"] != (
        "amended"
    )
    sug = json.loads(run("link", "--suggest", "--archive", archive, "--json").stdout)
    assert [(s["older"]["id"], s["newer"]["id"]) for s in sug] == [tuple(ids)]
    assert sug[0]["score"] >= 0.5 and any("same title" in e for e in sug[0]["evidence"])
    assert sug[0]["command"] == f"policytrack link {ids[0]} {ids[1]} --as amends"
    checked = run("check", "--archive", archive)
    assert checked.code == 0 and sug[0]["command"] in checked.stderr

    def commits() -> int:
        return int(git(archive, "rev-list", "--count", "HEAD"))

    n = commits()
    r = run("link", "--archive", archive, ids[0], ids[1], "--as", "amends")
    assert r.code == 0 and r.stdout.startswith(f"linked: {ids[1]} amends {ids[0]}"), r
    assert commits() == n + 1 and git(archive, "log", "-1", "--format=%s").startswith("link: ")
    row = json.loads(
        run("status", "--archive", archive, ids[0], "--as-of", "2022-01-01", "--json").stdout
    )[0]
    assert (row["status"], row["current_version"]) == ("amended", ids[1])
    assert json.loads(run("link", "--suggest", "--archive", archive, "--json").stdout) == []
    # set: one field, one commit, kept as an override
    r = run(
        "set", "--archive", archive, ids[1], "issuer=上海市闵行区人民政府", "expires=2024-12-31"
    )
    assert r.code == 0, r
    assert commits() == n + 2 and git(archive, "log", "-1", "--format=%s").startswith("set: ")
    # both survive the source being added again: nothing to write
    again = run("add", "--archive", archive, newer)
    assert again.code == 0 and again.stdout.startswith("unchanged: "), again
    doc = parse((archive / f"{ids[1]}.md").read_text(encoding="utf-8"), f"{ids[1]}.md")
    assert doc.issuer == "上海市闵行区人民政府" and str(doc.window.expires.value) == "2024-12-31"
    assert any(r.type == "amends" and r.target_id == ids[0] for r in doc.relations)
    # unlink: the link goes, the pair stays apart and is no longer suggested
    r = run("unlink", "--archive", archive, ids[0], ids[1])
    assert r.code == 0 and r.stdout.startswith("unlinked: "), r
    assert commits() == n + 3
    assert json.loads(run("link", "--suggest", "--archive", archive, "--json").stdout) == []
    row = json.loads(
        run("status", "--archive", archive, ids[0], "--as-of", "2022-01-01", "--json").stdout
    )[0]
    assert (row["status"], row["current_version"]) == ("expired", None)  # its own end
    assert run("check", "--archive", archive, "--strict").code == 0


def test_set_lists_its_fields_and_refuses_a_bad_value(archive: Path, run: Run) -> None:
    help_text = run("set", "--help").stdout
    for name in SETTABLE:
        assert name in help_text
    assert run("add", "--archive", archive, SEED["minhang"]).code == 0
    r = run("set", "--archive", archive, "闵府规发〔2018〕4号", "effective=2018-13-01")
    assert (r.code, r.stderr.count("\n")) == (1, 1) and "not a date" in r.stderr
    r = run("set", "--archive", archive, "闵府规发〔2018〕4号", "colour=red")
    assert r.code == 1 and "settable fields are" in r.stderr
    r = run("set", "--archive", archive, "闵府规发〔2018〕4号", "url=javascript:alert(10)")
    assert r.code == 1 and "http:// or https://" in r.stderr


def test_every_check_problem_names_a_command(archive: Path, run: Run, tmp_path: Path) -> None:
    """superseded twice, a relation pointing at itself, a shared doc number, a broken file."""
    a, b = two_notices(tmp_path)
    target = "闵府规发〔2015〕1号"
    end = "具体实施细则由区经委牵头相关职能部门另行制定。"
    repeal = f"{end}\n《闵行区促进产业发展的若干意见》（{target}）同时废止。"
    files = write_files(
        tmp_path,
        {
            "one.txt": a.read_text("utf-8").replace(end, repeal),
            "two.txt": b.read_text("utf-8").replace(end, repeal),
        },
    )
    assert run("add", "--archive", archive, *files).code == 0
    (archive / "broken.md").write_text("---\nid: broken\n---\n\n# x\n", encoding="utf-8")
    r = run("check", "--archive", archive)
    assert r.code == 1
    problems = [line.strip() for line in r.stderr.splitlines()[1:] if line.strip()]
    assert any("superseded twice" in p for p in problems)
    assert any(p.startswith("broken.md") for p in problems)
    for p in problems:
        assert "'policytrack " in p or "'git commit" in p, p
    # the command named for the double repeal (one side a stub) does fix it
    twice = next(p for p in problems if "superseded twice" in p)
    command = re.search(r"'policytrack (unlink [^']+)'", twice)
    assert command is not None
    assert run(*command.group(1).split(), "--archive", archive).code == 0
    (archive / "broken.md").unlink()
    assert run("check", "--archive", archive).code == 0


def test_addresses_as_people_paste_them() -> None:
    from policytrack.ingest.fetch import check_url, to_uri

    readme = "https://www.gov.cn/zhengce/content/…/content_….htm"  # the README's own example
    assert to_uri(readme) == "https://www.gov.cn/zhengce/content/%E2%80%A6/content_%E2%80%A6.htm"
    assert to_uri("http://政府.例子/文件 1.html?q=税 收#第一条") == (
        "http://xn--mxtq1m.xn--fsqu00a/%E6%96%87%E4%BB%B6%201.html"
        "?q=%E7%A8%8E%20%E6%94%B6#%E7%AC%AC%E4%B8%80%E6%9D%A1"
    )
    encoded = "https://x.gov.cn/a%20b.html?c=%E7%A8%8E"
    assert to_uri(encoded) == encoded  # what is already encoded stays as it is
    assert check_url(" 《https://x.gov.cn/a.html》 ") == "https://x.gov.cn/a.html"


# --- URLs as people paste them ------------------------------------------------------------------------


def test_url_option_takes_only_http(archive: Path, run: Run) -> None:
    for bad in ("javascript:alert(10)", "file:///etc/passwd", "ftp://x.gov.cn/a.txt", "www.gov.cn"):
        r = run("add", "--archive", archive, SEED["minhang"], "--url", bad)
        assert r.code == 1 and r.stderr.startswith("Error: --url ") and "http://" in r.stderr
    assert list(archive.glob("*.md")) == []


def test_a_non_ascii_address_is_fetched_and_recorded_as_written(
    archive: Path,
    run: Run,
    site: Site,  # noqa: F811
) -> None:
    text = SEED["minhang"].read_bytes()
    site.routes["/zwgk/%E6%94%BF%E7%AD%96%E6%96%87%E4%BB%B6.txt?%E7%B1%BB=%E8%A7%84"] = (
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
        text,
        0.0,
    )
    iri = site.url("/zwgk/政策文件.txt?类=规")
    r = run("add", "--archive", archive, f" {iri} ")  # pasted with spaces around it
    assert r.code == 0, r
    doc = parse((archive / "闵府规发-2018-4.md").read_text(encoding="utf-8"))
    assert doc.source.url == iri and doc.source.file == "政策文件.txt"
    assert "Source-URL: " + iri in git(archive, "log", "-1", "--format=%B")


# --- reports and the website --------------------------------------------------------------------------


def test_amended_reaches_json_and_the_site(archive: Path, run: Run, tmp_path: Path) -> None:
    folder = VERSIONS / "DLC" / "北京地方法规" / "地方性法规" / "北京"
    old, new = (
        folder / "北京市机动车停车条例(2021-09-24).md",
        folder / "北京市机动车停车条例(2024-03-29).md",
    )
    assert run("add", "--archive", archive, new, old).code == 0
    rows = json.loads(run("list", "--archive", archive, "--as-of", "2025-10-01", "--json").stdout)
    by_title = sorted(rows, key=lambda r: r["effective"])
    assert [(r["status"], r["status_label"]) for r in by_title] == [
        ("amended", "已被修改"),
        ("in_force", "现行有效"),
    ]
    assert by_title[0]["current_version"] == by_title[1]["id"] == by_title[1]["current_version"]
    assert by_title[0]["superseded_by"] == []  # amended, not superseded
    out = tmp_path / "site"
    r = run("site", "build", "--archive", archive, "--out", out, "--as-of", "2025-10-01")
    assert r.code == 0, r
    page = (out / "documents" / f"{by_title[0]['id']}.html").read_text(encoding="utf-8")
    assert '<span class="badge status-amended">已被修改</span>' in page
    assert "此为历史版本" in page and "现行版本：" in page and by_title[1]["id"] in page
    api = json.loads((out / "api" / "documents" / f"{by_title[0]['id']}.json").read_text("utf-8"))
    assert (api["status"], api["current_version"]) == ("amended", by_title[1]["id"])
    css = next(out.rglob("style.css")).read_text(encoding="utf-8")
    assert ".status-amended{" in css


def test_git_history_is_one_commit_per_input_without_batch(archive: Path, run: Run) -> None:
    r = run("add", "--archive", archive, SEED["minhang"], SEED["zibo"])
    assert r.code == 0
    subjects = git(archive, "log", "--format=%s").splitlines()
    assert [s.split(":")[0] for s in subjects[:2]] == ["add", "add"]
    assert (
        subprocess.run(["git", "-C", str(archive), "fsck", "--strict"], check=False).returncode == 0
    )


def test_an_older_version_added_later_is_linked_in_the_same_commit(archive: Path, run: Run) -> None:
    folder = VERSIONS / "行政法"
    new, old = folder / "文物保护法(2024-11-08).md", folder / "文物保护法(2017-11-04).md"
    assert run("add", "--archive", archive, new).code == 0
    count = int(git(archive, "rev-list", "--count", "HEAD"))
    r = run("add", "--archive", archive, old)
    assert r.code == 0, r
    new_id, old_id = (
        "中华人民共和国文物保护法-2024-11-08-cebc2b",
        "中华人民共和国文物保护法-2017-11-04-cebc2b",
    )
    assert lines(r.stdout) == [
        f"added: {archive}/{old_id}.md — 中华人民共和国文物保护法",
        f"linked: {archive}/{new_id}.md — 中华人民共和国文物保护法 (amends {old_id})",
    ]
    assert int(git(archive, "rev-list", "--count", "HEAD")) == count + 1  # one commit
    changed = git(
        archive, "-c", "core.quotePath=false", "show", "--name-only", "--format=", "HEAD"
    ).split()
    assert sorted(Path(n).name for n in changed) == sorted([f"{new_id}.md", f"{old_id}.md"])
    h = json.loads(
        run("history", "--archive", archive, new_id, "--as-of", "2025-10-01", "--json").stdout
    )
    assert [(v["id"], v["status"]) for v in h["lineage"]] == [
        (old_id, "amended"),
        (new_id, "in_force"),
    ]
    rel = next(
        x
        for x in parse((archive / f"{new_id}.md").read_text("utf-8")).relations
        if x.type == "amends"
    )
    assert rel.target_id == old_id and rel.evidence.startswith("2024年11月8日")
