"""Canonical Markdown: byte-identical round trip, validation that names file, field and fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.docfile import Block, parse, parse_units, render_body, serialise
from policytrack.errors import FormatError, ValidationErrors
from policytrack.model import (
    KINDS,
    RELATION_TYPES,
    DatedFact,
    Document,
    FieldEvidence,
    Relation,
    Source,
    ValidityWindow,
)
from tests.conftest import ROOT

ARCHIVE_FILES = sorted(p for p in (ROOT / "archive").glob("*.md"))


def test_sample_archive_is_not_empty() -> None:
    assert len(ARCHIVE_FILES) >= 5


@pytest.mark.parametrize("path", ARCHIVE_FILES, ids=lambda p: p.name)
def test_every_archive_file_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert serialise(parse(text, path.name)) == text


# --- property: generated documents round-trip -----------------------------------------------

cjk_text = (
    st.text(
        alphabet=st.sampled_from(
            list("政策文件人工智能支持企业最高万元第条一二三、，。：；（）《》“”〔〕号年月日")
            + list("abcXYZ019 -:#*_[]{}'\"!?%@&|>\\`")
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
dates = st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))


@st.composite
def facts(draw: st.DrawFn) -> DatedFact:
    value = draw(dates)
    if value is None:
        return DatedFact(
            None,
            "unknown",
            draw(st.one_of(st.just(""), cjk_text)),
            draw(st.one_of(st.just(""), cjk_text)),
        )
    return DatedFact(
        value,
        draw(st.sampled_from(["stated", "inferred"])),
        draw(cjk_text),
        draw(st.one_of(st.just(""), cjk_text)),
    )


@st.composite
def documents(draw: st.DrawFn) -> Document:
    title = draw(cjk_text)
    eff, exp = draw(facts()), draw(facts())
    if eff.value and exp.value and exp.value < eff.value:
        eff, exp = exp, eff
    relations = draw(
        st.lists(
            st.builds(
                Relation,
                type=st.sampled_from(RELATION_TYPES),
                doc_number=st.sampled_from(["京技管发〔2024〕10号", "国发〔2017〕35号", None]),
                title=st.one_of(st.none(), cjk_text),
                evidence=st.one_of(st.just(""), cjk_text),
            ).filter(lambda r: bool(r.doc_number or r.title)),
            max_size=3,
        )
    )
    paragraphs = draw(st.lists(cjk_text, min_size=1, max_size=5))
    blocks = [Block("heading", "第一条", 2)] + [Block("para", p) for p in paragraphs]
    body = render_body(title, blocks)
    return Document(
        id=draw(st.from_regex(r"[a-z0-9\u4e00-\u4e10]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)),
        title=title,
        kind=draw(st.sampled_from(KINDS)),
        doc_number=draw(
            st.sampled_from(
                [None, "京技管发〔2024〕29号", "财政部 税务总局公告2023年第19号", "国务院令第802号"]
            )
        ),
        issuer=draw(st.one_of(st.none(), cjk_text)),
        jurisdiction=draw(st.one_of(st.none(), cjk_text)),
        window=ValidityWindow(draw(facts()), draw(facts()), eff, exp, draw(st.booleans())),
        relations=tuple(relations),
        evidence=(
            ("title", FieldEvidence(draw(st.sampled_from(["stated", "inferred"])), draw(cjk_text))),
        ),
        source=Source(
            file=draw(cjk_text),
            sha256="a" * 64,
            script=draw(st.sampled_from(["", "simplified", "traditional"])),
        ),
        overrides=tuple(
            sorted(
                draw(
                    st.dictionaries(st.sampled_from(["issuer", "title"]), cjk_text, max_size=2)
                ).items()
            )
        ),
        aliases=tuple(draw(st.lists(cjk_text, max_size=2))),
        body=body,
    )


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_round_trip(doc: Document) -> None:
    text = serialise(doc)
    back = parse(text)
    assert serialise(back) == text
    assert back.with_(units=()) == doc.with_(units=())


@settings(max_examples=100, deadline=None)
@given(st.lists(cjk_text, min_size=1, max_size=6))
def test_paragraph_text_survives_markdown_escaping(paragraphs: list[str]) -> None:
    body = render_body(
        "标题", [Block("heading", "第一条", 2)] + [Block("para", p) for p in paragraphs]
    )
    units = parse_units(body)
    article = next(u for u in units if u.kind == "article")
    texts = [article.text] + [u.text for u in units if u.kind == "item"]
    # paragraphs after an item belong to the article again, so compare as multisets
    assert sorted("\n\n".join(t for t in texts if t).split("\n\n")) == sorted(paragraphs)


# --- structure ---------------------------------------------------------------------------


def test_units_get_stable_anchors_from_their_numbering() -> None:
    body = render_body(
        "某政策",
        [
            Block("para", "为了……制定本政策。"),
            Block("heading", "一、总体目标", 2),
            Block("para", "到2026年……"),
            Block("heading", "二、政策措施", 2),
            Block("heading", "（一）推动算力", 3),
            Block("heading", "第十二条", 4),
            Block("para", "强化供给。"),
            Block("para", "（一）受理申请；"),
            Block("para", "1. 分项"),
            Block("para", "（二）审查；"),
        ],
    )
    anchors = [(u.kind, u.anchor, u.parent) for u in parse_units(body)]
    assert anchors == [
        ("preamble", "preamble", None),
        ("outline", "s1", None),
        ("outline", "s2", None),
        ("outline", "s2-1", "s2"),
        ("article", "art-12", "s2-1"),
        ("item", "art-12-1", "art-12"),
        ("item", "art-12-1-1", "art-12-1"),
        ("item", "art-12-2", "art-12"),
    ]


# --- validation -----------------------------------------------------------------------------

GOOD = (ROOT / "archive" / "京技管发-2024-29.md").read_text(encoding="utf-8")


def test_missing_front_matter_is_a_format_error() -> None:
    with pytest.raises(FormatError, match=r"x\.md: file does not start with a '---'"):
        parse("# 标题\n", "x.md")


def test_every_problem_is_reported_with_file_field_and_fix() -> None:
    bad = (
        GOOD.replace("kind: policy", "kind: law-ish")
        .replace("date: 2027-12-31", "date: 2020-01-01")
        .replace("doc_number: 京技管发〔2024〕29号", "doc_number: 京技管发[2024]29号")
        .replace("provisional: false", "provisional: false\ncolour: red")
    )
    with pytest.raises(ValidationErrors) as info:
        parse(bad, "京技管发-2024-29.md")
    problems = info.value.problems
    assert len(problems) == 4
    assert "京技管发-2024-29.md: kind: 'law-ish' is not a kind; use one of policy" in problems[
        1
    ] or any(p.startswith("京技管发-2024-29.md: kind: 'law-ish' is not a kind") for p in problems)
    assert any(
        "dates.expires: 2020-01-01 is before the effective date 2024-11-24; correct one of them"
        in p
        for p in problems
    )
    assert any(
        "doc_number: '京技管发[2024]29号' is not in canonical form; write '京技管发〔2024〕29号'"
        in p
        for p in problems
    )
    assert any("colour: unknown field; remove it" in p for p in problems)


def test_id_must_match_the_file_name() -> None:
    with pytest.raises(ValidationErrors, match="does not match the file name"):
        parse(GOOD, "other.md")


def test_the_format_doc_example_is_the_real_archive_file() -> None:
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = doc.split("```markdown\n", 1)[1].split("\n…\n", 1)[0]
    real = (ROOT / "archive" / "京技管发-2024-29.md").read_text(encoding="utf-8")
    assert real.startswith(example)
    fm_end = real.index("\n---\n") + 5
    assert example.startswith(real[:fm_end])  # the whole front matter is shown


@pytest.mark.parametrize("value", ["0000-00-00", "2024-13-45", "2024-02-30"])
def test_date_like_strings_that_are_not_dates_round_trip(value: str) -> None:
    """YAML reads these as timestamps and fails to build them; they must be quoted."""
    body = f"# {value}\n\n正文。\n"
    doc = Document(
        id=value,
        title=value,
        evidence=(("title", FieldEvidence("stated", value)),),
        body=body,
        units=parse_units(body),
    )
    text = serialise(doc)
    assert serialise(parse(text, f"{value}.md")) == text
    assert parse(text, f"{value}.md").title == value
