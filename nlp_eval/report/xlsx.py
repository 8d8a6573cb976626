"""Excel/WPS workbook: cover, ranked summary, the pairs with flagged cells coloured and commented.

Written with XlsxWriter in constant-memory mode: each row goes to the file as it is made.
openpyxl (which the reader uses) spends about 0.1 ms per cell building and re-serialising
cell objects even in write-only mode: 100,000 pairs × 15 columns took 8 minutes on this
machine; XlsxWriter writes the same workbook several times faster in constant memory.
"""

from __future__ import annotations

import math
from typing import IO, Any

import xlsxwriter

from nlp_eval import safe
from nlp_eval.report import _clean, project_views, severity_word, words
from nlp_eval.report.cover import sections
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
    "where",
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
    "where": 22,
}
COVER_WIDTHS = (30, 60, 20, 70)
AUTHOR = "nlp-eval"
COMMENT_WIDTH = 400


class _Sheet:
    """A worksheet written row by row (constant memory): values, formats and comments."""

    def __init__(self, book: Any, title: str, formats: dict[str, Any]) -> None:
        self.sheet = book.add_worksheet(title)
        self.formats = formats
        self.row = 0

    def widths(self, widths: list[int] | tuple[int, ...]) -> None:
        for index, width in enumerate(widths):
            self.sheet.set_column(index, index, width)

    def append(self, values: list[Any], style: str | None = None) -> int:
        """Write one row; a value is a cell value or (value, format name); returns the row."""
        for column, value in enumerate(values):
            fmt = self.formats.get(style) if style else None
            if isinstance(value, tuple):
                value, name = value
                fmt = self.formats[name]
            self._write(column, value, fmt)
        self.row += 1
        return self.row - 1

    def _write(self, column: int, value: Any, fmt: Any) -> None:
        if type(value) is str and value:  # most cells: no NaN/NA check needed
            self.sheet.write_string(self.row, column, safe.xlsx_cell(value), fmt)
            return
        value = _clean(value)
        if value is None or value == "":
            if fmt is not None:
                self.sheet.write_blank(self.row, column, None, fmt)
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(self.row, column, value, fmt)
        elif isinstance(value, int | float) and math.isfinite(value):
            self.sheet.write_number(self.row, column, value, fmt)
        else:
            self.sheet.write_string(self.row, column, safe.xlsx_cell(str(value)), fmt)

    def comment(self, row: int, column: int, lines: list[str]) -> None:
        height = min(60 + 40 * len(lines), 400)
        text = safe.xlsx_cell("\n".join(lines))
        self.sheet.write_comment(
            row, column, text, {"author": AUTHOR, "width": COMMENT_WIDTH, "height": height}
        )

    def head(self, titles: list[str], widths: list[int]) -> None:
        """Column widths and a frozen bold header row."""
        self.widths(widths)
        self.sheet.freeze_panes(1, 0)
        self.append(titles, "bold")

    def filter(self, columns: int) -> None:
        self.sheet.autofilter(0, 0, max(self.row - 1, 0), columns - 1)


def _formats(book: Any) -> dict[str, Any]:
    formats = {"bold": book.add_format({"bold": True}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}  # fmt: skip
    for severity, colour in SEVERITY_FILL.items():
        formats[f"fill-{severity}"] = book.add_format(
            {"text_wrap": True, "valign": "top", "pattern": 1, "bg_color": f"#{colour}"}
        )
    return formats


def _table(book: Any, formats: dict[str, Any], title: str, frame: Any, w: dict[str, str]) -> None:
    sheet = _Sheet(book, title, formats)
    columns = list(frame.columns)
    sheet.head([w.get(c, c) for c in columns], [WIDE.get(c, 12) for c in columns])
    for record in frame.to_dict("records"):
        sheet.append([record[c] for c in columns])
    sheet.filter(len(columns))


def _cover(book: Any, formats: dict[str, Any], scores: Scores, w: dict[str, str]) -> None:
    """Each cover section as a bold title, a bold header and its rows, a blank row between."""
    sheet = _Sheet(book, w["cover"], formats)
    sheet.widths(COVER_WIDTHS)
    sheet.append([w["title"]], "bold")
    for section in sections(scores):
        sheet.append([])
        sheet.append([f"{section.title} ({len(section.rows)})"], "bold")
        if section.rows:
            sheet.append(section.head, "bold")
        for row in section.rows:
            sheet.append(row)
        if not section.rows:
            sheet.append([w["nothing"]])


def _summary(book: Any, formats: dict[str, Any], scores: Scores, w: dict[str, str]) -> None:
    sheet = _Sheet(book, w["summary"], formats)
    columns = list(CSV_COLUMNS)
    sheet.head([w.get(c, c) for c in columns], [WIDE.get(c, 10) for c in columns])
    for project in scores.projects.to_dict("records"):
        values = dict(project)
        if _clean(values["score"]) is None:
            values["grade"] = w["not_scored"]  # never a blank that reads like a pass
        sheet.append([values[c] for c in columns])
    sheet.filter(len(columns))


def _lines(findings: list[dict[str, Any]], lang: str) -> list[str]:
    """Each finding as "CODE 级别 (-points): message", "→ suggestion" and its cell."""
    lines = []
    for f in findings:
        head = f"{f['code']} {severity_word(f['severity'], lang)}".strip()
        points = f" (-{f['points']:.1f})" if f["points"] else ""
        lines.append(f"{head}{points}: {f['message']}".rstrip(": "))
        if f["suggestion"]:
            lines.append(f"→ {f['suggestion']}")
    return lines


def _worst(findings: list[dict[str, Any]]) -> str:
    worst = max(findings, key=lambda f: SEVERITY_RANK.get(f["severity"], 0))["severity"]
    return f"fill-{worst if worst in SEVERITY_FILL else ''}"


def _pairs(book: Any, formats: dict[str, Any], scores: Scores, w: dict[str, str]) -> None:
    sheet = _Sheet(book, w["details"], formats)
    sheet.head([w[c] for c in PAIR_COLUMNS], [WIDE.get(c, 10) for c in PAIR_COLUMNS])
    lang = scores.lang
    target_col = PAIR_COLUMNS.index("target")
    completion_col = PAIR_COLUMNS.index("completion")
    text_col = PAIR_COLUMNS.index("finding_text")
    for project in project_views(scores):
        for pair in project["pair_list"]:
            findings = pair["findings"]
            label = pair["label"] if pair["labelled"] else ""
            values = {**pair, "rank": project["rank"], "project": project["project"],
                      "doc": project["doc"], "label": w.get(label, label),
                      "codes": " ".join(f["code"] for f in findings),
                      "direction": pair["direction"] if pair["scored"] else "",
                      "finding_text": "\n".join(_lines(findings, lang))}  # fmt: skip
            row = [values[c] for c in PAIR_COLUMNS]
            on_target = [f for f in findings if f["field"] == "target"]
            on_completion = [f for f in findings if f["field"] != "target"]
            for column, flagged in ((target_col, on_target), (completion_col, on_completion)):
                row[column] = (row[column], _worst(flagged) if flagged else "wrap")
            row[text_col] = (row[text_col], "wrap")
            at = sheet.append(row)
            if on_target:
                sheet.comment(at, target_col, _lines(on_target, lang))
            if on_completion:
                sheet.comment(at, completion_col, _lines(on_completion, lang))
    sheet.filter(len(PAIR_COLUMNS))


def write(scores: Scores, stream: IO[bytes]) -> None:
    """Write the workbook: cover, summary, pairs (flagged), documents, units."""
    w = words(scores.lang)
    # strings stay strings: no formula, URL or number is made of table text
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}  # fmt: skip
    book = xlsxwriter.Workbook(stream, options)
    formats = _formats(book)
    _cover(book, formats, scores, w)
    _summary(book, formats, scores, w)
    _pairs(book, formats, scores, w)
    _table(book, formats, w["by_document"], scores.documents, w)
    _table(book, formats, w["by_unit"], scores.units, w)
    book.close()
