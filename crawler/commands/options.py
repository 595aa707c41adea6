"""Options shared by several `warta` commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def warc_dir_option(function):  # type: ignore[no-untyped-def]
    """`--warc-dir DIR`, defaulting to the WARTA_WARC_DIR setting (and environment variable):
    where the WARC archive is read from."""
    return click.option(
        "--warc-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=settings.WARTA_WARC_DIR or settings.WARTA_WARC_DEFAULT_DIR,
        show_default=True,
        help="Directory of the WARC archive (env WARTA_WARC_DIR).",
    )(function)


def cluster_workers_option(function):  # type: ignore[no-untyped-def]
    """`--workers N` for the commands that run the clustering stage."""
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="one per core",
        help="Processes sweeping segments of days (the result does not depend on it).",
    )(function)


class RegionParam(click.ParamType):
    """A region of the gazetteer by code or name (dedupe.places.find_region)."""

    name = "NAME|CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from dedupe.places import find_region

        try:
            return find_region(str(value))
        except LookupError as error:
            self.fail(str(error), param, ctx)
