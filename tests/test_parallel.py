"""--jobs: a batch split by document across processes gives what one process gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from nlp_eval import parallel
from nlp_eval.io import read_files
from nlp_eval.lint import lint, lint_files, render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import gen_corpus  # noqa: E402

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    gen_corpus.generate(out, 31, units=4, projects=6, years=(2022, 2023))
    return out / "tables"


def test_ranges_hold_whole_documents_even_when_a_document_returns():
    docs = ["a"] * 5 + ["b"] * 5 + ["c"] * 3 + ["a"] * 2 + ["d"] * 6
    ranges = parallel.document_ranges(docs, 4)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(docs)
    assert all(hi == lo for (_, hi), (lo, _) in zip(ranges, ranges[1:], strict=False))
    pieces = [set(docs[lo:hi]) for lo, hi in ranges]
    for doc in set(docs):
        assert sum(doc in piece for piece in pieces) == 1  # "a" never split from its return
    assert len(ranges) == 2  # a..a is one piece, d the other


def test_lint_with_two_jobs_equals_one(corpus, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PAIRS_PER_JOB", 50)  # pieces from a small corpus
    table = read_files([corpus]).table
    assert table["doc"].nunique() >= 8
    one = lint(table)
    seen: list[tuple[int, int]] = []
    two = parallel.lint_parallel(table, jobs=2, progress=lambda d, t: seen.append((d, t)))
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1]  # the pieces really ran apart
    pd.testing.assert_frame_equal(one.table, two.table)
    assert one.findings == two.findings
    assert render(one, "json") == render(two, "json")


def test_read_and_lint_files_with_jobs_equal_one_process(corpus, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    paths = [corpus, SEED, bad]
    one, problems_one = lint_files(paths, jobs=1)
    two, problems_two = lint_files(paths, jobs=2)
    assert problems_one == problems_two and len(problems_one) == 1
    pd.testing.assert_frame_equal(one.table, two.table)
    assert one.findings == two.findings
    first = read_files(paths)
    again = read_files(paths, jobs=2)
    pd.testing.assert_frame_equal(first.table, again.table)
    pd.testing.assert_frame_equal(first.unplaced, again.unplaced)
