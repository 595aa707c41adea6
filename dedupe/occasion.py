"""Evidence of the occasion an article reports: who it quotes.

Reports of one press conference quote one speaker; a reaction to it, published the same day and
sharing every name of the story, quotes someone else (docs/EVENTS.md, "Measured on real news").
So the people an article quotes ("kata Bahlil", "Bahlil, Menteri ESDM, mengatakan") become
salient features of their own kind, weighed like any other by their rarity; and a report whose
headline or lead reacts ("DPR Apresiasi ...", "HIPMI Dukung ...") is a reaction, one event only
with reports quoting one of its speakers (ClusterConfig.reaction_factor). The cue words are
data (lexicon.toml, `[occasion]`); the people are dedupe.mentions' (issue 23). The kind of
gathering named ("usai rapat terbatas", "saat konferensi pers") was measured too and dropped:
it lowered recall and raised no precision (docs/EVENTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from dedupe.lexicon import lexicon

#: how far before a name a speech word may end ("kata Menteri ESDM Bahlil" is covered by the
#: mention itself, which starts at the office)
_BEFORE_CHARS = 16
#: how far after a name its speech verb may come (past ", Menteri ESDM," and the like)
_AFTER_CHARS = 90
#: the lead a reaction cue is looked for in (the headline too)
LEAD_CHARS = 300


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    occasion = lexicon().occasion
    before = re.compile(rf"\b(?:{_alternation(occasion['speech_before'])})(?:nya)?[\s,:]*$")
    after = re.compile(
        rf"^(?:\s*,[^.,\"“”]{{1,{_AFTER_CHARS}}},)?\s*(?:{_alternation(occasion['speech_after'])})\b"
    )
    reaction = re.compile(rf"\b(?:{_alternation(occasion['reaction'])})\b", re.IGNORECASE)
    return before, after, reaction


def speakers(text: str, mentions: Mapping[str, Any]) -> list[str]:
    """The keys of the people `mentions` (dedupe.mentions JSON of this `text`) quotes."""
    before, after, _ = _patterns()
    lowered = text.lower()
    quoted = []
    for person in mentions.get("people") or []:
        for start, surface in person.get("mentions") or []:
            end = start + len(surface)
            if before.search(lowered[max(0, start - _BEFORE_CHARS) : start]) or after.match(
                lowered[end : end + _AFTER_CHARS + 40]
            ):
                quoted.append(str(person.get("key") or person["name"]).lower())
                break
    return quoted


def is_reaction(title: str | None, text: str) -> bool:
    """Whether the headline or the lead reacts to another occasion (lexicon.toml `reaction`)."""
    _, _, reaction = _patterns()
    lead = f"{title or ''} {' '.join(text.split())[:LEAD_CHARS]}"
    return reaction.search(lead) is not None
