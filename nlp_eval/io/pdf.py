"""PDF -> cell grids: text PDFs with pdfplumber, scanned pages with the OCR extra (io/ocr.py).

pdfplumber finds the cell boxes of a ruled table from the lines and rectangles drawn on the
page (its "lines" strategy) and falls back to text alignment for a page whose table has no
rulings. What a PDF adds to the xlsx/docx readers is done here, before the grids reach the
layout code:
- a table continued over pages becomes one grid: the header rows repeated at the top of each
  page are dropped (recorded as consumed), a row cut by the page break is joined back, and
  merged label cells (一级/二级指标) that continue on the next page point at their anchor;
- text wrapped inside a cell is joined as a reader would read it;
- text lines outside tables (title, 单位：万元) become one-cell rows above the next table.
A cell's source is `file:page N:row:column`, row and column counted on that page.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from nlp_eval.errors import ReadError
from nlp_eval.io.grids import Grid

MAX_PAGES = 200  # a self-evaluation attachment has a few dozen pages; more is not a table file
SECONDS_PER_FILE = 300.0  # checked between pages: no file holds the batch longer than this
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# a line that is only page furniture: "- 3 -", "第 3 页 共 9 页", "3/9", "3"
_PAGE_NUMBER = re.compile(
    r"^[-—\s]*(?:第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d+(?:\s*/\s*\d+)?)[-—\s]*$"
)
# "续表", "(续)", "续上表": the table above continues on this page
_CONTINUED = re.compile(r"^[（(]?续(?:上?表)?[)）]?\s*[:：]?$|^续表\s*\S{0,4}$")
# a wrapped line starting a new item of a list keeps its line break
_ITEM_START = re.compile(
    r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}、|[①-⑳])"
)
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
# PDFs from some Word/WPS fonts map common characters to Kangxi radicals (⼯ U+2F2F for 工) or
# CJK compatibility ideographs; their compatibility decomposition is the ordinary character
_LOOKALIKE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")


@dataclass
class PdfGrid(Grid):
    """A grid read from PDF pages: each grid row knows the page and row it was printed on."""

    places: list[tuple[int, int]] = field(
        default_factory=list
    )  # per grid row: (page, row), 1-based
    # cells left out of the grid on purpose, (page, row, column, text, role): repeated headers,
    # page numbers; they go to `consumed` so that nothing is lost
    dropped: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    ocr: dict[int, float] = field(default_factory=dict)  # grid row -> OCR confidence of its cells

    def relocate(self, sink) -> None:
        """Rewrite the sink's sources and cell positions from grid rows to page rows."""
        prefix = f"{sink.name}:{sink.sheet}:"

        def where(src: str) -> tuple[str, int | None]:
            if not src.startswith(prefix):
                return src, None
            r, c = src[len(prefix) :].split(":")
            page, row = self.places[int(r) - 1]
            return f"{sink.name}:page {page}:{row}:{c}", int(r) - 1

        for rec in sink.rows:
            grid_rows = []
            for key in ("source", "target_source"):
                if rec.get(key):
                    rec[key], grid_row = where(rec[key])
                    grid_rows.append(grid_row)
            scores = [self.ocr[r] for r in grid_rows if r in self.ocr]
            if scores:
                rec["confidence"] = min([min(scores), float(rec.get("confidence") or 1.0)])
                note = f"read by OCR (confidence {min(scores):.2f})"
                rec["note"] = "; ".join(filter(None, [rec.get("note", ""), note]))
        for cells in (sink.unplaced, sink.consumed):
            for i, (file, _, r, c, text, why) in enumerate(cells):
                page, row = self.places[r - 1]
                cells[i] = (file, f"page {page}", row, c, text, why)
        for page, row, c, text, role in self.dropped:
            sink.consume(row - 1, c - 1, text, role)
            sink.consumed[-1] = (sink.file, f"page {page}", row, c, text, role)


@dataclass
class PageTable:
    """One table (or text line, as a one-cell table) as printed on one page."""

    page: int
    rows: list[list[str]]
    merged: dict[tuple[int, int], tuple[int, int]]
    first_row: int  # 1-based row on the page of rows[0]
    columns: list[float] = field(default_factory=list)  # left x of each column; [] for text
    ocr: dict[int, float] = field(default_factory=dict)  # row -> OCR confidence


def join_wrapped(text: str) -> str:
    """A cell's wrapped lines joined as one reads them.

    Chinese lines join without a space, English words with one; a line that starts a new
    numbered item keeps its break. Spaces between two Chinese characters are layout, not text,
    and Kangxi-radical look-alikes are the characters they stand for.
    """
    text = _LOOKALIKE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        if _ITEM_START.match(line):
            out += "\n" + line
        elif out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " " + line
        else:
            out += line
    return _SPACE_IN_CJK.sub("", out)


def open_pdf(path: Path):
    """pdfplumber's document, or ReadError for a password-protected or broken file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages  # parses the page tree: a broken file fails here
    except PDFPasswordIncorrect:
        raise ReadError(f"{path}: password-protected PDF") from None
    except Exception as err:  # pdfminer raises PSSyntaxError, PDFSyntaxError, KeyError …
        cause = err.__cause__ or err.__context__
        if isinstance(err, PDFPasswordIncorrect) or isinstance(cause, PDFPasswordIncorrect):
            raise ReadError(f"{path}: password-protected PDF") from None
        raise ReadError(f"{path}: corrupt or not a PDF ({type(err).__name__})") from None
    if len(pages) > MAX_PAGES:
        pdf.close()
        raise ReadError(f"{path}: {len(pages)} pages, more than {MAX_PAGES}: not a table file")
    return pdf


def read_pdf(path: Path) -> list[Grid]:
    """Every table of a PDF; pages without a text layer are read by OCR when the extra is installed."""
    started = time.monotonic()
    with open_pdf(path) as pdf:
        scanned = sum(1 for page in pdf.pages if not page.chars and page.images)
        if scanned:
            from nlp_eval.io.ocr import OcrPages

            ocr = OcrPages(path, scanned)  # ReadError here when the OCR extra is missing
        pieces: list[PageTable] = []
        for page in pdf.pages:
            if time.monotonic() - started > SECONDS_PER_FILE:
                raise ReadError(f"{path}: reading took over {SECONDS_PER_FILE:.0f} s")
            known = pieces[-1].columns if pieces and not pieces[-1].merged else []
            if page.chars:
                pieces.extend(page_pieces(page, known))
            elif page.images:
                pieces.extend(ocr.read(page))
    return assemble(pieces)


def page_pieces(page, known: list[float] = ()) -> list[PageTable]:
    """The tables and the text lines outside them on one page, top to bottom."""
    # pdfplumber's tolerances (3 pt) suit 10-12 pt text; a wide table printed to fit the page
    # width has 4 pt text whose lines and rulings are closer than that: scale them down
    heights = sorted(c["bottom"] - c["top"] for c in page.chars)
    tolerance = min(3.0, max(0.5, 0.3 * heights[len(heights) // 2])) if heights else 3.0
    scaled = {
        f"{k}_tolerance": tolerance for k in ("snap", "join", "intersection", "text_x", "text_y")
    }
    tables = [t for t in page.find_tables({**_LINES, **scaled}) if _size(t) >= 2]
    number = page.page_number
    found: list[tuple[float, PageTable]] = []
    if not tables:  # no rulings: the table is rebuilt from how its words line up
        aligned = aligned_table(page, tolerance, known)
        if aligned is not None:
            piece = aligned[1]
            piece.page = number
            return [piece]
    for table in tables:
        rows, merged, columns = _table_cells(table, tolerance)
        found.append((table.bbox[1], PageTable(number, rows, merged, 0, columns)))

    boxes = [table.bbox for table in tables]  # bbox is computed anew on each access

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    if any(outside(c) for c in page.chars):  # text lines outside the tables: title, 单位, notes
        outer = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
        for line in outer.extract_text_lines(x_tolerance=tolerance, y_tolerance=tolerance):
            text = join_wrapped(line["text"])
            if text:
                found.append((line["top"], PageTable(number, [[text]], {}, 0)))
    found.sort(key=lambda item: item[0])
    pieces, row = [], 1
    for _, piece in found:
        piece.first_row = row
        row += len(piece.rows)
        pieces.append(piece)
    return pieces


def aligned_table(
    page, tolerance: float, known: list[float] = ()
) -> tuple[float, PageTable] | None:
    """A page without rulings read as one table from the alignment of its words.

    Columns start where at least three lines have a word starting (within 2 pt); a word
    belongs to the column it starts in. In each column, lines following each other at the
    spacing of wrapped text are one cell; a wider gap starts a new row. When every line is at
    the same spacing (a spreadsheet printed without borders), each line is a row. Titles and
    单位 lines above the table are rows with text in the first column, as in a sheet.
    """
    words = page.extract_words(x_tolerance=min(1.5, tolerance), y_tolerance=tolerance)
    if len(words) < 6:
        return None
    starts: list[list[float]] = []
    for x in sorted(w["x0"] for w in words):
        if starts and x - starts[-1][-1] <= 2:
            starts[-1].append(x)
        else:
            starts.append([x])
    # the columns of the table continued from the previous page count where a word starts
    columns = [g[0] for g in starts if len(g) >= 3 or any(abs(g[0] - k) <= 2 for k in known)]
    if len(columns) < 3:
        return None
    if known and all(any(abs(x - k) <= 2 for k in known) for x in columns):
        columns = list(known)  # the previous page's table continues (some columns empty here)
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and word["top"] - lines[-1][0]["top"] <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    heights = sorted(w["bottom"] - w["top"] for w in words)
    gap = 1.7 * heights[len(heights) // 2]  # wider than the spacing of wrapped lines

    def column(word) -> int:
        return max([k for k, x in enumerate(columns) if x <= word["x0"] + 2], default=0)

    # each line's words in their columns; a word close after the previous one continues its
    # cell (text of a cell spanning columns, a number set apart by a space)
    placed: list[list[tuple[int, str]]] = []
    for line in lines:
        c, end, cells = 0, None, []
        for word in sorted(line, key=lambda w: w["x0"]):
            if end is None or word["x0"] - end > 0.35 * gap:
                c = column(word)
            cells.append((c, word["text"]))
            end = word["x1"]
        placed.append(cells)
    # a row starts where some column starts a new text: its first line, or a line further
    # below that column's previous line than wrapped lines are (merged cells span such rows)
    breaks, last_top = set(), {}
    for i, (line, cells) in enumerate(zip(lines, placed, strict=True)):
        for c, _ in cells:
            if c not in last_top or line[0]["top"] - last_top[c] > gap:
                breaks.add(i)
            last_top[c] = line[0]["top"]
    steps = [b[0]["top"] - a[0]["top"] for a, b in zip(lines, lines[1:], strict=False)]
    if all(step <= gap for step in steps):  # evenly spaced lines: each line is a row
        breaks = set(range(len(lines)))
    rows: list[list[list[str]]] = []
    for i, cells in enumerate(placed):
        if not rows or i in breaks:
            rows.append([[] for _ in columns])
        for c, text in cells:
            rows[-1][c].append(text)
    texts = [[join_wrapped("\n".join(cell)) for cell in row] for row in rows]
    return lines[0][0]["top"], PageTable(0, texts, {}, 1, columns)


def _size(table) -> int:
    return sum(1 for row in table.rows for cell in row.cells if cell is not None)


def _table_cells(table, tolerance: float) -> tuple[list[list[str]], dict, list[float]]:
    """Texts of a pdfplumber table, and covered cells pointing at the box that spans them."""
    texts = table.extract(x_tolerance=tolerance, y_tolerance=tolerance)
    boxes = [row.cells for row in table.rows]
    lefts = sorted({box[0] for row in boxes for box in row if box is not None})
    columns = _merge_close(lefts)
    tops = [row.bbox[1] for row in table.rows]
    rows = [[join_wrapped(t or "") for t in row] for row in texts]
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None:
                continue
            x = (columns[c] if c < len(columns) else box_left(row, c)) + 1
            y = tops[r] + 1
            for ar in range(r, -1, -1):
                hit = next(
                    (
                        ac
                        for ac in range(c, -1, -1)
                        if boxes[ar][ac] is not None
                        and boxes[ar][ac][0] <= x <= boxes[ar][ac][2]
                        and boxes[ar][ac][1] <= y <= boxes[ar][ac][3]
                    ),
                    None,
                )
                if hit is not None:
                    merged[(r, c)] = (ar, hit)
                    break
    return rows, merged, columns


def box_left(row, c: int) -> float:
    known = [box[0] for box in row if box is not None]
    return known[min(c, len(known) - 1)] if known else 0.0


def _merge_close(values: list[float], tolerance: float = 1.0) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


# ------------------------------------------------------------------ pages -> grids


def assemble(pieces: list[PageTable]) -> list[Grid]:
    """Page tables and text lines -> grids: lines go above the next table, continued tables join."""
    grids: list[PdfGrid] = []
    pending: list[PageTable] = []  # text lines waiting for the table below them
    last: PageTable | None = None  # the last table placed, for continuation on the next page
    header: list[list[str]] = []  # first rows of the current grid, to recognise repeats
    used_pages: set[int] = set()  # pages where something other than a page number came already
    for piece in pieces:
        if not piece.columns:
            furniture = _furniture(piece.rows[0][0])
            if furniture and grids:
                grids[-1].dropped.append(
                    (piece.page, piece.first_row, 1, piece.rows[0][0], furniture)
                )
                continue
            pending.append(piece)
            used_pages.add(piece.page)
            continue
        at_top = piece.page not in used_pages
        used_pages.add(piece.page)
        if last is not None and not pending and at_top and _continues(last, piece):
            _append_continued(grids[-1], piece, header)
        else:
            grid = PdfGrid(f"page {piece.page}", [])
            for line in pending:
                _append(grid, line)
            pending = []
            _append(grid, piece)
            grids.append(grid)
            header = [list(row) for row in piece.rows[:20]]
        last = piece
    if pending:
        if grids:
            for line in pending:
                _append(grids[-1], line)
        else:
            grid = PdfGrid(f"page {pending[0].page}", [])
            for line in pending:
                _append(grid, line)
            grids.append(grid)
    return grids


def _furniture(text: str) -> str:
    """The role of a line that belongs to the page, not to a table: page numbers, 续表 marks."""
    if _PAGE_NUMBER.match(text):
        return "page number"
    if _CONTINUED.match(text):
        return "continued-table mark"
    return ""


def _append(grid: PdfGrid, piece: PageTable, skip: int = 0) -> None:
    """Add a page table's rows from `skip` on to the grid, with their merges and places."""
    offset = len(grid.rows) - skip
    for r in range(skip, len(piece.rows)):
        if r in piece.ocr:
            grid.ocr[len(grid.rows)] = piece.ocr[r]
        grid.rows.append(list(piece.rows[r]))
        grid.places.append((piece.page, piece.first_row + r))
    for (r, c), (ar, ac) in piece.merged.items():
        if r >= skip and ar >= skip:
            grid.merged[(r + offset, c)] = (ar + offset, ac)


def _continues(previous: PageTable, piece: PageTable) -> bool:
    """A table on the next page with the same columns continues the previous one (the caller
    checks that nothing but a page number comes before it on its page)."""
    if piece.page != previous.page + 1 or len(piece.columns) != len(previous.columns):
        return False
    # the same column widths; a scanned page may sit a little shifted as a whole
    shifts = [a - b for a, b in zip(piece.columns, previous.columns, strict=True)]
    return max(shifts) - min(shifts) <= 3 and abs(shifts[0]) <= 30


def _same(a: list[str], b: list[str]) -> bool:
    return [t.replace(" ", "") for t in a] == [t.replace(" ", "") for t in b]


def _append_continued(grid: PdfGrid, piece: PageTable, header: list[list[str]]) -> None:
    """Join a table's continuation: drop repeated header rows, join a cut row, fill labels down."""
    skip = _repeated_rows(piece.rows, header)
    for r in range(skip):
        for c, text in enumerate(piece.rows[r]):
            if text:
                grid.dropped.append(
                    (piece.page, piece.first_row + r, c + 1, text, "repeated header")
                )
    last = len(grid.rows) - 1
    if skip < len(piece.rows) and _is_cut_row(grid, last, piece.rows[skip]):
        # the rest of the row above: its texts join that row, whose place is where it starts
        for c, text in enumerate(piece.rows[skip]):
            if text:
                ar, ac = grid.merged.get((last, c), (last, c))
                grid.rows[ar][ac] = _join_cut(grid.rows[ar][ac], text)
        skip += 1
    start = len(grid.rows)
    _append(grid, piece, skip)
    _fill_labels_down(grid, last, start)


def _repeated_rows(rows: list[list[str]], header: list[list[str]]) -> int:
    """How many rows at the top of a continued page repeat rows of the table's first page.

    Word repeats the first rows of a table, Excel its print-title rows, which may lie below a
    title row: the longest run equal to consecutive rows of the first page's top counts.
    """
    best = 0
    for i in range(len(header)):
        k = 0
        while (
            k < len(rows) and i + k < len(header) and any(rows[k]) and _same(rows[k], header[i + k])
        ):
            k += 1
        best = max(best, k)
    return best


def _join_cut(head: str, tail: str) -> str:
    return join_wrapped(f"{head}\n{tail}") if head else tail


def _is_cut_row(grid: PdfGrid, last: int, first: list[str]) -> bool:
    """The first row of a page holds the rest of a row cut by the page break.

    Its texts sit only in columns where the row above has text, and it lacks the short cells
    of a row of its own (name, value, score): at most half the cells of the row above.
    """
    if last < 0:
        return False
    above = [bool(grid.filled(last, c)) for c in range(len(first))]
    mine = [bool(t) for t in first]
    if not any(mine) or any(m and not a for m, a in zip(mine, above, strict=True)):
        return False
    own_above = [
        c
        for c in range(len(first))
        if above[c] and grid.is_anchor(last, c) and not _spans_down(grid, last, c)
    ]
    return 2 * sum(mine) <= len(own_above)


def _spans_down(grid: Grid, r: int, c: int) -> bool:
    return (r + 1, c) in grid.merged and grid.merged[(r + 1, c)] == (r, c)


def _fill_labels_down(grid: PdfGrid, last: int, start: int) -> None:
    """Empty label cells at the top of a continued page belong to the label above the break.

    A merged 一级/二级 cell that runs over the page break is printed again, empty, on the next
    page; the empty cells left of a row's first text point at the label above, until that
    column has a text of its own.
    """
    if last < 0:
        return
    open_columns = {c for c in range(len(grid.rows[last])) if grid.filled(last, c)}
    for r in range(start, len(grid.rows)):
        row = grid.rows[r]
        first_text = next((c for c, t in enumerate(row) if t), len(row))
        open_columns = {c for c in open_columns if c < first_text}
        if not open_columns:
            return
        for c in open_columns:
            if (r, c) not in grid.merged:
                grid.merged[(r, c)] = grid.merged.get((last, c), (last, c))
