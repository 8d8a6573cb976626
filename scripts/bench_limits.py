"""Peak memory and time of reading the largest tables the limits let through (issue 12).

    python scripts/bench.py limits              # 50,000 rows, a large real export
    python scripts/bench.py limits --n 200000   # max_rows, the default limit

One xlsx, docx and csv of n indicator rows each (tidy columns, Chinese text), each read by
read_files in a fresh process; the baseline is a fresh process that imports the same
libraries and reads nothing. Printed: file size, seconds, peak RSS and RSS over the baseline.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["project", "level1", "level2", "indicator", "target", "completion", "weight"]

CHILD = """
import resource, sys, time
import openpyxl, docx, pandas
from nlp_eval.io import read_files
started = time.perf_counter()
pairs = len(read_files([sys.argv[1]]).table) if sys.argv[1] != "-" else 0
seconds = time.perf_counter() - started
print(pairs, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _rows(n: int):
    for i in range(n):
        yield [
            f"文化惠民项目{i // 50}",
            "产出指标",
            "数量指标",
            f"举办活动场次{i}",
            f"≥{i % 90 + 10}场",
            f"全年举办{i % 90 + 12}场，参与群众{i * 7 % 5000}人次，完成年度目标",
            "5",
        ]


def _csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["target" if h == "target" else h for h in HEADER])
        writer.writerows(_rows(n))


def _xlsx(path: Path, n: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("自评表")
    sheet.append(HEADER)
    for row in _rows(n):
        sheet.append(row)
    book.save(path)


def _docx(path: Path, n: int) -> None:
    source = (
        Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "io" / "sichuan_2023_pidu.docx"
    )

    def tr(cells: list[str]) -> str:
        return (
            "<w:tr>"
            + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in cells)
            + "</w:tr>"
        )

    grid = "".join("<w:gridCol/>" for _ in HEADER)
    body = f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{tr(HEADER)}" + "".join(map(tr, _rows(n)))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:tbl></w:body></w:document>"
    )
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = document.encode() if name == "word/document.xml" else zin.read(name)
            zout.writestr(name, data)


def _measure(path: str) -> tuple[int, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    pairs, seconds, rss = out.stdout.split()
    return int(pairs), float(seconds), float(rss)


def run(n: int | None) -> None:
    n = n or 50_000
    _, _, baseline = _measure("-")
    print(f"{n:,} rows per file; baseline (imports only) peak RSS {baseline:,.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        for suffix, build in ((".csv", _csv), (".xlsx", _xlsx), (".docx", _docx)):
            path = Path(folder) / f"largest{suffix}"
            build(path, n)
            pairs, seconds, rss = _measure(str(path))
            size = path.stat().st_size / 2**20
            print(
                f"{suffix:>6}: {size:6.1f} MB file, {pairs:,} pairs, {seconds:6.1f} s, "
                f"peak RSS {rss:,.0f} MB = baseline + {rss - baseline:,.0f} MB "
                f"({rss / baseline:.2f}x)",
                flush=True,
            )
