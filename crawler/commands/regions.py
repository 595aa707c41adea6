"""`warta regions`: events and articles per regency (or city) per month, where they happened."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import click

from crawler.commands.events import (
    IsoDate,
    ResearchCommand,
    format_option,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import RegionParam, database_url_option
from crawler.commands.output import console
from storage.regions import regency_months


@click.command("regions", cls=ResearchCommand)
@database_url_option
@click.option(
    "--province",
    type=RegionParam(),
    metavar="NAME|CODE",
    help="Only the regencies of this province ('Sultra', 'Sulawesi Tenggara', 74).",
)
@click.option("--since", type=IsoDate(), help="First day, YYYY-MM-DD.")
@click.option("--until", type=IsoDate(), help="Last day, YYYY-MM-DD.")
@format_option("table", "csv", "json")
def command(
    database_url: str,
    province: str | None,
    since: date | None,
    until: date | None,
    output_format: str,
) -> None:
    """Events and articles placed in each regency/city, month by month (docs/PLACES.md).

    An event counts in the month of its date (of its first report when undated), an article
    in its month of publication (WITA). Places known only to the province are left out.

    Example: warta regions --province Sultra --format csv > regions.csv
    """
    if province is not None and "." in province:
        raise click.BadParameter(f"{province!r} is not a province", param_hint="'--province'")
    with read_session(database_url) as session:
        rows = regency_months(session, province, since, until)
    if output_format != "table":
        write_records([asdict(row) for row in rows], output_format)
        return
    console().print(
        table(
            f"Events and articles per regency per month ({len(rows)} rows)",
            ("month", "code", "regency/city", "province", "events", "articles"),
            ((r.month, r.regency_code, r.regency, r.province, r.events, r.articles) for r in rows),
        )
    )
