"""The clusterer's thresholds and weights: data in one place, each with its reason
(docs/EVENTS.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dedupe.occasion import leads_apart
from dedupe.story_config import StoryConfig


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
    #: "clearly different dates": further apart than this many days. Real reports of one
    #: happening disagree by a day (the day it happened, the day of writing, "kemarin"); a
    #: weekly meeting is still another event
    date_tolerance_days: int = 1
    #: an undated report is published at most this many days after the event it reports;
    #: also the half-width of the window of clustered articles an incremental run loads
    window_days: int = 7
    #: two reports that state no date are published at most this many days apart: at real
    #: density a week of one running story holds many happenings
    undated_pair_days: int = 2
    #: weight of each salient-feature kind: names of people and venues identify an event; the
    #: person an article quotes identifies the occasion (dedupe.occasion)
    kind_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "person": 2.0,
            "venue": 1.5,
            "number": 1.0,
            "name": 1.0,
            "speaker": 3.0,
        }
    )
    #: verification score = salient·S + text·T + date·D
    salient_weight: float = 0.6
    text_weight: float = 0.4
    date_weight: float = 0.0
    #: a pair's score is multiplied by this when one of the two is a reaction (dedupe.occasion)
    #: and they quote no one in common: a reaction is its own occasion. Only lowers scores, so
    #: the screen of candidate pairs stays an upper bound
    reaction_factor: float = 0.5
    #: a pair's score is multiplied by this when each reports another occasion: one recounts
    #: the other's lead speaker but leads with its own, or one is a preview and the other not
    #: (dedupe.occasion). Chosen on real news judged by reading (docs/EVENTS.md, issue 22
    #: round 2): 0.5 to 0.8 link nearly the same pairs
    occasion_factor_apart: float = 0.6
    #: link thresholds: with a shared stated date, and without one (undated, or only one dated),
    #: in a neighbourhood of `rarity_min_articles` (scaled by `strictness` in denser ones)
    link_threshold_dated: float = 0.18
    link_threshold_undated: float = 0.25
    #: thresholds and cohesion bars rise by this share per e-fold of an article's rarity
    #: neighbourhood above `rarity_min_articles`: the more articles a report could pair with,
    #: the more pairs agree by chance (a regional month of 20 reports against a national day of
    #: 1,500: x2.0). Chosen on real national news judged by reading (docs/EVENTS.md)
    crowd_factor: float = 0.2
    #: a group of n linked articles is one event when the mean score over all its pairs reaches
    #: event_cohesion·ln(n) (x strictness): 0.021 for 2, 0.048 for 5, 0.069 for 10, 0.12 for 50
    #: (dedupe.average_linkage): the more articles, the more pairs agree by chance. Chosen on
    #: real national news judged by reading (docs/EVENTS.md, "Measured on real news"): 0.05
    #: until issue 22; with the people quoted and the day of the happening, 0.04 links more
    #: true pairs at the precision 0.05 had without them; with the lead speaker and previews
    #: (issue 22 round 2), 0.03 (below it the link thresholds bind, not the bar)
    event_cohesion: float = 0.03
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
    #: the story level above events (dedupe.stories): its day gap, rarity and bars
    story: StoryConfig = field(default_factory=StoryConfig)

    def __post_init__(self) -> None:
        for name in ("duplicate_threshold", "min_date_confidence", "candidate_max_df_fraction"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")
        days = (self.window_days, self.date_tolerance_days, self.rarity_days)
        if min(*days, self.undated_pair_days) < 0:
            raise ValueError(
                "window_days, date_tolerance_days, rarity_days and undated_pair_days must be >= 0"
            )
        if self.candidate_num_perm < 1 or self.candidate_num_perm > self.num_perm:
            raise ValueError("candidate_num_perm must be in [1, num_perm]")
        # the screen of candidate pairs relies on it (dedupe.screen)
        weights = [self.salient_weight, self.text_weight, *self.kind_weights.values()]
        if any(weight < 0 for weight in weights):
            raise ValueError("salient_weight, text_weight and kind_weights must be >= 0")

    def strictness(self, articles: int) -> float:
        """How much stricter than at `rarity_min_articles` the bars are in a neighbourhood of
        `articles` (dedupe.rarity.Weights.articles)."""
        floor = self.rarity_min_articles
        return 1.0 + self.crowd_factor * math.log(max(articles, floor, 1) / max(floor, 1))

    def cohesion_bar(self, size: int) -> float:
        """The mean pair score a group of `size` articles needs to be one event."""
        return self.event_cohesion * math.log(size)

    def occasion_factor(self, a: Any, b: Any) -> float:
        """`reaction_factor` when one of two prepared records is a reaction and they quote no
        one in common; `occasion_factor_apart` when one is a preview and the other not, or when
        their lead speakers part them (dedupe.occasion); else 1."""
        if (a.reaction or b.reaction) and a.speakers.isdisjoint(b.speakers):
            return self.reaction_factor
        if a.preview != b.preview or leads_apart(a, b):
            return self.occasion_factor_apart
        return 1.0

    def link_score(self, salient: Any, text: Any, same_date: Any) -> Any:
        """A pair's event-link score from its two cosines and whether its dates agree: floats
        for one pair (`Sweep._verify`) or numpy arrays for a day's pairs (`Sweep._screen`), one
        formula for both so that the screen never disagrees with the verification."""
        weighted = self.salient_weight * salient + self.text_weight * text
        return weighted + self.date_weight * same_date
