"""Status on any date: every transition on its boundary day, leap days, unknowns, stubs, cycles."""

from __future__ import annotations

from datetime import date

import pytest

from policytrack.model import DatedFact, Document, Relation, ValidityWindow
from policytrack.temporal import (
    build_graph,
    current_version,
    expiring,
    lineage,
    parse_within,
    predecessor_of,
    predecessors,
    relation_to,
    status_of,
)


def doc(
    doc_id: str,
    *,
    effective: date | None = None,
    expires: date | None = None,
    issued: date | None = None,
    relations: tuple[Relation, ...] = (),
    number: str | None = None,
    kind: str = "policy",
) -> Document:
    fact = lambda d: DatedFact(d, "stated", "test") if d else DatedFact()  # noqa: E731
    return Document(
        id=doc_id,
        title=doc_id,
        kind=kind,
        doc_number=number,  # type: ignore[arg-type]
        window=ValidityWindow(fact(issued), DatedFact(), fact(effective), fact(expires)),
        relations=relations,
    )


def code(docs: list[Document], doc_id: str, day: date) -> str:
    return status_of(doc_id, build_graph(docs), day).code


def test_boundaries_of_the_validity_window() -> None:
    d = [doc("a", effective=date(2024, 1, 1), expires=date(2024, 12, 31))]
    assert code(d, "a", date(2023, 12, 31)) == "not_yet_effective"
    assert code(d, "a", date(2024, 1, 1)) == "in_force"
    assert code(d, "a", date(2024, 12, 31)) == "in_force"
    assert code(d, "a", date(2025, 1, 1)) == "expired"
    st = status_of("a", build_graph(d), date(2025, 1, 1))
    assert st.since == date(2025, 1, 1) and st.label == "已失效"


def test_leap_day_expiry() -> None:
    d = [doc("a", effective=date(2020, 3, 1), expires=date(2024, 2, 29))]
    assert code(d, "a", date(2024, 2, 29)) == "in_force"
    assert code(d, "a", date(2024, 3, 1)) == "expired"


def test_superseded_from_the_successors_effective_date() -> None:
    old = doc(
        "old", effective=date(2024, 1, 1), expires=date(2026, 12, 31), number="京技管发〔2024〕10号"
    )
    new = doc(
        "new",
        effective=date(2024, 11, 24),
        number="京技管发〔2024〕29号",
        relations=(
            Relation(
                "supersedes",
                "京技管发〔2024〕10号",
                None,
                "原政策（京技管发〔2024〕10号）同时废止。",
            ),
        ),
    )
    g = build_graph([old, new])
    assert status_of("old", g, date(2024, 11, 23)).code == "in_force"
    st = status_of("old", g, date(2024, 11, 24))
    assert (st.code, st.since, st.by) == ("repealed", date(2024, 11, 24), "new")
    assert "原政策（京技管发〔2024〕10号）同时废止" in st.reason


def test_a_superseded_document_not_in_the_archive_is_a_stub() -> None:
    new = doc(
        "new",
        effective=date(2024, 11, 24),
        relations=(Relation("supersedes", "京技管发〔2024〕10号"),),
    )
    g = build_graph([new])
    assert "京技管发-2024-10" in g.stubs
    assert status_of("京技管发-2024-10", g, date(2024, 12, 1)).code == "repealed"
    assert status_of("京技管发-2024-10", g, date(2024, 11, 1)).code == "in_force"


def test_unknown_dates_give_unknown_never_a_guess() -> None:
    d = [doc("a", expires=date(2025, 12, 31))]
    st = status_of("a", build_graph(d), date(2025, 10, 1))
    assert st.code == "unknown" and "effective date unknown" in st.reason
    assert (
        code(d, "a", date(2026, 1, 1)) == "expired"
    )  # past the stated expiry it is expired whatever the start


def test_partial_repeal() -> None:
    base = doc("base", effective=date(2020, 1, 1), number="某发〔2020〕1号")
    amend = doc(
        "amend",
        effective=date(2022, 1, 1),
        relations=(
            Relation(
                "supersedes", "某发〔2020〕1号", None, "第三条、第五条同时废止", articles=(3, 5)
            ),
        ),
    )
    g = build_graph([base, amend])
    assert status_of("base", g, date(2021, 12, 31)).code == "in_force"
    st = status_of("base", g, date(2022, 1, 1))
    assert st.code == "partially_repealed" and "第3条、第5条" in st.reason


def test_news_has_no_status() -> None:
    assert code([doc("n", kind="news")], "n", date(2024, 1, 1)) == "not_applicable"


def test_cycles_and_double_supersession_are_reported() -> None:
    a = doc("a", number="甲发〔2020〕1号", relations=(Relation("supersedes", "乙发〔2020〕2号"),))
    b = doc("b", number="乙发〔2020〕2号", relations=(Relation("supersedes", "甲发〔2020〕1号"),))
    c = doc("c", number="丙发〔2021〕3号", relations=(Relation("supersedes", "乙发〔2020〕2号"),))
    problems = build_graph([a, b, c]).problems
    assert any(p.startswith("supersession cycle: ") for p in problems)
    assert any("b: superseded twice" in p for p in problems)


def test_supersession_dated_before_the_superseding_document_was_issued() -> None:
    new = doc(
        "new",
        issued=date(2024, 11, 24),
        relations=(Relation("supersedes", "京技管发〔2024〕10号", effective=date(2024, 1, 1)),),
    )
    assert any("is before the document was issued" in p for p in build_graph([new]).problems)


def test_expiring_window_soonest_first_with_successor() -> None:
    docs = [
        doc("late", effective=date(2020, 1, 1), expires=date(2025, 12, 31)),
        doc(
            "soon", effective=date(2020, 1, 1), expires=date(2025, 10, 15), number="某发〔2020〕9号"
        ),
        doc("gone", effective=date(2020, 1, 1), expires=date(2025, 9, 30)),
        doc("far", effective=date(2020, 1, 1), expires=date(2027, 1, 1)),
        doc(
            "renewal",
            effective=date(2025, 10, 16),
            relations=(Relation("supersedes", "某发〔2020〕9号"),),
        ),
    ]
    rows = expiring(build_graph(docs), date(2025, 10, 1), 120)
    assert [(r.doc.id, r.days_left, r.successor) for r in rows] == [
        ("soon", 14, "renewal"),
        ("late", 91, None),
    ]


@pytest.mark.parametrize(
    ("text", "days"), [("90d", 90), ("90", 90), ("12w", 84), ("6m", 180), ("1y", 365)]
)
def test_parse_within(text: str, days: int) -> None:
    assert parse_within(text) == days


def test_a_chain_of_three_versions() -> None:
    a = doc("a", effective=date(2018, 1, 1), number="某发〔2018〕1号")
    b = doc(
        "b",
        effective=date(2020, 1, 1),
        number="某发〔2020〕1号",
        relations=(Relation("supersedes", "某发〔2018〕1号"),),
    )
    c = doc(
        "c",
        effective=date(2024, 1, 1),
        number="某发〔2024〕1号",
        relations=(Relation("supersedes", "某发〔2020〕1号"),),
    )
    g = build_graph([c, a, b])
    assert g.successors == {"a": ["b"], "b": ["c"]}
    day = date(2024, 6, 1)
    assert [status_of(i, g, day).code for i in "abc"] == ["repealed", "repealed", "in_force"]
    assert status_of("a", g, date(2021, 1, 1)).by == "b"
    assert g.problems == []


def test_a_draft_precedes_its_final_text() -> None:
    draft = doc("draft", kind="draft", issued=date(2024, 6, 1))
    draft = draft.with_(title="某市数据条例（征求意见稿）")
    final = doc(
        "final",
        effective=date(2024, 12, 1),
        relations=(Relation("draft", None, None, "same title", "draft"),),
    ).with_(title="某市数据条例")
    g = build_graph([draft, final])
    assert g.successors == {"draft": ["final"]}
    assert g.repealed_by == {}  # a final text continues its draft; it does not repeal it
    assert status_of("draft", g, date(2025, 1, 1)).code != "amended"
    assert current_version(g, "draft", date(2025, 1, 1)) == "final"
    # the same title alone links nothing: the link is made, with its evidence, by add
    assert build_graph([draft, final.with_(relations=())]).successors == {}


def amended_pair(link: str = "amends") -> list[Document]:
    v1 = doc("v1", effective=date(2020, 1, 1))
    v2 = doc(
        "v2",
        effective=date(2025, 3, 1),
        relations=(Relation(link, None, None, "2025年修订", "v1"),),  # type: ignore[arg-type]
    )
    return [v1, v2]


def test_an_earlier_version_is_amended_once_the_later_one_is_in_force() -> None:
    g = build_graph(amended_pair())
    before, on = date(2025, 2, 28), date(2025, 3, 1)
    assert [status_of(i, g, before).code for i in ("v1", "v2")] == ["in_force", "not_yet_effective"]
    assert current_version(g, "v1", before) == "v1" == current_version(g, "v2", before)
    st = status_of("v1", g, on)
    assert (st.code, st.label, st.since, st.by) == ("amended", "已被修改", on, "v2")
    assert "v2" in st.reason and st.evidence == "2025年修订"
    assert current_version(g, "v1", on) == "v2" == current_version(g, "v2", on)
    assert g.repealed_by == {}


def test_replacement_by_another_instrument_is_repealed_not_amended() -> None:
    g = build_graph(amended_pair("supersedes"))
    assert status_of("v1", g, date(2025, 3, 1)).code == "repealed"
    assert current_version(g, "v1", date(2025, 3, 1)) == "v2"


def test_an_expired_version_stays_expired_when_its_successor_comes_later() -> None:
    v1 = doc("v1", effective=date(2020, 1, 1), expires=date(2022, 12, 31))
    v2 = amended_pair()[1]
    g = build_graph([v1, v2])
    assert status_of("v1", g, date(2025, 6, 1)).code == "expired"
    assert current_version(g, "v1", date(2023, 6, 1)) is None  # nothing in force then


def test_a_lineage_is_ordered_by_its_links_before_dates() -> None:
    undated = doc("old")  # a text stating no date at all, linked as the older version
    new = doc(
        "new",
        effective=date(2024, 1, 1),
        relations=(Relation("amends", None, None, "history", "old"),),
    )
    g = build_graph([new, undated])
    assert lineage(g, "new") == ["old", "new"]  # dates alone would put the undated one last
    assert status_of("old", g, date(2024, 1, 1)).code == "amended"


def test_a_repeal_by_title_never_names_the_holder_or_a_later_text() -> None:
    clause = "《某市条例》同时废止。"
    old = doc("old", effective=date(2010, 1, 1)).with_(title="某市条例")
    new = doc(
        "new",
        effective=date(2020, 1, 1),
        relations=(Relation("supersedes", None, "某市条例", clause),),
    ).with_(title="某市条例")
    g = build_graph([new, old])
    assert g.predecessors == {"new": ["old"]} and g.problems == []
    assert status_of("old", g, date(2021, 1, 1)).code == "repealed"
    # a cited title written with the issuer and 中华人民共和国 still finds the text
    cited = Relation(
        "supersedes", "法释〔2012〕21号", "关于适用〈中华人民共和国刑事诉讼法〉的解释", "…同时废止"
    )
    old2 = doc("o", effective=date(2013, 1, 1)).with_(
        title="最高人民法院关于适用《刑事诉讼法》的解释"
    )
    new2 = doc("n", effective=date(2021, 3, 1), relations=(cited,)).with_(title=old2.title)
    assert build_graph([old2, new2]).predecessors == {"n": ["o"]}


def test_a_later_version_restating_a_repeal_is_not_a_conflict() -> None:
    clause = "《中华人民共和国行政监察法》同时废止。"
    v1 = doc(
        "v1",
        effective=date(2018, 3, 20),
        relations=(Relation("supersedes", None, "中华人民共和国行政监察法", clause),),
    )
    v2 = doc(
        "v2",
        effective=date(2024, 12, 25),
        relations=(
            Relation("supersedes", None, "中华人民共和国行政监察法", clause),
            Relation("supersedes", None, None, "", "v1"),
        ),
    )
    g = build_graph([v1, v2])
    assert g.problems == []
    assert status_of("stub-中华人民共和国行政监察法", g, date(2019, 1, 1)).since == date(
        2018, 3, 20
    )


def test_each_version_is_compared_with_the_one_it_names_else_the_one_before() -> None:
    """The one rule behind `diff REF`, new-version alerts and the site's redline pages."""
    a = doc("a", effective=date(2018, 1, 1), number="某发〔2018〕1号")
    b = doc(
        "b",
        effective=date(2020, 1, 1),
        number="某发〔2020〕1号",
        relations=(Relation("amends", "某发〔2018〕1号"),),
    )
    # c replaces a by name, although b came between them
    c = doc(
        "c",
        effective=date(2024, 1, 1),
        number="某发〔2024〕1号",
        relations=(
            Relation("supersedes", "某发〔2018〕1号"),
            Relation("predecessor", "某发〔2017〕9号"),
        ),
    )
    # d names nobody but is linked after c (c's own amendment, by id)
    d = doc(
        "d",
        effective=date(2025, 1, 1),
        relations=(Relation("amends", target_id="c"),),
    )
    g = build_graph([d, c, b, a])
    versions = lineage(g, "a")
    assert versions == ["某发-2017-9", "a", "b", "c", "d"]  # the stub first
    assert predecessors(g, versions) == {"a": None, "b": "a", "c": "a", "d": "c"}
    assert [predecessor_of(g, i) for i in ("a", "b", "c", "d")] == [None, "a", "a", "c"]
    assert predecessor_of(g, "某发-2017-9") is None  # a stub has no text to compare
    assert relation_to(g, "c", "a") == "supersedes"
    assert relation_to(g, "b", "a") == "amends"
