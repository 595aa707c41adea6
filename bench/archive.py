"""WARC archive cost on real news pages: bytes on disk and writer CPU per archived page.

Archives the HTML pages of the scrapinghub benchmark (real news sites, ../shared; read here,
never copied into the project) through storage.warc.WarcSeries exactly as the crawl's archive
stage does — a response record with typical headers plus its request record, gzip level 9,
one os.write per pair — and reports the HTML bytes, the WARC bytes and the time per page, and
what 10,000 pages cost. The generated replay web's pages are smaller than real ones, so the
crawl benchmark (bench/crawl.py --modes full,full-warc) measures the slowdown, this one the size.

    .venv/bin/python bench/archive.py --json bench/results/archive.json
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import benchlib

from storage.warc import Exchange, WarcSeries

DEFAULT_PAGES = benchlib.PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub" / "html"
#: Headers of a typical article response and request (what Scrapy sends and a server answers).
RESPONSE_HEADERS = [
    ("Server", "nginx"),
    ("Date", "Tue, 02 Jul 2024 10:00:00 GMT"),
    ("Content-Type", "text/html; charset=UTF-8"),
    ("Cache-Control", "max-age=300"),
    ("Vary", "Accept-Encoding"),
]
REQUEST_HEADERS = [
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en"),
    ("User-Agent", "Warta/0.1 (research crawler of Sultra regional news; contact: x@y.org)"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the pages")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"no pages in {args.pages} (../shared/benchmarks/scrapinghub/html)", file=sys.stderr)
        return 1
    bodies = [path.read_bytes() for path in files]
    host = benchlib.machine()
    seconds: list[float] = []
    sizes: list[int] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="warta-bench-archive-") as folder:
            series = WarcSeries(Path(folder), "bench", 1024**3, {"software": "Warta bench"})
            started = time.process_time()
            for n, body in enumerate(bodies):
                series.append(_exchange(n, body))
            series.close()
            seconds.append(time.process_time() - started)
            sizes.append(sum(f.stat().st_size for f in Path(folder).glob("*.warc.gz")))
    html = sum(map(len, bodies))
    warc = sizes[0]
    cpu = benchlib.Samples(seconds).median
    figures = {
        "pages": len(bodies),
        "html_bytes": html,
        "warc_bytes": warc,
        "compression": warc / html,
        "mb_per_10k_pages": warc / len(bodies) * 1e4 / 1e6,
        "cpu_ms_per_page": cpu / len(bodies) * 1000,
        "cpu_seconds_per_round": seconds,
    }
    print(f"{len(bodies)} real pages, {html / len(bodies) / 1e3:.0f} kB of HTML each: "
          f"WARC {warc / len(bodies) / 1e3:.1f} kB a page ({100 * warc / html:.1f}% of the HTML), "
          f"{figures['mb_per_10k_pages']:.0f} MB per 10,000 pages; writer CPU "
          f"{figures['cpu_ms_per_page']:.2f} ms a page (median of {args.rounds} rounds)")
    host.finish()
    print(host.line())
    benchlib.write_json(args.json, "archive", figures, host)
    return 0


def _exchange(number: int, body: bytes) -> Exchange:
    return Exchange(
        url=f"https://news.example/2024/07/02/article-{number}",
        method="GET",
        request_headers=REQUEST_HEADERS,
        request_body=b"",
        status=200,
        response_headers=RESPONSE_HEADERS,
        body=body,
        ip_address="203.0.113.7",
    )


if __name__ == "__main__":
    sys.exit(main())
