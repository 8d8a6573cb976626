"""Property: any grid written as xlsx or csv reads back with nothing lost (issue 12).

Hypothesis draws grids from the words these tables are made of (headers, categories,
thresholds, completions, formulas, blanks); each is written as a real xlsx (openpyxl) or csv
and read. Either the file is one problem line, or every non-empty cell is a field of a row,
a consumed cell or an unplaced cell.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_io_invariant import lost_cells  # noqa: E402

from nlp_eval.io import read_files  # noqa: E402

WORDS = [
    "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "年度指标值", "实际完成值",
    "分值", "得分", "偏差原因分析及改进措施", "target", "completion", "产出指标", "效益指标",
    "数量指标", "质量指标", "满意度指标", "≥95%", "100人", "=100%", "已完成", "按计划完成",
    "2021年", "3.5", "10", "-", "@x", "图书馆免费开放", "年度总体目标", "合计", "小计",
]  # fmt: skip
cells = st.one_of(
    st.sampled_from(WORDS), st.just(""), st.text(min_size=1, max_size=6).map(str.strip)
)
grids = st.lists(
    st.lists(cells, min_size=1, max_size=7), min_size=1, max_size=8
)  # rows of varying width


def _write(grid: list[list[str]], path: Path) -> None:
    if path.suffix == ".xlsx":
        import openpyxl

        from nlp_eval.safe import xlsx_cell

        book = openpyxl.Workbook()
        for row in grid:
            book.active.append([xlsx_cell(c) if c else None for c in row])
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(grid)


def _lost(path: Path) -> list[tuple]:
    """Cells lost by reading path: none when the file is one problem line instead."""
    result = read_files([path])
    if result.problems:
        assert len(result.problems) == 1 and "\n" not in result.problems[0]
        return []
    return lost_cells(path, result)


def _check(grid: list[list[str]], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"grid{suffix}"
        _write(grid, path)
        assert _lost(path) == []


# derandomize: the same examples every run, so a failure is reproducible and xfail is stable
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(grid=grids)
def test_every_cell_of_a_random_grid_is_placed_consumed_or_listed(suffix, grid):
    _check(grid, suffix)


# Found by the property above: a `target` cell under a row of repeated 项目名称 headers is in
# no row, not consumed and not unplaced. The header logic is being rewritten (issue 9).
@pytest.mark.xfail(strict=True, reason="lost cell under repeated headers: layout, issue 9")
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_cell_under_repeated_project_headers_is_not_lost(suffix):
    _check([["项目名称", "项目名称", "三级指标"], ["target", "项目名称"]], suffix)
