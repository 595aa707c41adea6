"""The streaming sweep under the clusterer (dedupe.clustering.Sweep, dedupe.rarity,
dedupe.link_graph): exact planted events, events handed out while the input is still being
read, the sweep-order contract, and the window counts equal to a recount."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.clustering import ArticleRecord, EventClusterer
from dedupe.day_buckets import DayBuckets
from dedupe.link_graph import LinkGraph
from dedupe.rarity import DocumentCounts, count
from dedupe.signatures import MinHasher

HASHER = MinHasher()
START = date(2024, 1, 1)
SYLLABLES = "ba di ka lo ma nu ra si ta wu ya ke".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(4)).title()


def planted(days: int = 120, per_day: int = 2, reports: int = 3, seed: int = 3):
    """Records of `per_day` events a day, `reports` reports each (a person, a venue and words of
    their own, plus names every report carries), and one verbatim republication a day; returns
    (records, planted event of each key, duplicate pairs)."""
    rng = random.Random(seed)
    common = {"kendari": "name", "kpu": "name", "pemprov": "name"}
    records, event_of, republished = [], {}, []
    for offset in range(days):
        day = START + timedelta(days=offset)
        for number in range(per_day):
            person, venue = f"{_name(rng)} {_name(rng)}", f"aula {_name(rng)}".lower()
            words = [_name(rng).lower() for _ in range(6)]
            for report in range(reports):
                key = f"{offset}-{number}-{report}"
                noise = _name(rng).lower()
                own = [_name(rng).lower() for _ in range(12)]  # each outlet's own wording
                text = " ".join(rng.sample([*words, *own, noise, person, venue], 21))
                records.append(
                    ArticleRecord(
                        key=key,
                        rank=(len(records),),
                        signature=HASHER.signature_bytes(text),
                        features={
                            "event_date": day.isoformat(),
                            "date_confidence": 0.9,
                            "salient": {person.lower(): "person", venue: "venue", noise: "name"}
                            | common,
                            "terms": {w: 2 for w in [*words, noise]},
                        },
                        outlet=f"outlet{report}",
                        published_at=datetime.combine(day, datetime.min.time(), UTC)
                        + timedelta(hours=10),
                    )
                )
                event_of[key] = (offset, number)
        copy = records[-1]
        key = f"{copy.key}-copy"
        records.append(
            ArticleRecord(key, (len(records),), copy.signature, copy.features, "aggregator")
        )
        event_of[key] = event_of[copy.key]
        republished.append((key, copy.key))
    return records, event_of, republished


def test_planted_events_exactly():
    records, event_of, republished = planted()
    result = EventClusterer().cluster(records)
    expected: dict[tuple[int, int], set[str]] = {}
    for key, event in event_of.items():
        expected.setdefault(event, set()).add(key)
    assert {frozenset(m) for m in result.events.values()} == {
        frozenset(m) for m in expected.values()
    }
    for copy, original in republished:
        assert result.assignments[copy].duplicate_of == original


def test_events_are_handed_out_while_the_input_is_read():
    records, _, _ = planted()
    clusterer = EventClusterer()
    read = 0

    def counted() -> Iterator[tuple[ArticleRecord, bool]]:
        nonlocal read
        for entry in clusterer.sweep_order(records):
            read += 1
            yield entry

    read_when_yielded = [read for _ in clusterer.sweep(counted())]
    # Day 0 leaves the buckets when day `horizon + 1` is swept, and that day is swept when the
    # first record of `rarity_days` days later still is read: then day 0's events are out.
    config = clusterer.config
    horizon = config.window_days + config.date_tolerance_days + 1
    per_day = len(records) // 120
    assert read_when_yielded[0] == (horizon + 1 + config.rarity_days + 1) * per_day + 1
    assert len(read_when_yielded) == 240  # every planted event, each once


def test_streamed_sweep_equals_collected_cluster():
    records, _, _ = planted(days=60, seed=8)
    clusterer = EventClusterer()
    streamed = {
        frozenset(m.key for m in group.members)
        for group in clusterer.sweep(clusterer.sweep_order(records))
    }
    collected = clusterer.cluster(list(reversed(records)))
    assert streamed == {frozenset(m) for m in collected.events.values()}


def test_records_out_of_sweep_order_are_refused():
    records, _, _ = planted(days=3)
    ordered = EventClusterer().sweep_order(records)
    with pytest.raises(ValueError, match="out of sweep order"):
        list(EventClusterer().sweep(list(reversed(ordered))))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.lists(
                st.tuples(st.sets(st.sampled_from("abcdef")), st.sets(st.sampled_from("xyz"))),
                max_size=4,
            ),
        ),
        max_size=30,
    )
)
def test_window_counts_equal_a_recount(steps):
    counts, held = DocumentCounts(), []
    for add, articles in steps:
        if add or not held:
            counts.add(count(articles))
            held.append(articles)
        else:
            counts.remove(count(held.pop(0)))
    articles = [article for batch in held for article in batch]
    assert counts.articles == len(articles)
    assert counts.salient == dict(Counter(f for salient, _ in articles for f in salient))
    assert counts.terms == dict(Counter(t for _, terms in articles for t in terms))


@dataclass(frozen=True)
class _Member:
    index: int


def test_link_graph_closes_a_component_on_its_last_day_and_keeps_timeless_ones_open():
    graph: LinkGraph[_Member, str] = LinkGraph()
    a, b, c, timeless = _Member(0), _Member(1), _Member(2), _Member(3)
    graph.add(a, START)
    graph.add(b, START + timedelta(days=2))
    graph.add(c, START + timedelta(days=1))
    graph.add(timeless, None)
    graph.link(a, b, "a-b")
    graph.link(c, timeless, "c-t")
    assert graph.close(a, START) is None  # b, its component's last day, is still in reach
    assert graph.close(c, START + timedelta(days=1)) is None  # linked to a timeless member
    assert graph.close(b, START + timedelta(days=2)) == ([a, b], ["a-b"])
    assert graph.close(a, START + timedelta(days=5)) is None  # closed already
    assert list(graph.close_all()) == [([c, timeless], ["c-t"])]
    assert len(graph) == 0


def _segmented(clusterer: EventClusterer, records: list[ArticleRecord], bounds: list[date]):
    """The events of one sweep per segment between `bounds`, joined as a rebuild joins them."""
    ordered = clusterer.sweep_order(records)
    edges: list[date | None] = [None, *bounds, None]
    groups, open_components = [], []
    for first, end in zip(edges, edges[1:], strict=False):
        segment = clusterer.segment(first, end)
        entries = []
        for record, counted in ordered:
            entry = segment.entry(clusterer.rarity_day(record))
            if entry is not None:
                entries.append((record, counted or entry))
        sweep = clusterer.sweep(entries, segment)
        groups += list(sweep)
        open_components += sweep.open_components
    joined = list(clusterer.join(open_components))
    return groups, joined


def _with_timeless_and_undated(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Every 7th record loses its date (undated), every 23rd also its publication (timeless)."""
    out = []
    for position, record in enumerate(records):
        if position % 7 == 3:
            features = dict(record.features, event_date=None)
            published = None if position % 23 == 3 else record.published_at
            record = replace(record, features=features, published_at=published)
        out.append(record)
    return out


@pytest.mark.parametrize("cuts", [[20], [10, 11, 40], [5, 35, 60, 61, 62]])
def test_segments_joined_decide_exactly_as_one_sweep(cuts):
    records, _, _ = planted(days=80, seed=11)
    records = _with_timeless_and_undated(records)
    clusterer = EventClusterer()
    whole = clusterer.cluster(records)
    groups, joined = _segmented(clusterer, records, [START + timedelta(days=c) for c in cuts])
    assert joined  # the cuts fall inside events: some components were joined
    assignments = {a.key: a for g in [*groups, *joined] for a in g.assignments}
    assert len(assignments) == len(records) == sum(len(g.members) for g in [*groups, *joined])
    assert assignments == whole.assignments


@settings(max_examples=80, deadline=None)
@given(
    filings=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 20)),  # None: timeless, else a day offset
            st.sampled_from(["date", "published"]),
            st.sets(st.integers(0, 6), min_size=1, max_size=3),  # band keys
        ),
        max_size=40,
    ),
    asked=st.sets(st.integers(0, 6), min_size=1, max_size=3),
    reach_days=st.one_of(st.none(), st.sets(st.integers(0, 20), max_size=6)),
    dropped_before=st.integers(0, 25),
)
def test_day_buckets_find_exactly_the_items_sharing_a_key_in_reach(
    filings, asked, reach_days, dropped_before
):
    """Against a plain scan: one item or several under a key, in one partition or several."""
    buckets = DayBuckets(span_days=4)
    filed = []
    for item, (offset, kind, keys) in enumerate(filings):
        partition = None if offset is None else (kind, START + timedelta(days=offset))
        buckets.add(partition, keys, item)
        filed.append((partition, keys, item))
    cut = START + timedelta(days=dropped_before)
    buckets.drop_before(cut)
    first_kept = cut.toordinal() // 4
    reach = None
    if reach_days is not None:
        reach = {
            (kind, START + timedelta(days=d)) for d in reach_days for kind in ("date", "published")
        }
        reach.add(None)
    expected = {
        item
        for partition, keys, item in filed
        if (partition is None or partition[1].toordinal() // 4 >= first_kept)
        and (reach is None or partition in reach)
        and keys & asked
    }
    assert buckets.candidates(reach, asked) == expected
