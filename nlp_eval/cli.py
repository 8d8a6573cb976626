"""The `nlp-eval` command line: each command parses options, calls one library function, renders."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nlp_eval.errors import NlpEvalError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="评价绩效自评表的文字质量 / Measure the language quality of performance self-evaluation tables.",
)


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on
    BAD_INPUT = 2  # usage error, unreadable input (a batch still reads the other files)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit status 2, never a traceback."""
    try:
        yield
    except NlpEvalError as err:
        typer.echo(f"nlp-eval: error: {err}", err=True)
        raise typer.Exit(ExitStatus.BAD_INPUT) from None


class Lang(StrEnum):
    zh = "zh"
    en = "en"


# issue 9: tidy tables (target/completion columns) inside a folder are skipped unless asked for
TidyOption = Annotated[
    bool,
    typer.Option(
        "--tidy", help="Also read tidy tables (target/completion columns) found in folders."
    ),
]


class TableFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


# ---------------------------------------------------------------- read (issue 2)


@app.command()
def read(
    files: Annotated[list[Path], typer.Argument(help="Tables or directories (read recursively).")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.csv,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Default: stdout.")] = None,
    unplaced: Annotated[
        Path | None,
        typer.Option(
            "--unplaced",
            help="Also write the cells not placed in the table (CSV with position and reason).",
        ),
    ] = None,
    safe: Annotated[
        bool,
        typer.Option(
            "--safe/--raw",
            help="csv for Excel: prefix ' to cells starting with = + - @ (default: exact text).",
        ),
    ] = False,
    tidy: TidyOption = False,
) -> None:
    """Read tables into the tidy table: one row per target/completion pair."""
    from nlp_eval.io import read_files, write_table

    with _one_line_errors():
        result = read_files(files, tidy=tidy)
        write_table(result.table, fmt.value, out or sys.stdout, safe=safe)
        if unplaced is not None:
            write_table(result.unplaced, "csv", unplaced, safe=safe)
    typer.echo(result.summary(), err=True)
    for problem in result.problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    if result.problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)


# ---------------------------------------------------------------- explain (issue 3)


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="目标 / target text (年度指标值).")],
    completion: Annotated[str, typer.Argument(help="完成情况 / completion text (实际完成值).")],
    indicator: Annotated[str, typer.Option(help="三级指标 name (sets the direction).")] = "",
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f")] = ExplainFormat.text,
) -> None:
    """Show how one target/completion pair is read: normalised text, tokens, quantities, comparison."""
    import json

    from nlp_eval.compare import explain as explain_pair
    from nlp_eval.compare import explain_text

    with _one_line_errors():
        result = explain_pair(target, completion, indicator)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    typer.echo(text if fmt is ExplainFormat.json else explain_text(result))


# ---------------------------------------------------------------- score (issue 5)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


@app.command()
def score(
    files: Annotated[list[Path], typer.Argument(help="Tables or directories (read recursively).")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Default: stdout (xlsx needs a file).")
    ] = None,
    explain: Annotated[
        str | None, typer.Option(metavar="PROJECT", help="Lines that cost PROJECT points.")
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Classifier model (default: shipped).")] = None,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    tidy: TidyOption = False,
) -> None:
    """Score projects, documents and units (0-100, 优/良/中/差) and write a report."""
    from nlp_eval.report import write_report
    from nlp_eval.report.text import progress
    from nlp_eval.score import STAGES, run

    with _one_line_errors(), progress(STAGES, show=len(files) > 1 or files[0].is_dir()) as step:
        scores = run(files, model=model, lang=lang.value, step=step, tidy=tidy)
        step("write")
        write_report(scores, fmt.value, out, explain=explain)
    for problem in scores.problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    if scores.problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)


# ---------------------------------------------------------------- corpus (issue 6)


class CorpusBy(StrEnum):
    year = "year"
    unit = "unit"
    region = "region"


@app.command()
def corpus(
    paths: Annotated[list[Path], typer.Argument(help="Tables, directories, declaration folders.")],
    out: Annotated[Path, typer.Option("--output", "-o", help="Directory for tables and charts.")],
    by: Annotated[CorpusBy, typer.Option(help="Groups for measures and terms.")] = CorpusBy.year,
    parquet: Annotated[bool, typer.Option(help="Also write .parquet tables.")] = False,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
) -> None:
    """Boilerplate clusters, year-over-year carry-over, measures and distinctive terms."""
    from nlp_eval.corpus import analyse, load, prepare_output, stderr_progress, write

    with _one_line_errors():
        prepare_output(out)
        table, problems = load(paths, stderr_progress)
        for problem in problems:
            typer.echo(f"nlp-eval: error: {problem}", err=True)
        if table.empty:
            raise NlpEvalError("no pairs could be read")
        result = analyse(table, by=by.value, progress=stderr_progress)
        write(result, out, parquet=parquet)
    typer.echo(result.summary(lang.value))
    if problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)


# ---------------------------------------------------------------- lint, rules, train, evaluate (issue 4)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@app.command()
def lint(
    files: Annotated[list[Path], typer.Argument(help="Tables or directories (read recursively).")],
    fmt: Annotated[LintFormat, typer.Option("--format", "-f")] = LintFormat.text,
    select: Annotated[list[str] | None, typer.Option(help="Codes or prefixes: C,R001.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Codes or prefixes to skip.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on")] = FailOn.error,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    suppress: Annotated[
        Path | None, typer.Option(help="CSV/TSV of project, indicator, code, reason to silence.")
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Classifier model (default: shipped).")] = None,
    extra: Annotated[
        list[Path] | None, typer.Option("--rules", help="Extra rules.toml files.")
    ] = None,
    tidy: TidyOption = False,
) -> None:
    """Label every pair and list findings: file:project:indicator: CODE severity message → fix."""
    from nlp_eval.lint import failing, lint_files, render
    from nlp_eval.rules import load_rules

    with _one_line_errors():
        linted, problems = lint_files(
            files, model=model, select=select or (), ignore=ignore or (), lang=lang.value,
            suppressions=suppress, rules=load_rules(*(extra or ())), tidy=tidy,
        )  # fmt: skip
        sys.stdout.write(render(linted, fmt.value))
    for problem in problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    if problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)
    raise typer.Exit(
        ExitStatus.FINDINGS if failing(linted.findings, fail_on.value) else ExitStatus.OK
    )


@app.command()
def rules(
    select: Annotated[list[str] | None, typer.Option(help="Codes or prefixes: C,R001.")] = None,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    extra: Annotated[
        list[Path] | None, typer.Option("--rules", help="Extra rules.toml files.")
    ] = None,
) -> None:
    """List every rule: code, name, severity, label and message."""
    from nlp_eval.rules import describe

    with _one_line_errors():
        typer.echo(describe(select=select or (), lang=lang.value, extra=extra or ()))


@app.command()
def train(
    labels: Annotated[
        list[Path], typer.Argument(help="Labelled pairs (TSV/CSV with a label column).")
    ],
    out: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.npz).")],
) -> None:
    """Train the label classifier on labelled pairs and save it."""
    from nlp_eval.model import train_files

    with _one_line_errors():
        typer.echo(train_files(labels, out))


@app.command()
def evaluate(
    labels: Annotated[
        list[Path], typer.Argument(help="Labelled pairs (TSV/CSV with a label column).")
    ],
    model: Annotated[Path | None, typer.Option(help="Classifier model (default: shipped).")] = None,
    rules_only: Annotated[bool, typer.Option(help="Rules alone, no classifier.")] = False,
) -> None:
    """Per-label precision/recall/F1, macro-F1 and confusion matrix of lint's labels."""
    from nlp_eval.model import evaluate_files

    with _one_line_errors():
        typer.echo(evaluate_files(labels, model=False if rules_only else model))
