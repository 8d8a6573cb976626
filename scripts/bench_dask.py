"""Local engine against --engine dask: lint of n generated pairs and clusters of 2n texts.

The local engine (one process, and --jobs 2) is the baseline, measured in the same run; the
Dask engine runs on a LocalCluster of 1, 2 and 4 worker processes (one thread each), started
before the clock. Results are checked equal. Peak memory: this process, and each worker's.
Dask is an extra: `pip install 'nlp-eval[dask]'`.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lint import table  # noqa: E402
from gen_corpus import sample_texts  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int | None) -> None:
    """lint n pairs (default 50,000) and cluster 2n texts, local and on 1, 2, 4 Dask workers."""
    from nlp_eval import engine
    from nlp_eval.corpus.clusters import near_duplicate_groups
    from nlp_eval.corpus.texts import key
    from nlp_eval.lint import lint
    from nlp_eval.model import load
    from nlp_eval.parallel import lint_parallel

    n = n or 50_000
    pairs = table(n)
    texts = pd.Series([key(t) for t in sample_texts(2 * n, seed=n, edited=0.5)])
    distinct = texts.drop_duplicates().tolist()
    load(None)
    pairs["doc"] = [f"doc{i // 400}" for i in range(n)]  # documents of 50 projects

    t0 = time.perf_counter()
    local = lint(pairs)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    local_groups = near_duplicate_groups(distinct)
    base_clusters = time.perf_counter() - t0
    t0 = time.perf_counter()
    lint_parallel(pairs, jobs=2)
    jobs2 = time.perf_counter() - t0
    print(f"lint {n:,} pairs, local 1 process: {base:.1f} s; --jobs 2: {jobs2:.1f} s")
    print(f"clusters {len(distinct):,} distinct texts, local: {base_clusters:.1f} s")
    print(f"peak memory of the local run: {_peak_mb():,.0f} MB")
    for workers in (1, 2, 4):
        with engine.dask_client(workers=workers) as client:
            t0 = time.perf_counter()
            on_dask = lint_parallel(pairs, jobs=1, client=client)
            took = time.perf_counter() - t0
            t0 = time.perf_counter()
            groups = engine.near_duplicate_groups(distinct, client)
            took_clusters = time.perf_counter() - t0
            peaks = client.run(_peak_mb)
        same = on_dask.findings == local.findings and on_dask.table.equals(local.table)
        same_groups = np.array_equal(groups, local_groups)
        worst = max(peaks.values())
        print(
            f"dask {workers} worker(s): lint {took:.1f} s (×{took / base:.2f} local), "
            f"clusters {took_clusters:.1f} s (×{took_clusters / base_clusters:.2f} local); "
            f"identical: {same and same_groups}; peak per worker ≤ {worst:,.0f} MB"
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
