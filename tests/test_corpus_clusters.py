"""Boilerplate clusters and year-over-year carry-over on small tables and the real Songgang targets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp_eval.corpus.carryover import copied_forward, year_pairs
from nlp_eval.corpus.clusters import boilerplate_clusters, near_duplicate_groups
from nlp_eval.corpus.texts import key, texts
from nlp_eval.io import read_files
from nlp_eval.records import COLUMNS

SONGGANG = Path(__file__).resolve().parents[1] / "corpus" / "songgang_targets_2021_2023"


def tidy(rows: list[dict]) -> pd.DataFrame:
    """A tidy table from partial rows (missing text columns are "")."""
    frame = pd.DataFrame(rows)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame[list(COLUMNS)]


def test_near_duplicates_group_and_unrelated_texts_stay_apart():
    texts_ = [
        "通过文博会大型平台，推动龙岗区文化产业快速发展。",
        "通过文博会大型平台，推动龙岗区文化产业的快速发展",
        "通过文博会大型平台推动坪山区文化产业快速发展。",
        "组织区内30家文化企业参展云上文博会",
        "相关设备使用者对设备情况满意度较高",
    ]
    groups = near_duplicate_groups([key(t) for t in texts_])
    assert groups[0] == groups[1] == groups[2]
    assert len({groups[0], groups[3], groups[4]}) == 3


def test_exact_duplicates_collapse_before_lsh():
    completions = (
        ["已完成"] * 3000
        + ["已完成。"] * 50
        + [f"完成第{i}批设备采购{i * 7}台" for i in range(200)]
    )
    table = tidy(
        [
            {
                "doc": f"d{i % 40}",
                "project": f"p{i}",
                "unit": f"u{i % 7}",
                "year": 2020 + i % 3,
                "completion": text,
            }
            for i, text in enumerate(completions)
        ]
    )
    clusters = boilerplate_clusters(texts(table))
    top = clusters[clusters["cluster"] == 1]
    assert top["size"].iloc[0] == 3050
    assert top["representative"].iloc[0] == "已完成"
    assert top["kind"].iloc[0] == "short"
    assert (top["units"] == 7).all() and (top["years"] == 3).all()


def test_expected_shared_text_is_not_boilerplate():
    cells = ["不适用", "本项目不涉及经济效益指标", "100%", "≥95%", "……", "社会效益指标", "/"]
    # a value naming what it measures, or counting a noun, is still one value
    cells += [
        "群众满意度达到90%以上",
        "读者满意度≧90%",
        "验收合格率100%",
        "13个社区",
        "11月底前完成",
    ]
    table = tidy(
        [
            {"doc": f"d{i}", "project": f"p{i}", "target": t, "completion": t}
            for i in range(10)
            for t in cells
        ]
    )
    kinds = texts(table)["kind"]
    assert "text" not in set(kinds)
    assert boilerplate_clusters(texts(table)).empty


def test_an_indicator_name_written_as_text_is_template():
    # a wide table (no 三级指标) writes 服务对象满意度 as its target; a long table names it
    rows = [{"doc": "a", "project": "p", "indicator": "服务对象满意度", "target": "≥90%"}]
    rows += [{"doc": f"w{i}", "project": f"q{i}", "target": "服务对象满意度"} for i in range(4)]
    rows += [{"doc": f"w{i}", "project": f"q{i}", "target": "及时"} for i in range(4)]
    rows.append({"doc": "b", "project": "r", "indicator": "及时", "target": "3个工作日"})
    kinds = texts(tidy(rows)).set_index("text")["kind"]
    assert set(kinds[["服务对象满意度"]]) == {"template"}
    # a two-character grade stays text, though one table misnames an indicator 及时
    assert set(kinds[["及时"]]) == {"text"}


def test_template_grades_are_status_phrases_not_sentence_clusters():
    # the national template's three grades (lexicons/vague_status.txt), however long
    table = tidy(
        [
            {"doc": f"d{i}", "project": f"p{i}", "completion": text}
            for i in range(6)
            for text in ("部分达成预期指标并具有一定效果", "组织区内30家文化企业参展云上文博会")
        ]
    )
    heads = (
        boilerplate_clusters(texts(table)).drop_duplicates("cluster").set_index("representative")
    )
    assert heads.loc["部分达成预期指标并具有一定效果", "kind"] == "short"
    assert heads.loc["组织区内30家文化企业参展云上文博会", "kind"] == "text"


def test_text_repeated_inside_one_project_is_not_a_cluster():
    table = tidy(
        [
            {
                "doc": "d",
                "project": "p",
                "level2": lv,
                "completion": "提升城区知名度和影响力，丰富人民生活",
            }
            for lv in ("社会", "生态", "经济")
        ]
    )
    assert boilerplate_clusters(texts(table)).empty


@pytest.fixture(scope="module")
def songgang() -> pd.DataFrame:
    return texts(read_files([SONGGANG]).table)


def test_songgang_cluster_checked_by_hand(songgang):
    # grep 通过日常服务居民，使得居民问题得到及时解决 projects.tsv: 2023 projects of one unit
    clusters = boilerplate_clusters(songgang)
    hit = clusters[clusters["representative"] == "通过日常服务居民，使得居民问题得到及时解决。"]
    assert hit["size"].iloc[0] >= 5
    assert set(hit["project"]) >= {"440306231391500000173", "440306231390300900045"}
    assert "社区治理体系经费（江边社区工作站）" in set(hit["project_name"])  # projects.tsv:179
    assert set(hit["year"]) == {2023} and set(hit["unit"]) == {"深圳市宝安区松岗街道办事处（本级）"}
    assert set(hit["source"].str.split(":").str[0]) == {"projects.tsv"}
    # the bare grade 明显 fills 61 target cells (grep -P '\t明显\s*\t' indicators.tsv), plus
    # 明显\n written with the export's literal \n (grep -P '\t明显(\\n)+\t': 9 more)
    grade = clusters[clusters["representative"] == "明显"]
    assert grade["size"].iloc[0] >= 61 and grade["kind"].iloc[0] == "short"
    assert set(grade["text"].str.strip()) == {"明显"}  # the literal \n is a line break
    # 不适用 (793 cells) and bare values are expected text, never clusters
    assert not clusters["text"].str.contains("不适用").any()
    assert "100%" not in set(clusters["text"].str.strip())
    assert not clusters["text"].str.contains("月底前完成").any()  # a deadline is a value


def test_songgang_cluster_holds_all_ten_projects(songgang):
    clusters = boilerplate_clusters(songgang)
    hit = clusters[clusters["representative"] == "通过日常服务居民，使得居民问题得到及时解决。"]
    assert hit["size"].iloc[0] == 10  # projects.tsv lines 2, 3, 5, 7, … (440306231391500000169…)


def test_songgang_projects_pair_across_years_by_name(songgang):
    # codes change every year (digits 7-8), names do not: grep 宝安第一课常态化培训经费
    # projects.tsv: line 22 (2022, 440306221390300100088, goal 保障各社区的宝安第一课常态化培训)
    # and line 196 (2023, 440306231390300100075, “…” quotes in the name do not matter)
    pairs = year_pairs(songgang)
    course = pairs[pairs["project_to"] == "440306231390300100075"]
    assert len(course) == 1
    course = course.iloc[0]
    assert course["project"] == "“宝安第一课”常态化培训经费" and course["level1"] == "总体"
    assert (course["year_from"], course["year_to"]) == (2022, 2023)
    assert course["project_from"] in {"440306221390300100088", "440306221390300100055"}
    # the 2023 goal is a new paragraph: paired, not copied forward
    assert course["carried"] < 0.5
    assert copied_forward(pairs[pairs["project_to"] == course["project_to"]]).empty


def test_songgang_carryover_checked_by_hand(songgang):
    # 系列文化活动经费 and 群众体育活动经费（全区性）: the 2021 年度目标 reappears in 2022
    pairs = year_pairs(songgang)
    copied = copied_forward(pairs)
    goals = copied[copied["level1"] == "总体"].set_index("project")
    culture = goals.loc["系列文化活动经费"]
    assert (culture["year_from"], culture["year_to"]) == (2021, 2022)
    assert (culture["project_from"], culture["project_to"]) == (
        "440306210600300003833",
        "440306221390301000057",
    )
    assert culture["unchanged"]
    sport = goals.loc["群众体育活动经费（全区性）"]
    assert sport["unchanged"] and sport["carried"] == 1.0  # only a final 。 added in 2022
    # of the three 2022 projects of that name, only line 22's is of the same unit as 2023's
    # (cut -f1,3: both 深圳市宝安区松岗街道办事处（本级）; lines 26 and 51 are 党建服务中心)
    course = pairs[pairs["project_to"] == "440306231390300100075"].iloc[0]
    assert course["project_from"] == "440306221390300100088" and course["carried"] < 0.5
    # 离退休干部管理服务经费 rewrote its goal: paired, but not copied forward
    retired = pairs[(pairs["project"] == "离退休干部管理服务经费") & (pairs["level1"] == "总体")]
    assert len(retired) == 1 and retired["carried"].iloc[0] < 0.5
    assert "离退休干部管理服务经费" not in goals.index


def test_copy_forward_with_the_year_changed_counts_as_carried():
    rows = [
        {
            "unit": "文化中心",
            "project": "文博会",
            "year": 2021,
            "doc": "a",
            "completion": "2021年组织30家企业参展文博会主会场",
        },
        {
            "unit": "文化中心",
            "project": "文博会",
            "year": 2022,
            "doc": "b",
            "completion": "2022年组织30家企业参展文博会主会场",
        },
        {
            "unit": "文化中心",
            "project": "文博会",
            "year": 2024,
            "doc": "c",
            "completion": "2022年组织30家企业参展文博会主会场",
        },
    ]
    pairs = year_pairs(texts(tidy(rows)))
    assert len(pairs) == 1  # 2022 -> 2024 is not consecutive
    assert pairs["unchanged"].iloc[0] and pairs["year_to"].iloc[0] == 2022


def test_a_phrase_found_in_last_years_paragraph_is_not_a_copy_forward():
    paragraph = (
        "该项目经费按财务制度，经相关部门审核后，按时支出相关费用，服务得到群众好评，满意度提升明显"
    )
    rows = [
        {"unit": "街道", "project": "经费", "year": 2022, "doc": "a", "target": paragraph},
        {"unit": "街道", "project": "经费", "year": 2023, "doc": "b", "target": "得到提升"},
        {"unit": "街道", "project": "补贴", "year": 2022, "doc": "a", "target": paragraph},
        {"unit": "街道", "project": "补贴", "year": 2023, "doc": "b", "target": "按时支出相关费用"},
    ]
    pairs = year_pairs(texts(tidy(rows))).set_index("project")
    # 得, 到, 提, 升 occur in order in the paragraph, but scattered: nothing carried
    assert pairs.loc["经费", "carried"] == 0
    # a phrase of last year's paragraph: all of it carried, little of the paragraph kept
    assert pairs.loc["补贴", "carried"] == 1.0 and pairs.loc["补贴", "kept"] < 0.5
    assert copied_forward(pairs.reset_index()).empty
