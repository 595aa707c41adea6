"""Cleanup of extracted article text: what trafilatura leaves on Indonesian news pages.

Sits between trafilatura and the `ExtractedArticle` (crawler.extraction.extract). The rules are
data in
boilerplate.toml; this module only knows the rule kinds (line, cut, trailing, credit, see the
file's header) and the head zone (lines above the first paragraph). Cleanup only ever drops
lines, or the credit tail of a line, so it cannot invent or reorder article text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.extraction.credits import DEFAULT_SEPARATOR, CreditGrammar, CreditLabel, CreditParser
from crawler.extraction.textrows import TextRow, text_rows

DEFAULT_BOILERPLATE_FILE = Path(__file__).with_name("boilerplate.toml")
KINDS = frozenset({"line", "cut", "trailing", "credit"})
CREDIT_FIELDS = frozenset({"author", "editor"})
#: A line that ends a sentence somewhere reads like a paragraph, not like a widget or title.
SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?:\s|$)|[\"”]$")
#: Lines dropped with a heading (drop_following) look like titles: short, no sentence end.
TITLE_LIKE_MAX_CHARS = 160
TITLE_LIKE_END = re.compile(r"[.!?:;\"”]$")
#: Names recorded for the two structural rules that are code, not patterns.
REPEATED_HEAD_LINE = "repeated-head-line"
TITLE_REPEAT = "title-repeat"


@dataclass(frozen=True)
class BoilerplatePattern:
    """One entry of boilerplate.toml, compiled."""

    name: str
    kind: str
    regex: re.Pattern[str]
    reason: str
    example: str
    zone: str = "any"
    field: str | None = None
    drop_following: int = 0
    label: re.Pattern[str] | None = None  #: credit entries: the label alone

    def matches_example(self) -> bool:
        """Whether the entry's own example fires it (checked at load time and in tests)."""
        if self.kind == "trailing":
            return self.regex.search(self.example) is not None
        return self.regex.fullmatch(self.example.strip()) is not None


@dataclass(frozen=True)
class CleanResult:
    """Cleaned text, the names of the rules that fired, and credits found in the text."""

    text: str
    removed: list[str] = field(default_factory=list)
    author: str | None = None
    editor: str | None = None


@dataclass(frozen=True)
class Boilerplate:
    """The compiled rule set; build once (`load_boilerplate`) and reuse for every page."""

    patterns: tuple[BoilerplatePattern, ...]
    credit_grammar: CreditGrammar
    body_min_chars: int = 60
    head_max_lines: int = 12

    def clean(self, text: str, title: str | None = None) -> CleanResult:
        """Drop boilerplate lines from `text`; a `title` also drops its repeats above the body."""
        rows = text_rows([line for line in (raw.strip() for raw in text.splitlines()) if line])
        views = [self._view(row) for row in rows]
        head_end = self._head_end(views)
        total_chars = sum(len(line) + 1 for row in rows for line in row.lines)
        title_key = _line_key(title) if title else None

        kept: list[str] = []
        removed: list[str] = []
        credits: dict[str, str] = {}
        seen_head: set[str] = set()
        offset = 0
        skip_title_like = skip_rows = 0
        # cells of the last row when it was a dropped table row: same-shaped rows after it
        # are the rest of its box (a different count starts another table)
        dropped_box_cells = 0
        for index, (row, view) in enumerate(zip(rows, views, strict=True)):
            position, offset = offset, offset + sum(len(line) + 1 for line in row.lines)
            in_head = index < head_end
            table_row = row.cells is not None
            if skip_rows:
                skip_rows -= 1
                continue
            if (
                dropped_box_cells
                and len(row.cells or ()) == dropped_box_cells
                and (row.is_separator or _title_like(view))
                and not self._credit_parser.opens(view)  # type: ignore[attr-defined]
            ):
                continue  # the next linked title of a dropped related-links box
            dropped_box_cells = 0
            if skip_title_like:
                if _title_like(view):
                    skip_title_like -= 1
                    continue
                skip_title_like = 0
            if in_head:
                key = _line_key(view)
                if title_key and key == title_key:
                    # The headline above the body (often twice: sticky header, share box)
                    # duplicates the title field.
                    _note(removed, TITLE_REPEAT)
                    continue
                if key in seen_head:
                    _note(removed, REPEATED_HEAD_LINE)
                    continue
                seen_head.add(key)
            verdict = self._match_line(view, in_head, cut_allowed=position * 2 >= total_chars)
            if verdict is None and table_row:
                verdict, skip_rows = self._credit_table(rows, index)
            if verdict is None:
                kept.extend(row.lines)
                continue
            pattern, names = verdict
            _note(removed, pattern.name)
            if pattern.kind == "cut":
                break
            for field_name, name in names.items():
                credits.setdefault(field_name, name)
            if table_row and pattern.kind == "line":
                dropped_box_cells = len(row.cells or ())
            skip_title_like = pattern.drop_following

        kept = self._strip_trailing(kept, removed)
        return CleanResult(
            text="\n".join(kept),
            removed=removed,
            author=credits.get("author"),
            editor=credits.get("editor"),
        )

    def _view(self, row: TextRow) -> str:
        """What the rules match: a line as it is; a table row as its cells, a credit label
        cell joined to the cell after it ("| Redaktur | : | Nama |" reads "Redaktur: Nama")."""
        if not row.cells:
            return " ".join(row.lines)
        parts: list[str] = []
        labels = [self._credit_parser.is_label(cell) for cell in row.cells]  # type: ignore[attr-defined]
        if all(labels) and len(labels) > 1:
            return row.text  # a header row of a credit table (see _credit_table)
        waiting = False  # the previous part is a label waiting for its name
        for cell, is_label in zip(row.cells, labels, strict=True):
            if waiting and cell in {":", "："}:
                continue  # the colon cell between a label and its name
            if waiting:
                parts[-1] = f"{parts[-1].rstrip(':： ')}: {cell}"
                waiting = False
                continue
            parts.append(cell)
            waiting = is_label
        return " | ".join(parts)

    def _credit_table(
        self, rows: list[TextRow], index: int
    ) -> tuple[tuple[BoilerplatePattern, dict[str, str]] | None, int]:
        """A header row of credit labels with the names in the next row (after a separator):
        the verdict for the header and how many following rows go with it."""
        header = rows[index].cells or ()
        following = rows[index + 1 : index + 3]
        skip = 1 if following and following[0].is_separator else 0
        if len(header) < 2 or len(following) <= skip or not following[skip].cells:
            return None, 0
        found = self._credit_parser.table_credits(header, following[skip].cells)  # type: ignore[attr-defined]
        if found is None:
            return None, 0
        first_field = next(iter(found))
        pattern = next(p for p in self._credits if p.field == first_field)  # type: ignore[attr-defined]
        return (pattern, found), skip + 1

    def _head_end(self, lines: list[str]) -> int:
        """Index of the first paragraph-like line, capped at head_max_lines."""
        for index, line in enumerate(lines[: self.head_max_lines]):
            if len(line) >= self.body_min_chars and SENTENCE_END.search(line):
                return index
        return min(len(lines), self.head_max_lines)

    def __post_init__(self) -> None:
        # One alternation per zone instead of a Python loop over ~25 patterns: cleanup runs
        # on every line of every page and must stay a small part of extraction time.
        for attribute, kinds, zones in (
            ("_any_lines", {"line"}, {"any"}),
            ("_head_lines", {"line"}, {"any", "head"}),
            ("_cuts", {"cut"}, {"any", "head"}),
        ):
            chosen = [
                index
                for index, pattern in enumerate(self.patterns)
                if pattern.kind in kinds and pattern.zone in zones
            ]
            object.__setattr__(self, attribute, _alternation(self.patterns, chosen))
        credits = tuple(p for p in self.patterns if p.kind == "credit")
        object.__setattr__(self, "_credits", credits)
        object.__setattr__(
            self,
            "_credit_parser",
            CreditParser(
                tuple(
                    CreditLabel(p.name, p.field or "", p.label, p.regex)
                    for p in credits
                    if p.label is not None
                ),
                self.credit_grammar,
            ),
        )
        object.__setattr__(
            self, "_trailing", tuple(p for p in self.patterns if p.kind == "trailing")
        )

    def _match_line(
        self, line: str, in_head: bool, cut_allowed: bool
    ) -> tuple[BoilerplatePattern, dict[str, str]] | None:
        lines_regex = self._head_lines if in_head else self._any_lines  # type: ignore[attr-defined]
        for regex in (self._cuts if cut_allowed else None, lines_regex):  # type: ignore[attr-defined]
            match = regex.fullmatch(line) if regex is not None else None
            if match is not None and match.lastgroup is not None:
                # group "g<N>" is pattern N of the file
                return self.patterns[int(match.lastgroup[1:])], {}
        found = self._credit_parser.line_credits(line)  # type: ignore[attr-defined]
        if found is None:
            return None
        entry, names = found
        return next(p for p in self._credits if p.name == entry.name), names  # type: ignore[attr-defined]

    def _strip_trailing(self, lines: list[str], removed: list[str]) -> list[str]:
        """Remove trailing credit tags (initials) from line ends; drop lines left empty."""
        result: list[str] = []
        for line in lines:
            if not line.rstrip(" .").endswith(")"):
                result.append(line)  # every trailing tag is parenthesised: skip the regexes
                continue
            for pattern in self._trailing:  # type: ignore[attr-defined]
                stripped = pattern.regex.sub("", line).rstrip()
                if stripped != line:
                    _note(removed, pattern.name)
                    line = stripped
            if line:
                result.append(line)
        return result


def _title_like(line: str) -> bool:
    """Short and without a sentence end: a linked title, as under a related-links heading."""
    return len(line) <= TITLE_LIKE_MAX_CHARS and not TITLE_LIKE_END.search(line)


def _alternation(
    patterns: tuple[BoilerplatePattern, ...], chosen: list[int]
) -> re.Pattern[str] | None:
    """One regex of the `chosen` patterns; its named group g<N> says pattern N matched.

    Alternatives are tried in file order, so the first entry that matches wins, as in a loop.
    """
    if not chosen:
        return None
    parts = []
    for index in chosen:
        regex = patterns[index].regex
        flag = "i" if regex.flags & re.IGNORECASE else "-i"
        parts.append(f"(?P<g{index}>(?{flag}:{regex.pattern}))")
    return re.compile("|".join(parts))


def _note(removed: list[str], name: str) -> None:
    if name not in removed:
        removed.append(name)


def _line_key(line: str) -> str:
    """Comparison key for repeated lines: case and spacing do not make a line different."""
    return " ".join(line.split()).casefold()


def _compile(
    entry: dict[str, Any], source: Path, grammar: CreditGrammar, any_label: str
) -> BoilerplatePattern:
    kind = str(entry.get("kind"))
    try:
        name = str(entry["name"])
        raw = str(entry["label" if kind == "credit" else "pattern"])
        reason = str(entry["reason"])
        example = str(entry["example"])
    except KeyError as missing:
        raise ValueError(f"{source}: pattern entry {entry!r} lacks {missing}") from None
    if kind not in KINDS:
        raise ValueError(f"{source}: pattern {name!r} has unknown kind {kind!r}")
    zone = str(entry.get("zone", "any"))
    if zone not in {"any", "head"}:
        raise ValueError(f"{source}: pattern {name!r} has unknown zone {zone!r}")
    field_name = entry.get("field")
    if kind == "credit" and field_name not in CREDIT_FIELDS:
        raise ValueError(f"{source}: credit pattern {name!r} needs field author or editor")
    flags = re.IGNORECASE if entry.get("ignore_case", True) else 0
    try:
        if kind == "credit":
            separator = str(entry.get("separator", DEFAULT_SEPARATOR))
            label: re.Pattern[str] | None = re.compile(raw, re.IGNORECASE)
            regex = grammar.segment(raw, separator, any_label)
        else:
            label, regex = None, re.compile(raw, flags)
    except re.error as error:
        raise ValueError(f"{source}: pattern {name!r} does not compile: {error}") from error
    pattern = BoilerplatePattern(
        name=name,
        kind=kind,
        regex=regex,
        reason=reason,
        example=example,
        zone=zone,
        field=field_name,
        drop_following=int(entry.get("drop_following", 0)),
        label=label,
    )
    if not pattern.matches_example():
        raise ValueError(f"{source}: pattern {name!r} does not match its own example")
    return pattern


def load_boilerplate(path: str | Path | None = None) -> Boilerplate:
    """Read and compile a boilerplate file (default: the packaged boilerplate.toml).

    Raises ValueError on a malformed file, so a bad rule fails at start-up, not mid-crawl.
    """
    source = Path(path) if path is not None else DEFAULT_BOILERPLATE_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read boilerplate file {source}: {error}") from error
    entries = data.get("pattern", [])
    has_credits = any(entry.get("kind") == "credit" for entry in entries)
    # a file without credit entries needs no [credits] section; this stand-in is never used
    credit_section = data.get("credits", {} if has_credits else {"name": "x", "joiner": "x"})
    try:
        grammar = CreditGrammar(str(credit_section["name"]), str(credit_section["joiner"]))
    except KeyError as missing:
        raise ValueError(f"{source}: [credits] lacks {missing}") from None
    any_label = "|".join(
        f"(?:{entry['label']})"
        for entry in entries
        if entry.get("kind") == "credit" and "label" in entry
    )
    patterns = tuple(_compile(entry, source, grammar, any_label) for entry in entries)
    names = [pattern.name for pattern in patterns]
    if len(set(names)) != len(names):
        raise ValueError(f"{source}: pattern names must be unique")
    zones = data.get("zones", {})
    return Boilerplate(
        patterns=patterns,
        credit_grammar=grammar,
        body_min_chars=int(zones.get("body_min_chars", 60)),
        head_max_lines=int(zones.get("head_max_lines", 12)),
    )


@lru_cache(maxsize=1)
def default_boilerplate() -> Boilerplate:
    """The packaged rule set, compiled once per process."""
    return load_boilerplate()


def clean_text(
    text: str, title: str | None = None, boilerplate: Boilerplate | None = None
) -> CleanResult:
    """Clean `text` with `boilerplate` (default: the packaged rules)."""
    return (boilerplate or default_boilerplate()).clean(text, title)
