"""The word lists of mentions.toml, loaded once, and the phrase look-up the extractor uses.

Offices ("wali kota"), bodies ("Komisi Pemilihan Umum") and regions ("konawe selatan") run over
several words; `Phrases` finds the longest listed phrase that starts at a given word.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dedupe import name_lists

MENTIONS_FILE = Path(__file__).with_name("mentions.toml")


class Phrases:
    """Multi-word phrases (lower case), matched word by word, longest first."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(phrase.lower().replace(",", " ").split())
            self._by_first.setdefault(words[0], []).append(words)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)

    def match(self, words: Sequence[str], start: int) -> int:
        """How many words of the longest phrase starting at ``words[start]`` (0: none)."""
        if start >= len(words):
            return 0
        for option in self._by_first.get(words[start], ()):
            if tuple(words[start : start + len(option)]) == option:
                return len(option)
        return 0

    def __contains__(self, word: str) -> bool:
        return word in self._by_first


@dataclass(frozen=True)
class MentionLexicon:
    office_heads: Phrases
    office_prefixes: Phrases
    qualifiers: frozenset[str]
    ranks: frozenset[str]
    corps: frozenset[str]
    honorifics: frozenset[str]
    degrees: frozenset[str]
    cues_before: frozenset[str]
    cues_after: frozenset[str]
    cues_apposition: frozenset[str]
    clause_words: frozenset[str]  #: words that end a role described after a name ("yang")
    particles: frozenset[str]
    demonstratives: frozenset[str]
    body_suffixes: frozenset[str]
    given: frozenset[str]
    abbreviations: frozenset[str]
    field_prefixes: tuple[str, ...]
    agent_prefixes: tuple[str, ...]
    unit_prefixes: tuple[str, ...]
    common_given: frozenset[str]
    not_names: frozenset[str]
    #: acronym as written → expansion, and expansion (lower case) → acronym
    acronyms: dict[str, str]
    expansions: Phrases
    expansion_acronym: dict[tuple[str, ...], str]
    body_names: frozenset[str]
    body_heads: Phrases
    own_name_heads: frozenset[str]
    region_words: frozenset[str]
    located: frozenset[str]
    venue_words: Phrases
    regions: Phrases
    #: every province, regency and city of Indonesia (areaid), for offices' jurisdictions
    gazetteer: Phrases
    region_alias: dict[str, str]
    #: wordfreq's Zipf frequency from which an English word is common ("store"), not a name's
    english_zipf: float
    not_last: frozenset[str]
    name_prefixes: frozenset[str]
    glued_zipf: float  #: wordfreq's Zipf frequency from which a glued stop word is split off

    def is_field_or_unit(self, word: str) -> bool:
        """ "Kehakiman" (a field), "Penuntut" (an agent), "Disdikbud" (a unit): never a name."""
        field = word.endswith("an") and len(word) > 6 and word.startswith(self.field_prefixes)
        agent = len(word) > 6 and word.startswith(self.agent_prefixes)
        return field or agent or (word.startswith(self.unit_prefixes) and len(word) > 4)


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.lower().replace(",", " ").split())


@cache
def mention_lexicon(path: Path = MENTIONS_FILE) -> MentionLexicon:
    """The lexicon, parsed once per process (read-only data)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    offices, names, bodies, places = data["offices"], data["names"], data["bodies"], data["places"]
    pairs = [(acronym, expansion) for acronym, expansion in bodies["acronyms"]]
    return MentionLexicon(
        office_heads=Phrases(offices["heads"]),
        office_prefixes=Phrases(offices["prefixes"]),
        # the words of a body's expansion continue an office too ("Panglima Tentara Nasional")
        qualifiers=frozenset(offices["qualifiers"])
        | {w for _, expansion in pairs for w in _words(expansion) if len(w) > 2},
        ranks=frozenset(data["ranks"]["words"]),
        corps=frozenset(data["ranks"]["corps"]),
        honorifics=frozenset(data["honorifics"]["before"]),
        degrees=frozenset(data["honorifics"]["degrees"]),
        cues_before=frozenset(data["cues"]["before_name"]),
        cues_after=frozenset(data["cues"]["after_name"]),
        cues_apposition=frozenset(data["cues"]["apposition"]),
        clause_words=frozenset(data["cues"]["clause_words"]),
        particles=frozenset(names["particles"]),
        demonstratives=frozenset(names["demonstratives"]),
        body_suffixes=frozenset(names["body_suffixes"]),
        given=frozenset(names["given"]),
        abbreviations=frozenset(names["abbreviations"]),
        field_prefixes=tuple(names["field_prefixes"]),
        agent_prefixes=tuple(names["agent_prefixes"]),
        unit_prefixes=tuple(names["unit_prefixes"]),
        common_given=frozenset(names["common_given"]),
        not_names=frozenset(names["not_names"]),
        acronyms={acronym: expansion for acronym, expansion in pairs},
        expansions=Phrases(expansion for _, expansion in pairs),
        expansion_acronym={_words(expansion): acronym for acronym, expansion in pairs},
        body_names=frozenset(bodies["names"]),
        body_heads=Phrases(bodies["heads"]),
        own_name_heads=frozenset(bodies["own_name_heads"]),
        region_words=frozenset(places["region_words"]),
        located=frozenset(places["located"]),
        venue_words=Phrases(places["venue_words"]),
        regions=Phrases(places["regions"]),
        gazetteer=Phrases(name_lists.regions()),
        region_alias={short: full for short, full in places["aliases"]},
        english_zipf=float(names["english_zipf"]),
        not_last=frozenset(names["not_last"]),
        glued_zipf=float(names["glued_zipf"]),
        name_prefixes=frozenset(names["name_prefixes"]),
    )
