"""Start-up: `nlp-eval --help`, `explain` of one pair and `lint` of the seed, from a shell.

Each command is a fresh process (what a writer checking a sentence or an editor linting on
save pays). The baselines run in the same rounds: `python -c pass` (the interpreter alone)
and `python -c "import pandas"`. Rounds are interleaved (every command once per round, so a
busy moment of the machine hits all of them), and the best of the rounds is kept.
Goals (issue 14 §1): lint of the seed ≤ 1.5 s, explain ≤ 0.8 s, --help ≤ 0.3 s (wall).
"""

from __future__ import annotations

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


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def run(n: int | None) -> None:
    """Best wall time of each command over n interleaved rounds (default 5)."""
    rounds = n or 5
    best = dict.fromkeys(COMMANDS, float("inf"))
    for _ in range(rounds):
        for name, (cmd, _goal) in COMMANDS.items():
            best[name] = min(best[name], _wall(cmd))
    python, pandas = best["python -c pass"], best["python -c 'import pandas'"]
    print(f"best of {rounds} interleaved rounds (wall, seconds)")
    for name, (_cmd, goal) in COMMANDS.items():
        line = f"{name:<28}{best[name]:6.2f}  {best[name] / python:5.1f}× python  "
        line += f"{best[name] / pandas:5.2f}× import pandas"
        if goal is not None:
            line += f"  goal ≤ {goal} s {'OK' if best[name] <= goal else 'SLOW'}"
        print(line)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
