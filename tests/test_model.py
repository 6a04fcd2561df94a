"""Identity: doc numbers from loose real-world spellings to one canonical form."""

from __future__ import annotations

from datetime import date

import pytest

from policytrack.errors import DocNumberError
from policytrack.model import DocNumber, derived_id, ref_key, slugify

SPELLINGS = [
    ("国发〔2017〕35号", "国发〔2017〕35号", "国发-2017-35"),
    ("闵府规发〔2018〕4号", "闵府规发〔2018〕4号", "闵府规发-2018-4"),
    ("京技管發〔2024〕29號", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发[2024]29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发(2024)29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发（2024）29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发［2024］29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发【2024】29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发〖2024〗29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发2024-29", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发〔2024〕29", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发〔２０２４〕２９号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发 〔2024〕 29 号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("京技管发〔2024〕第29号", "京技管发〔2024〕29号", "京技管发-2024-29"),
    ("工信部科〔2017〕315号", "工信部科〔2017〕315号", "工信部科-2017-315"),
    ("沪府办发〔2017〕66号", "沪府办发〔2017〕66号", "沪府办发-2017-66"),
    ("鲁政字〔2019〕84号", "鲁政字〔2019〕84号", "鲁政字-2019-84"),
    ("淄发电〔2020〕7号", "淄发电〔2020〕7号", "淄发电-2020-7"),
    ("国办发〔2023〕4号", "国办发〔2023〕4号", "国办发-2023-4"),
    ("京政发〔2024〕1号", "京政发〔2024〕1号", "京政发-2024-1"),
    ("发改高技〔2021〕1234号", "发改高技〔2021〕1234号", "发改高技-2021-1234"),
    ("财税〔2018〕99号", "财税〔2018〕99号", "财税-2018-99"),
    ("粤府〔2020〕1号", "粤府〔2020〕1号", "粤府-2020-1"),
    (
        "财政部 税务总局公告2023年第19号",
        "财政部 税务总局公告2023年第19号",
        "财政部-税务总局公告-2023-19",
    ),
    (
        "财政部　税务总局公告2023年第19号",
        "财政部 税务总局公告2023年第19号",
        "财政部-税务总局公告-2023-19",
    ),
    ("国家税务总局公告2024年第1号", "国家税务总局公告2024年第1号", "国家税务总局公告-2024-1"),
    ("国务院令第802号", "国务院令第802号", "国务院令-802"),
    ("中华人民共和国国务院令第802号", "国务院令第802号", "国务院令-802"),
    ("中華人民共和國國務院令第802號", "国务院令第802号", "国务院令-802"),
    ("国家发展和改革委员会令第7号", "国家发展和改革委员会令第7号", "国家发展和改革委员会令-7"),
    ("京技管发〔2024〕10號", "京技管发〔2024〕10号", "京技管发-2024-10"),
]


@pytest.mark.parametrize(("loose", "canonical", "slug"), SPELLINGS)
def test_doc_number_spellings_parse_to_one_canonical_form(
    loose: str, canonical: str, slug: str
) -> None:
    number = DocNumber.parse(loose)
    assert str(number) == canonical
    assert number.slug == slug
    assert DocNumber.parse(str(number)) == number  # canonical form is a fixed point


def test_at_least_thirty_real_spellings_are_covered() -> None:
    assert len(SPELLINGS) >= 30


@pytest.mark.parametrize(
    "text", ["", "人工智能", "2024", "〔2024〕29号", "京技管发〔24〕29号", "第十二条"]
)
def test_non_doc_numbers_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(DocNumberError, match="京技管发〔2024〕29号"):
        DocNumber.parse(text)


def test_ref_key_joins_every_spelling_and_slug() -> None:
    keys = {
        ref_key(s)
        for s in (
            "京技管发〔2024〕29号",
            "京技管发[2024]29号",
            "京技管发(2024)29号",
            "京技管发2024-29",
            "京技管发-2024-29",
        )
    }
    assert keys == {"京技管发-2024-29"}


def test_slugs_are_safe_for_files_and_urls() -> None:
    slug = slugify("关于印发《某某/办法》的通知: a?b#c")
    assert not set(slug) & set('/\\?#:*"<>| ')


def test_derived_id_is_deterministic_and_distinguishes_titles() -> None:
    a = derived_id(
        issuer="淄博高新区工委管委会", when=None, title="淄博高新区关于人工智能的实施意见"
    )
    b = derived_id(
        issuer="淄博高新区工委管委会", when=None, title="淄博高新区关于人工智能的实施意见"
    )
    c = derived_id(
        issuer="淄博高新区工委管委会", when=None, title="淄博高新区关于人工智能的实施细则"
    )
    assert a == b != c
    assert a.startswith("淄博高新区关于人工智能的实施意见-undated-")
    assert derived_id(issuer=None, when=date(2024, 1, 2), title="某通知").startswith(
        "某通知-2024-01-02-"
    )
