"""Evidence of the occasion an article reports: who it quotes, first of all, and whether its
headline previews or reacts.

Reports of one press conference quote one speaker; a reaction to it, published the same day and
sharing every name of the story, quotes someone else (docs/EVENTS.md, "Measured on real news").
So the people an article quotes ("kata Bahlil", "Bahlil, Menteri ESDM, mengatakan") become
salient features of their own kind, weighed like any other by their rarity; and a report whose
headline or lead reacts ("DPR Apresiasi ...", "HIPMI Dukung ...") is a reaction, one event only
with reports quoting one of its speakers (ClusterConfig.reaction_factor). The cue words are
data (lexicon.toml, `[occasion]`); the people are dedupe.mentions' (issue 23).

The **lead speaker** (the person quoted first) says whose occasion a report is: a reaction
recounts the minister's words too but quotes its own legislator first. Two reports are apart
(ClusterConfig.occasion_factor) when one quotes the other's lead speaker but leads with someone
the other never names (quoted or not); names match by a shared name word, so "Bahlil" meets "Bahlil
Lahadalia". Reports that each quote only their own people are not parted by it (different
outlets quote different officials of one meeting first: measured on the replay corpus).

A **preview** (a headline cue: "Jelang ...", "Susunan Pemain ...") is written before its
happening: apart from reports that are not previews. The kind of
gathering named ("usai rapat terbatas", "saat konferensi pers") was measured too and dropped:
it lowered recall and raised no precision (docs/EVENTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Protocol

from dedupe.lexicon import lexicon

#: how far before a name a speech word may end ("kata Menteri ESDM Bahlil" is covered by the
#: mention itself, which starts at the office)
_BEFORE_CHARS = 16
#: how far after a name its speech verb may come (past ", Menteri ESDM," and the like)
_AFTER_CHARS = 90
#: the lead a reaction cue is looked for in (the headline too)
LEAD_CHARS = 300
#: name words shorter than this (initials) do not make two speakers one
MIN_NAME_WORD = 3


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    occasion = lexicon().occasion
    before = re.compile(rf"\b(?:{_alternation(occasion['speech_before'])})(?:nya)?[\s,:]*$")
    after = re.compile(
        rf"^(?:\s*,[^.,\"“”]{{1,{_AFTER_CHARS}}},)?\s*(?:{_alternation(occasion['speech_after'])})\b"
    )
    reaction = re.compile(rf"\b(?:{_alternation(occasion['reaction'])})\b", re.IGNORECASE)
    preview = re.compile(rf"\b(?:{'|'.join(occasion['preview'])})\b", re.IGNORECASE)
    return before, after, reaction, preview


def speakers(text: str, mentions: Mapping[str, Any]) -> list[str]:
    """The keys of the people `mentions` (dedupe.mentions JSON of this `text`) quotes, in the
    order of their first quotation: the first is the lead speaker."""
    before, after, _, _ = _patterns()
    lowered = text.lower()
    quoted: dict[str, int] = {}
    for person in mentions.get("people") or []:
        for start, surface in person.get("mentions") or []:
            end = start + len(surface)
            if before.search(lowered[max(0, start - _BEFORE_CHARS) : start]) or after.match(
                lowered[end : end + _AFTER_CHARS + 40]
            ):
                key = str(person.get("key") or person["name"]).lower()
                quoted[key] = min(start, quoted.get(key, start))
    return sorted(quoted, key=lambda key: (quoted[key], key))


def name_words(key: str) -> frozenset[str]:
    """The words of a person key ("person:bahlil lahadalia") that can make two speakers one."""
    return frozenset(w for w in key.split(":", 1)[-1].split() if len(w) >= MIN_NAME_WORD)


def named_words(salient: Mapping[str, str]) -> frozenset[str]:
    """The name words of everyone an article's salient features name, quoted or not."""
    words: set[str] = set()
    for feature, kind in salient.items():
        if kind == "speaker":
            words |= name_words(feature.removeprefix("speaker "))
        elif kind == "person":
            words |= {w for w in feature.split() if len(w) >= MIN_NAME_WORD}
    return frozenset(words)


class Speakers(Protocol):
    """The name words a prepared record (dedupe.cluster_records.Prepared) carries."""

    lead: frozenset[str]
    quoted: frozenset[str]
    named: frozenset[str]


def leads_apart(a: Speakers, b: Speakers) -> bool:
    """One report quotes the other's lead speaker (by `name_words`) but leads with someone the
    other never names: it recounts the other's occasion and reports its own. Reports of one
    meeting that quote different officials first are not parted as long as each names the
    other's lead, nor two that each quote only their own people."""
    if not a.lead or not b.lead:
        return False
    return _recounts(a, b) or _recounts(b, a)


def _recounts(a: Speakers, b: Speakers) -> bool:
    """`a` quotes `b`'s lead speaker, and `b` never names `a`'s."""
    return not b.lead.isdisjoint(a.quoted) and a.lead.isdisjoint(b.named)


def is_reaction(title: str | None, text: str) -> bool:
    """Whether the headline or the lead reacts to another occasion (lexicon.toml `reaction`)."""
    _, _, reaction, _ = _patterns()
    lead = f"{title or ''} {' '.join(text.split())[:LEAD_CHARS]}"
    return reaction.search(lead) is not None


def is_preview(title: str | None) -> bool:
    """Whether the headline announces a happening still to come (lexicon.toml `preview`)."""
    return bool(title) and _patterns()[3].search(title) is not None  # type: ignore[arg-type]
