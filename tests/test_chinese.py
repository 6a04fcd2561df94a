"""Chinese numerals, script conversion and punctuation width on real phrases."""

from __future__ import annotations

import pytest

from policytrack.chinese import (
    cn_to_int,
    fold_variants,
    full_width_punctuation,
    is_traditional,
    to_mainland_simplified,
)
from tests.conftest import SEED


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百零五", 105),
        ("一百二十", 120),
        ("一千零二十", 1020),
        ("二〇二四", 2024),
        ("二零一八", 2018),
        ("两万", 20000),
        ("29", 29),
        ("２９", 29),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_taiwan_vocabulary_from_a_big5_gateway_is_restored() -> None:
    assert to_mainland_simplified("人工智慧") == "人工智能"
    assert to_mainland_simplified("資訊技術産業局") == "信息技术产业局"
    assert to_mainland_simplified("自主可控軟硬體") == "自主可控软硬件"
    assert to_mainland_simplified("國産晶片伺服器") == "国产芯片服务器"
    assert to_mainland_simplified("演算法") == "算法"
    assert to_mainland_simplified("給予最高2000萬元支援") == "给予最高2000万元支持"
    assert to_mainland_simplified("API介面調用") == "API接口调用"


@pytest.mark.parametrize(
    "phrase", ["核心技术", "整合政企资源", "新增获得", "可复制、可推广", "效能双提升", "智慧城市"]
)
def test_mainland_phrases_are_never_rewritten(phrase: str) -> None:
    # the damage OpenCC's tw2sp profile does (核心→内核, 整合→集成, 新增→添加, 复制→拷贝…)
    assert to_mainland_simplified(phrase) == phrase


def test_seed_003_reads_as_mainland_simplified() -> None:
    text = to_mainland_simplified(SEED["yizhuang"].read_text(encoding="utf-8"))
    assert not is_traditional(text)
    for wrong in ("人工智慧", "資訊", "软硬体", "支援", "晶片", "内核技术", "集成政企"):
        assert wrong not in text
    for right in (
        "人工智能核心技术",
        "整合政企资源",
        "对新增获得",
        "可复制、可推广",
        "信息技术产业局",
    ):
        assert right in text


def test_script_detection() -> None:
    assert is_traditional(SEED["yizhuang"].read_text(encoding="utf-8"))
    assert not is_traditional(SEED["minhang"].read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("原政策(京技管发〔2024〕10号)同时废止。", "原政策（京技管发〔2024〕10号）同时废止。"),
        ("按照国家和北京市奖励标准1:1和1:0.5的比例", "按照国家和北京市奖励标准1:1和1:0.5的比例"),
        ("(责任部门:信息技术产业局)", "（责任部门：信息技术产业局）"),
        ("结算费用的30%,经评审认定", "结算费用的30%，经评审认定"),
        ("突破1,000亿元", "突破1,000亿元"),
        ("支持intel, infosys等", "支持intel, infosys等"),
        ("(2023—2025年)", "（2023—2025年）"),
    ],
)
def test_half_width_punctuation_next_to_chinese_becomes_full_width(
    raw: str, canonical: str
) -> None:
    assert full_width_punctuation(raw) == canonical


def test_fold_variants_equates_regional_vocabulary() -> None:
    assert fold_variants("支援企业提升品质") == fold_variants("支持企业提升质量")
