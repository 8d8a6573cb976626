"""Scanned PDF pages (no text layer) -> page tables, with the OCR extra: `pip install 'nlp-eval[ocr]'`.

RapidOCR (rapidocr-onnxruntime: PaddleOCR's Chinese detection and recognition models run by
onnxruntime) ships its models inside the wheel, so nothing is downloaded at run time. The table
is rebuilt from the page image, not guessed from the text: the page is straightened by the
angle of its long horizontal rulings, the ruling lines are found with morphological opening
(OpenCV), every cell box is the space between neighbouring rulings, joined with its neighbour
where the ruling between them is missing (a merged cell), and each recognised text box goes
into the cell holding its centre. Rows carry the lowest recognition score of their cells.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nlp_eval.errors import ReadError
from nlp_eval.io.pdf import PageTable, join_wrapped

DPI = 200  # scans are made at 150-300 dpi; 200 keeps small table text legible at this cost
_engine = None


class OcrPages:
    """Reads the scanned pages of one PDF, with a progress line on stderr."""

    def __init__(self, path: Path, total: int) -> None:
        global _engine
        try:
            import cv2  # noqa: F401
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise ReadError(
                f"{path}: scanned PDF (no text layer): install nlp-eval[ocr] to read it"
            ) from None
        if _engine is None:
            _engine = RapidOCR()
        self.path, self.total, self.done = path, total, 0
        self.started = time.monotonic()

    def read(self, page) -> list[PageTable]:
        pieces = ocr_page(_engine, page)
        self.done += 1
        per_page = (time.monotonic() - self.started) / self.done
        bar = "#" * (20 * self.done // self.total)
        sys.stderr.write(
            f"\rOCR {self.path.name} [{bar:<20}] page {self.done}/{self.total}, {per_page:.1f} s/page"
        )
        if self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()
        return pieces


def ocr_page(engine, page) -> list[PageTable]:
    """One scanned page: its ruled table(s) as cells, text outside them as one-cell rows."""
    import cv2
    import numpy as np

    image = np.asarray(page.to_image(resolution=DPI).original.convert("L"))
    image = _straighten(image)
    cells = _cell_boxes(image)
    found, _ = engine(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), use_cls=False)
    # each text box by its centre
    boxes = [
        (sum(p[0] for p in quad) / 4, sum(p[1] for p in quad) / 4, text, score)
        for quad, text, score in (found or [])
    ]
    number = page.page_number
    if cells is None:
        return [
            PageTable(number, [[t]], {}, i + 1, ocr={0: s})
            for i, (_, _, t, s) in enumerate(_lines(boxes))
        ]
    rows_y, cols_x, anchor_of = cells
    texts: dict[tuple[int, int], list[tuple[float, float, str, float]]] = {}
    above, below = [], []
    for x, y, text, score in boxes:
        if y < rows_y[0]:
            above.append((x, y, text, score))
        elif y > rows_y[-1]:
            below.append((x, y, text, score))
        else:
            r = max(0, min(len(rows_y) - 2, int(np.searchsorted(rows_y, y)) - 1))
            c = max(0, min(len(cols_x) - 2, int(np.searchsorted(cols_x, x)) - 1))
            texts.setdefault(anchor_of[(r, c)], []).append((y, x, text, score))
    n_rows, n_cols = len(rows_y) - 1, len(cols_x) - 1
    grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    confidence: dict[int, float] = {}
    for r, c in sorted(set(anchor_of.values())):
        parts = sorted(texts.get((r, c), []))
        text = join_wrapped("\n".join(_cell_lines(parts)))
        score = min([s for *_, s in parts], default=1.0)
        if text:
            grid[r][c] = text
            confidence[r] = min(confidence.get(r, 1.0), score)
    merged = {pos: a for pos, a in anchor_of.items() if pos != a}
    pieces = []
    row = 1
    for _, _, text, score in _lines(above):
        pieces.append(PageTable(number, [[text]], {}, row, ocr={0: score}))
        row += 1
    columns = [float(x) * 72 / DPI for x in cols_x[:-1]]  # in points, as on text pages
    pieces.append(PageTable(number, grid, merged, row, columns, ocr=confidence))
    row += n_rows
    for _, _, text, score in _lines(below):
        pieces.append(PageTable(number, [[text]], {}, row, ocr={0: score}))
        row += 1
    return pieces


def _cell_lines(parts: list[tuple[float, float, str, float]]) -> list[str]:
    """Texts of one cell in reading order: boxes on one line (close tops) left to right."""
    lines: list[list[tuple[float, str]]] = []
    last_y = None
    for y, x, text, _ in parts:
        if last_y is None or y - last_y > 12:
            lines.append([])
        lines[-1].append((x, text))
        last_y = y
    return ["".join(t for _, t in sorted(line)) for line in lines]


def _lines(boxes) -> list[tuple[float, float, str, float]]:
    """Text boxes outside a table grouped into lines (x, y, text, lowest score)."""
    out: list[tuple[float, float, str, float]] = []
    for x, y, text, score in sorted(boxes, key=lambda b: (b[1], b[0])):
        if out and abs(y - out[-1][1]) <= 12:
            ox, oy, otext, oscore = out[-1]
            out[-1] = (ox, oy, otext + text, min(oscore, score))
        else:
            out.append((x, y, text, score))
    return out


def _straighten(image):
    """Rotate the page so that its rulings are level: the angle (within ±3°, 0.1° steps) whose
    row profile of ink is sharpest, measured on a half-size copy."""
    import cv2
    import numpy as np

    ink = cv2.adaptiveThreshold(
        image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    small = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small.shape

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        profile = cv2.warpAffine(small, matrix, (w, h)).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    angle = max(np.arange(-3.0, 3.01, 0.1), key=sharpness)
    if abs(angle) < 0.05:
        return image
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _positions(profile, threshold: float) -> list[int]:
    """Centres of the runs where a projection of ruling pixels passes the threshold."""
    out, start = [], None
    for i, v in enumerate(list(profile) + [0]):
        if v >= threshold and start is None:
            start = i
        elif v < threshold and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def _cell_boxes(image):
    """Row and column ruling positions and, per elementary cell, the anchor of its merged cell."""
    import cv2
    import numpy as np

    ink = cv2.adaptiveThreshold(
        image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    h, w = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(20, w // 40)), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(20, h // 60), 1), np.uint8))
    rows_y = _positions((horizontal > 0).sum(axis=1), w * 0.08)
    cols_x = _positions((vertical > 0).sum(axis=0), h * 0.04)
    if len(rows_y) < 2 or len(cols_x) < 2:
        return None
    # a ruling between two neighbouring cells is there when most of its length has ink
    band = 3

    def ruled_h(y: int, x0: int, x1: int) -> bool:  # horizontal ruling at y between x0 and x1
        strip = horizontal[
            max(0, y - band) : y + band + 1, x0 + band : max(x0 + band + 1, x1 - band)
        ]
        return strip.any(axis=0).mean() > 0.6

    def ruled_v(x: int, y0: int, y1: int) -> bool:
        strip = vertical[y0 + band : max(y0 + band + 1, y1 - band), max(0, x - band) : x + band + 1]
        return strip.any(axis=1).mean() > 0.6

    n_rows, n_cols = len(rows_y) - 1, len(cols_x) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the top-left cell is the anchor

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not ruled_v(cols_x[c + 1], rows_y[r], rows_y[r + 1]):
                union((r, c), (r, c + 1))
            if r + 1 < n_rows and not ruled_h(rows_y[r + 1], cols_x[c], cols_x[c + 1]):
                union((r, c), (r + 1, c))
    anchor_of = {p: find(p) for p in parent}
    return np.array(rows_y), np.array(cols_x), anchor_of
