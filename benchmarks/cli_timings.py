"""Wall-clock timings of the pyjolt CLI: ``python benchmarks/cli_timings.py [--runs N]``.

Measures ``pyjolt --help``, ``pyjolt generate controller`` (a new name each run, in a
project made for the purpose) and ``pyjolt new-project --defaults`` (a new folder each
run), and prints the median, best and worst of N runs as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

PYJOLT = str(Path(sys.executable).parent / "pyjolt")


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(runs: int, step: Callable[[int], float]) -> list[float]:
    step(-1)  # warm-up: bytecode caches, page cache
    return [step(i) for i in range(runs)]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pyjolt-cli-bench-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [PYJOLT, "new-project", "bench", "--defaults"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        project = work / "bench"
        results = {
            "pyjolt --help": measure(args.runs, lambda i: timed([PYJOLT, "--help"], work)),
            "pyjolt generate controller NAME": measure(
                args.runs,
                lambda i: timed([PYJOLT, "generate", "controller", f"c{i + 1}x"], project),
            ),
            "pyjolt new-project NAME --defaults": measure(
                args.runs,
                lambda i: timed([PYJOLT, "new-project", f"p{i + 1}x", "--defaults"], work),
            ),
        }
    print(
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{cpu_name()}, Python {platform.python_version()}; {date.today().isoformat()}; "
        f"{args.runs} runs each\n"
    )
    print("| command | median ms | best ms | worst ms |")
    print("|---|---:|---:|---:|")
    for command, values in results.items():
        ms = [v * 1000 for v in values]
        print(f"| `{command}` | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} |")


if __name__ == "__main__":
    main()
