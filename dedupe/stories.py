"""Stories: the level above events, one specific ongoing case and its developments over days.

A decision and the reactions to it, a match and its previews and aftermath, a crime and its
investigation are different events (different happenings) but one story. Two corruption cases
are two stories: what ties events into a story is the case's *specific* names (a suspect, a
company, a village), not the topic's common words. So:

1. each event is a bag of its members' salient features (dedupe.features: people, venues,
   names, figures), weighted by kind and by rarity among the events within `rarity_days` of
   its day (IDF, as articles' rarity: a statistic of the stored corpus);
2. two events within `max_gap_days` link when the specific names they share (carried by few
   events of the neighbourhood) weigh `min_shared_weight` and their weighted cosine reaches
   `link_cosine`;
3. within each component of links, average linkage (dedupe.average_linkage) keeps a group one
   story while the mean similarity over all its pairs reaches `cohesion` and every two of its
   events share some weighted name (no chain of a topic), and a group is cut where
   consecutive events are more than `max_gap_days` apart. The similarity of two events mixes
   their names' cosine with their titles' (`title_weight`): the words of the headlines, IDF
   weighted over the same neighbourhood, tell a match from the previous one and a case from
   another of its actors' matters, which shared players or officials do not.

Pure and deterministic: the result depends on the events and their `order` keys only (never
on input order or batches); an event without a day is a story of its own.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from dedupe.average_linkage import cohesive_groups, cosine_matrix
from dedupe.cluster_records import ArticleRecord
from dedupe.dates import publication_day
from dedupe.headlines import is_service_item
from dedupe.story_config import StoryConfig
from dedupe.text import tokens

__all__ = [
    "Component",
    "EventSummary",
    "StoryConfig",
    "Storyteller",
    "event_date",
    "event_summary",
    "story_day",
]


_MIN_WORD = 3  #: shorter title words ("di", "vs", "ini") carry no case
_PEOPLE = frozenset({"person", "speaker"})  #: salient kinds naming people (dedupe.features)


@dataclass(frozen=True)
class EventSummary:
    """What the story level knows of one event."""

    key: Hashable  #: the event's identity (a stored id, or its first article's key)
    #: an intrinsic sort key (its day, then something of its members that no batch order
    #: changes): ties in the linkage are broken by it
    order: tuple[Any, ...]
    day: date | None  #: its event date, else the publication day of its first report
    features: Mapping[str, str]  #: salient feature -> kind, over its members
    #: every member is a service item (dedupe.headlines: horoscopes, schedules, answer keys,
    #: price lists): two of them never link (a templated series of other days or items is not
    #: one story), though a match's streaming guide may join the match's story
    service: bool = False
    #: the outlets that reported it: a name only one outlet writes in the neighbourhood is its
    #: template (a fact-check footer, a listicle's boilerplate), not evidence of a case
    outlets: frozenset[str] = frozenset()
    #: the words of its members' titles (dedupe.text.tokens, letters only, 3+ characters;
    #: not people's names), each with the number of titles holding it
    words: Mapping[str, int] = field(default_factory=dict)


def event_date(members: Iterable[ArticleRecord], min_confidence: float) -> date | None:
    """An event's date: the confident date most of its members state (ties: the earliest)."""
    dates = Counter(
        m.features["event_date"]
        for m in members
        if m.features.get("event_date") and m.features.get("date_confidence", 0) >= min_confidence
    )
    if not dates:
        return None
    return date.fromisoformat(sorted(dates.items(), key=lambda item: (-item[1], item[0]))[0][0])


def story_day(stated: date | None, first_seen: datetime | None) -> date | None:
    """The day an event has on the story level: its date, else the publication day (WITA) of
    its first report; None for an event with neither (a story of its own)."""
    return stated or publication_day(first_seen)


def event_summary(
    key: Hashable,
    order: tuple[Any, ...],
    day: date | None,
    members: Iterable[Mapping[str, Any]],
    titles: Iterable[str | None],
    outlets: Iterable[str | None],
) -> EventSummary:
    """The summary of an event from its members' features (dedupe.features JSON), titles and
    outlets."""
    features: dict[str, str] = {}
    for member in members:
        for feature, kind in sorted((member or {}).get("salient", {}).items()):
            features.setdefault(feature, kind)
    titles = list(titles)
    service = all(is_service_item(title) for title in titles)
    known = frozenset(str(outlet) for outlet in outlets if outlet is not None)
    # people are the names signal's; the titles tell what is said of them, so that one
    # actor's unrelated matters (a racer's standings and his anecdote) are not one story
    people = {word for f, kind in features.items() if kind in _PEOPLE for word in f.split()}
    words = Counter(
        word
        for title in titles
        for word in set(tokens(title or ""))
        if len(word) >= _MIN_WORD and word.isalpha() and word not in people
    )
    return EventSummary(key, order, day, features, service, known, words)


class Storyteller:
    """Groups events into stories (see the module doc)."""

    def __init__(self, config: StoryConfig | None = None) -> None:
        self.config = config or StoryConfig()

    def stories(self, events: Sequence[EventSummary]) -> list[list[EventSummary]]:
        """Every event in exactly one story; stories and their events in `order`."""
        found: list[list[EventSummary]] = []
        for component in self.components(events, events):
            found += self.decide(component)
        return sorted(found, key=lambda story: story[0].order)

    def components(
        self, events: Sequence[EventSummary], counted: Sequence[EventSummary]
    ) -> list[Component]:
        """The components of story links among `events` (each sorted by `order`, in `order`
        of their first event), with rarity counted over `counted` (which must hold `events`
        and every event within `rarity_days` of theirs, each once)."""
        ordered = sorted(events, key=lambda event: event.order)
        rarity = _Rarity(counted, self.config)
        vectors = [rarity.vector(event) for event in ordered]
        parent = list(range(len(ordered)))

        def find(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for first, second in self._candidates(ordered, vectors):
            if find(first) != find(second) and self._links(vectors[first], vectors[second]):
                low, high = sorted((find(first), find(second)))
                parent[high] = low
        groups: dict[int, Component] = {}
        for index, event in enumerate(ordered):
            component = groups.setdefault(find(index), Component([], []))
            component.events.append(event)
            component.vectors.append(vectors[index])
        return [groups[root] for root in sorted(groups)]

    def decide(self, component: Component) -> list[list[EventSummary]]:
        """The stories of one component of links."""
        if len(component.events) == 1:
            return [list(component.events)]
        vectors = component.vectors
        names = cosine_matrix([v.weights for v in vectors], [v.norm or 1.0 for v in vectors])
        titles = cosine_matrix([v.words for v in vectors], [v.words_norm or 1.0 for v in vectors])
        share = self.config.title_weight
        scores = (1.0 - share) * names + share * titles
        # every two events of a story share some weighted name: a guard against topic chains
        # (a match, the next round's draw and another match held together by their neighbours)
        never = names <= 0.0
        np.fill_diagonal(never, False)
        labels = cohesive_groups(scores, never, lambda members: self.config.cohesion)
        grouped: dict[int, list[EventSummary]] = {}
        for label, event in zip(labels, component.events, strict=True):
            grouped.setdefault(label, []).append(event)
        stories = []
        for label in sorted(grouped):
            stories += self._split_at_gaps(grouped[label])
        return stories

    # -- inside --------------------------------------------------------------------------------
    def _candidates(
        self, ordered: Sequence[EventSummary], vectors: Sequence[_Vector]
    ) -> list[tuple[int, int]]:
        """Pairs of dated events within `max_gap_days` sharing a specific name, each once (two
        service items never: a templated series; a service item and a report may)."""
        holders: dict[str, list[int]] = {}
        for index, vector in enumerate(vectors):
            if ordered[index].day is not None:
                for feature in vector.rare:
                    holders.setdefault(feature, []).append(index)
        gap = self.config.max_gap_days
        pairs: set[tuple[int, int]] = set()
        for indices in holders.values():
            by_day = sorted(indices, key=lambda i: ordered[i].day)  # type: ignore[arg-type,return-value]
            for position, first in enumerate(by_day):
                day = ordered[first].day
                for second in by_day[position + 1 :]:
                    if (ordered[second].day - day).days > gap:  # type: ignore[operator]
                        break
                    if not (ordered[first].service and ordered[second].service):
                        pairs.add((min(first, second), max(first, second)))
        return sorted(pairs)

    def _links(self, first: _Vector, second: _Vector) -> bool:
        shared = first.rare.keys() & second.rare.keys()
        weights = self.config.kind_weights
        if sum(weights.get(first.rare[f], 1.0) for f in shared) < self.config.min_shared_weight:
            return False
        return first.cosine(second) >= self.config.link_cosine

    def _split_at_gaps(self, story: list[EventSummary]) -> list[list[EventSummary]]:
        """A story cut wherever consecutive days are more than `max_gap_days` apart."""
        by_day = sorted(story, key=lambda event: (event.day or date.min, event.order))
        parts: list[list[EventSummary]] = [[by_day[0]]]
        for previous, event in zip(by_day, by_day[1:], strict=False):
            if previous.day is None or event.day is None:
                apart = True
            else:
                apart = (event.day - previous.day).days > self.config.max_gap_days
            if apart:
                parts.append([])
            parts[-1].append(event)
        return [sorted(part, key=lambda event: event.order) for part in parts]


@dataclass(frozen=True)
class Component:
    """Events joined by story links (in `order`), with their weighted vectors."""

    events: list[EventSummary]
    vectors: list[_Vector]

    @property
    def days(self) -> list[date]:
        return [event.day for event in self.events if event.day is not None]


@dataclass(frozen=True)
class _Vector:
    weights: dict[str, float]  #: feature -> kind weight x IDF
    norm: float
    rare: dict[str, str]  #: the specific features (few events carry them) -> kind
    words: dict[str, float] = field(default_factory=dict)  #: title word -> IDF
    words_norm: float = 0.0

    def cosine(self, other: _Vector) -> float:
        if not self.norm or not other.norm:
            return 0.0
        small, large = sorted((self.weights, other.weights), key=len)
        dot = math.fsum(value * large[key] for key, value in sorted(small.items()) if key in large)
        return dot / (self.norm * other.norm)


class _Rarity:
    """Document frequencies of features and title words over the events within `rarity_days`
    of a day."""

    def __init__(self, counted: Sequence[EventSummary], config: StoryConfig) -> None:
        self.config = config
        self.days = sorted(e.day.toordinal() for e in counted if e.day is not None)
        self.features = _Carriers(counted, lambda event: event.features)
        self.words = _Carriers(counted, lambda event: event.words)

    def vector(self, event: EventSummary) -> _Vector:
        config = self.config
        if event.day is None:  # a timeless event is a story of its own: no vector needed
            return _Vector({}, 0.0, {})
        day, radius = event.day.toordinal(), config.rarity_days
        count = bisect_right(self.days, day + radius) - bisect_left(self.days, day - radius)
        events = max(count, config.rarity_min_events)
        rare_cap = max(config.rare_min_df, config.rare_fraction * events)
        weights: dict[str, float] = {}
        rare: dict[str, str] = {}
        for feature, kind in sorted(event.features.items()):
            df = self.features.frequency(feature, day, radius)
            if df is None:
                continue  # one outlet's template: neither weight nor evidence
            weight = config.kind_weights.get(kind, 1.0) * math.log((events + 1) / (df + 0.5))
            if weight > 0:
                weights[feature] = weight
            if df <= rare_cap and (kind in config.single_word_kinds or " " in feature):
                rare[feature] = kind
        words: dict[str, float] = {}
        for word, titles in sorted(event.words.items()):
            df = self.words.frequency(word, day, radius)
            if df is not None and df > 1:  # a word no other event has ties nothing
                # TF-IDF as scikit-learn's sublinear, smoothed one: the words most of an
                # event's titles repeat are its subject; a common word still counts a little
                idf = math.log((events + 1) / (df + 1)) + 1.0
                words[word] = (1.0 + math.log(titles)) * idf
        return _Vector(weights, _norm(weights), rare, words, _norm(words))


def _norm(weights: Mapping[str, float]) -> float:
    return math.sqrt(math.fsum(value * value for value in weights.values()))


class _Carriers:
    """The days and outlets of the events carrying each term (a feature or a title word)."""

    def __init__(
        self, counted: Sequence[EventSummary], terms: Callable[[EventSummary], Iterable[str]]
    ) -> None:
        carried: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for event in counted:
            if event.day is not None:
                entry = (event.day.toordinal(), tuple(sorted(event.outlets)))
                for term in terms(event):
                    carried.setdefault(term, []).append(entry)
        #: per term: the days of the events carrying it, sorted, and their outlets
        self.days: dict[str, list[int]] = {}
        self.outlets: dict[str, list[tuple[str, ...]]] = {}
        for term, entries in carried.items():
            entries.sort()
            self.days[term] = [day for day, _ in entries]
            self.outlets[term] = [outlets for _, outlets in entries]

    def frequency(self, term: str, day: int, radius: int) -> int | None:
        """How many events within `radius` days of `day` carry `term`; None when 2+ do and
        all come from one outlet (its template, not evidence of a case)."""
        days = self.days.get(term, [])
        first, end = bisect_left(days, day - radius), bisect_right(days, day + radius)
        if end - first > 1 and not self._outlets_differ(term, first, end):
            return None
        return end - first

    def _outlets_differ(self, term: str, first: int, end: int) -> bool:
        """Whether the events carrying `term` in [first, end) come from 2+ outlets."""
        only: tuple[str, ...] | None = None
        for outlets in self.outlets[term][first:end]:
            if len(outlets) > 1 or (only is not None and outlets != only):
                return True
            only = outlets
        return False
