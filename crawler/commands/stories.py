"""`warta stories`: the stories (ongoing cases over days) of a period, filtered, as a table,
CSV or JSON."""

from __future__ import annotations

from dataclasses import asdict

import click

from crawler.commands.events import (
    ResearchCommand,
    check_sources,
    filter_options,
    format_option,
    limit_option,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import database_url_option
from crawler.commands.output import console
from storage import queries, story_queries


@click.command("stories", cls=ResearchCommand)
@database_url_option
@filter_options
@limit_option(100)
@click.option("--newest-first", is_flag=True, help="Latest stories first.")
@format_option("table", "csv", "json")
def command(
    database_url: str,
    filters: queries.EventFilter,
    limit: int,
    newest_first: bool,
    output_format: str,
) -> None:
    """List stories (a decision and its reactions, a match and its aftermath) by first day:
    span, events, articles, outlets, title. A story matches a filter when one of its events
    does; --since/--until select the stories whose span meets the period.

    Example: warta stories --since 2025-06-08 --min-outlets 3 --query "tambang nikel"
    """
    with read_session(database_url) as session:
        check_sources(session, filters.sources)
        rows = story_queries.stories(
            session, filters, limit=limit or None, newest_first=newest_first
        )
        total = story_queries.count_stories(session, filters) if output_format == "table" else 0
    if output_format != "table":
        write_records([asdict(row) for row in rows], output_format)
        return
    console().print(
        table(
            f"Stories ({len(rows)} of {total})",
            ("id", "first day", "last day", "events", "articles", "outlets", "title"),
            (
                (
                    row.id,
                    row.first_day,
                    row.last_day,
                    row.events,
                    row.articles,
                    row.outlets,
                    row.title,
                )
                for row in rows
            ),
        )
    )
