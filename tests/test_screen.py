"""The vectorised screen of candidate pairs (dedupe.screen): its cosines are the exact ones, it
never rejects a pair that links, even when features collide, and a sweep that screens every
day links exactly what one that verifies every pair links."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe.screen
import dedupe.sweep
from dedupe.clustering import ArticleRecord, ClusterConfig, EventClusterer
from dedupe.rarity import Weights, salient_cosine, text_cosine
from dedupe.screen import ScreenVector, cosines
from dedupe.signatures import MinHasher

FEATURES = [f"fitur {n}" for n in range(40)]

vectors = st.dictionaries(
    st.sampled_from(FEATURES), st.floats(min_value=0.0, max_value=20.0), max_size=25
)


def _weights(salient: dict[str, float], terms: dict[str, float]) -> Weights:
    def norm(vector: dict[str, float]) -> float:
        return math.sqrt(sum(w * w for w in vector.values())) or 1.0

    return Weights(salient, norm(salient), [], terms, norm(terms))


def _screened_and_exact(pairs):  # type: ignore[no-untyped-def]
    weights = [_weights(s, t) for pair in pairs for s, t in pair]
    screened = cosines(
        [ScreenVector(w) for w in weights],
        np.arange(0, len(weights), 2),
        np.arange(1, len(weights), 2),
    )
    exact = [
        [salient_cosine(a, b) for a, b in zip(weights[::2], weights[1::2], strict=True)],
        [text_cosine(a, b) for a, b in zip(weights[::2], weights[1::2], strict=True)],
    ]
    return screened, exact


pairs_of_articles = st.lists(
    st.tuples(st.tuples(vectors, vectors), st.tuples(vectors, vectors)), min_size=1, max_size=30
)


@settings(max_examples=60, deadline=None)
@given(pairs_of_articles)
def test_screened_cosines_are_the_exact_ones(pairs):
    screened, exact = _screened_and_exact(pairs)
    for kind in (0, 1):
        assert np.allclose(screened[kind], exact[kind], rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(pairs_of_articles)
def test_colliding_features_only_raise_a_screened_cosine(pairs):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedupe.screen, "_HASH_BITS", 0b111)  # 40 features in 8 columns
        screened, exact = _screened_and_exact(pairs)
    for kind in (0, 1):
        assert (screened[kind] >= np.array(exact[kind]) - 1e-12).all()


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="must be >= 0"):
        ClusterConfig(kind_weights={"person": -1.0})
    with pytest.raises(ValueError, match="must be >= 0"):
        ClusterConfig(text_weight=-0.1)


HASHER = MinHasher()
SYLLABLES = "ba di ka lo ma nu ra si ta wu ya ke".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(4)).title()


def _busy_days(days: int = 40, per_day: int = 12, seed: int = 5) -> list[ArticleRecord]:
    """Events of 3 reports each, every report also naming 2 of 400 recurring officials: many
    candidate pairs a day across events, which fail verification."""
    rng = random.Random(seed)
    officials = [f"{_name(rng)} {_name(rng)}".lower() for _ in range(400)]
    start = date(2024, 3, 1)
    records = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for _ in range(per_day):
            person, venue = f"{_name(rng)} {_name(rng)}".lower(), f"aula {_name(rng)}".lower()
            words = [_name(rng).lower() for _ in range(6)]
            dated = rng.random() < 0.7
            for report in range(3):
                own = [_name(rng).lower() for _ in range(10)]
                recurring = rng.sample(officials, 2)
                text = " ".join(rng.sample([*words, *own, person, venue, *recurring], 20))
                salient = {person: "person", venue: "venue"} | dict.fromkeys(recurring, "person")
                records.append(
                    ArticleRecord(
                        key=len(records),
                        rank=(len(records),),
                        signature=HASHER.signature_bytes(text),
                        features={
                            "event_date": day.isoformat() if dated else None,
                            "date_confidence": 0.9 if dated else 0.0,
                            "salient": salient,
                            "terms": {w: rng.randint(1, 3) for w in [*words, *own, *recurring]},
                        },
                        outlet=f"outlet{report}",
                        published_at=datetime.combine(day, datetime.min.time(), UTC)
                        + timedelta(hours=10 + 20 * report),
                    )
                )
    return records


def _cluster(records, monkeypatch, screen_from: int, hash_bits: int | None = None):  # type: ignore[no-untyped-def]
    """(assignments, events, event links, pairs verified exactly) of one clustering."""
    monkeypatch.setattr(dedupe.sweep, "SCREEN_MIN_PAIRS", screen_from)
    if hash_bits is not None:
        monkeypatch.setattr(dedupe.screen, "_HASH_BITS", hash_bits)
    verified = 0
    verify = dedupe.sweep.Sweep._verify

    def counted(sweep, a, b):  # type: ignore[no-untyped-def]
        nonlocal verified
        verified += 1
        return verify(sweep, a, b)

    monkeypatch.setattr(dedupe.sweep.Sweep, "_verify", counted)
    result = EventClusterer(ClusterConfig(candidate_min_df=10)).cluster(records)
    monkeypatch.setattr(dedupe.sweep.Sweep, "_verify", verify)
    return result.assignments, result.events, result.event_links, verified


def test_a_sweep_screening_every_day_links_exactly_what_verifying_every_pair_links(monkeypatch):
    records = _busy_days()
    verified = _cluster(records, monkeypatch, screen_from=10**9)
    screened = _cluster(records, monkeypatch, screen_from=1)
    colliding = _cluster(records, monkeypatch, screen_from=1, hash_bits=0xFF)
    assert verified[2] > 100  # event links found: the data has something to link
    # reports are grouped (three a generated event; in this crowd the bars part some of them)
    assert len(verified[1]) < 0.6 * len(records)
    assert screened[:3] == verified[:3]
    assert colliding[:3] == verified[:3]
    # the screen lets through exactly the pairs that link; collisions let more through
    assert verified[3] > 1.5 * screened[3]
    assert screened[3] == verified[2]
    assert screened[3] <= colliding[3] <= verified[3]
