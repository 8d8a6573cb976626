"""Where a pair sits in its file, as a reader of the report finds it: `自评表.xlsx 自评表!N12`.

The reader records every cell as `source` = `file:sheet:row:column` (1-based row and column;
sheet is an xlsx/xls sheet name, `tableN` of a docx/html, `page N` of a PDF, empty for a
csv/tsv). This module turns that into the words people use: an A1 reference for spreadsheets,
page/row/column otherwise.
"""

from __future__ import annotations

import re
from functools import cache

from nlp_eval import lexicon

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
_PAGE = re.compile(r"page\s*(\d+)", re.IGNORECASE)
_TABLE = re.compile(r"table\s*(\d+)", re.IGNORECASE)
_PLAIN_SHEET = re.compile(r"\w+")


@cache
def words(lang: str) -> dict[str, str]:
    """The report's own words in `lang` (zh or en), from lexicons/report_text.toml."""
    strings = lexicon.toml("report_text.toml")
    return strings.get(lang, strings["zh"])


def column_letters(column: int) -> str:
    """Spreadsheet column letters of a 1-based column number: 1 → A, 14 → N, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_ref(source: str, lang: str = "zh") -> str:
    """`file sheet!A1` (spreadsheets), `file 第N页 第r行第c列` (PDF), `file 第r行第c列` (text).

    A source that is not `file:sheet:row:column` (a tidy input without one) is returned as is.
    """
    w = words(lang)
    parts = source.rsplit(":", 3)
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        whole_row = source.rsplit(":", 2)  # file:sheet:row, a row the reader re-aligned
        if len(whole_row) == 3 and whole_row[2].isdigit():
            file, sheet, row = whole_row
            place = " ".join(x for x in (sheet, w["cell_row_only"].format(row=row)) if x)
            return f"{file} {place}" if file else place
        return source
    file, sheet, row, column = parts
    page = _PAGE.fullmatch(sheet.strip())
    table = _TABLE.fullmatch(sheet.strip())
    if file.lower().endswith(SPREADSHEETS) and sheet:
        name = sheet if _PLAIN_SHEET.fullmatch(sheet) else "'" + sheet.replace("'", "''") + "'"
        cell = w["cell_sheet"].format(sheet=name, cell=f"{column_letters(int(column))}{row}")
    elif page:
        cell = w["cell_page"].format(page=page.group(1), row=row, column=column)
    else:
        cell = w["cell_row"].format(row=row, column=column)
        if table:
            cell = w["cell_table"].format(table=table.group(1)) + " " + cell
        elif sheet:
            cell = f"{sheet} {cell}"
    return f"{file} {cell}" if file else cell


def pair_ref(source: str, target_source: str, field: str, lang: str = "zh") -> str:
    """The cell a finding on `field` points at: the target's cell for target findings."""
    chosen = target_source if field == "target" and target_source else source or target_source
    return cell_ref(chosen, lang) if chosen else ""
