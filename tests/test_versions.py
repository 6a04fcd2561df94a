"""Copies and versions on real texts: revision histories, the copy measure, version order,
draft → final, suggestions and the precedence of sources."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from policytrack.ingest import ingest
from policytrack.ingest.history import read_history
from policytrack.model import Document, Source, instrument_key, reference_key
from policytrack.versions import (
    COPY_THRESHOLD,
    SKETCH_SHARED,
    Profile,
    containment,
    copy_of,
    group_links,
    outranks,
    rank_name,
    sketch,
    suggest,
    version_order,
    versions_differ,
)
from tests.conftest import LAWREF, REALDEV_PAGES

VERSIONS = LAWREF / "versions"


def corpus(rel: str) -> Path:
    return VERSIONS / rel


def profile(path: Path) -> Profile:
    d = ingest(path.read_bytes(), path.name).document
    return Profile(d, d.body)


def realdev(number: str) -> Path:
    return next((REALDEV_PAGES / "texts").glob(f"{number}_*"))


# --- revision histories -------------------------------------------------------------------------


def test_a_bracketed_history_under_the_title() -> None:
    text = (
        "中华人民共和国市场主体登记管理条例实施细则\n"
        "（2020年7月5日国务院令第728号公布　根据2025年3月17日《国务院关于修改和废止部分"
        "行政法规的决定》修订）\n第一章　总则\n第一条　为了……，制定本细则。\n"
        "本细则自2021年3月1日起施行。\n"
    )
    steps = [(e.date, e.event, e.evidence) for e in read_history(text)]
    assert steps == [
        (date(2020, 7, 5), "promulgated", "2020年7月5日国务院令第728号公布"),
        (
            date(2025, 3, 17),
            "revised",
            "2025年3月17日《国务院关于修改和废止部分行政法规的决定》修订",
        ),
    ]


def test_a_traditional_history_and_one_step_a_line() -> None:
    text = "商用密碼管理條例\n(1999年10月7日中華人民共和國國務院令第273號發布 2023年4月27日中華人民共和國國務院令第760號修訂)\n"
    assert [(e.date, e.event) for e in read_history(text)] == [
        (date(1999, 10, 7), "promulgated"),
        (date(2023, 4, 27), "revised"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "某区关于支持企业发展的若干措施\n本措施自2024年1月1日起施行，有效期至2026年12月31日。\n",
        "某市人民政府\n2024年11月24日\n",  # a signature date is no history
        "新闻\n2024年3月1日，记者从市政府获悉，新修订的条例通过并将施行。\n",
    ],
)
def test_body_sentences_are_never_a_history(text: str) -> None:
    assert read_history(text) == ()


def test_lawrefbook_header_lines_joined_and_shared_meetings() -> None:
    cultural = read_history(corpus("行政法/文物保护法(2017-11-04).md").read_text(encoding="utf-8"))
    assert cultural[1].date == date(1991, 6, 29) and cultural[1].event == "amended"
    assert "第三十条第三十一条的决定》第一次修正" in cultural[1].evidence  # a line broken in two
    food = read_history(
        corpus(
            "司法解释/最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释(2021-12-30).md"
        ).read_text(encoding="utf-8")
    )
    # 2021年12月13日 最高人民法院…会议、2021年12月29日最高人民检察院…会议通过: both adopted
    assert [(e.date, e.event) for e in food][:2] == [
        (date(2021, 12, 13), "adopted"),
        (date(2021, 12, 29), "adopted"),
    ]


# --- keys ---------------------------------------------------------------------------------------


def test_instrument_and_reference_keys() -> None:
    draft = "药品、医疗器械、保健食品、特殊医学用途配方食品广告审查管理办法（征求意见稿）"
    final = "药品、医疗器械、保健食品、特殊医学用途配方食品广告审查管理暂行办法"
    assert instrument_key(draft) == instrument_key(final)
    assert instrument_key("北京市安全生产条例") != instrument_key("上海市安全生产条例")
    assert instrument_key(None) == ""
    cited = "关于适用〈中华人民共和国刑事诉讼法〉的解释"
    assert reference_key(cited) == reference_key("最高人民法院关于适用《刑事诉讼法》的解释")
    assert reference_key("中华人民共和国民事诉讼法（试行）") != reference_key(
        "中华人民共和国民事诉讼法"
    )


# --- copies -----------------------------------------------------------------------------------


COPIES = [("004", "005"), ("027", "028"), ("037", "082"), ("067", "068"), ("077", "081")]


@pytest.mark.parametrize(("a", "b"), COPIES)
def test_copies_of_one_page_from_different_sites_are_one_document(a: str, b: str) -> None:
    pa, pb = profile(realdev(a)), profile(realdev(b))
    found = copy_of(pb, pa)
    assert found is not None, (pa.doc.id, pb.doc.id)
    assert found.score >= COPY_THRESHOLD
    assert len(set(sketch(pa.body)) & set(sketch(pb.body))) >= SKETCH_SHARED


def test_a_news_report_quoting_the_doc_number_is_not_a_copy() -> None:
    regulation, news = profile(realdev("008")), profile(realdev("032"))
    assert news.doc.doc_number == regulation.doc.doc_number  # the report names the order
    assert containment(news.comparable, regulation.comparable) < 0.3
    assert copy_of(news, regulation) is None
    # nor a later version: one doc number is one promulgation
    assert suggest(regulation, news) is None and suggest(news, regulation) is None


def test_same_title_different_doc_numbers_are_different_documents() -> None:
    # 财税〔2011〕117号 and 财税〔2014〕34号 share their title and 80 % of their wording
    a, b = profile(realdev("001")), profile(realdev("002"))
    assert containment(a.comparable, b.comparable) > 0.7
    assert copy_of(a, b) is None and copy_of(b, a) is None


def test_versions_of_a_law_are_never_copies_however_alike() -> None:
    old = profile(corpus("行政法规/国内水路运输管理条例(2017-03-01).md"))
    new = profile(corpus("行政法规/国内水路运输管理条例(2023-07-20).md"))
    assert containment(old.comparable, new.comparable) > 0.99  # the text barely moved
    assert versions_differ(old, new) and copy_of(new, old) is None


def test_a_second_printing_of_one_version_is_a_copy() -> None:
    folder = "司法解释/最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释"
    a, b = profile(corpus(f"{folder}(2022-04-04).md")), profile(corpus(f"{folder}(2022-04-24).md"))
    assert a.doc.id == b.doc.id and a.body != b.body
    assert copy_of(b, a) is not None


# --- versions -----------------------------------------------------------------------------------


def test_shared_history_orders_two_versions_with_the_newer_texts_words() -> None:
    old = profile(corpus("经济法/对外贸易法(2016-11-07).md"))
    new = profile(corpus("经济法/对外贸易法(2022-12-30).md"))
    order = version_order(new, old)
    assert order is not None and (order.older, order.newer) == (old.doc.id, new.doc.id)
    assert order.evidence.startswith("2022年12月30日")
    assert "2016年11月7日" in order.evidence


def test_a_text_without_history_is_placed_by_its_own_date() -> None:
    # the 2010 text states no history but 本条例自2010年11月1日起施行; the 2024 text's
    # history runs 1996 通过 … 2010年9月17日 第一次修订 … 2024年5月10日 第二次修订
    old = profile(corpus("DLC/上海地方法规/地方性法规/上海/上海市科学技术进步条例(2010-09-17).md"))
    new = profile(corpus("DLC/上海地方法规/地方性法规/上海/上海市科学技术进步条例(2024-05-10).md"))
    assert old.doc.history == () and containment(old.comparable, new.comparable) < 0.2
    order = version_order(old, new)
    assert order is not None and order.older == old.doc.id
    assert "2010年9月17日" in order.evidence and "2010年11月1日" in order.evidence


def test_a_new_instrument_of_the_same_name_is_not_a_version() -> None:
    folder = (
        "司法解释/最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释"
    )
    old, new = (
        profile(corpus(f"{folder}(2013-05-02).md")),
        profile(corpus(f"{folder}(2021-12-30).md")),
    )
    assert version_order(old, new) is None  # no shared history: the 2021 text repeals the 2013 one
    assert any(r.type == "supersedes" for r in new.doc.relations)


def _doc(doc_id: str, title: str, **kw: object) -> Document:
    return Document(id=doc_id, title=title, **kw)  # type: ignore[arg-type]


def test_same_named_regulations_of_two_provinces_stay_apart() -> None:
    from policytrack.model import HistoryEvent

    def law(doc_id: str, place: str, steps: list[date]) -> Profile:
        events = tuple(HistoryEvent(d, "adopted", f"{d}通过") for d in steps)
        return Profile(
            _doc(
                doc_id,
                "物业管理条例",
                jurisdiction=place,
                issuer=f"{place}人民代表大会常务委员会",
                history=events,
            )
        )

    bj = law("bj", "北京市", [date(2020, 3, 27)])
    sh = law("sh", "上海市", [date(2020, 3, 27), date(2022, 9, 22)])  # even sharing a date
    assert version_order(bj, sh) is None
    assert group_links([bj, sh], set()) == []
    assert suggest(bj, sh) is None


def test_a_final_text_names_its_draft() -> None:
    draft = Profile(_doc("d", "某市数据条例（征求意见稿）", kind="draft", issuer="某市人大常委会"))
    final = Profile(
        _doc("f", "某市数据条例", kind="regulation", issuer="某市人民代表大会常务委员会")
    )
    other = Profile(_doc("o", "某市数据条例", kind="regulation", issuer="另一市人民政府"))
    links = group_links([draft, final], set())
    assert [(k.newer, k.older, k.type) for k in links] == [("f", "d", "draft")]
    assert "征求意见稿" in links[0].evidence
    assert group_links([draft, final], {frozenset(("d", "f"))}) == []  # kept apart by a user
    assert group_links([draft, other], set()) == []  # another place's organ


# --- precedence -------------------------------------------------------------------------------


def test_precedence_of_sources() -> None:
    gov = Source(file="t1.html", url="https://www.gov.cn/zhengce/content/1.htm", format="html")
    word = Source(file="a.docx", format="docx")
    pdf = Source(file="a.pdf", format="pdf")
    media = Source(file="a.html", url="https://news.example.com/a.html", format="html")
    big5 = Source(file="a.txt", script="traditional")
    plain = Source(file="a.txt", script="simplified")
    chain = [gov, word, pdf, media]
    for better, worse in itertools.pairwise(chain):
        assert outranks(better, 100, worse, 100000) and not outranks(worse, 100000, better, 100)
    assert outranks(plain, 100, big5, 100) and not outranks(big5, 100, plain, 100)
    assert outranks(plain, 200, Source(file="b.txt"), 100)  # the more complete text
    assert not outranks(plain, 100, Source(file="b.txt"), 100)  # a tie keeps the canonical one
    assert [rank_name(s) for s in chain] == ["official page", "Word file", "PDF", "other copy"]


def test_suggestion_has_a_score_and_evidence() -> None:
    a = Profile(
        _doc("a", "某市促进数字经济发展若干措施", issuer="某市人民政府", jurisdiction="某市"),
    )
    b = Profile(
        _doc("b", "某市促进数字经济发展若干措施", issuer="某市人民政府", jurisdiction="某市"),
    )
    s = suggest(a, b)
    assert s is not None and s.score == pytest.approx(0.7)
    assert s.evidence == (
        "same title 某市促进数字经济发展若干措施",
        "same issuer 某市人民政府",
        "same jurisdiction 某市",
    )
    assert group_links([a, b], set()) == []  # never linked silently


def test_realdev_manifest_groups_are_the_truth_used_here() -> None:
    """The pages taken as copies are one group in realdev's labels, the news report and the
    regulation it quotes are two; the labels are realdev's own (tests/test_fixtures.py)."""
    manifest = json.loads((REALDEV_PAGES / "manifest.json").read_text("utf-8"))
    group = {e["file"][:3]: e["group"] for e in manifest}
    assert all(group[a] == group[b] for a, b in COPIES)
    assert len({group[a] for a, _ in COPIES}) == len(COPIES)
    role = {e["file"][:3]: e["version_role"] for e in manifest}
    assert (group["008"], role["032"]) == (group["032"], "news")
