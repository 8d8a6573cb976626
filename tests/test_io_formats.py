"""Every format and layout family: exact pairs against the data the fixture was written from.

The fixtures in tests/fixtures/io/ are built by tests/fixture_makers/make_fixtures.py with openpyxl,
python-docx, xlwt, the csv module and plain HTML; expected/<fixture>.tsv lists the pairs that
went into each of them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp_eval.io import read, read_files

FIX = Path(__file__).parent / "fixtures" / "io"
EXPECTED = sorted((FIX / "expected").glob("*.tsv"))
KEY = ["project", "level1", "level2", "indicator", "target", "completion"]
INDICATOR_LEVELS = ("产出", "效益", "满意度")


def pairs_of(table: pd.DataFrame) -> list[tuple]:
    rows = table[table["level1"].isin(INDICATOR_LEVELS)]
    return list(rows[KEY].itertuples(index=False, name=None))


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name[:-4])
def test_pairs_are_exact_and_in_order(expected):
    source = FIX / expected.name[: -len(".tsv")]
    result = read_files([source])
    assert result.problems == []
    want = list(
        pd.read_csv(expected, sep="\t", dtype=str, keep_default_na=False).itertuples(
            index=False, name=None
        )
    )
    assert pairs_of(result.table) == want
    assert result.unplaced.empty


def test_national_template_blocks_sheets_budget_goal_and_score():
    t = read(FIX / "national_2021_tongshan.xlsx")
    assert list(t.loc[t["project"] != "", "project"].unique()) == [
        "学前教育生均公用经费补助",
        "农村公路养护工程",
        "基本公共卫生服务项目",
    ]
    road = t[t["project"] == "农村公路养护工程"]
    assert set(road["unit"]) == {"通山县交通运输局"} and set(road["year"]) == {2021}
    budget = road[(road["level1"] == "预算") & (road["indicator"] == "年度资金总额")]
    assert dict(zip(budget["level2"], budget["value"], strict=True)) == {
        "预算数": 860,
        "调整后预算数": 910,
        "执行数": 885.4,
        "执行率": 97.3,
    }
    assert set(budget.loc[budget["level2"] != "执行率", "money_unit"]) == {"万元"}
    rate = budget[budget["level2"] == "执行率"].iloc[0]
    assert (rate["weight"], rate["points"]) == (10, 9.9)
    goal = road[road["level1"] == "总体"].iloc[0]
    assert goal["target"].startswith("完成县乡道及村道日常养护1260公里") and goal[
        "completion"
    ].startswith("完成日常养护1260公里")
    score = road[road["level1"] == "评价"].iloc[0]
    assert (score["level2"], score["weight"], score["points"], score["completion"]) == (
        "总分",
        100,
        90,
        "优",
    )
    assert list(road.loc[road["level1"].isin(["问题", "整改"]), "completion"]) == [
        "危桥改造受汛期影响进度滞后。",
        "提前谋划项目,避开汛期施工。",
    ]
    bridge = road[road["indicator"] == "危桥改造数量"].iloc[0]
    assert (bridge["weight"], bridge["points"]) == (10, 7)
    assert bridge["reason"] == "1座危桥因汛期停工,已于2022年3月完工"
    assert bridge["source"] == "national_2021_tongshan.xlsx:交通卫健:12:6"
    assert bridge["target_source"] == "national_2021_tongshan.xlsx:交通卫健:12:5"


def test_sichuan_three_target_columns_are_joined_as_written():
    t = read(FIX / "sichuan_2023_pidu.docx")
    row = t[t["indicator"] == "送戏下乡场次"].iloc[0]
    assert row["target"] == "≥60场"
    assert "指标性质/指标值/度量单位" in row["note"]
    assert row["target_source"] == "sichuan_2023_pidu.docx:table1:10:5"  # the 指标值 cell
    assert set(t.loc[t["project"] != "", "year"]) == {2023}
    assert set(t["unit"]) == {"成都市郫都区文化广电体育和旅游局"}
    assert (
        t.loc[t["level1"] == "问题", "completion"].iloc[0]
        == "对照年度目标,说明存在的问题(100字以内)"
    )
    assert t.loc[t["level1"] == "说明", "completion"].iloc[-1].startswith("注:本表")


def test_hubei_gbk_csv_two_blocks():
    t = read(FIX / "hubei_2021_tongshan_gbk.csv")
    assert list(t.loc[t["project"] != "", "project"].unique()) == [
        "学前教育生均公用经费补助",
        "农村公路养护工程",
    ]
    rate = t[(t["project"] == "农村公路养护工程") & (t["level2"] == "执行率")].iloc[0]
    assert (rate["value"], rate["weight"], rate["points"]) == (97.3, 20, 19.5)
    assert set(t.loc[t["level1"] == "预算", "money_unit"]) <= {"万元", ""}


def test_traditional_headers_are_recognised_text_kept_as_written():
    t = read(FIX / "mirror_2021_tongshan_trad.xlsx")
    sat = t[t["level2"] == "满意度"].iloc[0]
    assert sat["level1"] == "满意度" and sat["indicator"] == "居民滿意度"
    assert set(t.loc[t["level1"] == "产出", "level2"]) == {"数量", "质量", "时效"}


def test_wide_xlsx_with_merged_headers_and_unit_merged_down_the_block():
    t = read(FIX / "wide_2021_haizhu.xlsx")
    named = t[t["project"] != ""]
    assert named["project"].nunique() == 3
    assert set(named["unit"]) == {"广州市海珠区科技工业商务和信息化局"}
    assert (t["confidence"] == 1).all()
    budget = t[(t["project"] == "科技企业孵化器补贴") & (t["level1"] == "预算")]
    assert list(budget["value"]) == [400, 392.5, 392.5, 98.13]


def test_declaration_targets_only_one_sheet_per_project():
    t = read(FIX / "declaration_2023_xinqiao.xlsx")
    pairs = t[t["level1"].isin(INDICATOR_LEVELS)]
    assert (pairs["completion"] == "").all()
    assert pairs["note"].str.startswith("指标解释: ").all()
    assert t.loc[t["project"] != "", "project"].nunique() == 2


def test_xls_merged_cells_and_numbers():
    t = read(FIX / "poverty_2021_funan.xls")
    budget = t[t["level1"] == "预算"]
    assert dict(zip(budget["level2"], budget["completion"], strict=True)) == {
        "调整后预算数": "2680",
        "执行数": "2650.3",
        "执行率": "98.89%",
    }
    star = t[t["indicator"] == "★新建蔬菜大棚"].iloc[0]
    assert star["level1"] == "产出" and star["level2"] == "数量"


def test_yunnan_money_in_yuan_and_odd_operators():
    t = read(FIX / "yunnan_2021_qilin.xlsx")
    assert set(t.loc[(t["level1"] == "预算") & (t["level2"] != "执行率"), "money_unit"]) == {"元"}
    assert t.loc[t["indicator"] == "无害化处理率", "target"].iloc[0] == "﹦100%"
    assert t.loc[t["level1"] == "评价", "completion"].iloc[0] == "优"


def test_tidy_file_is_read_as_is():
    result = read_files([FIX / "tidy_pairs_2022.csv"])
    t = result.table
    assert list(t["completion"]) == ["3356人", "按时发放", "≥90%"]
    assert list(t["year"]) == [2022, 2022, 2022]
    assert t["weight"].iloc[0] == 10 and pd.isna(t["weight"].iloc[2])
    assert (t["confidence"] == 1).all() and (t["region"] == "").all()
    # its label column is kept, renamed so lint's own label never overwrites it
    assert list(t.columns)[-1] == "input_label" and result.unplaced.empty
    assert (t["input_label"] != "").all()


def test_text_columns_are_strings_never_nan():
    t = read_files(
        sorted(p for p in FIX.iterdir() if p.is_file() and not p.name.startswith("bad_"))
    ).table
    for col in (
        "doc",
        "unit",
        "project",
        "level1",
        "level2",
        "indicator",
        "target",
        "completion",
        "note",
        "source",
    ):
        assert not t[col].isna().any()
    assert str(t["year"].dtype) == "Int64"


def test_bundled_corpus_reads_without_errors():
    corpus = Path(__file__).parent.parent / "corpus"
    result = read_files([corpus])
    assert result.problems == []
    t = result.table
    # documents are named by their path in the folder given; the labelled pairs in
    # corpus/labels are tidy tables, skipped in a folder (issue 9)
    assert sorted(Path(p).name for p in result.skipped) == sorted(
        p.name for p in (corpus / "labels").glob("*.tsv")
    )
    assert not t["doc"].str.startswith("labels/").any()
    decl = t[t["doc"] == "songgang_targets_2021_2023/indicators"]
    assert len(decl) == 3024 and (decl["completion"] == "").all()
    assert set(decl["year"]) == {2021, 2022, 2023}
    assert decl["project"].str.fullmatch(r"\d{21}").all()
    projects = t[t["doc"] == "songgang_targets_2021_2023/projects"]
    goals = projects[projects["level1"] == "总体"]
    assert goals["project"].is_unique and goals["project"].isin(set(decl["project"])).mean() > 0.9
    assert (decl["unit"] != "").mean() > 0.75  # joined from projects.tsv by 项目编码


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_tidy_extra_columns_kept_in_input_order_after_the_columns(tmp_path):
    path = _write_csv(
        tmp_path / "mine.csv",
        [
            ["批次", "Target", "completion", "label", "note", "codes", "审核人", "审核人", ""],
            ["A1", "≥60场", "64场", "specific", "复核过", "V001", "张", "李", ""],
            ["A2", "按时", "", "missing", "", "", "", "王", "孤"],
        ],
    )
    result = read_files([path])
    t = result.table
    from nlp_eval.records import COLUMNS

    extras = ["批次", "input_label", "input_codes", "审核人", "审核人_2"]
    assert list(t.columns) == [*COLUMNS, *extras]
    assert list(t["target"]) == ["≥60场", "按时"] and list(t["note"]) == ["复核过", ""]
    assert list(t["input_label"]) == ["specific", "missing"]
    assert list(t["审核人_2"]) == ["李", "王"] and list(t["审核人"]) == ["张", ""]
    # a cell beyond the header is the only one left over
    assert list(zip(result.unplaced["text"], result.unplaced["reason"], strict=True)) == [
        ("孤", "no header")
    ]


def test_tidy_files_with_different_extra_columns_concatenate(tmp_path):
    a = _write_csv(
        tmp_path / "a.csv", [["target", "completion", "label"], ["10期", "10期", "copy"]]
    )
    b = _write_csv(tmp_path / "b.csv", [["target", "completion", "来源"], ["5处", "6处", "年报"]])
    c = tmp_path / "c.tsv"
    c.write_text("indicator\ttarget\tcompletion\n期数\t3期\t3期\n", encoding="utf-8")
    t = read_files([a, b, c]).table
    assert list(t.columns)[-2:] == ["input_label", "来源"]
    assert list(t["input_label"]) == ["copy", "", ""] and list(t["来源"]) == ["", "年报", ""]
    assert not t[["input_label", "来源"]].isna().any().any()


def test_lint_keeps_the_input_label_beside_its_own(tmp_path):
    from nlp_eval.io.tidy import RESERVED
    from nlp_eval.lint import LINT_COLUMNS, lint

    assert set(LINT_COLUMNS) <= set(RESERVED)
    path = _write_csv(
        tmp_path / "gold.csv",
        [
            ["indicator", "target", "completion", "label", "label_score"],
            ["学员满意度", "≥90%", "", "missing", "0.5"],
        ],
    )
    out = lint(read_files([path]).table).table
    assert out["input_label"].iloc[0] == "missing" and out["input_label_score"].iloc[0] == "0.5"
    assert out["label"].iloc[0] in ("missing", "vague", "na", "specific", "copy", "restate")
    assert list(out.columns).count("label") == 1


def test_tsv_cell_opening_with_a_quote_does_not_swallow_later_rows(tmp_path):
    # a plain TSV (no CSV quoting) whose cell starts with a quotation mark: a lenient csv
    # reader would merge every tab and line up to the next " into that one cell
    rows = [
        ["项目名称", "三级指标", "指标值", "实际完成值"],
        ["培训经费", '"宝安第一课"培训场次', "≥12场", "14场"],
        ["培训经费", "培训人次", "≥500人次", '620人次,另开展"线上课"3期'],
        ["培训经费", "满意度", "≥90%", "93%"],
    ]
    path = tmp_path / "quoted.tsv"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    table = read(path)
    pairs = table[table["level1"] != "总体"][["indicator", "target", "completion"]]
    assert pairs.values.tolist() == [[r[1], r[2], r[3]] for r in rows[1:]]
