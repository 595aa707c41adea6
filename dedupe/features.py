"""Event features of one article: when (dates), where (venue), who (people, organisations).

Plain word overlap cannot tell one Pilkada rakor from the next (issue 3); what separates them is
the date, the venue and the people. Names are found as runs of capitalised words, cut at
Indonesian function words (lexicon.toml); titles ("Kapolresta", "Kombes Pol", "Pj Bupati") mark
the start of a person's name, venue words ("Aula", "Hotel", "ruang pola") the start of a place.

`extract_features` returns a JSON-ready dict stored in ``Article.features``; clustering reads
only this dict and the signature, never the text again:

- ``event_date`` (ISO date or None), ``date_confidence``, ``date_kind``, ``dates`` (all mentions),
  ``published_date`` (WITA);
- ``places``, ``people`` (``{"name", "title"}``), ``organisations``: for people and the event table;
- ``salient``: name unigrams and bigrams → kind (``person``, ``venue``, ``name``, ``number``),
  the features whose rarity the clusterer weighs;
- ``terms``: content-word counts, for text similarity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dedupe.dates import event_date, find_dates, publication_day
from dedupe.lexicon import lexicon

FEATURES_VERSION = 1
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


def _people(text: str, runs: list[list[Token]]) -> list[tuple[str, str, list[Token]]]:
    """(name, title, name tokens) for runs that hold a title followed by a name."""
    lex = lexicon()
    found: list[tuple[str, str, list[Token]]] = []
    pending_title: list[Token] | None = None
    previous_end = -1
    for run in runs:
        # a role-only run ("Pjs Bupati Konut,") names the person in the next run ("Drs. La Ode")
        gap = text[previous_end : run[0].start] if previous_end >= 0 else ""
        # "Pjs Bupati Konut, Drs. La Ode": a comma, or the dot of an abbreviated degree
        joined = re.fullmatch(r" *, *", gap) or (
            re.fullmatch(r"\. *", gap) and pending_title and len(pending_title[-1].text) <= 4
        )
        if pending_title is not None and not joined:
            pending_title = None
        last_title = max((i for i, t in enumerate(run) if t.lower in lex.titles), default=-1)
        title = pending_title[:] if pending_title and last_title == -1 else []
        title += run[: last_title + 1]
        rest = run[last_title + 1 :]
        while title and rest and _is_titleish(rest[0]):
            title.append(rest.pop(0))
        has_title = any(t.lower in lex.titles for t in title)
        if has_title and rest and len(rest) <= 5 and not any(_is_titleish(t) for t in rest):
            name = " ".join(t.text for t in rest)
            found.append((name, " ".join(t.text for t in title), rest))
            pending_title = None
        elif has_title and not rest:
            pending_title = title
        else:
            pending_title = None
        previous_end = run[-1].end
    return found


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


def extract_features(title: str | None, text: str, published_at: datetime | None) -> dict[str, Any]:
    """The event features of one article (see the module docstring for the keys)."""
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

    people = _people(body, runs)
    person_tokens = {id(t) for _, _, name_tokens in people for t in name_tokens}
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
            {"name": name, "title": role}
            for name, role in {n.lower(): (n, r) for n, r, _ in people}.values()
        ][:20],
        "organisations": _dedupe_phrases(organisations)[:20],
        "salient": salient,
        "terms": terms,
    }
