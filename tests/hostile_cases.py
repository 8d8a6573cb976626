"""Generators of hostile, malformed and huge inputs (issues 12, 16, 17), written into a temp folder.

Nothing here is committed as a file: every case is built at test time, small, and made "over
the limit" by the small limits the tests pass (`--limit max_rows=2000` …), so a bomb never
needs to be big. Each table case says what the reader must do with it:
  "bad"  one line `nlp-eval: error: PATH: reason`, exit 2, the rest of the batch read
  "ok"   read (exit 0, or 1 for lint findings), at least one pair
  "any"  either of the two, but never a traceback, a hang or more than one line
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "io"
SEED = HERE / "fixtures" / "longgang_culture_2020.tsv"
XLSX = FIX / "national_2021_tongshan.xlsx"
DOCX = FIX / "sichuan_2023_pidu.docx"
TIDY = FIX / "tidy_pairs_2022.csv"

# The small limits every hostile run is given: bombs only need to pass these.
SMALL_LIMITS = (
    "max_rows=3000",
    "max_columns=2000",
    "max_cells=200000",
    "max_merged=2000",
    "max_merged_cells=100000",
    "max_unzipped_mb=8",
    "max_file_mb=8",
    "max_cell_chars=300000",
    "seconds=20",
)


@dataclass(frozen=True)
class Case:
    name: str  # unique id, also the file stem
    suffix: str
    build: Callable[[Path], None]  # writes the case to the given path
    expect: str  # "bad" | "ok" | "any"


CASES: list[Case] = []


def case(name: str, suffix: str, expect: str) -> Callable:
    def register(build: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES.append(Case(name, suffix, build, expect))
        return build

    return register


def _members(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(path: Path, members: dict[str, bytes], level: int = 6) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _tidy_csv(rows: list[list[str]]) -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


HEADER = ["doc", "project", "indicator", "target", "completion", "year", "weight"]


def _tidy(path: Path, *rows: list[str]) -> None:
    path.write_text(_tidy_csv([HEADER, *rows]), encoding="utf-8")


def _sheet_xml(body: str, extra: str = "", dimension: str = "A1") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData>{extra}</worksheet>'
    ).encode()


def _inline_row(r: int, texts: list[str]) -> str:
    cells = "".join(
        f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in enumerate(texts)
    )
    return f'<row r="{r}">{cells}</row>'


def _col(c: int) -> str:
    name = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return name


def _xlsx_with_sheet(path: Path, sheet: bytes, level: int = 6) -> None:
    """The national fixture with its first sheet replaced."""
    members = _members(XLSX)
    members["xl/worksheets/sheet1.xml"] = sheet
    _zip(path, members, level)


def _docx_with_body(path: Path, body: str, prolog: str = "") -> None:
    members = _members(DOCX)
    members["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()
    _zip(path, members)


def _docx_table(rows: list[list[str]], span: int = 1) -> str:
    def cell(text: str) -> str:
        props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
        return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    width = max(len(r) for r in rows)
    grid = "".join("<w:gridCol/>" for _ in range(width))
    trs = "".join("<w:tr>" + "".join(cell(t) for t in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl>"


INDICATOR_ROWS = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
    ["产出指标", "数量指标", "培训人数", "≥100人", "120人"],
]

# ------------------------------------------------------------------ damaged zips

for _fraction in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):

    @case(f"truncated_{int(_fraction * 100)}", ".xlsx", "bad")
    def _truncated_xlsx(path: Path, fraction: float = _fraction) -> None:
        data = XLSX.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    @case(f"truncated_{int(_fraction * 100)}_doc", ".docx", "bad")
    def _truncated_docx(path: Path, fraction: float = _fraction) -> None:
        data = DOCX.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])


for _seed in range(8):

    @case(f"corrupted_{_seed}", ".xlsx" if _seed % 2 else ".docx", "any")
    def _corrupted(path: Path, seed: int = _seed) -> None:
        rng = random.Random(seed)
        data = bytearray((XLSX if seed % 2 else DOCX).read_bytes())
        for _ in range(1 + seed * 3):
            at = rng.randrange(30, len(data))
            data[at : at + 8] = rng.randbytes(8)
        path.write_bytes(bytes(data))


@case("zip_central_directory_lies", ".xlsx", "any")
def _lying_directory(path: Path) -> None:
    data = bytearray(XLSX.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 10 : end + 12] = (60000).to_bytes(2, "little")  # entries claimed
    path.write_bytes(bytes(data))


@case("zip_empty_archive", ".xlsx", "bad")
def _empty_zip(path: Path) -> None:
    _zip(path, {})


@case("zip_no_workbook", ".xlsx", "bad")
def _no_workbook(path: Path) -> None:
    members = _members(XLSX)
    del members["xl/workbook.xml"]
    _zip(path, members)


@case("zip_missing_sheet", ".xlsx", "any")
def _missing_sheet(path: Path) -> None:
    members = _members(XLSX)
    del members["xl/worksheets/sheet2.xml"]
    _zip(path, members)


# ------------------------------------------------------------------ bombs


@case("bomb_ratio", ".xlsx", "bad")
def _ratio_bomb(path: Path) -> None:
    # 12 MB of blanks inside the sheet, deflated to a few kB: over max_unzipped_mb and ratio
    filler = " " * (12 << 20)
    _xlsx_with_sheet(path, _sheet_xml(_inline_row(1, ["项目名称"]) + filler.replace(" ", " ")), 9)


@case("bomb_rows", ".xlsx", "bad")
def _rows_bomb(path: Path) -> None:
    rows = "".join(_inline_row(r, ["x", str(r)]) for r in range(1, 4001))
    _xlsx_with_sheet(path, _sheet_xml(rows), 9)


@case("bomb_sparse_far_row", ".xlsx", "bad")
def _far_row(path: Path) -> None:
    # one cell at row 1,000,000: openpyxl would iterate a million empty rows
    _xlsx_with_sheet(path, _sheet_xml(_inline_row(1, ["项目"]) + _inline_row(1_000_000, ["x"])))


@case("bomb_far_column", ".xlsx", "bad")
def _far_column(path: Path) -> None:
    _xlsx_with_sheet(
        path, _sheet_xml('<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>')
    )


@case("bomb_dimension_lie", ".xlsx", "ok")
def _dimension_lie(path: Path) -> None:
    # a dimension claiming the whole sheet, with few cells: judged by the cells, not the claim
    members = _members(XLSX)
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    import re

    members["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet
    ).encode()
    _zip(path, members)


@case("bomb_merged_count", ".xlsx", "bad")
def _merged_count(path: Path) -> None:
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, 2 * 2500, 2))
    extra = f'<mergeCells count="2500">{merges}</mergeCells>'
    _xlsx_with_sheet(path, _sheet_xml(_inline_row(1, ["项目名称", "x"]), extra))


@case("bomb_merged_area", ".xlsx", "bad")
def _merged_area(path: Path) -> None:
    extra = '<mergeCells count="1"><mergeCell ref="A1:ZZ9000"/></mergeCells>'
    _xlsx_with_sheet(path, _sheet_xml(_inline_row(1, ["项目名称"]), extra))


@case("bomb_docx_rows", ".docx", "bad")
def _docx_rows(path: Path) -> None:
    _docx_with_body(path, _docx_table(INDICATOR_ROWS + [["x", "y", "z", "1", "2"]] * 4000))


@case("bomb_docx_span", ".docx", "bad")
def _docx_span(path: Path) -> None:
    _docx_with_body(path, _docx_table(INDICATOR_ROWS * 3, span=1_000_000))


@case("bomb_html_spans", ".html", "bad")
def _html_spans(path: Path) -> None:
    cells = "".join('<td colspan="1000" rowspan="1000">x</td>' for _ in range(40))
    path.write_text(f"<table><tr><td>项目名称</td>{cells}</tr></table>", encoding="utf-8")


@case("bomb_html_nested", ".html", "any")
def _html_nested(path: Path) -> None:
    depth = 20000
    path.write_text("<div>" * depth + "<table><tr><td>项目</td></tr></table>" + "</div>" * depth)


@case("bomb_html_nested_tables", ".html", "any")
def _html_nested_tables(path: Path) -> None:
    depth = 3000
    path.write_text("<table><tr><td>" * depth + "x" + "</td></tr></table>" * depth)


@case("bomb_big_file", ".csv", "bad")
def _big_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("target,completion\n")
        line = "≥100人," + "甲" * 200 + "\n"
        for _ in range((9 << 20) // len(line.encode())):
            out.write(line)


@case("wide_one_line", ".csv", "bad")
def _one_line(path: Path) -> None:
    path.write_text(",".join(f"指标{i}" for i in range(60000)), encoding="utf-8")


@case("wide_10k_columns", ".csv", "bad")
def _ten_k_columns(path: Path) -> None:
    header = ["项目名称", "年度指标值", "实际完成值"] + [f"c{i}" for i in range(10000)]
    path.write_text(_tidy_csv([header, ["甲", "≥1人", "2人"] + ["x"] * 10000]), encoding="utf-8")


@case("wide_near_limit", ".csv", "ok")
def _near_limit(path: Path) -> None:
    rows = [HEADER] + [["d", "p", f"指标{i}", "≥100人", f"{i}人", "2021", "5"] for i in range(2500)]
    path.write_text(_tidy_csv(rows), encoding="utf-8")


@case("long_cell_over_csv_limit", ".csv", "ok")
def _long_cell(path: Path) -> None:
    _tidy(path, ["d", "p", "i", "≥1人", "完成" * 80_000, "2021", "5"])


@case("long_cell_over_limit", ".csv", "bad")
def _too_long_cell(path: Path) -> None:
    _tidy(path, ["d", "p", "i", "≥1人", "完成" * 200_000, "2021", "5"])


# ------------------------------------------------------------------ XML attacks

_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
        for i in range(9)
    )
    + "]>"
)
_XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@case("xml_billion_laughs_sheet", ".xlsx", "bad")
def _laughs_sheet(path: Path) -> None:
    sheet = _sheet_xml(_inline_row(1, ["&lol8;"])).decode()
    sheet = sheet.replace("?>", "?>" + _LAUGHS, 1)
    _xlsx_with_sheet(path, sheet.encode())


@case("xml_xxe_sheet", ".xlsx", "bad")
def _xxe_sheet(path: Path) -> None:
    sheet = _sheet_xml(_inline_row(1, ["&xxe;"])).decode().replace("?>", "?>" + _XXE, 1)
    _xlsx_with_sheet(path, sheet.encode())


@case("xml_xxe_workbook", ".xlsx", "bad")
def _xxe_workbook(path: Path) -> None:
    members = _members(XLSX)
    members["xl/workbook.xml"] = _XXE.encode() + members["xl/workbook.xml"]
    _zip(path, members)


@case("xml_billion_laughs_docx", ".docx", "bad")
def _laughs_docx(path: Path) -> None:
    _docx_with_body(path, _docx_table([["&lol8;"]]), _LAUGHS)


@case("xml_xxe_docx", ".docx", "bad")
def _xxe_docx(path: Path) -> None:
    _docx_with_body(path, _docx_table([["&xxe;"]]), _XXE)


# ------------------------------------------------------------------ random and odd bytes

for _suffix in (".xlsx", ".xlsm", ".xls", ".docx", ".csv", ".tsv", ".txt", ".html", ".htm"):
    for _seed in range(2):

        @case(f"random_{_suffix[1:]}_{_seed}", _suffix, "any")
        def _random(path: Path, seed: int = _seed) -> None:
            path.write_bytes(random.Random(seed).randbytes(4096 * (seed + 1)))

    @case(f"empty_{_suffix[1:]}", _suffix, "bad")
    def _empty(path: Path) -> None:
        path.write_bytes(b"")

    @case(f"zip_magic_only_{_suffix[1:]}", _suffix, "bad")
    def _magic(path: Path) -> None:
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)


@case("bom_only", ".csv", "bad")
def _bom_only(path: Path) -> None:
    path.write_bytes(b"\xef\xbb\xbf")


@case("mixed_utf8_gbk", ".csv", "any")
def _mixed(path: Path) -> None:
    path.write_bytes(
        "target,completion\n≥1人,2人\n".encode() + "≥3人,完成4人\n".encode("gbk") + b"\xff\xfe\n"
    )


@case("utf16_no_bom", ".csv", "any")
def _utf16(path: Path) -> None:
    path.write_bytes("target,completion\n≥1人,2人\n".encode("utf-16-le"))


@case("latin1", ".csv", "any")
def _latin1(path: Path) -> None:
    path.write_bytes("target,completion\ncafé,naïve ÿ\n".encode("latin-1"))


@case("nul_late", ".csv", "any")
def _nul(path: Path) -> None:
    path.write_bytes(b"target,completion\n" + "≥1人,2人\n".encode() * 600 + b"a\x00b,c\n")


@case("lone_surrogate_bytes", ".csv", "any")
def _surrogate_bytes(path: Path) -> None:
    path.write_bytes(b"target,completion\n\xed\xa0\x80,2\n")


@case("lone_surrogate_escaped_json", ".html", "any")
def _surrogate_html(path: Path) -> None:
    path.write_text("<table><tr><td>目标&#xD800;</td><td>完成&#55296;</td></tr></table>")


@case("gbk_good", ".csv", "ok")
def _gbk(path: Path) -> None:
    path.write_bytes(
        _tidy_csv([HEADER, ["d", "项目", "人数", "≥1人", "2人", "2021", "5"]]).encode("gbk")
    )


@case("xlsx_named_xls", ".xls", "ok")
def _xlsx_as_xls(path: Path) -> None:
    path.write_bytes(XLSX.read_bytes())


@case("docx_named_xlsx", ".xlsx", "any")
def _docx_as_xlsx(path: Path) -> None:
    path.write_bytes(DOCX.read_bytes())


@case("header_only_tidy", ".csv", "any")
def _header_only(path: Path) -> None:
    _tidy(path)


@case("control_chars", ".csv", "ok")
def _control(path: Path) -> None:
    _tidy(
        path,
        [
            "d",
            "\x1b]8;;http://evil\x07link\x1b]8;;\x07",
            "\x1b[2J清屏",
            "≥1人",
            "\x1b]0;title\x07",
            "2021",
            "5",
        ],
        ["d", "项目", "人数\x7f", "≥1人", "\x9b31m红\u202e", "2021", "5"],
    )


@case("chart_mathtext", ".csv", "ok")
def _mathtext(path: Path) -> None:
    rows = [
        ["d", f"项目{i}", "人数$x^2$", "$\\frac{1", "完成\\frac{a}{b} $5$ 人", "2021", "5"]
        for i in range(4)
    ]
    _tidy(path, *rows)


# ------------------------------------------------------------------ numbers that do not fit

for _name, _year, _weight in (
    ("year_30_digits", "123456789012345678901234567890", "5"),
    ("weight_30_digits", "2021", "123456789012345678901234567890"),
    ("weight_inf", "2021", "inf"),
    ("weight_minus_inf", "2021", "-inf"),
    ("weight_nan", "2021", "nan"),
    ("weight_1e400", "2021", "1e400"),
    ("year_inf", "inf", "5"),
    ("year_negative", "-99999999999", "5"),
    ("year_fraction", "2021.5", "5"),
    ("weight_infinity_word", "2021", "Infinity"),
):

    @case(_name, ".csv", "ok")
    def _numbers(path: Path, year: str = _year, weight: str = _weight) -> None:
        _tidy(path, ["d", "项目", "人数", "≥1人", "完成2人", year, weight])


@case("points_inf", ".csv", "ok")
def _points_inf(path: Path) -> None:
    path.write_text(
        _tidy_csv([HEADER + ["points"], ["d", "项目", "人数", "≥1人", "2人", "2021", "10", "inf"]]),
        encoding="utf-8",
    )


def build_all(folder: Path) -> dict[str, Path]:
    """Every table case written into folder; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for c in CASES:
        path = folder / f"{c.name}{c.suffix}"
        c.build(path)
        out[c.name] = path
    return out


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
