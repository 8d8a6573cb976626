"""File -> cell grids: one Grid per sheet / docx table / html table, merged cells recorded.

A Grid keeps each cell's text once, at the anchor (top-left) of its merged range; the other
cells of the range point at the anchor through `merged`, so layout code can *see* the value
over the whole range (for headers, units, level names) while every text is counted once.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext
from html.parser import HTMLParser
from pathlib import Path

from nlp_eval.errors import ReadError
from nlp_eval.io import limits

_FIXED = re.compile(r"^(#,##)?0(?:\.(0+))?$")
# parts of a number format that change no digit: padding (_x), fill (*x), escaped or quoted
# literals, [Red]/[$-804] tags, currency signs, spaces (0.00_ and #,##0.00_);[Red](…) are what
# Chinese Excel writes by default)
_FORMAT_DECOR = re.compile(r'_.|\*.|\\.|"[^"]*"|\[[^\]]*\]|[\s¥￥$]')
BINARY_MAGIC = (
    (b"PK\x03\x04", "a zip container such as .xlsx/.docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file such as .xls/.doc"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Grid:
    """Cell texts of one table (0-based rows/cols internally; reported 1-based)."""

    sheet: str
    rows: list[list[str]]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def text(self, r: int, c: int) -> str:
        """The anchor text at (r, c), "" if empty, covered by a merge, or out of range."""
        row = self.rows[r] if 0 <= r < len(self.rows) else ()
        return row[c] if 0 <= c < len(row) else ""

    def filled(self, r: int, c: int) -> str:
        """The text seen at (r, c): the anchor's text when (r, c) lies inside a merged range."""
        anchor = self.merged.get((r, c))
        return self.text(*anchor) if anchor else self.text(r, c)

    def is_anchor(self, r: int, c: int) -> bool:
        """True when (r, c) holds its own text (not a covered cell of a merged range)."""
        return (r, c) not in self.merged


def clean(value: object) -> str:
    """Cell text as written, trimmed; None -> ""."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# ------------------------------------------------------------------ text tables


def decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for magic, kind in BINARY_MAGIC:
        if data.startswith(magic):
            raise ReadError(f"{path}: binary data ({kind}), not a text table")
    if b"\x00" in data[:4096]:
        raise ReadError(f"{path}: binary data, not a text table")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{path}: cannot decode as UTF-8 or GB18030/GBK")


def read_delimited(path: Path) -> list[Grid]:
    """A .csv/.tsv/.txt file: encoding detected, delimiter from the suffix or the content."""
    text = decode(path.read_bytes(), path)
    csv.field_size_limit(limits.current().max_cell_chars)  # Python's default is 131,072
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        head = text[:4096]
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
    return [Grid("", [[clean(c) for c in row] for row in _records(text, delimiter, path)])]


def _records(text: str, delimiter: str, path: Path) -> list[list[str]]:
    """Rows of delimited text; quotes count only where the file uses them as CSV quoting.

    A cell that merely starts with a quotation mark (`"宝安第一课"系列活动` in a plain TSV) would
    make a lenient reader swallow every tab and line up to the next quote, silently merging
    rows. Strict parsing refuses such text, and then the file is read with quotes as text.
    """
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        pass
    try:
        return list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE)
        )
    except csv.Error as err:
        raise ReadError(f"{path}: malformed delimited text ({err})") from None


# ------------------------------------------------------------------ workbooks


def _rounded(value: Decimal, decimals: int, *, grouping: bool) -> str:
    """Fixed decimals rounded half away from zero on the decimal digits, as Excel shows them.

    Python's float formatting rounds the binary value half to even (12.25 -> 12.2, 2.675 ->
    2.67); Excel shows 12.3 and 2.68.
    """
    # the precision of a context wide enough for any float Excel holds (up to ~1e308)
    wide = DecimalContext(prec=400)
    shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=wide)
    if shown.is_zero():
        shown = abs(shown)  # -0.001 under 0.00 shows 0.00, not -0.00
    return f"{shown:{',' if grouping else ''}f}"


def _number_text(value: float | int, number_format: str = "") -> str:
    """A numeric cell as a person reads it: 100% for 1.0 formatted as percent, 7.78 not 7.780000001."""
    if "%" in number_format:
        decimals = 0
        if "." in number_format:
            decimals = len(number_format.split(".", 1)[1].split("%", 1)[0].strip("_)"))
        return _rounded(Decimal(repr(value)) * 100, decimals, grouping=False) + "%"
    fixed = _FIXED.match(_FORMAT_DECOR.sub("", number_format.split(";", 1)[0]))
    if fixed:  # 0.00 / #,##0.00: the digits the reader of the sheet sees
        decimals = len(fixed.group(2) or "")
        return _rounded(Decimal(repr(value)), decimals, grouping=bool(fixed.group(1)))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(round(value, 10))
        return text if "e" not in text else f"{value:.10f}".rstrip("0").rstrip(".")
    return str(value)


def _xlsx_value(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value, cell.number_format or "")
    if isinstance(value, _dt.datetime | _dt.date):
        return _date_text(value, cell.number_format or "")
    return clean(value)


def _date_text(value: _dt.date, number_format: str) -> str:
    """A date cell as displayed: 2022年12月20日 for yyyy"年"m"月"d"日", else ISO."""
    fmt = number_format.split(";", 1)[0].lower()
    fmt = re.sub(r"\[[^]]*\]", "", fmt)  # [$-804] locale and [red] colour codes
    fmt = fmt.split("h", 1)[0].rstrip(" ")  # the reader wants the day; times are rare here
    if "y" not in fmt and "d" not in fmt:
        if isinstance(value, _dt.datetime) and value.time() != _dt.time():
            return value.isoformat(" ")
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        run = len(fmt[i:]) - len(fmt[i:].lstrip(ch)) if ch in "ymd" else 1
        if ch == "y":
            out.append(f"{value.year:04d}" if run > 2 else f"{value.year % 100:02d}")
        elif ch == "m":
            out.append(f"{value.month:02d}" if run == 2 else str(value.month))
        elif ch == "d":
            out.append(f"{value.day:02d}" if run == 2 else str(value.day))
        elif ch == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            out.append(fmt[i + 1 : end])
            run = end - i + 1
        elif ch == "\\" and i + 1 < len(fmt):
            out.append(fmt[i + 1])
            run = 2
        else:
            out.append(ch)
        i += run
    return "".join(out)


def read_xlsx(path: Path) -> list[Grid]:
    """Every sheet of an .xlsx/.xlsm workbook, merged ranges recorded."""
    import openpyxl

    try:
        with warnings.catch_warnings():  # "extension not supported" notes are no news to a reader
            warnings.simplefilter("ignore")
            # a file object: openpyxl judges a path by its suffix, and a real xlsx saved
            # under .xls is an xlsx (read by content, see _reader_for)
            with path.open("rb") as handle:
                wb = openpyxl.load_workbook(handle, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        raise ReadError(f"{path}: corrupt or truncated workbook ({type(err).__name__})") from None
    except Exception as err:  # openpyxl raises its own InvalidFileException and XML errors
        raise ReadError(f"{path}: corrupt workbook ({type(err).__name__}: {err})") from None
    grids = []
    for ws in wb.worksheets:
        rows = [[_xlsx_value(cell) for cell in row] for row in ws.iter_rows()]
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            anchor = (rng.min_row - 1, rng.min_col - 1)
            for r in range(rng.min_row - 1, rng.max_row):
                for c in range(rng.min_col - 1, rng.max_col):
                    if (r, c) != anchor:
                        merged[(r, c)] = anchor
                        if r < len(rows) and c < len(rows[r]):
                            rows[r][c] = ""  # openpyxl leaves MergedCell values None anyway
        grids.append(Grid(ws.title, rows, merged))
    return grids


def read_xls(path: Path) -> list[Grid]:
    """Every sheet of a legacy .xls workbook (xlrd), merged ranges recorded."""
    import xlrd

    try:
        # xlrd prints its warnings to stdout unless given a log file: keep stdout for the table
        book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO())
    except xlrd.biffh.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise ReadError(f"{path}: password-protected workbook") from None
        raise ReadError(f"{path}: corrupt .xls workbook ({err})") from None
    except Exception as err:  # xlrd raises assorted errors on truncated files
        raise ReadError(f"{path}: corrupt .xls workbook ({type(err).__name__})") from None
    grids = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                    row.append(_number_text(cell.value, fmt.format_str if fmt else ""))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    when = xlrd.xldate_as_datetime(cell.value, book.datemode)
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                    row.append(_date_text(when, fmt.format_str if fmt else ""))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append("是" if cell.value else "否")
                else:
                    row.append(clean(cell.value))
            rows.append(row)
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rlo, rhi, clo, chi in sheet.merged_cells:
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    if (r, c) != (rlo, clo):
                        merged[(r, c)] = (rlo, clo)
        grids.append(Grid(sheet.name, rows, merged))
    return grids


# ------------------------------------------------------------------ docx


def read_docx(path: Path) -> list[Grid]:
    """Each table of a .docx; paragraphs before a table (title, 单位) and after the last are rows of it."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises PackageNotFoundError, KeyError, XML errors
        raise ReadError(f"{path}: corrupt or not a Word document ({type(err).__name__})") from None
    grids: list[Grid] = []
    pending: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = clean(Paragraph(child, document).text)
            if text:
                pending.append(text)
        elif tag == "tbl":
            nested: list = []
            grid = _docx_table(Table(child, document), f"table{len(grids) + 1}", nested)
            grid.rows[:0] = [[t] for t in pending]
            grid.merged = {
                (r + len(pending), c): (ar + len(pending), ac)
                for (r, c), (ar, ac) in grid.merged.items()
            }
            pending = []
            grids.append(grid)
            while nested:  # a table inside a cell is a table of its own, read after its host
                inner = nested.pop(0)
                grids.append(_docx_table(inner, f"table{len(grids) + 1}", nested))
    if pending:
        if grids:
            grids[-1].rows.extend([t] for t in pending)
        else:
            grids.append(Grid("text", [[t] for t in pending]))
    return grids


def _docx_table(table, name: str, nested: list) -> Grid:
    # python-docx repeats the same cell element over a merge (gridSpan and vMerge): the first
    # position where an element appears is its anchor, later positions are covered cells.
    # table._cells computes the whole grid once; row.cells would recompute it for every row.
    try:
        flat, width = table._cells, len(table.columns)
        cell_rows = [flat[i : i + width] for i in range(0, len(flat), width)]
    except Exception:  # irregular grids: the public per-row API
        cell_rows = [list(row.cells) for row in table.rows]
    rows: list[list[str]] = []
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    anchors: dict[object, tuple[int, int]] = {}
    for r, cells in enumerate(cell_rows):
        row = []
        for c, cell in enumerate(cells):
            tc = cell._tc
            if tc in anchors:
                merged[(r, c)] = anchors[tc]
                row.append("")
            else:
                anchors[tc] = (r, c)
                row.append(clean(cell.text))
                nested.extend(cell.tables)
        rows.append(row)
    return Grid(name, rows, merged)


# ------------------------------------------------------------------ html


class _TableParser(HTMLParser):
    """Collect every <table> (nested ones too, each on its own) and the text blocks between them."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # ("text", str) | ("table", rows of (text, colspan, rowspan)); a table's slot is taken
        # when it opens, so a layout table wrapping the real one comes before it
        self.items: list[tuple[str, object]] = []
        self.stack: list[dict] = []
        self.text: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        top = self.stack[-1] if self.stack else None
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            if top is None:
                self._flush_text()
            self.items.append(("table", []))
            self.stack.append(
                {"slot": len(self.items) - 1, "rows": [], "cell": None, "span": (1, 1)}
            )
        elif top is not None and tag == "tr":
            self._end_cell(top)
            top["rows"].append([])
        elif top is not None and tag in ("td", "th"):
            self._end_cell(top)
            a = dict(attrs)
            top["cell"] = []
            top["span"] = (_span(a.get("colspan")), _span(a.get("rowspan")))
            if not top["rows"]:
                top["rows"].append([])
        elif tag == "br":
            self._sink().append("\n")
        elif tag in self.BLOCKS and top is None:
            self._flush_text()
        elif tag in self.BLOCKS and top["cell"]:
            top["cell"].append("\n")  # <td><p>一</p><p>二</p></td>: two lines, as shown

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.stack:
            self._close_table()
        elif self.stack and tag in ("td", "th"):
            self._end_cell(self.stack[-1])
        elif tag in self.BLOCKS and not self.stack:
            self._flush_text()

    def handle_data(self, data):
        if not self.skip:
            self._sink().append(data)

    def close(self):
        super().close()
        while self.stack:
            self._close_table()
        self._flush_text()

    def _sink(self) -> list[str]:
        if self.stack and self.stack[-1]["cell"] is not None:
            return self.stack[-1]["cell"]
        return self.text if not self.stack else []

    def _close_table(self):
        top = self.stack.pop()
        self._end_cell(top)
        self.items[top["slot"]] = ("table", top["rows"])

    @staticmethod
    def _end_cell(top):
        if top["cell"] is not None:
            top["rows"][-1].append((clean("".join(top["cell"])), *top["span"]))
            top["cell"] = None

    def _flush_text(self):
        text = clean("".join(self.text))
        if text:
            self.items.extend(("text", line.strip()) for line in text.splitlines() if line.strip())
        self.text = []


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_html(path: Path) -> list[Grid]:
    """Each <table> of an HTML page; text blocks before a table become rows above it."""
    data = path.read_bytes()
    head = data[:2048].lower()
    text = None
    for enc in ("gb2312", "gbk", "gb18030"):
        if f"charset={enc}".encode() in head or f'charset="{enc}'.encode() in head:
            text = data.decode("gb18030", errors="replace")
    if text is None:
        text = decode(data, path)
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    grids: list[Grid] = []
    pending: list[str] = []
    for kind, item in parser.items:
        if kind == "text":
            pending.append(item)  # type: ignore[arg-type]
            continue
        if not any(t for row in item for t, _, _ in row):  # type: ignore[attr-defined]
            continue  # a layout table whose cells only held other tables
        limits.check_spans(path, sum(cs * rs for row in item for _, cs, rs in row))  # type: ignore[attr-defined]
        grid = _html_grid(item, f"table{len(grids) + 1}", len(pending))  # type: ignore[arg-type]
        grid.rows[:0] = [[t] for t in pending]
        pending = []
        grids.append(grid)
    if pending and grids:
        grids[-1].rows.extend([t] for t in pending)
    return grids


def _html_grid(table: list[list[tuple[str, int, int]]], name: str, offset: int) -> Grid:
    occupied: dict[tuple[int, int], tuple[int, int]] = {}
    cells: dict[tuple[int, int], str] = {}
    for r, row in enumerate(table):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in occupied or (r, c) in cells:
                c += 1
            cells[(r, c)] = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        occupied[(r + dr, c + dc)] = (r + offset, c)
            c += colspan
    height = max([r for r, _ in cells] + [r for r, _ in occupied] + [-1]) + 1
    width = max([c for _, c in cells] + [c for _, c in occupied] + [-1]) + 1
    rows = [[cells.get((r, c), "") for c in range(width)] for r in range(height)]
    merged = {(r + offset, c): anchor for (r, c), anchor in occupied.items()}
    return Grid(name, rows, merged)


# ------------------------------------------------------------------ dispatch


READERS: dict[str, Callable[[Path], list[Grid]]] = {
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xls,
    ".docx": read_docx,
    ".csv": read_delimited,
    ".tsv": read_delimited,
    ".txt": read_delimited,
    ".html": read_html,
    ".htm": read_html,
    # readers with their own modules (imported when used): PDF, and LibreOffice conversions
    ".pdf": lambda path: _pdf().read_pdf(path),
    ".doc": lambda path: _convert().read_converted(path),
    ".wps": lambda path: _convert().read_converted(path),
    ".et": lambda path: _convert().read_converted(path),
}


def _pdf():
    from nlp_eval.io import pdf

    return pdf


def _convert():
    from nlp_eval.io import convert

    return convert


def _is_encrypted_ole(head: bytes, path: Path) -> bool:
    # An Office file protected with a password is an OLE2/CFB container holding the real
    # workbook in an "EncryptedPackage" stream described by an "EncryptionInfo" stream.
    if not head.startswith(OLE_MAGIC):
        return False
    data = path.read_bytes()
    return (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    )


def _reader_for(path: Path, suffix: str, head: bytes) -> Callable[[Path], list[Grid]]:
    """The reader for what the file is, which is not always what its suffix says."""
    if suffix == ".docx":
        if head.startswith(OLE_MAGIC):
            raise ReadError(f"{path}: an old Word .doc saved as .docx (save it as .docx or .html)")
        if not head.startswith(ZIP_MAGIC):
            raise ReadError(f"{path}: not a .docx file (corrupt or wrong suffix)")
        return read_docx
    if suffix in (".xlsx", ".xlsm", ".xls"):
        if head.startswith(OLE_MAGIC):
            return read_xls
        if head.startswith(ZIP_MAGIC):
            return read_xlsx
        # web sites often publish an HTML table or tab-separated text under .xls
        with path.open("rb") as fh:
            start = fh.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith(b"<"):
            return read_html
        if b"\x00" not in start and (b"\t" in start or b"," in start):
            return read_delimited
        raise ReadError(f"{path}: not a {suffix} workbook (corrupt or wrong suffix)")
    return READERS[suffix]


def read_grids(path: Path) -> list[Grid]:
    """Read a file into grids, or raise ReadError("path: reason")."""
    limits.check_size(path, limits.check_regular_file(path))
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ReadError(f"{path}: unsupported file type '{suffix or '(none)'}'")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise ReadError(f"{path}: cannot open ({err.strerror})") from None
    if not head:
        raise ReadError(f"{path}: empty file")
    if _is_encrypted_ole(head, path):
        kind = "document" if suffix in (".docx", ".doc", ".wps") else "workbook"
        raise ReadError(f"{path}: password-protected {kind}")
    reader = _reader_for(path, suffix, head)
    if reader in (read_xlsx, read_docx):
        limits.check_zip(path, "docx" if reader is read_docx else "xlsx")
    grids = reader(path)
    for grid in grids:
        limits.check_grid(path, grid.sheet, grid.rows, len(grid.merged))
    if not any(any(row) for g in grids for row in g.rows):
        raise ReadError(f"{path}: no table found (no non-empty cell)")
    return grids
