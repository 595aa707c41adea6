"""Credit lines in article text: "Label: Name" segments, alone or several on a line.

Part of crawler.extraction.cleanup. The labels are data (the `credit` entries of boilerplate.toml,
each
with the field its name fills) and so is the shape of a name ([credits] in the same file).
Shapes read here, as Indonesian outlets print them:

- one or more segments on a line: "Penulis: A | Editor: B", "Rep: A Red: B" (a table cell
  whose line break trafilatura turned into a space);
- labels sharing one name: "Redaktur & Reporter : A" fills both fields;
- a credit table, its labels in a header row and the names in the row below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What may stand between two segments of a credit line.
CREDIT_GAP = re.compile(r"[\s|;•·]*")
#: The separator between label and name unless an entry says otherwise.
DEFAULT_SEPARATOR = "[:：]"


@dataclass(frozen=True)
class CreditLabel:
    """One credit entry as the parser needs it: its rule name, field and compiled regexes."""

    name: str
    field: str
    label: re.Pattern[str]  #: the label alone
    segment: re.Pattern[str]  #: label(s), separator, (?P<name>...)


@dataclass(frozen=True)
class CreditGrammar:
    """The [credits] section: how a name looks and what joins labels sharing one name."""

    name: str
    joiner: str

    def segment(self, label: str, separator: str, any_label: str) -> re.Pattern[str]:
        """The regex of one segment starting with `label`; further labels may share its name."""
        return re.compile(
            rf"(?P<labels>(?:{label})(?:{self.joiner}(?:{any_label}))*)\s*(?:{separator})"
            rf"\s*(?P<name>{self.name})\s*[.,]?",
            re.IGNORECASE,
        )


@dataclass(frozen=True)
class CreditParser:
    """Finds credits in a line or in a credit table; built once with the rule set."""

    labels: tuple[CreditLabel, ...]
    grammar: CreditGrammar

    def __post_init__(self) -> None:
        any_label = "|".join(f"(?:{entry.label.pattern})" for entry in self.labels)
        object.__setattr__(self, "_start", re.compile(rf"(?:{any_label})\b", re.IGNORECASE))
        object.__setattr__(
            self,
            "_labels_only",
            re.compile(
                rf"(?:{any_label})(?:{self.grammar.joiner}(?:{any_label}))*\s*[:：]?", re.IGNORECASE
            ),
        )
        object.__setattr__(self, "_joiner", re.compile(self.grammar.joiner, re.IGNORECASE))
        object.__setattr__(self, "_name", re.compile(self.grammar.name, re.IGNORECASE))

    def line_credits(self, line: str) -> tuple[CreditLabel, dict[str, str]] | None:
        """(first entry, {field: name}) when the whole line is credit segments, else None."""
        position = CREDIT_GAP.match(line).end()  # type: ignore[union-attr]
        if not self._start.match(line, position):  # type: ignore[attr-defined]
            return None  # the usual case, decided by one anchored regex
        names: dict[str, str] = {}
        first: CreditLabel | None = None
        while position < len(line):
            for entry in self.labels:
                match = entry.segment.match(line, position)
                if match is not None:
                    break
            else:
                return None
            first = first or entry
            name = match.group("name").strip(" .,")
            for field_name in self.fields(match.group("labels")) or (entry.field,):
                names.setdefault(field_name, name)
            # what follows must be another segment (tried next round) or the end of the line
            position = CREDIT_GAP.match(line, match.end()).end()  # type: ignore[union-attr]
        return (first, names) if first is not None else None

    def fields(self, labels: str) -> tuple[str, ...] | None:
        """The fields named by a label cell ("Redaktur & Reporter"), None if not all labels."""
        if not self._labels_only.fullmatch(labels.strip()):  # type: ignore[attr-defined]
            return None
        found: list[str] = []
        for part in self._joiner.split(labels.strip().rstrip(":： ")):  # type: ignore[attr-defined]
            for entry in self.labels:
                if entry.label.fullmatch(part.strip()):
                    if entry.field not in found:
                        found.append(entry.field)
                    break
        return tuple(found) or None

    def table_credits(
        self, header: tuple[str, ...], values: tuple[str, ...]
    ) -> dict[str, str] | None:
        """{field: name} when `header` cells are all labels and `values` the names below."""
        if len(header) != len(values):
            return None
        names: dict[str, str] = {}
        for label, value in zip(header, values, strict=True):
            fields = self.fields(label)
            if fields is None or not self._name.fullmatch(value):  # type: ignore[attr-defined]
                return None
            for field_name in fields:
                names.setdefault(field_name, value.strip(" .,"))
        return names

    def opens(self, line: str) -> bool:
        """Whether `line` starts with a credit label (it may be a credit row of a table)."""
        return self._start.match(line, CREDIT_GAP.match(line).end()) is not None  # type: ignore[attr-defined,union-attr]

    def is_label(self, cell: str) -> bool:
        return self.fields(cell) is not None
