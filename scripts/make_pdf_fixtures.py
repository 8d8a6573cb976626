"""Build the PDF / .doc / .wps / .et / scan fixtures of tests/fixtures/pdf/ the way users get them.

Units print their Excel/Word tables to PDF (ruled, landscape for the wide layout, long tables
running over pages with the header row repeated) or save them in old Word/WPS formats; scans
are the printed page photographed or scanned slightly askew. So this script:
- takes the reader's xlsx/docx fixtures (tests/fixtures/io, built by make_fixtures.py) and the
  seed (as its wide workbook), gives their cells the thin ruling of a printed form, wraps text,
  sets landscape fit-to-width pages, and exports them to PDF with LibreOffice;
- writes long tables that cross pages (Word: repeated header row; Calc: print-title rows), a
  document with one basic-information table and one indicator table per project, and a table
  without any ruling (text alignment only);
- saves Word tables as .doc (and a copy as .wps, WPS Writer's binary format is Word's) and a
  workbook as .xls under the name .et (WPS Spreadsheets' format is Excel's BIFF);
- rasterises a PDF page with pdftoppm at 150 dpi, rotates it by 0.6°, adds noise and wraps the
  image into an image-only PDF (a scan).
expected/<file>.tsv lists the pairs put in, from the data, never from the reader's output.

Run: python scripts/make_pdf_fixtures.py   (needs soffice and pdftoppm; takes about a minute)
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_fixtures as mf  # noqa: E402  (the projects and canonical labels of the io fixtures)

IO = ROOT / "tests" / "fixtures" / "io"
OUT = ROOT / "tests" / "fixtures" / "pdf"
SEED = ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv"
THIN = Side(style="thin", color="000000")


def soffice(files: list[Path], target: str, outdir: Path, profile: Path) -> None:
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to"]
        + [target, "--outdir", str(outdir)]
        + [str(f) for f in files],
        check=True,
        capture_output=True,
        timeout=600,
    )


# ------------------------------------------------------------------ printed forms


def ruled_workbook(
    src: Path,
    dst: Path,
    *,
    landscape: bool,
    title_rows: str = "",
    max_width: int = 30,
    pages: int = 1,
) -> None:
    """The workbook as printed: thin ruling on the used cells, wrapped text, scaled to the page.

    `pages`: how many pages down the sheet may take (LibreOffice reads 0 as one page).
    """
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        widths: dict[int, float] = {}
        for row in ws.iter_rows():
            for cell in row:
                cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                if cell.value is not None and not isinstance(cell, openpyxl.cell.MergedCell):
                    n = len(str(cell.value)) * 2
                    widths[cell.column] = max(widths.get(cell.column, 8), min(n, max_width))
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        # rows as tall as their wrapped text (LibreOffice keeps the stored height on import)
        for row in ws.iter_rows():
            lines = 1
            for cell in row:
                if cell.value is not None and not isinstance(cell, openpyxl.cell.MergedCell):
                    width = widths.get(cell.column, 9)
                    lines = max(lines, -(-len(str(cell.value)) * 2 // int(width)))
            ws.row_dimensions[row[0].row].height = 18 * lines
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        # all columns on the page width, the rows over `pages` pages at most
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = pages
        if title_rows:
            ws.print_title_rows = title_rows
    wb.save(dst)


def rule_table(table) -> None:
    """Give a Word table the single-line ruling of a printed form."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def repeat_header(row) -> None:
    """Word's "repeat as header row at the top of each page"."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def ruled_document(src: Path, dst: Path, *, landscape: bool = False) -> None:
    d = docx.Document(str(src))
    for table in d.tables:
        rule_table(table)
    if landscape:
        landscape_section(d)
    d.save(str(dst))


def landscape_section(d) -> None:
    s = d.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = s.page_height, s.page_width


def seed_workbook(dst: Path) -> None:
    """The seed (a TSV export of a wide 自评表) as the workbook it was exported from."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    with SEED.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            ws.append([_typed(v) for v in row])
    wb.save(dst)


def _typed(value: str):
    """Numbers as numbers (7.78, 100% as 1.0 with a percent format is what Excel keeps)."""
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value or None


# ------------------------------------------------------------------ long and split tables


INDICATOR_HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
INDICATOR_HEAD += ["偏差原因分析及改进措施"]


def long_project() -> mf.Project:
    """One project with the indicators of all fixture projects: a table over several pages."""
    indicators = []
    for p in (mf.EDU, mf.ROAD, mf.HEALTH, mf.WATER, mf.WASTE, mf.PARK):
        for ind in p.indicators:
            if isinstance(ind.target, tuple) or ind.level1.split("(")[0] not in mf.CANON1:
                continue
            reason = ind.reason or ""
            if len(indicators) % 7 == 3:  # tall rows, so that the page break cuts some of them
                reason = (
                    (reason or "已完成")
                    + "。"
                    + "；".join(
                        f"第{k}季度按计划推进，资金按进度拨付，台账资料完整" for k in range(1, 5)
                    )
                )
            indicators.append(replace(ind, level1=ind.level1.split("(")[0], reason=reason))
    indicators.sort(key=lambda i: list(mf.CANON1).index(i.level1))
    return replace(mf.HEALTH, name="城乡社区综合服务能力提升工程", indicators=indicators)


def split_tables_docx(dst: Path, projects: list[mf.Project], *, ruled: bool = True) -> None:
    """Per project a basic-information table and an indicator table whose header repeats."""
    d = docx.Document()
    for p in projects:
        d.add_paragraph(f"2022年度{p.name}项目支出绩效自评表")
        info = d.add_table(rows=4, cols=4)
        for r, (k, v, k2, v2) in enumerate(
            [
                ("项目名称", p.name, "主管部门", p.dept),
                ("实施单位", p.unit, "执行率", p.budget[3]),
                ("年度目标", p.goal, "", ""),
                ("实际完成情况", p.done, "", ""),
            ]
        ):
            info.cell(r, 0).text = k
            if k2:
                info.cell(r, 1).text, info.cell(r, 2).text, info.cell(r, 3).text = v, k2, v2
            else:
                info.cell(r, 1).merge(info.cell(r, 3)).text = v
        d.add_paragraph("绩效指标完成情况")  # Word joins two tables with nothing between them
        head = INDICATOR_HEAD
        t = d.add_table(rows=1 + len(p.indicators), cols=len(head))
        for c, h in enumerate(head):
            t.cell(0, c).text = h
        repeat_header(t.rows[0])
        for col in (0, 1):  # one merged label over the rows that share it
            start = 0
            for i in range(1, len(p.indicators) + 1):
                key = [(x.level1, x.level2)[: col + 1] for x in p.indicators]
                if i == len(p.indicators) or key[i] != key[start]:
                    cell = t.cell(1 + start, col)
                    if i - 1 > start:
                        cell = cell.merge(t.cell(i, col))
                    cell.text = (p.indicators[start].level1, p.indicators[start].level2)[col]
                    start = i
        for i, ind in enumerate(p.indicators):
            values = [ind.name, ind.target_text, ind.completion, ind.weight, ind.points, ind.reason]
            for c, v in enumerate(values, start=2):
                t.cell(1 + i, c).text = v
        widths = [Cm(1.6), Cm(1.8), Cm(3.2), Cm(2.6), Cm(2.6), Cm(1.0), Cm(1.0), Cm(3.4)]
        t.autofit = False
        for c, w in enumerate(widths):
            t.columns[c].width = w
            for cell in t.columns[c].cells:
                cell.width = w
        if ruled:
            rule_table(info)
            rule_table(t)
        d.add_paragraph("")
    d.save(str(dst))


def long_workbook(dst: Path, p: mf.Project) -> None:
    """A long indicator sheet printed with its header row as print title on every page."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    ws.append([f"2022年度{p.name}项目支出绩效自评表"])
    ws.merge_cells("A1:H1")
    ws.append(["项目名称", p.name, "实施单位", p.unit])
    ws.append(INDICATOR_HEAD)
    for ind in p.indicators:
        ws.append(
            [ind.level1, ind.level2, ind.name, ind.target_text, ind.completion]
            + [_typed(ind.weight), _typed(ind.points), ind.reason]
        )
    first = 4
    for col in (1, 2):  # merged labels down the rows that share them
        start = first
        for r in range(first + 1, ws.max_row + 2):
            if (
                r > ws.max_row
                or ws.cell(r, col).value != ws.cell(start, col).value
                or (col == 2 and ws.cell(r, 1).value != ws.cell(start, 1).value)
            ):
                if r - 1 > start:
                    ws.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
                start = r
    tmp = dst.with_suffix(".plain.xlsx")
    wb.save(tmp)
    ruled_workbook(tmp, dst, landscape=False, title_rows="3:3", max_width=11, pages=3)
    tmp.unlink()


def expected(name: str, projects: list[mf.Project]) -> None:
    out = OUT / "expected" / f"{name}.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["project", "level1", "level2", "indicator", "target", "completion"])
        for p in projects:
            for i in p.indicators:
                l1 = mf.CANON1.get(i.level1.split("(")[0], "")
                w.writerow(
                    [p.name, l1, mf.CANON2.get(i.level2, ""), i.name, i.target_text, i.completion]
                )


# ------------------------------------------------------------------ scans


def scan(pdf: Path, dst: Path, *, page: int = 1, dpi: int = 150, angle: float = 0.6) -> None:
    """One page printed and scanned: rasterised, slightly rotated, speckled, image-only PDF."""
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png"]
            + [str(pdf), str(base)],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("page*.png"))).convert("L")
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        pixels = np.asarray(image).astype(np.int16)
        rng = np.random.default_rng(11)
        pixels = pixels + rng.normal(0, 12, pixels.shape).astype(np.int16)
        speckle = rng.random(pixels.shape) < 0.002
        pixels[speckle] = 0
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(dst, "PDF", resolution=dpi)


# ------------------------------------------------------------------ main


def main() -> None:
    (OUT / "expected").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work, profile = Path(tmp) / "src", Path(tmp) / "profile"
        work.mkdir()
        to_pdf: list[Path] = []
        # the io fixtures, printed with ruling; the wide one landscape
        for name in (
            "national_2021_tongshan.xlsx",
            "yunnan_2021_qilin.xlsx",
            "declaration_2023_xinqiao.xlsx",
            "mirror_2021_tongshan_trad.xlsx",
            "wide_2021_haizhu.xlsx",
        ):
            dst = work / name
            ruled_workbook(IO / name, dst, landscape=name.startswith("wide"))
            to_pdf.append(dst)
            shutil.copy(IO / "expected" / f"{name}.tsv", OUT / "expected" / f"{dst.stem}.pdf.tsv")
        dst = work / "sichuan_2023_pidu.docx"
        ruled_document(IO / "sichuan_2023_pidu.docx", dst)
        to_pdf.append(dst)
        shutil.copy(
            IO / "expected" / "sichuan_2023_pidu.docx.tsv",
            OUT / "expected" / "sichuan_2023_pidu.pdf.tsv",
        )
        # the same Sichuan document without ruling: text alignment only
        dst = work / "borderless_2023_pidu.docx"
        shutil.copy(IO / "sichuan_2023_pidu.docx", dst)
        to_pdf.append(dst)
        shutil.copy(
            IO / "expected" / "sichuan_2023_pidu.docx.tsv",
            OUT / "expected" / "borderless_2023_pidu.pdf.tsv",
        )
        # the seed as its wide workbook, landscape over several pages
        seed = work / "seed_longgang_2020.plain.xlsx"
        seed_workbook(seed)
        ruled_workbook(seed, work / "seed_longgang_2020.xlsx", landscape=True, pages=3)
        to_pdf.append(work / "seed_longgang_2020.xlsx")
        # long tables over pages: Word (repeated header row, rows cut by the break), Calc (print titles)
        long = long_project()
        split_tables_docx(work / "long_2022_community.docx", [long])
        to_pdf.append(work / "long_2022_community.docx")
        expected("long_2022_community.pdf", [long])
        long_workbook(work / "long_2022_community_calc.xlsx", long)
        to_pdf.append(work / "long_2022_community_calc.xlsx")
        expected("long_2022_community_calc.pdf", [long])
        # two projects in one document: two pairs of tables
        two = [replace(mf.ROAD, name="农村公路养护工程"), mf.WATER]
        split_tables_docx(work / "two_tables_2022.docx", two)
        to_pdf.append(work / "two_tables_2022.docx")
        expected("two_tables_2022.pdf", two)
        soffice(to_pdf, "pdf", OUT, profile)
        # old binary formats: .doc (and the same bytes as .wps), .xls as .et
        shutil.copy(IO / "sichuan_2023_pidu.docx", work / "sichuan_2023_pidu_doc.docx")
        split_tables_docx(work / "two_tables_2022_doc.docx", two)
        soffice(
            [work / "sichuan_2023_pidu_doc.docx", work / "two_tables_2022_doc.docx"],
            "doc",
            OUT,
            profile,
        )
        shutil.copy(
            IO / "expected" / "sichuan_2023_pidu.docx.tsv",
            OUT / "expected" / "sichuan_2023_pidu_doc.doc.tsv",
        )
        expected("two_tables_2022_doc.doc", two)
        shutil.copy(OUT / "two_tables_2022_doc.doc", OUT / "two_tables_2022_wps.wps")
        expected("two_tables_2022_wps.wps", two)
        shutil.copy(IO / "poverty_2021_funan.xls", OUT / "poverty_2021_funan_et.et")
        shutil.copy(
            IO / "expected" / "poverty_2021_funan.xls.tsv",
            OUT / "expected" / "poverty_2021_funan_et.et.tsv",
        )
        # bad input: a password-protected PDF and a truncated one
        locked = 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        locked += '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
        shutil.copy(work / "two_tables_2022.docx", work / "bad_password.docx")
        soffice([work / "bad_password.docx"], locked, OUT, profile)
    (OUT / "bad_truncated.pdf").write_bytes((OUT / "two_tables_2022.pdf").read_bytes()[:3000])
    # a scan of the first page of the two-project document (its first project's tables)
    scan(OUT / "two_tables_2022.pdf", OUT / "scan_2022_road.pdf", angle=-0.4)


if __name__ == "__main__":
    main()
