"""The `nlp-eval` command line: each command parses options, calls one library function, renders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from nlp_eval.errors import NlpEvalError


def _plain_metavars(command: Any) -> None:
    """Help shows FILES..., [zh|en], PATH, TEXT as click and ruff do, not Python types (<bool>).

    typer vendors its own click and describes types by `type_descriptor`.
    """
    for param in command.params:
        if param.metavar is not None:
            continue
        desc = param.type_descriptor
        if param.param_type_name == "argument":
            param.metavar = param.name.upper()
            param.display_type_rich = lambda ctx: None  # the name says it: FILES, TARGET
        elif getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        elif desc.is_choice:
            param.metavar = "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices) + "]"
        elif desc.is_path:
            param.metavar = "PATH"
        else:
            param.metavar = "TEXT"


class _PlainHelpGroup(typer.core.TyperGroup):
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _plain_metavars(command)
            _plain_help_option(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_metavars(self)
        _plain_help_option(self, ctx)
        super().format_help(ctx, formatter)


def _plain_help_option(command: Any, ctx: Any) -> None:
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        help_option.metavar = ""


app = typer.Typer(
    cls=_PlainHelpGroup,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    # Plain click help: typer's rich help imports rich.markdown and friends, which cost more
    # than the whole of `--help` may (issue 14: ≤ 0.3 s).
    rich_markup_mode=None,
    help="评价绩效自评表的文字质量 / Measure the language quality of performance self-evaluation tables.",
)


def _show_version(value: bool) -> None:
    if value:
        from nlp_eval import __version__

        typer.echo(f"nlp-eval {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """评价绩效自评表的文字质量 / Measure the language quality of performance self-evaluation tables."""


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "": "green"}


def _summary(line: str, worst: str, *, quiet: bool) -> None:
    """The run's last line on stderr: coloured by the worst severity on a terminal, plain piped."""
    if quiet:
        return
    from rich.console import Console

    Console(stderr=True, highlight=False).print(line, style=SEVERITY_STYLE.get(worst, ""))


def _worst(findings: list) -> str:
    from nlp_eval.rules import SEVERITY_ORDER

    return str(max((f.severity for f in findings), key=SEVERITY_ORDER.get, default=""))


def _stdin_inputs(files: list[Path], directory: Path) -> list[Path]:
    """`-` among the inputs reads a tidy csv from stdin (an editor or a script, no file)."""
    if Path("-") not in files:
        return files
    from nlp_eval.lint import read_stdin

    saved = read_stdin(sys.stdin.buffer, directory)
    return [saved if f == Path("-") else f for f in files]


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on
    BAD_INPUT = 2  # usage error, unreadable input (a batch still reads the other files)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit status 2, never a traceback.

    One line per problem the error lists, control characters escaped. Output errors too: a
    full disk or a closed stdout is one line naming the output; a reader that stops reading
    (`nlp-eval lint … | head`) ends the run quietly.
    """
    from nlp_eval.safe import terminal

    try:
        yield
        sys.stdout.flush()  # a full disk under stdout shows here, not after exit
    except NlpEvalError as err:
        for line in err.lines():
            typer.echo(f"nlp-eval: error: {terminal(line)}", err=True)
        raise typer.Exit(ExitStatus.BAD_INPUT) from None
    except BrokenPipeError:
        # stdout's reader is gone: further writes (and Python's own flush at exit) would fail
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(ExitStatus.OK) from None
    except OSError as err:
        where = terminal(os.fsdecode(err.filename)) if err.filename else "output"
        typer.echo(f"nlp-eval: error: {where}: {err.strerror or err}", err=True)
        raise typer.Exit(ExitStatus.BAD_INPUT) from None


@contextmanager
def _limits(settings: list[str] | None) -> Iterator[None]:
    """Read with the defaults of nlp_eval.io.limits, raised by --limit NAME=VALUE."""
    from nlp_eval.io import limits

    with limits.use(limits.parse(settings or ())):
        yield


def _input_path(value: str) -> Path | str:
    """An input path; "" stays "" (Path("") would be the current folder) and is reported."""
    return Path(value) if value else value


LimitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        metavar="NAME=VALUE",
        help="Raise a reading limit, e.g. max_rows=500000 (see docs/limits.md).",
    ),
]


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


EngineOption = Annotated[
    Engine, typer.Option("--engine", help="local processes, or a Dask cluster (nlp-eval[dask]).")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler (default: a LocalCluster)."
    ),
]


# issue 9: tidy tables (target/completion columns) inside a folder are skipped unless asked for
TidyOption = Annotated[
    bool,
    typer.Option(
        "--tidy", help="Also read tidy tables (target/completion columns) found in folders."
    ),
]


@contextmanager
def _engine(engine: Engine, scheduler: str | None) -> Iterator[object | None]:
    """None for the local engine, else a Dask client (nlp_eval.engine)."""
    if engine is Engine.local:
        if scheduler:
            raise NlpEvalError("--scheduler needs --engine dask")
        yield None
        return
    from nlp_eval.engine import dask_client

    with dask_client(scheduler) as client:
        yield client


class TableFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


# ---------------------------------------------------------------- read (issue 2)


@app.command()
def read(
    files: Annotated[
        list[Path],
        typer.Argument(help="Tables or directories (read recursively).", parser=_input_path),
    ],
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
    limit: LimitOption = None,
    tidy: TidyOption = False,
) -> None:
    """Read tables into the tidy table: one row per target/completion pair."""
    from nlp_eval.io import read_files, write_table
    from nlp_eval.output import refuse_input_as_output

    with _one_line_errors(), _limits(limit):
        if fmt is TableFormat.parquet and out is None and sys.stdout.isatty():
            raise NlpEvalError("--format parquet writes a binary file: give it with -o FILE")
        refuse_input_as_output(out, files)
        refuse_input_as_output(unplaced, files)
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
    details: Annotated[
        bool, typer.Option("--details", help="Also show the features: tokens, quantities…")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    model: Annotated[Path | None, typer.Option(help="Classifier model (default: shipped).")] = None,
) -> None:
    """Feedback on one pair: its label in words, each finding with a fix, a rewrite direction."""
    import json

    from nlp_eval.compare import explain as explain_pair
    from nlp_eval.compare import explain_text
    from nlp_eval.feedback import feedback, feedback_text
    from nlp_eval.place import words

    with _one_line_errors():
        answer = feedback(target, completion, indicator, lang=lang.value, model=model)
        features = explain_pair(target, completion, indicator)
    if fmt is ExplainFormat.json:  # every feature as before, the feedback beside them
        typer.echo(json.dumps({**features, "feedback": answer}, ensure_ascii=False, indent=2))
        return
    typer.echo(feedback_text(answer, lang.value))
    if details:
        w = words(lang.value)
        typer.echo(f"\n{w['features']}{w['colon'].rstrip()}\n{explain_text(features)}")
    else:
        typer.echo(f"\n{words(lang.value)['details_hint']}")


# ---------------------------------------------------------------- score (issue 5)


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


@app.command()
def score(
    files: Annotated[
        list[Path],
        typer.Argument(help="Tables or directories (read recursively).", parser=_input_path),
    ],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Default: stdout (xlsx needs a file).")
    ] = None,
    why: Annotated[
        str | None,
        typer.Option("--why", metavar="PROJECT", help="Lines that cost PROJECT points."),
    ] = None,
    old_why: Annotated[
        str | None, typer.Option("--explain", metavar="PROJECT", hidden=True)
    ] = None,  # the spelling before --why, kept for one release
    select: Annotated[list[str] | None, typer.Option(help="Codes or prefixes: C,R001.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Codes or prefixes to skip.")] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="Exit 1 on a finding this severe.")
    ] = None,
    suppress: Annotated[
        Path | None, typer.Option(help="CSV/TSV of project, indicator, code, reason to silence.")
    ] = None,
    extra: Annotated[
        list[Path] | None, typer.Option("--rules", help="Extra rules.toml files.")
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Classifier model (default: shipped).")] = None,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    limit: LimitOption = None,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    tidy: TidyOption = False,
) -> None:
    """Score projects, documents and units (0-100, 优/良/中/差) and write a report."""
    from nlp_eval.lint import Linted, failing, summary_line
    from nlp_eval.output import refuse_input_as_output
    from nlp_eval.place import words
    from nlp_eval.report import write_report
    from nlp_eval.report.text import progress
    from nlp_eval.score import STAGES, run

    with (
        _one_line_errors(),
        _limits(limit),
        _engine(engine, scheduler) as client,
        progress(STAGES, show=len(files) > 1 or Path(files[0]).is_dir()) as step,
    ):
        refuse_input_as_output(out, files)
        scores = run(
            files, model=model, lang=lang.value, step=step, select=select or (),
            ignore=ignore or (), suppressions=suppress, extra_rules=extra or (), client=client,
            tidy=tidy,
        )  # fmt: skip
        step("write")
        write_report(scores, fmt.value, out, explain=why or old_why)
    for problem in scores.problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    linted = Linted(scores.pairs, scores.findings, lang.value)
    if out is not None and not quiet:
        typer.echo(words(lang.value)["wrote"].format(path=out), err=True)
    read = scores.provenance.inputs if scores.provenance else []
    files_read = len(read) - len(scores.problems)
    _summary(summary_line(linted, files_read, lang.value), _worst(scores.findings), quiet=quiet)
    if scores.problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)
    if fail_on is not None and failing(scores.findings, fail_on.value):
        raise typer.Exit(ExitStatus.FINDINGS)


# ---------------------------------------------------------------- corpus (issue 6)


class CorpusBy(StrEnum):
    year = "year"
    unit = "unit"
    region = "region"


@app.command()
def corpus(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Tables, directories, declaration folders.", parser=_input_path),
    ],
    out: Annotated[Path, typer.Option("--output", "-o", help="Directory for tables and charts.")],
    by: Annotated[CorpusBy, typer.Option(help="Groups for measures and terms.")] = CorpusBy.year,
    parquet: Annotated[bool, typer.Option(help="Also write .parquet tables.")] = False,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
    limit: LimitOption = None,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
) -> None:
    """Boilerplate clusters, year-over-year carry-over, measures and distinctive terms."""
    from nlp_eval.corpus import analyse, load, prepare_output, stderr_progress, write

    with _one_line_errors(), _limits(limit), _engine(engine, scheduler) as client:
        prepare_output(out)
        table, problems = load(paths, stderr_progress, client=client)
        for problem in problems:
            typer.echo(f"nlp-eval: error: {problem}", err=True)
        if table.empty:
            raise NlpEvalError("no pairs could be read")
        result = analyse(table, by=by.value, progress=stderr_progress, client=client)
        write(result, out, parquet=parquet, lang=lang.value)
    typer.echo(result.summary(lang.value))
    if problems:
        raise typer.Exit(ExitStatus.BAD_INPUT)


# ---------------------------------------------------------------- lint, rules, train, evaluate (issue 4)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
def lint(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Tables or directories (read recursively); - reads a tidy csv from stdin.",
            parser=_input_path,
        ),
    ],
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes (default: the cores available)."),
    ] = None,
    limit: LimitOption = None,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    tidy: TidyOption = False,
) -> None:
    """Label every pair and list findings: file cell:project:indicator: CODE severity message → fix."""
    import tempfile

    from nlp_eval.lint import failing, lint_files, render, summary_line
    from nlp_eval.parallel import available_cores, progress_bar
    from nlp_eval.rules import load_rules

    with (
        _one_line_errors(),
        _limits(limit),
        tempfile.TemporaryDirectory() as scratch,
        _engine(engine, scheduler) as client,
        progress_bar("nlp-eval lint") as bar,
    ):
        inputs = _stdin_inputs(files, Path(scratch))
        linted, problems = lint_files(
            inputs, model=model, select=select or (), ignore=ignore or (), lang=lang.value,
            suppressions=suppress, rules=load_rules(*(extra or ())),
            jobs=jobs or available_cores(), progress=bar, client=client, tidy=tidy,
        )  # fmt: skip
        sys.stdout.write(render(linted, fmt.value))
    for problem in problems:
        typer.echo(f"nlp-eval: error: {problem}", err=True)
    documents = int(linted.table["doc"].nunique()) if len(linted.table) else 0
    _summary(summary_line(linted, documents, lang.value), _worst(linted.findings), quiet=quiet)
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


# ---------------------------------------------------------------- serve (issue 15)


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Tables or directories to run at start.")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond loopback a token is required.")
    ] = "127.0.0.1",
    db: Annotated[
        Path | None, typer.Option(help="Review database (SQLite; default: in the data folder).")
    ] = None,
    data: Annotated[
        Path | None, typer.Option(help="Data folder for uploads and runs (~/.nlp-eval/serve).")
    ] = None,
    max_upload: Annotated[int, typer.Option(help="Upload size limit in MB.")] = 200,
) -> None:
    """A local review page: upload tables, review findings, export decisions (extra `serve`)."""
    from nlp_eval.serve import serve as run_server  # the web stack loads only here

    with _one_line_errors():
        run_server(paths or [], host=host, port=port, db=db, data=data,
                   max_upload_mb=max_upload, echo=typer.echo)  # fmt: skip
