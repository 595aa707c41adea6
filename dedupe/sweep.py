"""The day-ordered pass under the clusterer (`EventClusterer.sweep`): rarity window, candidate
buckets, verified links, and components handed to dedupe.decisions once out of reach
(docs/EVENTS.md, "One streaming sweep")."""

from __future__ import annotations

import gc
import itertools
from collections import deque
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from dedupe.cluster_config import ClusterConfig
from dedupe.cluster_records import (
    ArticleRecord,
    EventGroup,
    Link,
    OpenComponent,
    Prepared,
    Segment,
)
from dedupe.day_buckets import DayBuckets, Partition
from dedupe.decisions import compatible, decide
from dedupe.headlines import same_headline
from dedupe.link_graph import LinkGraph
from dedupe.rarity import (
    Batch,
    DocumentCounts,
    count,
    salient_cosine,
    shared_salient,
    text_cosine,
    weigh,
)
from dedupe.screen import MARGIN, ScreenVector, cosines
from dedupe.signatures import MinHasher


class Clusterer(Protocol):
    """What the sweep asks of its clusterer (`dedupe.clustering.EventClusterer`)."""

    config: ClusterConfig
    candidate_hasher: MinHasher
    duplicate_bands: list[tuple[int, int]]

    def prepare(self, record: ArticleRecord, index: int, counted_only: bool = False) -> Prepared:
        """The record as the sweep reads it."""
        ...


#: fewest candidate pairs of a day screened in numpy (dedupe.screen); fewer are verified
SCREEN_MIN_PAIRS = 64


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
        clusterer: Clusterer,
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
        self._unread: deque[Prepared] = deque()  #: read ahead, not yet in the window
        self._window: deque[tuple[date, Batch]] = deque()  #: the days in the window counts
        self._unswept: deque[Prepared] = deque()  #: linked, in the window, day not yet swept
        self._unswept_days: deque[date] = deque()  #: days of linked records read, not swept
        self._swept: deque[Prepared] = deque()  #: dated, swept, still within reach
        self._buckets = {  #: by link kind (duplicate or not)
            kind: DayBuckets(self._horizon.days) for kind in (True, False)
        }
        self._reaches: dict[tuple[bool, Partition], frozenset[Partition] | None] = {}
        self._open: dict[int, Prepared] = {}  #: filed in the buckets, by index
        self._graph: LinkGraph[Prepared, Link] = LinkGraph()

    def __iter__(self) -> Iterator[EventGroup]:
        with without_cycle_collector():
            yield from self._run()

    def _run(self) -> Iterator[EventGroup]:
        timeless: list[Prepared] | None = []
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

    def _prepare(self, record: ArticleRecord, index: int, counted_only: bool) -> Prepared:
        item = self.clusterer.prepare(record, index, counted_only)
        if self._segment is not None:
            item.asks = self._segment.asks(item.day)
        return item

    # -- days ----------------------------------------------------------------------------------
    def _sweep_timeless(self, items: list[Prepared]) -> None:
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
    def _link_all(self, items: list[Prepared], counts: DocumentCounts) -> None:
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
            item.strictness = config.strictness(weights.articles)
            if weights.rare and not item.service:  # a service item links only as a copy
                rare[item.index] = weights.rare
        sketches: Iterable[np.ndarray] = (
            self.clusterer.candidate_hasher.set_minimums(list(rare.values())) if rare else []
        )
        sketch_of = dict(zip(rare, sketches, strict=True))
        pairs: list[tuple[Prepared, Prepared]] = []
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
                    if compatible(self.config, item, other)
                )
            self._open[item.index] = item
        self._link_events(pairs)

    def _candidates(
        self, duplicate: bool, item: Prepared, partition: Partition, keys: list[Hashable]
    ) -> list[Prepared]:
        """Records filed before `item` that share a band key in a partition it may reach; then
        files `item` under its keys."""
        reach_key = (duplicate, partition)
        if reach_key not in self._reaches:
            date_reach = self.config.date_tolerance_days
            self._reaches[reach_key] = _reach(item, self.config.window_days, date_reach)
        buckets = self._buckets[duplicate]
        found = buckets.candidates(self._reaches[reach_key], keys) if item.asks else set()
        buckets.add(partition, keys, item.index)
        return [self._open[j] for j in found]

    def _link_duplicates(self, item: Prepared, partition: Partition) -> None:
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
            if similarity < threshold or not compatible(self.config, item, other):
                continue
            if (item.service or other.service) and not same_headline(item.headline, other.headline):
                continue  # a templated series: the same text for another sign, page or region
            a, b = _ranked(item, other)
            reason = {"duplicate": True, "jaccard": round(similarity, 3)}
            self._graph.link(a, b, Link(1.0 + similarity, a, b, True, reason))
            self.duplicate_links += 1

    def _link_events(self, pairs: list[tuple[Prepared, Prepared]]) -> None:
        """Verify a day's candidate pairs (ranked, compatible): the screen first, then each pair
        it lets through exactly."""
        for a, b in itertools.compress(pairs, self._screen(pairs)):
            link = self._verify(a, b)
            if link is not None:
                self._graph.link(link.a, link.b, link)
                self.event_links += 1

    def _screen(self, pairs: list[tuple[Prepared, Prepared]]) -> Iterable[bool]:
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
        strictness = np.fromiter(
            (self._strictness(a, b) for a, b in pairs), dtype=np.float64, count=count
        )
        base = np.where(same_date, config.link_threshold_dated, config.link_threshold_undated)
        return (score >= base * strictness - MARGIN).tolist()  # type: ignore[no-any-return]

    @staticmethod
    def _strictness(a: Prepared, b: Prepared) -> float:
        """The pair's share of the crowd rule (ClusterConfig.strictness): the mean of both."""
        return (a.strictness + b.strictness) / 2

    def _verify(self, a: Prepared, b: Prepared) -> Link | None:
        assert a.weights is not None and b.weights is not None
        salient = salient_cosine(a.weights, b.weights)
        text = text_cosine(a.weights, b.weights)
        same_date = a.date is not None and a.date == b.date
        config = self.config
        score = config.link_score(salient, text, same_date) * config.occasion_factor(a, b)
        base = config.link_threshold_dated if same_date else config.link_threshold_undated
        if score < base * self._strictness(a, b):
            return None
        reason = {
            "score": round(score, 3),
            "salient": round(salient, 3),
            "text": round(text, 3),
            "date": a.date.isoformat() if same_date and a.date else None,
            "matched": shared_salient(a.weights, b.weights),
        }
        return Link(score, a, b, False, reason)

    # -- decisions -----------------------------------------------------------------------------
    def _close(self, members: list[Prepared], links: list[Link]) -> Iterator[EventGroup]:
        """A component out of reach: decided, or kept open when another segment has a say."""
        segment = self._segment
        if segment is None or all(segment.decides(item.day) for item in members):
            yield from decide(self.config, members, links)
            return
        self.open_components.append(
            OpenComponent(
                [item.record for item in members],
                [item.weights for item in members],  # type: ignore[misc]
                [
                    (link.a.record.key, link.b.record.key, link.score, link.duplicate, link.reason)
                    for link in links
                ],
            )
        )


def _ranked(x: Prepared, y: Prepared) -> tuple[Prepared, Prepared]:
    """The pair with the first-ranked record first (sweep order breaks rank ties)."""
    return (x, y) if (x.record.rank, x.index) < (y.record.rank, y.index) else (y, x)


def _partition(item: Prepared) -> Partition:
    if item.date is not None:
        return ("date", item.date)
    return None if item.published is None else ("published", item.published)


def _reach(item: Prepared, window: int, date_reach: int) -> frozenset[Partition] | None:
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
def without_cycle_collector() -> Iterator[None]:
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
