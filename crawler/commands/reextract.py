"""`warta reextract`: rebuild stored articles from the WARC archive with the current rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from crawler.archive.reextract import Rules, Selection, iter_report_lines, reextract
from crawler.commands.crawl import parse_setting
from crawler.commands.events import IsoDate, ResearchCommand
from crawler.commands.options import cluster_workers_option, database_url_option, warc_dir_option
from crawler.extraction.extract import ExtractionOptions
from crawler.extraction.language import LanguageDetector
from crawler.operations.runner import project_settings
from dedupe.signatures import MinHasher
from storage.database import DatabaseUnavailable, make_engine
from storage.migrate import upgrade


@click.command("reextract", cls=ResearchCommand)
@database_url_option
@warc_dir_option
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Outlet key (repeatable).")
@click.option("--since", type=IsoDate(), help="First publication day (WITA), YYYY-MM-DD.")
@click.option("--until", type=IsoDate(), help="Last publication day (WITA), YYYY-MM-DD.")
@click.option(
    "--set",
    "extra_settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="A Warta setting for the rules, e.g. --set WARTA_BOILERPLATE_FILE=rules.toml.",
)
@click.option(
    "--examples",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many changed articles to show (a paragraph gone, one new).",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@cluster_workers_option
def command(
    database_url: str,
    warc_dir: Path,
    sources: tuple[str, ...],
    since: date | None,
    until: date | None,
    extra_settings: tuple[str, ...],
    examples: int,
    dry_run: bool,
    workers: int,
) -> None:
    """Re-extract text, title, credits, date, language, signature and features of stored
    articles from their archived pages with the current rules, and re-cluster what changed.

    Reads only the archive: no network. Articles stored without archiving are counted and
    left alone, as are pages the current rules would no longer keep.

    Example: warta reextract --source telisik --since 2024-07-01 --set WARTA_BOILERPLATE_FILE=b.toml
    """
    settings = project_settings(dict(parse_setting(value) for value in extra_settings))
    rules = Rules(
        ExtractionOptions.from_settings(settings),
        LanguageDetector.from_settings(settings),
        MinHasher(),
    )
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        report = reextract(
            engine,
            warc_dir,
            rules,
            Selection(sources, since, until),
            examples=examples,
            dry_run=dry_run,
            cluster_workers=workers,
        )
    except DatabaseUnavailable as error:
        raise click.ClickException(f"database unavailable: {error}") from error
    finally:
        engine.dispose()
    for line in iter_report_lines(report):
        click.echo(line)
