"""PDF, .doc/.wps/.et and scanned PDF inputs (issue 11).

The files in tests/fixtures/pdf/ were made by scripts/make_pdf_fixtures.py the way users get
them: the io fixtures, the seed and long tables printed to PDF with LibreOffice, Word tables
saved as .doc, a page rasterised, tilted and speckled into an image-only PDF.
expected/<file>.tsv lists the pairs that went into each file.
"""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_io_invariant import lost_cells
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.errors import ReadError
from nlp_eval.io import read_files
from nlp_eval.io.grids import read_grids
from nlp_eval.io.pdf import PdfGrid, join_wrapped

HERE = Path(__file__).parent
PDF = HERE / "fixtures" / "pdf"
SEED = HERE / "fixtures" / "longgang_culture_2020.tsv"
KEY = ["project", "level1", "level2", "indicator", "target", "completion"]
INDICATOR_LEVELS = ("产出", "效益", "满意度")
EXPECTED = sorted((PDF / "expected").glob("*.tsv"))
NEEDS_SOFFICE = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="reading .doc/.wps/.et needs LibreOffice (soffice)"
)


@functools.cache
def read_once(path: Path):
    """Each fixture is read once per session (PDF reading costs about a second a page)."""
    return read_files([path])


def pairs_of(table: pd.DataFrame) -> list[tuple]:
    rows = table[table["level1"].isin(INDICATOR_LEVELS)]
    return list(rows[KEY].itertuples(index=False, name=None))


def converted(path: Path) -> bool:
    return path.suffix in (".doc", ".wps", ".et")


def cases() -> list:
    out = []
    for expected in EXPECTED:
        source = PDF / expected.name[: -len(".tsv")]
        marks = [NEEDS_SOFFICE] if converted(source) else []
        out.append(pytest.param(source, expected, id=source.name, marks=marks))
    return out


@pytest.mark.parametrize(("source", "expected"), cases())
def test_every_pair_comes_back_exact_and_in_order(source, expected):
    result = read_once(source)
    assert result.problems == []
    want = list(
        pd.read_csv(expected, sep="\t", dtype=str, keep_default_na=False).itertuples(
            index=False, name=None
        )
    )
    assert pairs_of(result.table) == want
    assert result.unplaced.empty


def test_seed_printed_landscape_reads_like_the_seed():
    printed = read_once(PDF / "seed_longgang_2020.pdf")
    assert printed.problems == []
    assert pairs_of(printed.table) == pairs_of(read_files([SEED]).table)


def pdf_cells(path: Path):
    """(page, row, column, text) of every non-empty anchor cell, and every dropped cell."""
    for grid in read_grids(path):
        assert isinstance(grid, PdfGrid)
        for r, row in enumerate(grid.rows):
            page, page_row = grid.places[r]
            for c, text in enumerate(row):
                if text and grid.is_anchor(r, c):
                    yield f"page {page}", page_row, c + 1, text


PDFS = sorted(p for p in PDF.glob("*.pdf") if not p.name.startswith(("bad_", "scan_")))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_nothing_lost_every_cell_is_placed_consumed_or_unplaced(path):
    assert lost_cells(path, read_once(path), cells=pdf_cells) == []


def test_long_table_over_pages_header_repeats_dropped_cut_rows_joined():
    path = PDF / "long_2022_community.pdf"
    result = read_once(path)
    t = result.table
    pages = {s.split(":")[1] for s in t["source"] if s}
    assert len(pages) >= 4  # the indicator table runs over four pages or more
    repeats = result.consumed[result.consumed["role"] == "repeated header"]
    assert set(repeats["sheet"]) >= pages - {"page 1"}
    assert set(repeats["text"]) >= {"一级指标", "三级指标", "年度指标值"}
    # rows with a long 偏差原因 run over a page break in Word: each reason comes back whole
    long_reasons = [r for r in t["reason"] if "第1季度" in r]
    assert len(long_reasons) >= 4
    assert all("第4季度按计划推进，资金按进度拨付，台账资料完整" in r for r in long_reasons)


def test_source_names_page_row_and_column_of_the_printed_cell():
    import pdfplumber

    path = PDF / "two_tables_2022.pdf"
    t = read_once(path).table
    row = t[t["indicator"] == "水质检测合格率"].iloc[0]
    name, page, r, c = row["source"].split(":")
    assert (name, page) == (path.name, "page 2") or page.startswith("page ")
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[int(page.split()[1]) - 1].extract_text()
    assert "水质检测合格率" in text and row["completion"] in text


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("开展送戏下乡60场，更新图书馆\n图书1.2万册", "开展送戏下乡60场，更新图书馆图书1.2万册"),
        ("满意度\n≥95%", "满意度≥95%"),
        ("public\nlibrary", "public library"),
        ("1.完成建设；\n2.通过验收", "1.完成建设；\n2.通过验收"),
        ("服务率分别为\n66.3%、64.9%", "服务率分别为66.3%、64.9%"),  # a decimal, not item 66.
        ("综合 文化站", "综合文化站"),
        ("\u2f2f程完\u2f2f时间", "工程完工时间"),  # Kangxi radical ⼯ for 工, as some fonts map it
    ],
)
def test_wrapped_cell_text_is_joined_as_read(text, joined):
    assert join_wrapped(text) == joined


@pytest.mark.parametrize(
    ("name", "reason"),
    [("bad_password.pdf", "password-protected PDF"), ("bad_truncated.pdf", "corrupt or not a PDF")],
)
def test_bad_pdf_is_one_line_and_the_batch_goes_on(name, reason):
    result = CliRunner().invoke(app, ["read", str(PDF / name), str(PDF / "two_tables_2022.pdf")])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("nlp-eval: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"nlp-eval: error: {PDF / name}: {reason}")
    assert "1 files, 2 projects," in result.stderr


def test_without_soffice_a_doc_gets_the_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    doc = PDF / "two_tables_2022_doc.doc"
    with pytest.raises(ReadError) as err:
        read_grids(doc)
    assert str(err.value) == (
        f"{doc}: reading .doc needs LibreOffice (soffice) — install it, or save the file as .docx"
    )
    result = CliRunner().invoke(app, ["read", str(doc), str(PDF / "two_tables_2022.pdf")])
    assert result.exit_code == 2 and "1 files, 2 projects," in result.stderr


@NEEDS_SOFFICE
def test_conversion_never_touches_the_input(tmp_path):
    doc = tmp_path / "自评表 (final).doc"
    shutil.copy(PDF / "two_tables_2022_doc.doc", doc)
    before = doc.read_bytes()
    assert pairs_of(read_files([doc]).table)
    assert doc.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [doc.name]  # no lock or output files


def test_scanned_pdf_without_the_ocr_extra_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails as if absent
    scan = PDF / "scan_2022_road.pdf"
    result = read_files([scan])
    assert result.problems == [
        f"{scan}: scanned PDF (no text layer): install nlp-eval[ocr] to read it"
    ]


def test_scanned_page_is_read_by_ocr_from_its_rulings():
    """One page (OCR costs ~20 s of CPU a page): ≥ 80% of its pairs exact, every row marked."""
    pytest.importorskip("rapidocr_onnxruntime", reason="needs the OCR extra: nlp-eval[ocr]")
    result = read_files([PDF / "scan_2022_road.pdf"])
    t = result.table
    want = [
        p
        for p in pd.read_csv(
            PDF / "expected" / "two_tables_2022.pdf.tsv", sep="\t", dtype=str, keep_default_na=False
        ).itertuples(index=False, name=None)
        if p[0] == "农村公路养护工程"  # the project printed on the scanned page
    ]
    got = pairs_of(t)
    assert sum(p in want for p in got) >= 0.8 * len(want)
    assert (t["confidence"] < 1).all()
    assert t["note"].str.contains("read by OCR").all()
    assert result.summary().endswith(", 1 OCR pages")


def test_page_number_and_continued_mark_above_a_continued_table_do_not_break_it():
    from nlp_eval.io.pdf import PageTable, assemble

    columns = [50.0, 120.0, 200.0]
    head = ["一级指标", "二级指标", "三级指标"]
    pieces = [
        PageTable(1, [head, ["产出指标", "数量指标", "道路里程"]], {}, 1, columns),
        PageTable(2, [["- 2 -"]], {}, 1),
        PageTable(2, [["续表"]], {}, 2),
        PageTable(2, [head, ["", "质量指标", "优良率"]], {}, 3, columns),
    ]
    (grid,) = assemble(pieces)
    assert grid.rows == [head, ["产出指标", "数量指标", "道路里程"], ["", "质量指标", "优良率"]]
    assert grid.places == [(1, 1), (1, 2), (2, 4)]
    assert (2, 1, 1, "- 2 -", "page number") in grid.dropped
    assert (2, 2, 1, "续表", "continued-table mark") in grid.dropped
    assert (2, 3, 1, "一级指标", "repeated header") in grid.dropped
    assert grid.filled(2, 0) == "产出指标"  # the merged label continues over the page break
