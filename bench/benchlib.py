"""Shared helpers of the benchmark scripts: the machine, repeated timings, CPU and memory use.

Every script in bench/ prints the machine (cores, load average) next to its figures, because
the 2-core machine is shared: a figure without the load it was measured under means little.
Timings are repeated and reported as medians (with the spread); ratios are taken inside one
run, between measurements that alternate, so load from other processes hits both sides alike.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Machine:
    """Where and under which load a benchmark ran."""

    cpu: str
    cores: int
    memory_gib: float
    python: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def finish(self) -> None:
        self.load_after = os.getloadavg()

    def line(self) -> str:
        before = "/".join(f"{x:.2f}" for x in self.load_before)
        after = "/".join(f"{x:.2f}" for x in self.load_after)
        return (
            f"machine: {self.cpu}, {self.cores} cores, {self.memory_gib:.0f} GiB, "
            f"Python {self.python}; load avg 1/5/15 min before {before}, after {after}"
        )


def machine() -> Machine:
    """The machine this process runs on, with the load average now."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return Machine(
        cpu=cpu,
        cores=os.cpu_count() or 1,
        memory_gib=memory,
        python=platform.python_version(),
        load_before=os.getloadavg(),
    )


@dataclass
class Samples:
    """Repeated measurements of one quantity; `median` is what BENCHMARKS.md reports."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def spread(self) -> str:
        if not self.values:
            return "n/a"
        return f"{min(self.values):.4g}–{max(self.values):.4g} over {len(self.values)} runs"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of one call, and its result."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def process_cpu_seconds(pid: int, waited_children: bool = True) -> float:
    """User + system CPU seconds a live process (and its waited-for children) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # after the ")" of comm: state is field 0, utime 11, stime 12, cutime 13, cstime 14
    return sum(int(value) for value in fields[11 : 15 if waited_children else 13]) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this process so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    """CPU seconds of this process's terminated and waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    """Peak resident memory of this process, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants now, MiB (0 if it has ended)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            tasks = Path(f"/proc/{current}/task").iterdir()
            pending += [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        rss = next((line for line in status.splitlines() if line.startswith("VmRSS:")), None)
        total += int(rss.split()[1]) if rss else 0
    return total / 1024


class TreeMemory:
    """Peak of the summed resident memory of this process and its children (worker pools),
    sampled every `interval` seconds while the block runs: `ru_maxrss` sees one process."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mib = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_mib = max(self.peak_mib, tree_rss_mib(os.getpid()))
            if self._done.wait(self.interval):
                return


def write_json(path: Path | None, name: str, figures: dict[str, Any], host: Machine) -> None:
    """Save the figures with the machine beside them (for BENCHMARKS.md and later comparisons)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"benchmark": name, "argv": sys.argv, "machine": asdict(host), "figures": figures}
    path.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A Markdown table (what BENCHMARKS.md pastes)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
