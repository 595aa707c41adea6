"""`warta events`: list the events of a period, filtered, as a table, CSV or JSON.

Also home of what the researchers' commands (events, event, articles, stats, export, serve,
plot) share: the filter options, opening a database read-only without creating files, one-line
usage errors, and printing page text safely (no terminal escapes, no rich markup).
"""

from __future__ import annotations

import csv
import functools
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar, cast

import click
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crawler.commands.options import RegionParam, database_url_option
from crawler.commands.output import console, new_table
from storage import queries
from storage.database import DatabaseUnavailable, make_engine, one_line, sqlite_path

F = TypeVar("F", bound=Callable[..., Any])

# --------------------------------------------------------------------------- errors


class OneLineUsageError(click.ClickException):
    """A usage error printed as one line (no usage block), exit code 2, like click's own."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {' '.join(self.format_message().split())}", err=True, file=file)


class _OneLineErrors:
    """Mixin turning click's multi-line usage errors into one line, parsing and running alike."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except click.UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except click.UsageError as error:
            raise _one_line(error) from None


def _one_line(error: click.UsageError) -> OneLineUsageError:
    hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
    return OneLineUsageError(error.format_message() + hint)


class ResearchCommand(_OneLineErrors, click.Command):
    """A `warta` command whose bad arguments end in one line and exit code 2."""


class ResearchGroup(_OneLineErrors, click.Group):
    """A `warta` group (plot) with the same one-line errors for its subcommands."""

    command_class = ResearchCommand


# --------------------------------------------------------------------------- options


class IsoDate(click.ParamType):
    """A calendar day written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                raise ValueError
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


def filter_options(function: F) -> F:
    """--since/--until/--source/--query/--place/--min-outlets, handed to the command as one
    validated `filters` argument (a queries.EventFilter; a bad combination is a usage error)."""
    options = [
        click.option("--since", type=IsoDate(), help="First day (event date), YYYY-MM-DD."),
        click.option("--until", type=IsoDate(), help="Last day (event date), YYYY-MM-DD."),
        click.option(
            "--source",
            "sources",
            multiple=True,
            metavar="KEY",
            help="Outlet key (repeatable): events with an article from it.",
        ),
        click.option(
            "--query",
            metavar="WORDS",
            help="Words that must all occur in an article's title or text (full-text search).",
        ),
        click.option("--place", help="Substring of the event's place (case-insensitive)."),
        click.option(
            "--min-outlets",
            type=click.IntRange(min=0),
            metavar="N",
            help="Only events reported by at least N outlets.",
        ),
        click.option(
            "--region",
            type=RegionParam(),
            metavar="NAME|CODE",
            help="Events placed in this province, regency/city (its kecamatan too) or kecamatan:"
            " a name ('Konawe Selatan', 'Konsel', 'Kota Kendari') or a code (74.05).",
        ),
    ]

    @functools.wraps(function)
    def with_filters(
        *args: Any,
        since: date | None,
        until: date | None,
        sources: tuple[str, ...],
        query: str | None,
        place: str | None,
        min_outlets: int | None,
        region: str | None,
        **kwargs: Any,
    ) -> Any:
        filters = event_filter(since, until, sources, query, place, min_outlets, region)
        return function(*args, filters=filters, **kwargs)

    decorated: Any = with_filters
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


def limit_option(default: int | None) -> Callable[[F], F]:
    return click.option(
        "--limit",
        type=click.IntRange(min=0),
        default=default,
        show_default=True,
        help="At most this many rows; 0 for all.",
    )


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def check_sources(session: Session, sources: Sequence[str]) -> None:
    """A one-line usage error for outlet keys the database does not know."""
    unknown = queries.unknown_sources(session, sources)
    if unknown:
        known = ", ".join(queries.source_keys(session)) or "none"
        raise click.BadParameter(
            f"unknown source {', '.join(map(repr, unknown))} (known: {known})",
            param_hint="'--source'",
        )


def event_filter(
    since: date | None,
    until: date | None,
    sources: Sequence[str],
    query: str | None,
    place: str | None,
    min_outlets: int | None,
    region: str | None = None,
) -> queries.EventFilter:
    try:
        return queries.EventFilter(
            since=since,
            until=until,
            sources=tuple(sources),
            query=query,
            place=place,
            min_outlets=min_outlets,
            region=region,
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--since'/'--until'") from error


# --------------------------------------------------------------------------- database


def open_engine(database_url: str) -> Engine:
    """An engine on an existing, migrated Warta database, or a one-line usage error.

    A missing SQLite file is refused before connecting: SQLite would create an empty one.
    """
    url = database_url
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise click.BadParameter(
            f"no SQLite database at {str(path)!r} (run a crawl or `warta db upgrade` first)",
            param_hint="'--database'",
        )
    try:
        engine = make_engine(url)
        names = set(inspect(engine).get_view_names())
    except (DatabaseUnavailable, DBAPIError) as error:
        raise click.BadParameter(one_line(error), param_hint="'--database'") from error
    if not {"event_summary", "event_articles"} <= names:
        engine.dispose()
        raise click.BadParameter(
            f"{_shown(url)} is not a Warta database at the current schema (run `warta db upgrade`)",
            param_hint="'--database'",
        )
    return engine


@contextmanager
def read_session(database_url: str) -> Iterator[Session]:
    """A session for reading; rolled back at the end, since queries never write."""
    engine = open_engine(database_url)
    try:
        with Session(engine) as session:
            try:
                yield session
            finally:
                session.rollback()
    except DBAPIError as error:
        raise click.ClickException(f"database error: {one_line(error)}") from error
    finally:
        engine.dispose()


def _shown(url: str) -> str:
    path = sqlite_path(url)
    return repr(str(path)) if path is not None else "the database"


# --------------------------------------------------------------------------- output

_UNSAFE = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"}
_UNSAFE.add("\u2069")


def printable(value: object) -> str:
    """`value` as text safe for a terminal: control and bidi-override characters neutralised.

    Page text is written by strangers; an ESC in a title must not recolour or move the cursor.
    Tabs and line breaks become spaces, other controls U+FFFD.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else _plain(value)
    if text.isprintable():
        return text
    return "".join(_safe_char(char) for char in text)


def _safe_char(char: str) -> str:
    if char in "\t\n\r":
        return " "
    if unicodedata.category(char) == "Cc" or char in _UNSAFE:
        return "\ufffd"
    return char


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        # Tables show Sultra's clock (WITA); CSV and JSON keep UTC with its offset.
        utc = queries.as_utc(value)
        return utc.astimezone(queries.REGION_TZ).strftime("%Y-%m-%d %H:%M") if utc else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    """A rich table whose every cell is a Text object (never parsed as markup)."""
    result = new_table(Text(printable(title)) if title else None)
    for name in columns:
        wide = name in {"title", "url", "why", "outlet keys"}
        result.add_column(
            name, overflow="fold", ratio=3 if wide else None, min_width=None if wide else len(name)
        )
    for row in rows:
        result.add_row(*(Text(printable(value)) for value in row))
    return result


def json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_records(records: Sequence[dict[str, Any]], output_format: str) -> None:
    """Records as CSV (header from the first record) or a JSON array on stdout."""
    if output_format == "json":
        click.echo(json.dumps(list(records), default=json_default, ensure_ascii=False, indent=2))
        return
    if not records:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: csv_value(value) for key, value in record.items()})


def csv_value(value: object) -> object:
    """CSV cells: ISO dates, text without terminal control characters (tabs/newlines kept)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and not value.isprintable():
        return "".join(
            char if char in "\t\n" or _safe_char(char) == char else "\ufffd" for char in value
        )
    return value


# --------------------------------------------------------------------------- the command


@click.command("events", cls=ResearchCommand)
@database_url_option
@filter_options
@limit_option(100)
@click.option("--newest-first", is_flag=True, help="Latest events first.")
@format_option("table", "csv", "json")
def command(
    database_url: str,
    filters: queries.EventFilter,
    limit: int,
    newest_first: bool,
    output_format: str,
) -> None:
    """List events in date order, with the outlets that reported each.

    Example: warta events --since 2024-05-01 --min-outlets 3 --query "banjir Kendari"
    """
    with read_session(database_url) as session:
        check_sources(session, filters.sources)
        rows = queries.events(session, filters, limit=limit or None, newest_first=newest_first)
        total = queries.count_events(session, filters) if output_format == "table" else 0
    if output_format != "table":
        write_records([queries.event_record(row) for row in rows], output_format)
        return
    console().print(events_table(rows, f"Events ({len(rows)} of {total})"))


def events_table(rows: Sequence[queries.EventRow], title: str) -> Table:
    """The event table as `warta events` shows it (also the end of `warta demo`)."""
    return table(
        title,
        ("id", "date", "outlets", "articles", "region", "place", "title", "outlet keys"),
        (
            (
                row.id,
                row.event_date,
                row.outlet_count,
                row.article_count,
                row.region and (row.region.regency or row.region.province or row.region.country),
                row.place,
                row.title,
                ", ".join(row.outlets),
            )
            for row in rows
        ),
    )
