"""`warta recluster`: rebuild every duplicate group and event of a database from stored articles."""

from __future__ import annotations

import click

from crawler.clustering.actors import resolve_actors
from crawler.clustering.stage import recluster_all
from crawler.commands.options import cluster_workers_option, database_url_option
from storage.database import DatabaseUnavailable, make_engine, session_scope


@click.command("recluster")
@database_url_option
@cluster_workers_option
def command(database_url: str, workers: int) -> None:
    """Rebuild duplicate groups and events from the stored signatures and features.

    Deterministic: the same articles give the same events whatever order they were crawled in
    and however many workers rebuild them; event ids are kept where an event keeps members.
    Which spellings of a person are one actor (`warta actor NAME`) is decided again too.

    Example: warta recluster --database warta.db --workers 2
    """
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            report = recluster_all(session, workers=workers)
        with session_scope(engine) as session:
            joined = resolve_actors(session)
    except DatabaseUnavailable as error:
        raise click.ClickException(f"database unavailable: {error}") from error
    finally:
        engine.dispose()
    click.echo(
        f"articles {report.pending}  duplicates {report.duplicates}  events {report.events_total}  "
        f"(created {report.events_created}, removed {report.events_merged})  "
        f"actor spellings joined {joined}"
    )
