"""Issuing bodies as 北大法宝 lists them: one name per body, nationwide organs, and the
效力级别 inferred with its evidence — on names and titles as the corpus and the seeds write
them."""

from __future__ import annotations

import pytest

from policytrack.bodies import bodies, canonical_body, is_national, level_of, national_jurisdiction


@pytest.mark.parametrize(
    ("written", "body"),
    [
        ("中华人民共和国国务院", "国务院"),
        ("国务院", "国务院"),
        ("北京市第十五届人民代表大会常务委员会", "北京市人民代表大会常务委员会"),
        ("北京市第十二届人民代表大会常务委员会", "北京市人民代表大会常务委员会"),
        ("重庆市第三届人民代表大会常务委员会", "重庆市人民代表大会常务委员会"),
        ("最高人民法院审判委员会", "最高人民法院"),
        ("全国人大常委会", "全国人民代表大会常务委员会"),
        ("中华人民共和国主席", "中华人民共和国主席"),
        ("北京经济技术开发区管理委员会", "北京经济技术开发区管理委员会"),
    ],
)
def test_one_name_per_body(written: str, body: str) -> None:
    assert canonical_body(written) == body


def test_joint_issuers_are_each_body_once() -> None:
    assert bodies("财政部、税务总局、国家税务总局") == ("财政部", "国家税务总局")
    assert bodies(None) == () and bodies("") == ()


@pytest.mark.parametrize(
    ("body", "national"),
    [
        ("国务院", True),
        ("国务院办公厅", True),
        ("全国人民代表大会常务委员会", True),
        ("最高人民检察院", True),
        ("国家市场监督管理总局", True),  # 市场 is not a city
        ("工业和信息化部", True),
        ("财政部", True),
        ("中国人民银行", True),
        ("国家税务总局安徽省税务局", False),  # a central organ's local branch
        ("北京市科学技术委员会", False),
        ("闵行区人民政府", False),
        ("北京经济技术开发区管理委员会", False),
        ("浙江省人民代表大会常务委员会", False),
    ],
)
def test_nationwide_organs(body: str, national: bool) -> None:
    assert is_national(body) is national


def test_jurisdiction_from_national_issuers_names_its_evidence() -> None:
    found = national_jurisdiction("财政部、国家税务总局")
    assert found is not None and found.value == "全国"
    assert found.evidence == "发文机关为中央国家机关：财政部、国家税务总局"
    assert national_jurisdiction("财政部、上海市财政局") is None  # one local issuer
    assert national_jurisdiction(None) is None


@pytest.mark.parametrize(
    ("issuer", "title", "number", "kind", "level"),
    [
        ("全国人民代表大会常务委员会", "中华人民共和国反洗钱法", None, "law", "法律"),
        ("全国人民代表大会", "中华人民共和国监察法", None, "law", "法律"),
        ("中华人民共和国国务院", "政府信息公开条例", None, "regulation", "行政法规"),
        (
            "国务院",
            "国务院关于印发“十四五”数字经济发展规划的通知",
            "国发〔2021〕29号",
            "policy",
            "规范性文件",
        ),
        (
            "国家市场监督管理总局",
            "网络交易监督管理办法",
            "国家市场监督管理总局令第37号",
            "policy",
            "部门规章",
        ),
        (
            "财政部、国家税务总局",
            "关于实施小微企业普惠性税收减免政策的通知",
            "财税〔2019〕13号",
            "policy",
            "规范性文件",
        ),
        (
            "北京市第十五届人民代表大会常务委员会",
            "北京市机动车停车条例",
            None,
            "regulation",
            "地方性法规",
        ),
        (
            "上海市人民政府",
            "上海市住宅物业管理规定",
            "上海市人民政府令第12号",
            "policy",
            "地方政府规章",
        ),
        (
            "闵行区人民政府",
            "闵行区关于促进人工智能产业发展的若干意见",
            "闵府规发〔2018〕4号",
            "policy",
            "规范性文件",
        ),
        (
            "最高人民法院审判委员会",
            "最高人民法院关于审理民间借贷案件适用法律若干问题的规定",
            None,
            "policy",
            "司法解释",
        ),
    ],
)
def test_level_of_force_with_its_evidence(
    issuer: str, title: str, number: str | None, kind: str, level: str
) -> None:
    found = level_of(issuer, title, number, kind)
    assert found is not None and found.value == level
    assert found.evidence.startswith(f"发文机关：{'、'.join(bodies(issuer))}")
    if number and "令" in number:
        assert f"文号为令：{number}" in found.evidence


def test_no_level_where_there_is_none_or_nothing_to_infer_it_from() -> None:
    assert level_of("北京市科委", "新闻", None, "news") is None
    assert level_of("国务院", "某条例（征求意见稿）", None, "draft") is None
    assert level_of(None, "某办法", None, "policy") is None
