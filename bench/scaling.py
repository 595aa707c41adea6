"""Scaling note, measured: how big is a 50-outlet, 5-year Warta database?

Generates N synthetic articles (real Indonesian sentences from the replay corpus and the seeds,
recombined; a 525-byte MinHash signature; event features; 1.5 URLs per article; one event per
three articles; 15% near-duplicates) plus crawl runs with per-source stats, writes them with
bulk loading into a fresh SQLite file and a fresh PostgreSQL database migrated to head (so the
FTS5 / tsvector search indexes and every index of the schema are included), and reports rows,
table, index and total sizes, and bytes per article and per run, as JSON on stdout.

    .venv/bin/python bench/scaling.py --articles 100000 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test > bench/scaling.json

The extrapolation to the full corpus is in docs/OPERATIONS.md ("Scaling").
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bulk_load import copy_rows, indexes_suspended, insert_rows  # noqa: E402

from storage.database import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

OUTLETS = 50
YEARS = 5
START = datetime(2020, 1, 1, tzinfo=UTC)
BATCH = 2000


def sentence_pool() -> list[str]:
    """Real sentences: article bodies of the replay corpus and the shared seeds."""
    texts: list[str] = []
    for path in sorted((ROOT / "replayweb" / "corpus").rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts += [article.get("body", "") for article in data.get("article", [])]
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(seeds.glob("*.txt"))]
    sentences = [
        s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 30
    ]
    if not sentences:
        raise SystemExit("no sentences found (replayweb/corpus missing?)")
    return sentences


def article_text(rng: random.Random, sentences: list[str]) -> str:
    """About 2,900 characters (~420 words), the median length of Sultra news articles we saw."""
    target = max(600, int(rng.gauss(2900, 900)))
    parts: list[str] = []
    size = 0
    while size < target:
        sentence = rng.choice(sentences)
        parts.append(sentence)
        size += len(sentence) + 1
    paragraphs = [" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    return "\n\n".join(paragraphs)


def generate(url: str, n_articles: int, n_runs: int, seed: int = 0) -> dict[str, float]:
    """Fill the database at `url` (already migrated) and return timings.

    A bulk load, as a restore would do it: one transaction, the articles' secondary indexes and
    search triggers suspended and rebuilt once at the end (the full-text index too), and
    PostgreSQL fed with COPY. Row-at-a-time index and FTS maintenance made 200k articles take
    ~10 minutes; the rows and their distribution are the same either way.
    """
    rng = random.Random(seed)
    sentences = sentence_pool()
    engine = make_engine(url)
    started = time.monotonic()
    span = timedelta(days=365 * YEARS)
    n_events = max(1, n_articles // 3)
    with engine.begin() as connection, indexes_suspended(connection):
        write = copy_rows if connection.dialect.name == "postgresql" else insert_rows
        write(connection, "sources", [_source(i) for i in range(OUTLETS)])
        write(
            connection,
            "crawl_runs",
            [_run(rng, i + 1, START + span * i / max(n_runs, 1)) for i in range(n_runs)],
        )
        for first in range(0, n_events, BATCH):
            write(
                connection,
                "events",
                [
                    _event(rng, i + 1, START + span * (i / n_events))
                    for i in range(first, min(first + BATCH, n_events))
                ],
            )
        for first in range(0, n_articles, BATCH):
            articles, urls = [], []
            for article_id in range(first + 1, min(first + BATCH, n_articles) + 1):
                article = _article(rng, sentences, article_id, n_articles, n_runs, n_events)
                articles.append(article)
                urls.append({"url": article["url"], "article_id": article_id})
                if rng.random() < 0.5:
                    urls.append({"url": article["url"] + "?utm_source=facebook",
                                 "article_id": article_id})
            write(connection, "articles", articles)
            write(connection, "article_urls", urls)
        loaded = time.monotonic() - started
    elapsed = time.monotonic() - started
    engine.dispose()
    return {"insert_seconds": round(elapsed, 1), "index_seconds": round(elapsed - loaded, 1)}


def _source(index: int) -> dict[str, Any]:
    return {
        "id": index + 1,
        "key": f"outlet{index:02d}",
        "name": f"Outlet {index}",
        "base_url": f"https://outlet{index:02d}.example.id",
    }


def _article(
    rng: random.Random,
    sentences: list[str],
    article_id: int,
    n_articles: int,
    n_runs: int,
    n_events: int,
) -> dict[str, Any]:
    published = START + timedelta(days=365 * YEARS) * (article_id / n_articles)
    source = rng.randrange(OUTLETS) + 1
    slug = "-".join(rng.choice(sentences).lower().split()[:8])
    slug = re.sub(r"[^a-z0-9-]+", "", slug)[:90] + f"-{article_id}"
    canonical = f"https://outlet{source - 1:02d}.example.id/{published:%Y/%m/%d}/{slug}"
    body = article_text(rng, sentences)
    duplicate = article_id > 10 and rng.random() < 0.15
    return {
        "id": article_id,
        "source_id": source,
        "crawl_run_id": rng.randrange(n_runs) + 1,
        "url": canonical,
        "canonical_url": canonical,
        "html_sha256": f"{rng.getrandbits(256):064x}",
        "title": rng.choice(sentences)[:120],
        "author": "Wa Ode Sitti Aisyah",
        "editor": "Andi Nurfadillah",
        "published_at": published,
        "fetched_at": published + timedelta(hours=3),
        "language": "id",
        "language_probability": 0.99999,
        "text": body,
        "word_count": len(body.split()),
        "signature": rng.randbytes(525),
        "features": {
            "date": published.date().isoformat(),
            "places": ["Kendari", "Aula Wira Pratama"],
            "people": ["Hendra Wijayakusuma"],
            "organisations": ["Polresta Kendari", "KPU Kota Kendari", "Bawaslu"],
            "terms": ["rakor", "pengamanan", "pilkada"],
        },
        "duplicate_of": rng.randrange(1, article_id - 5) if duplicate else None,
        "event_id": min(n_events, max(1, article_id // 3)),
        "event_score": rng.random(),
        "event_reason": {"date": True, "places": 2, "organisations": 3, "similarity": 0.41},
        "clustered_at": published + timedelta(hours=4),
    }


def _run(rng: random.Random, run_id: int, started: datetime) -> dict[str, Any]:
    """A `warta crawl` run of 50 outlets: per-source figures as the runner writes them."""
    sources = {
        f"outlet{i:02d}": {
            "pages": rng.randrange(3, 40),
            "requests": rng.randrange(3, 40),
            "articles_new": rng.randrange(0, 10),
            "articles_unchanged": 0,
            "articles_updated": 0,
            "dropped_language": 0,
            "dropped_no_article": rng.randrange(0, 2),
            "skipped_already_stored": rng.randrange(0, 30),
            "skipped_before_since": rng.randrange(0, 300),
            "errors": 0,
            "errors_by_kind": {},
            "finish_reason": "finished",
        }
        for i in range(OUTLETS)
    }
    return {
        "id": run_id,
        "spider": "warta crawl",
        "started_at": started,
        "finished_at": started + timedelta(minutes=6),
        "status": "finished",
        "finish_reason": "finished",
        "pages_fetched": 900,
        "articles_new": 200,
        "articles_unchanged": 0,
        "duplicates": 0,
        "rejected_language": 0,
        "errors": 0,
        "stats": {"sources": sources, "totals": {}, "options": {"since_mode": "auto"}},
    }


def _event(rng: random.Random, event_id: int, day: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "title": "Rakor kesiapan pengamanan Pilkada 2024 di Kendari",
        "event_date": day.date(),
        "place": "Aula Wira Pratama Mapolresta Kendari",
        "first_seen": day,
        "last_seen": day + timedelta(hours=10),
        "article_count": 3,
        "outlet_count": 2,
        "top_terms": ["rakor", "pengamanan", "pilkada", "polresta", "kendari"],
    }


def sqlite_sizes(path: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("VACUUM")
        rows = connection.exec_driver_sql(
            "SELECT s.name, m.type, m.tbl_name, SUM(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY s.name"
        ).all()
        counts = {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("articles", "article_urls", "events", "crawl_runs")
        }
    engine.dispose()
    tables: dict[str, dict[str, int]] = {}
    for name, kind, table, size in rows:
        owner = table or name
        if owner.startswith("articles_fts") or name.startswith("articles_fts"):
            owner = "articles_fts"
        entry = tables.setdefault(owner, {"table_bytes": 0, "index_bytes": 0})
        entry[
            "index_bytes"
            if kind == "index" or name.startswith("sqlite_autoindex")
            else "table_bytes"
        ] += size
    return {"file_bytes": path.stat().st_size, "rows": counts, "tables": tables}


def postgres_sizes(url: str) -> dict[str, Any]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        tables = {
            name: {
                "table_bytes": heap,
                "toast_bytes": toast,
                "index_bytes": index,
                "total_bytes": total,
            }
            for name, heap, toast, index, total in connection.execute(
                text(
                    "SELECT c.relname, pg_relation_size(c.oid), "
                    "COALESCE(pg_total_relation_size(c.reltoastrelid), 0), pg_indexes_size(c.oid), "
                    "pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
                )
            )
        }
        indexes = {
            name: size
            for name, size in connection.execute(
                text(
                    "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) "
                    "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 2 DESC"
                )
            )
        }
        database = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        counts = {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("articles", "article_urls", "events", "crawl_runs")
        }
    engine.dispose()
    return {"database_bytes": database, "rows": counts, "tables": tables, "indexes": indexes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--runs", type=int, default=1000, help="crawl_runs rows (4 a day: 7,300 in 5 years)"
    )
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/warta-scaling.db"))
    parser.add_argument("--postgres", default=None, help="admin URL; a scratch database is created")
    args = parser.parse_args()
    report: dict[str, Any] = {"articles": args.articles, "runs": args.runs}

    args.sqlite.unlink(missing_ok=True)
    url = f"sqlite:///{args.sqlite}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    report["sqlite"] = {**generate(url, args.articles, args.runs), **sqlite_sizes(args.sqlite)}
    print(f"sqlite: {report['sqlite']['file_bytes'] / 1e6:.0f} MB", file=sys.stderr)

    if args.postgres:
        name = f"warta_scaling_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        pg_url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
        try:
            engine = make_engine(pg_url)
            upgrade(engine)
            engine.dispose()
            report["postgresql"] = {
                **generate(pg_url, args.articles, args.runs),
                **postgres_sizes(pg_url),
            }
            print(
                f"postgresql: {report['postgresql']['database_bytes'] / 1e6:.0f} MB",
                file=sys.stderr,
            )
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
