"""Terminal report: projects ranked by score, then documents and units; `explain` per project."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from nlp_eval.errors import NlpEvalError
from nlp_eval.io.notes import problem_lines
from nlp_eval.place import pair_ref
from nlp_eval.records import LABELS
from nlp_eval.report import severity_word, words
from nlp_eval.score import Scores, explain

GRADE_STYLE = {"优": "bold green", "良": "green", "中": "yellow", "差": "bold red"}


def _console(stream: IO[str]) -> Console:
    # A file or a pipe gets plain text wide enough for Chinese project names.
    tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if tty else 180, highlight=False, emoji=False)


def _num(value: Any) -> str:
    return "" if value is None or value != value else f"{value:.1f}"


def _ranking(scores: Scores, w: dict[str, str]) -> Table:
    table = Table(title=w["ranking"], title_justify="left", show_lines=False)
    for key in ("rank", "score", "grade", "project", "doc"):
        table.add_column(w[key], justify="right" if key in ("rank", "score") else "left")
    for label in LABELS:
        table.add_column(w[label], justify="right")
    table.add_column(w["top_codes"])
    for p in scores.projects.dropna(subset=["score"]).to_dict("records"):
        unscored = p.get("unscored_pairs", 0)
        table.add_row(
            str(p["rank"]),
            _num(p["score"])
            + (f" ({w['unscored_beside'].format(n=unscored)})" if unscored else ""),
            Text(p["grade"], style=GRADE_STYLE.get(p["grade"], "")),
            Text(p["project"]),
            Text(p["doc"]),
            *(str(p[label]) for label in LABELS),
            Text(p["top_codes"]),
        )
    return table


def _aggregate(frame: Any, keys: tuple[str, ...], title: str, w: dict[str, str]) -> Table:
    table = Table(title=title, title_justify="left")
    for key in (*keys, "projects", "score", "grade"):
        table.add_column(w[key])
    for record in frame.dropna(subset=["score"]).to_dict("records"):
        cells = [Text("" if record[k] is None or record[k] != record[k] else str(record[k]))
                 for k in keys]  # fmt: skip
        table.add_row(*cells, str(record["projects"]), _num(record["score"]), record["grade"])
    return table


def write(scores: Scores, stream: IO[str]) -> None:
    """The ranked table of projects, then the scores of documents and units."""
    w = words(scores.lang)
    console = _console(stream)
    console.print(_ranking(scores, w))
    unscored = int(scores.projects["score"].isna().sum()) if len(scores.projects) else 0
    if unscored:
        console.print(w["unscored"].format(n=unscored))
    if len(scores.documents) > 1:
        console.print(_aggregate(scores.documents, ("doc", "unit", "year"), w["by_document"], w))
    if len(scores.units) > 1:
        console.print(_aggregate(scores.units, ("unit",), w["by_unit"], w))
    for line in problem_lines(scores.reader_problems, scores.lang):
        console.print(Text(line))


def write_explain(scores: Scores, stream: IO[str], *, project: str) -> None:
    """Every line that cost the matching projects points, how many, why and what to write."""
    w = words(scores.lang)
    chosen = scores.projects[scores.projects["project"].str.contains(project, regex=False)]
    if chosen.empty:
        raise NlpEvalError(f"{w['no_match']} {project!r}")
    losses = explain(scores, project)
    console = _console(stream)
    for p in chosen.to_dict("records"):
        head = f"#{p['rank']} {p['project']} ({p['doc']}): {w['score']} {_num(p['score'])} {p['grade']}"
        console.print(Text(head, style="bold"))
        mine = losses[(losses["doc"] == p["doc"]) & (losses["project"] == p["project"])]
        if mine.empty:
            console.print(w["no_losses"])
            continue
        table = Table(show_lines=True)
        for key in ("where", "indicator", "completion", "code", "severity", "points_lost",
                    "message"):  # fmt: skip
            table.add_column(w[key], justify="right" if key == "points_lost" else "left")
        pairs = scores.pairs
        for loss in mine.to_dict("records"):
            row = loss["row"]
            cell = pair_ref(str(pairs["source"].iat[row]) if "source" in pairs else "",
                            str(pairs["target_source"].iat[row]) if "target_source" in pairs else "",
                            loss["field"], scores.lang)  # fmt: skip
            where = "/".join(x for x in (loss["level1"], loss["level2"], loss["indicator"]) if x)
            message = loss["message"] or w.get(loss["name"], loss["name"])  # label:<label>
            note = message + (f" → {loss['suggestion']}" if loss["suggestion"] else "")
            table.add_row(
                Text(cell),
                Text(where),
                Text(str(pairs["completion"].iat[row])[:60]),
                Text(loss["code"]),
                severity_word(loss["severity"], scores.lang),
                f"{loss['points']:.1f}",
                Text(note),
            )
        console.print(table)
        console.print(f"{w['points_lost']}: {mine['points'].sum():.1f}")


@contextmanager
def progress(stages: Sequence[str], *, show: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr over the stages of a batch; `step(name)` starts the next one."""
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (show and console.is_terminal),
        # The report goes to stdout; rich would otherwise route it through stderr.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = bar.add_task("nlp-eval", total=len(stages))
    started: list[str] = []

    def step(name: str) -> None:
        if started:
            bar.advance(task)
        started.append(name)
        bar.update(task, description=f"nlp-eval {name}")

    with bar:
        yield step
        bar.update(task, completed=len(stages))
