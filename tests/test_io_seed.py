"""The seed table (wide layout, shifted merged headers, rows 3 and 5 one cell too long)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlp_eval.io import read_files

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
PAIRS = ("数量", "质量", "时效", "经济", "社会", "生态", "满意度")


@pytest.fixture(scope="module")
def seed():
    return read_files([SEED])


@pytest.fixture(scope="module")
def raw_rows():
    with SEED.open(encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter="\t"))


def test_seven_projects_with_unit_year_region(seed):
    t = seed.table
    projects = t.loc[t["project"] != "", "project"].unique()
    assert len(projects) == 7
    named = t[t["project"] != ""]
    assert set(named["unit"]) == {"深圳市龙岗区文化产业促进中心"}
    assert set(named["year"]) == {2020}
    assert set(named["region"]) == {"广东省深圳市龙岗区"}  # province from lexicons/regions.tsv
    assert seed.problems == []


def test_budget_figures_are_numbers_in_wan_yuan(seed):
    t = seed.table
    budget = t[(t["level1"] == "预算") & (t["project"] == "其他一般管理事务")]
    by_figure = dict(zip(budget["level2"], budget["value"], strict=True))
    assert by_figure["预算数"] == pytest.approx(76.70)
    assert by_figure["执行数"] == pytest.approx(76.12)
    assert by_figure["执行率"] == pytest.approx(99)
    assert set(budget.loc[budget["level2"] == "预算数", "money_unit"]) == {"万元"}
    assert set(budget.loc[budget["level2"] == "执行率", "completion"]) == {"99%"}


@pytest.mark.parametrize("data_row", [1, 4, 6])
def test_indicator_pairs_of_regular_rows_are_exact(seed, raw_rows, data_row):
    raw = raw_rows[9 + data_row - 1]
    t = seed.table
    project = raw[2]
    pairs = t[(t["project"] == project) & t["level1"].isin(["产出", "效益", "满意度"])]
    assert list(pairs["level2"]) == list(PAIRS)
    # the data rows hold target|completion pairs in columns 10..23 (1-based)
    expected = [(raw[9 + 2 * i].strip(), raw[10 + 2 * i].strip()) for i in range(7)]
    assert list(zip(pairs["target"], pairs["completion"], strict=True)) == expected
    assert (pairs["confidence"] == 1.0).all()
    row_number = 9 + data_row
    assert pairs["source"].iloc[0] == f"{SEED.name}::{row_number}:11"
    assert pairs["target_source"].iloc[0] == f"{SEED.name}::{row_number}:10"
    goal = t[(t["project"] == project) & (t["level1"] == "总体")]
    assert list(goal["target"]) == [raw[7].strip()] and list(goal["completion"]) == [raw[8].strip()]
    tail = t[(t["project"] == project) & t["level1"].isin(["问题", "整改"])]
    assert list(tail["level1"]) == ["问题", "整改"]


@pytest.mark.parametrize("data_row", [3, 5])
def test_long_rows_are_realigned_and_say_so(seed, raw_rows, data_row):
    raw = raw_rows[9 + data_row - 1]
    t = seed.table
    rows = t[t["project"] == raw[2]]
    assert (rows["confidence"] < 1).all()
    assert rows["note"].str.contains("re-aligned").all()
    # the fixed tail and the satisfaction pair are found by content, one column further right
    sat = rows[rows["level2"] == "满意度"].iloc[0]
    assert sat["completion"] == raw[23].strip() and sat["target"] == raw[22].strip()
    assert list(rows.loc[rows["level1"].isin(["问题", "整改"]), "completion"]) == ["无", "无"]
    eco = rows[rows["level2"] == "经济"].iloc[0]
    assert eco["target"] == raw[15].strip()
    # the cell left over is reported, with its position
    extra = seed.unplaced[seed.unplaced["row"] == 9 + data_row]
    assert len(extra) == 1 and "extra cell" in extra["reason"].iloc[0]


def test_other_rows_are_not_realigned(seed):
    t = seed.table
    realigned = t.loc[t["confidence"] < 1, "project"].unique()
    assert sorted(realigned) == sorted(["大芬双年展", "文化产业管理"])


def test_note_below_the_table_is_kept(seed, raw_rows):
    t = seed.table
    notes = t[t["level1"] == "说明"]
    assert list(notes["completion"]) == [raw_rows[17][0].strip()]


def test_summary_line(seed):
    line = seed.summary()
    assert line.startswith("1 files, 7 projects, ")
    assert "2 unplaced cells, 2 re-aligned rows" in line
