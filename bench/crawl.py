"""Crawl throughput: `warta demo`-style crawls of a generated replay web, full pipeline vs fetching.

Serves `python -m replayweb serve --generate N` once (a child process) and crawls it several
times, each crawl in a fresh child process (Scrapy's reactor does not restart) on a fresh
SQLite database, with `warta demo`'s settings:

- fetch:     ITEM_PIPELINES = {} (Scrapy fetching and the spiders only);
- full:      the full pipeline as shipped (WARTA_EXTRACT_WORKERS unset: one worker per core);
- full-w2, full-w1: the full pipeline with extraction/language/signatures in 2 or 1 workers;
- full-w0:   the full pipeline inline on the reactor thread (WARTA_EXTRACT_WORKERS = 0);
- full-warc: the full pipeline with every response archived as WARC (crawler.archive.middleware);
  the
             archive's size on disk is reported per 10,000 responses and per 10,000 articles.

Modes alternate within each repeat so machine load hits them alike. Reported per mode (median
of the repeats): responses/s and stored articles/s over the crawl's wall time, the CPU seconds
of the crawl (reactor + workers) and of the replay web server during that crawl. Target
(issue 7): full responses/s ≥ 70% of fetch. `--py-spy PATH` samples one full crawl
(with its workers) and prints where the reactor process and the workers spend their time.

    .venv/bin/python bench/crawl.py                     # 2,000 articles, 2 repeats
    .venv/bin/python bench/crawl.py --full --json bench/results/crawl.json
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import benchlib

MODES: dict[str, dict[str, Any]] = {
    "fetch": {"ITEM_PIPELINES": {}},
    "full": {},
    "full-w2": {"WARTA_EXTRACT_WORKERS": 2},
    "full-w1": {"WARTA_EXTRACT_WORKERS": 1},
    "full-w0": {"WARTA_EXTRACT_WORKERS": 0},
    "full-warc": {"WARTA_WARC_ENABLED": True},
}
DEFAULT_MODES = ("fetch", "full", "full-w0")
START_TIMEOUT_SECONDS = 300.0
#: Scrapy stats added to the runner's per-source figures in the crawl child.
EXTRA_STATS = {
    "downloads": "downloader/response_count",
    "redirects": "downloader/response_status_count/301",
    "archived": "warta/archive/records",
}


def child(mode: str, origins: dict[str, str], database: str, out: Path) -> None:
    """Run one crawl in this process (the `--child` side) and write its figures to `out`."""
    from crawler.commands.demo import DEMO_SETTINGS
    from crawler.operations.runner import project_settings, run_crawl
    from crawler.operations.runstats import SOURCE_STATS

    overrides = {
        **DEMO_SETTINGS,
        "LOG_LEVEL": "ERROR",
        "WARTA_BASE_URLS": origins,
        "WARTA_DATABASE_URL": database,
        **MODES[mode],
    }
    warc_dir = out.with_name(out.stem + "-warc")
    if overrides.get("WARTA_WARC_ENABLED"):
        # a named directory turns archiving on, so only the archiving mode names one
        overrides["WARTA_WARC_DIR"] = str(warc_dir)
    settings = project_settings(overrides)
    # the run's per-source figures, plus raw download counts (redirect hops are downloads
    # that never reach a spider); copied into the crawl-run row like the others
    SOURCE_STATS.update(EXTRA_STATS)
    started = time.perf_counter()
    outcome = run_crawl(sorted(origins), settings)
    elapsed = time.perf_counter() - started
    names = ("pages", "articles_new", "requests", "errors", "dropped_no_article",
             "dropped_language", *EXTRA_STATS)
    figures: dict[str, float] = {
        name: sum(int(s.get(name, 0)) for s in outcome.sources.values()) for name in names
    }
    figures["seconds"] = elapsed
    figures["warc_bytes"] = sum(f.stat().st_size for f in warc_dir.glob("*.warc.gz"))
    # the reactor process's own CPU and its pool workers' (joined at engine stop)
    figures["reactor_cpu"] = benchlib.own_cpu_seconds()
    figures["workers_cpu"] = benchlib.children_cpu_seconds()
    out.write_text(json.dumps(figures), encoding="utf-8")


def start_replay_web(articles: int, seed: int, folder: Path) -> tuple[subprocess.Popen[bytes],
                                                                       dict[str, str], float]:
    """The replay web serving a generated corpus; (process, origins, seconds to start)."""
    port_file = folder / "origins.json"
    from crawler.sources import load_sources

    # pages link to the outlets' public URLs, as in production; the crawl maps them back
    # onto the local servers (WARTA_BASE_URLS, crawler.origins)
    public = [f"--origin={key}={source.base_url}" for key, source in load_sources(None).items()]
    command = [sys.executable, "-m", "replayweb", "serve", "--generate", str(articles),
               "--seed", str(seed), "--port-file", str(port_file), *public]
    started = time.perf_counter()
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"replay web exited with code {server.returncode}")
        if port_file.exists():
            try:
                origins = json.loads(port_file.read_text(encoding="utf-8"))
                return server, origins, time.perf_counter() - started
            except json.JSONDecodeError:
                pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("replay web did not start in time")


def crawl_once(mode: str, origins: dict[str, str], server_pid: int, folder: Path,
               run: int, py_spy: Path | None = None) -> dict[str, Any]:
    """One crawl in a child process; its figures plus CPU of crawl and server."""
    database = f"sqlite:///{folder / f'{mode}-{run}.db'}"
    out = folder / f"{mode}-{run}.json"
    command = [sys.executable, __file__, "--child", mode, "--origins", json.dumps(origins),
               "--database", database, "--out", str(out)]
    if py_spy is not None:
        profile = folder / f"{mode}-{run}.pyspy.txt"
        command = [str(py_spy), "record", "--subprocesses", "--format", "raw", "--rate", "50",
                   "--output", str(profile), "--", *command]
    server_before = benchlib.process_cpu_seconds(server_pid)
    children_before = benchlib.children_cpu_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL if py_spy else None)
    timeline = cpu_timeline(process)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    wall = time.perf_counter() - started
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    figures["wall_with_startup"] = wall
    figures["timeline"] = timeline
    figures["crawl_cpu"] = benchlib.children_cpu_seconds() - children_before
    figures["server_cpu"] = benchlib.process_cpu_seconds(server_pid) - server_before
    figures["responses_per_s"] = figures["pages"] / figures["seconds"]
    figures["articles_per_s"] = figures["articles_new"] / figures["seconds"]
    if py_spy is not None:
        figures["profile"] = str(folder / f"{mode}-{run}.pyspy.txt")
    return figures


def cpu_timeline(process: subprocess.Popen[bytes]) -> list[tuple[float, float]]:
    """Until `process` ends: each second, the cores used by it (the reactor process) and by its
    child processes (the pool workers). Shows the phases a crawl goes through: fetching ahead,
    draining the extraction backlog, clustering at the end."""
    samples: list[tuple[float, float]] = []
    previous: dict[int, float] = {}
    while process.poll() is None:
        time.sleep(1.0)
        used = []
        for pid in (process.pid, *_children(process.pid)):
            try:
                now = benchlib.process_cpu_seconds(pid, waited_children=False)
            except OSError:
                continue
            used.append(now - previous.get(pid, now))
            previous[pid] = now
        if used:
            samples.append((round(used[0], 2), round(sum(used[1:]), 2)))
    return samples


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def print_timeline(mode: str, samples: list[tuple[float, float]], every: int = 5) -> None:
    """Mean cores used per `every` seconds: reactor process, then workers."""
    print(f"\ncores used by one {mode} crawl, mean per {every} s (reactor process / workers):")
    for start in range(0, len(samples), every):
        chunk = samples[start:start + every]
        reactor = sum(r for r, _ in chunk) / len(chunk)
        workers = sum(w for _, w in chunk) / len(chunk)
        print(f"  {start:4d}-{start + len(chunk):4d} s  {reactor:4.2f} / {workers:4.2f}")


def cpu_capacity(medians: dict[str, dict[str, float]], cores: int) -> dict[str, dict[str, float]]:
    """Responses/s each mode could reach on `cores` idle cores, from its CPU per response.

    The reactor process (reactor thread + database thread, serial under the GIL) can give at
    most one core; pool workers and the replay web use what is left. On a shared machine this
    is steadier than wall-clock rates, which measure the neighbours' load as much as Warta.
    """
    result = {}
    for mode, values in medians.items():
        pages = max(values["pages"], 1)
        reactor = values["reactor_cpu"] / pages
        workers = values["workers_cpu"] / pages
        server = values["server_cpu"] / pages
        result[mode] = {
            "reactor_ms": reactor * 1000,
            "workers_ms": workers * 1000,
            "server_ms": server * 1000,
            "capacity": min(1 / reactor, cores / (reactor + workers)),
            "capacity_with_server": min(1 / reactor, cores / (reactor + workers + server)),
        }
    return result


#: Leaf frames of threads that wait (py-spy cannot always tell a blocked C call from work).
IDLE_LEAVES = ("select (", "Condition.wait", "thread.py:81)", "Queue.get", "Connection._recv",
               "SemLock.__enter__", "_wait_for_tstate_lock", "Event.wait")
#: What a sampled stack is doing, first match wins (frame-name substrings).
CATEGORIES = (
    ("clustering stage (crawler.clustering.stage)", ("cluster_pending", "recluster")),
    ("store: upsert one article (storage.articles)", ("StorePipeline._store",)),
    ("store: other database work", ("StorePipeline._",)),
    ("extraction, inline", ("extract_article",)),
    ("language, inline", ("LanguageDetector.detect",)),
    ("signature + features, inline", ("signature_and_features",)),
    ("process-pool plumbing (pickling, queues)", ("_ExecutorManagerThread", "_send_bytes",
                                                  "_ForkingPickler", "queues.py")),
    ("start-up (imports, settings, migrations)", ("_find_and_load", "upgrade (")),
    ("Scrapy / Twisted / spiders (the rest)", ("",)),
)


def summarise_py_spy(path: Path, top: int = 12) -> str:
    """Per process kind of a `py-spy record --format raw` file: samples by category (CATEGORIES)
    and the functions with the most samples of their own (leaf frames)."""
    categories: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    leaves: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        kind = "pool workers" if "spawn_main" in stack else "reactor process"
        count = int(count_text)
        leaf = stack.split(";")[-1]
        if any(mark in leaf for mark in IDLE_LEAVES):
            continue  # a thread waiting for work, a socket or a lock
        totals[kind] += count
        category = next(name for name, marks in CATEGORIES if any(m in stack for m in marks))
        categories[kind][category] += count
        leaves[kind][leaf.split(" (")[0] + " (" + leaf.rsplit("/", 1)[-1]] += count
    lines = []
    for kind in sorted(totals, key=lambda k: -totals[k]):
        lines.append(f"{kind}: {totals[kind]} busy samples (waiting threads left out)")
        for name, count in categories[kind].most_common():
            lines.append(f"  {100 * count / totals[kind]:5.1f}%  {name}")
        lines.append("  top functions (own samples):")
        for name, count in leaves[kind].most_common(top):
            lines.append(f"    {100 * count / totals[kind]:5.1f}%  {name}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--articles", type=int, default=2000, help="generated corpus size")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--modes", default=",".join(DEFAULT_MODES),
                        help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--full", action="store_true", help="10,000 articles, 3 repeats")
    parser.add_argument("--py-spy", type=Path, help="py-spy binary: profile one full crawl")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--timeline", action="store_true",
                        help="print the cores used second by second in each mode's first crawl")
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--origins", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, json.loads(args.origins), args.database, args.out)
        return 0
    if args.full:
        args.articles, args.repeats = 10_000, 3
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    host = benchlib.machine()
    figures: dict[str, Any] = {"articles": args.articles, "repeats": args.repeats, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="warta-bench-crawl-") as name:
        folder = Path(name)
        server, origins, startup = start_replay_web(args.articles, args.seed, folder)
        figures["server_startup_seconds"] = startup
        try:
            for run in range(args.repeats):
                order = modes[run % len(modes):] + modes[: run % len(modes)]
                for mode in order:
                    result = crawl_once(mode, origins, server.pid, folder, run)
                    figures["runs"].setdefault(mode, []).append(result)
                    print(f"run {run} {mode:8s} {result['pages']:6d} responses "
                          f"{result['articles_new']:6d} articles in {result['seconds']:6.1f} s: "
                          f"{result['responses_per_s']:6.1f} resp/s; crawl CPU "
                          f"{result['crawl_cpu']:6.1f} s (reactor {result['reactor_cpu']:.1f}), "
                          f"server CPU {result['server_cpu']:5.1f} s; {result['redirects']} 301s;"
                          f" load {os.getloadavg()[0]:.2f}", flush=True)
            if args.py_spy:
                result = crawl_once("full", origins, server.pid, folder, 99, args.py_spy)
                figures["profiled_run"] = result
                if args.json:  # keep the raw samples beside the figures
                    kept = args.json.with_name(args.json.stem + "-pyspy.txt")
                    shutil.copyfile(result["profile"], kept)
                    result["profile"] = str(kept)
                summary = summarise_py_spy(Path(result["profile"]))
                figures["py_spy_summary"] = summary
                print(f"py-spy (50 Hz) of one full crawl, {result['seconds']:.1f} s "
                      f"(profiling slows it):\n{summary}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    rows: list[tuple[object, ...]] = []
    medians: dict[str, dict[str, float]] = {}
    for mode, results in figures["runs"].items():
        keys = ("responses_per_s", "articles_per_s", "seconds", "crawl_cpu", "server_cpu",
                "reactor_cpu", "workers_cpu", "downloads", "redirects")
        medians[mode] = {k: benchlib.Samples([r[k] for r in results]).median for k in keys}
        medians[mode]["pages"] = results[0]["pages"]
        medians[mode]["articles"] = results[0]["articles_new"]
    figures["medians"] = medians
    if args.timeline:
        for mode, results in figures["runs"].items():
            print_timeline(mode, results[0]["timeline"])
    capacity = cpu_capacity(medians, host.cores)
    figures["cpu_capacity"] = capacity
    fetch = medians.get("fetch", {}).get("responses_per_s")
    for mode, values in medians.items():
        ratio = f"{values['responses_per_s'] / fetch:.2f}" if fetch else "n/a"
        rows.append((mode, int(values["pages"]), int(values["articles"]),
                     f"{values['seconds']:.1f}", f"{values['responses_per_s']:.1f}",
                     f"{values['articles_per_s']:.1f}", ratio, f"{values['crawl_cpu']:.1f}",
                     f"{values['server_cpu']:.1f}"))
    print(f"\n## crawl of a generated replay web, {args.articles} articles, "
          f"median of {args.repeats} (server start {startup:.1f} s)")
    print(benchlib.table(rows, ["mode", "responses", "articles", "wall s", "responses/s",
                                "articles/s", "× fetch", "crawl CPU s", "server CPU s"]))
    rows = [(mode, f"{c['reactor_ms']:.1f}", f"{c['workers_ms']:.1f}", f"{c['server_ms']:.1f}",
             f"{c['capacity']:.0f}", f"{c['capacity_with_server']:.0f}",
             f"{c['capacity'] / capacity['fetch']['capacity']:.2f}" if "fetch" in capacity
             else "n/a") for mode, c in capacity.items()]
    print(f"\nCPU per response (ms) and the {host.cores}-core capacity it implies (responses/s; "
          "the reactor process is serial under the GIL, workers and server use the other core):")
    print(benchlib.table(rows, ["mode", "reactor ms", "workers ms", "server ms", "capacity",
                                "capacity incl. server", "× fetch"]))
    for mode, results in figures["runs"].items():
        if results[0]["warc_bytes"]:
            size = results[0]["warc_bytes"]
            figures.setdefault("archive", {})[mode] = archive = {
                "bytes": size,
                "records": results[0]["archived"],
                "mb_per_10k_responses": size / results[0]["archived"] * 1e4 / 1e6,
                "mb_per_10k_articles": size / results[0]["articles_new"] * 1e4 / 1e6,
            }
            print(f"WARC archive ({mode}): {size / 1e6:.1f} MB for {archive['records']} "
                  f"responses: {archive['mb_per_10k_responses']:.0f} MB per 10,000 responses, "
                  f"{archive['mb_per_10k_articles']:.0f} MB per 10,000 stored articles")
    if "full" in medians and "full-w0" in medians:
        speedup = medians["full"]["responses_per_s"] / medians["full-w0"]["responses_per_s"]
        figures["worker_pool_speedup"] = speedup
        print(f"worker pool speed-up (full / full-w0): ×{speedup:.2f}")
    host.finish()
    print(host.line())
    benchlib.write_json(args.json, "crawl", figures, host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
