"""Benchmark of the clustering stage on a database (issue 7). Not a test: run it by hand.

    .venv/bin/python bench/clustering_stage.py --articles 10000

Stores `--articles` generated articles (bench/clustering.py's generator: signatures and
features as the pipeline stores them) in a fresh SQLite file, then times one
`crawler.clustering.stage.cluster_pending` over all of them, as a crawl's close does: CPU and wall
seconds, and the share of the stage's own reading (`_load`) and writing (`_write`) under
cProfile (which inflates Python-heavy parts). The story level (issue 22) is timed again alone
over every event of the result: its share of the stage. `--articles-file` stores a JSON-lines
file of real articles instead (signed and featurised as the pipeline does, untimed).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import generate  # noqa: E402

from crawler.clustering import stage  # noqa: E402
from crawler.clustering.devset import read_jsonl  # noqa: E402
from crawler.clustering.files import records_from_rows  # noqa: E402
from crawler.clustering.story_writes import write_stories  # noqa: E402
from dedupe.cluster_config import ClusterConfig  # noqa: E402
from dedupe.cluster_records import ArticleRecord  # noqa: E402
from dedupe.signatures import MinHasher  # noqa: E402
from storage.articles import ArticleRow, get_or_create_source, upsert_articles  # noqa: E402
from storage.database import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

FETCHED = datetime(2025, 1, 1, tzinfo=UTC)


def row(source_id: int, host: str, n: int, record: ArticleRecord) -> ArticleRow:
    """The stored row of a record, as the pipeline writes it (text is not read by the stage)."""
    return ArticleRow(
        source_id=source_id,
        url=f"https://{host}/{n}",
        canonical_url=f"https://{host}/{n}",
        html_sha256=f"{n:064x}",
        title=record.title or f"article {n}",
        author=None,
        editor=None,
        published_at=record.published_at,
        fetched_at=FETCHED,
        language="id",
        language_probability=1.0,
        text=f"article {n}",
        signature=record.signature,
        features=dict(record.features),
        crawl_run_id=None,
    )


def store(engine: object, count: int) -> None:
    with session_scope(engine) as session:  # type: ignore[arg-type]
        source_id = get_or_create_source(session, "bench", "Bench", "https://bench.example").id
        rows = [row(source_id, "bench.example", n, r) for n, r in enumerate(generate(count))]
        upsert_articles(session, rows)


def store_file(engine: object, path: Path) -> int:
    """Store a JSON-lines file of articles (`warta cluster`'s input); returns how many."""
    records = records_from_rows(read_jsonl(path), MinHasher())
    with session_scope(engine) as session:  # type: ignore[arg-type]
        sources: dict[str, int] = {}
        rows = []
        for n, record in enumerate(records):
            outlet = record.outlet or "unknown"
            if outlet not in sources:
                source = get_or_create_source(session, outlet, outlet, f"https://{outlet}")
                sources[outlet] = source.id
            rows.append(row(sources[outlet], outlet, n, record))
        upsert_articles(session, rows)
    return len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--articles-file", type=Path, help="real articles (JSON lines) instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warta-bench-stage-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'stage.db'}")
        upgrade(engine)
        if args.articles_file:
            args.articles = store_file(engine, args.articles_file)
        else:
            store(engine, args.articles)
        cpu, wall = time.process_time(), time.perf_counter()
        with session_scope(engine) as session:
            report = stage.cluster_pending(session)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"cluster_pending over {args.articles} stored articles: {cpu:.2f} CPU s, "
              f"{wall:.2f} s wall; {report}")
        story_cpu = time.process_time()
        with session_scope(engine) as session:
            count = write_stories(session, ClusterConfig().story, None)
        story_cpu = time.process_time() - story_cpu
        print(f"  the story level alone over every event ({count} stories): {story_cpu:.2f} "
              f"CPU s, {story_cpu / cpu:.2f} of the stage's CPU above")
        profile = cProfile.Profile()
        with session_scope(engine) as session:  # again, profiled: a full rebuild of the same
            profile.runcall(stage.recluster_all, session)
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
            if filename.endswith("crawler/clustering/stage.py") and function in ("_load", "_write"):
                print(f"  recluster_all, profiled: {function} {row[3]:.2f} of {total:.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
