"""Ingest real Chinese policy text: the seeds, the LawRefBook corpus, each rule, bad input."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack.chinese import to_mainland_simplified
from policytrack.errors import IngestError
from policytrack.ingest import ingest
from policytrack.ingest.clean import clean
from policytrack.ingest.validity import find_clauses
from policytrack.model import Document
from tests.conftest import CORPUS, LAWREF, SEED, Run, git


def doc_of(name: str) -> Document:
    path = SEED[name]
    return ingest(path.read_bytes(), path.name).document


def rel(doc: Document, type_: str) -> set[str]:
    return {r.doc_number or r.title or "" for r in doc.relations if r.type == type_}


def test_seed_003_traditional_policy_with_articles() -> None:
    d = doc_of("yizhuang")
    assert d.id == "京技管发-2024-29"
    assert d.doc_number == "京技管发〔2024〕29号"
    assert d.title == "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策"
    assert d.issuer == "北京经济技术开发区管理委员会"
    assert d.jurisdiction == "北京经济技术开发区"
    assert d.kind == "policy"
    w = d.window
    assert (w.issued.value, w.issued.basis) == (date(2024, 11, 24), "stated")
    # 自公布之日起施行, and the text dates only its signing: the publication and effective
    # dates are taken as that day and marked inferred (推断), never presented as stated
    assert (w.published.value, w.published.basis) == (date(2024, 11, 24), "inferred")
    assert (w.effective.value, w.effective.basis) == (date(2024, 11, 24), "inferred")
    assert "自公布之日起施行" in w.effective.evidence
    assert (w.expires.value, w.expires.basis) == (date(2027, 12, 31), "stated")
    assert rel(d, "supersedes") == {"京技管发〔2024〕10号"}
    assert "原政策（京技管发〔2024〕10号）同时废止" in d.related("supersedes")[0].evidence
    arts = d.articles
    assert [a.number for a in arts] == list(range(1, 21))
    assert arts[0].label == "第一条" and arts[-1].label == "第二十条"
    assert all("责任部门" in a.text for a in arts)
    assert d.source.script == "traditional"
    for traditional in ("經濟", "資訊", "人工智慧", "軟硬體", "支援"):
        assert traditional not in d.body
    assert "（责任部门：信息技术产业局）" in arts[0].text


def test_seed_001_notice_wrapped_policy() -> None:
    d = doc_of("minhang")
    assert d.doc_number == "闵府规发〔2018〕4号"
    assert d.title == "闵行区推动新一代人工智能产业发展的实施意见"
    assert d.issuer == "闵行区人民政府"
    assert d.window.issued.value == date(2018, 8, 20)
    assert d.window.effective.value == date(2018, 10, 1)
    assert d.window.expires.value == date(2021, 9, 30)
    assert rel(d, "cites") >= {"国发〔2017〕35号", "工信部科〔2017〕315号", "沪府办发〔2017〕66号"}


def test_seed_001_phone_number_and_date_list_are_stripped() -> None:
    result = ingest(SEED["minhang"].read_bytes(), SEED["minhang"].name)
    assert "13818084850" not in result.document.body
    assert "2020-08-12" not in result.document.body
    reasons = [r for r, _ in result.stripped]
    assert "personal contact details" in reasons
    assert reasons.count("list of dates (page chrome)") == 10


def test_seed_002_no_title_no_doc_number() -> None:
    d = doc_of("zibo")
    assert d.doc_number is None
    # no title is stated: none is composed from the text's keywords, and the id holds none
    assert d.title is None
    assert d.field_evidence("title").basis == "unknown"  # type: ignore[union-attr]
    assert d.display_title == "（无标题·淄博高新区）"
    assert d.id.startswith("淄博高新区-") and "人工智能" not in d.id
    assert not d.body.startswith("# ")
    assert d.window.effective.value is None
    assert "自公布之日起施行" in d.window.effective.evidence
    assert d.window.expires.value == date(2025, 12, 31)
    assert rel(d, "cites") >= {"鲁政字〔2019〕84号", "淄发电〔2020〕7号"}
    assert d.source.publisher == "淄博高新技术产业开发区"
    assert "来源" not in d.body


def test_seed_002_items_and_departments_sit_in_their_units() -> None:
    d = doc_of("zibo")
    items = [u for u in d.units if u.kind == "item"]
    assert any(u.label == "（1）" for u in items) and any(u.label == "1." for u in items)
    energy = next(u for u in d.units if u.heading.startswith("人工智能+新能源"))
    assert (
        "责任部门" in energy.text
    )  # the trailing 责任部门 line belongs to the heading, not to item (2)


@pytest.mark.parametrize("name", ["news_haidian", "news_forum"])
def test_news_reports_are_news_and_mention_policies(name: str) -> None:
    d = doc_of(name)
    assert d.kind == "news"
    assert d.related("mentions")


def test_news_short_names_are_kept() -> None:
    d = doc_of("news_haidian")
    mention = next(
        r
        for r in d.related("mentions")
        if r.title == "关于加快中关村科学城人工智能创新引领发展的十五条措施"
    )
    assert mention.alias == "海淀人工智能十五条"


def test_news_forum_headline_is_not_a_title() -> None:
    # a media headline is not the title of a document (the report names several policies,
    # none as its subject); the headline stays in the text
    d = doc_of("news_forum")
    assert d.title is None and d.kind == "news"
    assert "2019中关村论坛重大成果发布，将前沿科技与世界共享" in d.body


# --- rules on real sentences -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("本政策自公布之日起施行，有效期至2027年12月31日。", "expires_date", date(2027, 12, 31)),
        (
            "本文件自2018年10月1日起施行，有效期至2021年9月30日。",
            "effective_date",
            date(2018, 10, 1),
        ),
        ("本办法自二〇二四年十一月二十四日起施行。", "effective_date", date(2024, 11, 24)),
        ("本措施自2023年1月1日起实施，有效期3年。", "period_years", 3),
        ("本方案有效期为两年。", "period_years", 2),
        ("本通知自印发之日起执行，有效期为6个月。", "period_months", 6),
        ("执行期限为2024年1月1日至2026年12月31日。", "range", date(2026, 12, 31)),
    ],
)
def test_validity_clauses(sentence: str, kind: str, value: object) -> None:
    found = {
        ("period_years" if c.years else "period_months") if c.kind == "period" else c.kind: c
        for c in find_clauses([sentence], set())
    }
    c = found[kind]
    assert c.subject == "own"  # each sentence is about the document itself
    got = {
        "expires_date": c.end,
        "effective_date": c.start,
        "period_years": c.years,
        "period_months": c.months,
        "range": c.end,
    }[kind]
    assert got == value


def test_period_of_validity_is_inferred_as_effective_plus_years_minus_a_day(tmp_path: Path) -> None:
    text = "某市关于支持企业发展的若干措施\n为支持企业发展，制定本措施。\n一、支持研发\n对企业给予最高100万元支持。\n本措施自2024年3月1日起施行，有效期3年。\n"
    d = ingest(text.encode(), "x.txt").document
    assert d.window.effective.value == date(2024, 3, 1)
    assert (d.window.expires.value, d.window.expires.basis) == (date(2027, 2, 28), "inferred")


def test_supersession_by_title_and_number() -> None:
    text = (
        "某区促进产业发展办法\n第一条 为促进产业发展，制定本办法。\n"
        "第二条 本办法自2024年1月1日起施行。《某区促进产业发展暂行办法》（某府发〔2020〕3号）同时废止。\n"
    )
    d = ingest(text.encode(), "x.txt").document
    sup = d.related("supersedes")
    assert [(r.doc_number, r.title) for r in sup] == [
        ("某府发〔2020〕3号", "某区促进产业发展暂行办法")
    ]


def test_draft_kind_and_provisional_marker() -> None:
    text = "某市数据要素市场管理暂行办法（征求意见稿）\n第一条 为规范管理，制定本办法。\n第二条 本办法自发布之日起施行。\n"
    d = ingest(text.encode(), "x.txt").document
    assert d.kind == "draft"
    assert d.window.provisional


def test_clean_strips_chrome_but_keeps_policy_text() -> None:
    raw = "当前位置：首页 > 政策文件\n【字体：大 中 小】\n一、总体要求\n联系电话：010-12345678\n分享到：\n打印本页\n支持企业发展。\n"
    c = clean(raw)
    assert c.lines == ["一、总体要求", "支持企业发展。"]
    assert {r for r, _ in c.stripped} == {"page chrome", "personal contact details"}


def test_expiry_before_effective_is_a_warning_and_never_stored() -> None:
    text = "某政策\n本政策自2024年1月1日起施行，有效期至2023年12月31日。\n"
    result = ingest(text.encode(), "x.txt")
    assert result.document.window.effective.value == date(2024, 1, 1)
    assert result.document.window.expires.value is None
    assert "impossible window" in result.document.window.expires.rule
    warning = next(w for w in result.warnings if "2023-12-31" in w)
    assert "before the effective date 2024-01-01" in warning and "有效期至2023年12月31日" in warning


# --- encodings and bad input -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "utf-16"])
def test_encodings_are_detected(encoding: str) -> None:
    raw = SEED["minhang"].read_text(encoding="utf-8").replace("\u00a0", " ")
    d = ingest(raw.encode(encoding), "x.txt").document
    assert d.doc_number == "闵府规发〔2018〕4号"
    assert d.source.encoding in (encoding, "gb18030", "utf-16")


def test_big5_is_detected() -> None:
    raw = SEED["yizhuang"].read_text(encoding="utf-8")
    d = ingest(raw.encode("big5hkscs", errors="ignore"), "x.txt").document
    assert d.source.encoding.startswith("big5")
    assert d.doc_number == "京技管发〔2024〕29号"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)), "PNG image .* run OCR first"),
        (b"\x7fELF\2\1\1\0" + bytes(range(256)), "binary file"),
        (bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 50, "not valid UTF-8, GB18030 or Big5"),
        (b"hello world, no chinese here at all", "no Chinese text"),
    ],
)
def test_bad_inputs_give_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        ingest(data, "bad.txt")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(b"\0\1\2binary"), "binary"),
        (lambda p: p.write_bytes(SEED["minhang"].read_bytes() * 3), "over the limit"),
    ],
)
def test_bad_files_leave_the_archive_unchanged(
    seeded: Path, tmp_path: Path, run: Run, make, message: str
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    make(bad)
    head = git(seeded, "rev-parse", "HEAD")
    result = run("add", "--archive", seeded, "--max-bytes", "60000", SEED["yizhuang"], bad)
    assert result.code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1  # one line
    assert git(seeded, "rev-parse", "HEAD") == head
    assert git(seeded, "status", "--porcelain") == ""


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda s: s.encode("utf-8"))))
def test_ingest_never_crashes(data: bytes) -> None:
    try:
        result = ingest(data, "fuzz.txt")
    except IngestError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        # a title is stated or absent, never composed: each of its characters is in the input
        title = result.document.title or ""
        text = to_mainland_simplified(data.decode("utf-8", "replace"))
        assert all(ch in text for ch in re.findall(r"[\u4e00-\u9fff]", title))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(SEED["yizhuang"].read_text(encoding="utf-8").splitlines()),
        min_size=1,
        max_size=12,
    )
)
def test_ingest_never_crashes_on_shuffled_real_lines(lines: list[str]) -> None:
    try:
        ingest("\n".join(lines).encode(), "shuffled.txt")
    except IngestError as exc:
        assert str(exc)


# --- LawRefBook corpus --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "count"),
    [
        pytest.param(LAWREF / "versions", 36, id="fixtures"),
        pytest.param(CORPUS / "versions", 98, id="corpus", marks=pytest.mark.corpus),
    ],
)
def test_every_corpus_version_ingests(folder: Path, count: int) -> None:
    paths = sorted(folder.rglob("*.md"))
    assert len(paths) >= count
    failures = []
    for path in paths:
        try:
            d = ingest(path.read_bytes(), path.name).document
        except IngestError as exc:
            failures.append(f"{path.name}: {exc}")
            continue
        if not d.articles or d.kind not in ("law", "regulation"):
            failures.append(f"{path.name}: {d.kind} {len(d.articles)} articles")
        exp = d.window.expires.value
        if exp and d.window.effective.value and exp < d.window.effective.value:
            failures.append(f"{path.name}: expires {exp} before effective")
    assert failures == []


def test_a_period_about_something_else_is_not_the_documents_expiry() -> None:
    path = LAWREF / "versions" / "经济法" / "畜牧法(2015-04-24).md"
    d = ingest(path.read_bytes(), path.name).document
    assert (
        d.window.expires.value is None
    )  # “进口种畜禽的批准文件有效期为六个月” is not about the law


def test_lawrefbook_fields() -> None:
    path = LAWREF / "versions" / "诉讼与非诉讼程序法" / "行政复议法(2017-09-01).md"
    d = ingest(path.read_bytes(), path.name).document
    assert d.title == "中华人民共和国行政复议法"
    assert d.kind == "law"
    assert d.window.issued.value == date(2017, 9, 1)
    assert d.issuer == "全国人民代表大会常务委员会"
    assert d.jurisdiction == "全国"
    chapters = [u for u in d.units if u.kind == "chapter"]
    assert chapters[0].anchor == "ch-1" and chapters[0].heading == "总则"
    art3 = next(u for u in d.units if u.anchor == "art-3")
    items = [u for u in d.units if u.parent == "art-3" and u.kind == "item"]
    assert len(items) == 7 and items[0].anchor == "art-3-1"
    assert "行政机关中初次从事行政复议的人员" in art3.text


def test_versions_of_one_law_get_distinct_ids() -> None:
    a = LAWREF / "versions" / "诉讼与非诉讼程序法" / "行政复议法(2017-09-01).md"
    b = LAWREF / "versions" / "诉讼与非诉讼程序法" / "行政复议法(2023-09-01).md"
    ids = {ingest(p.read_bytes(), p.name).document.id for p in (a, b)}
    assert len(ids) == 2


def test_sample_archive_has_no_phone_number_in_files_or_history() -> None:
    from tests.conftest import ROOT

    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-p", "--", "archive"], capture_output=True, text=True
    ).stdout
    assert "13818084850" not in log
    assert all(
        "13818084850" not in p.read_text(encoding="utf-8") for p in (ROOT / "archive").glob("*.md")
    )


# --- unit facts ------------------------------------------------------------------------------


def test_unit_facts_of_seed_003_article_1() -> None:
    from policytrack.facts import unit_facts

    art1 = doc_of("yizhuang").articles[0]
    f = unit_facts(art1.text)
    assert f.departments == ("信息技术产业局",)
    assert [(m.yuan, m.qualifier) for m in f.amounts] == [(100_000_000, ""), (20_000_000, "最高")]
    assert f.percentages == ("30%",)


def test_unit_facts_departments_ratios_and_caps() -> None:
    from policytrack.facts import unit_facts

    d = doc_of("yizhuang")
    art6 = next(a for a in d.articles if a.number == 6)
    f = unit_facts(art6.text)
    assert f.departments == ("营商环境建设局", "信息技术产业局")
    assert f.ratios == ("1:1", "1:0.5")
    assert [(m.yuan, m.qualifier) for m in f.amounts] == [(1_000_000, "最高")]
    art7 = next(a for a in d.articles if a.number == 7)
    assert unit_facts(art7.text).departments == ("营商环境建设局", "经济发展局", "信息技术产业局")


@pytest.mark.parametrize(
    ("text", "due", "basis"),
    [
        ("对企业给予补贴，本项措施执行至2025年12月31日。", date(2025, 12, 31), "stated"),
        ("请于2024年6月30日前完成申报。", date(2024, 6, 30), "stated"),
        ("2024—2026年，每年安排资金1亿元。", date(2026, 12, 31), "inferred"),
        ("到2026年，人工智能核心技术取得重大突破。", date(2026, 12, 31), "inferred"),
    ],
)
def test_measure_deadlines_are_dated(text: str, due: date, basis: str) -> None:
    from policytrack.facts import deadlines

    dated = [d for d in deadlines(text) if d.value]
    assert [(d.value, d.basis) for d in dated] == [(due, basis)]
    assert dated[0].evidence == text


def test_relative_and_recurring_periods_are_never_dated_by_guess() -> None:
    from policytrack.facts import deadlines

    found = deadlines(
        "给予办公、生产经营场地租金前两年免除、第三年减按50%标准补贴。每年发放1亿元的“算力券”。"
    )
    assert [d.value for d in found] == [None, None]
    assert "first 2 years" in found[0].rule and "每年" in found[1].rule


def test_the_documents_own_validity_clause_is_not_a_measure() -> None:
    from policytrack.facts import deadlines

    assert deadlines("本政策自公布之日起施行，有效期至2027年12月31日。") == ()


def test_bracket_captions_head_the_text_below_them() -> None:
    text = (
        "某区关于支持集成电路产业发展的若干措施\n为支持产业发展，制定本措施。\n一、支持研发\n【支持对象】\n"
        "注册在本区的集成电路设计企业。\n【支持标准】\n按研发投入的20%给予补贴，最高500万元。\n本措施自2024年1月1日起施行。\n"
    )
    d = ingest(text.encode(), "x.txt").document
    captions = [u for u in d.units if u.heading.startswith("【")]
    assert [(u.anchor, u.parent, u.text) for u in captions] == [
        ("c-支持对象", "s1", "注册在本区的集成电路设计企业。"),
        (
            "c-支持标准",
            "s1",
            "按研发投入的20%给予补贴，最高500万元。\n\n本措施自2024年1月1日起施行。",
        ),
    ]


@pytest.mark.parametrize("name", sorted(SEED))
def test_the_sample_archive_is_what_add_makes_of_each_seed(name: str) -> None:
    from policytrack.docfile import serialise
    from tests.conftest import ROOT

    d = doc_of(name)
    stored = ROOT / "archive" / f"{d.id}.md"
    assert stored.read_text(encoding="utf-8") == serialise(d), "re-add the seeds with --replace"


def test_amounts_in_chinese_numerals() -> None:
    from policytrack.facts import amounts

    found = amounts("处五千元以上一万元以下罚款；并处二十万元罚款；奖励一亿元。")
    assert [m.yuan for m in found] == [5_000, 10_000, 200_000, 100_000_000]


# --- layouts the seeds do not show (fixtures modelled on published layouts) --------------------

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Document:
    path = FIXTURES / name
    return ingest(path.read_bytes(), path.name).document


def test_state_council_notice_with_a_period_of_validity() -> None:
    d = fixture("state_council_notice.txt")
    assert (d.doc_number, d.title, d.issuer, d.jurisdiction) == (
        "国办发〔2024〕12号",
        "促进数据产业高质量发展行动方案",
        "国务院办公厅",
        "全国",
    )
    assert d.window.effective.value == date(2024, 3, 5)  # 自印发之日起施行: the issue date
    assert (d.window.expires.value, d.window.expires.basis) == (date(2029, 3, 4), "inferred")


def test_measures_in_chapters_with_a_closing_article() -> None:
    d = fixture("shanghai_measures_chapters.txt")
    assert d.window.issued.value == date(2024, 1, 10)  # 二〇二四年一月十日
    assert d.window.effective.value == date(2024, 2, 1)
    assert d.window.expires.value == date(2026, 12, 31)  # the clause opens with 第五条
    assert [(r.type, r.doc_number) for r in d.relations] == [("supersedes", "沪府办规〔2021〕5号")]
    assert [u.anchor for u in d.units if u.kind == "chapter"] == ["ch-1", "ch-2", "ch-3"]
    from policytrack.facts import departments

    art4 = next(a for a in d.articles if a.number == 4)
    assert departments(art4.text) == ("市经济信息化委", "市科委")


def test_an_interpretation_interprets_the_policy_its_title_names() -> None:
    d = fixture("shenzhen_interpretation.txt")
    assert d.kind == "interpretation"
    assert [(r.type, r.doc_number, r.title) for r in d.relations] == [
        ("interprets", "深发改规〔2023〕7号", "深圳市数据交易管理暂行办法")
    ]
    assert (d.issuer, d.field_evidence("issuer").basis) == ("深圳市发展和改革委员会", "inferred")  # type: ignore[union-attr]
    assert d.window.published.value == date(2023, 3, 1)
