"""Benchmark of the clustering stage on a database (issue 7): recluster_all, cluster_pending.

Times `recluster_all` from scratch and one incremental `cluster_pending` on SQLite files of
generated articles. Not a test.

    # build: N articles, never clustered, events over two years (1M = ~1,370 articles a day)
    nice -n 19 .venv/bin/python bench/recluster.py --build 100000 --db /tmp/warta-bench/100k.db
    # from scratch: recluster_all in this process, on a copy of the file (--in-place: on it);
    # --keep PATH keeps the clustered copy (the input of --incremental); --recluster-workers N
    # passes workers=N to recluster_all, or with --incremental to cluster_pending (code that
    # has the parameter)
    nice -n 19 .venv/bin/python bench/recluster.py --scratch --db /tmp/warta-bench/100k.db \
        --keep /tmp/warta-bench/100k-clustered.db
    # incremental: on a copy of a clustered file, K new articles of the corpus's last days,
    # then one cluster_pending
    nice -n 19 .venv/bin/python bench/recluster.py --incremental 1000 \
        --db /tmp/warta-bench/100k-clustered.db
    # the same rows from two codes? (clustered copies kept by --keep, or --in-place runs)
    .venv/bin/python bench/compare_clusterings.py OLD.db NEW.db

Each mode prints one JSON line: wall and CPU seconds (`time.process_time`) of the clustering call
in its `session_scope` (commit included), peak RSS of the process (`ru_maxrss`), the CPU and
largest peak RSS of its finished child processes (recluster_all's workers), the peak of the
summed RSS of the process and its workers (sampled, `benchlib.TreeMemory`), the report's
figures, the load average and the code measured (HEAD, and whether dedupe/clustering.py or
crawler/clustering/stage.py had uncommitted changes).

The database is written with bench/scaling.py's bulk loader (its secondary indexes and search
triggers suspended, the FTS index rebuilt at the end). Unlike scaling.py's rows, the articles'
`signature` and `features` are real: computed by `MinHasher.signature_bytes` and
`extract_features` on the generated text, as the pipeline stores them (scaling.py stores random
signature bytes, which `MinHasher.from_bytes` rejects, and one fixed feature dict without
`salient` weights). Generation runs in `--workers` processes (2 by default).

The generated corpus is described in bench/generated_corpus.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from benchlib import TreeMemory  # noqa: E402
from bulk_load import indexes_suspended, insert_rows  # noqa: E402
from generated_corpus import (  # noqa: E402
    GeneratedEvent,
    event_articles,
    generated,
    make_event,
)
from scaling import OUTLETS, _source  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402

from crawler.clustering.stage import cluster_pending, recluster_all  # noqa: E402
from dedupe.evaluation import bcubed  # noqa: E402
from storage.database import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Article, ArticleUrl  # noqa: E402

BATCH = 2000


def _insert(connection: Any, rows: Sequence[dict[str, Any]], first_id: int) -> None:
    articles = [{"id": first_id + n, **row} for n, row in enumerate(rows)]
    insert_rows(connection, "articles", articles)
    insert_rows(
        connection, "article_urls", [{"url": a["url"], "article_id": a["id"]} for a in articles]
    )


def build(path: Path, count: int, seed: int, workers: int) -> dict[str, Any]:
    """A fresh SQLite file of `count` never-clustered articles (bulk loaded as scaling.py)."""
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    began, cpu = time.perf_counter(), time.process_time()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    made = 0
    with engine.connect() as connection:
        with indexes_suspended(connection):
            insert_rows(connection, "sources", [_source(i) for i in range(OUTLETS)])
            for rows in generated(count, seed, workers):
                for start in range(0, len(rows), BATCH):
                    _insert(connection, rows[start : start + BATCH], made + start + 1)
                made += len(rows)
                connection.commit()  # a batch a transaction: no WAL the size of the file
                if made % 50_000 < len(rows):
                    print(f"{made} articles, {time.perf_counter() - began:.0f} s", file=sys.stderr)
            loaded = time.perf_counter() - began
        connection.commit()  # the FTS rebuild (an INSERT) would be rolled back by the close
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        days = connection.execute(
            select(func.min(Article.published_at), func.max(Article.published_at))
        ).one()
    engine.dispose()
    seconds = time.perf_counter() - began
    return {
        "mode": "build",
        "db": str(path),
        "articles": made,
        "seed": seed,
        "workers": workers,
        "first_published": str(days[0]),
        "last_published": str(days[1]),
        "seconds": round(seconds, 1),
        "indexes_seconds": round(seconds - loaded, 1),
        "main_cpu_seconds": round(time.process_time() - cpu, 1),
        "file_bytes": path.stat().st_size,
    }


# -- measurements --------------------------------------------------------------------------
def _copy(source: Path, target: Path) -> None:
    """Copy a SQLite file with its WAL (a consistent pair while nobody writes)."""
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _code() -> dict[str, Any]:
    """The code measured: HEAD and the uncommitted changes of the clustering code (read only)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:  # e.g. a `git archive` copy of a commit, run with its own bench/
        return {"root": str(ROOT), "head": None}
    clustering = ("dedupe/", "crawler/clustering/stage.py", "crawler/cluster_*.py")
    stat = git("diff", "--stat", "HEAD", "--", *clustering)
    return {"root": str(ROOT), "head": head, "uncommitted_clustering": stat.splitlines()}


def _timed(engine: Engine, call: Any) -> tuple[Any, dict[str, float]]:
    """`call(session)` in one session_scope (commit included): result and figures."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    began, cpu = time.perf_counter(), time.process_time()
    with TreeMemory() as memory, session_scope(engine) as session:
        report = call(session)
        called = time.perf_counter() - began
    figures = {
        "seconds": round(time.perf_counter() - began, 2),
        "call_seconds": round(called, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(rss_before),
        # this process and its workers together, sampled every 0.2 s
        "peak_tree_rss_mb": round(memory.peak_mib),
    }
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if after.ru_utime + after.ru_stime > children.ru_utime + children.ru_stime:
        figures["children_cpu_seconds"] = round(
            after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime, 2
        )
        figures["children_peak_rss_mb"] = round(after.ru_maxrss / 1024)
    return report, figures


def _working_copy(db: Path, in_place: bool, keep: Path | None) -> tuple[Path, bool]:
    """(file to measure on, whether to delete it afterwards)."""
    if in_place:
        return db, False
    if keep is not None:
        _remove(keep)
        _copy(db, keep)
        return keep, False
    handle, name = tempfile.mkstemp(prefix="warta-recluster-", suffix=".db", dir=db.parent)
    os.close(handle)
    _copy(db, Path(name))
    return Path(name), True


def scratch(db: Path, in_place: bool, keep: Path | None, workers: int | None) -> dict[str, Any]:
    work, temporary = _working_copy(db, in_place, keep)
    try:
        engine = make_engine(f"sqlite:///{work}")
        with engine.connect() as connection:
            articles = connection.execute(select(func.count()).select_from(Article)).scalar()
        load = os.getloadavg()
        options = {} if workers is None else {"workers": workers}
        report, figures = _timed(engine, lambda session: recluster_all(session, **options))
        result: dict[str, Any] = {
            "mode": "scratch",
            "db": str(db),
            "articles": articles,
            "recluster_workers": workers,
            **figures,
            "events_created": report.events_created,
            "events_total": report.events_total,
            "duplicates": report.duplicates,
            "report": report.__dict__,
            "load_before": load,
            "load_after": os.getloadavg(),
            "code": _code(),
        }
        result["quality"] = _quality(engine)
        engine.dispose()
        return result
    finally:
        if temporary:
            _remove(work)


def _quality(engine: Engine) -> dict[str, Any]:
    """BCubed of the stored events against the generated ones (in the URLs)."""
    predicted, gold = {}, {}
    with engine.connect() as connection:
        for key, url, event_id in connection.execute(
            select(Article.id, Article.url, Article.event_id)
        ):
            predicted[key] = event_id
            gold[key] = re.search(r"-e(\d+)d\d+-\d+$", url).group(1)  # type: ignore[union-attr]
    scores = bcubed(predicted, gold)
    return {
        "generated_events": len(set(gold.values())),
        "bcubed_precision": round(scores.precision, 4),
        "bcubed_recall": round(scores.recall, 4),
        "bcubed_f1": round(scores.f1, 4),
    }


def incremental(
    db: Path, count: int, seed: int, in_place: bool, workers: int | None
) -> dict[str, Any]:
    work, temporary = _working_copy(db, in_place, None)
    try:
        engine = make_engine(f"sqlite:///{work}")
        fresh = _add_articles(engine, count, seed)
        load = os.getloadavg()
        options = {} if workers is None else {"workers": workers}
        report, figures = _timed(engine, lambda session: cluster_pending(session, **options))
        engine.dispose()
        return {
            "mode": "incremental",
            "db": str(db),
            "new": count,
            "cluster_workers": workers,
            **fresh,
            **figures,
            "pending": report.pending,
            "context": report.context,
            "report": report.__dict__,
            "load_before": load,
            "load_after": os.getloadavg(),
            "code": _code(),
        }
    finally:
        if temporary:
            _remove(work)


def _add_articles(engine: Engine, count: int, seed: int) -> dict[str, Any]:
    """Store `count` new articles of the corpus's last two days: 80% of new events, 20% late
    reports of stored events of those days (the same generator, new URLs); not clustered."""
    with engine.connect() as connection:
        unclustered = connection.execute(
            select(func.count()).select_from(Article).where(Article.clustered_at.is_(None))
        ).scalar()
        if unclustered:
            raise SystemExit(
                f"{unclustered} articles of the file are not clustered: run --scratch --keep first"
            )
        urls = connection.execute(select(Article.url)).scalars().all()
        first_id = connection.execute(select(func.max(Article.id))).scalar() + 1
    stored = {}
    for url in urls:
        found = re.search(r"-e(\d+)d(\d{8})-(\d+)$", url)
        assert found is not None, url
        index, day, report = int(found[1]), found[2], int(found[3])
        stored[index] = (
            datetime.strptime(day, "%Y%m%d").date(),
            max(report, stored.get(index, (None, -1))[1]),
        )
    last = max(day for day, _ in stored.values())
    recent = sorted(index for index, (day, _) in stored.items() if day >= last - timedelta(days=1))
    rng = random.Random(f"{seed}:incremental")
    rows: list[dict[str, Any]] = []
    late = 0
    for index in rng.sample(recent, len(recent)):  # late reports: 1-2 more of a stored event
        if late >= count // 5:
            break
        day, reports = stored[index]
        event = make_event(seed, index, day)
        extra = event_articles(
            GeneratedEvent(**{**event.__dict__, "reports": rng.randint(1, 2)}), seed, reports + 1
        )
        stored[index] = (day, reports + len(extra))
        rows += extra
        late += len(extra)
    index = max(stored) + 1
    while len(rows) < count:
        day = last - timedelta(days=rng.randint(0, 1))
        rows += event_articles(make_event(seed, index, day), seed)
        index += 1
    rows = rows[:count]
    with engine.begin() as connection:
        connection.execute(insert(Article), [{"id": first_id + n, **r} for n, r in enumerate(rows)])
        connection.execute(
            insert(ArticleUrl),
            [{"url": r["url"], "article_id": first_id + n} for n, r in enumerate(rows)],
        )
    return {"late_reports": min(late, count), "last_event_day": last.isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build", type=int, metavar="N", help="write a file of N articles")
    mode.add_argument("--scratch", action="store_true", help="time recluster_all")
    mode.add_argument("--incremental", type=int, metavar="K", help="time K new articles")
    parser.add_argument("--db", type=Path, required=True, help="the SQLite file")
    parser.add_argument("--in-place", action="store_true", help="measure on --db, not a copy")
    parser.add_argument("--keep", type=Path, help="--scratch: keep the clustered copy here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="--build: generating processes")
    parser.add_argument(
        "--recluster-workers",
        type=int,
        help="workers=N for recluster_all (--scratch) or cluster_pending (--incremental)",
    )
    args = parser.parse_args()
    if args.build:
        result = build(args.db, args.build, args.seed, args.workers)
    elif args.scratch:
        result = scratch(args.db, args.in_place, args.keep, args.recluster_workers)
    else:
        result = incremental(
            args.db, args.incremental, args.seed, args.in_place, args.recluster_workers
        )
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
