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
) -> None:
    """Read tables into the tidy table: one row per target/completion pair."""
    from nlp_eval.io import read_files, write_table

    with _one_line_errors():
        result = read_files(files)
        write_table(result.table, fmt.value, out or sys.stdout)
    typer.echo(result.summary(), err=True)
    for problem in result.problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    if result.problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)
