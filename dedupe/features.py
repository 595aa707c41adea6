"""Event features of one article: when (dates), where (venue), who (people, organisations).

Plain word overlap cannot tell one Pilkada rakor from the next (issue 3); what separates them is
the date, the venue and the people. Names are found as runs of capitalised words, cut at
Indonesian function words (lexicon.toml); which of them are people, and with which office, is
dedupe.mentions' call (the actor tables read the same); venue words ("Aula", "Hotel", "ruang
pola") start a place. Who an article quotes is evidence of the occasion (dedupe.occasion).

`extract_features` returns a JSON-ready dict stored in ``Article.features``; clustering reads
only this dict and the signature, never the text again:

- ``event_date`` (ISO date or None), ``date_confidence``, ``date_kind``, ``dates`` (all mentions),
  ``published_date`` (WITA);
- ``places``, ``people`` (``{"name", "title"}``: name and office), ``organisations``: for the
  event table;
- ``salient``: name unigrams and bigrams → kind (``person``, ``venue``, ``name``, ``number``),
  and ``speaker <person key>`` → ``speaker``: the features whose rarity the clusterer weighs;
- ``reaction``: whether the headline or lead reacts to another occasion (dedupe.occasion);
- ``lead_speaker``: the key of the person quoted first, or None (dedupe.occasion);
- ``terms``: content-word counts, for text similarity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dedupe.dates import event_date, find_dates, publication_day
from dedupe.lexicon import lexicon
from dedupe.mentions import extract_mentions
from dedupe.occasion import is_reaction, speakers

#: 2: people and offices from dedupe.mentions, the people quoted, reactions (issues 22, 23);
#: 3: the lead speaker (dedupe.occasion)
FEATURES_VERSION = 3
MAX_SALIENT = 150  #: most frequent salient features kept per article (bounds the stored JSON)
MAX_TERMS = 80  #: most frequent content words kept per article
MIN_TERM_LENGTH = 3

_TOKEN = re.compile(r"[^\W\d_][\w'\-]*|\d+(?:[.,]\d+)*", re.UNICODE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def _tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _headline_spans(text: str) -> list[tuple[int, int]]:
    """Lines in Title Case (a headline repeated in the body): every word capitalised there."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        words = [w for w in _TOKEN.findall(match.group()) if len(w) > 3 and not w[0].isdigit()]
        if len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            spans.append(match.span())
    return spans


def _name_runs(text: str, toks: list[Token]) -> list[list[Token]]:
    """Maximal runs of capitalised words separated only by spaces, cut at function words."""
    lex = lexicon()
    breakers = lex.name_stopwords | set(lex.weekdays) | set(lex.months)
    headlines = _headline_spans(text)
    runs: list[list[Token]] = []
    current: list[Token] = []
    for token in toks:
        joinable = (
            token.capitalised
            and not any(start <= token.start < end for start, end in headlines)
            and not token.text.isdigit()
            and token.lower not in breakers
            and len(token.text) > 1
        )
        if joinable and current and text[current[-1].end : token.start].strip() == "":
            current.append(token)
            continue
        if current:
            runs.append(current)
        current = [token] if joinable else []
    if current:
        runs.append(current)
    return runs


def _is_titleish(token: Token) -> bool:
    lex = lexicon()
    return token.lower in lex.titles or token.lower in lex.regions or token.lower in lex.org_words


def _venues(text: str, toks: list[Token]) -> list[list[Token]]:
    """Venue phrases: a venue word, then capitalised words or further venue words."""
    lex = lexicon()
    phrases: list[list[Token]] = []
    i = 0
    while i < len(toks):
        if toks[i].lower not in lex.venue_words:
            i += 1
            continue
        phrase = [toks[i]]
        j = i + 1
        while j < len(toks) and text[toks[j - 1].end : toks[j].start].strip() == "":
            nxt = toks[j]
            if nxt.lower in lex.name_stopwords or nxt.text.isdigit():
                break
            if not (nxt.capitalised or nxt.lower in lex.venue_words):
                break
            phrase.append(nxt)
            j += 1
        if sum(t.capitalised for t in phrase) >= 2 or (len(phrase) >= 2 and phrase[-1].capitalised):
            phrases.append(phrase)
        i = j
    return phrases


def _numbers(toks: list[Token]) -> list[str]:
    """Distinctive figures (238.510 voters, 1.100 personnel): not years, not small counts."""
    out = []
    for token in toks:
        if token.text[0].isdigit() and not _YEAR.fullmatch(token.text):
            digits = re.sub(r"\D", "", token.text)
            if len(digits) >= 3:
                out.append(token.text.replace(",", "."))
    return out


def _terms(toks: list[Token]) -> Counter[str]:
    stop = lexicon().term_stopwords
    return Counter(
        t.lower
        for t in toks
        if len(t.lower) >= MIN_TERM_LENGTH and t.lower not in stop and not t.text[0].isdigit()
    )


def _dedupe_phrases(phrases: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for phrase in phrases:
        seen.setdefault(phrase.lower(), phrase)
    return list(seen.values())


def _person_words(mentions: Mapping[str, Any]) -> set[str]:
    """The words of the names of the people dedupe.mentions found (offices left out)."""
    return {
        word
        for person in mentions.get("people") or []
        for word in _TOKEN.findall(str(person["name"]).lower())
    }


def extract_features(
    title: str | None,
    text: str,
    published_at: datetime | None,
    mentions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The event features of one article (see the module docstring for the keys); `mentions`
    is dedupe.mentions' JSON of `text`, computed here when not given."""
    if mentions is None:
        mentions = extract_mentions(text or "").to_json()
    body = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    head = unicodedata.normalize("NFKC", title or "").translate(_QUOTES)
    toks = _tokens(body)
    runs = _name_runs(body, toks)
    lex = lexicon()

    kinds: dict[str, str] = {}
    counts: Counter[str] = Counter()
    precedence = {"person": 3, "venue": 2, "number": 1, "name": 0}

    def add(feature: str, kind: str) -> None:
        counts[feature] += 1
        if (
            precedence[kind] > precedence.get(kinds.get(feature, "name"), -1)
            or feature not in kinds
        ):
            kinds[feature] = kind

    person_words = _person_words(mentions)
    person_tokens = {id(t) for run in runs for t in run if t.lower in person_words}
    venues = _venues(body, toks)
    venue_tokens = {id(t) for phrase in venues for t in phrase}

    def kind_of(token: Token) -> str:
        if _is_titleish(token) or token.lower in lex.venue_words:
            return "name"  # "Kendari", "Kota", "Aula" say little on their own
        if id(token) in person_tokens:
            return "person"
        if id(token) in venue_tokens:
            return "venue"
        return "name"

    for run in runs:
        words = [t for t in run if t.lower not in lex.name_stopwords]
        for token in words:
            add(token.lower, kind_of(token))
        for left, right in zip(words, words[1:], strict=False):
            kind = (
                "person"
                if kind_of(left) == kind_of(right) == "person"
                else ("venue" if "venue" in (kind_of(left), kind_of(right)) else "name")
            )
            add(f"{left.lower} {right.lower}", kind)
    for phrase in venues:  # lower-case venue words ("ruang pola") belong to the venue too
        for token in phrase:
            if not token.capitalised:
                add(token.lower, "venue")
    for number in _numbers(toks):
        add(number, "number")
    # title words count only when the body writes them as names too (titles are Title Case)
    for token in _tokens(head):
        if token.lower in kinds:
            counts[token.lower] += 1

    salient = {
        feature: kinds[feature]
        for feature, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_SALIENT]
    }
    # who is quoted (dedupe.occasion), kept whatever the cut above: a few features, and telling
    quoted = speakers(text or "", mentions)
    salient.update({f"speaker {key}": "speaker" for key in quoted})
    term_counts = _terms(toks) + _terms(_tokens(head))
    terms = dict(sorted(term_counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS])

    full = f"{head}\n{body}" if head else body
    best = event_date(full, published_at)
    published = publication_day(published_at)
    organisations = [
        " ".join(t.text for t in run)
        for run in runs
        if any(t.lower in lex.org_words for t in run) and len(run) >= 2
    ]
    return {
        "version": FEATURES_VERSION,
        "event_date": best.date.isoformat() if best else None,
        "date_confidence": best.confidence if best else 0.0,
        "date_kind": best.kind if best else None,
        "dates": [
            [m.date.isoformat(), m.confidence, m.kind] for m in find_dates(full, published_at)[:8]
        ],
        "published_date": published.isoformat() if published else None,
        "places": _dedupe_phrases([" ".join(t.text for t in phrase) for phrase in venues])[:10],
        "people": [
            {"name": person["name"], "title": person.get("office")}
            for person in mentions.get("people") or []
        ][:20],
        "organisations": _dedupe_phrases(organisations)[:20],
        "salient": salient,
        "reaction": is_reaction(head, body),
        "lead_speaker": quoted[0] if quoted else None,
        "terms": terms,
    }
