"""Nothing lost: every non-empty input cell is in the table, consumed as header/metadata, or unplaced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp_eval.io import read_files
from nlp_eval.io.grids import read_grids
from nlp_eval.records import COLUMNS

HERE = Path(__file__).parent
FILES = sorted(
    [HERE / "fixtures" / "longgang_culture_2020.tsv"]
    + [
        p
        for p in (HERE / "fixtures" / "io").glob("*")
        if p.is_file() and not p.name.startswith("bad_")
    ]
    + [p for p in (HERE.parent / "corpus" / "tables").glob("*") if p.suffix != ".md"]
)
TEXT_FIELDS = ("doc", "unit", "region", "project", "level1", "level2", "indicator", "target")
TEXT_FIELDS += ("completion", "reason", "note", "source", "target_source")


def cells_of(path: Path):
    """(sheet, row, column, text) of every non-empty anchor cell, 1-based."""
    for grid in read_grids(path):
        for r, row in enumerate(grid.rows):
            for c, text in enumerate(row):
                if text and grid.is_anchor(r, c):
                    yield grid.sheet, r + 1, c + 1, text


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_cell_is_placed_consumed_or_unplaced(path):
    result = read_files([path])
    assert result.problems == []
    assert lost_cells(path, result) == []


def lost_cells(path: Path, result, cells=cells_of) -> list[tuple]:
    """Non-empty cells of path in no row of result.table, not consumed and not unplaced.

    cells(path) yields (sheet, row, column, text) in the terms of `source` (a PDF: page N)."""
    t = result.table
    # texts of the table rows that came from each input row (sheet, row), via source/target_source
    by_row: dict[tuple[str, int], list[str]] = {}
    # a tidy input's own columns (label, 备注 …) follow COLUMNS
    extra = t[[c for c in t.columns if c not in COLUMNS]].to_numpy(dtype=str).tolist()
    for rec, extra_texts in zip(t.itertuples(index=False), extra, strict=True):
        texts = [getattr(rec, col) for col in TEXT_FIELDS] + extra_texts
        texts += [] if pd.isna(rec.year) else [str(rec.year)]
        texts += [
            f"{getattr(rec, col):g}"
            for col in ("weight", "points", "value")
            if getattr(rec, col) == getattr(rec, col)
        ]
        for src in {rec.source, rec.target_source} - {""}:
            _, sheet, row, _ = src.rsplit(":", 3)
            by_row.setdefault((sheet, int(row)), []).extend(texts)
    positioned = {
        (s, r, c, x)
        for frame in (result.unplaced, result.consumed)
        for s, r, c, x in zip(
            frame["sheet"], frame["row"], frame["column"], frame["text"], strict=True
        )
    }
    lost = []
    for sheet, r, c, text in cells(path):
        if (sheet, r, c, text) in positioned:
            continue
        same_row = by_row.get((sheet, r), [])
        if any(text in field or text.rstrip("分%") == field for field in same_row):
            continue
        lost.append((sheet, r, c, text[:30]))
    return lost
