"""Options and helpers shared by several `warta` commands."""

from __future__ import annotations

import os

import click

from crawler.environment import overrides

DEFAULT_DATABASE_URL = "sqlite:///warta.db"


def database_url_option(function):  # type: ignore[no-untyped-def]
    """`--database URL`, defaulting to WARTA_DATABASE_URL or the SQLite file warta.db."""
    default = overrides(os.environ).get("WARTA_DATABASE_URL", DEFAULT_DATABASE_URL)
    return click.option(
        "--database",
        "database_url",
        default=default,
        show_default=True,
        metavar="URL",
        help="SQLAlchemy URL or path of a SQLite file (env WARTA_DATABASE_URL).",
    )(function)


def normalise_database_url(value: str) -> str:
    """Accept a bare file path for SQLite, as sqlite-utils does."""
    return value if "://" in value else f"sqlite:///{value}"
