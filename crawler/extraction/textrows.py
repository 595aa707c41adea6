"""The lines of trafilatura's text as cleanup reads them: table rows seen through their pipes.

trafilatura renders an HTML table as Markdown rows ("| Baca juga: Judul |", "|---|---|",
"| Redaktur | : | Nama |"). Related-link boxes and credit blocks built as tables would hide
from line rules behind the pipes, so cleanup matches a row by its cells, not by its rendering.
A row whose text runs over several lines (an unclosed "| Baca juga:" line, then the rest of
its cell, then the closing pipe) is one row here, kept or dropped as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Cell borders: a pipe not escaped by trafilatura (it writes a pipe inside a cell as "\|").
CELL_BORDER = re.compile(r"\s*(?<!\\)\|\s*")
#: A header/body separator row: only pipes, dashes, colons and spaces.
SEPARATOR_ROW = re.compile(r"\|[\s|:\-]*-[\s|:\-]*\|?")
#: A row spread over more lines than this is not one row (a stray pipe opened it).
MAX_ROW_LINES = 6


@dataclass(frozen=True)
class TextRow:
    """One line of text, or one table row (possibly spread over several lines)."""

    lines: tuple[str, ...]
    cells: tuple[str, ...] | None = None  #: None for a line outside tables

    @property
    def text(self) -> str:
        """The row's text as one line: the line itself, or the cells joined by " | "."""
        return self.lines[0] if self.cells is None else " | ".join(self.cells)

    @property
    def is_separator(self) -> bool:
        return self.cells is not None and SEPARATOR_ROW.fullmatch(self.lines[0]) is not None


def text_rows(lines: list[str]) -> list[TextRow]:
    """Group stripped, non-blank `lines` into rows (see the module docstring)."""
    rows: list[TextRow] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("|"):
            rows.append(TextRow((line,)))
            index += 1
            continue
        end = index
        if not _closes_row(line):
            # an unclosed row continues up to the first line ending with a pipe, if near
            for ahead in range(index + 1, min(index + MAX_ROW_LINES, len(lines))):
                if lines[ahead].startswith("|"):
                    break
                if _closes_row(lines[ahead]):
                    end = ahead
                    break
        group = tuple(lines[index : end + 1])
        rows.append(TextRow(group, cells(" ".join(group))))
        index = end + 1
    return rows


def cells(row: str) -> tuple[str, ...]:
    """The non-empty cells of a rendered table row."""
    return tuple(cell for cell in CELL_BORDER.split(row) if cell)


def _closes_row(line: str) -> bool:
    return line.endswith("|") and not line.endswith("\\|")
