"""Query latency: what `warta events`, `warta event ID` and `warta export` run, on a large database.

Fills a fresh SQLite file and/or PostgreSQL database (migrated to head, so every index and the
full-text search of the schema are there) with generated articles, events and crawl runs using
bench/scaling.py's generator, then times the storage.queries calls behind the commands, in
this process, warm (first call discarded), median of `--repeats`:

- events:        `warta events` = events(limit=100) + count_events, no filter;
- events-month:  the same for one month of event dates;
- events-source: the same for one outlet (`--source`);
- events-search: the same with a two-word full-text `--query` (in 3% / 65% of articles);
- count only:    count_events alone, for the filters where it dominates;
- event:         `warta event ID` = event_detail, a different random id per repeat;
- export-month:  `warta export --since/--until` one month: ids, counts, then every row of
                 events, event_articles and articles (no file writing);

plus the query plan (EXPLAIN) of the main statements, to show which index each one uses.
Target (issue 7): event queries on 1M articles under 100 ms.

    .venv/bin/python bench/queries.py                              # 20,000 articles, SQLite
    .venv/bin/python bench/queries.py --full --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import benchlib
import scaling
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from storage import queries
from storage.database import make_engine
from storage.migrate import upgrade
from storage.models import Event


def build(url: str, articles: int, runs: int) -> float:
    """Migrate and fill the database at `url`; seconds it took."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    scaling.generate(url, articles, runs)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        # fresh statistics, as a maintained database has them
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


@contextmanager
def postgres_database(admin_url: str, keep: bool) -> Iterator[str]:
    """A scratch PostgreSQL database (dropped afterwards unless `keep`)."""
    name = f"warta_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def warta_events(session: Session, filters: queries.EventFilter) -> int:
    """What `warta events` reads for its table: the first 100 events and the total."""
    rows = queries.events(session, filters, limit=100)
    queries.count_events(session, filters)
    return len(rows)


def warta_export(session: Session, filters: queries.EventFilter) -> int:
    """What `warta export` reads (every row of its three tables), without writing files."""
    event_ids = queries.export_event_ids(session, filters)
    article_ids = None if filters.is_empty else event_ids
    queries.count_export_articles(session, event_ids)
    queries.count_export_articles(session, article_ids)
    rows = sum(1 for _ in queries.export_events(session, event_ids))
    rows += sum(1 for _ in queries.export_memberships(session, event_ids))
    rows += sum(1 for _ in queries.export_articles(session, article_ids))
    return rows


def workloads(session: Session, rng: random.Random) -> dict[str, Callable[[], int]]:
    """The timed calls; ids and dates are drawn from the database."""
    first, last = session.execute(
        select(Event.event_date).order_by(Event.event_date).limit(1)
    ).scalar(), session.execute(
        select(Event.event_date).order_by(Event.event_date.desc()).limit(1)
    ).scalar()
    assert isinstance(first, date) and isinstance(last, date)
    middle = first + (last - first) / 2
    month = queries.EventFilter(since=middle, until=middle + timedelta(days=30))
    max_id = int(session.scalar(text("SELECT max(id) FROM events")) or 1)
    outlet = queries.EventFilter(sources=(queries.source_keys(session)[7],))
    # the generator's vocabulary is small: "festival literasi" is in ~3% of the articles,
    # "pengamanan kendari" in ~65% (a worst case for the count and the sort)
    narrow = queries.EventFilter(query="festival literasi")
    broad = queries.EventFilter(query="pengamanan kendari")
    return {
        "events": lambda: warta_events(session, queries.EventFilter()),
        "events-month": lambda: warta_events(session, month),
        "events-source": lambda: warta_events(session, outlet),
        "  count only (source)": lambda: queries.count_events(session, outlet),
        "events-search-3%": lambda: warta_events(session, narrow),
        "  count only (search 3%)": lambda: queries.count_events(session, narrow),
        "events-search-65%": lambda: warta_events(session, broad),
        "  count only (search 65%)": lambda: queries.count_events(session, broad),
        "event": lambda: len(queries.event_detail(session, rng.randint(1, max_id)).articles),  # type: ignore[union-attr]
        "export-month": lambda: warta_export(session, month),
    }


def explain(session: Session, dialect: str) -> dict[str, str]:
    """Query plans of the statements behind the commands (SQLite: EXPLAIN QUERY PLAN)."""
    month = queries.EventFilter(since=date(2022, 6, 1), until=date(2022, 7, 1))
    everything = queries.EventFilter()
    def listing(filters: queries.EventFilter) -> Any:
        return queries.events_select(session, filters, False, limited=True).limit(100)

    statements: dict[str, Any] = {
        "events (no filter)": listing(everything),
        "events (month)": listing(month),
        "events (outlet)": listing(queries.EventFilter(sources=("outlet07",))),
        "events (search 3%)": listing(queries.EventFilter(query="festival literasi")),
        "events (search 65%)": listing(queries.EventFilter(query="pengamanan kendari")),
        "event members": queries.articles_select(
            session, queries.ArticleFilter(event_id=12345)),
    }
    plans: dict[str, str] = {}
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    for name, statement in statements.items():
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        rows = session.execute(text(prefix + str(compiled))).all()
        plans[name] = "; ".join(str(row[-1]) for row in rows)
    return plans


def measure(url: str, repeats: int, label: str) -> dict[str, Any]:
    engine = make_engine(url)
    figures: dict[str, Any] = {}
    rows_out = []
    with Session(engine) as session:
        rng = random.Random(7)
        for name, call in workloads(session, rng).items():
            call()  # warm: caches, statistics, imports
            samples = benchlib.Samples()
            rows = 0
            for _ in range(repeats):
                seconds, rows = benchlib.timed(call)
                samples.add(seconds * 1000)
                session.expunge_all()
            figures[name] = {"median_ms": samples.median, "samples_ms": samples.values,
                             "rows": rows}
            rows_out.append((name, f"{samples.median:.1f}", samples.spread(), rows))
        figures["plans"] = explain(session, engine.dialect.name)
    engine.dispose()
    print(f"\n## {label} (warm, median ms)")
    print(benchlib.table(rows_out, ["query", "median ms", "range ms", "rows"]))
    for name, plan in figures["plans"].items():
        print(f"plan {name}: {plan[:400]}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1000, help="crawl_runs rows")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/warta-bench-queries.db"),
                        help="SQLite file (rebuilt unless --reuse)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="query the existing --sqlite file (and --postgres database)")
    parser.add_argument("--postgres", help="admin URL: also measure a scratch PostgreSQL database"
                        " (with --reuse: the database to measure)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--full", action="store_true", help="200,000 articles, 7 repeats")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.full:
        args.articles, args.repeats = 200_000, 7
    host = benchlib.machine()
    figures: dict[str, Any] = {"articles": args.articles}
    if not args.no_sqlite:
        url = f"sqlite:///{args.sqlite}"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)
            figures["sqlite_build_s"] = build(url, args.articles, args.runs)
            print(f"SQLite filled with {args.articles} articles in "
                  f"{figures['sqlite_build_s']:.0f} s", flush=True)
        figures["sqlite"] = measure(url, args.repeats, f"SQLite, {args.articles} articles")
    if args.postgres and args.reuse:
        figures["postgresql"] = measure(args.postgres, args.repeats,
                                        f"PostgreSQL, {args.articles} articles")
    elif args.postgres:
        with postgres_database(args.postgres, args.keep) as url:
            figures["postgres_build_s"] = build(url, args.articles, args.runs)
            print(f"PostgreSQL filled in {figures['postgres_build_s']:.0f} s", flush=True)
            figures["postgresql"] = measure(url, args.repeats,
                                            f"PostgreSQL, {args.articles} articles")
    host.finish()
    print(host.line())
    benchlib.write_json(args.json, "queries", figures, host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
