"""Version diff on real pairs from the corpus and on exact synthetic edits of seed 003."""

from __future__ import annotations

import collections
import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytrack.chinese import cn_to_int, to_mainland_simplified
from policytrack.diff import DocumentDiff, diff_documents, inline
from policytrack.ingest import ingest
from policytrack.model import Document
from tests.conftest import CORPUS, LAWREF, SEED, Run

VERSIONS = LAWREF / "versions"  # the pairs tests/fixtures holds; CORPUS: every pair


def load(path: Path) -> Document:
    return ingest(path.read_bytes(), path.name).document


def pair(folder: str, name: str, root: Path = VERSIONS) -> DocumentDiff:
    files = sorted((root / folder).glob(f"{name}*.md"), key=_date_key)
    return diff_documents(load(files[0]), load(files[-1]))


def _date_key(p: Path) -> str:
    m = re.search(r"\((\d{4}-\d{2}-\d{2})\)\.md$", p.name)
    return m.group(1) if m else "9999"


def find(d: DocumentDiff, old: str | None = None, new: str | None = None):  # type: ignore[no-untyped-def]
    for c in d.changes:
        if (old is None or old in [b.label for b in c.old]) and (
            new is None or new in [b.label for b in c.new]
        ):
            return c
    raise AssertionError(f"no change with old={old} new={new}")


def inserted(c) -> str:  # type: ignore[no-untyped-def]
    return "".join(e.text for e in c.edits if e.op == "insert")


def deleted(c) -> str:  # type: ignore[no-untyped-def]
    return "".join(e.text for e in c.edits if e.op == "delete")


# --- every real pair -------------------------------------------------------------------------------


def corpus_pairs(folder: Path) -> list[tuple[Path, Path]]:
    groups: dict[tuple[Path, str], list[Path]] = collections.defaultdict(list)
    for p in sorted(folder.rglob("*.md")):
        base = re.sub(r"\(\d{4}-\d{2}-\d{2}\)\.md$", "", p.name).removesuffix(".md")
        groups[(p.parent, base)].append(p)
    out = []
    for files in groups.values():
        files.sort(key=_date_key)
        out.extend(itertools.pairwise(files))
    return out


EVERY_PAIR = pytest.mark.parametrize(
    ("folder", "count"),
    [
        pytest.param(VERSIONS, 15, id="fixtures"),
        pytest.param(
            CORPUS / "versions", 49, id="corpus", marks=[pytest.mark.corpus, pytest.mark.slow]
        ),
    ],
)


@EVERY_PAIR
def test_every_corpus_pair_diffs(folder: Path, count: int) -> None:
    pairs = corpus_pairs(folder)
    assert len(pairs) >= count
    for a, b in pairs:
        d = diff_documents(load(a), load(b))
        counts = d.counts
        old_articles = len(load(a).articles)
        # every old article is accounted for exactly once
        accounted = sum(len(c.old) for c in d.changes if c.old and c.old[0].kind == "article")
        assert accounted == old_articles, (a.name, counts)


@EVERY_PAIR
def test_every_identical_article_is_paired_and_no_unchanged_article_is_reported_changed(
    folder: Path, count: int
) -> None:
    """The corpus-wide invariants: an article whose text is in both versions is paired with
    an identical one (unchanged, renumbered or moved, never modified, added or removed), and a
    change reported as modified has text that differs."""
    for a, b in corpus_pairs(folder):
        old, new = load(a), load(b)
        d = diff_documents(old, new)
        new_keys = collections.Counter(
            blk.key for c in d.changes for blk in c.new if blk.kind == "article"
        )
        for c in d.changes:
            if c.op == "modified":
                assert c.old[0].key != c.new[0].key, (b.name, c.describe())
            if c.op == "removed" and c.old[0].kind == "article" and c.old[0].key:
                # an old article whose exact text is still there was paired with it
                assert new_keys[c.old[0].key] == 0 or _paired_elsewhere(d, c.old[0].key), (
                    b.name,
                    c.describe(),
                )


def _paired_elsewhere(d: DocumentDiff, key: str) -> bool:
    """Every new article with this text is already paired with another identical old one."""
    return all(
        c.old and any(blk.key == key for blk in c.old)
        for c in d.changes
        if any(blk.key == key for blk in c.new)
    )


# --- alignment on real pairs that showed its misses ------------------------------------------------


def test_an_old_article_kept_as_the_first_paragraph_of_a_longer_one_is_modified() -> None:
    # 国家自然科学基金条例 2007 第三十三条 (公开信息应当遵守保密规定) is word for word the first
    # paragraph of 2024 第三十四条, which adds a paragraph on scientific security: similarity
    # 0.47, under the pairing threshold, yet the same article extended
    d = pair("行政法规", "国家自然科学基金条例")
    c = find(d, "第三十三条")
    assert [b.label for b in c.new] == ["第三十四条"] and c.op == "modified"
    assert c.similarity < 0.5
    assert deleted(c) == "" and "健全科技安全制度" in inserted(c)
    assert not any(x.op == "added" and x.new[0].label == "第三十四条" for x in d.changes)


def test_a_weak_same_number_pair_never_takes_a_unit_with_a_better_match() -> None:
    # 国防教育法 2018 第十五条 (high-school and university education plus military training)
    # resembles 2024 第十五条 at 0.38, but its real successor is 2024 第十七条 (0.48); the
    # same-number pair must not take it
    d = pair("行政法", "国防教育法")
    c = find(d, "第十五条")
    assert [b.label for b in c.new] == ["第十七条"] and c.op == "modified"
    assert "军事训练" in c.old[0].text and "军事训练" in c.new[0].text
    # 农产品质量安全法 2018 第二十条 → 2022 第二十五条, not the same-number 第二十条 (0.34)
    d = pair("经济法", "农产品质量安全法")
    assert [b.label for b in find(d, "第二十条").new] == ["第二十五条"]


def test_both_units_of_a_swap_are_moved() -> None:
    # 国家自然科学基金条例: 2007 第三条 (where the money comes from) and 第四条 (principles)
    # trade places in 2024 (第四条 and 第三条)
    d = pair("行政法规", "国家自然科学基金条例")
    first, second = find(d, "第三条", "第四条"), find(d, "第四条", "第三条")
    assert first.moved and second.moved
    assert first.describe() == "修改并移动：原第三条 → 第四条"
    assert second.describe() == "修改并移动：原第四条 → 第三条"


def test_an_article_spread_over_several_new_ones_is_split() -> None:
    # 监察法 2018 第四十三条 (留置: who decides; how long; police help) became three articles in
    # 2024: its first paragraph is 第四十七条 word for word, its second opens the longer
    # 第四十八条 (which adds two extensions), its third is 第四十九条; the second and third were
    # reported as new articles, so 第四十八条's new approval and two-month limit were lost
    d = pair("宪法相关法", "监察法")
    c = find(d, "第四十三条")
    assert c.op == "split"
    assert [b.label for b in c.new] == ["第四十七条", "第四十八条", "第四十九条"]
    assert c.describe() == "拆分：原第四十三条 → 第四十七条、第四十八条、第四十九条"
    assert not any(x.op == "added" and x.new[0].label == "第四十八条" for x in d.changes)
    kinds = {(f.kind, f.new) for f in c.facts}
    assert ("deadline", "2个月") in kinds
    assert any(k == "approval" and "经国家监察委员会批准" in v for k, v in kinds)
    # and the key changes name the article they are in, not the whole split
    assert {k.units for k in d.key_changes if k.kind in ("deadline", "approval")} >= {
        ("第四十八条",)
    }
    assert not any("第四十七条" in k.units for k in d.key_changes)
    # their links go to the split, the change a page anchors
    anchors = {b.anchor for x in d.changes for b in x.new[:1]}
    assert all(a in anchors for k in d.key_changes for a in k.anchors)
    # a paragraph continued far away is moved text, not a spread: the parts of a split stay
    # within a few articles of each other
    for x in d.changes:
        if x.op == "split":
            numbers = [_number(b.label) for b in x.new]
            assert all(b - a <= 4 for a, b in itertools.pairwise(numbers)), x.describe()


def _number(label: str) -> int:
    return cn_to_int(label.removeprefix("第").removesuffix("条"))


# --- hand-checked real pairs -------------------------------------------------------------------------


def test_jianchafa_2018_2024_article_1_rewritten_and_article_12_extended() -> None:
    d = pair("宪法相关法", "监察法")
    first = find(d, "第一条", "第一条")
    assert first.op == "modified"
    assert "深化国家监察体制改革" in deleted(first) or "化国家监察体制改革" in deleted(first)
    assert "持续深化国家监察体制改革" in inserted(first)
    art12 = find(d, "第十二条", "第十二条")
    assert "中国人民政治协商会议委员会机关、" in inserted(art12)
    assert "经国家监察委员会批准" in inserted(art12)  # two new paragraphs
    art18 = find(d, "第十八条", "第十八条")
    assert inserted(art18) == "工作秘密、和个人信息"


def test_xingzheng_fuyi_heavy_renumbering() -> None:
    d = pair("诉讼与非诉讼程序法", "行政复议法")
    c = find(d, "第五条")
    # 2017 第五条 (不服复议决定可以起诉) is 2023 第十条
    assert [b.label for b in c.new] == ["第十条"] and c.op == "modified" and c.similarity > 0.9
    assert find(d, "第四条").new[0].label == "第三条"
    assert d.counts["added"] >= 40  # the 2023 revision doubled the law (43 → 90 articles)
    assert sum(1 for c in d.changes if c.old and c.new and c.old[0].label != c.new[0].label) >= 25


@pytest.mark.corpus  # 民事诉讼法 is 200 KB: not kept in tests/fixtures
def test_minshi_susong_renumbered_but_unchanged_articles() -> None:
    d = pair("诉讼与非诉讼程序法", "民事诉讼法", CORPUS / "versions")
    renumbered = [c for c in d.changes if c.op == "renumbered" and c.old[0].kind == "article"]
    assert len(renumbered) >= 50
    assert all(
        c.describe().endswith("（内容未变）") and "重新编号" in c.describe() for c in renumbered
    )
    assert d.counts["unchanged"] >= 150


def test_beijing_parking_2021_2024_same_article_count() -> None:
    d = pair("DLC/北京地方法规/地方性法规/北京", "北京市机动车停车条例")
    arts = [
        c
        for c in d.changes
        if (c.old and c.old[0].kind == "article") or (c.new and c.new[0].kind == "article")
    ]
    assert len(arts) == 43
    assert all(c.op in ("unchanged", "modified") for c in arts)
    assert any(c.op == "modified" for c in arts)


def test_guowuyuan_zuzhifa_1982_2024_grows_from_11_to_20_articles() -> None:
    d = pair("宪法相关法", "国务院组织法")
    added = [c for c in d.changes if c.op == "added" and c.new[0].kind == "article"]
    kept = [c for c in d.changes if c.old and c.new and c.old[0].kind == "article"]
    assert len(added) + len(kept) == 20
    assert len(added) >= 7


# --- synthetic edits of seed 003 -------------------------------------------------------------------

_CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


SIMPLE = to_mainland_simplified(SEED["yizhuang"].read_text(encoding="utf-8"))


def articles_and_frame() -> tuple[list[str], list[str | None]]:
    """The article texts (without labels) and the other lines, with None where articles go."""
    arts: list[str] = []
    frame: list[str | None] = []
    for line in SIMPLE.split("\n"):
        m = re.match(r"^第[一二三四五六七八九十]+條?条? (.*)$", line)
        if m:
            arts.append(m.group(1))
            frame.append(None)
        else:
            frame.append(line)
    return arts, frame


def rebuild(arts_by_slot: list[list[str]]) -> Document:
    """Re-emit the seed with articles renumbered in order; each slot may hold 0..n articles."""
    _, frame = articles_and_frame()
    out, n, slot = [], 0, 0
    for line in frame:
        if line is not None:
            out.append(line)
            continue
        for text in arts_by_slot[slot]:
            n += 1
            out.append(f"第{cn(n)}条 {text}")
        slot += 1
    return ingest("\n".join(out).encode(), "edited.txt").document


BASE = ingest(SEED["yizhuang"].read_bytes(), SEED["yizhuang"].name).document


def edited(change) -> DocumentDiff:  # type: ignore[no-untyped-def]
    arts, _ = articles_and_frame()
    slots = [[a] for a in arts]
    change(slots)
    return diff_documents(BASE, rebuild(slots))


def summary(d: DocumentDiff) -> list[str]:
    return [c.describe() for c in d.changes if c.op != "unchanged"]


def test_traditional_seed_against_a_simplified_copy_has_no_substantive_change() -> None:
    copy = ingest(SIMPLE.encode(), "simplified.txt").document
    d = diff_documents(BASE, copy)
    assert not d.substantive
    assert d.counts["modified"] == 0


def test_an_article_deleted() -> None:
    d = edited(lambda s: s[4].clear())  # 第五条
    assert summary(d)[0] == "删除：原第五条"
    assert "重新编号：原第六条 → 第五条（内容未变）" in summary(d)
    assert d.counts["removed"] == 1 and d.counts["modified"] == 0 and d.counts["renumbered"] == 15


def test_an_article_inserted() -> None:
    d = edited(
        lambda s: s[2].insert(
            0,
            "支持具身智能创新。对具身智能机器人企业给予最高500万元支持。（责任部门：机器人和智能制造产业局）",
        )
    )
    assert "新增：第三条" in summary(d)
    assert "重新编号：原第三条 → 第四条（内容未变）" in summary(d)
    assert d.counts["added"] == 1 and d.counts["modified"] == 0


def test_two_articles_swapped() -> None:
    def swap(s: list[list[str]]) -> None:
        s[7], s[8] = s[8], s[7]

    d = edited(swap)
    lines = summary(d)
    # both units of a swap moved, not only the one outside the longest ordered run
    assert "移动并重新编号：原第九条 → 第八条（内容未变）" in lines
    assert "移动并重新编号：原第八条 → 第九条（内容未变）" in lines
    assert d.counts["moved"] == 2 and d.counts["modified"] == 0


def test_an_article_split() -> None:
    def split(s: list[list[str]]) -> None:
        text = s[9][0]
        cut = text.index("支持开发应用")
        s[9] = [text[:cut], text[cut:]]

    d = edited(split)
    assert "拆分：原第十条 → 第十条、第十一条" in summary(d)
    assert d.counts["split"] == 1
    assert "重新编号：原第十一条 → 第十二条（内容未变）" in summary(d)


def test_amounts_changed() -> None:
    d = edited(lambda s: s.__setitem__(0, [s[0][0].replace("最高2000万元", "最高3000万元")]))
    (k,) = d.key_changes
    assert (k.kind, k.old, k.new, k.units) == ("money", "2000万元", "3000万元", ("第一条",))
    assert k.summary == "金额：2000万元 → 3000万元"
    (c,) = [c for c in d.changes if c.op == "modified"]
    assert [(e.op, e.text) for e in c.edits if e.op != "equal"] == [
        ("delete", "2000"),
        ("insert", "3000"),
    ]


def test_a_department_added() -> None:
    d = edited(
        lambda s: s.__setitem__(
            18, [s[18][0].replace("信息技术产业局)", "信息技术产业局、经济发展局)")]
        )
    )
    (k,) = d.key_changes
    assert (k.kind, k.old, k.new, k.units) == ("actor", "", "经济发展局", ("第十九条",))
    assert k.summary == "部门：新增 经济发展局"
    (c,) = [c for c in d.changes if c.op == "modified"]
    assert c.describe() == "修改：第十九条"


def test_ignore_variants() -> None:
    copy = ingest(SIMPLE.replace("支持", "支援").encode(), "variant.txt").document
    assert diff_documents(BASE, copy).substantive
    assert not diff_documents(BASE, copy, ignore_variants=True).substantive


def test_inline_edits_are_phrases_not_scattered_characters() -> None:
    edits = inline(
        "对新增获得国家备案的企业，给予一次性100万元支持。",
        "对新增获得国家和北京市备案的企业，给予一次性150万元奖励。",
    )
    changed = [(e.op, e.text) for e in edits if e.op != "equal"]
    assert ("insert", "和北京市") in changed
    assert ("delete", "100") in changed and ("insert", "150") in changed


# --- outputs ------------------------------------------------------------------------------------


def test_cli_diff_against_predecessor_json_schema(run: Run) -> None:
    from tests.conftest import ROOT

    result = run(
        "diff", "--archive", ROOT / "archive", "北京市机动车停车条例-2024-03-29-5177ed", "--json"
    )
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert data["schema"] == 2
    assert data["old"]["id"] == "北京市机动车停车条例-2021-09-24-8767f1"
    assert set(data["counts"]) == {
        "unchanged",
        "modified",
        "added",
        "removed",
        "moved",
        "renumbered",
        "split",
        "merged",
    }
    change = next(c for c in data["changes"] if c["op"] == "modified")
    assert set(change) == {
        "op",
        "moved",
        "description",
        "old",
        "new",
        "old_labels",
        "new_labels",
        "similarity",
        "edits",
        "facts",
    }
    assert change["old"][0].startswith("art-") and {e["op"] for e in change["edits"]} <= {
        "equal",
        "insert",
        "delete",
    }


def test_cli_diff_formats(run: Run, tmp_path: Path) -> None:
    from tests.conftest import ROOT

    edited_file = tmp_path / "edited.txt"
    edited_file.write_text(SIMPLE.replace("最高2000万元", "最高3000万元"), encoding="utf-8")
    archive = ROOT / "archive"
    md = run(
        "diff", "--archive", archive, "京技管发〔2024〕29号", edited_file, "--format", "md"
    ).stdout
    # both articles that name 最高2000万元 changed the same way: one grouped row
    assert "| 第一条等 2 条 | 金额：2000万元 → 3000万元 |" in md
    assert "<del>2000</del><ins>3000</ins>" in md
    term = run("diff", "--archive", archive, "京技管发〔2024〕29号", edited_file).stdout
    assert "[-2000-]{+3000+}" in term  # no colour when not a terminal: markers instead
    page = run(
        "diff", "--archive", archive, "京技管发〔2024〕29号", edited_file, "--format", "html"
    ).stdout
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.ids += [v or "" for k, v in attrs if k == "id"]

    p = Collect()
    p.feed(page)
    assert "art-1" in p.ids and "del" in p.tags and "ins" in p.tags and "table" in p.tags
    assert "http" not in page  # no external resources


def test_patch_applies_with_git_apply(run: Run, tmp_path: Path) -> None:
    from tests.conftest import ROOT

    result = run(
        "diff",
        "--archive",
        ROOT / "archive",
        "北京市机动车停车条例-2024-03-29-5177ed",
        "--format",
        "patch",
    )
    patch = tmp_path / "change.patch"
    patch.write_text(result.stdout, encoding="utf-8")
    work = tmp_path / "work"
    (work / "archive").mkdir(parents=True)
    old = ROOT / "archive" / "北京市机动车停车条例-2021-09-24-8767f1.md"
    (work / "archive" / old.name).write_bytes(old.read_bytes())
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "apply", str(patch)], check=True)
    new = ROOT / "archive" / "北京市机动车停车条例-2024-03-29-5177ed.md"
    assert (work / "archive" / old.name).read_text(encoding="utf-8") == new.read_text(
        encoding="utf-8"
    )


def test_diff_of_a_document_without_predecessor_is_a_clear_error(run: Run) -> None:
    from tests.conftest import ROOT

    result = run("diff", "--archive", ROOT / "archive", "闵府规发〔2018〕4号")
    assert result.code == 1
    assert result.stderr.startswith(
        "Error: 闵府规发〔2018〕4号 has no earlier version in the archive; give two REFs"
    )


@pytest.mark.parametrize("ref", ["京技管发〔2024〕10号"])
def test_diff_against_a_stub_explains_the_text_is_missing(run: Run, ref: str) -> None:
    from tests.conftest import ROOT

    result = run("diff", "--archive", ROOT / "archive", ref, "京技管发〔2024〕29号")
    assert result.code == 1 and "known only as a reference" in result.stderr


def test_terminal_colour_respects_no_color(run: Run, tmp_path: Path) -> None:
    from tests.conftest import ROOT

    edited_file = tmp_path / "edited.txt"
    edited_file.write_text(SIMPLE.replace("最高2000万元", "最高3000万元"), encoding="utf-8")
    args = ("diff", "--archive", ROOT / "archive", "京技管发〔2024〕29号", edited_file)
    coloured = run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[" in coloured and "[-2000-]" not in coloured
    plain = run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain and "[-2000-]{+3000+}" in plain


def test_set_predecessor_links_versions_for_diff_and_history(archive: Path, run: Run) -> None:
    old, new = sorted((VERSIONS / "经济法").glob("对外贸易法*.md"), key=_date_key)
    added = json.loads(run("add", "--archive", archive, old, "--json").stdout)[0]
    assert run("add", "--archive", archive, new, "--set", f"predecessor={added['id']}").code == 0
    newest = json.loads(run("list", "--archive", archive, "--json").stdout)
    new_id = next(r["id"] for r in newest if r["id"] != added["id"])
    d = json.loads(run("diff", "--archive", archive, new_id, "--json").stdout)
    assert d["old"]["id"] == added["id"] and d["counts"]["modified"] > 0
    h = json.loads(run("history", "--archive", archive, new_id, "--json").stdout)
    assert [r["id"] for r in h["lineage"]] == [added["id"], new_id]
    # a predecessor is an earlier version of the same instrument: amended, not repealed
    older = next(r for r in newest if r["id"] == added["id"])
    assert (older["status"], older["current_version"]) == ("amended", new_id)
    assert older["superseded_by"] == []


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="支持企业最高万元0123456789.%，。ab", max_size=40),
    st.text(alphabet="支持企业最高万元0123456789.%，。ab", max_size=40),
)
def test_inline_edits_rebuild_both_texts(old: str, new: str) -> None:
    edits = inline(old, new)
    assert "".join(e.text for e in edits if e.op != "insert") == old
    assert "".join(e.text for e in edits if e.op != "delete") == new
