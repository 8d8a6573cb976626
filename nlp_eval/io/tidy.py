"""Tidy files: a CSV/TSV/sheet that already has `target` and `completion` columns, read as is."""

from __future__ import annotations

from nlp_eval.io.grids import Grid
from nlp_eval.io.rows import Sink, number
from nlp_eval.records import COLUMNS

NUMERIC = ("weight", "points", "value", "confidence")


def tidy_header(grid: Grid) -> int | None:
    """Index of the header row when the grid is a tidy table (first non-empty row), else None."""
    for r, row in enumerate(grid.rows):
        if any(row):
            names = {c.strip().lower() for c in row}
            return r if {"target", "completion"} <= names else None
    return None


def read_tidy(grid: Grid, sink: Sink) -> None:
    """Keep the known COLUMNS as written, fill the others; other columns' cells go to unplaced."""
    h = tidy_header(grid)
    assert h is not None
    names = [c.strip().lower() for c in grid.rows[h]]
    for c, text in enumerate(grid.rows[h]):
        if text:
            sink.consume(h, c, text, "header")
    index = {name: c for c, name in enumerate(names) if name in COLUMNS}
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
            name = names[c] if c < len(names) else ""
            if name not in index or index[name] != c:
                sink.unplace(r, c, text, f"column '{name or c + 1}' is not a tidy-table column")
                continue
            if name in NUMERIC:
                value = number(text)
                if value != value:  # NaN: keep the text where a reader sees it
                    notes.append(f"{name}: {text}")
                row[name] = value
            elif name == "year":
                value = number(text)
                row[name] = int(value) if value == value else None
                if value != value:
                    notes.append(f"year: {text}")
            else:
                row[name] = text
        if notes:
            row["note"] = "; ".join(filter(None, [row.get("note", "")] + notes))
        row.setdefault("doc", sink.doc)
        if not row.get("source"):
            row["source"] = sink.src(r, completion_col)
        sink.rows.append(row)
