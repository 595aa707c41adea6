"""`warta runs`: the crawl runs, newest first, with what each source fetched, stored and lost.

Reads `crawl_runs` (storage.runs.recent_runs): runs of `warta crawl` carry per-source figures
(stats["sources"]); a bare `scrapy crawl` run carries Scrapy's flat stats, read as one source.
Duplicates are counted from the articles each run first stored (`duplicate_of` set). Sources
that fetch nothing (`--failing-after`) and silent ones (WARTA_SILENCE_* settings) are named last.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import click
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.commands.options import database_url_option
from crawler.commands.output import console, new_table
from crawler.commands.run_report import silence_line, silence_options
from crawler.operations.runner import project_settings
from storage.database import DatabaseUnavailable, make_engine, session_scope, sqlite_path
from storage.models import Article, CrawlRun, Source
from storage.runs import failing_sources, recent_runs, silent_sources

#: Per-source figure → the Scrapy stat it comes from in a bare `scrapy crawl` run.
FLAT_STATS = {
    "pages": "response_received_count",
    "requests": "downloader/request_count",
    "article_requests": "warta/requests/article",
    "articles_new": "warta/articles/new",
    "articles_unchanged": "warta/articles/unchanged",
    "dropped_language": "warta/dropped/language",
    "skipped_already_stored": "warta/skipped/already_stored",
}
COLUMNS = (
    "pages",
    "requests",
    "article_requests",
    "articles_new",
    "duplicates",
    "dropped_language",
    "skipped_already_stored",
)


class NoDatabase(click.ClickException):
    exit_code = 2


def source_figures(run: CrawlRun) -> dict[str, dict[str, Any]]:
    """{source: figures} of a run, whichever command wrote it."""
    stats = run.stats if isinstance(run.stats, dict) else {}
    sources = stats.get("sources")
    if isinstance(sources, Mapping):
        return {key: dict(value) for key, value in sources.items() if isinstance(value, Mapping)}
    figures: dict[str, Any] = {name: int(stats.get(key) or 0) for name, key in FLAT_STATS.items()}
    errors = {
        key.removeprefix("warta/errors/"): int(value)
        for key, value in stats.items()
        if key.startswith("warta/errors/") and isinstance(value, int)
    }
    figures["errors"] = sum(errors.values())
    figures["errors_by_kind"] = errors
    figures["finish_reason"] = run.finish_reason
    return {run.spider: figures}


def duplicates_by_run(session: Session, run_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """(run id, source key) → articles first stored by that run that are near-duplicates."""
    rows = session.execute(
        select(Article.crawl_run_id, Source.key, func.count())
        .join(Source, Source.id == Article.source_id)
        .where(Article.crawl_run_id.in_(run_ids), Article.duplicate_of.is_not(None))
        .group_by(Article.crawl_run_id, Source.key)
    ).tuples()
    return {(run_id, key): count for run_id, key, count in rows if run_id is not None}


def runs_as_records(session: Session, limit: int) -> list[dict[str, Any]]:
    runs = recent_runs(session, limit)
    duplicates = duplicates_by_run(session, [run.id for run in runs])
    records = []
    for run in runs:
        sources = source_figures(run)
        for key, figures in sources.items():
            figures["duplicates"] = duplicates.get((run.id, key), 0)
        duration = (
            (run.finished_at - run.started_at).total_seconds()
            if run.finished_at and run.started_at
            else None
        )
        records.append(
            {
                "id": run.id,
                "command": run.spider,
                "status": run.status,
                "finish_reason": run.finish_reason,
                "started_at": run.started_at.isoformat() if run.started_at else None,
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "duration_seconds": round(duration, 1) if duration is not None else None,
                "sources": sources,
            }
        )
    return records


@click.command("runs")
@database_url_option
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many runs, newest first.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--failing-after",
    default=3,
    show_default=True,
    type=click.IntRange(min=1),
    help="Name sources that fetched nothing in this many runs in a row.",
)
def command(database_url: str, limit: int, output_format: str, failing_after: int) -> None:
    """List crawl runs: start, end, duration, and per source pages, new articles, duplicates,
    language rejections and errors by kind.

    Example: warta runs --database warta.db --limit 5 --format json
    """
    url = database_url
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise NoDatabase(f"no SQLite database at {path}")
    try:
        engine = make_engine(url)
    except DatabaseUnavailable as error:
        raise NoDatabase(str(error)) from None
    try:
        with session_scope(engine) as session:
            records = runs_as_records(session, limit)
            failing = failing_sources(session, failing_after)
            silent = silent_sources(session, **silence_options(project_settings()))
    finally:
        engine.dispose()
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "runs": records,
                    "failing_sources": [
                        {"source": f.key, "failed_runs": f.failed_runs, "run_ids": list(f.run_ids)}
                        for f in failing
                    ],
                    "silent_sources": [
                        {**asdict(source), "message": silence_line(source)} for source in silent
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    _print_table(records)
    for source in failing:
        click.echo(
            f"failing: {source.key} fetched nothing in its last {source.failed_runs} runs "
            f"(runs {', '.join(map(str, source.run_ids))})"
        )
    for quiet_source in silent:
        click.echo(f"silent: {silence_line(quiet_source)}")


def _print_table(records: list[dict[str, Any]]) -> None:
    table = new_table(f"Crawl runs: {len(records)}")
    for column in ("run", "started", "duration", "status", "source", *COLUMNS, "errors"):
        table.add_column(
            column, justify="left" if column in {"started", "status", "source"} else "right"
        )
    for record in records:
        started = (record["started_at"] or "")[:19].replace("T", " ")
        duration = (
            f"{record['duration_seconds']:.0f}s" if record["duration_seconds"] is not None else "—"
        )
        status = record["status"] + (
            f" ({record['finish_reason']})"
            if record["finish_reason"] not in (None, "finished")
            else ""
        )
        first = True
        for key, figures in sorted(record["sources"].items()) or [("—", {})]:
            errors = figures.get("errors_by_kind") or {}
            table.add_row(
                str(record["id"]) if first else "",
                started if first else "",
                duration if first else "",
                status if first else "",
                Text(key),
                *(str(figures.get(column, 0)) for column in COLUMNS),
                Text(", ".join(f"{kind}={n}" for kind, n in sorted(errors.items())) or "0"),
            )
            first = False
    console().print(table)
