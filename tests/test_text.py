"""Normalisation, N/A and template detection, copy prefixes, tokens (issue 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlp_eval.text import (
    is_na,
    is_placeholder,
    is_template,
    normalize,
    original_span,
    strip_prefix,
    tokens,
    tokens_many,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("≥ 95 %", "≥95%"),
        (">=95%", "≥95%"),
        ("≧90%", "≥90%"),
        ("=<5%", "≤5%"),
        ("≦6月", "≤6月"),
        ("﹦100%", "=100%"),
        ("═12个", "=12个"),
        ("＝100％", "=100%"),
        ("１２０台", "120台"),
        ("中标价２６４．５万元", "中标价264.5万元"),
        ("满意度（群众）：９５％", "满意度(群众):95%"),
        ("實際完成值", "实际完成值"),
        ("達成預期指標", "达成预期指标"),
        ("產出指標", "产出指标"),
        ("  已完成  \n", "已完成"),
        ("ISO 9001 认证", "ISO 9001认证"),
        ("2020年12月10日—2021年3月7日", "2020年12月10日-2021年3月7日"),
        ("完成...", "完成……"),
        ("", ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("text", "na"),
    [
        ("不适用", True),
        ("不適用。", True),
        ("无", True),
        ("/", True),
        ("—", True),
        ("本项目不涉及经济效益指标", True),
        ("本项目不涉及生态效益指标。", True),
        ("本项目无此项指标", True),
        ("已完成", False),
        ("无安全事故发生", False),
        ("", False),
    ],
)
def test_is_na(text, na):
    assert is_na(text) is na


@pytest.mark.parametrize(
    ("text", "placeholder", "template"),
    [
        ("……", True, True),
        ("**", True, True),
        ("XX人", True, True),
        ("(≥**人)", True, True),
        ("(≥**%)", True, True),
        ("对照年度目标,说明相关任务目标的完成情况(100字以内)", False, True),
        ("请填写实际完成值", False, True),
        ("说明相关任务目标的完成情况（100字以内）", False, True),
        ("3次", False, False),
        ("已完成", False, False),
        ("XBOX采购", False, False),
        ("", False, False),
    ],
)
def test_placeholder_and_template(text, placeholder, template):
    assert is_placeholder(text) is placeholder
    assert is_template(text) is template


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("进一步提升龙岗区城区知名度", "提升龙岗区城区知名度"),
        (
            "完成新认定评审一批符合条件的区级文化产业集聚空间",
            "新认定评审一批符合条件的区级文化产业集聚空间",
        ),
        ("已经完成了采购", "采购"),
        ("均已按时拨付", "按时拨付"),
        ("实现了全覆盖", "全覆盖"),
        ("设备购置数量≥7", "设备购置数量≥7"),
    ],
)
def test_strip_prefix(text, stripped):
    assert strip_prefix(text) == stripped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满意度≥95%", ["满意度", "≥95%"]),
        ("预算执行率达到95%以上", ["预算执行率", "达到", "95%", "以上"]),
        (
            "出具评估报告总成本不超过50.5万元",
            ["出具", "评估", "报告", "总成本", "不超过", "50.5万元"],
        ),
        ("人才受理的数量35人", ["人才", "受理", "的", "数量", "35人"]),
        ("三十五人", ["三十五人"]),
        (
            "取得较好的社会效益与经济效益。",
            ["取得", "较", "好", "的", "社会效益", "与", "经济效益"],
        ),
        ("可持续影响指标", ["可持续影响", "指标"]),
        (
            "组织全区文化产业园区申报文博会分会场",
            ["组织", "全区", "文化产业", "园区", "申报", "文博会", "分会场"],
        ),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def _real_texts() -> list[str]:
    texts: set[str] = set()
    with (ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv").open(
        encoding="utf-8"
    ) as handle:
        for row in csv.reader(handle, delimiter="\t"):
            texts.update(row)
    path = ROOT / "corpus" / "songgang_targets_2021_2023" / "indicators.tsv"
    with path.open(encoding="utf-8") as handle:
        for row in list(csv.reader(handle, delimiter="\t"))[1:]:
            texts.update(cell.replace("\\n", "") for cell in row[3:6])
    return sorted(texts)


def test_fast_tokenizer_equals_private_jieba_reference():
    """rjieba with the domain dictionary cuts exactly like the private jieba.Tokenizer."""
    texts = _real_texts() + [
        "满意度指标",
        "预算执行率",
        "社会效益",
        "可持续影响",
        "文博会",
        "绩效目标",
    ]
    assert len(texts) > 1500
    assert tokens_many(texts) == tokens_many(texts, engine="jieba")


def test_traditional_tokens_equal_simplified():
    assert tokens("服務對象滿意度≥90%") == tokens("服务对象满意度≥90%")


@pytest.mark.parametrize(
    "text",
    # Phrases t2s converts though no character of them converts alone, then common texts.
    [
        "反覆检查",
        "深沈",
        "憑藉资金",
        "什麼",
        "服務對象滿意度",
        "覆盖率100%",
        "坏账为0",
        "已完成",
        "𰻞𰻞面",
    ],
)
def test_normalize_converts_exactly_like_opencc(text):
    """Skipping t2s for texts with nothing to convert changes no result."""
    import opencc

    assert normalize(text) == opencc.OpenCC("t2s").convert(text)


def test_real_texts_normalize_like_opencc():
    import opencc

    convert = opencc.OpenCC("t2s").convert
    texts = [t for t in _real_texts() if not t.isascii()]
    assert len(texts) > 1000
    assert [normalize(t) for t in texts] == [normalize(convert(t)) for t in texts]


@pytest.mark.parametrize(
    ("raw", "normalized_part", "original_part"),
    [
        ("  满意度 >= 95 %", "≥95%", ">= 95 %"),
        ("實際完成４７１２人,滿意度達到９５％以上", "达到95%以上", "達到９５％以上"),
        ("完成... ≥ 3次", "≥3次", "≥ 3次"),
        ("满意度≥95%", "满意度", "满意度"),
    ],
)
def test_original_span_maps_back_to_the_raw_text(raw, normalized_part, original_part):
    cell = normalize(raw)
    start = cell.index(normalized_part)
    begin, end = original_span(raw, (start, start + len(normalized_part)))
    assert raw[begin:end] == original_part
