"""Benchmark: lint() on n realistic pairs against plain jieba.lcut on the same texts.

The pairs are those of bench_features (real targets and completions from corpus/, numbers
re-drawn and project names added so most texts are distinct), placed in projects of eight
indicators with 产出/效益/满意度 levels, so the project-scope rules (duplicate, misplaced,
reason) have real groups to work on. lint runs every rule and the shipped classifier.
The baseline is plain `jieba.lcut` (HMM on, the default) over every target and completion,
measured in the same run after warming jieba up,
interleaved with lint (best of 2 each; lint's per-text memos emptied before each run),
wall and CPU time both printed.
Requirement (issue 4): lint ≤ 1.5x the baseline (goal 0.75x), peak memory < 2 GB.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_features import lcut_all, pairs, timed  # noqa: E402

from nlp_eval.lint import Linted  # noqa: E402

LEVELS = (
    ("产出", "数量"),
    ("产出", "质量"),
    ("产出", "时效"),
    ("产出", "成本"),
    ("效益", "经济"),
    ("效益", "社会"),
    ("效益", "生态"),
    ("满意度", "满意度"),
)


def table(n: int) -> pd.DataFrame:
    """n pairs as a tidy table: projects of eight indicators, weights, points and reasons."""
    from nlp_eval.records import COLUMNS

    frame = pairs(n)
    out = pd.DataFrame({c: [""] * n for c in COLUMNS})
    out["indicator"], out["target"], out["completion"] = (
        frame["indicator"], frame["target"], frame["completion"],
    )  # fmt: skip
    out["doc"] = "bench"
    out["project"] = [f"项目{i // len(LEVELS)}" for i in range(n)]
    out["level1"] = [LEVELS[i % len(LEVELS)][0] for i in range(n)]
    out["level2"] = [LEVELS[i % len(LEVELS)][1] for i in range(n)]
    out["weight"] = 10.0
    out["points"] = [10.0 if i % 3 else 8.5 for i in range(n)]
    out["reason"] = ["无" if i % 2 else "" for i in range(n)]
    out["value"] = float("nan")
    out["confidence"] = 1.0
    return out


def run(n: int | None) -> None:
    """Time lint(table) on n pairs against plain jieba.lcut on the same texts."""
    from nlp_eval.lint import lint
    from nlp_eval.model import load

    n = n or 100_000
    data = table(n)
    texts = [*data["target"], *data["completion"]]  # exactly the texts lint reads
    chars = sum(map(len, texts))
    distinct = len(set(texts))
    print(
        f"pairs: {n:,}  texts: {len(texts):,}  distinct: {distinct / len(texts):.0%}  chars: {chars:,}"
    )
    load(None)  # reading the shipped model is start-up, not linting
    wall, cpu, linted = timed("lint(table)", lcut_all(texts), lambda: lint(data))
    assert isinstance(linted, Linted) and len(linted.table) == n
    print(f"findings: {len(linted.findings):,}")
    verdict = "OK" if wall <= 1.5 else "TOO SLOW"
    print(
        f"requirement (issue 4): wall ratio {wall:.2f} <= 1.5 (goal 0.75) {verdict}"
        f" (cpu ratio {cpu:.2f})"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:,.0f} MB (must be < 2048 MB)")
    print("labels:", linted.table["label"].value_counts().to_dict())


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
