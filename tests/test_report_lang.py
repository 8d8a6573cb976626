"""Every report in Chinese by default and in English with --lang en: no stray word of the other
language, apart from rule codes, file names, hashes and the table's own text (never translated)."""

from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.io import read_files

FIXTURES = Path(__file__).parent / "fixtures"
INPUTS = [FIXTURES / "longgang_culture_2020.tsv", FIXTURES / "io" / "national_2021_tongshan.xlsx"]
LEXICONS = Path(__file__).parents[1] / "lexicons"

CODE = re.compile(r"^(?:[A-Z]\d{3}|[A-Z])$")  # C001, or a family letter
HEX = re.compile(r"^[0-9a-f]{6,}$")
# Option names, formats and names of things that are written the same in both languages.
SAME_IN_BOTH = {"nlp", "eval", "select", "ignore", "suppress", "rules", "lang", "zh", "en",
                "sha256", "SHA", "lexicons", "toml", "npz", "default", "details", "xlsx", "tsv",
                "csv", "measures"}  # fmt: skip
# The grade bands are the official words (domain.md §4) and read the same in English reports.
GRADES = {"优", "良", "中", "差"}
TOKEN = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")
# The template's own words (indicator names, 不适用) that English messages tell the writer to
# use in the table: the table's vocabulary, not the report's.
TEMPLATE_WORDS = ("headers.tsv", "level_keywords.tsv", "na_phrases.txt", "category_keywords.tsv")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|'[^']*'|\([^)]*\)")


@cache
def table_text() -> str:
    """All the table's own text and the reader's notes (translated by the reader, issue 9)."""
    result = read_files(INPUTS)
    parts = [str(v) for col in result.table.columns for v in result.table[col].tolist() if v]
    parts += result.reader_problems()["detail"].tolist() + [str(p) for p in INPUTS]
    parts += [(LEXICONS / name).read_text(encoding="utf-8") for name in TEMPLATE_WORDS]
    return "\n".join(parts)


def strays(texts: list[str], lang: str) -> set[str]:
    """Words of the other language in `texts` that are not codes, names or table text."""
    found = set()
    corpus = table_text()
    for text in texts:
        text = PLACEHOLDER.sub(" ", text)  # {page} in the page's own templates
        if lang == "zh":
            for word in TOKEN.findall(text):
                if sum(c.isalpha() for c in word) < 2:
                    continue  # 2026-12-02T16:31 or a unit such as m
                if not (CODE.match(word) or HEX.match(word) or word in SAME_IN_BOTH
                        or word in corpus):  # fmt: skip
                    found.add(word)
        else:
            unquoted = QUOTED.sub(" ", text)  # a message may quote the table's words
            for run in CJK_RUN.findall(unquoted):
                if run not in corpus and run not in GRADES:
                    found.add(run)
    return found


def invoke(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout + result.stderr


def html_texts(page: str) -> list[str]:
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    texts = re.sub(r"<[^>]+>", "\n", visible).split("\n")
    texts += list(data["words"].values()) + data["strings"]
    texts += [f[2] for p in data["projects"] for q in p["pairs"] for f in q[8]]  # severities
    texts += [f[6] for p in data["projects"] for q in p["pairs"] for f in q[8]]  # cells
    return texts


def xlsx_texts(path: Path) -> list[str]:
    book = load_workbook(path)
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                if cell.comment:
                    texts.append(cell.comment.text)
    return texts


def test_every_report_word_exists_in_both_languages():
    words = tomllib.loads((LEXICONS / "report_text.toml").read_text(encoding="utf-8"))
    assert set(words["zh"]) == set(words["en"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_report_speaks_one_language(lang, tmp_path):
    outputs: dict[str, list[str]] = {
        "lint": invoke("lint", *INPUTS, "--lang", lang).splitlines(),
        "score text": invoke("score", *INPUTS, "--lang", lang).splitlines(),
        "score --why": invoke("score", *INPUTS, "--lang", lang, "--why", "办公").splitlines(),
        "explain": invoke(
            "explain", "组织媒体宣传的数量≥3次", "已完成", "--lang", lang
        ).splitlines(),
    }
    page, book = tmp_path / "r.html", tmp_path / "r.xlsx"
    invoke("score", *INPUTS, "--lang", lang, "-f", "html", "-o", page)
    invoke("score", *INPUTS, "--lang", lang, "-f", "xlsx", "-o", book)
    outputs["html"] = html_texts(page.read_text(encoding="utf-8"))
    outputs["xlsx"] = xlsx_texts(book)
    found = {name: strays(texts, lang) for name, texts in outputs.items()}
    assert {name: words for name, words in found.items() if words} == {}
