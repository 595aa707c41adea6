"""Event clustering: which articles report the same real-world happening.

Articles arrive as `ArticleRecord`s (stored signature + features, plus what an earlier run
decided: `duplicate_of`, `event_id`). `cluster` links them and returns one `Assignment` per
record; it never touches a database (crawler.clustering does). Underneath is one streaming
`Sweep` in day order that yields each event once no later article can join it, so a rebuild
of the whole corpus holds only the articles within reach of the current day
(docs/EVENTS.md, "One streaming sweep").

Events are the components of verified links under the hard date rule:

1. near-duplicate links: estimated 3-shingle Jaccard ≥ `duplicate_threshold`;
2. event links: candidates from a MinHash LSH over each article's rare salient features (names,
   venues, figures), partitioned by event date; verified by
   ``score = salient_weight·S + text_weight·T + date_weight·D`` where S is the IDF-weighted
   cosine of salient features, T the TF-IDF cosine of content words and D = 1 when both
   articles state the same date; linked when the score reaches the threshold (a higher one
   when no common date is stated);
3. components are merged strongest link first (ties by rank) and never across two confident
   dates (dedupe.components): events on clearly different dates stay different events.

Rarity weights are counted over each article's date neighbourhood (`rarity_days` around its
event date, else its publication day), a statistic of the stored corpus, not of the batch.
Incremental runs pass the already-clustered records whose links a new record can change as
`context` (re-decided with the new ones) and the rest of their neighbourhoods as `background`
(counted only): the outcome is then the from-scratch outcome, whatever the batches and their
order (see docs/EVENTS.md, "Rarity").
"""

from __future__ import annotations

import gc
import itertools
from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from dedupe.components import DatedUnionFind
from dedupe.dates import publication_day
from dedupe.day_buckets import DayBuckets, Partition
from dedupe.link_graph import LinkGraph
from dedupe.near_duplicates import band_ranges
from dedupe.rarity import (
    Batch,
    DocumentCounts,
    Weights,
    count,
    salient_cosine,
    shared_salient,
    text_cosine,
    weigh,
)
from dedupe.screen import MARGIN, ScreenVector, cosines
from dedupe.signatures import MinHasher, is_empty


@dataclass(frozen=True)
class ClusterConfig:
    """Thresholds and weights of the clusterer: data in one place, each with its reason."""

    #: MinHash parameters of the stored signatures (dedupe.signatures)
    num_perm: int = 128
    shingle_size: int = 3
    seed: int = 1
    #: republications score ~0.76 on 3-shingles, rewrites of one event < 0.1
    duplicate_threshold: float = 0.5
    #: a date mention counts for the hard rule from this confidence on (dedupe.dates)
    min_date_confidence: float = 0.6
    #: "clearly different dates": further apart than this many days
    date_tolerance_days: int = 0
    #: an undated report is published at most this many days after the event it reports;
    #: also the half-width of the window of clustered articles an incremental run loads
    window_days: int = 7
    #: weight of each salient-feature kind: names of people and venues identify an event
    kind_weights: Mapping[str, float] = field(
        default_factory=lambda: {"person": 2.0, "venue": 1.5, "number": 1.0, "name": 1.0}
    )
    #: verification score = salient·S + text·T + date·D
    salient_weight: float = 0.6
    text_weight: float = 0.4
    date_weight: float = 0.0
    #: link thresholds: with a shared stated date, and without one (undated, or only one dated)
    link_threshold_dated: float = 0.18
    link_threshold_undated: float = 0.25
    #: candidate generation: MinHash LSH over salient features of at most this document
    #: frequency (fraction of the corpus, at least `candidate_min_df`)
    candidate_num_perm: int = 16
    candidate_max_df_fraction: float = 0.02
    candidate_min_df: int = 30
    #: rarity is counted over an article's date neighbourhood: the articles whose rarity day
    #: (confident event date, else publication day) is at most this many days from its own.
    #: A statistic of the stored corpus, not of a batch: any run that loads the neighbourhood
    #: computes the same weights (docs/EVENTS.md, "Rarity")
    rarity_days: int = 30
    #: a neighbourhood of fewer articles counts as this many, the missing ones lacking every
    #: feature: in a handful of articles a shared name is not yet evidence of commonness
    rarity_min_articles: int = 20
    #: features shown as an event's top terms
    top_terms: int = 10

    def __post_init__(self) -> None:
        for name in ("duplicate_threshold", "min_date_confidence", "candidate_max_df_fraction"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")
        if self.window_days < 0 or self.date_tolerance_days < 0 or self.rarity_days < 0:
            raise ValueError("window_days, date_tolerance_days and rarity_days must be >= 0")
        if self.candidate_num_perm < 1 or self.candidate_num_perm > self.num_perm:
            raise ValueError("candidate_num_perm must be in [1, num_perm]")
        # the screen of candidate pairs relies on it (dedupe.screen)
        weights = [self.salient_weight, self.text_weight, *self.kind_weights.values()]
        if any(weight < 0 for weight in weights):
            raise ValueError("salient_weight, text_weight and kind_weights must be >= 0")

    def link_score(self, salient: Any, text: Any, same_date: Any) -> Any:
        """A pair's event-link score from its two cosines and whether its dates agree: floats
        for one pair (`Sweep._verify`) or numpy arrays for a day's pairs (`Sweep._screen`), one
        formula for both so that the screen never disagrees with the verification."""
        weighted = self.salient_weight * salient + self.text_weight * text
        return weighted + self.date_weight * same_date


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
    """Linked records a segment could not decide alone, and the links it found among them:
    (key, key, score, duplicate, reason), the first key the first-ranked."""

    records: list[ArticleRecord]
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


_Day = date  #: `date` is also a field name of _Prepared

#: fewest candidate pairs of a day screened in numpy (dedupe.screen); fewer are verified
SCREEN_MIN_PAIRS = 64


@dataclass(eq=False, slots=True)
class _Prepared:
    record: ArticleRecord
    index: int  #: position in the sweep
    date: date | None  #: confident event date
    published: _Day | None
    day: _Day | None  #: rarity day: the centre of the article's date neighbourhood
    salient: Mapping[str, str]  #: the record's own mappings, read only (not copied)
    terms: Mapping[str, int]
    hashvalues: np.ndarray | None  #: of the stored signature; None: empty or counted only
    counted_only: bool
    asks: bool = True  #: looks for links (else only filed: another segment's sweep asks)
    weights: Weights | None = None  #: set on the item's own day
    screen: ScreenVector | None = None  #: while it can be a candidate for an event link


@dataclass(frozen=True, slots=True)
class _Link:
    score: float
    a: _Prepared
    b: _Prepared
    duplicate: bool
    reason: dict[str, Any]


class EventClusterer:
    """Clusters `ArticleRecord`s into near-duplicate groups and events (see the module doc)."""

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self.hasher = MinHasher(self.config.num_perm, self.config.shingle_size, self.config.seed)
        self.candidate_hasher = MinHasher(self.config.candidate_num_perm, 1, self.config.seed)
        self.duplicate_bands = band_ranges(self.config.duplicate_threshold, self.config.num_perm)

    # -- public --------------------------------------------------------------------------------
    def cluster(
        self,
        new: Sequence[ArticleRecord],
        context: Sequence[ArticleRecord] = (),
        background: Sequence[ArticleRecord] = (),
    ) -> ClusterResult:
        """Assign `new` records together with the already-clustered `context` records.

        The context is re-decided with the new records (links among all of them are searched).
        `background` records only complete the rarity neighbourhoods of the others: they are
        counted, never linked or assigned. Rarity weights depend only on the records whose
        rarity day lies within `rarity_days` of an article's own (see `rarity_day`), so when
        those neighbourhoods are complete a run decides exactly as from scratch.
        """
        with _without_cycle_collector():  # the result is as big as the input (see there)
            sweep = self.sweep(self.sweep_order(new, context, background))
            groups = sorted(sweep, key=lambda group: group.members[0].rank)
            assignments = {a.key: a for group in groups for a in group.assignments}
            events = {group.key: [m.key for m in group.members] for group in groups}
            retired = {e for group in groups for e in _stored_event_ids(group.members)[1:]}
        return ClusterResult(assignments, events, retired, sweep.duplicate_links, sweep.event_links)

    def sweep_order(
        self,
        new: Sequence[ArticleRecord],
        context: Sequence[ArticleRecord] = (),
        background: Sequence[ArticleRecord] = (),
    ) -> list[tuple[ArticleRecord, bool]]:
        """(record, counted only) in sweep order: timeless first, then by rarity day and rank.
        A key given twice counts once: new before context before background."""
        seen: set[Hashable] = set()
        ordered = []
        for records, counted_only in ((new, False), (context, False), (background, True)):
            for record in records:
                if record.key not in seen:
                    seen.add(record.key)
                    ordered.append((self.sweep_key(record), record, counted_only))
        ordered.sort(key=lambda entry: entry[0])
        return [(record, counted_only) for _, record, counted_only in ordered]

    def sweep_key(self, record: ArticleRecord) -> tuple[bool, date, tuple[Any, ...]]:
        """Where a record comes in the sweep: timeless first, then by rarity day, then rank."""
        day = self.rarity_day(record)
        return (day is not None, day or date.min, record.rank)

    def sweep(
        self, ordered: Iterable[tuple[ArticleRecord, bool]], segment: Segment | None = None
    ) -> Sweep:
        """One pass over (record, counted only) pairs in sweep order (`sweep_key`); iterating it
        yields every event as soon as no later record can join it. Memory follows the records
        within reach of the current day, not the corpus (`recluster_all` streams a database).
        With a `segment` (see there), it decides that segment's events only."""
        return Sweep(self, ordered, segment)

    def segment(self, first: date | None, end: date | None) -> Segment:
        """The segment of rarity days [first, end) (None: open-ended) of this config's sweep."""
        config = self.config
        horizon = timedelta(days=config.window_days + config.date_tolerance_days + 1)
        return Segment(first, end, horizon, timedelta(days=config.rarity_days))

    def join(self, components: Iterable[OpenComponent]) -> Iterator[EventGroup]:
        """The events of the open components of several segments: components sharing a record
        are one, decided with all their links as one sweep would."""
        records: dict[Hashable, ArticleRecord] = {}
        links: dict[Hashable, list[tuple[Hashable, Hashable, float, bool, dict[str, Any]]]] = {}
        parent: dict[Hashable, Hashable] = {}

        def find(key: Hashable) -> Hashable:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for component in components:
            for record in component.records:
                if record.key not in records:
                    records[record.key] = record
                    parent[record.key] = record.key
                    links[record.key] = []
            first = find(component.records[0].key)
            for record in component.records[1:]:
                other = find(record.key)
                if other != first:
                    parent[other] = first
                    links[first] += links.pop(other)
            links[first] += component.links
        ordered = sorted(records.values(), key=self.sweep_key)
        items = {record.key: self._item(record, index) for index, record in enumerate(ordered)}
        members_of: dict[Hashable, list[_Prepared]] = {}
        for key in records:
            members_of.setdefault(find(key), []).append(items[key])
        for root, found in links.items():
            members = members_of[root]
            joined = [
                _Link(score, items[a], items[b], duplicate, reason)
                for a, b, score, duplicate, reason in found
            ]
            yield from _decide(self.config, members, joined)

    def _item(self, record: ArticleRecord, index: int, counted_only: bool = False) -> _Prepared:
        features = record.features or {}
        event_day, published = self.days(record)
        hashvalues = None
        if record.signature and not counted_only:  # a counted record's signature is never read
            hashvalues = self.hasher.hashvalues(record.signature)
            if is_empty(hashvalues):
                hashvalues = None
        return _Prepared(
            record=record,
            index=index,
            date=event_day,
            published=published,
            day=event_day or published,
            salient=features.get("salient") or {},
            terms=features.get("terms") or {},
            hashvalues=hashvalues,
            counted_only=counted_only,
        )

    def days(self, record: ArticleRecord) -> tuple[date | None, date | None]:
        """(confident event date, publication day in WITA) of a record; None when unknown."""
        features = record.features or {}
        stated = features.get("event_date")
        confident = (
            stated and features.get("date_confidence", 0.0) >= self.config.min_date_confidence
        )
        published = publication_day(record.published_at)
        if published is None and features.get("published_date"):
            published = date.fromisoformat(features["published_date"])
        return (date.fromisoformat(str(stated)) if confident else None), published

    def rarity_day(self, record: ArticleRecord) -> date | None:
        """The centre of a record's rarity neighbourhood: its confident event date, else its
        publication day; None for a timeless record (rarity over all timeless records)."""
        event_day, published = self.days(record)
        return event_day or published

    def reach(self, days: Sequence[date | None]) -> tuple[date, date] | None:
        """Rarity days of the clustered articles a run adding articles of rarity `days` must
        re-decide.

        Adding an article changes the weights of the articles within `rarity_days` of its rarity
        day, and so the links of those articles to anything within `window_days + 1` days of
        theirs. None when an article is timeless: it may report any stored event.
        """
        known = [day for day in days if day is not None]
        if not known or len(known) < len(days):
            return None
        pad = timedelta(days=self.config.rarity_days + self.config.window_days + 1)
        return min(known) - pad, max(known) + pad

    def top_terms(self, records: Sequence[ArticleRecord], limit: int | None = None) -> list[str]:
        """An event's most weighty salient features, for the events table."""
        scores: dict[str, float] = {}
        for record in records:
            for feature, kind in (record.features or {}).get("salient", {}).items():
                scores[feature] = scores.get(feature, 0.0) + self.config.kind_weights.get(kind, 1.0)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [feature for feature, _ in ranked[: limit or self.config.top_terms]]


class Sweep:
    """The day-ordered pass of `EventClusterer.sweep`; counts its verified links as it goes.

    For each day, in order: the rarity window is moved to cover `rarity_days` around it (its
    articles must all have been read, so the sweep reads that far ahead), the day's articles
    are weighed and sketched together, each asks the band buckets for earlier articles it may
    link to, and the articles no later day can reach leave the buckets; their components, once
    wholly out of reach, are decided and yielded (dedupe.link_graph).
    """

    def __init__(
        self,
        clusterer: EventClusterer,
        ordered: Iterable[tuple[ArticleRecord, bool]],
        segment: Segment | None = None,
    ):
        self.clusterer = clusterer
        self.config = clusterer.config
        self.duplicate_links = 0
        self.event_links = 0
        #: with a segment: the components it could not decide, once the sweep has ended
        self.open_components: list[OpenComponent] = []
        self._ordered = ordered
        self._segment = segment
        config = self.config
        self._radius = timedelta(days=config.rarity_days)
        # every linkable pair is at most this far apart (the date rule, `_reach`)
        self._horizon = timedelta(days=config.window_days + config.date_tolerance_days + 1)
        self._counts = DocumentCounts()  #: the dated rarity window
        self._timeless_counts = DocumentCounts()
        self._unread: deque[_Prepared] = deque()  #: read ahead, not yet in the window
        self._window: deque[tuple[date, Batch]] = deque()  #: the days in the window counts
        self._unswept: deque[_Prepared] = deque()  #: linked, in the window, day not yet swept
        self._unswept_days: deque[date] = deque()  #: days of linked records read, not swept
        self._swept: deque[_Prepared] = deque()  #: dated, swept, still within reach
        self._buckets = {  #: by link kind (duplicate or not)
            kind: DayBuckets(self._horizon.days) for kind in (True, False)
        }
        self._reaches: dict[tuple[bool, Partition], frozenset[Partition] | None] = {}
        self._open: dict[int, _Prepared] = {}  #: filed in the buckets, by index
        self._graph: LinkGraph[_Prepared, _Link] = LinkGraph()

    def __iter__(self) -> Iterator[EventGroup]:
        with _without_cycle_collector():
            yield from self._run()

    def _run(self) -> Iterator[EventGroup]:
        timeless: list[_Prepared] | None = []
        last: tuple[bool, date] = (False, date.min)
        for index, (record, counted_only) in enumerate(self._ordered):
            item = self._prepare(record, index, counted_only)
            order = (item.day is not None, item.day or date.min)
            if order < last:
                raise ValueError(
                    f"records out of sweep order: {record.key!r} ({item.day}) after {last[1]}"
                )
            last = order
            if item.day is None:
                assert timeless is not None  # timeless records come first (checked above)
                timeless.append(item)
                continue
            if timeless is not None:
                self._sweep_timeless(timeless)
                timeless = None
            self._unread.append(item)
            if not counted_only:
                self._unswept_days.append(item.day)
            # a day is swept once every record of its rarity neighbourhood has been read
            while self._unswept_days and self._unswept_days[0] + self._radius < item.day:
                yield from self._sweep_day(self._unswept_days[0])
        if timeless is not None:
            self._sweep_timeless(timeless)
        while self._unswept_days:
            yield from self._sweep_day(self._unswept_days[0])
        for members, links in self._graph.close_all():
            yield from self._close(members, links)

    def _prepare(self, record: ArticleRecord, index: int, counted_only: bool) -> _Prepared:
        item = self.clusterer._item(record, index, counted_only)
        if self._segment is not None:
            item.asks = self._segment.asks(item.day)
        return item

    # -- days ----------------------------------------------------------------------------------
    def _sweep_timeless(self, items: list[_Prepared]) -> None:
        """Timeless records: counted over all of them, linked among themselves, never closed
        before the end (any later record may link to them)."""
        self._timeless_counts.add(count([(item.salient, item.terms) for item in items]))
        self._link_all([item for item in items if not item.counted_only], self._timeless_counts)

    def _sweep_day(self, day: date) -> Iterator[EventGroup]:
        last_in, first_in = day + self._radius, day - self._radius
        while self._unread and self._unread[0].day <= last_in:  # type: ignore[operator]
            entering, entering_day = [], self._unread[0].day
            while self._unread and self._unread[0].day == entering_day:
                item = self._unread.popleft()
                entering.append(item)
                if not item.counted_only:
                    self._unswept.append(item)
            batch = count([(item.salient, item.terms) for item in entering])
            self._counts.add(batch)
            self._window.append((entering_day, batch))  # type: ignore[arg-type]
        while self._window and self._window[0][0] < first_in:
            self._counts.remove(self._window.popleft()[1])
        yield from self._forget_before(day - self._horizon)
        today = []
        while self._unswept and self._unswept[0].day == day:
            today.append(self._unswept.popleft())
            self._unswept_days.popleft()
        self._link_all(today, self._counts)
        self._swept.extend(today)

    def _forget_before(self, day: date) -> Iterator[EventGroup]:
        """Records of days before `day` leave the buckets; components wholly out of reach are
        decided."""
        for buckets in self._buckets.values():
            buckets.drop_before(day)
        while self._swept and self._swept[0].day < day:  # type: ignore[operator]
            item = self._swept.popleft()
            self._open.pop(item.index, None)
            item.screen = None  # no later record can pair with it
            closed = self._graph.close(item, item.day)  # type: ignore[arg-type]
            if closed is not None:
                yield from self._close(*closed)

    # -- links ---------------------------------------------------------------------------------
    def _link_all(self, items: list[_Prepared], counts: DocumentCounts) -> None:
        """Weigh and sketch the records of one day together, then link each to the records
        filed before it and file it."""
        config = self.config
        rare: dict[int, list[str]] = {}  #: by item index
        for item in items:
            weights = item.weights = weigh(
                item.salient,
                item.terms,
                counts,
                kind_weights=config.kind_weights,
                min_articles=config.rarity_min_articles,
                max_df_fraction=config.candidate_max_df_fraction,
                min_df=config.candidate_min_df,
            )
            if weights.rare:
                rare[item.index] = weights.rare
        sketches: Iterable[np.ndarray] = (
            self.clusterer.candidate_hasher.set_minimums(list(rare.values())) if rare else []
        )
        sketch_of = dict(zip(rare, sketches, strict=True))
        pairs: list[tuple[_Prepared, _Prepared]] = []
        for item in items:
            self._graph.add(item, item.day)
            partition = _partition(item)
            if item.hashvalues is not None:
                self._link_duplicates(item, partition)
            sketch = sketch_of.get(item.index)
            if sketch is not None:
                item.screen = ScreenVector(item.weights)  # type: ignore[arg-type]
                keys: list[Hashable] = list(enumerate(sketch.tolist()))
                pairs += (
                    _ranked(item, other)
                    for other in self._candidates(False, item, partition, keys)
                    if self._compatible(item, other)
                )
            self._open[item.index] = item
        self._link_events(pairs)

    def _candidates(
        self, duplicate: bool, item: _Prepared, partition: Partition, keys: list[Hashable]
    ) -> list[_Prepared]:
        """Records filed before `item` that share a band key in a partition it may reach; then
        files `item` under its keys."""
        reach_key = (duplicate, partition)
        if reach_key not in self._reaches:
            date_reach = self.config.date_tolerance_days if duplicate else 0
            self._reaches[reach_key] = _reach(item, self.config.window_days, date_reach)
        buckets = self._buckets[duplicate]
        found = buckets.candidates(self._reaches[reach_key], keys) if item.asks else set()
        buckets.add(partition, keys, item.index)
        return [self._open[j] for j in found]

    def _link_duplicates(self, item: _Prepared, partition: Partition) -> None:
        values = item.hashvalues
        assert values is not None
        raw, size = values.tobytes(), values.itemsize
        keys: list[Hashable] = [
            (band, raw[start * size : end * size])
            for band, (start, end) in enumerate(self.clusterer.duplicate_bands)
        ]
        threshold = self.config.duplicate_threshold
        for other in self._candidates(True, item, partition, keys):
            similarity = float(np.count_nonzero(values == other.hashvalues)) / len(values)
            if similarity < threshold or not self._compatible(item, other):
                continue
            a, b = _ranked(item, other)
            reason = {"duplicate": True, "jaccard": round(similarity, 3)}
            self._graph.link(a, b, _Link(1.0 + similarity, a, b, True, reason))
            self.duplicate_links += 1

    def _link_events(self, pairs: list[tuple[_Prepared, _Prepared]]) -> None:
        """Verify a day's candidate pairs (ranked, compatible): the screen first, then each pair
        it lets through exactly."""
        for a, b in itertools.compress(pairs, self._screen(pairs)):
            link = self._verify(a, b)
            if link is not None:
                self._graph.link(link.a, link.b, link)
                self.event_links += 1

    def _screen(self, pairs: list[tuple[_Prepared, _Prepared]]) -> Iterable[bool]:
        """Whether each pair may reach its link threshold (dedupe.screen: never wrongly no)."""
        if len(pairs) < SCREEN_MIN_PAIRS:  # numpy's fixed cost is not worth it
            return itertools.repeat(True, len(pairs))
        count = len(pairs)
        ends = np.fromiter(
            (item.index for pair in pairs for item in pair), dtype=np.int64, count=2 * count
        )
        indexes, positions = np.unique(ends, return_inverse=True)
        vectors = [self._open[index].screen for index in indexes.tolist()]  # filed, or today's
        salient, text = cosines(vectors, positions[0::2], positions[1::2])  # type: ignore[arg-type]
        config = self.config
        same_date = np.fromiter(
            (a.date is not None and a.date == b.date for a, b in pairs), dtype=bool, count=count
        )
        score = config.link_score(salient, text, same_date)
        threshold = np.where(same_date, config.link_threshold_dated, config.link_threshold_undated)
        return (score >= threshold - MARGIN).tolist()  # type: ignore[no-any-return]

    def _compatible(self, a: _Prepared, b: _Prepared) -> bool:
        """The hard date rule for a pair, plus: an undated report follows its event closely."""
        window = self.config.window_days
        if a.date is not None and b.date is not None:
            return abs((a.date - b.date).days) <= self.config.date_tolerance_days
        if a.date is not None or b.date is not None:
            dated, undated = (a, b) if a.date is not None else (b, a)
            if undated.published is None or dated.date is None:
                return True
            lag = (undated.published - dated.date).days
            return -1 <= lag <= window
        if a.published is None or b.published is None:
            return True
        return abs((a.published - b.published).days) <= window

    def _verify(self, a: _Prepared, b: _Prepared) -> _Link | None:
        assert a.weights is not None and b.weights is not None
        salient = salient_cosine(a.weights, b.weights)
        text = text_cosine(a.weights, b.weights)
        same_date = a.date is not None and a.date == b.date
        config = self.config
        score = config.link_score(salient, text, same_date)
        threshold = config.link_threshold_dated if same_date else config.link_threshold_undated
        if score < threshold:
            return None
        reason = {
            "score": round(score, 3),
            "salient": round(salient, 3),
            "text": round(text, 3),
            "date": a.date.isoformat() if same_date and a.date else None,
            "matched": shared_salient(a.weights, b.weights),
        }
        return _Link(score, a, b, False, reason)

    # -- decisions -----------------------------------------------------------------------------
    def _close(self, members: list[_Prepared], links: list[_Link]) -> Iterator[EventGroup]:
        """A component out of reach: decided, or kept open when another segment has a say."""
        segment = self._segment
        if segment is None or all(segment.decides(item.day) for item in members):
            yield from _decide(self.config, members, links)
            return
        self.open_components.append(
            OpenComponent(
                [item.record for item in members],
                [
                    (link.a.record.key, link.b.record.key, link.score, link.duplicate, link.reason)
                    for link in links
                ],
            )
        )


def _decide(
    config: ClusterConfig, members: list[_Prepared], links: list[_Link]
) -> Iterator[EventGroup]:
    """The events of one closed component: its links merged strongest first (duplicate
    links before event links, ties by rank) under the date rule."""
    members.sort(key=lambda item: item.index)
    members.sort(key=lambda item: item.record.rank)  # stable: sweep order breaks rank ties
    position = {item.index: p for p, item in enumerate(members)}
    tolerance = config.date_tolerance_days
    union = DatedUnionFind([item.date for item in members], tolerance)
    duplicates = DatedUnionFind([item.date for item in members], tolerance)
    ends = [(position[link.a.index], position[link.b.index]) for link in links]
    ordered = sorted(
        (((-link.score, a, b), link) for link, (a, b) in zip(links, ends, strict=True)),
        key=lambda entry: entry[0],
    )
    # duplicate links first, each kind strongest first (a stable sort keeps that order)
    ordered.sort(key=lambda entry: not entry[1].duplicate)
    best: dict[int, tuple[tuple[float, int, int], _Link]] = {}
    for order, link in ordered:
        a, b = order[1], order[2]
        if link.duplicate:
            if not union.compatible(a, b) or not duplicates.compatible(a, b):
                continue
            duplicates.union(a, b)
        if union.union(a, b):
            for end in (a, b):
                if end not in best or order < best[end][0]:
                    best[end] = (order, link)
    first_duplicate = {
        member: min(group) for group in duplicates.groups().values() for member in group
    }
    for group in union.groups().values():
        group.sort()  # positions are in rank order
        records = [members[p].record for p in group]
        stored = _stored_event_ids(records)
        assignments = []
        for p in group:
            record = members[p].record
            root = first_duplicate[p]
            if p in best:
                link = best[p][1]
                other = link.b if link.a is members[p] else link.a
                score = 1.0 if link.duplicate else link.score
                reason = dict(link.reason, linked_to=_jsonable(other.record.key))
            else:
                score, reason = 1.0, {"founded": True}
            assignments.append(
                Assignment(
                    key=record.key,
                    duplicate_of=None if root == p else members[root].record.key,
                    event=records[0].key,
                    event_id=stored[0] if stored else None,
                    score=round(score, 4),
                    reason=reason,
                )
            )
        yield EventGroup(records, assignments)


def _ranked(x: _Prepared, y: _Prepared) -> tuple[_Prepared, _Prepared]:
    """The pair with the first-ranked record first (sweep order breaks rank ties)."""
    return (x, y) if (x.record.rank, x.index) < (y.record.rank, y.index) else (y, x)


def _stored_event_ids(records: Iterable[ArticleRecord]) -> list[int]:
    """The event ids stored on the records, lowest (the one the event keeps) first."""
    return sorted({r.event_id for r in records if r.event_id is not None})


def _partition(item: _Prepared) -> Partition:
    if item.date is not None:
        return ("date", item.date)
    return None if item.published is None else ("published", item.published)


def _reach(item: _Prepared, window: int, date_reach: int) -> frozenset[Partition] | None:
    """The partitions `item` may link to under the date rule (None: all of them)."""

    def days(kind: str, day: date, low: int, high: int) -> list[Partition]:
        return [(kind, day + timedelta(days=d)) for d in range(low, high + 1)]

    if item.date is not None:  # the same date, or undated reports published just after it
        return frozenset(
            [
                *days("date", item.date, -date_reach, date_reach),
                *days("published", item.date, -1, window),
                None,
            ]
        )
    if item.published is not None:  # events it may follow, undated reports of its week
        return frozenset(
            [
                *days("date", item.published, -window, 1),
                *days("published", item.published, -window, window),
                None,
            ]
        )
    return None


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Clustering builds millions of small containers and no reference cycles, so the cyclic
    collector only rescans a heap that grows with the corpus (37% of the CPU at 50k articles);
    reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _jsonable(key: Hashable) -> Any:
    return key if isinstance(key, int | str) else str(key)
