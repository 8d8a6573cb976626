"""Benchmark: boilerplate clusters of 10k, 100k and 1M short texts (numpy MinHash + LSH).

Baseline measured in the same run: computing the comparison keys (NFKC, no punctuation) of
the same texts, a cost every method pays. Half of the near copies of boilerplate are light
edits (gen_corpus light_edit), so the rapidfuzz re-check of candidates is exercised.
Targets: 100k texts < 15 s, 1M ≤ 60 s and ≤ 2 GB (issue 14 §4).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import sample_texts  # noqa: E402

from nlp_eval.corpus.clusters import cluster_keys  # noqa: E402
from nlp_eval.corpus.texts import key  # noqa: E402


def run(n: int | None) -> None:
    """Time clustering at each size (default 10k, 100k, 1M) and print how cost grew."""
    sizes = [n] if n else [10_000, 100_000, 1_000_000]
    previous = None
    for size in sizes:
        texts = sample_texts(size, seed=size, edited=0.5)
        start = time.perf_counter()
        keys = pd.Series([key(t) for t in texts])
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        labels = cluster_keys(keys)
        took = time.perf_counter() - start
        distinct = keys.nunique()
        clusters = int((labels.value_counts() > 1).sum())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        growth = (
            f", x{took / previous[1]:.1f} time for x{size / previous[0]:.0f} texts"
            if previous
            else ""
        )
        print(
            f"clusters n={size:>9,}: {took:6.2f} s ({distinct:,} distinct, {clusters:,} clusters); "
            f"baseline keys {baseline:5.2f} s, ratio {took / baseline:4.1f}; peak {peak:,.0f} MB{growth}",
            flush=True,
        )
        previous = (size, took)
