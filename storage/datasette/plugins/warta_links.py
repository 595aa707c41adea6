"""Datasette plugin for `warta serve`: links between an event and its articles, and page text
shown without control or bidi-override characters.

Views carry no foreign keys, so Datasette would show event_id and article_id as plain numbers;
this turns them into links (event → its articles, article → its row, member → its event).
Datasette escapes HTML itself; a right-to-left override in a stranger's headline would still
reorder what the reader sees, so such characters are shown as U+FFFD. Values go through
Markup.format / escape, never into HTML raw.
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

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
