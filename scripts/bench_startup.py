"""Start-up: `nlp-eval --help`, `explain` of one pair and `lint` of the seed, from a shell.

Each command is a fresh process (what a writer checking a sentence or an editor linting on
save pays). The baselines run in the same rounds: `python -c pass` (the interpreter alone)
and `python -c "import pandas"`. Rounds are interleaved (every command once per round, so a
busy moment of the machine hits all of them), and the best of the rounds is kept.
Goals (issue 14 §1): lint of the seed ≤ 1.5 s, explain ≤ 0.8 s, --help ≤ 0.3 s (wall).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv"
CLI = [sys.executable, "-m", "nlp_eval"]
COMMANDS: dict[str, tuple[list[str], float | None]] = {
    "python -c pass": ([sys.executable, "-c", "pass"], None),
    "python -c 'import pandas'": ([sys.executable, "-c", "import pandas"], None),
    "nlp-eval --help": ([*CLI, "--help"], 0.3),
    "nlp-eval explain T C": (
        [*CLI, "explain", "≥95%", "实际满意度98%", "--indicator", "满意度"],
        0.8,
    ),
    "nlp-eval lint SEED": ([*CLI, "lint", str(SEED)], 1.5),
}


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(n: int | None) -> None:
    """Best wall time of each command over n interleaved rounds (default 5)."""
    rounds = n or 5
    best = dict.fromkeys(COMMANDS, float("inf"))
    best_cpu = dict.fromkeys(COMMANDS, float("inf"))
    for _ in range(rounds):
        for name, (cmd, _goal) in COMMANDS.items():
            wall, cpu = _timed(cmd)
            best[name], best_cpu[name] = min(best[name], wall), min(best_cpu[name], cpu)
    pandas, pandas_cpu = best["python -c 'import pandas'"], best_cpu["python -c 'import pandas'"]
    print(f"best of {rounds} interleaved rounds, seconds; ratios to `import pandas` in this run")
    print(f"{'':<28}{'wall':>6}{'ratio':>7}{'cpu':>7}{'ratio':>7}")
    for name, (_cmd, goal) in COMMANDS.items():
        line = f"{name:<28}{best[name]:6.2f}{best[name] / pandas:7.2f}"
        line += f"{best_cpu[name]:7.2f}{best_cpu[name] / pandas_cpu:7.2f}"
        if goal is not None:
            line += f"  goal ≤ {goal} s wall: {'OK' if best[name] <= goal else 'SLOW'}"
        print(line)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
