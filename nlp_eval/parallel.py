"""A batch across processes (`--jobs N`): files read in parallel, pairs linted by document.

Every rule looks at one row, one project (doc, project) or one document, and the classifier
scores each pair on its own, so linting whole documents in separate processes and putting
the pieces back in row order gives exactly what one process gives (tests/test_parallel.py).
The pieces are contiguous row ranges cut only where no document continues after the cut;
finding rows are shifted back to the whole table's positions and sorted as lint sorts them.

Workers are forked where the platform allows it: they inherit the loaded rules, model and
dictionary instead of loading them again. Small batches stay in one process, where starting
workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from nlp_eval.lint import Linted

MIN_PAIRS_PER_JOB = 2000  # below this a worker costs more than it saves
Progress = Callable[[int, int], None]  # (documents done, documents in all)


def available_cores() -> int:
    """The cores this process may run on (the default of --jobs)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def _executor(jobs: int, client: Any) -> Iterator[tuple[Callable, Callable]]:
    """submit(fn, *args) and as_completed(futures) of a process pool or of a Dask client."""
    if client is None:
        with _pool(jobs) as pool:
            yield pool.submit, as_completed
        return
    from distributed import as_completed as dask_completed

    yield (lambda fn, *args: client.submit(fn, *args, pure=False)), dask_completed


def _pool(jobs: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def document_ranges(docs: Sequence[str], pieces: int) -> list[tuple[int, int]]:
    """About `pieces` contiguous row ranges of similar size, each holding whole documents."""
    n = len(docs)
    last: dict[str, int] = {}
    for row, doc in enumerate(docs):
        last[doc] = row
    # a cut before row k is allowed when no document seen before k has a row at k or later
    cuts = [0]
    reach = -1
    target = max(1, -(-n // max(pieces, 1)))
    for row, doc in enumerate(docs):
        if row and reach < row and row - cuts[-1] >= target:
            cuts.append(row)
        reach = max(reach, last[doc])
    cuts.append(n)
    return [(lo, hi) for lo, hi in zip(cuts, cuts[1:], strict=False) if hi > lo]


def _lint_piece(table: pd.DataFrame, options: dict[str, Any]) -> Linted:
    from nlp_eval.lint import lint

    return lint(table, **options)


def lint_parallel(
    table: pd.DataFrame,
    *,
    jobs: int,
    progress: Progress | None = None,
    client: Any = None,
    **options: Any,
) -> Linted:
    """lint(table, **options) over `jobs` processes, split by document; identical results.

    With a distributed.Client the pieces run as tasks on its workers (nlp_eval.engine).
    """
    import pandas as pd

    from nlp_eval.lint import Linted, lint, sort_findings
    from nlp_eval.model import Model, load
    from nlp_eval.rules import load_rules

    table = table.reset_index(drop=True)
    docs = table["doc"].astype(str).tolist() if "doc" in table else [""] * len(table)
    if client is not None:
        from nlp_eval.engine import worker_count

        jobs = worker_count(client)
    pieces = min(jobs * 4, len(table) // MIN_PAIRS_PER_JOB)  # 4 per job: the bar moves
    ranges = document_ranges(docs, pieces) if jobs > 1 and pieces > 1 else []
    if len(ranges) < 2:
        linted = lint(table, **options)
        if progress:
            progress(1, 1)
        return linted
    # rules and model loaded once here, not once per piece
    if options.get("rules") is None:
        options["rules"] = load_rules()
    if options.get("model") is not False and not isinstance(options.get("model"), Model):
        options["model"] = load(options.get("model"))
    done: dict[int, Linted] = {}
    with _executor(jobs, client) as (submit, completed):
        futures = {
            submit(_lint_piece, table.iloc[lo:hi], options): k for k, (lo, hi) in enumerate(ranges)
        }
        for future in completed(futures):
            done[futures[future]] = future.result()
            if progress:
                progress(len(done), len(ranges))
    findings = [
        f._replace(row=f.row + lo) for k, (lo, _hi) in enumerate(ranges) for f in done[k].findings
    ]
    findings = sort_findings(findings)  # stable: a row's findings keep their piece's order
    out = pd.concat([done[k].table for k in range(len(ranges))], ignore_index=True)
    return Linted(table=out, findings=findings, lang=options.get("lang", "zh"))


def _read_one(job: tuple[Path, dict[str, Any]]) -> tuple[str, Any]:
    """read_file(path, **options) as (kind, value): ("sinks", sinks), ("error", message) or
    ("skipped", path) — exceptions cross processes as text."""
    from nlp_eval.errors import ReadError
    from nlp_eval.io import SkippedFile, read_file

    path, options = job
    try:
        return "sinks", read_file(path, **options)
    except SkippedFile:
        return "skipped", str(path)
    except ReadError as err:
        return "error", str(err)


def read_each(
    jobs_in: Iterable[tuple[Path, dict[str, Any]]], jobs: int, client: Any = None
) -> Iterable[Any]:
    """_read_one of every (path, options) in order, over `jobs` processes or as one task per
    file on the workers of a Dask client."""
    work = list(jobs_in)
    if client is not None:
        yield from client.gather(client.map(_read_one, work, pure=False))
        return
    if jobs <= 1 or len(work) < 2:
        yield from map(_read_one, work)
        return
    with _pool(jobs) as pool:
        # chunks of files per task: 2,000 small files should not cost 2,000 round trips
        yield from pool.map(_read_one, work, chunksize=max(1, len(work) // (jobs * 8)))


@contextmanager
def progress_bar(label: str) -> Iterator[Progress | None]:
    """One bar on stderr over the documents of all workers; None when stderr is no terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), transient=True, redirect_stdout=False, redirect_stderr=False,
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
