"""`warta db`: create or upgrade the schema, show its revision, check its consistency.

Thin wrappers over storage.migrate and storage.check. Exit codes: 0 done (check: clean),
1 failed (check: problems found), 2 bad arguments or, for `check`/`current`, no database to read.
"""

from __future__ import annotations

import click
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from crawler.commands.events import ResearchGroup
from crawler.commands.options import database_url_option
from storage.check import check_database
from storage.database import (
    DatabaseUnavailable,
    make_engine,
    normalise_driver,
    one_line,
    session_scope,
    sqlite_path,
)
from storage.migrate import MigrationError, check_revision, current, head, upgrade


class NoDatabase(click.ClickException):
    """A database `check`/`current` cannot read: exit 2, since `check` uses 1 for problems."""

    exit_code = 2


@click.group(name="db", cls=ResearchGroup)
def command() -> None:
    """Create, upgrade and check the database.

    Example: warta db upgrade --database warta.db
    """


@command.command("upgrade")
@database_url_option
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(database_url: str, revision: str) -> None:
    """Create the tables or bring them up to the newest revision; rows are kept.

    Example: warta db upgrade --database postgresql://postgres@127.0.0.1/warta
    """
    try:
        check_revision(revision)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--revision") from error
    engine = _engine(database_url, must_exist=False)
    try:
        before = current(engine)
        upgrade(engine, revision)
        after = current(engine)
    except DatabaseUnavailable as error:
        raise click.ClickException(f"database unavailable: {error}") from error
    except (MigrationError, SQLAlchemyError) as error:
        raise click.ClickException(f"upgrade failed: {one_line(error)}") from error
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"database already at {after}")
    else:
        click.echo(f"database upgraded from {before or 'empty'} to {after}")


@command.command("current")
@database_url_option
def current_command(database_url: str) -> None:
    """Print the schema revision of the database ("none" if it has no Warta schema).

    Example: warta db current --database warta.db
    """
    engine = _engine(database_url, must_exist=True)
    try:
        revision = current(engine)
    except DatabaseUnavailable as error:
        raise NoDatabase(f"database unavailable: {error}") from error
    finally:
        engine.dispose()
    click.echo(revision or "none")
    newest = head()
    if revision != newest:
        click.echo(f"(this Warta's newest revision is {newest}; see `warta db upgrade`)", err=True)


@command.command("check")
@database_url_option
def check_command(database_url: str) -> None:
    """Report orphans, stale event counts, interrupted runs and SQLite corruption.

    Exits 1 when an error is found; interrupted runs are notices and do not fail the check.

    Example: warta db check --database warta.db
    """
    engine = _engine(database_url, must_exist=True)
    try:
        if current(engine) is None:
            raise NoDatabase("database has no Warta schema: run `warta db upgrade` first")
        with session_scope(engine) as session:
            problems = check_database(session)
    except DatabaseUnavailable as error:
        raise NoDatabase(f"database unavailable: {error}") from error
    finally:
        engine.dispose()
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    notices = len(problems) - errors
    if errors:
        click.echo(f"{errors} problem(s), {notices} notice(s)")
        click.get_current_context().exit(1)
    click.echo("database is consistent" + (f" ({notices} notice(s))" if notices else ""))


def _engine(database_url: str, *, must_exist: bool) -> Engine:
    """Validate the URL as a usage error (exit 2); refuse to invent a SQLite file to read."""
    url = normalise_driver(database_url)
    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise click.BadParameter(one_line(error), param_hint="--database") from error
    path = sqlite_path(url)
    if must_exist and path is not None and not path.is_file():
        raise NoDatabase(f"no SQLite database at {path}")
    try:
        return make_engine(url)
    except DatabaseUnavailable as error:
        if must_exist:
            raise NoDatabase(str(error)) from error
        raise click.ClickException(str(error)) from error
