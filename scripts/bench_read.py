"""Reader speed: a national-template .xlsx with n indicator rows, read into the tidy table.

Baseline (same run): openpyxl loading the same workbook, which every xlsx reader must pay.
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = int(result.table["level1"].isin(["产出", "效益", "满意度"]).sum())
    print(f"read {n} rows: {ours:.2f} s ({pairs} pairs, {len(result.unplaced)} unplaced)")
    print(f"baseline openpyxl.load_workbook: {base:.2f} s; ratio {ours / base:.2f}")
    print(f"peak memory {peak:.0f} MB")
