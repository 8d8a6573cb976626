"""Real forms read faithfully (issue 9 §1): header wordings and column roles.

tests/fixtures/real9/ holds the twelve real_dev tables rendered back into published forms
(xlsx with merged 一级/二级 cells, and docx) with their real header wording and column order
by tests/fixture_makers/real_forms.py; expected_pairs.tsv is the collector's record of their
pairs. The other tests build small tables with the structural cases of real forms.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nlp_eval.io import read_files

REAL = Path(__file__).parent / "fixtures" / "real9"
PAIR_LEVELS = ("产出", "效益", "满意度", "")


def _expected() -> pd.DataFrame:
    return pd.read_csv(
        REAL / "expected_pairs.tsv", sep="\t", dtype=str, keep_default_na=False, quoting=3
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_real_forms_pairs_exact(suffix):
    expected = _expected()
    result = read_files(sorted(REAL.glob(f"*{suffix}")))
    got = result.table
    found = {
        (d, i, t, c)
        for d, i, t, c in got[["doc", "indicator", "target", "completion"]].itertuples(index=False)
    }
    exact = sum(tuple(row) in found for row in expected.itertuples(index=False))
    # 61 pairs in 12 real tables: every one read exactly (target, completion and indicator)
    assert exact / len(expected) == 1.0, f"{exact}/{len(expected)} pairs exact"
    # and no pair that is not in the table: indicator rows with both sides are the expected ones
    pairs = got[got["level1"].isin(PAIR_LEVELS) & got["target"].ne("") & got["completion"].ne("")]
    assert len(pairs) == len(expected)
    assert result.unplaced.empty and not result.problems


def test_real_forms_reason_and_blank_level1_are_read():
    t = read_files(sorted(REAL.glob("sichuan_suining-daying_minzhengju_guer*.xlsx"))).table
    rows = t[t["level1"].isin(("产出", "效益"))]
    # 一级 cells are blank in this table: the category comes from the 二级, with a note
    assert set(rows["level1"]) == {"产出", "效益"}
    assert rows["note"].str.contains("一级指标 blank").all()
    # the 未完成原因和改进措施 cell is the reason of its row, the others are blank
    assert (t["reason"] != "").sum() == 1
    assert t.loc[t["reason"] != "", "completion"].item() == "82%"


def _csv(tmp_path: Path, rows: list[list[str]], name: str = "t.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _pairs(path: Path) -> list[tuple[str, str, str]]:
    t = read_files([path]).table
    t = t[t["level1"].isin(("产出", "效益", "满意度"))]
    return list(zip(t["indicator"], t["target"], t["completion"], strict=True))


def test_kind_in_zhibiao_xingzhi_goes_to_note_comparator_joins(tmp_path):
    # Chongqing: 指标性质 holds 定量指标/定性指标; Sichuan: it holds ≥ / =
    path = _csv(
        tmp_path,
        [
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值"],
            ["产出指标", "数量指标", "培训人数", "定量指标", "200", "人", "210人"],
            ["效益指标", "社会效益指标", "服务水平", "定性指标", "明显提升", "", "明显提升"],
            ["满意度指标", "满意度指标", "群众满意度", "≥", "90", "%", "95%"],
        ],
    )
    assert _pairs(path) == [
        ("培训人数", "200人", "210人"),
        ("服务水平", "明显提升", "明显提升"),
        ("群众满意度", "≥90%", "95%"),
    ]
    notes = read_files([path]).table["note"]
    assert notes.str.contains("定量指标").any() and notes.str.contains("定性指标").any()


def test_unit_column_before_the_value(tmp_path):
    path = _csv(
        tmp_path,
        [
            ["一级指标", "二级指标", "三级指标", "计量单位", "指标值", "实际完成值"],
            ["产出指标", "质量指标", "验收合格率", "%", "90", "96%"],
            ["产出指标", "数量指标", "新建公厕", "座", "12", "12座"],
        ],
    )
    assert _pairs(path) == [("验收合格率", "90%", "96%"), ("新建公厕", "12座", "12座")]


def test_jixiao_mubiao_heads_the_target_column_in_an_indicator_header(tmp_path):
    path = _csv(
        tmp_path,
        [
            ["項目名稱", "鄉村道路養護"],
            ["一級指標", "二級指標", "三級指標", "績效目標", "實際完成值"],
            ["產出指標", "數量指標", "養護里程", "≥120公里", "126公里"],
        ],
    )
    t = read_files([path]).table
    assert _pairs(path) == [("養護里程", "≥120公里", "126公里")]
    assert "总体" not in set(t["level1"])


def test_two_row_header_under_a_merged_group_label(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "指标完成情况", "", "分值", "得分"])
    ws.append(["", "", "", "全年目标", "实际完成", "", ""])
    ws.append(["产出指标", "数量指标", "检测批次", "≥90批次", "95批次", "20", "20"])
    ws.append(["", "时效指标", "完成时间", "12月底前", "11月", "10", "10"])
    ws.merge_cells("D1:E1")
    for col in "ABCFG":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("A3:A4")
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    assert _pairs(path) == [("检测批次", "≥90批次", "95批次"), ("完成时间", "12月底前", "11月")]
    t = read_files([path]).table
    assert t["weight"].dropna().tolist() == [20.0, 10.0]


def test_weight_before_target_and_unknown_wordings_by_contents(tmp_path):
    # 权数 | 预定值 | 达到值: no listed wording; small integers summing to 100 are the weights,
    # the next value column the target, the one after it the completion
    path = _csv(
        tmp_path,
        [
            ["一级指标", "二级指标", "三级指标", "权数", "预定值", "达到值"],
            ["产出指标", "数量指标", "发放人数", "40", "≥500人", "512人"],
            ["产出指标", "时效指标", "发放时间", "30", "每月10日前", "每月8日"],
            ["满意度指标", "满意度指标", "满意度", "30", "≥90%", "93%"],
        ],
    )
    result = read_files([path])
    t = result.table
    assert _pairs(path) == [
        ("发放人数", "≥500人", "512人"),
        ("发放时间", "每月10日前", "每月8日"),
        ("满意度", "≥90%", "93%"),
    ]
    assert t["weight"].tolist() == [40.0, 30.0, 30.0]
    assert (t["confidence"] < 1).all()
    assert t["note"].str.contains("from its contents").all()


def test_unlisted_name_header_never_makes_goal_pairs(tmp_path):
    path = _csv(
        tmp_path,
        [
            ["考核内容", "年度目标", "实际完成"],
            ["培训人次", "≥300人次", "320人次"],
            ["培训合格率", "≥95%", "97%"],
        ],
    )
    t = read_files([path]).table
    assert "总体" not in set(t["level1"])
    assert list(zip(t["indicator"], t["target"], t["completion"], strict=True)) == [
        ("培训人次", "≥300人次", "320人次"),
        ("培训合格率", "≥95%", "97%"),
    ]
