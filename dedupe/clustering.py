"""Event clustering: which articles report the same real-world happening.

Articles arrive as `ArticleRecord`s (stored signature + features, plus what an earlier run
decided: `duplicate_of`, `event_id`). `cluster` links them and returns one `Assignment` per
record; it never touches a database (crawler.clustering.stage does). Underneath is one streaming
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

from collections.abc import Hashable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from dedupe.cluster_config import ClusterConfig
from dedupe.cluster_records import (
    ArticleRecord,
    Assignment,
    ClusterResult,
    EventGroup,
    Link,
    OpenComponent,
    Prepared,
    Segment,
)
from dedupe.dates import publication_day
from dedupe.decisions import decide, stored_event_ids
from dedupe.headlines import headline_figures, headline_words, is_service_item
from dedupe.near_duplicates import band_ranges
from dedupe.occasion import is_preview, name_words, named_words
from dedupe.rarity import Weights
from dedupe.signatures import MinHasher, is_empty
from dedupe.sweep import Sweep, without_cycle_collector

__all__ = [
    "ArticleRecord",
    "Assignment",
    "ClusterConfig",
    "ClusterResult",
    "EventClusterer",
    "EventGroup",
    "OpenComponent",
    "Segment",
    "Sweep",
]


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
        with without_cycle_collector():  # the result is as big as the input (see there)
            sweep = self.sweep(self.sweep_order(new, context, background))
            groups = sorted(sweep, key=lambda group: group.members[0].rank)
            assignments = {a.key: a for group in groups for a in group.assignments}
            events = {group.key: [m.key for m in group.members] for group in groups}
            retired = {e for group in groups for e in stored_event_ids(group.members)[1:]}
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
        weights: dict[Hashable, Weights] = {}
        links: dict[Hashable, list[tuple[Hashable, Hashable, float, bool, dict[str, Any]]]] = {}
        parent: dict[Hashable, Hashable] = {}

        def find(key: Hashable) -> Hashable:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for component in components:
            for record, weighed in zip(component.records, component.weights, strict=True):
                if record.key not in records:
                    records[record.key] = record
                    weights[record.key] = weighed
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
        items = {record.key: self.prepare(record, index) for index, record in enumerate(ordered)}
        for key, item in items.items():
            item.weights = weights[key]
        members_of: dict[Hashable, list[Prepared]] = {}
        for key in records:
            members_of.setdefault(find(key), []).append(items[key])
        for root, found in links.items():
            members = members_of[root]
            joined = [
                Link(score, items[a], items[b], duplicate, reason)
                for a, b, score, duplicate, reason in found
            ]
            yield from decide(self.config, members, joined)

    def prepare(self, record: ArticleRecord, index: int, counted_only: bool = False) -> Prepared:
        features = record.features or {}
        salient = features.get("salient") or {}
        event_day, published = self.days(record)
        speakers = frozenset(f for f, kind in salient.items() if kind == "speaker")
        lead = features.get("lead_speaker")
        hashvalues = None
        if record.signature and not counted_only:  # a counted record's signature is never read
            hashvalues = self.hasher.hashvalues(record.signature)
            if is_empty(hashvalues):
                hashvalues = None
        return Prepared(
            record=record,
            index=index,
            date=event_day,
            published=published,
            day=event_day or published,
            salient=salient,
            terms=features.get("terms") or {},
            hashvalues=hashvalues,
            counted_only=counted_only,
            # a counted record is never paired: its headline is not read
            figures=frozenset() if counted_only else headline_figures(record.title),
            service=not counted_only and is_service_item(record.title),
            headline=frozenset() if counted_only else headline_words(record.title),
            speakers=speakers,
            reaction=bool(features.get("reaction")),
            preview=not counted_only and is_preview(record.title),
            lead=name_words(lead) if lead else frozenset(),
            quoted=frozenset().union(*(name_words(f.removeprefix("speaker ")) for f in speakers)),
            named=named_words(salient),
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
