"""Helpers of the operations tests (tests/test_ops_*.py): run `warta`, read back a database.

A database is compared by meaning, not ids: the set of canonical URLs, the near-duplicate
groups and the event partition, each as sets of canonical URLs (ids depend on arrival order).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from storage.database import normalise_driver
from storage.models import Article, CrawlRun

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WARTA = str(Path(sys.executable).with_name("warta"))
#: The replay web is local and ours: no throttling (as `warta demo`), extraction in a thread
#: (two cores shared by several test processes).
FAST = (
    "--set",
    "AUTOTHROTTLE_ENABLED=false",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set",
    "WARTA_EXTRACT_WORKERS=0",
)


def warta_env(log_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WARTA_")}
    env["WARTA_LOG_DIR"] = str(log_dir)
    env.update(extra)
    return env


def run_warta(
    args: Sequence[str], log_dir: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [WARTA, *args],
        cwd=PROJECT_ROOT,
        env=warta_env(log_dir, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_warta(args: Sequence[str], log_dir: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [WARTA, *args],
        cwd=PROJECT_ROOT,
        env=warta_env(log_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crawl_args(origins: Mapping[str, str], database_url: str, *extra: str) -> list[str]:
    return [
        "crawl",
        *sorted(origins),
        "--database",
        database_url,
        "--base-urls",
        json.dumps(dict(origins)),
        "--quiet",
        *FAST,
        *extra,
    ]


Partition = frozenset[frozenset[str]]


@dataclass(frozen=True)
class Snapshot:
    urls: frozenset[str]
    duplicate_groups: frozenset[frozenset[str]]
    events: frozenset[frozenset[str]]
    unclustered: int


def url_partitions(rows: Sequence[Any]) -> tuple[Partition, Partition]:
    """Duplicate groups and events as sets of canonical URLs (ids differ between databases);
    `rows` need id, canonical_url, duplicate_of and event_id."""
    url_of = {row.id: row.canonical_url for row in rows}
    groups: dict[int, set[str]] = {}
    events: dict[int, set[str]] = {}
    for row in rows:
        if row.duplicate_of is not None:
            groups.setdefault(row.duplicate_of, {url_of[row.duplicate_of]}).add(row.canonical_url)
        if row.event_id is not None:
            events.setdefault(row.event_id, set()).add(row.canonical_url)
    return (
        frozenset(frozenset(group) for group in groups.values()),
        frozenset(frozenset(event) for event in events.values()),
    )


def snapshot(database_url: str) -> Snapshot:
    engine = create_engine(normalise_driver(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Article.id,
                Article.canonical_url,
                Article.duplicate_of,
                Article.event_id,
                Article.clustered_at,
            )
        ).all()
    engine.dispose()
    groups, events = url_partitions(rows)
    return Snapshot(
        urls=frozenset(row.canonical_url for row in rows),
        duplicate_groups=groups,
        events=events,
        unclustered=sum(row.clustered_at is None for row in rows),
    )


def crawl_runs(database_url: str) -> list[dict[str, Any]]:
    """Every crawl run, oldest first, as {id, status, finish_reason, stats}."""
    engine = create_engine(normalise_driver(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(CrawlRun.id, CrawlRun.status, CrawlRun.finish_reason, CrawlRun.stats).order_by(
                CrawlRun.id
            )
        ).all()
    engine.dispose()
    return [dict(row._mapping) for row in rows]


def article_count(database_url: str) -> int:
    engine = create_engine(normalise_driver(database_url))
    try:
        with engine.connect() as connection:
            return len(connection.execute(select(Article.id)).all())
    except Exception:  # noqa: BLE001 - not created yet: the crawl is starting
        return 0
    finally:
        engine.dispose()


def assert_same_database(url: str, reference_url: str, tmp_path: Path) -> None:
    """Same articles, duplicate groups and events as the reference.

    When only the events differ, both databases are reclustered from scratch (`warta
    recluster`, order-independent) to say whether the difference comes from the order in which
    articles reached the incremental clustering stage rather than from lost or extra articles.
    """
    got, expected = snapshot(url), snapshot(reference_url)
    lost, added = sorted(expected.urls - got.urls), sorted(got.urls - expected.urls)
    assert got.urls == expected.urls, f"articles lost {lost} or added {added}"
    assert got.unclustered == 0, "articles left unclustered"
    assert got.duplicate_groups == expected.duplicate_groups, "duplicate groups differ"
    if got.events == expected.events:
        return
    rebuilt = []
    for name, database in (("got", url), ("expected", reference_url)):
        # SQLite: on a copy; PostgreSQL test databases are throw-away: in place
        copy = _copy_sqlite_or_none(database, tmp_path / f"recluster-{name}.db") or database
        subprocess.run([WARTA, "recluster", "--database", copy], capture_output=True, check=True)
        rebuilt.append(snapshot(copy).events)
    verdict = (
        "equal after `warta recluster` of both: the incremental clustering stage "
        "(crawler/clustering/stage.py) is order-dependent"
        if rebuilt[0] == rebuilt[1]
        else "not explained by clustering order"
    )
    only_got = sorted(sorted(e) for e in got.events - expected.events)
    only_expected = sorted(sorted(e) for e in expected.events - got.events)
    raise AssertionError(
        f"event partitions differ ({verdict}): only here {only_got}; only in the reference "
        f"{only_expected}"
    )


def _copy_sqlite_or_none(database_url: str, target: Path) -> str | None:
    if not database_url.startswith("sqlite:///"):
        return None
    source = database_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"
