"""Excel/WPS workbook: a ranked summary, the pairs with flagged cells coloured and commented."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nlp_eval import safe
from nlp_eval.report import _clean, project_views, words
from nlp_eval.report.tables import CSV_COLUMNS
from nlp_eval.score import Scores

# Fill colours by severity (Excel's own "bad" / "neutral" / "note" palette); a label loss
# without a finding is coloured like a warning.
SEVERITY_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7", "": "FFEB9C"}
SEVERITY_RANK = {"error": 3, "warning": 2, "": 1, "info": 0}
PAIR_COLUMNS = (
    "rank",
    "project",
    "doc",
    "level1",
    "level2",
    "indicator",
    "target",
    "completion",
    "label",
    "pair_score",
    "points_lost",
    "codes",
    "finding_text",
    "direction",
)
WIDE = {
    "target": 50,
    "completion": 50,
    "finding_text": 60,
    "direction": 40,
    "project": 24,
    "doc": 20,
}
AUTHOR = "nlp-eval"


def _header(sheet: Any, columns: tuple[str, ...], w: dict[str, str]) -> None:
    sheet.append([w.get(c, c) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(1, index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = WIDE.get(column, 10)
    sheet.freeze_panes = "A2"


def _append(sheet: Any, values: list[Any]) -> None:
    sheet.append([safe.xlsx_cell("" if (v := _clean(x)) is None else v) for x in values])


def _summary(book: Workbook, scores: Scores, w: dict[str, str]) -> None:
    sheet = book.active
    sheet.title = w["summary"]
    _header(sheet, CSV_COLUMNS, w)
    for project in scores.projects.to_dict("records"):
        _append(sheet, [project[c] for c in CSV_COLUMNS])
    sheet.auto_filter.ref = sheet.dimensions
    for title, frame in ((w["by_document"], scores.documents), (w["by_unit"], scores.units)):
        extra = book.create_sheet(title)
        columns = tuple(frame.columns)
        _header(extra, columns, w)
        for record in frame.to_dict("records"):
            _append(extra, [record[c] for c in columns])


def _lines(findings: list[dict[str, Any]]) -> list[str]:
    """Each finding as "CODE severity (-points): message" and "→ suggestion"."""
    lines = []
    for f in findings:
        head = f"{f['code']} {f['severity']}".strip()
        points = f" (-{f['points']:.1f})" if f["points"] else ""
        lines.append(f"{head}{points}: {f['message']}".rstrip(": "))
        if f["suggestion"]:
            lines.append(f"→ {f['suggestion']}")
    return lines


def _flag(cell: Any, findings: list[dict[str, Any]]) -> None:
    """Colour a cell by its worst finding and comment it with every message and suggestion."""
    worst = max(findings, key=lambda f: SEVERITY_RANK.get(f["severity"], 0))
    cell.fill = PatternFill("solid", start_color=SEVERITY_FILL.get(worst["severity"], "FFEB9C"))
    lines = _lines(findings)
    comment = Comment(safe.xlsx_cell("\n".join(lines)), AUTHOR)
    comment.width, comment.height = 400, min(60 + 40 * len(lines), 400)
    cell.comment = comment


def _pairs(book: Workbook, scores: Scores, w: dict[str, str]) -> None:
    sheet = book.create_sheet(w["details"], 1)
    _header(sheet, PAIR_COLUMNS, w)
    target_col = PAIR_COLUMNS.index("target") + 1
    completion_col = PAIR_COLUMNS.index("completion") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = [PAIR_COLUMNS.index(c) + 1 for c in ("target", "completion", "finding_text")]
    row = 1  # openpyxl's max_row scans every cell: count rows here instead
    for project in project_views(scores):
        for pair in project["pair_list"]:
            codes = " ".join(f["code"] for f in pair["findings"])
            values = {**pair, "rank": project["rank"], "project": project["project"],
                      "doc": project["doc"], "codes": codes,
                      "finding_text": "\n".join(_lines(pair["findings"]))}  # fmt: skip
            _append(sheet, [values[c] for c in PAIR_COLUMNS])
            row += 1
            for column in wrapped:
                sheet.cell(row, column).alignment = wrap
            on_target = [f for f in pair["findings"] if f["field"] == "target"]
            on_completion = [f for f in pair["findings"] if f["field"] != "target"]
            if on_target:
                _flag(sheet.cell(row, target_col), on_target)
            if on_completion:
                _flag(sheet.cell(row, completion_col), on_completion)
    sheet.auto_filter.ref = sheet.dimensions


def write(scores: Scores, stream: IO[bytes]) -> None:
    """Write the workbook: summary, pairs (flagged), documents, units."""
    w = words(scores.lang)
    book = Workbook()
    _summary(book, scores, w)
    _pairs(book, scores, w)
    book.save(stream)
