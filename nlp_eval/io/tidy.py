"""Tidy files: a CSV/TSV/sheet that already has `target` and `completion` columns, read as is.

Columns named like COLUMNS (any case) fill them; the file's other columns (label, 备注, a
researcher's own codes) are kept after COLUMNS as text, under their header as written.
"""

from __future__ import annotations

from nlp_eval.io.grids import Grid
from nlp_eval.io.rows import Sink, number
from nlp_eval.records import COLUMNS

NUMERIC = ("weight", "points", "value", "confidence")
# The columns lint adds to the table (nlp_eval.lint.LINT_COLUMNS): an input column of that
# name is kept as input_<name>, so a gold label read from a labelled file is never
# overwritten by lint's own label.
RESERVED = ("label", "label_score", "codes")
RESERVED_PREFIX = "input_"


def tidy_header(grid: Grid) -> int | None:
    """Index of the header row when the grid is a tidy table (first non-empty row), else None."""
    for r, row in enumerate(grid.rows):
        if any(row):
            names = {c.strip().lower() for c in row}
            return r if {"target", "completion"} <= names else None
    return None


def extra_column_names(header: list[str]) -> dict[int, str]:
    """Column index -> output name of the header cells that are not COLUMNS.

    Reserved names get the input_ prefix; a name met twice gets _2, _3 … so no cell is dropped.
    """
    out: dict[int, str] = {}
    taken = set(COLUMNS)
    for c, text in enumerate(header):
        name = text.strip()
        if not name or name.lower() in COLUMNS:
            continue
        if name.lower() in RESERVED:
            name = RESERVED_PREFIX + name
        unique, n = name, 1
        while unique.lower() in taken:
            n += 1
            unique = f"{name}_{n}"
        taken.add(unique.lower())
        out[c] = unique
    return out


def read_tidy(grid: Grid, sink: Sink) -> None:
    """Keep the known COLUMNS as written, fill the others, keep the file's extra columns."""
    h = tidy_header(grid)
    assert h is not None
    names = [c.strip().lower() for c in grid.rows[h]]
    for c, text in enumerate(grid.rows[h]):
        if text:
            sink.consume(h, c, text, "header")
    index = {name: c for c, name in enumerate(names) if name in COLUMNS}
    extras = extra_column_names(grid.rows[h])
    sink.extra_columns.extend(extras.values())
    completion_col = index["completion"]
    for r in range(h + 1, len(grid.rows)):
        cells = grid.rows[r]
        if not any(cells):
            continue
        row: dict = {}
        notes = []
        for c, text in enumerate(cells):
            if not text:
                continue
            if c in extras:
                row[extras[c]] = text
                continue
            name = names[c] if c < len(names) else ""
            if name not in index or index[name] != c:
                why = f"another column is also named '{name}'" if name else "no header"
                sink.unplace(r, c, text, why)
                continue
            if name in NUMERIC:
                value = number(text)
                if value != value:  # NaN: keep the text where a reader sees it
                    notes.append(f"{name}: {text}")
                row[name] = value
            elif name == "year":
                # a year is a whole number of four digits at most; anything else (2021.5, a
                # 30-digit number) would not fit the column's integer type: kept as text
                value = number(text)
                fits = value == value and value.is_integer() and 0 < value < 10_000
                row[name] = int(value) if fits else None
                if not fits:
                    notes.append(f"year: {text}")
            else:
                row[name] = text
        if notes:
            row["note"] = "; ".join(filter(None, [row.get("note", "")] + notes))
        row.setdefault("doc", sink.doc)
        if not row.get("source"):
            row["source"] = sink.src(r, completion_col)
        sink.rows.append(row)
