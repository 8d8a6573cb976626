"""Read self-evaluation tables (xlsx, xls, docx, csv/tsv, html) into the tidy table.

Contract: read_files(paths) -> ReadResult with
  table     DataFrame with columns records.COLUMNS, one row per pair, in input order; then the
            extra columns of tidy inputs (see io.tidy), text, "" where a file lacks them
  unplaced  DataFrame [file, sheet, row, column, text, reason]: non-empty cells not placed
  problems  one line per file that could not be read ("path: reason"); the batch goes on
  consumed  DataFrame [file, sheet, row, column, text, role]: header, title, category-label
            and metadata cells whose meaning went into other columns (role says which)
Every non-empty input cell is in exactly one of: a field of `table`, `consumed`, `unplaced`.
"""

from __future__ import annotations

import io as _io
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from nlp_eval.errors import NlpEvalError, ReadError
from nlp_eval.io.grids import READERS, read_grids
from nlp_eval.io.layout import read_grid
from nlp_eval.io.rows import Context, Sink, year_of_code
from nlp_eval.io.tidy import read_tidy, tidy_header
from nlp_eval.records import COLUMNS, TEXT_COLUMNS

UNPLACED_COLUMNS = ("file", "sheet", "row", "column", "text", "reason")
CONSUMED_COLUMNS = ("file", "sheet", "row", "column", "text", "role")


@dataclass
class ReadResult:
    """The tidy table of a batch, its unplaced and consumed cells, and the unreadable files."""

    table: pd.DataFrame
    unplaced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPLACED_COLUMNS))
    problems: list[str] = field(default_factory=list)
    files_read: int = 0
    # cells whose text went into other columns: headers, titles, level labels, metadata
    consumed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONSUMED_COLUMNS))

    def summary(self) -> str:
        """One line: files, projects, pairs, unplaced cells, re-aligned rows, unreadable files."""
        t = self.table
        named = t[t["project"] != ""] if len(t) else t
        projects = named[["doc", "project"]].drop_duplicates().shape[0] if len(named) else 0
        # an input row re-aligned by content yields several pairs: count the input rows
        low = t[t["confidence"] < 1] if len(t) else t
        where = low["source"].where(low["source"] != "", low["target_source"]) if len(low) else low
        realigned = where.str.rsplit(":", n=1).str[0].nunique() if len(low) else 0
        return (
            f"{self.files_read} files, {projects} projects, {len(t)} pairs, "
            f"{len(self.unplaced)} unplaced cells, {realigned} re-aligned rows, "
            f"{len(self.problems)} unreadable files"
        )


def empty_table() -> pd.DataFrame:
    """A tidy table with no rows and the declared column types."""
    return _frame([])


def _frame(rows: list[dict], extra_columns: Sequence[str] = ()) -> pd.DataFrame:
    # Text columns are "" when absent (never NaN), floats NaN, year a nullable integer;
    # a tidy input's extra columns are text, "" in rows of files that lack them.
    data = {}
    for col in COLUMNS:
        if col in TEXT_COLUMNS:
            data[col] = pd.Series([str(r.get(col) or "") for r in rows], dtype=object)
        elif col == "year":
            data[col] = pd.array([r.get("year") for r in rows], dtype="Int64")
        elif col == "confidence":
            data[col] = pd.Series([float(r.get("confidence") or 1.0) for r in rows], dtype=float)
        else:
            vals = [r.get(col) for r in rows]
            data[col] = pd.Series(
                [math.nan if v is None or v == "" else float(v) for v in vals], dtype=float
            )
    for col in extra_columns:
        data[col] = pd.Series([str(r.get(col) or "") for r in rows], dtype=object)
    return pd.DataFrame(data, columns=[*COLUMNS, *extra_columns])


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files in the given order; directories recursively (sorted), keeping table files only.

    A file named on the command line is always read (and reported if unsupported); inside a
    directory, README/markdown and other non-table files are skipped silently.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and not f.name.startswith((".", "~$"))
                    and f.suffix.lower() in READERS
                    and not f.stem.upper().startswith(("README", "LICENSE"))
                ):
                    out.append(f)
        else:
            out.append(p)
    return out


def read(path: str | Path) -> pd.DataFrame:
    """Read one file into the tidy table; raise ReadError when it cannot be read."""
    result = read_files([path])
    if result.problems:
        raise ReadError(result.problems[0])
    return result.table


def read_files(paths: Iterable[str | Path], *, jobs: int = 1, client: Any = None) -> ReadResult:
    """Read every file (directories recursively); bad files become problems, not exceptions.

    jobs > 1 reads the files in that many processes, a Dask client on its workers
    (nlp_eval.parallel); the result is the same.
    """
    from nlp_eval.parallel import read_each

    rows: list[dict] = []
    unplaced: list[tuple] = []
    consumed: list[tuple] = []
    problems: list[str] = []
    files_read = 0
    extra_columns: dict[str, None] = {}  # ordered set: first seen, first placed
    for sinks in read_each(_expand(paths), jobs, client):
        if isinstance(sinks, str):  # the file's ReadError
            problems.append(sinks)
            continue
        files_read += 1
        for sink in sinks:
            rows.extend(sink.rows)
            unplaced.extend(sink.unplaced)
            consumed.extend(sink.consumed)
            extra_columns.update(dict.fromkeys(sink.extra_columns))
    _units_by_code(rows)
    return ReadResult(
        table=_frame(rows, list(extra_columns)),
        unplaced=pd.DataFrame(unplaced, columns=list(UNPLACED_COLUMNS)),
        problems=problems,
        files_read=files_read,
        consumed=pd.DataFrame(consumed, columns=list(CONSUMED_COLUMNS)),
    )


def _units_by_code(rows: list[dict]) -> None:
    """Give rows without a unit the unit another file of the batch states for the same project code.

    Declaration exports split projects (项目编码, 申请单位 …) and indicators (项目编码 …) into two
    files; only codes are joined, never names, which recur across units.
    """
    units: dict[str, str] = {}
    for row in rows:
        if row.get("unit") and year_of_code(row.get("project") or ""):
            units.setdefault(row["project"], row["unit"])
    for row in rows:
        if not row.get("unit") and row.get("project") in units:
            row["unit"] = units[row["project"]]
            row["note"] = "; ".join(
                filter(None, [row.get("note", ""), "unit from another file, same project code"])
            )


def read_file(path: Path) -> list[Sink]:
    """One file -> one Sink per grid (rows, unplaced and consumed cells); ReadError if unreadable."""
    try:
        return _read_file(path)
    except ReadError:
        raise
    except Exception as err:  # a reader bug must cost one file, never the batch or a traceback
        raise ReadError(f"{path}: cannot read ({type(err).__name__}: {err})") from err


def _read_file(path: Path) -> list[Sink]:
    grids = read_grids(path)
    doc = path.stem
    sinks = []
    tidy = [g for g in grids if tidy_header(g) is not None]
    doc_ctx = Context()
    for grid in grids:
        sink = Sink(str(path), path.name, grid.sheet, doc)
        if grid in tidy:
            read_tidy(grid, sink)
        else:
            end = read_grid(grid, sink, doc_ctx)
            # a title or 单位:万元 above the first table applies to the tables after it; in a
            # document (docx, html) one project's basic-information and indicator tables are
            # often separate tables, while each sheet of a workbook starts afresh
            carry = {"year", "region", "unit", "money_unit", "title_project"}
            if path.suffix.lower() in (".docx", ".html", ".htm"):
                carry |= {"project", "project_key", "project_unit", "dept"}
            doc_ctx = Context(**{k: v for k, v in vars(end).items() if k in carry})
        sinks.append(sink)
    for sink in sinks:
        for row in sink.rows:
            if row.get("year") is None and row.get("project"):
                row["year"] = year_of_code(row["project"])
    # free notes alone (说明 rows) mean no header, key or tidy column was recognised anywhere
    recognised = any(s.rows for g, s in zip(grids, sinks, strict=True) if g in tidy) or any(
        row.get("level1") != "说明" for s in sinks for row in s.rows
    )
    if not recognised:
        raise ReadError(f"{path}: no recognisable self-evaluation table")
    return sinks


def write_table(table: pd.DataFrame, fmt: str, out: Path | IO[str], *, safe: bool = False) -> None:
    """Write the tidy table as csv, jsonl or parquet to a path or a text stream.

    The table is data and is written exactly by default; safe=True neutralises csv text cells
    that a spreadsheet would run as a formula (= + - @ …, see nlp_eval.safe) for opening in Excel.
    """
    if safe and fmt == "csv":
        from nlp_eval.safe import cell

        table = table.copy()
        for col in table.columns:
            if table[col].dtype == object:
                table[col] = table[col].map(cell)
    try:
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
    except OSError as err:
        raise NlpEvalError(f"{out}: cannot write ({err.strerror or err})") from None
