"""Silence: an outlet whose new articles stop for longer than its own history explains is named
by `warta crawl` (stderr for cron mail, exit 1), in its run report and by `warta runs`.

The rule on a real SQLite database first (storage.runs.silent_sources), then three real
`warta crawl` runs over the replay web where one outlet keeps publishing and one goes quiet."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from crawler.sources import load_sources
from replayweb.corpus import WITA, Article, load_corpus
from replayweb.generate import compose_body
from replayweb.server import ReplayWeb
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.runs import finish_run, silent_sources, start_run
from tests.ops_support import crawl_args, run_warta

START = datetime(2026, 11, 1, tzinfo=UTC)
#: silent after 2 quiet runs, however short (the environment variables cron would set)
SILENCE = {"WARTA_SILENCE_MIN_RUNS": "2", "WARTA_SILENCE_MIN_DAYS": "0"}


def record_runs(session: Session, new_articles: dict[str, list[int]], hours: float = 6) -> None:
    """One finished run per position, `hours` apart, each source with that many new articles."""
    for index in range(max(map(len, new_articles.values()))):
        started = START + timedelta(hours=hours * index)
        run_id = start_run(session, "warta crawl", started_at=started)
        sources = {
            key: {"pages": 5, "articles_new": counts[index], "finish_reason": "finished"}
            for key, counts in new_articles.items()
            if index < len(counts)
        }
        finish_run(session, run_id, status="finished", finish_reason="finished",
                   stats={"sources": sources}, finished_at=started)  # fmt: skip


def test_silence_is_judged_against_the_outlets_own_history(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'runs.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        record_runs(
            session,
            {
                "steady": [3, 2, 4, 1, 2, 3, 2, 1, 2],
                "quiet": [3, 2, 4, 1, 2, 3, 0, 0, 0],  # went silent 3 runs (18 h) ago
                "irregular": [2, 0, 0, 0, 1, 3, 0, 0, 0],  # 3 quiet runs are its habit
                "mute": [0, 0, 0, 0, 0, 0, 0, 0, 0],  # never spoke: failing, not silent
            },
        )
    with session_scope(engine) as session:
        by_runs = silent_sources(session, min_runs=3, min_days=0.5)
        by_days = silent_sources(session, min_runs=1, min_days=3)
        long_memory = silent_sources(session, min_runs=3, min_days=0, gap_factor=1.0)
    engine.dispose()
    [quiet] = by_runs
    assert (quiet.key, quiet.runs, quiet.days, quiet.longest_gap_runs) == ("quiet", 3, 0.75, 0)
    assert by_days == []  # 18 hours are no 3 days
    # "irregular" had 3 quiet runs before: silent only when as long a gap counts (factor 1)
    assert {source.key for source in long_memory} == {"quiet", "irregular"}


def extra_article(outlet: str, number: int) -> Article:
    """A new article published just now (the incremental crawl follows only recent entries)."""
    title, body = compose_body(random.Random(f"{outlet}-{number}"))
    return Article(
        id=f"extra-{outlet}-{number}",
        outlet=outlet,
        slug=f"kabar-terbaru-nomor-{number}-dari-{outlet}",
        title=title,
        published=datetime.now(WITA) - timedelta(minutes=30 - number),
        body=body,
    )


def crawl_once(tmp_path: Path, database: str, extra: list[Article], *, report: bool = False):  # type: ignore[no-untyped-def]
    outlets = ("telisik", "antarasultra")
    origins = {key: source.base_url for key, source in load_sources().items() if key in outlets}
    with ReplayWeb(load_corpus(), origins=origins, extra_articles=extra) as web:
        base_urls = {key: web.base_urls[key] for key in outlets}
        args = crawl_args(base_urls, database)
        if report:  # the run report on stdout, as a person running it by hand sees it
            args.remove("--quiet")
        return run_warta(args, tmp_path, **SILENCE)


def test_a_crawl_names_the_outlet_that_went_silent(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'warta.db'}"
    first = crawl_once(tmp_path, database, [])
    assert first.returncode == 0, first.stderr
    second = crawl_once(tmp_path, database, [extra_article("telisik", 1)])
    assert second.returncode == 0, second.stderr  # one quiet run: antarasultra's news may wait
    third = crawl_once(
        tmp_path, database, [extra_article("telisik", n) for n in (1, 2)], report=True
    )
    assert third.returncode == 1, third.stderr
    lines = [line for line in third.stderr.splitlines() if "silent" in line]
    assert lines == [
        "warta crawl: warning: source antarasultra is silent: no new article in its last 2 "
        "runs (0 days, since run 1); its longest gap before was 0 runs, 0 days"
    ]
    assert "silent: source antarasultra is silent: no new article in its last 2 runs" in (
        third.stdout
    )
    runs = run_warta(["runs", "--database", database, "--format", "json"], tmp_path, **SILENCE)
    assert runs.returncode == 0, runs.stderr
    [silent] = json.loads(runs.stdout)["silent_sources"]
    assert (silent["key"], silent["runs"], silent["last_new_run"]) == ("antarasultra", 2, 1)
