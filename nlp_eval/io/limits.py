"""Limits on what one input file may cost: size, zip expansion, rows, columns, merges, cell
length, PDF pages and time. A file past a limit is one ReadError line and the batch goes on.

The limits are settings with defaults (`Limits`), raised per run with `--limit NAME=VALUE`
(`nlp-eval read big.xlsx --limit max_rows=500000`). Office files are checked from the zip
directory and a streaming scan of the sheet/document XML before any parser builds them, so a
bomb is refused after reading its (small) compressed bytes, not after filling memory.
"""

from __future__ import annotations

import errno
import re
import signal
import stat
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from pathlib import Path

from nlp_eval.errors import NlpEvalError, ReadError


@dataclass(frozen=True)
class Limits:
    """What one input file may hold; the defaults read every real table seen so far with room."""

    max_file_mb: float = 200  # bytes on disk, any format
    max_unzipped_mb: float = 1000  # the members of an xlsx/docx once decompressed
    max_zip_ratio: float = 500  # decompressed/compressed size of one member over 1 MB
    max_rows: int = 200_000  # per sheet / table
    max_columns: int = 16_384  # per sheet / table (Excel's own maximum)
    max_cells: int = 20_000_000  # rows × columns of one sheet / table
    max_merged: int = 100_000  # merged ranges per sheet
    max_merged_cells: int = 5_000_000  # cells covered by merged ranges or spans, per sheet
    max_cell_chars: int = 1_000_000  # characters of one cell
    max_pdf_pages: int = 500
    seconds: float = 600  # wall time to read one file

    def over(
        self, path: Path | str, what: str, count: float, name: str, unit: str = ""
    ) -> ReadError:
        """The one-line error of a file past limit `name`: `PATH: sheet X has 4,000,000 rows (…)`."""
        limit = getattr(self, name)
        amount = f"{_number(count)} {unit}".rstrip()
        return ReadError(
            f"{path}: {what} {amount} (limit {_number(limit)}; --limit {name}=N to raise)"
        )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


_CURRENT: ContextVar[Limits] = ContextVar("nlp_eval_limits", default=Limits())  # noqa: B039


def current() -> Limits:
    """The limits of this run (the defaults unless `use` set others)."""
    return _CURRENT.get()


@contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """Read with these limits inside the block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def parse(settings: Iterable[str], base: Limits | None = None) -> Limits:
    """Limits from `NAME=VALUE` settings (the --limit option); unknown names or values are errors."""
    limits = base or Limits()
    types = {f.name: f.type for f in fields(Limits)}
    for setting in settings:
        name, sep, value = setting.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in types:
            raise NlpEvalError(
                f"--limit {setting!r}: expected NAME=VALUE with NAME one of {', '.join(types)}"
            )
        try:
            number = float(value.replace(",", "").replace("_", ""))
        except ValueError:
            number = float("nan")
        if not number > 0 or number == float("inf"):
            raise NlpEvalError(f"--limit {setting!r}: the value must be a positive number")
        limits = replace(limits, **{name: int(number) if types[name] == "int" else number})
    return limits


# ------------------------------------------------------------------ files


def check_size(path: Path, size: int) -> None:
    """A file larger than max_file_mb is refused before it is read."""
    limits = current()
    if size > limits.max_file_mb * 2**20:
        raise limits.over(path, "file has", size / 2**20, "max_file_mb", "MB")


# ------------------------------------------------------------------ Office zips

# Office never writes a DTD; one in a part is an entity attack (XXE, billion laughs)
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_CHUNK = 1 << 20


def check_zip(path: Path, kind: str) -> None:
    """Refuse an xlsx/docx whose directory or XML promises more than the limits allow.

    kind is "xlsx" or "docx". The zip directory gives the decompressed sizes without
    decompressing; the sheets (document) are then streamed once, counting rows, columns,
    merged ranges and spans, so nothing is built before the file is known to fit.
    """
    limits = current()
    damaged = f"{path}: corrupt or truncated {'workbook' if kind == 'xlsx' else 'Word document'}"
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ReadError(f"{damaged} ({err})") from None
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.max_unzipped_mb * 2**20:
            raise limits.over(path, "decompresses to", total / 2**20, "max_unzipped_mb", "MB")
        for m in members:
            ratio = m.file_size / max(m.compress_size, 1)
            if m.file_size > 2**20 and ratio > limits.max_zip_ratio:
                raise limits.over(
                    path,
                    f"member {m.filename} is compressed",
                    round(ratio),
                    "max_zip_ratio",
                    "times",
                )
        try:
            for m in members:
                if m.filename.endswith((".xml", ".rels")):
                    with archive.open(m) as part:
                        if _DTD.search(part.read(1 << 16)):
                            raise ReadError(
                                f"{path}: {m.filename} declares XML entities (a DTD), which "
                                "Office files never do: refused as an XML entity attack"
                            )
            if kind == "xlsx":
                names = _sheet_names(archive)
                for m in members:
                    if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                        sheet = names.get(m.filename, m.filename)
                        _scan_sheet(archive, m, path, f"sheet {sheet}", limits)
            elif kind == "docx":
                for m in members:
                    if m.filename == "word/document.xml":
                        _scan_document(archive, m, path, limits)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
            raise ReadError(f"{damaged} ({err})") from None
        except ReadError:
            raise
        except Exception as err:  # zlib.error and friends: a damaged member
            raise ReadError(f"{damaged} ({type(err).__name__})") from None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part -> sheet name, read with regexes (never an XML parser on untrusted parts)."""
    try:
        book = archive.read("xl/workbook.xml")[: 1 << 20].decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20].decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]*)"', rel.group(0))
        target = re.search(r'\bTarget="([^"]*)"', rel.group(0))
        if rid and target:
            name = target.group(1).lstrip("/")
            targets[rid.group(1)] = name if name.startswith("xl/") else "xl/" + name
    names = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name = re.search(r'\bname="([^"]*)"', sheet.group(0))
        rid = re.search(r'\br:id="([^"]*)"', sheet.group(0))
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = name.group(1)
    return names


def _tags(archive: zipfile.ZipFile, member: zipfile.ZipInfo, pattern: re.Pattern[bytes]):
    """Matches of pattern in a member, streamed in chunks cut after a '>' (tags stay whole)."""
    rest = b""
    with archive.open(member) as part:
        while True:
            chunk = part.read(_CHUNK)
            data = rest + chunk
            if not chunk:
                yield from pattern.finditer(data)
                return
            cut = data.rfind(b">") + 1
            yield from pattern.finditer(data, 0, cut)
            rest = data[cut:]
            if len(rest) > _CHUNK:  # one tag over a megabyte is no Office file
                raise ReadError(f"{member.filename}: a tag longer than 1 MB")


_SHEET_TAGS = re.compile(
    rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,12})"|<(?:\w+:)?row\b'
    rb'|<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,4})\d'
    rb'|<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,4})(\d{1,12}):([A-Za-z]{1,4})(\d{1,12})"'
    rb"|<!ENTITY"
)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _scan_sheet(archive, member, path: Path, sheet: str, limits: Limits) -> None:
    rows = last_row = columns = merged = covered = 0
    for m in _tags(archive, member, _SHEET_TAGS):
        if m.group(0).startswith(b"<!"):
            raise ReadError(f"{path}: {sheet} declares XML entities: refused")
        if m.group(3):
            merged += 1
            height = int(m.group(6)) - int(m.group(4)) + 1
            width = _column(m.group(5)) - _column(m.group(3)) + 1
            covered += max(height, 1) * max(width, 1)
        elif m.group(2):
            columns = max(columns, _column(m.group(2)))
        else:
            rows += 1
            last_row = max(last_row, int(m.group(1)) if m.group(1) else rows)
    rows = max(rows, last_row)
    if rows > limits.max_rows:
        raise limits.over(path, f"{sheet} has", rows, "max_rows", "rows")
    if columns > limits.max_columns:
        raise limits.over(path, f"{sheet} has", columns, "max_columns", "columns")
    if rows * columns > limits.max_cells:
        what = f"{sheet} has {rows:,} rows × {columns:,} columns ="
        raise limits.over(path, what, rows * columns, "max_cells", "cells")
    if merged > limits.max_merged:
        raise limits.over(path, f"{sheet} has", merged, "max_merged", "merged ranges")
    if covered > limits.max_merged_cells:
        what = f"{sheet} has merged ranges covering"
        raise limits.over(path, what, covered, "max_merged_cells", "cells")


_DOC_TAGS = re.compile(rb"<w:tr\b|<w:tc\b|<w:gridSpan\b[^>]*?\bw:val=\"(\d{1,12})\"|<!ENTITY")


def _scan_document(archive, member, path: Path, limits: Limits) -> None:
    rows = cells = width = widest = 0
    for m in _tags(archive, member, _DOC_TAGS):
        tag = m.group(0)
        if tag.startswith(b"<!"):
            raise ReadError(f"{path}: the document declares XML entities: refused")
        if tag.startswith(b"<w:tr"):
            rows += 1
            width = 0
            if rows > limits.max_rows:
                raise limits.over(path, "the document's tables have", rows, "max_rows", "rows")
        elif tag.startswith(b"<w:tc"):
            width += 1
            cells += 1
        else:
            span = int(m.group(1)) - 1
            width += span
            cells += span
        widest = max(widest, width)
        if widest > limits.max_columns:
            raise limits.over(path, "a table row spans", widest, "max_columns", "columns")
        if cells > limits.max_cells:
            raise limits.over(path, "the document's tables have", cells, "max_cells", "cells")


# ------------------------------------------------------------------ grids


def check_grid(path: Path, sheet: str, rows: list[list[str]], spans: int = 0) -> None:
    """A grid already read (csv, html, xls): rows, columns, cells, cell length and merge area."""
    limits = current()
    where = f"sheet {sheet}" if sheet else "the table"
    if len(rows) > limits.max_rows:
        raise limits.over(path, f"{where} has", len(rows), "max_rows", "rows")
    width = max(map(len, rows), default=0)
    if width > limits.max_columns:
        raise limits.over(path, f"{where} has", width, "max_columns", "columns")
    if len(rows) * width > limits.max_cells:
        raise limits.over(path, f"{where} has", len(rows) * width, "max_cells", "cells")
    if spans > limits.max_merged_cells:
        raise limits.over(path, f"{where} has merged cells covering", spans, "max_merged_cells")
    longest = max((len(c) for row in rows for c in row), default=0)
    if longest > limits.max_cell_chars:
        raise limits.over(path, f"{where} has a cell of", longest, "max_cell_chars", "characters")


def check_spans(path: Path, covered: int) -> None:
    """Cells an HTML table's colspan/rowspan would fill, before they are filled."""
    limits = current()
    if covered > limits.max_merged_cells:
        raise limits.over(
            path, "the table's colspan/rowspan cover", covered, "max_merged_cells", "cells"
        )


# ------------------------------------------------------------------ time


class _TimeUp(BaseException):
    """Raised by the timer inside the reader; a BaseException so no reader's `except` eats it."""


@contextmanager
def time_limit(path: Path) -> Iterator[None]:
    """Stop reading one file after `seconds` (main thread on POSIX; elsewhere no limit)."""
    seconds = current().seconds
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(_signum, _frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)  # an enclosing timer is restored
    started = time.monotonic()
    try:
        yield
    except _TimeUp:
        raise current().over(path, "reading took over", seconds, "seconds", "seconds") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


# ------------------------------------------------------------------ what a file is

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def check_regular_file(path: Path) -> int:
    """The size of a regular file; a one-line ReadError for anything else (never blocks on a FIFO)."""
    try:
        info = path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise ReadError(f"{path}: symlink loop") from None
        if err.errno == errno.ENOENT:
            broken = path.is_symlink()
            raise ReadError(f"{path}: {'broken symlink' if broken else 'no such file'}") from None
        raise ReadError(f"{path}: cannot open ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(f"{path}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
        raise ReadError(f"{path}: not a regular file ({kind})")
    return info.st_size
