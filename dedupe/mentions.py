"""Who is named in one article: people with office and rank, organisations, places.

`extract_mentions(text)` is the one entry point: the crawl stores its result, `warta backfill
actors` recomputes it for stored articles and `warta mentions FILE.jsonl` runs it on any file of
articles. People are found by dedupe.people, bodies and places by dedupe.bodies; this module
joins a person's later mentions into one: a repeated or partial name ("Andap" after "Pj Gubernur
Sultra Andap Budhi Revianto") and the office alone ("Kapolresta" after "Kapolresta Kendari Kombes
Pol Aris Tri Yunarko") resolve to the one person named earlier, when exactly one fits.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from dedupe.actors import body_key, office_head, person_key
from dedupe.bodies import Body, BodyFinder, local_regions
from dedupe.mention_lexicon import mention_lexicon
from dedupe.mention_text import Word, words_of, written
from dedupe.offices import canonical_office
from dedupe.people import PeopleFinder, Person

MENTIONS_VERSION = 2


@dataclass
class ArticleMentions:
    people: list[Person]
    organisations: list[Body]
    places: list[str]

    def to_json(self) -> dict[str, Any]:
        """The JSON form `warta mentions` prints and the crawl keeps: one entry per actor."""
        return {
            "version": MENTIONS_VERSION,
            "people": [
                {
                    "name": p.name,
                    "key": person_key(p.name),
                    "office": p.office,
                    "rank": p.rank,
                    "titles": p.titles,
                    "office_canonical": canonical_office(p.office),
                    "mentions": [[start, surface] for start, _, surface in p.mentions],
                }
                for p in self.people
            ],
            "organisations": [
                {
                    "name": b.name,
                    "key": body_key(b.key),
                    "acronym": b.acronym,
                    "expansion": b.expansion,
                    "region": b.region,
                    "mentions": [[start, surface] for start, _, surface in b.mentions],
                }
                for b in self.organisations
            ],
            "places": self.places,
        }


def _name_words(name: str) -> list[str]:
    return [w for w in name.lower().replace(".", " ").split() if w]


def _part_of(short: list[str], full: list[str]) -> bool:
    """Whether the words of `short` appear in `full` in order ("andap" in "andap budhi")."""
    position = 0
    for word in short:
        try:
            position = full.index(word, position) + 1
        except ValueError:
            return False
    return True


class _People:
    """The people of one article as they are met, with the rules that join their mentions."""

    def __init__(self, common_given: frozenset[str]) -> None:
        self.people: list[Person] = []
        self.common_given = common_given

    def _fits(self, words: list[str], before: int) -> list[Person]:
        if not words or all(w in self.common_given for w in words):
            return []
        return [p for p in self.people if p.first < before and _part_of(words, _name_words(p.name))]

    def add(
        self,
        name: str,
        office: str | None,
        rank: str | None,
        span: tuple[int, int, str],
        titles: tuple[str, ...] = (),
    ) -> None:
        words = _name_words(name)
        same = [p for p in self.people if _name_words(p.name) == words]
        fits = same or self._fits(words, span[0])
        if len(fits) == 1:
            person = fits[0]
        else:
            # a person first named in part ("kata Andap"), now in full: the part joins the full
            longer = [p for p in self.people if _part_of(_name_words(p.name), words)]
            if len(longer) == 1 and len(_name_words(longer[0].name)) < len(words):
                person = longer[0]
                person.name = name
            else:
                person = Person(name, None, None)
                self.people.append(person)
        # the fuller spelling of the same office wins: "Pj Bupati Bombana" over "BUPATI"
        if office and (
            not person.office
            or office_head(person.office) == office_head(office)
            and len(office.split()) > len(person.office.split())
        ):
            person.office = office
        person.rank = person.rank or rank
        person.titles.extend(t for t in titles if t not in person.titles)
        person.mentions.append(span)

    def bare_name(self, words: list[str], span: tuple[int, int, str]) -> bool:
        fits = self._fits(words, span[0])
        if len(fits) == 1:
            fits[0].mentions.append(span)
            return True
        # the full name written before the person was marked ("Farah Syarafina, ..." then
        # "kata Farah"): one or two more name words introduce the same person
        fuller = [
            p
            for p in self.people
            if span[0] < p.first
            and 0 < len(words) - len(_name_words(p.name)) <= 2
            and words[: len(_name_words(p.name))] == _name_words(p.name)
        ]
        if fits or len(fuller) != 1:
            return False
        fuller[0].name = span[2]
        fuller[0].mentions.append(span)
        return True

    def bare_office(self, office: str, span: tuple[int, int, str]) -> bool:
        """ "Kapolresta" for "Kapolresta Kendari ..."; "Gubernur" for "Pj Gubernur Sultra ...",
        never for "Wakil Gubernur ..." (a deputy's office is another office)."""
        words = _acting_dropped(office.lower().split())
        fits = [
            p
            for p in self.people
            if p.office
            and p.first < span[0]
            and _acting_dropped(p.office.lower().split())[: len(words)] == words
        ]
        if len(fits) != 1:
            return False
        fits[0].mentions.append(span)
        return True


_ACTING = frozenset({"pj", "pjs", "plt", "plh", "penjabat"})


def _acting_dropped(words: list[str]) -> list[str]:
    """An office without its acting prefixes: an acting governor holds the governor's office."""
    return [w for w in words if w not in _ACTING]


def _people(words: list[Word], finder: PeopleFinder) -> tuple[list[Person], set[int]]:
    """The people of the article and the token indexes their mentions cover."""
    found = _People(finder.lex.common_given)
    covered: set[int] = set()
    unresolved: list[tuple[int, int]] = []
    named: list[tuple[int, int]] = []  #: (phrase start, name end) of each person met
    i = 0
    while i < len(words):
        word = words[i]
        previous = words[i - 1] if i else None
        inside_run = (
            previous is not None
            and previous.capitalised
            and word.gap in ("", " ")
            and previous.lower not in finder.lex.honorifics  # "Bapak Presiden" opens a mention
            and not finder.sentence_word(i - 1)  # "Melihat Luca Toni"
        )
        match = finder.match_at(i) if word.is_word else None
        if match is None or (match.office is None and match.rank is None and inside_run):
            i += 1
            continue
        span = (
            words[match.start].start,
            words[match.end - 1].end,
            written(words, match.start, match.end),
        )
        if match.name is not None:
            found.add(match.name, match.office, match.rank, span, match.titles)
            covered.update(range(match.start, match.end))
            named.append((match.start, match.end))
        elif (
            match.office
            and word.capitalised
            and not inside_run
            and not _names_other(words, match.end)
        ):
            unresolved.append((match.start, match.end))  # "Kapolresta", not "para pemain"
        i = max(match.resume, i + 1)
    # a full name listed next to a person's is a person's ("Albert Einstein, Bill Gates")
    while named:
        start, end = named.pop()
        for left, right in finder.coordinated(start, end):
            if not covered.intersection(range(left, right)):
                found.add(written(words, left, right), None, None, _span(words, left, right))
                covered.update(range(left, right))
                named.append((left, right))
    # second pass: bare offices and parts of names, resolved to the person named earlier
    for start, end in unresolved:
        span = (words[start].start, words[end - 1].end, written(words, start, end))
        if found.bare_office(written(words, start, end), span):
            covered.update(range(start, end))
    i = 0
    while i < len(words):
        end = finder._name(i) if i not in covered and words[i].is_word else i
        previous = words[i - 1] if i else None
        if end > i and not (previous and previous.capitalised and words[i].gap in ("", " ")):
            span = (words[i].start, words[end - 1].end, written(words, i, end))
            if found.bare_name(_name_words(span[2]), span):
                covered.update(range(i, end))
            i = end
        else:
            i += 1
    for person in found.people:
        person.mentions.sort()
    return sorted(found.people, key=lambda p: p.first), covered


def _names_other(words: list[Word], end: int) -> bool:
    """An office followed by a capitalised word names someone else ("Presiden Macron")."""
    return end < len(words) and words[end].capitalised and words[end].gap in ("", " ")


def _span(words: list[Word], start: int, end: int) -> tuple[int, int, str]:
    return (words[start].start, words[end - 1].end, written(words, start, end))


def extract_mentions(text: str) -> ArticleMentions:
    """People, organisations and places named in an article's text (offsets into `text`)."""
    lex = mention_lexicon()
    _, words = words_of(text or "")
    regions = local_regions(words, lex)
    people, covered = _people(words, PeopleFinder(words, lex, regions))
    finder = BodyFinder(words, lex, regions)
    bodies = finder.bodies()
    starts = [w.start for w in words]
    body_tokens = {
        i
        for body in bodies
        for start, end, _ in body.mentions
        for i in range(bisect_left(starts, start), bisect_left(starts, end))
    }
    return ArticleMentions(people, bodies, finder.places(covered | body_tokens))
