"""`warta backfill actors|regions`: fill what newer versions keep for articles stored before."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from sqlalchemy import Engine

from crawler.clustering.actors import backfill
from crawler.clustering.regions import place_everything
from crawler.commands.options import database_url_option
from storage.database import DatabaseUnavailable, make_engine
from storage.migrate import upgrade

Report = TypeVar("Report")


@click.group("backfill")
def command() -> None:
    """Recompute stored data that newer Warta versions keep.

    Example: warta backfill actors --database warta.db
    """


@command.command("actors")
@database_url_option
def actors(database_url: str) -> None:
    """Extract who every stored article names (people, offices, organisations) into
    `actors` and `actor_mentions`, replacing what was there, then decide again which
    spellings are one person. Safe to re-run; each batch of articles is its own transaction.

    Example: warta backfill actors --database warta.db
    """
    report = _on_migrated(database_url, backfill)
    click.echo(
        f"articles {report.articles}  mentions {report.mentions}  failed {report.failed}  "
        f"spellings joined {report.joined}"
    )


@command.command("regions")
@database_url_option
def regions(database_url: str) -> None:
    """Place every stored article in the region where its happening took place (dedupe.places),
    replacing earlier placings, fill the `regions` table, and decide every event's region.

    Example: warta backfill regions --database warta.db
    """
    report = _on_migrated(database_url, place_everything)
    click.echo(
        f"articles {report.articles}  placed {report.placed}  failed {report.failed}  "
        f"events {report.events}"
    )


def _on_migrated(database_url: str, work: Callable[[Engine], Report]) -> Report:
    """`work` on the database at `database_url`, migrated to head first."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        return work(engine)
    except DatabaseUnavailable as error:
        raise click.ClickException(f"database unavailable: {error}") from error
    finally:
        engine.dispose()
