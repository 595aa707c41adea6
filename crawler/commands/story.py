"""`warta story ID`: one story's events in time order, with date, outlets and who was there."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click
from rich.text import Text

from crawler.commands.events import (
    ResearchCommand,
    format_option,
    printable,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import database_url_option
from crawler.commands.output import console
from storage import queries, story_queries


@click.command("story", cls=ResearchCommand)
@click.argument("story_id", metavar="ID", type=click.IntRange(min=1))
@database_url_option
@format_option("table", "csv", "json")
def command(database_url: str, story_id: int, output_format: str) -> None:
    """Show story ID: its span and each event in time order (date, outlets, articles, who was
    there, title).

    Example: warta story 7 --format json
    """
    with read_session(database_url) as session:
        detail = story_queries.story_detail(session, story_id)
    if detail is None:
        raise click.BadParameter(f"no story {story_id} in the database", param_hint="'ID'")
    records = [
        dict(queries.event_record(item.event), actors=list(item.actors)) for item in detail.events
    ]
    if output_format == "csv":
        write_records([_flat(record) for record in records], "csv")
        return
    if output_format == "json":
        story: dict[str, Any] = asdict(detail.story)
        story["events_in_order"] = records
        write_records([story], "json")
        return
    row = detail.story
    out = console()
    heading = Text(f"Story {row.id}: ", style="bold")
    heading.append(printable(row.title))
    out.print(heading)
    span = f"{printable(row.first_day)} – {printable(row.last_day)}"
    for name, value in (
        ("span", span),
        ("events", row.events),
        ("articles", row.articles),
        ("outlets", row.outlets),
    ):
        line = Text(f"  {name}: ", style="dim")
        line.append(printable(value))
        out.print(line)
    out.print(
        table(
            None,
            ("event", "date", "outlets", "articles", "who was there", "title"),
            (
                (
                    item.event.id,
                    item.event.event_date or item.event.first_seen,
                    ", ".join(item.event.outlets),
                    item.event.article_count,
                    ", ".join(item.actors),
                    item.event.title,
                )
                for item in detail.events
            ),
        )
    )


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: list cells joined with "; "."""
    return {
        key: "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
        for key, value in record.items()
    }
