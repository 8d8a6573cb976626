"""The shared vocabulary: the tidy table's columns, findings and severities."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# The tidy table (one row per pair), declared once. Text columns are str ("" when absent,
# never NaN); numeric columns are float (NaN when absent); year is a nullable integer.
#   level1  产出 / 效益 / 满意度 for indicators; 总体 (overall goal vs overall completion),
#           预算 (budget figures), 问题, 整改, 评价 (conclusions, total score, grade), 说明 (free notes)
#   level2  数量 质量 时效 成本 / 经济 社会 生态 可持续 / 满意度 for indicators; for 预算 rows
#           the figure: 预算数 调整后预算数 执行数 执行率 财政拨款 其他资金 …; else ""
#   value   the number of a 预算 row (money in money_unit, 执行率 in percent), else NaN
#   source  file:sheet:row:column of the completion cell (1-based row and column)
#   target_source  the same for the target cell
#   confidence 1.0 when placed by the header; < 1 when re-aligned by content (see note)
COLUMNS: tuple[str, ...] = (
    "doc",
    "unit",
    "region",
    "year",
    "project",
    "level1",
    "level2",
    "indicator",
    "target",
    "completion",
    "weight",
    "points",
    "reason",
    "value",
    "money_unit",
    "source",
    "target_source",
    "confidence",
    "note",
)

# Column types of the tidy table: year is a nullable integer, confidence a float (1.0 default).
NUMBER_COLUMNS: tuple[str, ...] = ("weight", "points", "value")
TEXT_COLUMNS: tuple[str, ...] = tuple(
    c for c in COLUMNS if c not in (*NUMBER_COLUMNS, "year", "confidence")
)

LABELS: tuple[str, ...] = ("specific", "copy", "restate", "vague", "na", "missing")


class Finding(NamedTuple):
    """One problem with one row of the tidy table, ready to print."""

    code: str  # "C001": family letter + 3 digits, stable, never reused
    name: str  # "copied-target"
    severity: Severity
    message: str  # rendered, in the chosen language
    suggestion: str  # what to write instead
    row: int  # positional index of the pair in the tidy table
    field: str = "completion"  # target / completion / reason / value …
    span: tuple[int, int] | None = None  # character span in that field's original text
    label: str = ""  # the label this finding implies ("copy", "vague"…), "" if none
