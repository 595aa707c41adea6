"""Crawl-run bookkeeping: a row when a crawl starts, its counts when it ends, and run health.

The store stage opens a run at spider open and closes it at spider close; a run still
"running" with no `finished_at` was interrupted (killed, crashed), which `warta db check` reports.
Per-source counts live in `stats["sources"]`, e.g. {"telisik": {"pages": 12, "articles_new": 3,
"errors": 0}}; `failing_sources` reads them to spot outlets that stopped answering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun

#: Statuses a run can finish with; "running" is only ever set by `start_run`.
FINISHED_STATUSES = frozenset({"finished", "failed", "interrupted"})
#: Runs whose per-source counts are final ("failed": crawler.operations.runner's verdict when every
#: source
#: fetched nothing, exactly what `failing_sources` looks for).
COMPLETE_STATUSES = ("finished", "failed")
#: Per-source finish reasons that say nothing about the outlet (we stopped, not it).
NEUTRAL_FINISH_REASONS = frozenset({"shutdown", "database_unavailable"})


@dataclass(frozen=True)
class FailingSource:
    """A source that fetched nothing in each of its last `failed_runs` runs (newest first)."""

    key: str
    failed_runs: int
    run_ids: tuple[int, ...]
    errors: int


def start_run(session: Session, spider: str, *, started_at: datetime | None = None) -> int:
    """Record a crawl as running and return its id (flushed, not committed)."""
    run = CrawlRun(
        spider=spider,
        started_at=started_at or datetime.now(UTC),
        status="running",
        stats={},
    )
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    finish_reason: str | None,
    pages_fetched: int = 0,
    articles_new: int = 0,
    articles_unchanged: int = 0,
    duplicates: int = 0,
    rejected_language: int = 0,
    errors: int = 0,
    stats: dict[str, Any] | None = None,
    finished_at: datetime | None = None,
) -> None:
    """Close a run with its counts; `stats` must be JSON-ready (Scrapy stats, per-source counts)."""
    if status not in FINISHED_STATUSES:
        raise ValueError(f"run status must be one of {sorted(FINISHED_STATUSES)}, not {status!r}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ValueError(f"no crawl run with id {run_id}")
    run.status = status
    run.finish_reason = finish_reason
    run.finished_at = finished_at or datetime.now(UTC)
    run.pages_fetched = pages_fetched
    run.articles_new = articles_new
    run.articles_unchanged = articles_unchanged
    run.duplicates = duplicates
    run.rejected_language = rejected_language
    run.errors = errors
    run.stats = dict(stats or {})
    session.flush()


def recent_runs(session: Session, limit: int = 10) -> Sequence[CrawlRun]:
    """The newest runs first, running ones included."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return session.scalars(
        select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    ).all()


def failing_sources(session: Session, n_runs: int = 3) -> list[FailingSource]:
    """Sources that fetched no page in each of the last `n_runs` complete runs that crawled them.

    A run that did not crawl a source (absent from its stats) neither breaks nor extends that
    source's streak, so `warta crawl --source x` runs do not hide an outlet that went dark.
    Neither do running or interrupted runs, nor a source stopped by us (Ctrl-C, dead database):
    their zero pages say nothing about the outlet.
    """
    if n_runs < 1:
        raise ValueError(f"n_runs must be at least 1, not {n_runs}")
    streaks: dict[str, list[tuple[int, int]]] = {}  # key -> [(run id, errors)] while failing
    settled: set[str] = set()  # sources whose newest runs include a success
    rows = session.execute(
        select(CrawlRun.id, CrawlRun.stats)
        .where(CrawlRun.status.in_(COMPLETE_STATUSES))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    for run_id, stats in rows:
        for key, counts in _source_counts(stats).items():
            if key in settled or counts.get("finish_reason") in NEUTRAL_FINISH_REASONS:
                continue
            if _int(counts.get("pages")) > 0:
                settled.add(key)
                continue
            streak = streaks.setdefault(key, [])
            streak.append((run_id, _int(counts.get("errors"))))
    failing = [
        FailingSource(
            key=key,
            failed_runs=len(streak),
            run_ids=tuple(run_id for run_id, _ in streak),
            errors=sum(errors for _, errors in streak),
        )
        for key, streak in streaks.items()
        if len(streak) >= n_runs
    ]
    return sorted(failing, key=lambda source: (-source.failed_runs, source.key))


def _source_counts(stats: Any) -> dict[str, dict[str, Any]]:
    sources = stats.get("sources") if isinstance(stats, dict) else None
    if not isinstance(sources, dict):
        return {}
    return {key: counts for key, counts in sources.items() if isinstance(counts, dict)}


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


@dataclass(frozen=True)
class SilentSource:
    """A source whose new articles stopped for longer than its own history explains."""

    key: str
    #: complete runs since its last new article, and the days they span
    runs: int
    days: float
    last_new_run: int
    #: its longest gap between new articles before, in runs and days (what history explains)
    longest_gap_runs: int
    longest_gap_days: float


def silent_sources(
    session: Session,
    *,
    min_runs: int = 3,
    min_days: float = 3.0,
    gap_factor: float = 2.0,
    history_runs: int = 30,
) -> list[SilentSource]:
    """Sources with no new article in their last runs, for at least `min_runs` runs and
    `min_days` days, and for longer than `gap_factor` times their longest earlier gap (in runs
    and in days) over their last `history_runs` runs.

    Runs are counted as in `failing_sources` (complete runs that crawled the source, not
    stopped by us). A source with no new article in its whole history is not silent here: it
    never spoke (`failing_sources` names one that fetches nothing).
    """
    history: dict[str, list[tuple[int, datetime, bool]]] = {}
    rows = session.execute(
        select(CrawlRun.id, CrawlRun.started_at, CrawlRun.stats)
        .where(CrawlRun.status.in_(COMPLETE_STATUSES))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    for run_id, started_at, stats in rows:
        for key, counts in _source_counts(stats).items():
            runs = history.setdefault(key, [])
            if len(runs) < history_runs and counts.get("finish_reason") not in (
                NEUTRAL_FINISH_REASONS
            ):
                runs.append((run_id, started_at, _int(counts.get("articles_new")) > 0))
    silent = []
    for key, runs in history.items():
        productive = [index for index, (_, _, new) in enumerate(runs) if new]
        if not productive or productive[0] == 0:
            continue
        streak, (last_id, last_at, _) = productive[0], runs[productive[0]]
        days = (runs[0][1] - last_at).total_seconds() / 86400
        gaps = list(zip(productive, productive[1:], strict=False))
        gap_runs = max((older - newer - 1 for newer, older in gaps), default=0)
        # a gap in days is measured as a silence is: from a new article to the last quiet run
        gap_days = max(
            (
                (runs[newer + 1][1] - runs[older][1]).total_seconds() / 86400
                for newer, older in gaps
                if older - newer > 1
            ),
            default=0.0,
        )
        if streak >= max(min_runs, gap_factor * gap_runs) and days >= max(
            min_days, gap_factor * gap_days
        ):
            silent.append(SilentSource(key, streak, round(days, 2), last_id, gap_runs,
                                       round(gap_days, 2)))  # fmt: skip
    return sorted(silent, key=lambda source: (-source.runs, source.key))
