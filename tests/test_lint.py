"""lint(): labels by domain.md §2, findings with place and fix, the CLI contract."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.lint import Linted, lint
from nlp_eval.records import COLUMNS
from nlp_eval.rules import example_table, load_rules

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
CORPUS = Path(__file__).parent.parent / "corpus"
# An empty quote or bracket, a field or optional segment left unrendered, a category name
# quoted as if it were an indicator name (写出“社会”可核验的…).
UNRENDERED = re.compile(
    r"“\s*”|\"\"|‘\s*’|（\s*）|\(\s*\)|[{}]|\[\[|\]\]|指标指标"
    r"|“(?:数量|质量|时效|成本|社会|经济|生态|满意度|可持续|产出|效益|总体)”"
)


def _table(rows: list[dict]) -> pd.DataFrame:
    return example_table({"rows": rows})


@pytest.fixture(scope="module")
def seed_lint():
    from nlp_eval.io import read_files

    table = read_files([SEED]).table
    return table, lint(table)


def _row(table: pd.DataFrame, target: str, completion: str) -> int:
    hit = table.index[(table["target"] == target) & (table["completion"] == completion)]
    assert len(hit), (target, completion)
    return int(hit[0])


@pytest.mark.parametrize(
    ("target", "completion", "label"),
    [
        ("设备购置数量≥7", "设备购置数量≥7", "copy"),
        ("相关设备使用者对设备情况满意度≥95%", "满意度≥95%", "restate"),
        ("按采购需求逐月完成采购项目。", "已按时完成", "vague"),
        ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标", "na"),
        ("组织媒体宣传的数量3次", "3次", "specific"),
        ("人才受理的数量35人", "35人", "specific"),
        ("社会大众对举办活动情况的满意度", "社会满意度", "vague"),
        ("满意度调查不低于90%", "对部分人才进行了回访,均表示满意。", "vague"),
        (
            "进一步提升龙岗区城区知名度和影响力,丰富龙岗区人民生活。",
            "进一步提升龙岗区城区知名度和影响力,丰富龙岗区人民生活。",
            "copy",
        ),
        ("三季度支付2019年受理的项目", "已完成", "vague"),
    ],
)
def test_seed_pairs_get_the_domain_labels(seed_lint, target, completion, label):
    table, linted = seed_lint
    assert linted.table.at[_row(table, target, completion), "label"] == label


def test_seed_duplicates_and_misplaced_text_are_found(seed_lint):
    table, linted = seed_lint
    codes = {f.code for f in linted.findings}
    assert {"D001", "D002", "C001", "R001", "V001", "X001"} <= codes
    dup = [f for f in linted.findings if f.code == "D001"]
    assert {table.at[f.row, "project"] for f in dup} >= {"大芬双年展", "区人才发展专项"}


def test_output_table_keeps_input_order_and_adds_columns(seed_lint):
    table, linted = seed_lint
    out = linted.table
    assert list(out.columns[: len(table.columns)]) == list(table.columns)
    assert list(out.columns[-3:]) == ["label", "label_score", "codes"]
    assert out["target"].tolist() == table["target"].tolist()
    for f in linted.findings:
        assert f.code in out.at[f.row, "codes"].split()


@pytest.mark.parametrize(
    ("target", "completion"),
    [
        ("该项目无经济效益", "该项目无经济效益"),  # na wins over copy (na > missing > copy…)
        ("该项目无生态效益", "无"),
        ("本单位不产生社会效益", "本单位不产生社会效益"),
        ("本项目无可持续影响指标", "/"),
    ],
)
def test_declared_not_applicable_on_both_sides_is_na_before_copy(target, completion):
    out = lint(_table([{"target": target, "completion": completion}]))
    assert out.table.at[0, "label"] == "na"
    assert "X001" in out.table.at[0, "codes"] and "C00" not in out.table.at[0, "codes"]


def test_an_answer_starting_with_wu_is_not_a_declaration():
    out = lint(
        _table([{"indicator": "安全事故", "target": "无安全事故", "completion": "无安全事故"}])
    )
    assert out.table.at[0, "label"] != "na"


@pytest.mark.parametrize(
    "completion",
    [
        "根据实际完成情况填写",
        "说明：实际完成值应与年度指标值口径一致",
        "指标值应与年初设定的绩效目标一致",
        "根据满意度调查结果填写",
        "按实际完成情况填报。",
    ],
)
def test_instruction_text_left_in_is_missing(completion):
    out = lint(_table([{"indicator": "群众满意度", "target": "≥90%", "completion": completion}]))
    assert out.table.at[0, "label"] == "missing"
    assert out.table.at[0, "label_score"] == 1.0


def test_a_result_that_mentions_its_method_is_not_instruction_text():
    rows = [
        {"target": "≥90%", "completion": "根据问卷调查，满意率93.5%"},
        {"target": "≥90%", "completion": "满意度96%，统计口径与年度指标一致"},
    ]
    assert "missing" not in lint(_table(rows)).table["label"].tolist()


@pytest.mark.parametrize(
    "completion",
    ["<script>alert(1)</script>", '=HYPERLINK("http://example.com","查看")', "=SUM(B2:B9)"],
)
def test_markup_or_formula_is_missing_and_nothing_else(completion):
    out = lint(_table([{"indicator": "验收合格率", "target": "≥90%", "completion": completion}]))
    assert out.table.at[0, "label"] == "missing"
    codes = set(out.table.at[0, "codes"].split())
    assert "E005" in codes and not codes & {"E001", "N001", "N005", "V006", "R002"}


def test_yes_answers_only_a_yes_no_target():
    rows = [
        {"indicator": "患者满意度", "target": "≥90%", "completion": "是"},
        {"indicator": "是否建立联防联控机制", "target": "是", "completion": "是"},
        {"indicator": "是否按期完工", "target": "100%", "completion": "是"},
    ]
    out = lint(_table(rows)).table
    assert out["label"].tolist() == ["vague", "specific", "specific"]
    assert "V006" in out.at[0, "codes"]


@pytest.mark.parametrize(
    ("target", "completion", "label"),
    [
        ("方便群众出行", "方便群众出行", "copy"),
        ("按季度拨付", "按季度拨付到位", "copy"),
        ("保障安全畅通", "保障了安全畅通", "copy"),
        ("按时完成", "按时完成", "vague"),  # a status word: judged on the completion alone
        ("有效", "有效", "vague"),  # a grade
        ("全年持续开展", "全年持续开展", "vague"),  # manner words, no content
    ],
)
def test_short_content_phrases_repeated_are_copy_grades_are_not(target, completion, label):
    assert (
        lint(_table([{"target": target, "completion": completion}])).table.at[0, "label"] == label
    )


def test_sure_rules_win_over_the_model():
    table = _table(
        [{"target": "≥95%", "completion": "≥95%"}, {"target": "2个", "completion": "已完成"}]
    )
    out = lint(table).table
    assert out["label"].tolist() == ["restate", "vague"]
    assert out["label_score"].tolist() == [1.0, 1.0]


def test_rules_only_falls_back_to_specific():
    out = lint(_table([{"target": "≥100人", "completion": "培训126人"}]), model=False).table
    assert out.at[0, "label"] == "specific"


def test_english_messages():
    linted = lint(_table([{"target": "≥95%", "completion": "≥95%"}]), lang="en", select=["R"])
    (finding,) = linted.findings
    assert finding.message == "Only the threshold “≥95%” is given, not the achieved value"
    assert finding.suggestion.startswith("Give the actual value")


def test_select_ignore_change_findings_not_labels():
    table = _table([{"target": "≥95%", "completion": "≥95%"}])
    only_t = lint(table, select=["X"])
    assert not only_t.findings and only_t.table.at[0, "label"] == "restate"
    assert {f.code[0] for f in lint(table, ignore=["R"]).findings} <= {"T"}
    assert not lint(table, ignore=["R", "T"]).findings


def test_suppression_file_silences_an_accepted_finding(tmp_path):
    table = _table([
        {"project": "甲", "indicator": "满意度", "target": "≥95%", "completion": "≥95%"},
        {"project": "乙", "indicator": "满意度", "target": "≥95%", "completion": "≥95%"},
    ])  # fmt: skip
    sup = tmp_path / "accepted.csv"
    sup.write_text("project,indicator,code,reason\n甲,满意度,R,调查报告另附\n", encoding="utf-8")
    linted = lint(table, suppressions=sup)
    assert {f.row for f in linted.findings if f.code.startswith("R")} == {1}
    assert "R00" not in linted.table.at[0, "codes"]


def test_realigned_rows_carry_the_readers_note():
    table = _table([{"target": "≥95%", "completion": "96%", "confidence": 0.6, "note": "右移一列"}])
    (finding,) = [f for f in lint(table).findings if f.code == "A001"]
    assert "右移一列" in finding.message and "0.6" in finding.message


def test_budget_rate_rounding_is_tolerated_and_errors_are_caught():
    rows = [
        {"level1": "预算", "level2": "一般公共预算", "value": 50.0, "completion": "50"},
        {"level1": "预算", "level2": "调整后预算数", "value": 76.70, "completion": "76.70"},
        {"level1": "预算", "level2": "执行数", "value": 76.12, "completion": "76.12"},
        {"level1": "预算", "level2": "执行率", "value": 99.0, "completion": "99%"},
    ]
    assert not [f for f in lint(_table(rows)).findings if f.code.startswith("F")]
    rows[3] = {"level1": "预算", "level2": "执行率", "value": 95.0, "completion": "95%"}
    (f001,) = [f for f in lint(_table(rows)).findings if f.code == "F001"]
    assert "99.24" in f001.message and f001.row == 3


# ---------------------------------------------------------------- CLI


def _tidy_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "pairs.csv"
    _table(rows)[list(COLUMNS)].to_csv(path, index=False)
    return path


def test_cli_text_json_csv_and_exit_codes(tmp_path):
    path = _tidy_file(tmp_path, [
        {"project": "项目甲", "indicator": "满意度", "target": "≥95%", "completion": "≥95%"},
        {"project": "项目甲", "indicator": "人数", "target": "=@SUM(A1)", "completion": "-3人"},
    ])  # fmt: skip
    runner = CliRunner()
    text = runner.invoke(app, ["lint", str(path)])
    assert text.exit_code == 1, text.output
    assert ":项目甲:满意度: R00" in text.stdout and " 错误 " in text.stdout and "→" in text.stdout
    assert "1 个文件，2 对，发现" in text.stderr  # the summary line, after the findings
    assert runner.invoke(app, ["lint", str(path), "--ignore", "R,T,N"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["lint", str(path), "--format", "json"]).stdout)
    assert {"code", "severity", "message", "suggestion", "row", "field", "span"} <= set(
        data["findings"][0]
    )
    out = runner.invoke(app, ["lint", str(path), "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["label"] for r in rows] == ["restate", "specific"]
    assert rows[1]["target"].startswith("'=") and rows[1]["completion"].startswith("'-")
    assert (
        runner.invoke(app, ["lint", str(path), "--fail-on", "warning", "--select", "T"]).exit_code
        == 0
    )


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["lint", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_rules_lists_every_rule():
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in load_rules():
        assert rule.code in result.output and rule.name in result.output


def test_model_rules_examples_hold_with_the_shipped_model():
    for rule in [r for r in load_rules() if r.kind == "model"]:
        for example in rule.fail:
            assert lint(example_table(example)).table.at[0, "label"] == rule.label, example
        for example in rule.passes:
            assert lint(example_table(example)).table.at[0, "label"] != rule.label, example


def test_figure_and_problem_rows_get_no_label_but_keep_their_findings():
    table = _table([
        {"level1": "预算", "level2": "执行数", "target": "", "completion": "/", "value": float("nan")},
        {"level1": "评价", "level2": "总分", "target": "", "completion": "优"},
        {"level1": "问题", "level2": "", "target": "", "completion": "对照年度目标,说明存在的问题"},
        {"level1": "问题", "level2": "", "target": "", "completion": "项目选址协调难度大,进度滞后。"},
    ])  # fmt: skip
    linted = lint(table)
    assert linted.table["label"].tolist() == ["", "", "", ""]
    assert {(f.row, f.code) for f in linted.findings} == {(2, "E002")}


def test_cli_bad_model_or_suppression_file_is_exit_2(tmp_path):
    path = _tidy_file(tmp_path, [{"target": "≥95%", "completion": "96%"}])
    fake = tmp_path / "model.npz"
    fake.write_bytes(b"not a model")
    runner = CliRunner()
    result = runner.invoke(app, ["lint", str(path), "--model", str(fake)])
    assert result.exit_code == 2 and "not an nlp-eval model" in result.output
    bad = tmp_path / "sup.csv"
    bad.write_text("who,what\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(path), "--suppress", str(bad)])
    assert result.exit_code == 2 and "project, indicator, code, reason" in result.output


def test_cli_train_and_evaluate_round_trip(tmp_path):
    labels = tmp_path / "labels.tsv"
    rows = ["target\tcompletion\tlabel"] + [
        f"{t}\t{c}\t{lab}"
        for t, c, lab in [
            ("≥95%", "96.5%", "specific"), ("≥90%", "91%", "specific"), ("3场", "5场", "specific"),
            ("≥95%", "≥95%", "restate"), ("≥90%", "达到90%以上", "restate"),
            ("2个", "已完成", "vague"), ("提高", "有效提高", "vague"),
        ]
    ]  # fmt: skip
    labels.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    runner = CliRunner()
    trained = runner.invoke(app, ["train", str(labels), "-o", str(out)])
    assert trained.exit_code == 0 and out.exists(), trained.output
    report = runner.invoke(app, ["evaluate", str(labels), "--model", str(out)])
    assert report.exit_code == 0 and "macro-F1" in report.output and "confusion" in report.output


def test_a_target_declaration_gets_target_checks_but_no_labels():
    table = _table([
        {"doc": "申报表", "level1": "产出", "level2": "数量", "indicator": "网格员配置人数", "target": "≥120人", "completion": "", "target_source": "申报表.xlsx:表1:5:4"},
        {"doc": "申报表", "level1": "产出", "level2": "质量", "indicator": "工作质量", "target": "保证质量", "completion": "", "target_source": "申报表.xlsx:表1:6:4"},
        {"doc": "自评表", "level1": "产出", "level2": "数量", "indicator": "培训人次", "target": "≥300人次", "completion": "", "source": "自评表.xlsx:表1:5:5", "target_source": "自评表.xlsx:表1:5:4"},
    ])  # fmt: skip
    linted = lint(table)
    assert linted.table["label"].tolist() == ["", "", "missing"]
    codes = {(f.row, f.code) for f in linted.findings}
    assert (1, "T001") in codes and (2, "E001") in codes
    assert not any(row < 2 and code.startswith("E") for row, code in codes)


def test_no_finding_renders_an_empty_quote_or_a_placeholder():
    from nlp_eval.io import read_files

    edge = _table([
        {"level1": "效益", "level2": "社会", "target": "", "completion": ""},
        {"level1": "满意度", "level2": "满意度", "target": "社会满意度", "completion": "满意度≥95%"},
        {"level1": "满意度", "level2": "满意度", "target": "社会满意度", "completion": "社会满意度"},
        {"level1": "效益", "level2": "社会", "target": "社会效益明显", "completion": "效果明显"},
        {"level1": "产出", "level2": "时效", "target": "年底前完成", "completion": "年底前完成"},
        {"level1": "", "level2": "", "target": "", "completion": "已完成"},
        {"level1": "总体", "level2": "", "target": "", "completion": "XX"},
    ])  # fmt: skip
    tables = [read_files([CORPUS]).table, edge]
    for table in tables:
        for lang in ("zh", "en"):
            linted = lint(table, lang=lang)
            bad = [
                (f.code, text)
                for f in linted.findings
                for text in (f.message, f.suggestion)
                if UNRENDERED.search(_without_own_cells(text, linted.table.iloc[f.row]))
            ]
            assert not bad, bad[:5]


def _without_own_cells(text: str, row: pd.Series) -> str:
    """The text with quotes of the pair's own cells removed: quoting 可持续 is fine when it is
    the pair's own target, not when a category name stands in for a missing measure."""
    for col in ("indicator", "target", "completion"):
        cell = str(row.get(col, "") or "").strip()
        if cell:
            text = text.replace(f"“{cell}”", "“…”")
    return text


# ---------------------------------------------------------------- findings an auditor signs


@pytest.fixture(scope="module")
def corpus_and_seed() -> Linted:
    from nlp_eval.io import read_files

    return lint(read_files([CORPUS, SEED]).table)


def test_every_finding_reads_as_chinese(corpus_and_seed):
    """No quote of one character that is not a whole cell of the pair (写出“于”的实际值), no
    empty brackets, no unit that is not a unit, no message twice on one pair."""
    linted = corpus_and_seed
    bad = []
    for f in linted.findings:
        row = linted.table.iloc[f.row]
        cells = {str(row[c]).strip() for c in ("indicator", "target", "completion", "reason")}
        for text in (f.message, f.suggestion):
            bad += [
                (f.code, text)
                for q in re.findall(r"“([^”]*)”", text)
                if len(q) <= 1 and q not in cells
            ]
            if re.search(r"（\s*）|\(\s*\)|“\s*”", text):
                bad.append((f.code, text))
        if f.code == "N005":
            named = re.search(r"（(\S+) 与 (\S+)）", f.message)
            bad += [(f.code, f.message) for u in (named.groups() if named else ()) if not _unit(u)]
    seen = {}
    for f in linted.findings:
        key = (f.row, f.message)
        if key in seen:
            bad.append((f.code, f.message))
        seen[key] = f
    assert not bad, bad[:5]


def _unit(name: str) -> bool:
    """A unit the parser reads as one (场, 万人次, 次/年), not a number or a word."""
    from nlp_eval.numbers import quantities

    found = quantities("1" + name)
    return len(found) == 1 and found[0].unit == name


def test_a_pair_shows_one_finding_per_family(corpus_and_seed):
    families = Counter((f.row, f.code[0]) for f in corpus_and_seed.findings)
    assert max(families.values()) == 1


def test_the_finding_kept_is_the_strongest_and_agrees_with_the_label():
    # 有效提高 is a bare status (V001, sure) and an evaluative word (V003): V001 stays.
    linted = lint(_table([{"target": "提高", "completion": "有效提高"}]), model=False)
    assert [f.code for f in linted.findings if f.code.startswith("V")] == ["V001"]
    # A copied target with an evaluative word: the copy is the label, no "vague" message on it.
    copied = _table(
        [
            {
                "target": "有效提升群众文化获得感和满意度",
                "completion": "有效提升了群众文化获得感和满意度",
            }
        ]
    )
    linted = lint(copied, model=False)
    assert linted.table["label"].tolist() == ["copy"]
    assert all(f.label in ("", "copy") for f in linted.findings)


def test_no_model_finding_on_a_process_indicator_with_a_dash_or_a_standard():
    rows = [
        {"level1": "产出", "level2": "质量", "indicator": "管理制度健全性", "target": "健全", "completion": "制度较为健全，执行有力"},
        {"level1": "产出", "level2": "质量", "indicator": "项目决策", "target": "—", "completion": "经集体研究决定，程序规范"},
    ]  # fmt: skip
    linted = lint(_table(rows))
    assert not [f for f in linted.findings if f.code.startswith("M")]
