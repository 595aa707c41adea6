"""Actors across articles: which spellings of a person are one person, and why.

Within an article dedupe.mentions already joins "Andap" to "Pj Gubernur Sultra Andap Budhi
Revianto". Across articles every spelling first becomes an actor of its own (its key: the name
in lower case without dots; a body's key is its acronym and region). `resolve` then joins a
person's shorter spelling to a longer one when both rules hold, and says so in words:

1. the shorter name's words appear, in order, in the longer name and in no name that is not
   itself part of that one (two different "Agus ..." leave "Agus" alone);
2. both were given an office with the same head ("Gubernur", "Kapolres") somewhere.

The result only depends on the actors and their offices, not on the order they were stored:
`warta recluster` and `warta backfill actors` run it again from scratch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

PERSON = "person"
ORGANISATION = "organisation"


def person_key(name: str) -> str:
    """The key of a person's spelling: lower case, no dots, single spaces."""
    return "person:" + " ".join(re.sub(r"[.,]", " ", name.lower()).split())


def body_key(key: str) -> str:
    return "organisation:" + key


@dataclass
class ActorRecord:
    id: int
    kind: str
    key: str
    name: str
    #: first words of the offices written for this actor ("gubernur", "kapolres")
    office_heads: set[str] = field(default_factory=set)

    @property
    def words(self) -> list[str]:
        return self.key.split(":", 1)[1].split()


@dataclass(frozen=True)
class Resolution:
    canonical_id: int
    reason: str


def office_head(office: str | None) -> str | None:
    """The word that names an office's kind: "Pj Gubernur Sultra" → "gubernur"."""
    if not office:
        return None
    words = [w for w in office.lower().split() if w not in _OFFICE_PREFIXES]
    return words[0] if words else None


_OFFICE_PREFIXES = frozenset({"pj", "pjs", "plt", "plh", "penjabat", "mantan", "eks"})


def _in_order(short: list[str], full: list[str]) -> bool:
    position = 0
    for word in short:
        if word not in full[position:]:
            return False
        position = full.index(word, position) + 1
    return True


def resolve(actors: Iterable[ActorRecord]) -> dict[int, Resolution]:
    """Actor id → the actor it is one person with (only for actors that join another)."""
    people = sorted((a for a in actors if a.kind == PERSON), key=lambda a: (len(a.words), a.key))
    joined: dict[int, Resolution] = {}
    for short in people:
        fuller = [
            other
            for other in people
            if len(other.words) > len(short.words) and _in_order(short.words, other.words)
        ]
        # the fullest spellings: "Andap" joins "Andap Budhi Revianto", past "Andap Budhi"
        fullest = [
            a
            for a in fuller
            if not any(len(b.words) > len(a.words) and _in_order(a.words, b.words) for b in fuller)
        ]
        if len(fullest) != 1:
            continue
        target = fullest[0]
        shared = sorted(short.office_heads & target.office_heads)
        if not shared:
            continue
        joined[short.id] = Resolution(
            target.id,
            f'"{short.name}" is part of "{target.name}" and only of that name, '
            f"and both were {', '.join(shared)}",
        )
    return joined
