"""Read self-evaluation tables (xlsx, xls, docx, csv/tsv, html) into the tidy table.

Contract: read_files(paths) -> ReadResult with
  table     DataFrame with columns records.COLUMNS, one row per pair, in input order
  unplaced  DataFrame [file, sheet, row, column, text, reason]: non-empty cells not placed
  problems  one line per file that could not be read ("path: reason"); the batch goes on
"""

from __future__ import annotations

import io as _io
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd

from nlp_eval.records import COLUMNS

UNPLACED_COLUMNS = ("file", "sheet", "row", "column", "text", "reason")


@dataclass
class ReadResult:
    table: pd.DataFrame
    unplaced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPLACED_COLUMNS))
    problems: list[str] = field(default_factory=list)
    files_read: int = 0

    def summary(self) -> str:
        t = self.table
        projects = t[["doc", "project"]].drop_duplicates().shape[0] if len(t) else 0
        realigned = int((t["confidence"] < 1).sum()) if len(t) else 0
        return (
            f"{self.files_read} files, {projects} projects, {len(t)} pairs, "
            f"{len(self.unplaced)} unplaced cells, {realigned} re-aligned rows, "
            f"{len(self.problems)} unreadable files"
        )


def empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS))


def read_files(paths: Iterable[str | Path]) -> ReadResult:
    """Read every file (directories recursively); bad files become problems, not exceptions."""
    raise NotImplementedError


def write_table(table: pd.DataFrame, fmt: str, out: Path | IO[str]) -> None:
    """Write the tidy table as csv, jsonl or parquet to a path or a text stream."""
    if fmt == "parquet":
        if not isinstance(out, Path):
            buf = _io.BytesIO()
            table.to_parquet(buf, index=False)
            sys.stdout.buffer.write(buf.getvalue())
            return
        table.to_parquet(out, index=False)
    elif fmt == "jsonl":
        table.to_json(out, orient="records", lines=True, force_ascii=False)
    else:
        table.to_csv(out, index=False)
