"""--engine dask: lint, score and corpus on a LocalCluster of 2 worker processes equal local."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nlp_eval.corpus import analyse, load
from nlp_eval.corpus.clusters import near_duplicate_groups
from nlp_eval.lint import lint_files
from nlp_eval.score import run, score

pytest.importorskip("distributed", reason="--engine dask needs dask[distributed]")
from nlp_eval import engine  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import gen_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus" / "tables"


@pytest.fixture(scope="module")
def client():
    with engine.dask_client(workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    gen_corpus.generate(out, 47, units=3, projects=4, years=(2022, 2023), edited=0.5)
    return out / "tables"


@pytest.fixture(scope="module")
def linted(generated):
    """The local engine's lint of the bundled tables and the generated corpus."""
    return lint_files([BUNDLED, generated], jobs=1)


def test_clusters_on_dask_equal_local(client):
    texts = list(dict.fromkeys(gen_corpus.sample_texts(6000, seed=3, edited=0.5)))
    local = near_duplicate_groups(texts)
    assert len(set(local)) < len(texts)  # there are clusters to find
    np.testing.assert_array_equal(engine.near_duplicate_groups(texts, client), local)


def test_lint_and_score_on_dask_equal_local(client, generated, linted, monkeypatch):
    from nlp_eval import parallel

    monkeypatch.setattr(parallel, "MIN_PAIRS_PER_JOB", 50)  # pieces even in a small batch
    local, problems = linted
    on_dask, dask_problems = lint_files([BUNDLED, generated], client=client)
    assert problems == dask_problems
    pd.testing.assert_frame_equal(local.table, on_dask.table)
    assert local.findings == on_dask.findings
    # score.run on Dask reads and lints on the workers again; locally it is score(lint)
    scored = score(local.table, local.findings)
    dask_scored = run([BUNDLED, generated], client=client)
    pd.testing.assert_frame_equal(scored.projects, dask_scored.projects)
    pd.testing.assert_frame_equal(scored.units, dask_scored.units)


def test_corpus_on_dask_equals_local(client, generated, linted):
    table, _ = load([BUNDLED, generated])
    dask_table, _ = load([BUNDLED, generated], client=client)
    pd.testing.assert_frame_equal(table, dask_table)
    labelled = linted[0].table  # labelling on Dask is the lint above
    local, on_dask = analyse(labelled), analyse(labelled, client=client)
    assert len(local.clusters) > 0
    for name in ("clusters", "carryover", "measures", "terms"):
        pd.testing.assert_frame_equal(getattr(local, name), getattr(on_dask, name))


def test_without_dask_the_engine_says_how_to_get_it():
    # distributed hidden from the import system: what a plain `pip install nlp-eval` sees
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from nlp_eval.cli import app\n"
        "app(['lint', '--engine', 'dask', sys.argv[1]])\n"
    )
    seed = ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv"
    done = subprocess.run(
        [sys.executable, "-c", code, str(seed)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2
    assert "pip install 'nlp-eval[dask]'" in done.stderr
    assert "Traceback" not in done.stderr
