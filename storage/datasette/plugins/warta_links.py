"""Datasette plugin for `warta serve`: links between an event and its articles, page text
shown without control or bidi-override characters, and each article's archived page.

Views carry no foreign keys, so Datasette would show event_id and article_id as plain numbers;
this turns them into links (event → its articles, article → its row, member → its event).
Datasette escapes HTML itself; a right-to-left override in a stranger's headline would still
reorder what the reader sees, so such characters are shown as U+FFFD. Values go through
Markup.format / escape, never into HTML raw.

An article row's `warc_record_id` links to /-/warta/archive/<database>/<id>: the page as it was
archived when fetched (storage.warc), replayed with its own Content-Type under a sandboxing
Content-Security-Policy: a stranger's page runs no script in Datasette's origin and loads
nothing from the network. The archive directory is the plugin setting `warc_dir`. Every bad
URL answers 4xx: an id that is no number is a 404 here, a bad sort column a 400.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from storage.warc import ArchiveError, read_page

#: The plugin's settings in Datasette's metadata (`plugins: warta: warc_dir: ...`).
PLUGIN = "warta"
#: Archived pages are shown, never run: no script, no fetch, no form, an origin of their own.
ARCHIVE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'"

#: Largest SQLite integer: a longer number is no article's id (and would overflow the query).
SQLITE_MAX_ID = 2**63 - 1
#: Request mistakes that Datasette 0.65 answers with 500 as if the server had failed.
CLIENT_MISTAKES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc")
#: C0/C1 controls (tab and newlines excepted) and bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: (view or None for canned queries, column) → (target view or table, how to link)
_LINKS: dict[tuple[str | None, str], tuple[str, str]] = {
    ("event_summary", "event_id"): ("event_articles", "filter"),
    ("event_articles", "event_id"): ("event_summary", "filter"),
    ("event_articles", "article_id"): ("articles", "row"),
    ("article_summary", "article_id"): ("articles", "row"),
    ("article_summary", "event_id"): ("event_articles", "filter"),
    (None, "event_id"): ("event_articles", "filter"),
    (None, "article_id"): ("articles", "row"),
}


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if isinstance(value, str) and _UNSAFE.search(value):
        return escape(_UNSAFE.sub("\ufffd", value))
    if table == "articles" and column == "warc_record_id" and value:
        href = f"/-/warta/archive/{database}/{row['id']}"
        return Markup('<a href="{}" title="the page as archived when fetched">{}</a>').format(
            datasette.urls.path(href), value
        )
    target = _LINKS.get((table, column))
    if target is None or isinstance(value, bool) or not isinstance(value, int):
        return None
    name, how = target
    if how == "row":
        href = datasette.urls.row(database, name, str(value))
        return Markup('<a href="{}">{}</a>').format(href, value)
    href = f"{datasette.urls.table(database, name)}?{column}={value}"
    label = "articles" if name == "event_articles" else "event"
    return Markup('<a href="{}" title="{} of this row">{} → {}</a>').format(
        href, label, value, label
    )


@hookimpl
def handle_exception(exception: Exception) -> None:
    """A bad sort column is the request's mistake: answered 400, not 500 (the default handler,
    which runs after this one, renders the page with the status set here)."""
    if (
        isinstance(exception, DatasetteError)
        and exception.status == 500
        and exception.message.startswith(CLIENT_MISTAKES)
    ):
        exception.status = 400


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/warta/archive/(?P<database>[^/]+)/(?P<article_id>[^/]*)$", archived_page)]


async def archived_page(datasette: Any, request: Any) -> Response:
    """The archived response of one article, replayed (see the module docstring)."""
    config = datasette.plugin_config(PLUGIN) or {}
    try:
        database = datasette.get_database(request.url_vars["database"])
    except KeyError:
        return Response.text("no such database", status=404)
    article_id = request.url_vars["article_id"]
    if not (article_id.isascii() and article_id.isdigit()) or int(article_id) > SQLITE_MAX_ID:
        return Response.text(f"no article {article_id!r}: ids are whole numbers", status=404)
    found = await database.execute(
        "SELECT warc_file, warc_offset, warc_record_id FROM articles WHERE id = ?",
        [int(article_id)],
    )
    row = found.first()
    if row is None or row["warc_file"] is None or not config.get("warc_dir"):
        return Response.text("this article has no archived page here", status=404)
    try:
        page = await asyncio.to_thread(
            read_page,
            Path(config["warc_dir"]),
            row["warc_file"],
            row["warc_offset"],
            row["warc_record_id"],
        )
    except ArchiveError as error:
        return Response.text(f"archived page unreadable: {error}", status=404)
    return Response(
        page.body,
        status=200,
        content_type=page.header("Content-Type") or "application/octet-stream",
        headers={"Content-Security-Policy": ARCHIVE_POLICY, "X-Content-Type-Options": "nosniff"},
    )
