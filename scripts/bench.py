"""Benchmarks: each section prints its own times, the baseline measured in the same run, and the ratio.

    python scripts/bench.py                 # every section at its default size
    python scripts/bench.py features --n 100000
    python scripts/bench.py lint clusters

Sections live in scripts/bench_<name>.py, each with `run(n: int | None) -> None`.
Peak memory is measured with resource.getrusage (ru_maxrss) in a fresh process per section.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("sections", nargs="*", choices=SECTIONS + [[]], default=[])
    parser.add_argument(
        "--n", type=int, default=None, help="problem size (each section has a default)"
    )
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sections = args.sections or SECTIONS
    if args.in_process:
        sys.path.insert(0, str(HERE))
        for name in sections:
            importlib.import_module(f"bench_{name}").run(args.n)
        return
    for name in sections:  # one process per section, so peak memory is its own
        print(f"== {name}", flush=True)
        cmd = [sys.executable, __file__, name, "--in-process"]
        if args.n:
            cmd += ["--n", str(args.n)]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
