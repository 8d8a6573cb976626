"""Files and folders as auditors keep them, and what the reader knows reaches the reports (issue 9).

Documents are named by their path in the folder given; tidy tables inside a folder are
skipped and counted; unit holds the unit's name only; region is completed from
lexicons/regions.tsv; ReadResult.reader_problems() reaches lint and score.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.io import READER_PROBLEM_COLUMNS, read_files
from nlp_eval.io.rows import region_of

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv"


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _form(project: str, target: str, completion: str) -> list[list[str]]:
    return [
        ["项目名称", project],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "数量指标", "培训人次", target, completion],
    ]


def test_same_named_files_in_two_folders_are_two_documents(tmp_path):
    _csv(tmp_path / "2020" / "自评表.csv", _form("培训项目", "≥100人次", "120人次"))
    _csv(tmp_path / "2021" / "自评表.csv", _form("培训项目", "≥150人次", "90人次"))
    t = read_files([tmp_path]).table
    pairs = t[t["level1"] == "产出"]
    assert sorted(pairs["doc"]) == ["2020/自评表", "2021/自评表"]
    assert sorted(pairs["source"].str.split(":").str[0]) == ["2020/自评表.csv", "2021/自评表.csv"]
    # the two projects share a name but not a document: scored apart
    assert pairs[["doc", "project"]].drop_duplicates().shape[0] == 2


def test_same_stem_two_suffixes_keep_the_suffix_in_doc(tmp_path):
    _csv(tmp_path / "表.csv", _form("甲", "1个", "1个"))
    (tmp_path / "表.tsv").write_text(
        "\n".join("\t".join(r) for r in _form("乙", "2个", "2个")), encoding="utf-8"
    )
    t = read_files([tmp_path]).table
    assert set(t["doc"]) == {"表.csv", "表.tsv"}


def test_tidy_tables_in_a_folder_are_skipped_and_counted(tmp_path):
    _csv(tmp_path / "form.csv", _form("培训项目", "≥100人次", "120人次"))
    tidy = _csv(
        tmp_path / "labels.csv", [["target", "completion", "label"], ["≥1", "1", "specific"]]
    )
    result = read_files([tmp_path])
    assert result.skipped == [str(tidy)]
    assert set(result.table["doc"]) == {"form"}
    assert "1 tidy files skipped" in result.summary()
    problems = result.reader_problems()
    assert problems.loc[problems["kind"] == "skipped", "doc"].tolist() == ["labels"]
    # asked for: with tidy=True, or named on the command line
    assert set(read_files([tmp_path], tidy=True).table["doc"]) == {"form", "labels"}
    assert set(read_files([tidy]).table["doc"]) == {"labels"}


def test_score_corpus_scores_each_published_table_once(tmp_path):
    import shutil

    from nlp_eval.score import run

    # corpus/ as shipped, less the 3,000 declaration rows of Songgang (no completions to score)
    for part in ("tables", "labels"):
        shutil.copytree(ROOT / "corpus" / part, tmp_path / part)
    scores = run([tmp_path])
    docs = set(scores.projects["doc"])
    assert not any(d.startswith("labels/") for d in docs)
    # the seed is in corpus/tables and (as labelled pairs) in corpus/labels: scored once
    seed = scores.projects[scores.projects["doc"] == "tables/longgang_culture_2020"]
    assert len(seed) == 7 and seed["project"].is_unique
    skipped = scores.reader_problems[scores.reader_problems["kind"] == "skipped"]
    assert len(skipped) == len(list((ROOT / "corpus" / "labels").glob("*.tsv")))


def test_reader_problems_reach_lint_text_json_and_score_csv(tmp_path):
    path = _csv(
        tmp_path / "guess.csv",
        [
            ["项目名称", "补贴发放"],
            ["一级指标", "二级指标", "三级指标", "权数", "预定值", "达到值"],
            ["产出指标", "数量指标", "发放人数", "60", "≥500人", "512人", "多出的格"],
            ["满意度指标", "满意度指标", "满意度", "40", "≥90%", "93%"],
        ],
    )
    result = read_files([path])
    problems = result.reader_problems()
    assert tuple(problems.columns) == READER_PROBLEM_COLUMNS
    assert set(problems["kind"]) == {"inferred", "unplaced"}
    assert (problems["doc"] == "guess").all()
    runner = CliRunner()
    zh = runner.invoke(app, ["lint", str(path), "--fail-on", "error"]).output
    assert "读表问题" in zh and "按内容读作目标值" in zh and "未放置" in zh
    en = runner.invoke(app, ["lint", str(path), "--lang", "en"]).output
    assert "read as target from its contents" in en
    data = json.loads(runner.invoke(app, ["lint", str(path), "--format", "json"]).stdout)
    assert {p["kind"] for p in data["reader_problems"]} == {"inferred", "unplaced"}
    # lint's csv gives the reader's notes in the lint language
    csv_zh = runner.invoke(app, ["lint", str(path), "--format", "csv"]).stdout
    assert "按内容读作" in csv_zh and "from its contents" not in csv_zh
    out = runner.invoke(app, ["score", str(path), "--format", "csv"]).stdout
    rows = list(csv.DictReader(out.splitlines()))
    assert rows[0]["reader_problems"] == "inferred 3, unplaced 1"


def test_realigned_note_in_chinese_under_lang_zh():
    from nlp_eval.score import run

    scores = run([SEED], lang="zh")
    realigned = scores.reader_problems[scores.reader_problems["kind"] == "realigned"]
    assert len(realigned) == 2
    assert realigned["detail"].str.startswith("按内容重新对齐").all()
    assert scores.pairs["note"].str.contains("按内容重新对齐").any()
    assert not scores.pairs["note"].str.contains("re-aligned").any()


def test_unit_cell_keeps_the_name_only_the_rest_is_a_note(tmp_path):
    path = _csv(
        tmp_path / "u.csv",
        [
            ["项目名称", "道路养护"],
            ["实施单位", "某县交通运输局  负责人：张三 联系电话：0731-1234567"],
            ["项目类型", "1、常年性项目 ☑"],
            *_form("道路养护", "≥10公里", "12公里")[1:],
        ],
    )
    t = read_files([path]).table
    assert set(t["unit"]) == {"某县交通运输局"}
    assert t["completion"].str.contains("负责人：张三").any()  # nothing lost


UNITS = {
    "corpus/tables": {
        "北京市丰台区园林绿化局",
        "成都市郫都区文化广电体育和旅游局",
        "深圳市龙岗区文化产业促进中心",
        "湘潭县水利局",
        "通山县",
        "通山县交通运输局",
        "通山县卫生健康局",
        "通山县教育局",
        "阜南县乡村振兴局",
    },
    "tests/fixtures/real9": {
        "",
        "中共宁德市委党史和地方志研究室",
        "临河区退役军人事务局",
        "乐亭县市场监督管理局",
        "原州区农技中心",
        "大英县民政局",
        "天长市水利局",
        "稷山县",
        "稷山县医疗保险服务中心",
        "镜湖区残联",
    },
}


@pytest.mark.parametrize("folder", sorted(UNITS))
def test_unit_names_are_clean_on_bundled_tables(folder):
    t = read_files([ROOT / folder]).table
    assert set(t["unit"]) == UNITS[folder]


@pytest.mark.parametrize(
    ("unit", "region"),
    [
        ("深圳市龙岗区文化产业促进中心", "广东省深圳市龙岗区"),
        ("天长市水利局", "安徽省滁州市天长市"),
        ("乐亭县市场监督管理局", "河北省唐山市乐亭县"),
        ("中共宁德市委党史和地方志研究室", "福建省宁德市"),
        ("四川省大英县民政局", "四川省遂宁市大英县"),
        ("深圳市市场监督管理局", "广东省深圳市"),
        ("北京市朝阳区园林绿化局", "北京市朝阳区"),
        ("某区城市更新中心", "某区"),
    ],
)
def test_region_from_the_unit_name(unit, region):
    assert region_of(unit) == region
