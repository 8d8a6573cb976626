"""Reader speed: a national-template .xlsx with n indicator rows, and a wide .tsv with n
project rows (a quarter of them one cell short, so re-aligned by content).

Baselines (same run): openpyxl loading the workbook; the csv module parsing the tsv.
Per-file overhead (issue 14 §2): 2,000 small tsv files of 5 project rows each against one tsv
holding the same 10,000 rows (goal: ≤ 2× the one big file), in one process and with --jobs 2.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path


def _workbook(path: Path, n: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年度某市交通运输局项目支出绩效自评表"])
    ws.append(["项目名称", "农村公路养护工程"])
    ws.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    )
    for i in range(n):
        first = i % 50 == 0
        ws.append(
            [
                "产出指标(50分)" if first else None,
                "数量指标" if first else None,
                f"养护路段{i}里程",
                f"≥{i % 90 + 10}公里",
                f"{i % 90 + 11}公里",
                2,
                2,
                "无",
            ]
        )
        if first and i:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=1)
    wb.save(path)


def _wide_tsv(path: Path, n: int, short_every: int = 4) -> None:
    import csv

    header = [
        [
            "序号",
            "项目名称",
            "预算数",
            "执行数",
            "执行率",
            "产出指标",
            "",
            "",
            "",
            "满意度指标",
            "",
            "存在问题",
        ],
        ["", "", "", "", "", "数量指标", "", "质量指标", "", "", "", ""],
        [
            "",
            "",
            "",
            "",
            "",
            "年度指标值",
            "实际完成值",
            "年度指标值",
            "实际完成值",
            "年度指标值",
            "实际完成值",
            "",
        ],
    ]
    rows = [["2022年某区民政局项目绩效自评表"], *header]
    for i in range(n):
        row = [str(i + 1), f"项目{i}", "100", "98", "98%", "≥40场", f"{40 + i % 9}场", "合格率100%"]
        row += ["100%"] if not short_every or i % short_every else []  # a row lost a cell
        row += ["满意度≥90%", "满意度93%", "无"]
        rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(rows)


def run(n: int | None) -> None:
    """Time read_files on an n-row workbook against openpyxl's own load time."""
    import openpyxl

    from nlp_eval.io import read_files

    n = n or 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xlsx"
        _workbook(path, n)
        t0 = time.perf_counter()
        openpyxl.load_workbook(path, data_only=True)
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = read_files([path])
        ours = time.perf_counter() - t0
        wide = Path(tmp) / "wide.tsv"
        _wide_tsv(wide, n)
        t0 = time.perf_counter()
        with wide.open(encoding="utf-8") as fh:
            sum(1 for _ in __import__("csv").reader(fh, delimiter="\t"))
        wide_base = time.perf_counter() - t0
        t0 = time.perf_counter()
        wide_result = read_files([wide])
        wide_ours = time.perf_counter() - t0
    print(
        f"read wide {n} rows: {wide_ours:.2f} s ({len(wide_result.table)} rows); "
        f"baseline csv parse {wide_base:.3f} s; ratio {wide_ours / wide_base:.0f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = int(result.table["level1"].isin(["产出", "效益", "满意度"]).sum())
    print(f"read {n} rows: {ours:.2f} s ({pairs} pairs, {len(result.unplaced)} unplaced)")
    print(f"baseline openpyxl.load_workbook: {base:.2f} s; ratio {ours / base:.2f}")
    print(f"peak memory {peak:.0f} MB")
    many_files()
    _pdf()


def many_files(files: int = 2000, rows: int = 5) -> None:
    """read_files on `files` small tables against one table holding the same rows."""
    from nlp_eval.io import read_files

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.tsv"
        # rows of one shape: re-aligning short rows costs the same per row wherever they are
        _wide_tsv(big, files * rows, short_every=0)
        folder = Path(tmp) / "small"
        folder.mkdir()
        for k in range(files):
            _wide_tsv(folder / f"t{k:05d}.tsv", rows, short_every=0)
        timings = {}
        for name, paths, jobs in (
            ("one big file", [big], 1),
            (f"{files} small files", [folder], 1),
            (f"{files} small files, --jobs 2", [folder], 2),
        ):
            t0 = time.perf_counter()
            result = read_files(paths, jobs=jobs)
            timings[name] = time.perf_counter() - t0
            print(f"read {name}: {timings[name]:.2f} s ({len(result.table)} rows)")
        base = timings["one big file"]
        small = timings[f"{files} small files"]
        print(f"per-file overhead: small files / big file = {small / base:.2f} (goal ≤ 2)")


def _pdf(rows: int = 880) -> None:
    """A ruled indicator table printed by LibreOffice over ~20 pages, read by read_files and by
    pdfplumber's own extract_tables (the baseline: finding the cells and their text)."""
    import shutil
    import subprocess

    import openpyxl
    import pdfplumber
    from openpyxl.styles import Alignment, Border, Side

    from nlp_eval.io import read_files

    if shutil.which("soffice") is None:
        print("read pdf: skipped (needs LibreOffice's soffice to print the test PDF)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "long.xlsx"
        _workbook(book, rows)
        wb = openpyxl.load_workbook(book)
        ws = wb.active
        thin = Side(style="thin")
        for row in ws.iter_rows():
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                cell.alignment = Alignment(wrap_text=True)
        ws.print_title_rows = "3:3"
        wb.save(book)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless"]
            + ["--convert-to", "pdf", "--outdir", tmp, str(book)],
            check=True,
            capture_output=True,
        )
        pdf = book.with_suffix(".pdf")
        t0 = time.perf_counter()
        with pdfplumber.open(pdf) as doc:
            pages = len(doc.pages)
            for page in doc.pages:
                page.extract_tables()
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = read_files([pdf])
        ours = time.perf_counter() - t0
    pairs = int(result.table["level1"].isin(["产出", "效益", "满意度"]).sum())
    print(
        f"read pdf {pages} pages: {ours:.2f} s, {pages / ours:.1f} pages/s ({pairs} pairs); "
        f"baseline pdfplumber extract_tables {base:.2f} s; ratio {ours / base:.2f}"
    )
