"""What `warta demo` and `warta crawl` print at the end: figures, duplicate groups, events.

Tables are built with the researchers' commands' helpers (crawler.commands.events), so page
text is shown the same safe way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.settings import BaseSettings
from sqlalchemy import select

from crawler.commands.events import events_table, read_session, table
from crawler.commands.output import console
from crawler.operations.runner import CrawlOutcome
from storage import queries
from storage.models import Article, Source
from storage.runs import SilentSource

SUMMARY_COLUMNS = (
    "pages",
    "articles_new",
    "articles_unchanged",
    "dropped_language",
    "dropped_no_article",
    "errors",
)


def silence_options(settings: BaseSettings) -> dict[str, Any]:
    """The keyword arguments of storage.runs.silent_sources from the WARTA_SILENCE_* settings."""
    return {
        "min_runs": settings.getint("WARTA_SILENCE_MIN_RUNS"),
        "min_days": settings.getfloat("WARTA_SILENCE_MIN_DAYS"),
        "gap_factor": settings.getfloat("WARTA_SILENCE_GAP_FACTOR"),
        "history_runs": settings.getint("WARTA_SILENCE_HISTORY_RUNS"),
    }


def silence_line(source: SilentSource) -> str:
    """One line for a silent source, the same in `warta crawl`, its mail and `warta runs`."""
    return (
        f"source {source.key} is silent: no new article in its last {source.runs} runs "
        f"({source.days:g} days, since run {source.last_new_run}); its longest gap before was "
        f"{source.longest_gap_runs} runs, {source.longest_gap_days:g} days"
    )


def print_crawl_summary(outcome: CrawlOutcome, silent: Sequence[SilentSource] = ()) -> None:
    """The run's table, then its silent sources."""
    console().print(
        table(
            f"Crawl run {outcome.run_id}",
            ("source", *SUMMARY_COLUMNS),
            (
                (source, *(figures.get(column, 0) for column in SUMMARY_COLUMNS))
                for source, figures in sorted(outcome.sources.items())
            ),
        )
    )
    for source in silent:
        console().print(f"silent: {silence_line(source)}")


def print_duplicate_groups(database_url: str) -> None:
    """Each near-duplicate group: its first article and the outlets that republished it."""
    with read_session(database_url) as session:
        copies: dict[int, list[str]] = {}
        for original_id, outlet in session.execute(
            select(Article.duplicate_of, Source.key)
            .join(Source, Source.id == Article.source_id)
            .where(Article.duplicate_of.is_not(None))
            .order_by(Article.id)
        ):
            if original_id is not None:  # the query filters NULLs; this tells the type checker
                copies.setdefault(original_id, []).append(outlet)
        originals = session.execute(
            select(Article.id, Source.key, Article.title)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(copies))
            .order_by(Article.id)
        ).all()
    console().print(
        table(
            f"Near-duplicate groups: {len(originals)}",
            ("first article", "outlet", "republished by", "title"),
            ((i, outlet, ", ".join(copies[i]), title) for i, outlet, title in originals),
        )
    )


def print_events(database_url: str) -> None:
    with read_session(database_url) as session:
        rows = queries.events(session, queries.EventFilter(), limit=None)
    console().print(events_table(rows, f"Events: {len(rows)}"))
