"""`nlp-eval read`: output formats, summary line, --unplaced, bad inputs (exit 2, one line each)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.io import read_files
from nlp_eval.records import COLUMNS

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "longgang_culture_2020.tsv"
FIX = HERE / "fixtures" / "io"
BAD = {
    "bad_truncated.xlsx": "corrupt or truncated workbook",
    "bad_binary.csv": "binary data",
    "bad_empty.csv": "empty file",
    "bad_notable.csv": "no recognisable self-evaluation table",
    "bad_unsupported.pdf": "corrupt or not a PDF",
    "bad_password.xlsx": "password-protected workbook",
    "bad_notzip.docx": "not a Word document",
}


def run(*args: str):
    return CliRunner().invoke(app, ["read", *args])


def test_csv_to_stdout_with_summary_on_stderr():
    result = run(str(SEED))
    assert result.exit_code == 0
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table.columns) == list(COLUMNS)
    assert "1 files, 7 projects," in result.stderr and "re-aligned rows" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_formats_to_file(tmp_path, fmt):
    out = tmp_path / f"pairs.{fmt}"
    result = run(str(SEED), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0
    if fmt == "parquet":
        table = pd.read_parquet(out)
    elif fmt == "jsonl":
        table = pd.DataFrame(
            [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        )
    else:
        table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == len(read_files([SEED]).table)


def test_unplaced_cells_written_with_positions(tmp_path):
    out = tmp_path / "unplaced.csv"
    result = run(str(SEED), "-o", str(tmp_path / "t.csv"), "--unplaced", str(out))
    assert result.exit_code == 0
    cells = pd.read_csv(out)
    assert list(cells.columns) == ["file", "sheet", "row", "column", "text", "reason"]
    assert sorted(zip(cells["row"], cells["column"], strict=True)) == [(12, 22), (14, 20)]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gives_one_line_and_exit_2(name):
    result = run(str(FIX / name))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("nlp-eval: error:")]
    assert len(errors) == 1 and name in errors[0] and BAD[name] in errors[0]
    assert "Traceback" not in result.stderr


def test_missing_file_and_batch_goes_on(tmp_path):
    out = tmp_path / "t.csv"
    result = run(str(FIX / "bad_empty.csv"), str(tmp_path / "nope.xlsx"), str(SEED), "-o", str(out))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("nlp-eval: error:")]
    assert len(errors) == 2 and "no such file" in errors[1]
    assert pd.read_csv(out)["project"].dropna().nunique() == 7


def test_directories_recursive_markdown_skipped(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "a" / "b" / SEED.name)
    shutil.copy(FIX / "sichuan_2023_pidu.docx", tmp_path / "a")
    (tmp_path / "a" / "README.md").write_text("# notes", encoding="utf-8")
    (tmp_path / "a" / "README.txt").write_text("notes", encoding="utf-8")
    (tmp_path / "a" / "model.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a" / "~$lock.xlsx").write_bytes(b"\x00")
    result = read_files([tmp_path])
    assert result.problems == [] and result.files_read == 2
    # named explicitly, an unsupported file is reported
    assert (
        read_files([tmp_path / "a" / "model.json"])
        .problems[0]
        .endswith("unsupported file type '.json'")
    )


def test_encrypted_ole_detected_whatever_the_suffix(tmp_path):
    renamed = tmp_path / "budget.xls"
    shutil.copy(FIX / "bad_password.xlsx", renamed)
    assert read_files([renamed]).problems == [f"{renamed}: password-protected workbook"]


def test_unwritable_output_is_one_line():
    result = run(str(SEED), "-o", "/nonexistent-dir/out.csv")
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_truncated_xls_keeps_stdout_clean(tmp_path):
    broken = tmp_path / "broken.xls"
    broken.write_bytes((FIX / "poverty_2021_funan.xls").read_bytes()[:3000])
    result = run(str(SEED), str(broken))
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS)
    assert "WARNING" not in result.stdout
    assert f"{broken}: corrupt .xls workbook" in result.stderr


def test_binary_files_renamed_to_text_suffixes(tmp_path):
    xlsx_as_csv = tmp_path / "table.csv"
    xlsx_as_csv.write_bytes((FIX / "national_2021_tongshan.xlsx").read_bytes())
    pdf_as_tsv = tmp_path / "report.tsv"
    pdf_as_tsv.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n")
    problems = read_files([xlsx_as_csv, pdf_as_tsv]).problems
    assert problems == [
        f"{xlsx_as_csv}: binary data (a zip container such as .xlsx/.docx), not a text table",
        f"{pdf_as_tsv}: binary data (a PDF), not a text table",
    ]


def test_workbook_suffix_holding_html_or_text(tmp_path):
    html_as_xls = tmp_path / "web_export.xls"
    html_as_xls.write_bytes((FIX / "hunan_2022_xiangtan.html").read_bytes())
    tsv_as_xls = tmp_path / "text_export.xls"
    tsv_as_xls.write_bytes((FIX / "hubei_2021_tongshan_gb18030.tsv").read_bytes())
    doc_as_docx = tmp_path / "old.docx"
    doc_as_docx.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = read_files([html_as_xls, tsv_as_xls, doc_as_docx])
    assert result.problems == [
        f"{doc_as_docx}: an old Word .doc saved as .docx (save it as .docx or .html)"
    ]
    assert result.files_read == 2
    assert set(result.table["doc"]) == {"web_export", "text_export"}
    assert (result.table["level1"] == "产出").sum() == 8  # 4 + 4 pairs


def _sichuan_csv(tmp_path: Path) -> Path:
    # Sichuan 指标性质 "=" joined to its value: "=100%" is data as written
    path = tmp_path / "sichuan.csv"
    path.write_text(
        "项目名称,乡村客运补贴\n"
        "一级指标,二级指标,三级指标,指标性质,指标值,度量单位,实际完成值\n"
        "产出指标,质量指标,车辆安检合格率,=,100,%,=100%\n"
        "产出指标,数量指标,补贴车辆,≥,40,辆,+2辆 @超额\n",
        encoding="utf-8",
    )
    return path


def test_read_csv_is_exact_by_default_and_reads_back(tmp_path):
    out = tmp_path / "pairs.csv"
    assert run(str(_sichuan_csv(tmp_path)), "-o", str(out)).exit_code == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table["target"]) == ["=100%", "≥40辆"]
    assert list(table["completion"]) == ["=100%", "+2辆 @超额"]
    # the csv is a tidy file: read back, the same text
    again = read_files([out]).table
    assert list(again["target"]) == ["=100%", "≥40辆"]


def test_read_safe_neutralises_formula_cells_for_excel(tmp_path):
    out = tmp_path / "pairs.csv"
    result = run(str(_sichuan_csv(tmp_path)), "--safe", "-o", str(out))
    assert result.exit_code == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table["target"]) == ["'=100%", "≥40辆"]
    assert list(table["completion"]) == ["'=100%", "'+2辆 @超额"]
    # numbers stay numbers; jsonl is never rewritten
    assert table["confidence"].iloc[0] == "1.0"
    jsonl = tmp_path / "pairs.jsonl"
    assert (
        run(str(_sichuan_csv(tmp_path)), "--safe", "-f", "jsonl", "-o", str(jsonl)).exit_code == 0
    )
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])["target"] == "=100%"
