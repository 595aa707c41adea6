"""The whole `warta extract` command against plain trafilatura, process start included.

Runs, alternating within each round, over the same saved pages (default: the 181 pages of
the ScrapingHub benchmark):

- warta:  `warta extract PAGES...` (read, decode, extract, clean, date, language, JSON line);
- plain:  one Python process that reads each page, calls `trafilatura.extract(html)` and
          prints a JSON line (what a user of plain trafilatura would run).

Each is one process for all pages, so import and start-up costs count. Reported: wall time
and CPU time (user + system of the child) per run, medians over the rounds, and the ratio
warta / plain. Target (issues 17 and 25): warta ≤ 1.25 × plain. `--profile` also prints where the
time of one in-process `warta extract` run goes. `--before DIR` adds a third run, `warta
extract` of an older crawler/ package found in DIR (e.g. `git archive <commit> crawler | tar
-x -C DIR`), in the same rounds.

    .venv/bin/python bench/extract_command.py [PAGES_DIR] [--rounds 5] [--profile] [--before DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import benchlib

DEFAULT_PAGES = benchlib.PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub" / "html"
WARTA = Path(sys.executable).with_name("warta")
PLAIN = """
import json, sys, trafilatura
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="replace") as page:
        text = trafilatura.extract(page.read())
    print(json.dumps({"file": path, "text": text}, ensure_ascii=False))
"""
#: Functions whose cumulative time `--profile` shows, in this order.
PROFILED = (
    ("process start: import crawler.commands.extract", "crawler/commands/extract.py", "<module>"),
    ("extract_article", "crawler/extraction/extract.py", "extract_article"),
    ("  trafilatura bare_extraction", "trafilatura/core.py", "bare_extraction"),
    ("  metadata (_read_metadata)", "crawler/extraction/extract.py", "_read_metadata"),
    ("  title and site name", "crawler/extraction/extract.py", "_title_and_site"),
    ("  cleanup (Boilerplate.clean)", "crawler/extraction/cleanup.py", "clean"),
    ("language (LanguageDetector.detect)", "crawler/extraction/language.py", "detect"),
    ("  langdetect profiles (once)", "crawler/extraction/language.py", "_profiles"),
    ("  n-grams (langdetect_port.ngrams)", "crawler/extraction/langdetect_port.py", "ngrams"),
    ("  trials (langdetect_port.probabilities)", "crawler/extraction/langdetect_port.py",
     "probabilities"),
    ("decode_html", "crawler/extraction/extract.py", "decode_html"),
)


def run_once(command: list[str], cwd: Path | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def profile(pages: list[str]) -> str:
    """Where one in-process `warta extract` over `pages` spends its time (cumulative s)."""
    from crawler.cli import cli

    profiler = cProfile.Profile()
    with redirect_stdout(io.StringIO()):
        profiler.enable()
        try:
            cli.main(["extract", *pages], prog_name="warta", standalone_mode=False)
        finally:
            profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values())  # tottime of every function
    lines = [f"profile of one run (cProfile, {total:.2f} s in total; cumulative s per stage):"]
    for label, file_end, function in PROFILED:
        cumulative = sum(
            entry[3] for (file, _line, name), entry in stats.items()
            if file.endswith(file_end) and name == function
        )
        lines.append(f"  {label:<50} {cumulative:6.2f}  ({cumulative / total:.0%})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="?", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--before", type=Path, help="folder holding an older crawler/ package")
    args = parser.parse_args()
    pages = sorted(str(path.resolve()) for path in args.pages.glob("*.html"))
    if not pages:
        parser.error(f"no *.html pages in {args.pages}")
    host = benchlib.machine()
    commands: dict[str, tuple[list[str], Path | None]] = {
        "warta": ([str(WARTA), "extract", *pages], None),
        "plain": ([sys.executable, "-c", PLAIN, *pages], None),
    }
    if args.before:
        # `python -c` puts the working directory first on sys.path: the older crawler/ there
        # comes before this project's (installed in editable mode)
        commands["before"] = (
            [sys.executable, "-c", "from crawler.cli import main; main()", "extract", *pages],
            args.before.resolve(),
        )
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for round_number in range(args.rounds):
        order = list(commands)[round_number % len(commands):] + list(commands)[
            : round_number % len(commands)]
        for name in order:
            timings[name].append(run_once(*commands[name]))
    host.finish()
    print(f"{len(pages)} pages from {args.pages}, {args.rounds} rounds, alternating")
    for name, runs in timings.items():
        walls = sorted(wall for wall, _ in runs)
        cpus = sorted(cpu for _, cpu in runs)
        print(
            f"{name:>6}: wall median {statistics.median(walls):.2f} s "
            f"({walls[0]:.2f}-{walls[-1]:.2f}), CPU median {statistics.median(cpus):.2f} s "
            f"({cpus[0]:.2f}-{cpus[-1]:.2f})"
        )
    for name in (name for name in timings if name != "plain"):
        for index, label in ((0, "wall"), (1, "CPU")):
            ratios = sorted(w[index] / p[index] for w, p in zip(timings[name], timings["plain"],
                                                                 strict=True))
            medians = (statistics.median(run[index] for run in timings[name])
                       / statistics.median(run[index] for run in timings["plain"]))
            print(f"{name} / plain, {label}: {medians:.2f} (ratio of medians); per round "
                  f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}")
    print(host.line())
    if args.profile:
        os.environ.pop("COLUMNS", None)
        print(profile(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
