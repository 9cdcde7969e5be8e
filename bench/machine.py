"""Where and when the numbers were taken: machine, commit, and the CPU-speed noise probe.

The shared 2-vCPU machine drifts ±30–40 % over a session (perf-anchors.md), so every run records
a fixed pure-Python workload before and after; ratios inside one run stay comparable.
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class NoiseProbe:
    median_ms: float
    spread_pct: float  # (max - min) / median of the repetitions


def _fixed_work() -> int:
    total = 0
    for i in range(400_000):
        total += (i * i) % 7
    return total


def noise_probe(reps: int = 7) -> NoiseProbe:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        _fixed_work()
        times.append((time.perf_counter() - start) * 1000.0)
    median = statistics.median(times)
    return NoiseProbe(median_ms=median, spread_pct=100.0 * (max(times) - min(times)) / median)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_info() -> dict[str, str]:
    return {
        "cpu": f"{os.cpu_count()} × {_cpu_model()}",
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def git_commit(repo: Path) -> str:
    """Short commit id, marked ``+dirty`` when the work tree has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+dirty" if dirty else commit


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
