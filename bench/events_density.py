"""Clustering at real density on real texts: the development set replicated over many days.

Generated articles (bench/recluster.py) do not chain the way real news does: a real day holds
stories of a hundred articles sharing names and words. This benchmark takes the real articles
of ../shared/datasets/indonews-dev (four days, ~1,000 a day) and lays K copies end to end, each
published 4·k days later. So that a copy is new news, not a republication of the first, every
capitalised word and every figure of copy k carries the copy's tag (names, places, dates and
numbers are its own) while the sentences keep their real shape and density. Then it times
`cluster_rows` (the code of `warta cluster`) in this process: wall, CPU, peak memory, and the
shape of the result (events, the largest, same-event pairs). Not a test.

    nice -n 19 .venv/bin/python bench/events_density.py --copies 10
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import machine, peak_rss_mib, write_json  # noqa: E402

from crawler.clustering.devset import read_jsonl  # noqa: E402
from crawler.clustering.stage import cluster_rows  # noqa: E402

DEV_SET = (
    Path(__file__).resolve().parent.parent.parent / "shared/datasets/indonews-dev/articles.jsonl"
)
#: a copy's own names and figures: capitalised words and numbers
_TAGGED = re.compile(r"\b(?:[A-Z][\w'-]*|\d[\d.,]*)")
SPAN_DAYS = 4


def replicate(rows: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    out = list(rows)
    for k in range(1, copies):
        tag = f"q{k}"

        def retag(text: str | None, tag: str = tag) -> str | None:
            return None if text is None else _TAGGED.sub(lambda m: m.group() + tag, text)

        for row in rows:
            published = row.get("published_at")
            shifted = (
                (datetime.fromisoformat(published) + timedelta(days=SPAN_DAYS * k)).isoformat()
                if published
                else None
            )
            out.append(
                dict(
                    row,
                    id=f"{row['id']}-{tag}",
                    title=retag(row.get("title")),
                    text=retag(row.get("text")),
                    published_at=shifted,
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--articles", type=Path, default=DEV_SET)
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (smoke runs)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.articles.exists():
        parser.exit(0, f"skipped: {args.articles} not found (the real development set)\n")
    host = machine()
    rows = read_jsonl(args.articles)
    rows = rows[: args.limit] if args.limit else rows
    corpus = replicate(rows, args.copies)
    started, cpu = time.perf_counter(), time.process_time()
    lines = cluster_rows(corpus)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    host.finish()
    sizes = collections.Counter(line["event_id"] for line in lines)
    figures = {
        "articles": len(corpus),
        "copies": args.copies,
        "days": SPAN_DAYS * args.copies,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_rss_mib": round(peak_rss_mib()),
        "events": len(sizes),
        "largest_event": max(sizes.values()),
        "same_event_pairs": sum(n * (n - 1) // 2 for n in sizes.values()),
    }
    print(host.line())
    print(" | ".join(f"{key} {value}" for key, value in figures.items()))
    write_json(args.json, "events_density", figures, host)


if __name__ == "__main__":
    main()
