"""Hostile and huge inputs (issues 12, 16, 17): every case built in a temp folder by
tests/hostile_cases.py, run in-process through read / lint / score under a watchdog.

The bar for every case: exit 0, 1 or 2; no traceback; one `nlp-eval: error: PATH: reason`
line per bad file; the good files of the same batch read completely; nothing hangs.
"""

from __future__ import annotations

import faulthandler
import io
import json
import time
from pathlib import Path

import hostile_cases as H
import pandas as pd
import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app

LIMITS = [arg for setting in H.SMALL_LIMITS for arg in ("--limit", setting)]
CASE_SECONDS = 60  # a hang ends the run with a traceback dump instead of blocking CI


def invoke(args: list[str], seconds: float = CASE_SECONDS, **kwargs):
    """Run the CLI in-process; a run over `seconds` kills the test process (a hang is a failure)."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        return CliRunner().invoke(app, [str(a) for a in args], **kwargs)
    finally:
        faulthandler.cancel_dump_traceback_later()


def assert_clean(result) -> list[str]:
    """Exit 0/1/2, no traceback; every stderr line that is an error is one `nlp-eval: error:` line."""
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("nlp-eval: error:")]


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    return H.build_all(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", H.CASES, ids=[c.name for c in H.CASES])
def test_read_alone(cases, case, tmp_path):
    path = cases[case.name]
    started = time.monotonic()
    result = invoke(["read", path, *LIMITS, "-o", tmp_path / "out.csv"])
    errors = assert_clean(result)
    assert time.monotonic() - started < 30
    if case.expect == "bad" or result.exit_code == 2:
        assert result.exit_code == 2
        assert len(errors) == 1, errors
        assert errors[0].startswith(f"nlp-eval: error: {path}: ")
    if case.expect == "ok":
        assert result.exit_code == 0, errors
        table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
        assert len(table) > 0


def _good_files(tmp_path: Path) -> list[Path]:
    good = []
    for i, source in enumerate((H.XLSX, H.SEED)):
        copy = tmp_path / f"good{i}{source.suffix}"
        copy.write_bytes(source.read_bytes())
        good.append(copy)
    return good


@pytest.mark.parametrize("command", ["read", "lint", "score"])
def test_batch_of_every_case_between_good_files(cases, command, tmp_path):
    """All cases in one batch between two good files: one line per bad file, good files whole."""
    first, last = _good_files(tmp_path)
    batch = [first, *cases.values(), last]
    fmt = {"read": "jsonl", "lint": "csv", "score": "json"}[command]
    out = tmp_path / f"out.{fmt}"
    args = [command, *batch, *LIMITS, "--format", fmt]
    result = invoke([*args, "-o", out] if command != "lint" else args, seconds=300)
    errors = assert_clean(result)
    assert result.exit_code == 2
    for c in H.CASES:
        mine = [e for e in errors if e.startswith(f"nlp-eval: error: {cases[c.name]}: ")]
        assert len(mine) <= 1, mine
        if c.expect == "bad":
            assert len(mine) == 1, c.name
        if c.expect == "ok":
            assert not mine, mine
    assert len(errors) == sum(
        any(e.startswith(f"nlp-eval: error: {p}: ") for e in errors) for p in cases.values()
    ), "an error line that names no case"
    alone = {
        p.stem: len(invoke(["read", p, "--format", "jsonl"]).stdout.splitlines())
        for p in (first, last)
    }
    if command == "read":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        docs = pd.Series([r["doc"] for r in rows]).value_counts()
    elif command == "lint":
        docs = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)[
            "doc"
        ].value_counts()
    else:
        text = out.read_text(encoding="utf-8")
        json.loads(text)  # strict JSON: no Infinity / NaN
        assert "Infinity" not in text and "NaN" not in text
        docs = pd.Series(
            [p["doc"] for p in json.loads(text)["projects"]], dtype=object
        ).value_counts()
        alone = {doc: 1 for doc in alone}  # score: the good docs are there
    for doc, n in alone.items():
        assert docs.get(doc, 0) >= n if command == "score" else docs.get(doc, 0) == n, doc
