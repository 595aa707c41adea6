"""`warta stats`: the database at a glance: articles per outlet and month, events,
duplicates (who republishes whom) and the latest crawl runs."""

from __future__ import annotations

import dataclasses
import json

import click

from crawler.commands.events import (
    ResearchCommand,
    format_option,
    json_default,
    read_session,
    table,
)
from crawler.commands.options import database_url_option
from crawler.commands.output import console
from storage import queries


@click.command("stats", cls=ResearchCommand)
@database_url_option
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="Months shown in the outlet-by-month table (the latest ones).",
)
@format_option("table", "json")
def command(database_url: str, months: int, output_format: str) -> None:
    """Summarise the database: totals, articles per outlet and month, duplicates, crawl runs.

    Example: warta stats --months 6
    """
    with read_session(database_url) as session:
        summary = queries.stats(session)
    if output_format == "json":
        click.echo(
            json.dumps(
                dataclasses.asdict(summary), default=json_default, indent=2, ensure_ascii=False
            )
        )
        return
    out = console()
    out.print(
        table(
            "Totals",
            (
                "outlets",
                "articles",
                "duplicates",
                "unclustered",
                "events",
                "events 2+ outlets",
                "crawl runs",
            ),
            [
                (
                    summary.sources,
                    summary.articles,
                    summary.duplicates,
                    summary.pending,
                    summary.events,
                    summary.multi_outlet_events,
                    summary.crawl_runs,
                )
            ],
        )
    )
    out.print(
        table(
            "Outlets",
            ("outlet", "name", "articles", "duplicates", "events", "first", "last"),
            (
                (
                    o.outlet,
                    o.name,
                    o.articles,
                    o.duplicates,
                    o.events,
                    o.first_published,
                    o.last_published,
                )
                for o in summary.outlets
            ),
        )
    )
    shown = sorted({month for _, month, _ in summary.outlet_months if month})[-months:]
    counts = {(outlet, month): n for outlet, month, n in summary.outlet_months}
    outlets = sorted({outlet for outlet, _, _ in summary.outlet_months})
    out.print(
        table(
            "Articles per outlet and month (WITA)",
            ("outlet", *shown),
            ((outlet, *(counts.get((outlet, month), "") for month in shown)) for outlet in outlets),
        )
    )
    if summary.republished:
        out.print(
            table(
                "Republished near-duplicates (who copies whom)",
                ("outlet", "copied from", "articles"),
                summary.republished,
            )
        )
    out.print(
        table(
            f"Latest crawl runs (of {summary.crawl_runs})",
            (
                "run",
                "spider",
                "started",
                "finished",
                "status",
                "pages",
                "new",
                "duplicates",
                "errors",
            ),
            (
                (
                    r.id,
                    r.spider,
                    r.started_at,
                    r.finished_at,
                    r.status,
                    r.pages_fetched,
                    r.articles_new,
                    r.duplicates,
                    r.errors,
                )
                for r in summary.recent_runs
            ),
        )
    )
