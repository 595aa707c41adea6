"""`warta serve`: browse the SQLite database in Datasette, with Warta's metadata (titles,
column descriptions, facets, canned queries) and links between events and their articles.

Datasette reads SQLite only; PostgreSQL users get `warta export` or psql instead.
"""

from __future__ import annotations

import importlib
import socket
from pathlib import Path
from typing import Any

import click
import yaml

from crawler.commands.events import ResearchCommand, open_engine
from crawler.commands.options import database_url_option, warc_dir_option
from storage.database import sqlite_path

DATASETTE_DIR = Path(__file__).resolve().parents[2] / "storage" / "datasette"


def datasette_metadata(database_name: str) -> dict[str, Any]:
    """storage/datasette/metadata.yaml, its database section filed under `database_name`."""
    metadata: dict[str, Any] = yaml.safe_load(
        (DATASETTE_DIR / "metadata.yaml").read_text(encoding="utf-8")
    )
    databases = metadata.get("databases", {})
    metadata["databases"] = {database_name: databases.get("warta", {})}
    return metadata


def make_datasette(path: Path, warc_dir: Path | None = None) -> Any:
    """A Datasette instance over `path` with Warta's metadata and plugin (not yet serving);
    articles link to their archived pages in `warc_dir`."""
    from datasette.app import Datasette  # imported here: only `warta serve` needs it

    # Datasette 0.65's default error page prints every error with rich when rich is installed
    # (Warta's tables use it), and a 404 that was never raised has no traceback for rich to
    # print: rich fails and the 404 becomes a 500. Without rich it logs with `traceback`.
    # (Loaded after the app, which registers it as a default plugin: loaded first, it would be
    # registered half-imported, without its hook.)
    importlib.import_module("datasette.handle_exception").rich = None
    metadata = datasette_metadata(path.stem)
    if warc_dir is not None:
        metadata["plugins"] = {"warta": {"warc_dir": str(warc_dir)}}
    return Datasette(
        files=[str(path)],
        metadata=metadata,
        plugins_dir=str(DATASETTE_DIR / "plugins"),
        settings={"default_page_size": 50, "facet_time_limit_ms": 500},
    )


@click.command("serve", cls=ResearchCommand)
@database_url_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@warc_dir_option
def command(database_url: str, host: str, port: int, warc_dir: Path) -> None:
    """Browse events and articles in Datasette (SQLite databases only).

    Example: warta serve --database warta.db --port 8001, then open http://127.0.0.1:8001/warta
    """
    url = database_url
    path = sqlite_path(url)
    if path is None:
        raise click.BadParameter(
            "Datasette serves SQLite files only; for PostgreSQL use `warta export` or psql",
            param_hint="'--database'",
        )
    open_engine(url).dispose()  # exists, opens, carries the views: else a one-line error
    _check_port(host, port)
    import uvicorn
    from datasette.cli import check_databases, run_sync

    datasette = make_datasette(path, warc_dir)
    run_sync(datasette.invoke_startup)
    run_sync(lambda: check_databases(datasette))
    click.echo(f"Serving {path} at http://{host}:{port}/{path.stem} (Ctrl-C stops)", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


def _check_port(host: str, port: int) -> None:
    """A one-line error for a port already taken, instead of uvicorn's log and exit."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise click.BadParameter(
            f"cannot listen on {host}:{port}: {error.strerror}", param_hint="'--port'"
        ) from error
