"""Reports: every format carries the ranking and the trace, and none of them can run table text."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nlp_eval import safe
from nlp_eval.cli import app
from nlp_eval.records import COLUMNS, LABELS, Finding, Severity
from nlp_eval.report import copied_span, direction, write_report
from nlp_eval.score import score

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def pair(project, level1, label, target, completion, **kw):
    row = {c: "" for c in COLUMNS} | {"weight": math.nan, "points": math.nan, "value": math.nan}
    row |= {"doc": "d1", "unit": "单位甲", "year": 2020, "confidence": 1.0, "project": project}
    row |= {"level1": level1, "target": target, "completion": completion, "label": label}
    return row | {"label_score": 1.0, "codes": ""} | kw


@pytest.fixture(scope="module")
def scores():
    """A small labelled table with hostile cells, as the checks would hand it over."""
    table = pd.DataFrame(
        [
            pair("设备购置", "产出", "copy", "设备购置数量≥7", "设备购置数量≥7", level2="数量"),
            pair(
                "设备购置", "满意度", "restate", "相关设备使用者对设备情况满意度≥95%", "满意度≥95%"
            ),
            pair("设备购置", "效益", "na", "本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
            pair(SCRIPT, "产出", "specific", "组织媒体宣传的数量3次", "3次", level2="数量"),
            pair(SCRIPT, "总体", "vague", FORMULA, SCRIPT),
            pair("-1+1", "产出", "specific", "@SUM(A1)", "+1 次", unit="=1+2"),
        ]
    )
    findings = [
        Finding("C001", "copied-target", Severity.ERROR, "完成情况照抄了目标。", "写实际数量。", 0, label="copy"),
        Finding("R001", "restated-threshold", Severity.WARNING, "只复述了阈值。", "写实测满意度。", 1, label="restate"),
        Finding("T001", "vague-target", Severity.INFO, SCRIPT, FORMULA, 4, field="target"),
        Finding("D001", "duplicate", Severity.WARNING, "重复。", "分别填写。", 3),
    ]  # fmt: skip
    return score(table, findings)


def render(scores, fmt, tmp_path=None):
    if fmt == "xlsx":
        out = tmp_path / "r.xlsx"
        write_report(scores, fmt, out)
        return out
    out = tmp_path / f"r.{fmt}"
    write_report(scores, fmt, out)
    return out.read_text(encoding="utf-8")


def test_safe_cell_neutralises_formula_starts_only():
    assert safe.cell(FORMULA) == "'" + FORMULA
    assert [safe.cell(x) for x in ("+1", "-1", "@a", "\tx")] == ["'+1", "'-1", "'@a", "'\tx"]
    assert safe.cell("满意度≥95%") == "满意度≥95%" and safe.cell(-1.5) == -1.5
    assert safe.escape(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_copied_span_finds_the_threshold_the_completion_restates():
    target, completion = "相关设备使用者对设备情况满意度≥95%", "满意度≥95%"
    (ts, te), (cs, ce) = copied_span(target, completion)
    assert target[ts:te] == completion[cs:ce] == "满意度≥95%"
    assert copied_span("组织媒体宣传的数量3次", "3次") is None  # an answer echoing its number


def test_direction_quotes_the_pairs_own_target_and_numbers():
    text = direction("restate", "相关设备使用者对设备情况满意度≥95%", "zh")
    assert "相关设备使用者对设备情况满意度≥95%" in text and "样本" in text
    assert "写明了 ≥95%" in text
    target = "全年在网络平台刊发宣传报道62条,报纸刊发15条报道,得播10条视频宣传报道"
    assert "62条、15条、10条" in direction("vague", target, "zh")
    assert "sample size" in direction("restate", "x", "en")
    assert "社会效益" in direction("vague", "", "zh", name="社会效益")
    assert direction("specific", "x") == ""


def test_csv_has_one_row_per_project_with_label_counts_and_neutralised_cells(scores, tmp_path):
    rows = list(csv.DictReader(io.StringIO(render(scores, "csv", tmp_path))))
    assert len(rows) == 3
    assert {"doc", "unit", "year", "project", "score", "grade", *LABELS} <= set(rows[0])
    by_project = {r["project"]: r for r in rows}
    assert by_project["设备购置"]["copy"] == "1" and by_project["设备购置"]["na"] == "1"
    assert "'-1+1" in by_project and by_project["'-1+1"]["unit"] == "'=1+2"
    assert [float(r["score"]) for r in rows] == sorted(
        (float(r["score"]) for r in rows), reverse=True
    )


def test_json_carries_pairs_codes_and_points_lost(scores, tmp_path):
    document = json.loads(render(scores, "json", tmp_path))
    assert document["schema"] == "nlp-eval.score/1"
    project = next(p for p in document["projects"] if p["project"] == "设备购置")
    copy = project["pairs"][0]
    assert copy["label"] == "copy" and copy["findings"][0]["code"] == "C001"
    assert copy["findings"][0]["points"] > 0 and copy["copied"]["completion"] == [0, 8]
    lost = sum(f["points"] for p in project["pairs"] for f in p["findings"])
    assert lost == pytest.approx(100 - project["score"], abs=0.1)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.urls, self.tags = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"
        self.urls += [v for k, v in attrs if k in ("src", "href", "action") and v]

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def page_data(page):
    """The report data the page's script renders (the JSON block)."""
    block = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    return json.loads(block.group(1))


def test_html_escapes_table_text_and_fetches_nothing(scores, tmp_path):
    page = render(scores, "html", tmp_path)
    assert SCRIPT not in page and "\\u003cscript\\u003e" in page  # inert inside the JSON block
    parsed = _Collector()
    parsed.feed(page)
    assert len(parsed.scripts) == 2 and "alert" not in parsed.scripts[1]  # data, then our script
    assert "esc(" in parsed.scripts[1]  # table text reaches the page through the escaper only
    assert all(u.startswith("#") for u in parsed.urls)  # in-page anchors only
    assert not {"link", "img", "iframe", "object", "embed"} & set(parsed.tags)
    assert not re.search(r"@import|url\(", page)
    data = page_data(page)
    assert SCRIPT in [p["project"] for p in data["projects"]]  # shown, as text to escape


def test_html_shows_ranking_pairs_side_by_side_and_the_copied_span(scores, tmp_path):
    data = page_data(render(scores, "html", tmp_path))
    assert [p["rank"] for p in data["projects"]] == [1, 2, 3]
    strings = data["strings"]
    device = next(p for p in data["projects"] if p["project"] == "设备购置")
    restated = next(q for q in device["pairs"] if q[3] == "满意度≥95%")
    assert restated[3][restated[10][2] : restated[10][3]] == "满意度≥95%"  # the copied span
    texts = {strings[f[3]] for q in device["pairs"] for f in q[8]}
    fixes = {strings[f[4]] for q in device["pairs"] for f in q[8]}
    assert "完成情况照抄了目标。" in texts and "写实际数量。" in fixes
    assert any("相关设备使用者对设备情况满意度≥95%" in s for s in strings)  # the direction
    assert "改写方向" in data["words"]["direction"]


def test_xlsx_has_summary_and_pairs_with_colours_comments_and_neutralised_cells(scores, tmp_path):
    book = load_workbook(render(scores, "xlsx", tmp_path))
    assert book.sheetnames[:3] == ["封面", "概览", "逐项明细"]
    summary, pairs = book.worksheets[1], book.worksheets[2]
    header = [c.value for c in summary[1]]
    assert summary.max_row == 4 and header[:3] == ["排名", "文件", "单位"]
    head = [c.value for c in pairs[1]]
    target_col, completion_col = head.index("目标") + 1, head.index("完成情况") + 1
    cells = {pairs.cell(r, completion_col).value: pairs.cell(r, completion_col)
             for r in range(2, pairs.max_row + 1)}  # fmt: skip
    copied = cells["设备购置数量≥7"]
    assert copied.fill.start_color.rgb.endswith("FFC7CE")  # error colour
    assert "C001" in copied.comment.text and "写实际数量。" in copied.comment.text
    assert cells["满意度≥95%"].fill.start_color.rgb.endswith("FFEB9C")  # warning colour
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "'" + FORMULA in values and FORMULA not in values
    findings_col = head.index("问题与建议") + 1
    texts = [pairs.cell(r, findings_col).value or "" for r in range(2, pairs.max_row + 1)]
    assert any("C001 错误" in t and "→ 写实际数量。" in t for t in texts)
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    hostile_target = next(
        pairs.cell(r, target_col) for r in range(2, pairs.max_row + 1)
        if pairs.cell(r, target_col).value == "'" + FORMULA
    )  # fmt: skip
    assert "T001" in hostile_target.comment.text  # a comment is text: it never runs


def test_text_ranks_projects(scores, tmp_path):
    text = render(scores, "text", tmp_path)
    assert text.index("-1+1") < text.index("设备购置")  # 100 before the copies
    assert SCRIPT in text  # the terminal shows the text as it is: nothing there runs


def test_xlsx_needs_an_output_file(scores):
    from nlp_eval.errors import NlpEvalError

    with pytest.raises(NlpEvalError, match="-o"):
        write_report(scores, "xlsx", None)


# ---- the command, end to end on the seed table (real reader, real checks)

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"


def invoke(*args):
    return CliRunner().invoke(app, ["score", *map(str, args)])


def test_score_command_writes_a_ranked_csv_of_the_seed():
    result = invoke(SEED, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 7 and rows[-1]["project"] == "其他一般管理事务"
    assert {r["unit"] for r in rows} == {"深圳市龙岗区文化产业促进中心"}
    assert {r["year"] for r in rows} == {"2020"}


def test_score_explain_prints_the_lines_that_cost_a_project_points():
    result = invoke(SEED, "--explain", "一般管理")
    assert result.exit_code == 0, result.output
    assert "其他一般管理事务" in result.stdout and "V001" in result.stdout
    assert "扣分" in result.stdout and "大芬双年展" not in result.stdout


def test_score_html_and_xlsx_of_the_seed(tmp_path):
    page, book = tmp_path / "seed.html", tmp_path / "seed.xlsx"
    assert invoke(SEED, "-f", "html", "-o", page).exit_code == 0
    assert invoke(SEED, "-f", "xlsx", "-o", book).exit_code == 0
    data = page_data(page.read_text(encoding="utf-8"))
    names = [p["project"] for p in data["projects"]]
    assert names.index("大芬双年展") < names.index("其他一般管理事务")
    assert any(q[10] for p in data["projects"] for q in p["pairs"])  # copied spans to mark
    assert any(q[9] >= 0 for p in data["projects"] for q in p["pairs"])  # rewrite directions
    pairs = load_workbook(book)["逐项明细"]
    assert any(c.comment for row in pairs.iter_rows() for c in row)


def test_the_note_after_the_seed_table_is_kept_in_json_and_html_but_not_ranked(tmp_path):
    document = json.loads(invoke(SEED, "-f", "json").stdout)
    notes = [p["completion"] for n in document["notes"] for p in n["pairs"]]
    assert any("打补丁" in text for text in notes)
    assert all(p["project"] for p in document["projects"])
    page = tmp_path / "seed.html"
    assert invoke(SEED, "-f", "html", "-o", page, "--lang", "en").exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "打补丁" in text and "Document notes" in text
    assert '<html lang="en">' in text and "Rewrite direction" in text


def test_score_bad_input_is_one_line_and_exit_2(tmp_path):
    result = invoke(tmp_path / "nothing.xlsx")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "nothing.xlsx" in result.stderr
    assert "Traceback" not in result.output


def test_score_batch_goes_on_past_a_bad_file_and_lists_it(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = invoke(broken, SEED, "--format", "csv")
    assert result.exit_code == 2
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 7
    assert "broken.xlsx" in result.stderr and result.stderr.startswith("nlp-eval: error:")


def test_score_xlsx_to_stdout_is_refused_in_one_line():
    result = invoke(SEED, "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


HOSTILE_TABLE = """通山县2021年度项目支出绩效自评表
金额单位:万元
项目名称,"=HYPERLINK(""http://x"",""y"")",,主管部门,通山县卫生健康局
实施单位,通山县卫生健康局
,全年预算数(A),全年执行数(B),分值,执行率(B/A),得分
年度资金总额,1520,1488.2,20,97.91%,19.5
年度总体目标,年初目标,,实际完成情况
,为辖区常住居民免费提供12类基本公共卫生服务。,,"=HYPERLINK(""http://x"",""y"")"
一级指标,二级指标,三级指标,年初目标值(A),实际完成值(B),分值,得分,偏差原因分析及改进措施
产出指标,产出数量,老年人健康管理人数,≥2.2万人,<script>alert(1)</script>,10,10,
满意度指标,服务对象满意度指标,居民满意度,≥85%,@SUM(A1),10,0,
"""


def test_hostile_cells_read_from_a_real_table_come_out_inert_everywhere(tmp_path):
    source = tmp_path / "hostile.csv"
    source.write_text(HOSTILE_TABLE, encoding="utf-8")
    result = invoke(source, "-f", "csv")
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["project"] == "'" + FORMULA
    page, book = tmp_path / "h.html", tmp_path / "h.xlsx"
    assert invoke(source, "-f", "html", "-o", page).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert SCRIPT not in text and "\\u003cscript\\u003ealert(1)" in text
    assert invoke(source, "-f", "xlsx", "-o", book).exit_code == 0
    cells = [c for ws in load_workbook(book).worksheets for r in ws.iter_rows() for c in r]
    values = {c.value for c in cells}
    assert "'" + FORMULA in values and "'@SUM(A1)" in values and SCRIPT in values
    assert FORMULA not in values and all(c.data_type != "f" for c in cells)


def test_the_progress_bar_leaves_the_report_on_stdout(monkeypatch, capsys):
    import sys

    from nlp_eval.report.text import progress

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws the bar as on a terminal
    with progress(("read", "write"), show=True) as step:
        step("read")
        step("write")
        print("report line", file=sys.stdout)
    captured = capsys.readouterr()
    assert "report line" in captured.out and "report line" not in captured.err
