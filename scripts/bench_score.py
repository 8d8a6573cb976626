"""Benchmark: score() and every report format on n linted pairs, against lint() on the same table.

The table is bench_lint's (realistic pairs in projects of eight indicators). lint runs once
and is the baseline: scoring and reporting should cost a fraction of checking. Every format
is timed on all n pairs (xlsx: XlsxWriter, constant memory). Default n: 20,000 pairs.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lint import table  # noqa: E402


def run(n: int | None) -> None:
    """Time lint (baseline), score and each report format on n pairs."""
    from nlp_eval.lint import lint
    from nlp_eval.report import write_report
    from nlp_eval.score import score

    n = n or 20_000
    data = table(n)
    start = time.perf_counter()
    linted = lint(data)
    baseline = time.perf_counter() - start
    print(f"pairs: {n:,}  findings: {len(linted.findings):,}")
    print(f"baseline lint:   {baseline:7.2f} s")

    start = time.perf_counter()
    scores = score(linted.table, linted.findings)
    took = time.perf_counter() - start
    print(
        f"score:           {took:7.2f} s  ratio {took / baseline:.2f}x  ({n / took:,.0f} pairs/s)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("text", "csv", "json", "html", "xlsx"):
            size = n
            out = Path(tmp) / f"report.{fmt}"
            start = time.perf_counter()
            write_report(scores, fmt, out)
            took = time.perf_counter() - start
            print(
                f"report {fmt:<5}    {took:7.2f} s  ratio {took / baseline:.2f}x  "
                f"({size:,} pairs, {out.stat().st_size / 1e6:.1f} MB)"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")
