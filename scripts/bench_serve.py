"""Benchmark: is `nlp-eval serve` responsive while runs are going?

Starts a real server (its own data folder), then measures
  - time to first page: from starting the process to the first 200 on /, against
    `python -m nlp_eval --help` (the baseline: the interpreter and the CLI starting);
  - per-request latency of /, a finished run's overview, one of its project pages and a
    run's status, when idle (the baseline), during one run and during two runs at once;
  - a folder of N tables (default 500: the seed and the real tables of
    shared/corpus/real_dev, copied under distinct names) uploaded as one run: upload time,
    run time, and latency meanwhile; then the overview of that run (first load, cached).
Printed as milliseconds and as ratios to the idle latency measured in the same run.

    python scripts/bench_serve.py [N]
"""

from __future__ import annotations

import itertools
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "longgang_culture_2020.tsv"
REAL = ROOT.parent.parent / "shared" / "corpus" / "real_dev"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tables(n: int, folder: Path) -> list[Path]:
    sources = [SEED, *sorted(REAL.glob("*.tsv"))] if REAL.is_dir() else [SEED]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, source in zip(range(n), itertools.cycle(sources), strict=False):
        target = folder / f"{i:04d}_{source.name}"
        shutil.copyfile(source, target)
        out.append(target)
    return out


class Server:
    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        start = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nlp_eval", "serve", "--port", str(self.port), "--data",
             str(data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        while True:
            try:
                if httpx.get(self.base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.02)
        self.first_page = time.perf_counter() - start
        self.client = httpx.Client(base_url=self.base, timeout=120)
        self.csrf = re.search(r'data-csrf="([^"]+)"', self.client.get("/").text).group(1)

    def upload(self, paths: list[Path]) -> str:
        files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
        response = self.client.post("/runs", files=files, headers={"x-csrf-token": self.csrf})
        return response.headers["location"] if response.status_code == 303 else str(response.url)

    def running(self, runs: list[str]) -> bool:
        return any(self.client.get(f"{r}/status").json()["status"] not in ("done", "failed")
                   for r in runs)  # fmt: skip

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


PAGES = ("run list", "overview", "project", "status")


def sample(server: Server, urls: list[str], until: threading.Event | None, rounds: int = 10):
    """Latencies (s) of GET urls per url, round after round, until the event is set (or `rounds`)."""
    timings: dict[str, list[float]] = {url: [] for url in urls}
    count = 0
    with httpx.Client(base_url=server.base, timeout=120) as client:
        while (until is None and count < rounds) or (until is not None and not until.is_set()):
            for url in urls:
                start = time.perf_counter()
                client.get(url)
                timings[url].append(time.perf_counter() - start)
            count += 1
            time.sleep(0.1)
    return timings


def during(server: Server, urls: list[str], start_runs) -> tuple[dict, float, list[str]]:
    """Start runs, sample latencies until they all finish; (latencies, run time, run urls)."""
    done = threading.Event()
    result: dict[str, dict] = {}
    sampler = threading.Thread(target=lambda: result.setdefault("t", sample(server, urls, done)))
    sampler.start()
    start = time.perf_counter()
    runs = start_runs()
    while server.running(runs):
        time.sleep(0.2)
    took = time.perf_counter() - start
    done.set()
    sampler.join()
    return result["t"], took, runs


def line(name: str, timings: dict[str, list[float]], baseline: dict[str, float]) -> str:
    """Median ms of each page, its ratio to the idle median, and the worst request."""
    parts = []
    for page, (url, values) in zip(PAGES, timings.items(), strict=True):
        median = statistics.median(values)
        parts.append(f"{page} {median * 1000:.0f} ms ({median / baseline[url]:.1f}x)")
    worst = max(v for values in timings.values() for v in values)
    count = sum(len(v) for v in timings.values())
    return f"{name:<30} " + ", ".join(parts) + f"; max {worst * 1000:.0f} ms (n={count})"


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nlp_eval", "--help"], capture_output=True)
        cli = time.perf_counter() - start
        server = Server(tmp_path / "data")
        try:
            print(f"baseline `nlp-eval --help`:  {cli:6.2f} s")
            print(f"time to first page:          {server.first_page:6.2f} s  ratio "
                  f"{server.first_page / cli:.2f}x")  # fmt: skip
            seed_run = server.upload([SEED])
            while server.running([seed_run]):
                time.sleep(0.2)
            urls = ["/", seed_run, f"{seed_run}/projects/1", f"{seed_run}/status"]
            sample(server, urls, None, rounds=2)  # warm the cache
            idle = sample(server, urls, None, rounds=10)
            base = {url: statistics.median(values) for url, values in idle.items()}
            print(line("idle (baseline)", idle, base))
            one, took, _ = during(server, urls, lambda: [server.upload([SEED])])
            print(line("during one seed run", one, base) + f"  run {took:.1f} s")
            two, took, _ = during(
                server, urls, lambda: [server.upload([SEED]), server.upload([SEED])]
            )
            print(line("during two seed runs at once", two, base) + f"  runs {took:.1f} s")
            folder = tables(n, tmp_path / "folder")
            upload_times: list[float] = []

            def big() -> list[str]:
                start = time.perf_counter()
                url = server.upload(folder)
                upload_times.append(time.perf_counter() - start)
                return [url]

            many, took, runs = during(server, urls, big)
            print(line(f"during a run of {n} tables", many, base)
                  + f"  upload {upload_times[0]:.1f} s, run {took:.1f} s")  # fmt: skip
            status = server.client.get(f"{runs[0]}/status").json()
            start = time.perf_counter()
            page = server.client.get(runs[0])
            first = time.perf_counter() - start
            again = sample(server, [runs[0]], None, rounds=5)[runs[0]]
            projects = re.search(r"显示 \d+ / (\d+) 个项目", page.text)
            print(f"{n}-table run: {status['status']}, "
                  f"{projects.group(1) if projects else '?'} projects; overview first load "
                  f"{first * 1000:.0f} ms, then median {statistics.median(again) * 1000:.0f} ms")  # fmt: skip
        finally:
            server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
