"""Quantities: comparator, value or range, unit family, vagueness, dates (issue 3)."""

from __future__ import annotations

import math

import pytest

from nlp_eval.numbers import chinese_number, quantities
from nlp_eval.text import normalize

N = None
# text, comparator, value, low, high, unit, family
CASES = [
    ("≥95%", ">=", 95, 95, N, "%", "percent"),
    ("不低于90%", ">=", 90, 90, N, "%", "percent"),
    ("95%以上", ">=", 95, 95, N, "%", "percent"),
    ("=100 %", "=", 100, 100, 100, "%", "percent"),
    ("≤90万元", "<=", 90, N, 90, "万元", "money"),
    ("20-30家", "", 20, 20, 30, "家", "count"),
    ("20至30家", "", 20, 20, 30, "家", "count"),
    ("60场以上", ">=", 60, 60, N, "场", "count"),
    ("1000平米", "", 1000, 1000, 1000, "平米", "area"),
    ("50.5万元", "", 50.5, 50.5, 50.5, "万元", "money"),
    ("123,244.2元", "", 123244.2, 123244.2, 123244.2, "元", "money"),
    ("-3480.83万元", "", -3480.83, -3480.83, -3480.83, "万元", "money"),
    ("0.9‰", "", 0.9, 0.9, 0.9, "‰", "percent"),
    ("≥100百分比", ">=", 100, 100, N, "百分比", "percent"),
    ("三十五人", "", 35, 35, 35, "人", "count"),
    ("3个工作日", "", 3, 3, 3, "工作日", "time"),
    ("2天以内", "<=", 2, N, 2, "天", "time"),
    ("3个小时内", "<=", 3, N, 3, "小时", "time"),
    ("不超过0.3万元", "<=", 0.3, N, 0.3, "万元", "money"),
    ("控制在80万元以内", "<=", 80, N, 80, "万元", "money"),
    ("达到95%以上", ">=", 95, 95, N, "%", "percent"),
    ("超过100场", ">", 100, 100, N, "场", "count"),
    ("约100人", "~", 100, 100, 100, "人", "count"),
    ("100余人", "~", 100, 100, 100, "人", "count"),
    ("3.2万人", "", 3.2, 3.2, 3.2, "万人", "count"),
    ("≧85万头(只)", ">=", 85, 85, N, "万头", "count"),
    ("≤1500元/亩", "<=", 1500, N, 1500, "元/亩", "money"),
    ("百分之九十五", "", 95, 95, 95, "%", "percent"),
    ("6.2个百分点", "", 6.2, 6.2, 6.2, "百分点", "percent"),
    ("≥ 95 ％", ">=", 95, 95, N, "%", "percent"),
    ("﹦100%", "=", 100, 100, 100, "%", "percent"),
    (">=95%", ">=", 95, 95, N, "%", "percent"),
    ("=<5%", "<=", 5, N, 5, "%", "percent"),
    ("≥６台", ">=", 6, 6, N, "台", "count"),
    ("≥95分", ">=", 95, 95, N, "分", "score"),
    ("不少于600场", ">=", 600, 600, N, "场", "count"),
    ("不超过预算30万元", "<=", 30, N, 30, "万元", "money"),
    ("5-10万元", "", 5, 5, 10, "万元", "money"),
    ("2500公里", "", 2500, 2500, 2500, "公里", "length"),
    ("设备购置数量≥7", ">=", 7, 7, N, "", ""),
    ("总成本不超40万", "<=", 40, N, 40, "万", "money"),
    ("整理档案数量不少1500件", ">=", 1500, 1500, N, "件", "count"),
    ("路灯17225盏", "", 17225, 17225, 17225, "盏", "count"),
    ("签约12.6万人", "", 12.6, 12.6, 12.6, "万人", "count"),
    ("重大动物疫情发生率0起", "", 0, 0, 0, "起", "count"),
    ("≥10万人次", ">=", 10, 10, N, "万人次", "count"),
    ("10～20人", "", 10, 10, 20, "人", "count"),
    ("20人至30人", "", 20, 20, 30, "人", "count"),
    ("95%-100%", "", 95, 95, 100, "%", "percent"),
    ("大于等于90%", ">=", 90, 90, N, "%", "percent"),
    ("至少3次", ">=", 3, 3, N, "次", "count"),
    ("最多2次", "<=", 2, N, 2, "次", "count"),
    ("小于5%", "<", 5, N, 5, "%", "percent"),
    ("二十余家", "~", 20, 20, 20, "家", "count"),
    ("1000余平方米", "~", 1000, 1000, 1000, "平方米", "area"),
    ("100人左右", "~", 100, 100, 100, "人", "count"),
    ("85分及以上", ">=", 85, 85, N, "分", "score"),
    ("≥0.5亿", ">=", 0.5, 0.5, N, "亿", "money"),
    ("九成以上", ">=", 9, 9, N, "成", "percent"),
    ("百分之百", "", 100, 100, 100, "%", "percent"),
    ("不低于百分之九十", ">=", 90, 90, N, "%", "percent"),
    ("1.2万平方米", "", 1.2, 1.2, 1.2, "万平方米", "area"),
    ("15个工作日以内", "<=", 15, N, 15, "工作日", "time"),
    ("2个月内", "<=", 2, N, 2, "个月", "time"),
    ("100万元/年", "", 100, 100, 100, "万元/年", "money"),
]


@pytest.mark.parametrize(("text", "comparator", "value", "low", "high", "unit", "family"), CASES)
def test_quantity(text, comparator, value, low, high, unit, family):
    found = [q for q in quantities(text) if q.kind != "vague"]
    assert len(found) == 1, found
    q = found[0]
    assert (q.comparator, q.unit, q.family) == (comparator, unit, family)
    assert q.value == pytest.approx(value)
    assert (q.low is None) == (low is None) and (q.high is None) == (high is None)
    if low is not None:
        assert q.low == pytest.approx(low)
    if high is not None:
        assert q.high == pytest.approx(high)
    assert normalize(text)[q.span[0] : q.span[1]] == q.text


@pytest.mark.parametrize(
    ("text", "base"),
    [("50.5万元", 505000), ("3亿元", 3e8), ("0.9‰", 0.09), ("2亩", 1333.33), ("3公里", 3000)],
)
def test_factor_to_family_base(text, base):
    (q,) = quantities(text)
    assert q.value * q.factor == pytest.approx(base, rel=1e-4)


# text, comparator, value (YYYYMMDD, year 0 when absent), low, high
DATES = [
    ("2020年12月10日—2021年3月7日", "", 20201210, 20201210, 20210307),
    ("三季度", "", 701, 701, 930),
    ("第四季度", "", 1001, 1001, 1231),
    ("12月底前", "<=", 1231, N, 1231),
    ("2022年第三季度", "", 20220701, 20220701, 20220930),
    ("2023年上半年", "", 20230101, 20230101, 20230630),
    ("8月中旬", "", 811, 811, 820),
    ("11月前", "<=", 1130, N, 1130),
    ("2023年12月前", "<=", 20231231, N, 20231231),
    ("２０２０年９月底前", "<=", 20200930, N, 20200930),
    ("≤2023年11月", "<=", 20231130, N, 20231130),
    ("2019年11月22日", "", 20191122, 20191122, 20191122),
    ("10月", "", 1001, 1001, 1031),
    ("上半年", "", 101, 101, 630),
    ("每月10日前", "<=", 10, N, 10),
    ("2023/11/30前", "<=", 20231130, N, 20231130),
    ("服务期限2023.1.1-2023.12.31", "", 20230101, 20230101, 20231231),
    ("2021-2035年规划", "", 20210101, 20210101, 20351231),
    # Month ends are the calendar's: February by the year when given, else 28.
    ("2024年2月底前", "<=", 20240229, N, 20240229),
    ("2023年2月前", "<=", 20230228, N, 20230228),
    ("1900年2月底", "", 19000228, 19000228, 19000228),
    ("2月底前", "<=", 228, N, 228),
    ("4月下旬", "", 421, 421, 430),
    # Years written digit by digit in Chinese numerals, Chinese-numeral days.
    ("二〇二二年十二月底前", "<=", 20221231, N, 20221231),
    ("二〇二一年十一月三十日前", "<=", 20211130, N, 20211130),
    ("二零二三年三季度", "", 20230701, 20230701, 20230930),
    ("一九九八年", "", 19980101, 19980101, 19981231),
    ("十二月二十五日", "", 1225, 1225, 1225),
]


@pytest.mark.parametrize(
    ("text", "comparator", "value", "extent"),
    [
        ("95%（含）以上", ">=", 95, "95%(含)以上"),
        ("≥95%（含）", ">=", 95, "≥95%(含)"),
        ("不低于95%（含95%）", ">=", 95, "不低于95%(含95%)"),
        ("90%（含本数）以内", "<=", 90, "90%(含本数)以内"),
    ],
)
def test_inclusive_note_keeps_the_comparator(text, comparator, value, extent):
    # The note is part of the one threshold: no bare 95% left over that reads as an actual value.
    (q,) = quantities(text)
    assert (q.comparator, q.value, q.family, q.text) == (comparator, value, "percent", extent)


def test_inclusive_note_does_not_swallow_the_next_value():
    found = quantities("不低于95%（含本数），实际完成96%")
    assert [(q.comparator, q.value) for q in found] == [(">=", 95), ("", 96)]


@pytest.mark.parametrize(("text", "comparator", "value", "low", "high"), DATES)
def test_date(text, comparator, value, low, high):
    (q,) = quantities(text)
    assert (q.family, q.kind, q.comparator) == ("date", "date", comparator)
    assert (q.value, q.low, q.high) == (value, low, high)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("一批", "批"),
        ("若干", ""),
        ("多个", "个"),
        ("吸引了不少的人才", ""),
        ("若干家", "家"),
        ("数十家", "家"),
        ("近百人", "人"),
        ("上百人", "人"),
    ],
)
def test_vague_amount(text, unit):
    (q,) = quantities(text)
    assert q.vague and q.value is None and q.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "十分满意",
        "第三方测评",
        "一次性补助",
        "按计划开展宣传活动",
        "千家万户",
        "一方面",
        "不适用",
        "深宝府办函(2018)1号",
        "依据[2021]19号文",
    ],
)
def test_no_quantity(text):
    assert quantities(text) == []


@pytest.mark.parametrize(
    "text",
    ["水质达标率100%", "满意度为97.2%", "组织区内30家文化企业参展", "全年观影群众约12.4万人次"],
)
def test_weak_or_no_comparator_is_not_a_threshold(text):
    assert not any(q.threshold for q in quantities(text))


def test_several_quantities_in_reading_order():
    found = quantities("65岁以上老年人健康管理率≥70%,签约12.6万人")
    assert [(q.family, q.comparator) for q in found] == [
        ("age", ">="),
        ("percent", ">="),
        ("count", ""),
    ]


def test_measure_words_distinguish_counts():
    (place,) = quantities("60场")
    (firm,) = quantities("30家")
    (people,) = quantities("1836名")
    assert place.family == firm.family == "count" and place.measure != firm.measure
    assert people.measure == "人"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三十五", 35),
        ("十二", 12),
        ("两千零五", 2005),
        ("一百", 100),
        ("二〇二〇", 2020),
        ("三万五千", 35000),
    ],
)
def test_chinese_number(text, value):
    assert chinese_number(text) == value


def test_traditional_input_parses_like_simplified():
    assert quantities("滿意度達到95%以上") == quantities("满意度达到95%以上")
    assert not math.isnan(quantities("實際完成4712人")[0].value)


# ---------------------------------------------------------------- property: a cell of one number

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nlp_eval import lexicon  # noqa: E402

# Units that turn a number into a calendar date (2019年, 12月) are dates, not amounts.
_CALENDAR = {"年", "月", "日", "号", "季度"}
_UNITS = sorted(r["unit"] for r in lexicon.table("units.tsv") if r["unit"] not in _CALENDAR)


@settings(deadline=None, max_examples=400, database=None)
@given(
    whole=st.integers(min_value=0, max_value=10**7),
    decimals=st.sampled_from(["", "5", "25", "75", "01"]),
    unit=st.sampled_from(["", *_UNITS]),
)
def test_a_cell_that_is_one_number_yields_exactly_that_number(whole, decimals, unit):
    """87.5, 3000, 2019, 12500名: a number alone in a cell, at both cell edges, is a quantity."""
    number = f"{whole}.{decimals}" if decimals else str(whole)
    cell = number + unit
    found = quantities(cell)
    assert len(found) == 1, (cell, found)
    q = found[0]
    assert q.value == float(number)
    assert q.span == (0, len(normalize(cell)))
    written = normalize(unit)
    assert q.unit in (written, written.removeprefix("个"))  # 3个工作日: the unit is 工作日
