"""How the commands print to stdout: rich tables on a terminal, plain columns elsewhere."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Console width when stdout is not a terminal: wide enough that no table row wraps.
PIPE_WIDTH = 10_000


def console() -> Console:
    """Rich console on stdout; markup and emoji codes off, as page text is never markup.

    Not a terminal (`warta events | less`, a file, a cron mail): rich would wrap every table
    at 80 columns (or at a COLUMNS inherited from some parent process); there a table row
    stays one line instead (see `plain_tables`).
    """
    out = Console(markup=False, emoji=False, highlight=False, soft_wrap=False)
    if not out.is_terminal:
        out.width = PIPE_WIDTH
    return out


def plain_tables() -> bool:
    """Whether tables are plain columns (stdout is not a terminal): no box, no wrapping."""
    return not Console().is_terminal


def new_table(title: Text | str | None) -> Table:
    """An empty rich table: boxed on a terminal, plain columns (two spaces apart) elsewhere."""
    if plain_tables():
        return Table(title=title, title_justify="left", box=None, pad_edge=False)
    return Table(title=title, title_justify="left")
