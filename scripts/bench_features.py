"""Benchmark: compare.features on n realistic pairs against plain jieba.lcut on the same texts.

Pairs are sampled from the labelled pairs in corpus/labels/ (real targets and completions) and
from the 3,024 real Songgang targets with completions of the kinds seen in real tables (copy,
prefixed copy, restated threshold, actual value, status word, N/A). Numbers are re-drawn in
most pairs and texts without numbers get a project name, so more than half of the texts
are distinct (as in a real corpus, many texts also repeat: 不适用, 已完成, 满意度≥95%). The baseline is plain `jieba.lcut` (HMM on, the default)
over every target and completion text, measured in the same run after warming jieba up.
Requirement (issue 3): features ≤ 2x the baseline, peak memory < 2 GB.
"""

from __future__ import annotations

import csv
import random
import re
import resource
import time
from pathlib import Path

import pandas as pd

from nlp_eval.text import is_na

ROOT = Path(__file__).resolve().parent.parent
DIGITS = re.compile(r"\d+(?:\.\d+)?")
COMPLETION_KINDS = ("copy", "prefix", "actual", "restate", "status", "na")
STATUS = ("已完成", "按时完成", "达成预期指标", "效果明显", "满意", "……", "/")


def _labelled_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for path in sorted((ROOT / "corpus" / "labels").glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                pairs.append((row["indicator"], row["target"], row["completion"]))
    return pairs


def _songgang_targets() -> list[tuple[str, str]]:
    path = ROOT / "corpus" / "songgang_targets_2021_2023" / "indicators.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))[1:]
    return [(r[3].replace("\\n", ""), r[4].replace("\\n", "")) for r in rows if len(r) > 4]


def _projects() -> list[tuple[str, str]]:
    """(project name, 年度目标) of the 291 Songgang projects."""
    path = ROOT / "corpus" / "songgang_targets_2021_2023" / "projects.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (r["项目名称"], (r["年度目标"] or "").replace("\\n", "")) for r in rows if r["年度目标"]
    ]


def _redraw(text: str, rng: random.Random) -> str:
    """The text with its numbers re-drawn (same magnitude), so caches do not make it trivial."""

    def one(match: re.Match[str]) -> str:
        written = match.group()
        if re.fullmatch(r"(19|20)\d\d", written):  # a year
            return str(rng.randint(2015, 2024))
        if len(written) <= 2:  # months, days, percentages, small counts (97.2%)
            small = rng.randint(1, 28 if len(written) == 1 else 99)
            return f"{small}.{rng.randint(1, 9)}" if rng.random() < 0.5 else str(small)
        value = float(written) * rng.uniform(0.5, 1.5)
        return f"{value:.{rng.randint(1, 2)}f}" if "." in written else str(round(value))

    return DIGITS.sub(one, text)


def _completion(target: str, kind: str, rng: random.Random) -> str:
    if kind == "copy":
        return target
    if kind == "prefix":
        return rng.choice(("已", "完成", "已经", "进一步")) + target
    if kind == "actual":
        return "实际完成" + _redraw(re.sub(r"[≥≤]|不低于|不超过|以上|以内", "", target), rng)
    if kind == "restate":
        return "满意度≥" + str(rng.choice((85, 90, 95))) + "%"
    if kind == "status":
        return rng.choice(STATUS)
    return "不适用"


def pairs(n: int, seed: int = 0) -> pd.DataFrame:
    """n realistic (indicator, target, completion) rows, more than half of the texts distinct."""
    rng = random.Random(seed)
    labelled, targets, projects = _labelled_pairs(), _songgang_targets(), _projects()
    rows = []
    for _ in range(n):
        draw = rng.random()
        if draw < 0.4:
            indicator, target, completion = rng.choice(labelled)
        elif draw < 0.9:
            indicator, target = rng.choice(targets)
            if target == "不适用":  # a quarter of the Songgang rows: keep some, draw again
                indicator, target = rng.choice(targets)
            kind = "na" if target == "不适用" else rng.choice(COMPLETION_KINDS)
            completion = _completion(target, kind, rng)
            if kind in ("status", "restate") and rng.random() < 0.5:  # 社区食堂服务效果明显
                completion = indicator + completion
        else:  # the overall goal (年度目标) of a project and its overall completion
            indicator, target = "", rng.choice(projects)[1]
            completion = _completion(target, rng.choice(COMPLETION_KINDS[:4]), rng)
        if rng.random() < 0.95:
            # Real tables differ from project to project: other numbers, other project names.
            target, completion = _redraw(target, rng), _redraw(completion, rng)
            name = rng.choice(projects)[0]
            if len(target) > 3 and (not DIGITS.search(target) or len(target) > 12):
                target, completion = name + target, rng.choice(("", name)) + completion
            elif len(completion) > 3 and not is_na(completion) and rng.random() < 0.5:
                completion = name + completion
        rows.append((indicator, target, completion))
    return pd.DataFrame(rows, columns=["indicator", "target", "completion"])


def run(n: int | None) -> None:
    """Time features(table) on n pairs against plain jieba.lcut on the same texts."""
    import jieba

    from nlp_eval.compare import features

    n = n or 100_000
    table = pairs(n)
    texts = [*table["target"], *table["completion"]]
    distinct = len(set(texts))
    print(
        f"pairs: {n:,}  texts: {len(texts):,}  distinct texts: {distinct:,} ({distinct / len(texts):.0%})"
    )

    jieba.initialize()
    jieba.lcut("预算执行率达到95%以上")  # warm up
    # Wall time is the requirement; CPU time (all threads of this process) is printed too
    # because the machine is shared and wall time swings with the other processes' load.
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        jieba.lcut(text)
    baseline, baseline_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"baseline  jieba.lcut over all texts: {baseline:7.2f} s  (cpu {baseline_cpu:.2f} s)")

    start, cpu = time.perf_counter(), time.process_time()
    result = features(table)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(result) == n
    print(f"features(table):                     {elapsed:7.2f} s  (cpu {elapsed_cpu:.2f} s)")
    print(f"cpu ratio: {elapsed_cpu / baseline_cpu:.2f}")
    ratio = elapsed / baseline
    print(
        f"ratio features / jieba.lcut: {ratio:.2f} (must be <= 2.0) {'OK' if ratio <= 2 else 'TOO SLOW'}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:,.0f} MB (must be < 2048 MB)")
    print("verdicts:", result["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    run(None)
