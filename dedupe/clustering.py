"""Event clustering: which articles report the same real-world happening.

Articles arrive as `ArticleRecord`s (stored signature + features, plus what an earlier run
decided: `duplicate_of`, `event_id`). `cluster` links them and returns one `Assignment` per
record; it never touches a database (crawler.clustering does).

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
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from datasketch import LeanMinHash

from dedupe.components import DatedUnionFind
from dedupe.dates import publication_day
from dedupe.day_buckets import DayBuckets, Partition
from dedupe.near_duplicates import band_ranges
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


@dataclass
class _Prepared:
    record: ArticleRecord
    date: date | None  #: confident event date
    published: _Day | None
    day: _Day | None  #: rarity day: the centre of the article's date neighbourhood
    salient: Mapping[str, str]  #: the record's own mappings, read only (not copied)
    terms: Mapping[str, int]
    minhash: LeanMinHash | None


@dataclass(frozen=True)
class _Link:
    score: float
    a: int
    b: int
    duplicate: bool
    reason: dict[str, Any]


class EventClusterer:
    """Clusters `ArticleRecord`s into near-duplicate groups and events (see the module doc)."""

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self.hasher = MinHasher(self.config.num_perm, self.config.shingle_size, self.config.seed)
        self._candidate_hasher = MinHasher(self.config.candidate_num_perm, 1, self.config.seed)
        self._duplicate_bands = band_ranges(self.config.duplicate_threshold, self.config.num_perm)

    # -- public --------------------------------------------------------------------------------
    def cluster(
        self,
        new: Sequence[ArticleRecord],
        context: Sequence[ArticleRecord] = (),
        keep_context: bool = False,
        background: Sequence[ArticleRecord] = (),
    ) -> ClusterResult:
        """Assign `new` records together with the already-clustered `context` records.

        By default the context is re-decided with the new records (links among all of them are
        searched). `background` records only complete the rarity neighbourhoods of the others:
        they are counted, never linked or assigned. Rarity weights depend only on the records
        whose rarity day lies within `rarity_days` of an article's own (see `rarity_day`), so
        when those neighbourhoods are complete a run decides exactly as from scratch. With
        `keep_context`, earlier groups stand and only links that involve new records are
        searched: cheaper, but decisions are never revisited.
        """
        with _without_cycle_collector():
            return self._cluster(new, context, keep_context, background)

    def _cluster(
        self,
        new: Sequence[ArticleRecord],
        context: Sequence[ArticleRecord],
        keep_context: bool,
        background: Sequence[ArticleRecord],
    ) -> ClusterResult:
        new_keys = {record.key for record in new}
        records = [r for r in context if r.key not in new_keys] + list(new)
        clustered = {record.key for record in records}
        records.sort(key=lambda record: record.rank)
        items = [self._prepare(record) for record in records]
        index_of = {item.record.key: i for i, item in enumerate(items)}
        if keep_context:
            queries = [index_of[record.key] for record in new]
        else:
            queries = list(range(len(items)))
        # background is only counted: its signatures are never read
        counted = items + [
            self._prepare(r, signed=False) for r in background if r.key not in clustered
        ]
        weights = _Weights(counted, self.config)

        union = DatedUnionFind([item.date for item in items], self.config.date_tolerance_days)
        duplicates = DatedUnionFind([item.date for item in items], self.config.date_tolerance_days)
        if keep_context:
            self._restore_context(items, index_of, union, duplicates)

        duplicate_links = self._duplicate_links(items, queries)
        event_links = self._event_links(items, queries, weights)
        best: dict[int, _Link] = {}
        for link in sorted(duplicate_links, key=_link_order) + sorted(event_links, key=_link_order):
            if link.duplicate:
                if not union.compatible(link.a, link.b) or not duplicates.compatible(
                    link.a, link.b
                ):
                    continue
                duplicates.union(link.a, link.b)
            if union.union(link.a, link.b):
                for end in (link.a, link.b):
                    if end not in best or _link_order(link) < _link_order(best[end]):
                        best[end] = link
        return self._result(
            items, union, duplicates, best, weights, len(duplicate_links), len(event_links)
        )

    # -- preparation ---------------------------------------------------------------------------
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

    def reach(self, records: Sequence[ArticleRecord]) -> tuple[date, date] | None:
        """Rarity days of the clustered articles a run adding `records` must re-decide.

        Adding an article changes the weights of the articles within `rarity_days` of its rarity
        day, and so the links of those articles to anything within `window_days + 1` days of
        theirs. None when a record is timeless: it may report any stored event.
        """
        days = [self.rarity_day(record) for record in records]
        known = [day for day in days if day is not None]
        if not known or len(known) < len(days):
            return None
        pad = timedelta(days=self.config.rarity_days + self.config.window_days + 1)
        return min(known) - pad, max(known) + pad

    def _prepare(self, record: ArticleRecord, signed: bool = True) -> _Prepared:
        features = record.features or {}
        event_day, published = self.days(record)
        minhash = None
        if record.signature and signed:
            minhash = self.hasher.from_bytes(record.signature)
            if is_empty(minhash):
                minhash = None
        return _Prepared(
            record=record,
            date=event_day,
            published=published,
            day=event_day or published,
            salient=features.get("salient") or {},
            terms=features.get("terms") or {},
            minhash=minhash,
        )

    def _restore_context(
        self,
        items: list[_Prepared],
        index_of: dict[Hashable, int],
        union: DatedUnionFind,
        duplicates: DatedUnionFind,
    ) -> None:
        """Earlier decisions stand: context records stay with their group and event."""
        by_event: dict[int, int] = {}
        for i, item in enumerate(items):
            record = item.record
            if record.duplicate_of is not None and record.duplicate_of in index_of:
                other = index_of[record.duplicate_of]
                duplicates.union(i, other, force=True)
                union.union(i, other, force=True)
            if record.event_id is not None:
                first = by_event.setdefault(record.event_id, i)
                union.union(i, first, force=True)

    # -- links ---------------------------------------------------------------------------------
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

    def _sweep(
        self,
        items: list[_Prepared],
        buckets: DayBuckets,
        date_reach: int,
        forget: Callable[[_Prepared], None] = lambda item: None,
    ) -> Iterator[tuple[int, Partition, frozenset[Partition] | None]]:
        """Items in sweep order (timeless first, then by rarity day), each with its partition
        and the partitions it may link to (None: all); drops the days no later item reaches
        (`forget` is told of their items).

        Every linkable pair is at most `window_days` (undated) or `date_reach` (two dates)
        days apart, so the later item of a pair always finds the earlier one."""
        window = self.config.window_days
        horizon = timedelta(days=window + date_reach + 1)
        order = sorted(range(len(items)), key=lambda i: (_sweep_day(items[i]), i))
        reaches: dict[Partition, frozenset[Partition] | None] = {}
        current: date | None = None
        for i in order:
            item = items[i]
            if item.day is not None and item.day != current:
                current = item.day
                for gone in buckets.drop_before(current - horizon):
                    forget(items[gone])
            partition = _partition(item)
            if partition not in reaches:
                reaches[partition] = _reach(item, window, date_reach)
            yield i, partition, reaches[partition]

    def _duplicate_links(self, items: list[_Prepared], queries: list[int]) -> list[_Link]:
        buckets = DayBuckets()
        asked = set(queries)
        threshold = self.config.duplicate_threshold
        links: list[_Link] = []
        for i, partition, reach in self._sweep(items, buckets, self.config.date_tolerance_days):
            minhash = items[i].minhash
            if minhash is None:
                continue
            values = minhash.hashvalues
            keys: list[Hashable] = [
                (band, values[start:end].tobytes())
                for band, (start, end) in enumerate(self._duplicate_bands)
            ]
            for j in buckets.candidates(reach, keys):
                other = items[j].minhash
                if other is None or (i not in asked and j not in asked):
                    continue
                similarity = minhash.jaccard(other)
                if similarity < threshold or not self._compatible(items[i], items[j]):
                    continue
                a, b = min(i, j), max(i, j)
                reason = {"duplicate": True, "jaccard": round(similarity, 3)}
                links.append(_Link(1.0 + similarity, a, b, True, reason))
            buckets.add(partition, keys, i)
        return links

    def _event_links(
        self, items: list[_Prepared], queries: list[int], weights: _Weights
    ) -> list[_Link]:
        buckets = DayBuckets()
        asked = set(queries)
        links: list[_Link] = []
        for i, partition, reach in self._sweep(items, buckets, 0, weights.forget):
            item = items[i]
            rare = weights.rare_features(item)
            if not rare:
                continue
            sketch = self._candidate_hasher.minhash_of_set(rare)
            keys: list[Hashable] = list(enumerate(sketch.hashvalues.tolist()))
            for j in buckets.candidates(reach, keys):
                if (i not in asked and j not in asked) or not self._compatible(item, items[j]):
                    continue
                link = self._verify(items, min(i, j), max(i, j), weights)
                if link is not None:
                    links.append(link)
            buckets.add(partition, keys, i)
        return links

    def _verify(self, items: list[_Prepared], i: int, j: int, weights: _Weights) -> _Link | None:
        a, b = items[i], items[j]
        salient, matched = weights.salient_cosine(a, b)
        text = weights.text_cosine(a, b)
        same_date = a.date is not None and a.date == b.date
        config = self.config
        score = (
            config.salient_weight * salient
            + config.text_weight * text
            + (config.date_weight if same_date else 0.0)
        )
        threshold = config.link_threshold_dated if same_date else config.link_threshold_undated
        if score < threshold:
            return None
        reason = {
            "score": round(score, 3),
            "salient": round(salient, 3),
            "text": round(text, 3),
            "date": a.date.isoformat() if same_date and a.date else None,
            "matched": matched,
        }
        return _Link(score, i, j, False, reason)

    # -- result --------------------------------------------------------------------------------
    def _result(
        self,
        items: list[_Prepared],
        union: DatedUnionFind,
        duplicates: DatedUnionFind,
        best: dict[int, _Link],
        weights: _Weights,
        duplicate_links: int,
        event_links: int,
    ) -> ClusterResult:
        assignments: dict[Hashable, Assignment] = {}
        events: dict[Hashable, list[Hashable]] = {}
        retired: set[int] = set()
        groups = union.groups()
        duplicate_groups = duplicates.groups()
        first_duplicate = {
            member: min(members) for members in duplicate_groups.values() for member in members
        }
        for members in groups.values():
            members.sort()  # items are in rank order: index order is rank order
            head = items[members[0]].record.key
            stored = sorted(
                {e for e in (items[m].record.event_id for m in members) if e is not None}
            )
            event_id = stored[0] if stored else None
            retired.update(stored[1:])
            events[head] = [items[m].record.key for m in members]
            for m in members:
                record = items[m].record
                root = first_duplicate[m]
                link = best.get(m)
                if link is None:
                    score, reason = 1.0, {"founded": True}
                else:
                    other = link.b if link.a == m else link.a
                    score = 1.0 if link.duplicate else link.score
                    reason = dict(link.reason, linked_to=_jsonable(items[other].record.key))
                assignments[record.key] = Assignment(
                    key=record.key,
                    duplicate_of=None if root == m else items[root].record.key,
                    event=head,
                    event_id=event_id,
                    score=round(score, 4),
                    reason=reason,
                )
        return ClusterResult(assignments, events, retired, duplicate_links, event_links)

    def top_terms(self, records: Sequence[ArticleRecord], limit: int | None = None) -> list[str]:
        """An event's most weighty salient features, for the events table."""
        scores: dict[str, float] = {}
        for record in records:
            for feature, kind in (record.features or {}).get("salient", {}).items():
                scores[feature] = scores.get(feature, 0.0) + self.config.kind_weights.get(kind, 1.0)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [feature for feature, _ in ranked[: limit or self.config.top_terms]]


class _Weights:
    """Rarity weights of salient features and content words, per article neighbourhood.

    An article's document frequencies are counted over the articles whose rarity day is within
    `rarity_days` of its own (articles without a rarity day: over all such articles). They
    depend on the stored corpus, never on how it was batched.
    """

    def __init__(self, items: list[_Prepared], config: ClusterConfig) -> None:
        self.config = config
        self.radius = timedelta(days=config.rarity_days)
        self._days = sorted(item.day for item in items if item.day is not None)
        self._salient_days: dict[str, list[date]] = {}
        self._term_days: dict[str, list[date]] = {}
        self._timeless = 0
        self._timeless_salient: Counter[str] = Counter()
        self._timeless_terms: Counter[str] = Counter()
        for item in items:
            if item.day is None:
                self._timeless += 1
                self._timeless_salient.update(item.salient.keys())
                self._timeless_terms.update(item.terms.keys())
                continue
            for feature in item.salient:
                self._salient_days.setdefault(feature, []).append(item.day)
            for term in item.terms:
                self._term_days.setdefault(term, []).append(item.day)
        for days in (*self._salient_days.values(), *self._term_days.values()):
            days.sort()
        self._salient_vectors: dict[int, tuple[dict[str, float], float, list[str]]] = {}
        self._term_vectors: dict[int, tuple[dict[str, float], float]] = {}

    def _within(self, days: list[date], day: date) -> int:
        return bisect_right(days, day + self.radius) - bisect_left(days, day - self.radius)

    def count(self, item: _Prepared) -> int:
        """Articles in the neighbourhood of `item` (itself included), at least the floor."""
        count = self._timeless if item.day is None else self._within(self._days, item.day)
        return max(count, self.config.rarity_min_articles)

    def salient_df(self, item: _Prepared, feature: str) -> int:
        if item.day is None:
            return self._timeless_salient[feature]
        return self._within(self._salient_days.get(feature, []), item.day)

    def term_df(self, item: _Prepared, term: str) -> int:
        if item.day is None:
            return self._timeless_terms[term]
        return self._within(self._term_days.get(term, []), item.day)

    def forget(self, item: _Prepared) -> None:
        """Drop an item's cached vectors once no later link can need them (bounded memory)."""
        self._salient_vectors.pop(id(item), None)
        self._term_vectors.pop(id(item), None)

    @staticmethod
    def idf(count: int, df: int) -> float:
        # smoothed: a feature in every article weighs ~0, one seen twice weighs most
        return max(0.0, math.log((count + 1) / (df + 0.5)))

    def rare_features(self, item: _Prepared) -> list[str]:
        return self._salient(item)[2]

    def _salient_vector(self, item: _Prepared) -> tuple[dict[str, float], float]:
        vector, norm, _ = self._salient(item)
        return vector, norm

    def _salient(self, item: _Prepared) -> tuple[dict[str, float], float, list[str]]:
        """(weighted vector, norm, rare features) of an item: one document-frequency count per
        feature serves both the vector and the candidate cut."""
        cached = self._salient_vectors.get(id(item))
        if cached is None:
            config = self.config
            count = self.count(item)
            max_df = max(config.candidate_min_df, int(config.candidate_max_df_fraction * count))
            vector: dict[str, float] = {}
            rare: list[str] = []
            for feature, kind in item.salient.items():
                df = self.salient_df(item, feature)
                vector[feature] = self.idf(count, df) * config.kind_weights.get(kind, 1.0)
                if 1 < df <= max_df:
                    rare.append(feature)
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            cached = self._salient_vectors[id(item)] = (vector, norm, rare)
        return cached

    def _term_vector(self, item: _Prepared) -> tuple[dict[str, float], float]:
        cached = self._term_vectors.get(id(item))
        if cached is None:
            count = self.count(item)
            vector = {
                t: (1.0 + math.log(n)) * self.idf(count, self.term_df(item, t))
                for t, n in item.terms.items()
            }
            cached = (vector, math.sqrt(sum(w * w for w in vector.values())) or 1.0)
            self._term_vectors[id(item)] = cached
        return cached

    def salient_cosine(self, a: _Prepared, b: _Prepared) -> tuple[float, list[str]]:
        va, na = self._salient_vector(a)
        vb, nb = self._salient_vector(b)
        shared = [(va[f] * vb[f], f) for f in va.keys() & vb.keys()]
        shared.sort(key=lambda item: (-item[0], item[1]))
        cosine = sum(w for w, _ in shared) / (na * nb)
        return cosine, [f for w, f in shared[:8] if w > 0]

    def text_cosine(self, a: _Prepared, b: _Prepared) -> float:
        va, na = self._term_vector(a)
        vb, nb = self._term_vector(b)
        return sum(va[t] * vb[t] for t in va.keys() & vb.keys()) / (na * nb)


def _link_order(link: _Link) -> tuple[float, int, int]:
    return (-link.score, link.a, link.b)


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


def _sweep_day(item: _Prepared) -> tuple[bool, date]:
    """Sweep order: timeless items first, then by rarity day."""
    return (item.day is not None, item.day or date.min)


def _jsonable(key: Hashable) -> Any:
    return key if isinstance(key, int | str) else str(key)
