"""Extraction throughput: Warta's extraction stage against plain `trafilatura.extract`.

Times, on the same decoded pages and in alternating order within each round:

- plain:    `trafilatura.extract(html, url=url)` (trafilatura's defaults, text only);
- extract:  `crawler.extraction.extract.extract_article` (trafilatura + metadata + cleanup + date);
- full:     extract + `LanguageDetector.detect` (what the extract and language stages run);
- worker:   full + MinHash signature + event features (all CPU work the pool does per page).

Pages come from the ScrapingHub article-extraction benchmark (real outlets, varied markup) and
from the generated replay web (Sultra outlet themes, rendered in-process). One process gives
pages/s per core; `--processes 2` also runs `worker` in a spawn pool to show the 2-core rate.
Target (issue 7): extract ≤ 1.15 × plain per page. `--profile` adds a cProfile stage breakdown.

    .venv/bin/python bench/extraction.py                 # quick: 60 + 60 pages, 3 rounds
    .venv/bin/python bench/extraction.py --full --json bench/results/extraction.json
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import benchlib
import trafilatura

from crawler.commands.extract import project_settings
from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.language import LanguageDetector
from dedupe.features import extract_features
from dedupe.signatures import MinHasher

DEFAULT_SCRAPINGHUB = benchlib.PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub"
Page = tuple[str, str | None]  # (decoded HTML, URL)
#: Per-page costs are CPU seconds of this process: on a shared 2-core machine, wall time
#: measures the neighbours as much as the code (the pool rate below is wall time).
CLOCK = time.process_time

#: Functions whose cumulative time makes the stage breakdown of `--profile`.
STAGES = {
    "parse (load_html)": ("trafilatura/utils.py", "load_html"),
    "metadata (_read_metadata)": ("crawler/extraction/extract.py", "_read_metadata"),
    "  htmldate find_date (quick)": ("htmldate/core.py", "find_date"),
    "trafilatura bare_extraction": ("trafilatura/core.py", "bare_extraction"),
    "cleanup (Boilerplate.clean)": ("crawler/extraction/cleanup.py", "clean"),
    "date fallback (_htmldate_fallback)": ("crawler/extraction/extract.py", "_htmldate_fallback"),
}


def scrapinghub_pages(folder: Path, limit: int | None) -> list[Page]:
    """Decoded pages of the ScrapingHub benchmark, in file-name order."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    return [
        (decode_html((folder / "html" / f"{key}.html").read_bytes(), None), truth[key].get("url"))
        for key in keys
    ]


def replay_pages(count: int, seed: int = 0) -> list[Page]:
    """Article pages of a generated replay web, rendered in-process (no server), round-robin
    over the outlets so every theme is represented."""
    from replayweb.generate import generate_corpus
    from replayweb.outlets import scheme_for
    from replayweb.site import Site

    corpus = generate_corpus(max(count, 1) * 2, seed=seed)
    sites = [
        Site(outlet, scheme_for(outlet), articles, f"http://{outlet}.example")
        for outlet, articles in corpus.by_outlet().items()
    ]
    pages: list[Page] = []
    index = 0
    while len(pages) < count:
        progressed = False
        for site in sites:
            if index < len(site.placements) and len(pages) < count:
                path = site.canonical_path(site.placements[index])
                reply = site.respond(path)
                pages.append((reply.body.decode("utf-8"), site.url(path)))
                progressed = True
        if not progressed:
            break
        index += 1
    return pages


class Workloads:
    """The four per-page workloads, built once per process (options, detector, hasher)."""

    def __init__(self) -> None:
        settings = project_settings()
        self.options = ExtractionOptions.from_settings(settings)
        self.detector: LanguageDetector = LanguageDetector.from_settings(settings)
        self.hasher = MinHasher()

    def plain(self, page: Page) -> object:
        return trafilatura.extract(page[0], url=page[1])

    def extract(self, page: Page) -> object:
        return extract_article(page[0], page[1], self.options)

    def full(self, page: Page) -> object:
        article = extract_article(page[0], page[1], self.options)
        return None if article is None else self.detector.detect(article.text)

    def worker(self, page: Page) -> object:
        article = extract_article(page[0], page[1], self.options)
        if article is None:
            return None
        self.detector.detect(article.text)
        self.hasher.signature_bytes(article.text)
        return extract_features(article.title, article.text, article.published_at)


_WORKLOADS: Workloads | None = None


def _pool_chunk(pages: Sequence[Page]) -> int:
    """Pool task: the `worker` workload over a chunk of pages (workloads built once per child)."""
    global _WORKLOADS
    if _WORKLOADS is None:
        _WORKLOADS = Workloads()
    for page in pages:
        _WORKLOADS.worker(page)
    return len(pages)


def run_rounds(
    pages: Sequence[Page], workloads: dict[str, Callable[[Page], object]], rounds: int
) -> dict[str, benchlib.Samples]:
    """CPU seconds per page of each workload, one sample per round; the order rotates."""
    samples = {name: benchlib.Samples() for name in workloads}
    names = list(workloads)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            function = workloads[name]
            started = CLOCK()
            for page in pages:
                function(page)
            samples[name].add((CLOCK() - started) / len(pages))
    return samples


def pool_rate(
    pages: Sequence[Page], processes: int, rounds: int
) -> tuple[benchlib.Samples, benchlib.Samples]:
    """The `worker` workload in a spawn pool of `processes` (as crawler.operations.workers): wall
    pages/s,
    and CPU ms per page summed over the pool's processes (steady under machine load)."""
    rates = benchlib.Samples()
    cpu_ms = benchlib.Samples()
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(pages) // (processes * 8))
    chunks = [pages[i : i + chunk] for i in range(0, len(pages), chunk)]
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        list(pool.map(_pool_chunk, [chunks[0]] * processes))  # start and warm every child
        pids = list(pool._processes)  # the pool's children, to read their CPU time

        def pool_cpu() -> float:
            return sum(benchlib.process_cpu_seconds(pid) for pid in pids)

        for _ in range(rounds):
            cpu_before = pool_cpu()
            started = time.perf_counter()
            done = sum(pool.map(_pool_chunk, chunks))
            rates.add(done / (time.perf_counter() - started))
            cpu_ms.add((pool_cpu() - cpu_before) * 1000 / done)
    return rates, cpu_ms


def profile_stages(pages: Sequence[Page], workloads: Workloads) -> tuple[dict[str, float], str]:
    """cProfile of `extract` over the pages: ms per page of each stage, and the top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        workloads.extract(page)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    breakdown: dict[str, float] = {}
    for label, (file_suffix, function) in STAGES.items():
        total = sum(
            entry[3]
            for (filename, _line, name), entry in raw.items()
            if name == function and filename.endswith(file_suffix)
        )
        breakdown[label] = total * 1000 / len(pages)
    lines = []
    ranked = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:12]
    for (filename, line, name), entry in ranked:
        short = "/".join(Path(filename).parts[-2:])
        lines.append(f"{entry[2] * 1000 / len(pages):7.2f} ms/page self  {short}:{line} {name}")
    return breakdown, "\n".join(lines)


def report_set(
    label: str, pages: Sequence[Page], rounds: int, workloads: Workloads
) -> dict[str, Any]:
    functions: dict[str, Callable[[Page], object]] = {
        "plain": workloads.plain,
        "extract": workloads.extract,
        "full": workloads.full,
        "worker": workloads.worker,
    }
    for function in functions.values():  # warm-up: imports, regex and dateparser caches
        for page in pages[: min(len(pages), 10)]:
            function(page)
    samples = run_rounds(pages, functions, rounds)
    plain = samples["plain"].median
    rows = []
    figures: dict[str, Any] = {"pages": len(pages), "rounds": rounds}
    for name, sample in samples.items():
        per_page = sample.median
        figures[name] = {"ms_per_page": per_page * 1000, "pages_per_s": 1 / per_page,
                         "ratio_to_plain": per_page / plain, "samples_ms": [
                             v * 1000 for v in sample.values]}
        rows.append((name, f"{per_page * 1000:.2f}", f"{1 / per_page:.1f}",
                     f"{per_page / plain:.3f}", f"{min(sample.values) * 1000:.2f}–"
                     f"{max(sample.values) * 1000:.2f}"))
    # the paired ratio: per round, extract/plain measured back to back
    paired = sorted(e / p for e, p in zip(samples["extract"].values, samples["plain"].values,
                                           strict=True))
    figures["extract_over_plain_paired_median"] = paired[len(paired) // 2]
    print(f"\n## {label}: {len(pages)} pages, {rounds} rounds (median CPU ms/page, 1 process)")
    print(benchlib.table(rows, ["workload", "ms/page", "pages/s/core", "× plain", "range ms"]))
    paired_median = figures["extract_over_plain_paired_median"]
    print(f"extract / plain, paired per round, median: {paired_median:.3f} (target ≤ 1.15)")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--scrapinghub", type=Path, default=DEFAULT_SCRAPINGHUB,
                        help="ScrapingHub benchmark folder (ground-truth.json, html/)")
    parser.add_argument("--scrapinghub-pages", type=int, default=60, help="0: skip the set")
    parser.add_argument("--replay-pages", type=int, default=60, help="0: skip the set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=0,
                        help="also time the worker workload in a spawn pool of this many")
    parser.add_argument("--profile", action="store_true", help="cProfile stage breakdown")
    parser.add_argument("--full", action="store_true",
                        help="all 181 ScrapingHub pages, 400 replay pages, 7 rounds, 2 processes")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.full:
        args.scrapinghub_pages, args.replay_pages, args.rounds = 181, 400, 7
        args.processes = args.processes or 2
    host = benchlib.machine()
    workloads = Workloads()
    sets: list[tuple[str, list[Page]]] = []
    if args.scrapinghub_pages:
        if not (args.scrapinghub / "ground-truth.json").is_file():
            parser.error(f"no ground-truth.json in {args.scrapinghub}")
        sets.append(("scrapinghub", scrapinghub_pages(args.scrapinghub, args.scrapinghub_pages)))
    if args.replay_pages:
        sets.append(("replay web", replay_pages(args.replay_pages)))
    figures: dict[str, Any] = {}
    for label, pages in sets:
        figures[label] = report_set(label, pages, args.rounds, workloads)
        if args.processes:
            single = figures[label]["worker"]["pages_per_s"]
            rates, cpu_ms = pool_rate(pages, args.processes, args.rounds)
            capacity = args.processes * 1000 / cpu_ms.median
            figures[label]["pool"] = {"processes": args.processes, "pages_per_s": rates.median,
                                      "samples": rates.values, "cpu_ms_per_page": cpu_ms.median,
                                      "cpu_bound_pages_per_s": capacity,
                                      "speedup_over_1_process": rates.median / single}
            print(f"worker workload in a pool of {args.processes}: wall {rates.median:.1f} pages/s "
                  f"({rates.spread()}, machine load {os.getloadavg()[0]:.1f}); CPU "
                  f"{cpu_ms.median:.2f} ms/page in the pool → {capacity:.1f} pages/s on "
                  f"{args.processes} idle cores (×{capacity / single:.2f} over 1 process)")
        if args.profile:
            breakdown, top = profile_stages(pages, workloads)
            figures[label]["profile_ms_per_page"] = breakdown
            print("cProfile of extract (ms/page, cumulative; cProfile inflates absolute times):")
            for stage, value in breakdown.items():
                print(f"  {stage:38s} {value:7.2f}")
            print(top)
    host.finish()
    print(host.line())
    benchlib.write_json(args.json, "extraction", figures, host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
