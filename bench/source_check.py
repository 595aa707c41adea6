"""Live check cost: `warta sources check` of every replay-web outlet, requests and wall time.

Serves the packaged replay web (9 outlets) with the faults of tests/test_sources_check.py
(indeks down, kabarsultra in a new theme, chanetujuh with an empty feed, kendaripos moved to a
second replay web on 127.0.0.2, zonasultra on a `.invalid` host) or, with `--healthy`, none;
runs the real command on a fresh SQLite database and reports per outlet the verdict, the
requests the check counted (Scrapy's `downloader/request_count`) and the requests the outlet's
server(s) saw, with the wall time of the whole check. AutoThrottle is off (loopback).

    .venv/bin/python bench/source_check.py
    .venv/bin/python bench/source_check.py --healthy --json bench/results/source_check.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.health.probe import Thresholds  # noqa: E402
from crawler.sources import load_sources  # noqa: E402
from replayweb.server import ReplayWeb  # noqa: E402

FAULTS = {"indeks": {"outlet_down"}, "kabarsultra": {"new_theme"}, "chanetujuh": {"feed_empty"}}
MOVED, DEAD_DNS = "kendaripos", "zonasultra"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthy", action="store_true", help="no faults, no move")
    parser.add_argument("--json", type=Path, help="write the figures here")
    options = parser.parse_args()
    host = benchlib.machine()
    origins = {key: source.base_url for key, source in load_sources().items()}
    with ReplayWeb(host="127.0.0.2") as new_home, tempfile.TemporaryDirectory() as scratch:
        moved = {} if options.healthy else {MOVED: new_home.base_urls[MOVED]}
        faults = {} if options.healthy else FAULTS
        with ReplayWeb(origins=origins, faults=faults, moved=moved) as web:
            base_urls = dict(web.base_urls)
            if not options.healthy:
                base_urls[DEAD_DNS] = "http://zonasultra-tutup.invalid"
            command = [
                str(Path(sys.executable).with_name("warta")), "sources", "check",
                *sorted(base_urls), "--database", f"{scratch}/check.db", "--format", "json",
                "--base-urls", json.dumps(base_urls), "--set", "AUTOTHROTTLE_ENABLED=false",
                "--set", "WARTA_ALLOW_PRIVATE_ADDRESSES=true",
                "--log-file", f"{scratch}/check.log",
            ]  # fmt: skip
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            seconds = time.perf_counter() - started
            served = {
                key: sum(web.hits(key).values()) + sum(new_home.hits(key).values())
                for key in web.base_urls
            }
    records = [json.loads(line) for line in result.stdout.splitlines()]
    rows = [(r["source"], r["verdict"], r["requests"], served.get(r["source"], 0)) for r in records]
    host.finish()
    budget = Thresholds.load().budget
    print(benchlib.table(rows, ["outlet", "verdict", "requests (check)", "requests (served)"]))
    print(
        f"\n{len(records)} outlets in {seconds:.1f} s wall; exit {result.returncode}; "
        f"budget {budget.documents} documents, at most {budget.max_requests} requests each"
    )
    print(host.line())
    figures = {
        "seconds": round(seconds, 2),
        "exit": result.returncode,
        "outlets": {r[0]: {"verdict": r[1], "requests": r[2], "served": r[3]} for r in rows},
    }
    benchlib.write_json(options.json, "source_check", figures, host)  # fmt: skip


if __name__ == "__main__":
    main()
