"""Options shared by several `warta` commands."""

from __future__ import annotations

import click

from crawler import settings


def normalise_database_url(value: str) -> str:
    """Accept a bare file path for SQLite, as sqlite-utils does."""
    return value if "://" in value else f"sqlite:///{value}"


def database_url_option(function):  # type: ignore[no-untyped-def]
    """`--database URL|FILE`, defaulting to the WARTA_DATABASE_URL setting (which the
    environment variable of that name overrides); commands receive a SQLAlchemy URL."""
    return click.option(
        "--database",
        "database_url",
        default=settings.WARTA_DATABASE_URL,
        show_default=True,
        metavar="URL",
        callback=lambda _context, _parameter, value: normalise_database_url(value),
        help="SQLAlchemy URL or path of a SQLite file (env WARTA_DATABASE_URL).",
    )(function)
