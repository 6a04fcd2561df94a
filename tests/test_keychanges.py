"""Key changes: the issue's examples from the corpus and the sample archive, the readers on
real sentences, grouping and ranking, and the labelled benchmark's own matching."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from benchmarks.keychanges import FIXTURES, Label, agrees, load_pairs
from policytrack.cli.wrap import wrap
from policytrack.diff import DocumentDiff, diff_documents
from policytrack.ingest import ingest
from policytrack.keychanges import (
    KeyChange,
    UnitFact,
    UnitRead,
    amounts,
    canonical_numbers,
    group,
    ranked,
)
from tests.conftest import CORPUS, LAWREF, ROOT, Run

VERSIONS = LAWREF / "versions"
BEIJING = VERSIONS / "DLC/北京地方法规/地方性法规/北京"
SHANGHAI = VERSIONS / "DLC/上海地方法规/地方性法规/上海"


def diff_files(old: Path, new: Path) -> DocumentDiff:
    return diff_documents(
        ingest(old.read_bytes(), old.name).document, ingest(new.read_bytes(), new.name).document
    )


def rows(d: DocumentDiff) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(k.kind, k.old, k.new, k.units) for k in d.key_changes]


# --- the examples -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            BEIJING / "北京市机动车停车条例(2021-09-24).md",
            BEIJING / "北京市机动车停车条例(2024-03-29).md",
            id="corpus",
        ),
        pytest.param(
            ROOT / "archive/北京市机动车停车条例-2021-09-24-8767f1.md",
            ROOT / "archive/北京市机动车停车条例-2024-03-29-5177ed.md",
            id="archive",
        ),
    ],
)
def test_beijing_parking_the_fine_did_not_change_the_consent_rule_did(old: Path, new: Path) -> None:
    d = diff_files(old, new)
    # 处五千以上一万元以下 → 处五千元以上一万元以下: the same fine, written with its 元
    assert not any(k.kind in ("money", "penalty") for k in d.key_changes), rows(d)
    (consent,) = [k for k in d.key_changes if k.units == ("第二十九条",)]
    assert consent.kind == "approval"
    assert "过半数的业主同意" in consent.old and "共同决定" in consent.new
    assert "由业主依法共同决定" in consent.sentence


def test_shanghai_inspection_the_department_rename_is_one_row_with_its_six_articles() -> None:
    # the undated file is the 2016 text (its header shows no later revision)
    d = diff_files(
        SHANGHAI / "上海市检验检测条例.md", SHANGHAI / "上海市检验检测条例(2024-12-31).md"
    )
    renames = [k for k in d.key_changes if k.kind == "actor" and "质量技监" in k.old]
    assert len(renames) == 1
    (rename,) = renames
    assert "市场监管" in rename.new
    assert set(rename.units) >= {
        "第六条",
        "第七条",
        "第二十六条",
        "第二十九条",
        "第三十条",
        "第三十四条",
    }
    # the other renamed departments of 第六条 (环保 → 生态环境, 海关…) are found too
    pairs = {(k.old, k.new) for k in d.key_changes if k.kind == "actor"}
    assert ("环保", "生态环境") in pairs and ("出入境检验检疫", "海关") in pairs
    # and the 吊销 added to 第四十三条 is a penalty change, ranked first
    assert d.key_changes[0].kind == "penalty" and "吊销" in d.key_changes[0].new


@pytest.mark.corpus  # 公司法 is 170 KB: not kept in tests/fixtures
def test_company_law_no_row_is_repeated_and_a_substitution_is_grouped() -> None:
    law = CORPUS / "versions" / "民法商法"
    d = diff_files(law / "公司法(2018-10-26).md", law / "公司法(2023-12-29).md")
    keys = [(k.kind, k.old, k.new) for k in d.key_changes]
    assert len(keys) == len(set(keys)), "a change made in several articles is one row"
    (must,) = [k for k in d.key_changes if (k.kind, k.old, k.new) == ("obligation", "必须", "应当")]
    assert len(must.units) >= 5
    assert all(k.kind != "scope" or len(k.units) < 24 for k in d.key_changes)


# --- readers ---------------------------------------------------------------------------------------


def test_one_amount_written_two_ways_is_one_value() -> None:
    assert [y for _, _, y in amounts("处五千以上一万元以下罚款")] == [5000, 10000]
    assert [y for _, _, y in amounts("处5000元以上1万元以下")] == [5000, 10000]
    assert [y for _, _, y in amounts("最高2000万元，不超过1.5亿元")] == [20_000_000, 150_000_000]
    assert [y for _, _, y in amounts("处5至10万元罚款")] == [50_000, 100_000]
    assert canonical_numbers("处二万元以上六万元以下") == canonical_numbers("处2万元以上6万元以下")


def test_grouping_and_ranking() -> None:
    rename = UnitFact("actor", "质量技监部门", "市场监管部门", "")
    fine = UnitFact("penalty", "处1万元以下罚款", "处5万元以下罚款", "")
    reads = [
        UnitRead("第六条", "art-6", (rename,), (("市场主体", "经营主体"),)),
        UnitRead("第七条", "art-7", (rename, fine), (("市场主体", "经营主体"),)),
        UnitRead("第九条", "art-9", (), (("市场主体", "经营主体"), ("应当", "可以"))),
    ]
    changes = group(reads)
    assert [(k.kind, k.units) for k in changes] == [
        ("penalty", ("第七条",)),  # penalties before departments, wording last
        ("actor", ("第六条", "第七条")),
        ("term", ("第六条", "第七条", "第九条")),
    ]
    assert changes[2].summary == "用语：市场主体 → 经营主体" and changes[2].where == "第六条等 3 条"
    shown, more = ranked(changes, 2)
    assert len(shown) == 2 and more == 1


# --- the benchmark's matching ------------------------------------------------------------------------


def test_every_fixture_names_two_texts_and_known_kinds() -> None:
    pairs = load_pairs()
    assert len(pairs) >= 30
    assert len(list(FIXTURES.glob("*.toml"))) == len(pairs)
    assert all(p.old != p.new for p in pairs)


def test_a_label_matches_by_kind_article_and_value() -> None:
    label = Label("money", ("第三条",), "五千元", "一万元")
    change = KeyChange("money", "5000元", "1万元", "", ("第三条",), ("art-3",))
    assert agrees(label, change)
    assert not agrees(label, KeyChange("money", "5000元", "2万元", "", ("第三条",), ("art-3",)))
    assert not agrees(label, KeyChange("money", "5000元", "1万元", "", ("第四条",), ("art-4",)))
    assert not agrees(label, KeyChange("penalty", "5000元", "1万元", "", ("第三条",), ("a",)))


# --- Chinese labels in every human format --------------------------------------------------------

_ENGLISH_OPS = re.compile(r"\b(?:modified|added|removed|renumbered|moved|split|merged|unchanged)\b")


def test_the_site_redline_lists_the_key_changes_in_chinese(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(
        "site", "build", "--archive", ROOT / "archive", "--out", out, "--as-of", "2025-10-01"
    )
    assert result.code == 0, result
    page = (
        out
        / "changes"
        / "北京市机动车停车条例-2021-09-24-8767f1--北京市机动车停车条例-2024-03-29-5177ed.html"
    ).read_text(encoding="utf-8")
    assert '<h2 id="key">主要变化</h2>' in page
    assert re.search(
        r'<tr class="kind-approval"><td data-label="条款"><a href="#art-29">第二十九条</a></td>'
        r'<td data-label="变化">审批备案：',
        page,
    )
    assert "修改：第二十九条" in page and "条文：修改" in page
    visible = re.sub(r"<[^>]+>", " ", page)
    assert not _ENGLISH_OPS.search(visible), _ENGLISH_OPS.search(visible)


def test_term_md_and_html_speak_chinese_and_json_keeps_codes(run: Run) -> None:
    args = ("diff", "--archive", ROOT / "archive", "北京市机动车停车条例-2024-03-29-5177ed")
    term = run(*args).stdout
    assert "主要变化" in term and "第二十九条  审批备案：" in term and "修改：第二十三条" in term
    for fmt in ("md", "html"):
        text = run(*args, "--format", fmt).stdout
        assert "主要变化" in text and "修改：第二十九条" in text
        assert not _ENGLISH_OPS.search(re.sub(r"<[^>]+>", " ", text)), fmt
    data = json.loads(run(*args, "--json").stdout)
    assert {c["op"] for c in data["changes"]} <= {"unchanged", "modified", "added", "removed"}
    (consent,) = [k for k in data["key_changes"] if k["units"] == ["第二十九条"]]
    assert consent["kind"] == "approval" and consent["summary"].startswith("审批备案：")


# --- the terminal's line wrapping ------------------------------------------------------------------


def test_wrapping_never_cuts_a_number_or_a_latin_word() -> None:
    text = "第九条 国务院专利行政部门应当在请求递交日起2000个月内发出保密审查通知，按照职责分工办理GB/T 12345-2020。"
    for width in range(12, 60):
        lines = ["".join(t for t, _ in line) for line in wrap([(text, "")], width)]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert cell_len(line) <= width
            assert not line.startswith(("，", "。", "、")), (width, lines)
        joined = "\n".join(lines)
        for token in ("2000", "GB/T", "12345-2020"):
            assert all(token[:k] + "\n" + token[k:] not in joined for k in range(1, len(token)))


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="按照职责分工办理2000元GB，。 abc12（）", min_size=1, max_size=80),
    st.integers(8, 40),
)
def test_wrapping_keeps_every_character_and_the_width(text: str, width: int) -> None:
    lines = ["".join(t for t, _ in line) for line in wrap([(text, "s")], width)]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)
    # a closing mark starts a line only where a piece wider than the line had to be cut
    for before, line in itertools.pairwise(lines):
        assert not line.startswith(("，", "。", "）")) or cell_len(before) >= width - 1
