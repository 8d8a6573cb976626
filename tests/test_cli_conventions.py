"""The command line behaves like the tools people know: --version, -h, plain usage, one summary
line, unknown rule codes refused, score filtering like lint, `lint -` from a pipe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_eval import __version__
from nlp_eval.cli import app

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
TIDY = Path(__file__).parent / "fixtures" / "io" / "tidy_pairs_2022.csv"


def run(*args, **kw):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="nlp-eval", **kw)


def test_version_and_short_help():
    assert run("--version").stdout.strip() == f"nlp-eval {__version__}"
    assert run("-h").exit_code == 0 and "lint" in run("-h").stdout


@pytest.mark.parametrize("command", ["read", "lint", "score", "corpus", "explain", "rules"])
def test_usage_shows_no_python_types(command):
    text = run(command, "-h").stdout
    assert "Usage: nlp-eval" in text
    assert not re.search(r"<(bool|str|path|list\[[^\]]*\])>", text), text


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_rule_code_is_an_error_of_one_line(option):
    result = run("lint", TIDY, option, "Q999")
    assert result.exit_code == 2
    assert result.stderr == "nlp-eval: error: unknown rule Q999; `nlp-eval rules` lists them\n"


def test_an_unknown_code_in_a_suppression_file_is_an_error(tmp_path):
    table = tmp_path / "s.csv"
    table.write_text("project,indicator,code,reason\n*,*,ZZ1,typo\n", encoding="utf-8")
    result = run("score", TIDY, "--suppress", table)
    assert result.exit_code == 2 and "unknown rule ZZ1" in result.stderr


def test_lint_reads_a_tidy_csv_from_stdin_and_ends_with_one_summary_line():
    result = run("lint", "-", input=TIDY.read_bytes())
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("stdin.csv 第")  # traced to the piped table's cell
    assert result.stderr.splitlines()[-1].startswith("1 个文件，3 对，发现")
    assert run("lint", "-", "-q", input=TIDY.read_bytes()).stderr == ""
    english = run("lint", "-", "--lang", "en", input=TIDY.read_bytes())
    assert re.fullmatch(r"1 files, 3 pairs, \d+ findings: .*\n", english.stderr)


def test_score_filters_like_lint_says_what_it_wrote_and_fails_on(tmp_path):
    out = tmp_path / "r.csv"
    result = run("score", SEED, "-f", "csv", "-o", out, "--ignore", "T", "--fail-on", "error")
    assert result.exit_code == 1  # the seed has errors
    assert f"已写入 {out}" in result.stderr and out.stat().st_size > 0
    quiet = run("score", SEED, "-f", "csv", "-o", out, "--select", "T007", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_score_why_and_its_old_spelling():
    new, old = run("score", SEED, "--why", "一般管理"), run("score", SEED, "--explain", "一般管理")
    assert new.exit_code == old.exit_code == 0
    assert "其他一般管理事务" in new.stdout and new.stdout == old.stdout
    assert "--explain" not in run("score", "-h").stdout  # hidden alias
