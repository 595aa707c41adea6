"""Do two clustered SQLite files hold the same clustering? Not a test: a check of a benchmark.

A change to the clustering code that should not change its decisions is run on copies of one
file (bench/recluster.py --scratch --keep, old and new code); this compares what they wrote:
every article's `duplicate_of`, `event_id`, `event_score` (bit for bit) and reason (as text,
and as JSON with floats within 1e-9), and every event row.

    .venv/bin/python bench/compare_clusterings.py /tmp/warta-bench/1m-old.db \
        /tmp/warta-bench/1m-new.db

Prints one JSON line of counts; all zero (and equal event counts) means the same clustering.
Exits 1 when they differ.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

EVENT_COLUMNS = (
    "id, title, event_date, place, first_seen, last_seen, article_count, outlet_count, "
    "representative_article_id, top_terms"
)
PAIRED = "FROM articles a JOIN other.articles b USING (id)"


def _close(first: Any, second: Any) -> bool:
    """Equal JSON values, floats within a relative 1e-9 (a summation order may differ)."""
    if isinstance(first, float) and isinstance(second, float):
        return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(_close(first[k], second[k]) for k in first)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(_close, first, second))
    return bool(first == second)


def compare(first: Path, second: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{first}?mode=ro", uri=True)
    connection.execute("ATTACH ? AS other", (f"file:{second}?mode=ro",))

    def count(sql: str) -> int:
        return int(connection.execute(sql).fetchone()[0])

    reasons = connection.execute(
        f"SELECT a.event_reason, b.event_reason {PAIRED} WHERE a.event_reason IS NOT b.event_reason"
    ).fetchall()
    return {
        "articles": count("SELECT count(*) FROM articles"),
        "assignment_differs": count(
            f"SELECT count(*) {PAIRED} WHERE a.duplicate_of IS NOT b.duplicate_of "
            "OR a.event_id IS NOT b.event_id"
        ),
        "score_differs": count(
            f"SELECT count(*) {PAIRED} WHERE a.event_score IS NOT b.event_score"
        ),
        "reason_text_differs": len(reasons),
        "reason_value_differs": sum(
            not _close(json.loads(a) if a else None, json.loads(b) if b else None)
            for a, b in reasons
        ),
        "events_first": count("SELECT count(*) FROM events"),
        "events_second": count("SELECT count(*) FROM other.events"),
        "events_only_first": count(
            f"SELECT count(*) FROM (SELECT {EVENT_COLUMNS} FROM events "
            f"EXCEPT SELECT {EVENT_COLUMNS} FROM other.events)"
        ),
        "events_only_second": count(
            f"SELECT count(*) FROM (SELECT {EVENT_COLUMNS} FROM other.events "
            f"EXCEPT SELECT {EVENT_COLUMNS} FROM events)"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    arguments = parser.parse_args()
    counts = compare(arguments.first, arguments.second)
    print(json.dumps(counts))
    differing = [value for key, value in counts.items() if "differs" in key or "only" in key]
    same = not any(differing) and counts["events_first"] == counts["events_second"]
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
