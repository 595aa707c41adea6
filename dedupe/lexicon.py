"""The word lists of lexicon.toml, loaded once: dates, titles, venues, stopwords and headline
cues are data."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")


@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    name_stopwords: frozenset[str]
    titles: frozenset[str]
    venue_words: frozenset[str]
    org_words: frozenset[str]
    regions: frozenset[str]
    term_stopwords: frozenset[str]
    #: one regular expression of the service-item cues of headlines (dedupe.headlines)
    service_headline: re.Pattern[str]
    #: speech cues and gatherings, the evidence of an occasion (dedupe.occasion)
    occasion: dict[str, list[str]]


@cache
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon, parsed once per process (it is read-only data)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = data["names"]
    return Lexicon(
        months=dict(data["dates"]["months"]),
        weekdays=dict(data["dates"]["weekdays"]),
        name_stopwords=frozenset(names["stopwords"]),
        titles=frozenset(names["titles"]),
        venue_words=frozenset(names["venue_words"]),
        org_words=frozenset(names["org_words"]),
        regions=frozenset(names["regions"]),
        term_stopwords=frozenset(data["terms"]["stopwords"]),
        service_headline=re.compile(
            "|".join(rf"\b(?:{entry['cue']})\b" for entry in data["headlines"]["service"]),
            re.IGNORECASE,
        ),
        occasion={key: list(words) for key, words in data["occasion"].items()},
    )
