"""`warta actors`: the people and bodies named at the most events, with filters."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import click

from crawler.commands.events import (
    IsoDate,
    ResearchCommand,
    check_sources,
    console,
    format_option,
    limit_option,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import database_url_option
from storage import actor_queries


@click.command("actors", cls=ResearchCommand)
@database_url_option
@click.option("--since", type=IsoDate(), help="First day (article published), YYYY-MM-DD.")
@click.option("--until", type=IsoDate(), help="Last day (article published), YYYY-MM-DD.")
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Outlet key (repeatable).")
@click.option("--kind", type=click.Choice(["person", "organisation"]), help="Only this kind.")
@click.option("--office", metavar="WORDS", help="Words the office as written contains.")
@limit_option(20)
@format_option("table", "csv", "json")
def command(
    database_url: str,
    since: date | None,
    until: date | None,
    sources: tuple[str, ...],
    kind: str | None,
    office: str | None,
    limit: int,
    output_format: str,
) -> None:
    """List the actors named at the most events: kind, name, events, articles, outlets, the
    first and last day an article named them, and the office written most often. Spellings of
    one person count as one actor; with --office, who held an office and when (a rotated
    Kapolresta shows as two people with their days).

    Example: warta actors --kind person --office kapolres --since 2024-11-01 --limit 10
    """
    if since and until and since > until:
        raise click.UsageError("--since is after --until")
    filters = actor_queries.ActorFilter(since, until, sources, kind, office)
    with read_session(database_url) as session:
        check_sources(session, sources)
        rows = actor_queries.most_present(session, filters, limit or 1_000_000)
    if output_format != "table":
        write_records([asdict(row) for row in rows], output_format)
        return
    console().print(
        table(
            "Most present actors",
            ["id", "kind", "name", "events", "articles", "outlets", "office"],
            [(r.id, r.kind, r.name, r.events, r.articles, r.outlets, r.office or "") for r in rows],
        )
    )
