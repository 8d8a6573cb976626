"""A run: read, lint and score a batch of files in a worker process, saving what the pages show.

The work runs in another process so that the page stays responsive (linting is CPU-bound
Python: in a thread it would hold the interpreter lock the web server needs). The worker
reports progress to the database (per file while reading, then per stage) and saves the
results as Parquet files in the run's folder; the server loads them when a page asks.
"""

from __future__ import annotations

import json
import math
import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nlp_eval.errors import NlpEvalError
from nlp_eval.records import LABELS, Finding, Severity
from nlp_eval.score import Scores

READER_PROBLEM_COLUMNS = ("doc", "kind", "where", "detail")
FINDING_COLUMNS = ("code", "name", "severity", "message", "suggestion", "row", "field", "span_start",
                   "span_end", "label")  # fmt: skip
FRAMES = ("pairs", "losses", "projects", "documents", "units", "findings", "reader_problems")
STAGES = ("read", "lint", "score", "save")


@dataclass(frozen=True)
class Input:
    """One file of a run: where it is on disk, and the name the user knows it by."""

    path: str
    name: str  # the uploaded file name or the path given on the command line; text, never a path


@dataclass
class RunResult:
    scores: Scores
    reader_problems: pd.DataFrame  # READER_PROBLEM_COLUMNS
    extra: dict[str, Any] = field(default_factory=dict)


def _rename(text: Any, names: dict[str, str]) -> Any:
    """Replace stored file names and paths in a text by the names the user gave."""
    if not isinstance(text, str):
        return text
    for stored, shown in names.items():
        if stored in text:
            text = text.replace(stored, shown)
    return text


def _read(
    inputs: list[Input], report: Any, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, list[str]]:
    """Read file by file (for progress), renaming stored files to the names the user gave."""
    from nlp_eval.io import read_files

    tables, unplaced, problems, readers = [], [], [], []
    for done, item in enumerate(inputs):
        report("read", done, len(inputs))
        result = read_files([item.path])
        stored = Path(item.path)
        shown = Path(item.name.replace("\\", "/")).name
        names = {str(stored): item.name, stored.name: shown}
        table = result.table
        if stored.is_file() and len(table):
            table = table.copy()
            table["doc"] = table["doc"].where(table["doc"] != stored.stem, Path(shown).stem)
        for column in ("source", "target_source", "note"):
            table[column] = table[column].map(lambda t, n=names: _rename(t, n))
        tables.append(table)
        part = result.unplaced.copy()
        for column in part.columns:
            part[column] = part[column].map(lambda t, n=names: _rename(t, n))
        unplaced.append(part)
        problems += [_rename(p, names) for p in result.problems]
        if hasattr(result, "reader_problems"):  # the reader's own list, when it has one
            listed = result.reader_problems(lang=lang)
            for column in listed.columns:
                listed[column] = listed[column].map(lambda t, n=names: _rename(t, n))
            listed["doc"] = listed["doc"].where(listed["doc"] != stored.stem, Path(shown).stem)
            readers.append(listed)
    report("read", len(inputs), len(inputs))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    unplaced_all = pd.concat(unplaced, ignore_index=True) if unplaced else pd.DataFrame()
    listed = pd.concat(readers, ignore_index=True) if readers else None
    return table, unplaced_all, listed, problems


def reader_problems(
    table: pd.DataFrame, unplaced: pd.DataFrame, problems: list[str]
) -> pd.DataFrame:
    """What the reader was unsure of: unplaced cells, re-aligned rows and unreadable files."""
    rows = []
    for p in problems:
        rows.append({"doc": p.split(":", 1)[0], "kind": "unreadable", "where": "", "detail": p})
    for u in unplaced.to_dict("records"):
        where = ":".join(str(u[k]) for k in ("file", "sheet", "row", "column"))
        detail = f"{u['text']} ({u['reason']})"
        rows.append({"doc": Path(str(u["file"])).stem, "kind": "unplaced", "where": where,
                     "detail": detail})  # fmt: skip
    if len(table):
        low = table[table["confidence"] < 1]
        for r in low.to_dict("records"):
            where = r["source"] or r["target_source"]
            rows.append({"doc": r["doc"], "kind": "realigned", "where": where,
                         "detail": r["note"]})  # fmt: skip
    return pd.DataFrame(rows, columns=list(READER_PROBLEM_COLUMNS))


def execute(inputs: list[Input], report: Any, lang: str = "zh") -> RunResult:
    """Read, lint and score; `report(stage, done, total)` is told the progress."""
    from nlp_eval.lint import lint
    from nlp_eval.score import score

    table, unplaced, listed, problems = _read(inputs, report, lang)
    if table.empty:
        raise NlpEvalError("; ".join(problems) or "no self-evaluation table found")
    report("lint", 0, 1)
    linted = lint(table, lang=lang)
    report("score", 0, 1)
    scores = score(linted.table, linted.findings, lang=lang)
    scores = Scores(**{**scores.__dict__, "problems": problems})
    problems_frame = listed if listed is not None else reader_problems(table, unplaced, problems)
    return RunResult(scores=scores, reader_problems=problems_frame)


# ---------------------------------------------------------------- saving and loading


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet needs one type per column: mixed object columns become text."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column]
            if not values.map(lambda v: v is None or isinstance(v, str)).all():
                frame[column] = values.map(lambda v: "" if v is None else str(v))
    return frame


def _findings_frame(findings: list[Finding]) -> pd.DataFrame:
    rows = [
        (f.code, f.name, str(f.severity), f.message, f.suggestion, f.row, f.field,
         f.span[0] if f.span else -1, f.span[1] if f.span else -1, f.label)
        for f in findings
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def _findings(frame: pd.DataFrame) -> list[Finding]:
    return [
        Finding(code=r["code"], name=r["name"], severity=Severity(r["severity"]),
                message=r["message"], suggestion=r["suggestion"], row=int(r["row"]),
                field=r["field"], label=r["label"],
                span=None if r["span_start"] < 0 else (int(r["span_start"]), int(r["span_end"])))
        for r in frame.to_dict("records")
    ]  # fmt: skip


def save(result: RunResult, folder: Path) -> dict[str, Any]:
    """Write the result's tables to `folder`; return the run's totals for the run list."""
    folder.mkdir(parents=True, exist_ok=True)
    s = result.scores
    frames = {
        "pairs": s.pairs, "losses": s.losses, "projects": s.projects, "documents": s.documents,
        "units": s.units, "findings": _findings_frame(s.findings),
        "reader_problems": result.reader_problems,
    }  # fmt: skip
    for name, frame in frames.items():
        _storable(frame).to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "meta.json").write_text(
        json.dumps({"problems": s.problems, "lang": s.lang}, ensure_ascii=False), encoding="utf-8"
    )
    return totals(result)


def totals(result: RunResult) -> dict[str, Any]:
    s = result.scores
    scored = s.projects[s.projects["score"].notna()]
    mean = float(scored["score"].mean()) if len(scored) else math.nan
    return {
        "documents": int(len(s.documents)),
        "projects": int(len(scored)),
        "pairs": int(scored["pairs"].sum()) if len(scored) else 0,
        "findings": len(s.findings),
        "score": None if math.isnan(mean) else round(mean, 1),
        "unreadable": len(s.problems),
        "labels": {label: int(scored[label].sum()) for label in LABELS} if len(scored) else {},
    }


def load(folder: Path) -> RunResult:
    """A saved run's result."""
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    scores = Scores(
        pairs=frames["pairs"],
        losses=frames["losses"],
        projects=frames["projects"],
        documents=frames["documents"],
        units=frames["units"],
        findings=_findings(frames["findings"]),
        problems=meta["problems"],
        lang=meta["lang"],
    )
    return RunResult(scores=scores, reader_problems=frames["reader_problems"])


def work_in_process(
    db_path: str, run_id: str, inputs: list[Input], folder: str, lang: str = "zh"
) -> None:
    """`work` in a fresh process (spawn, never a fork of the server's threads); wait for it.

    A process per run rather than a pool: nothing idles after the run, and a run's process
    ends with it; daemonic, so it never outlives the server's normal exit.
    """
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=work, args=(db_path, run_id, inputs, folder, lang), name=f"run-{run_id}",
        daemon=True,
    )  # fmt: skip
    process.start()
    process.join()


def stop_processes() -> None:
    """End every run's process now (the server is stopping)."""
    for child in multiprocessing.active_children():
        if child.name.startswith("run-"):
            child.terminate()


def work(db_path: str, run_id: str, inputs: list[Input], folder: str, lang: str = "zh") -> None:
    """The worker process's job: run, save, record totals or the one-line error."""
    from nlp_eval.serve.db import Store

    store = Store(Path(db_path))
    stage_index = {name: i for i, name in enumerate(STAGES)}

    def report(stage: str, done: int, total: int) -> None:
        # progress of the whole run: reading counts per file, every later stage as one step
        steps = len(inputs) + len(STAGES) - 1
        position = done if stage == "read" else len(inputs) + stage_index[stage] - 1 + done
        store.progress(run_id, stage=stage, done=position, total=steps)

    try:
        result = execute(inputs, report, lang)
        report("save", 0, 1)
        store.finish(run_id, totals=save(result, Path(folder)))
    except NlpEvalError as err:
        store.finish(run_id, error=str(err))
    except Exception as err:  # a bug costs this run, never the server
        store.finish(run_id, error=f"{type(err).__name__}: {err}")
