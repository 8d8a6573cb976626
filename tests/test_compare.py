"""Pair comparison: features, quantity verdicts, table features vs compare() (issue 3)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.compare import FEATURES, VERDICTS, Comparison, compare, features

ROOT = Path(__file__).resolve().parent.parent


# target, completion, indicator, verdict, short_by
VERDICT_CASES = [
    ("≥1200户", "1268户", "", "met", 0),
    ("3000亩", "新建茶叶基地3150亩", "", "exceeded", 0),
    ("≥928小时", "实际飞行时长909.93小时", "", "short", 1.95),
    ("组织媒体宣传的数量3次", "3次", "", "met", 0),
    ("人才受理的数量35人", "35人", "", "met", 0),
    ("人才受理的数量35人", "三十五人", "", "met", 0),
    ("60场", "30家", "", "unit_mismatch", 0),
    ("≥95%", "≥95%", "", "restated", 0),
    ("满意度调查不低于90%", "不低于90%", "", "restated", 0),
    ("≥95%", "达到95%", "", "restated", 0),
    ("≥95%", "达到98.2%", "", "met", 0),
    ("≤80万元", "控制在80万元以内", "", "restated", 0),
    ("≥90%", "已完成", "", "no_actual", 0),
    ("保证活动顺利开展", "已完成", "", "no_target_number", 0),
    ("≤12‰", "9.6‰", "出生缺陷发生率", "met", 0),
    ("100%", "92%", "控制率", "short", 8),
    ("5%", "2.3%", "投诉率", "exceeded", 0),
    ("5%", "7%", "投诉率", "short", 40),
    ("成本不超过164.8247万元", "全年干鲜货采购支出158.37万元", "", "met", 0),
    ("≤2650万元", "实际完成投资2598.6万元", "", "met", 0),
    ("≥50万元", "实际完成投资499000元", "", "short", 0.2),
    ("11月前", "10月", "", "met", 0),
    ("2019年12月底前", "2019年11月28日完成竣工验收", "", "met", 0),
    ("2020年10月", "2020年12月", "", "short", 0),
    ("20-30家", "25家", "", "met", 0),
    ("20至30家", "12家", "", "short", 40),
    ("3个工作日", "2天", "", "exceeded", 0),
    ("≥1800人", "全年为1836名困难老年人提供服务", "", "met", 0),
    ("全年配送不少于600场,覆盖6个街道", "全年配送不少于600场,覆盖6个街道", "", "restated", 0),
    ("≥500人次", "实际完成620人次,超过≥500人次的目标", "", "met", 0),
    ("≥500人次", "完成500人次以上", "", "restated", 0),
    ("≥90%", "九成以上", "", "restated", 0),
    ("≥90%", "百分之百", "", "met", 0),
    ("0起", "全年未发生重大动物疫情", "", "met", 0),
    ("≥12个", "建成扶贫车间8个、养殖小区4个,共12个", "", "met", 0),
    ("审核后30个工作日内", "审核通过后平均18个工作日内拨付", "", "met", 0),
    ("≤3个工作日", "3个工作日内", "", "restated", 0),
    ("2022年11月底前", "11月底前", "", "restated", 0),
    ("2021年8月31日前", "2021年8月25日前全部投入使用", "", "met", 0),
    ("100%", "设备验收合格率为100%", "", "met", 0),
    ("≥6000人", "乳腺癌检查5820人", "", "short", 3),
    ("≥1500人", "1,486人", "", "short", 0.93),
]


@pytest.mark.parametrize(
    ("target", "completion", "indicator", "verdict", "short_by"), VERDICT_CASES
)
def test_verdict(target, completion, indicator, verdict, short_by):
    result = compare(target, completion, indicator)
    assert result.verdict == verdict
    assert result.short_by == pytest.approx(short_by, abs=0.01)


@pytest.mark.parametrize(
    ("target", "completion", "field"),
    [
        ("设备购置数量≥7", "设备购置数量≥7", "is_exact_copy"),
        (
            "提升龙岗区城区知名度和影响力,丰富龙岗区人民生活。",
            "进一步提升龙岗区城区知名度和影响力,丰富龙岗区人民生活。",
            "is_copy_after_prefix",
        ),
        (
            "新认定评审一批符合条件的区级文化产业集聚空间5个",
            "完成新认定评审一批符合条件的区级文化产业集聚空间5个",
            "is_copy_after_prefix",
        ),
        ("相关设备使用者对设备情况满意度≥95%", "满意度≥95%", "completion_in_target"),
        ("社会满意度", "社会满意度≥95%", "target_in_completion"),
        ("社会满意度", "社会满意度≥95%", "completion_has_comparator"),
        ("≥95%", "95%以上", "completion_has_comparator"),
        ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标", "completion_na"),
        ("不适用", "/", "target_na"),
        ("≥3500人", "(≥**人)", "completion_template"),
        ("明显降低", "对照年度目标,说明相关任务目标的完成情况(100字以内)", "completion_template"),
        ("≥95%", "95%", "target_bare_value"),
        ("≥95%", "95%", "completion_bare_value"),
        ("吸引优秀人才聚集", "吸引了不少的人才", "completion_vague_amount"),
        ("11月前", "10月", "completion_has_date"),
        ("≥4500人", "完成免费孕前优生健康检查4712人", "completion_has_actual"),
    ],
)
def test_flag_set(target, completion, field):
    assert getattr(compare(target, completion), field) is True


@pytest.mark.parametrize(
    ("target", "completion", "field"),
    [
        ("提升龙岗区城区知名度", "提升了龙岗区城区知名度和影响力", "is_copy_after_prefix"),
        ("≥85%", "全区农村自来水普及率达到88%", "completion_has_comparator"),
        ("100%", "水质达标率100%", "completion_has_comparator"),
        ("≥90%", "满意", "completion_has_actual"),
        ("已完成", "已完成", "target_na"),
        ("3次", "3次", "completion_template"),
        ("设备购置数量≥7", "设备购置数量≥7", "target_bare_value"),
    ],
)
def test_flag_clear(target, completion, field):
    assert getattr(compare(target, completion), field) is False


def test_similarities():
    copy = compare("满意度≥95%", "满意度≥95%")
    other = compare("满意度≥95%", "已完成")
    assert copy.char_ratio == copy.token_ratio == 100
    assert other.char_ratio < 30 and other.token_ratio < 30
    assert compare("社会满意度", "社会满意度", indicator="社会满意度").indicator_ratio == 100
    assert compare("社会满意度", "社会满意度").indicator_ratio == 0


def test_traditional_pair_equals_simplified_twin():
    pairs = [
        ("服務對象滿意度≥90%", "滿意度達到95%以上", "服务对象满意度≥90%", "满意度达到95%以上"),
        (
            "免費孕前優生健康檢查人數≥4500人",
            "完成免費孕前優生健康檢查4712人",
            "免费孕前优生健康检查人数≥4500人",
            "完成免费孕前优生健康检查4712人",
        ),
        ("不適用", "不適用", "不适用", "不适用"),
        (
            "提高出生人口素質",
            "進一步提高出生人口素質",
            "提高出生人口素质",
            "进一步提高出生人口素质",
        ),
    ]
    for t_trad, c_trad, t_simp, c_simp in pairs:
        assert compare(t_trad, c_trad) == compare(t_simp, c_simp)


def _labelled() -> pd.DataFrame:
    frames = [
        pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
        for path in sorted((ROOT / "corpus" / "labels").glob("*.tsv"))
    ]
    return pd.concat(frames, ignore_index=True)[["indicator", "target", "completion"]]


def _same(left, right) -> bool:
    if isinstance(left, float) and math.isnan(left):
        return isinstance(right, float) and math.isnan(right)
    return left == right


def test_features_equal_compare_row_by_row():
    table = _labelled()
    table.index = table.index * 2 + 7  # features keeps the table's own index
    assert len(table) > 500
    result = features(table)
    assert list(result.columns) == list(FEATURES)
    assert list(result.index) == list(table.index)
    for (_, row), (_, got) in zip(table.iterrows(), result.iterrows(), strict=True):
        want = compare(row.target, row.completion, row.indicator)
        for name in FEATURES:
            assert _same(getattr(want, name), got[name]), (row.target, row.completion, name)
    assert set(result["verdict"]) <= set(VERDICTS)


def test_features_without_indicator_column_and_empty_table():
    table = pd.DataFrame({"target": ["≥95%", ""], "completion": ["97%", "不适用"]})
    result = features(table)
    assert list(result["verdict"]) == ["met", "no_target_number"]
    assert features(table.iloc[:0]).empty


def test_comparison_is_plain_record():
    result = compare("≥95%", "97%")
    assert isinstance(result, Comparison)
    with pytest.raises(AttributeError):
        result.verdict = "short"  # frozen


def test_explain_json():
    runner = CliRunner()
    out = runner.invoke(app, ["explain", "≥95%", "满意度为 97.2 ％", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    (target,) = data["target"]["quantities"]
    assert (target["comparator"], target["value"], target["family"]) == (">=", 95.0, "percent")
    assert data["completion"]["tokens"] == ["满意度", "为", "97.2%"]
    assert data["comparison"]["verdict"] == "met"
    (done,) = data["completion"]["quantities"]
    assert done["span"] == [3, 9] and done["original_span"] == [3, 11]


def test_explain_text_mentions_quantities():
    out = CliRunner().invoke(
        app, ["explain", "20-30家", "實際完成25家", "--indicator", "企业数量", "--details"]
    )
    assert out.exit_code == 0, out.output
    assert (
        "实际完成25家" in out.output
        and "family=count" in out.output
        and "verdict: met" in out.output
    )
