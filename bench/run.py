"""Run every throughput benchmark of issue 7 in turn and keep their figures in bench/results/.

Each benchmark runs in its own process (fresh memory peaks, no shared caches) and writes its
printed report to `<results>/<name>.txt` and, where it supports `--json`, `<name>.json`.
bench/clustering.py and bench/clustering_stage.py print their figures; their output is kept
beside the others'.
BENCHMARKS.md is written by hand from these files.

    .venv/bin/python bench/run.py                      # small defaults, a few minutes
    .venv/bin/python bench/run.py --full --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/run.py --only extraction lsh
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NAMES = ("extraction", "lsh", "clustering", "clustering_stage", "crawl", "queries", "archive")


def command(name: str, full: bool, postgres: str | None, results: Path) -> list[str]:
    """The command line of one benchmark at the chosen size."""
    script = [sys.executable, str(BENCH / f"{name}.py")]
    if name == "clustering":  # its own flags, no --json
        return script + (["--sizes", "10000", "100000"] if full else ["--sizes", "10000"])
    if name == "clustering_stage":  # prints its figures, no --json
        return script + ["--articles", "10000" if full else "2000"]
    if name == "archive":  # one size: the 181 real pages
        return script + ["--json", str(results / "archive.json")]
    args = script + ["--json", str(results / f"{name}.json")]
    if full:
        args.append("--full")
    if name == "extraction":
        args.append("--profile")
    if name == "queries" and postgres:
        args += ["--postgres", postgres]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--full", action="store_true", help="the full sizes of each benchmark")
    parser.add_argument("--postgres", help="admin URL for the PostgreSQL query benchmark")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run only these")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in args.only or NAMES:
        started = time.perf_counter()
        line = command(name, args.full, args.postgres, args.results)
        print(f"== {name}: {' '.join(line[1:])}", flush=True)
        with (args.results / f"{name}.txt").open("w", encoding="utf-8") as log:
            code = subprocess.run(line, stdout=log, stderr=subprocess.STDOUT).returncode
        print(f"   exit {code} after {time.perf_counter() - started:.0f} s; "
              f"report in {args.results / f'{name}.txt'}", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
