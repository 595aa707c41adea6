"""What the clusterer reads and returns: records, assignments, events, segments, and the
prepared records and links of a sweep (dedupe.clustering, dedupe.sweep, dedupe.decisions)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from dedupe.rarity import Weights
from dedupe.screen import ScreenVector


@dataclass(frozen=True)
class ArticleRecord:
    """What the clusterer knows of one article; `rank` orders articles (lowest = stored first)."""

    key: Hashable
    rank: tuple[Any, ...]
    signature: bytes | None
    features: Mapping[str, Any]
    outlet: str | None = None
    published_at: datetime | None = None
    title: str | None = None
    #: decisions of an earlier run (context records only)
    duplicate_of: Hashable | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class Assignment:
    """Where one article ends up."""

    key: Hashable
    #: key of the first-ranked article of its near-duplicate group; None for that article
    duplicate_of: Hashable | None
    #: key of the first-ranked member of its event: the event's identity in this result
    event: Hashable
    #: the lowest stored event id among the event's members (None: a new event)
    event_id: int | None
    score: float
    reason: dict[str, Any]


@dataclass(frozen=True)
class EventGroup:
    """One event as decided: its members in rank order, each with its assignment."""

    members: list[ArticleRecord]
    assignments: list[Assignment]

    @property
    def key(self) -> Hashable:
        """The first-ranked member's key: the event's identity in this run."""
        return self.members[0].key


@dataclass(frozen=True)
class Segment:
    """The share of a sweep one process decides, so that a rebuild can use every core.

    Records whose rarity day is in [`first`, `end`) ask for links; the `horizon` days before
    `first` are filed only (the process before finds their links), timeless records ask only in
    the first segment. Events wholly inside [`first`, `end` − `horizon`) are decided here; the
    rest, touching another segment's links, are handed out as `OpenComponent`s to be joined
    (`EventClusterer.join`). None: the corpus's start or end.
    """

    first: date | None
    end: date | None
    horizon: timedelta  #: `Sweep`'s: linkable records are closer than this
    radius: timedelta  #: `rarity_days`: the neighbourhood the weights are counted over

    def entry(self, day: date | None) -> bool | None:
        """How a record of rarity `day` enters this segment's sweep: None, not at all; True,
        counted only (it completes a neighbourhood); False, filed for links."""
        if day is None:
            return False
        if self.first is not None and day < self.first - self.horizon:
            return None if day < self.first - self.horizon - self.radius else True
        if self.end is not None and day >= self.end:
            return None if day >= self.end + self.radius else True
        return False

    def asks(self, day: date | None) -> bool:
        if day is None:
            return self.first is None
        return self.first is None or day >= self.first

    def decides(self, day: date | None) -> bool:
        return (
            day is not None
            and (self.first is None or day >= self.first)
            and (self.end is None or day < self.end - self.horizon)
        )


@dataclass(frozen=True)
class OpenComponent:
    """Linked records a segment could not decide alone, their weights (a decision scores every
    pair) and the links found among them: (key, key, score, duplicate, reason), the first key
    the first-ranked."""

    records: list[ArticleRecord]
    weights: list[Weights]
    links: list[tuple[Hashable, Hashable, float, bool, dict[str, Any]]]


@dataclass
class ClusterResult:
    assignments: dict[Hashable, Assignment]
    #: event key → member keys in rank order
    events: dict[Hashable, list[Hashable]]
    #: stored event ids whose members now belong to another event id
    retired_event_ids: set[int]
    #: number of verified near-duplicate and event links among the searched pairs
    duplicate_links: int = 0
    event_links: int = 0


_Day = date  #: `date` is also a field name of Prepared


@dataclass(eq=False, slots=True)
class Prepared:
    """A record as the sweep holds it: its days, features, signature values and weights."""

    record: ArticleRecord
    index: int  #: position in the sweep
    date: date | None  #: confident event date
    published: _Day | None
    day: _Day | None  #: rarity day: the centre of the article's date neighbourhood
    salient: Mapping[str, str]  #: the record's own mappings, read only (not copied)
    terms: Mapping[str, int]
    hashvalues: np.ndarray | None  #: of the stored signature; None: empty or counted only
    counted_only: bool
    figures: frozenset[str]  #: of the headline: reports whose figures differ are different items
    service: bool  #: a service item (dedupe.headlines): one event with its copies only
    headline: frozenset[str]  #: words of the title: copies of a service item share them
    #: the people it quotes (dedupe.occasion)
    speakers: frozenset[str] = frozenset()
    #: a reaction to another occasion (dedupe.occasion): one event only with reports quoting
    #: one of its speakers
    reaction: bool = False
    #: a preview of a happening to come (dedupe.occasion): one event only with previews or
    #: reports quoting one of its speakers
    preview: bool = False
    #: name words of the person quoted first, of everyone quoted, and of everyone named,
    #: quoted or not (dedupe.occasion)
    lead: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()
    asks: bool = True  #: looks for links (else only filed: another segment's sweep asks)
    weights: Weights | None = None  #: set on the item's own day
    strictness: float = 1.0  #: ClusterConfig.strictness of its neighbourhood, set with weights
    screen: ScreenVector | None = None  #: while it can be a candidate for an event link


@dataclass(frozen=True, slots=True)
class Link:
    """A verified link between two records: near-duplicate or event, with its reason."""

    score: float
    a: Prepared
    b: Prepared
    duplicate: bool
    reason: dict[str, Any]
