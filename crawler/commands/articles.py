"""`warta articles`: search articles by words, outlet, day, event or duplicate status."""

from __future__ import annotations

from datetime import date

import click

from crawler.commands.events import (
    IsoDate,
    ResearchCommand,
    check_sources,
    format_option,
    limit_option,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import RegionParam, database_url_option
from crawler.commands.output import console
from storage import queries


@click.command("articles", cls=ResearchCommand)
@database_url_option
@click.option("--since", type=IsoDate(), help="First publication day (WITA), YYYY-MM-DD.")
@click.option("--until", type=IsoDate(), help="Last publication day (WITA), YYYY-MM-DD.")
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Outlet key (repeatable).")
@click.option("--query", metavar="WORDS", help="Words that must all occur in the title or text.")
@click.option("--place", help="Substring of the place of the article's event.")
@click.option(
    "--min-outlets",
    type=click.IntRange(min=0),
    metavar="N",
    help="Only articles of events reported by at least N outlets.",
)
@click.option(
    "--event",
    "event_id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="Only the articles of this event.",
)
@click.option(
    "--region",
    type=RegionParam(),
    metavar="NAME|CODE",
    help="Only articles placed in this region or inside it (Konsel, 74.05, Wawotobi).",
)
@click.option("--duplicates-only", is_flag=True, help="Only republished near-duplicates.")
@limit_option(100)
@click.option("--newest-first", is_flag=True, help="Latest articles first.")
@format_option("table", "csv", "json")
def command(
    database_url: str,
    since: date | None,
    until: date | None,
    sources: tuple[str, ...],
    query: str | None,
    place: str | None,
    min_outlets: int | None,
    event_id: int | None,
    region: str | None,
    duplicates_only: bool,
    limit: int,
    newest_first: bool,
    output_format: str,
) -> None:
    """List articles in publication order.

    Example: warta articles --query "Jum'at" --source telisik --format csv
    """
    try:
        filters = queries.ArticleFilter(
            since=since,
            until=until,
            sources=sources,
            query=query,
            place=place,
            min_outlets=min_outlets,
            event_id=event_id,
            region=region,
            duplicates_only=duplicates_only,
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--since'/'--until'") from error
    with read_session(database_url) as session:
        check_sources(session, sources)
        rows = queries.articles(session, filters, limit=limit or None, newest_first=newest_first)
        total = queries.count_articles(session, filters) if output_format == "table" else 0
    if output_format != "table":
        write_records([queries.article_record(row) for row in rows], output_format)
        return
    console().print(
        table(
            f"Articles ({len(rows)} of {total})",
            ("id", "outlet", "published (WITA)", "title", "event", "copy of", "url"),
            (
                (
                    row.id,
                    row.outlet,
                    row.published_at,
                    row.title,
                    row.event_id,
                    row.duplicate_of,
                    row.url,
                )
                for row in rows
            ),
        )
    )
