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
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from nlp_eval.errors import ReadError
from nlp_eval.io import limits
from nlp_eval.io.grids import READERS, read_grids
from nlp_eval.io.layout import read_grid
from nlp_eval.io.notes import localize, localize_reason, render, say
from nlp_eval.io.pdf import PdfGrid
from nlp_eval.io.rows import Context, Sink, year_of_code
from nlp_eval.io.tidy import read_tidy, tidy_header
from nlp_eval.records import COLUMNS, TEXT_COLUMNS
from nlp_eval.safe import readable, terminal

UNPLACED_COLUMNS = ("file", "sheet", "row", "column", "text", "reason")
READER_PROBLEM_COLUMNS = ("doc", "kind", "where", "detail")
# the start of the note of a wide row re-aligned by content (notes.say("realigned", …))
REALIGNED_MARK = "re-aligned by content"
QUOTED = 40  # characters of an unplaced cell quoted in reader_problems()
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
    skipped: list[str] = field(default_factory=list)  # tidy files met in folders, not read
    # (doc, sheet:row:column, note) of each column read without a listed header
    inferred: list[tuple[str, str, str]] = field(default_factory=list)
    docs: dict[str, str] = field(default_factory=dict)  # path as read -> doc

    def reader_problems(self, lang: str = "en") -> pd.DataFrame:
        """What the reader could not do or had to guess, one row per problem, for the reports.

        Columns doc, kind, where, detail; kind is unplaced (a cell no row holds), realigned
        (a wide row matched to the header by content), inferred (a column read without a
        listed header), unreadable (a file not read) or skipped (a tidy file in a folder).
        """
        out: list[tuple[str, str, str, str]] = []
        for path in self.problems_paths():
            out.append(
                (path[0], "unreadable", "", render("unreadable", lang, "problems", reason=path[1]))
            )
        for path in self.skipped:
            out.append(
                (self.docs.get(path, path), "skipped", "", render("skipped", lang, "problems"))
            )
        for doc, where, detail in self.inferred:
            out.append((doc, "inferred", where, localize(detail, lang)))
        t = self.table
        if len(t):
            moved = t[t["note"].str.contains(REALIGNED_MARK, regex=False)]
            for (doc, where), group in moved.groupby([moved["doc"], _row_of(moved)], sort=False):
                sheet_row = ":".join(where.rsplit(":", 2)[-2:])  # the file is the doc
                out.append((doc, "realigned", sheet_row, localize(group["note"].iloc[0], lang)))
        for file, sheet, row, column, text, reason in self.unplaced.itertuples(index=False):
            quoted = text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"
            reason = localize_reason(reason, lang)
            detail = render("unplaced", lang, "problems", reason=reason, text=quoted)
            out.append((self.docs.get(file, file), "unplaced", f"{sheet}:{row}:{column}", detail))
        return pd.DataFrame(out, columns=list(READER_PROBLEM_COLUMNS))

    def problems_paths(self) -> list[tuple[str, str]]:
        """(path, reason) of each unreadable file ("path: reason" split at the first ': ')."""
        return [tuple(p.split(": ", 1)) if ": " in p else (p, "") for p in self.problems]

    def summary(self) -> str:
        """One line: files, projects, pairs, unplaced cells, re-aligned rows, unreadable files."""
        t = self.table
        named = t[t["project"] != ""] if len(t) else t
        projects = named[["doc", "project"]].drop_duplicates().shape[0] if len(named) else 0
        # an input row re-aligned by content yields several pairs: count the input rows
        low = t[t["note"].str.contains(REALIGNED_MARK, regex=False)] if len(t) else t
        realigned = _row_of(low).nunique() if len(low) else 0
        # rows read by OCR have a confidence below 1 too: they are counted as OCR pages
        ocr = t["note"].str.contains("read by OCR", regex=False) if len(t) else t["note"]
        pages = t.loc[ocr, "source"].str.rsplit(":", n=2).str[0].nunique() if len(t) else 0
        line = (
            f"{self.files_read} files, {projects} projects, {len(t)} pairs, "
            f"{len(self.unplaced)} unplaced cells, {realigned} re-aligned rows, "
            f"{len(self.problems)} unreadable files" + (f", {pages} OCR pages" if pages else "")
        )
        if self.inferred:
            line += f", {len(self.inferred)} inferred columns"
        if self.skipped:
            line += f", {len(self.skipped)} tidy files skipped (name them or use --tidy)"
        return line


def _row_of(table: pd.DataFrame) -> pd.Series:
    """file:sheet:row of each row's input row (its completion cell, else its target cell)."""
    where = table["source"].where(table["source"] != "", table["target_source"])
    return where.str.rsplit(":", n=1).str[0]


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


@dataclass(frozen=True)
class Input:
    """A file to read: its path, its name in `source`, its `doc`, and whether a folder held it."""

    path: Path
    name: str  # the path relative to the argument given (2020/自评表.xlsx), or the file name
    doc: str  # the name without its suffix, unless another input of the batch has that doc
    in_folder: bool


def _expand(paths: Iterable[str | Path], problems: list[str] | None = None) -> list[Input]:
    """Files in the given order; directories recursively (sorted), keeping table files only.

    A file named on the command line is always read (and reported if unsupported); inside a
    directory, README/markdown and other non-table files are skipped silently, while what
    cannot be read there (a folder without permission, a FIFO or a symlink loop named like a
    table, a symlink leading out of the folder) is one line in problems. A file's name is its
    path relative to the directory given, so 2020/自评表.xlsx and 2021/自评表.xlsx are two
    documents; two inputs that would still share a document (自评表.xlsx and 自评表.docx) keep
    their suffix in it.
    """
    problems = [] if problems is None else problems
    found: list[tuple[Path, str, bool]] = []
    for given in paths:
        if str(given) == "":
            problems.append("'': an empty path names no file")
            continue
        p = Path(given)
        if p.is_dir():
            for f in table_files(p, problems):
                found.append((f, f.relative_to(p).as_posix(), True))
        else:
            found.append((p, p.name, False))

    def stem(name: str) -> str:
        return name[: -len(Path(name).suffix)] if Path(name).suffix else name

    stems = Counter(stem(name) for _, name, _ in found)
    names = Counter(name for _, name, _ in found)
    return [
        Input(path, name, stem(name) if stems[stem(name)] == names[name] else name, in_folder)
        for path, name, in_folder in found
    ]


def _is_table_name(f: Path) -> bool:
    return (
        not f.name.startswith((".", "~$"))
        and f.suffix.lower() in READERS
        and not f.stem.upper().startswith(("README", "LICENSE"))
    )


def table_files(folder: Path, problems: list[str]) -> list[Path]:
    """The table files under folder (sorted); only regular files, symlinks kept inside it."""
    found: list[Path] = []
    root = folder.resolve()

    def unreadable(err: OSError) -> None:
        where = err.filename or folder
        problems.append(terminal(f"{where}: cannot open folder ({err.strerror or err})"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
            f = Path(dirpath, name)
            if not _is_table_name(f):
                continue
            try:
                limits.check_regular_file(f)
                if f.is_symlink() and root not in f.resolve().parents:
                    raise ReadError(f"{f}: a symlink out of {folder}, skipped (name it to read it)")
            except ReadError as err:
                if "is a directory" not in str(err):
                    problems.append(terminal(str(err)))
                continue
            found.append(f)
    return sorted(found)


def read(path: str | Path) -> pd.DataFrame:
    """Read one file into the tidy table; raise ReadError when it cannot be read."""
    result = read_files([path])
    if result.problems:
        raise ReadError(result.problems[0])
    return result.table


def read_files(
    paths: Iterable[str | Path], *, tidy: bool = False, jobs: int = 1, client: Any = None
) -> ReadResult:
    """Read every file (directories recursively); bad files become problems, not exceptions.

    Inside a directory only published tables are read: a tidy table (a header with target and
    completion: `read -o` output, a label file, an answer key) is skipped and listed in
    `skipped`, unless `tidy` is true. A tidy file named in `paths` is always read.
    jobs > 1 reads the files in that many processes, a Dask client on its workers
    (nlp_eval.parallel); the result is the same.
    """
    from nlp_eval.parallel import read_each

    rows: list[dict] = []
    unplaced: list[tuple] = []
    consumed: list[tuple] = []
    problems: list[str] = []
    skipped: list[str] = []
    inferred: list[tuple[str, str, str]] = []
    docs: dict[str, str] = {}
    files_read = 0
    extra_columns: dict[str, None] = {}  # ordered set: first seen, first placed
    if isinstance(paths, str | Path):  # read_files("a.tsv"): one path, not its characters
        paths = [paths]
    items = _expand(paths, problems)
    for item in items:
        docs[str(item.path)] = item.doc
    work = [
        (item.path, {"name": item.name, "doc": item.doc, "tidy": tidy or not item.in_folder})
        for item in items
    ]
    for kind, value in read_each(work, jobs, client):
        if kind == "skipped":
            skipped.append(value)
            continue
        if kind == "error":
            problems.append(terminal(value))  # one line, readable, never a terminal escape
            continue
        files_read += 1
        for sink in value:
            rows.extend(sink.rows)
            unplaced.extend(sink.unplaced)
            consumed.extend(sink.consumed)
            inferred.extend((sink.doc, where, detail) for where, detail in sink.inferred)
            extra_columns.update(dict.fromkeys(sink.extra_columns))
    _units_by_code(rows)
    return ReadResult(
        table=_frame(rows, list(extra_columns)),
        unplaced=pd.DataFrame(unplaced, columns=list(UNPLACED_COLUMNS)),
        problems=problems,
        files_read=files_read,
        consumed=pd.DataFrame(consumed, columns=list(CONSUMED_COLUMNS)),
        skipped=skipped,
        inferred=inferred,
        docs=docs,
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
            row["note"] = "; ".join(filter(None, [row.get("note", ""), say("unit_by_code")]))


class SkippedFile(Exception):
    """A tidy table met inside a folder: not read unless asked for (read_files(tidy=True))."""


def read_file(
    path: Path, *, name: str | None = None, doc: str | None = None, tidy: bool = True
) -> list[Sink]:
    """One file -> one Sink per grid (rows, unplaced and consumed cells); ReadError if unreadable.

    `name` is the file's name in `source` (default: its file name), `doc` its document name
    (default: its stem); with tidy=False a file holding only tidy tables raises SkippedFile.
    """
    try:
        with limits.time_limit(path):
            return _read_file(path, name or path.name, doc or path.stem, tidy)
    except (ReadError, SkippedFile):
        raise
    except Exception as err:  # a reader bug must cost one file, never the batch or a traceback
        raise ReadError(f"{path}: cannot read ({type(err).__name__}: {err})") from err


def _read_file(path: Path, name: str, doc: str, tidy_allowed: bool) -> list[Sink]:
    grids = read_grids(path)
    # a GBK file name from a Windows zip: its characters, not escapes
    name, doc = readable(name), readable(doc)
    tidy = [g for g in grids if tidy_header(g) is not None]
    if tidy and not tidy_allowed:
        if len(tidy) == len(grids):
            raise SkippedFile(str(path))
        grids = [g for g in grids if g not in tidy]
        tidy = []
    sinks = []
    doc_ctx = Context()
    for grid in grids:
        sink = Sink(readable(str(path)), name, grid.sheet, doc)
        if grid in tidy:
            read_tidy(grid, sink)
        else:
            end = read_grid(grid, sink, doc_ctx)
            if isinstance(grid, PdfGrid):  # grid rows -> the page and row they were printed on
                grid.relocate(sink)
            # a title or 单位:万元 above the first table applies to the tables after it; in a
            # document (docx, html) one project's basic-information and indicator tables are
            # often separate tables, while each sheet of a workbook starts afresh
            carry = {"year", "region", "unit", "money_unit", "title_project"}
            if path.suffix.lower() in (".docx", ".html", ".htm", ".pdf", ".doc", ".wps"):
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


TABLE_FORMATS = ("csv", "jsonl", "parquet")


def write_table(
    table: pd.DataFrame, fmt: str, out: str | Path | IO[str], *, safe: bool = False
) -> None:
    """Write the tidy table as csv, jsonl or parquet to a path or a text stream.

    The table is data and is written exactly by default; safe=True neutralises csv text cells
    that a spreadsheet would run as a formula (= + - @ …, see nlp_eval.safe) for opening in Excel.
    A path is written atomically (nlp_eval.output.atomic). parquet is binary: give a path, a
    binary stream or sys.stdout (its buffer is used); another text stream is a ValueError.
    """
    from nlp_eval.output import atomic

    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}: use one of {', '.join(TABLE_FORMATS)}")
    if safe and fmt == "csv":
        from nlp_eval.safe import cell

        table = table.copy()
        for col in table.columns:
            if table[col].dtype == object:
                table[col] = table[col].map(cell)
    if isinstance(out, str | Path):
        binary = fmt == "parquet"
        options = {} if binary else {"encoding": "utf-8", "newline": ""}
        with atomic(out, "wb" if binary else "w", **options) as stream:
            _write_table(table, fmt, stream)
        return
    if fmt == "parquet" and isinstance(out, _io.TextIOBase):
        if out is not sys.stdout:
            raise ValueError("parquet is binary: give a path or a binary stream, not a text stream")
        out = sys.stdout.buffer
    _write_table(table, fmt, out)


def _write_table(table: pd.DataFrame, fmt: str, stream: IO) -> None:
    if fmt == "parquet":
        buf = _io.BytesIO()  # pyarrow wants a seekable file; stdout is not one
        table.to_parquet(buf, index=False)
        stream.write(buf.getvalue())
    elif fmt == "jsonl":
        # inf/nan never reach JSON as Infinity/NaN (not JSON): null
        clean = table.replace([math.inf, -math.inf], math.nan)
        clean.to_json(stream, orient="records", lines=True, force_ascii=False)
    else:
        table.to_csv(stream, index=False)
