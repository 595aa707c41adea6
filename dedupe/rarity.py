"""Rarity weights: IDF over an article's date neighbourhood, counted in a sliding window.

An article's document frequencies are counted over the articles whose rarity day is within
`rarity_days` of its own (docs/EVENTS.md, "Rarity"). The clusterer visits articles in day
order, so one running count per feature serves every article of the current day: articles
enter the window when their day comes within reach and leave when it falls behind. Each
article is weighed once, on its own day, and keeps its vectors for the links found later.
Timeless articles (no rarity day) are counted over all timeless articles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache


class DocumentCounts:
    """How many articles of a set hold each salient feature and each content word."""

    __slots__ = ("articles", "salient", "terms")

    def __init__(self) -> None:
        self.articles = 0
        self.salient: dict[str, int] = {}
        self.terms: dict[str, int] = {}

    def add(self, salient: Iterable[str], terms: Iterable[str]) -> None:
        self.articles += 1
        for counts, keys in ((self.salient, salient), (self.terms, terms)):
            for key in keys:
                counts[key] = counts.get(key, 0) + 1

    def remove(self, salient: Iterable[str], terms: Iterable[str]) -> None:
        self.articles -= 1
        for counts, keys in ((self.salient, salient), (self.terms, terms)):
            for key in keys:
                left = counts[key] - 1
                if left:
                    counts[key] = left
                else:
                    del counts[key]  # the window stays as small as the features it holds


@dataclass(frozen=True, slots=True)
class Weights:
    """An article's weighted vectors, and the features rare enough to find candidates with."""

    salient: dict[str, float]
    salient_norm: float
    rare: list[str]
    terms: dict[str, float]
    terms_norm: float


def idf(count: int, df: int) -> float:
    """Smoothed: a feature in every article weighs ~0, one seen twice weighs most."""
    return max(0.0, math.log((count + 1) / (df + 0.5)))


class _IdfTable(dict[int, float]):
    """`idf(count, df)` by df, computed once per value: every article of a day has the same
    count, and document frequencies are small integers that repeat."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def __missing__(self, df: int) -> float:
        value = self[df] = idf(self.count, df)
        return value


@lru_cache(maxsize=8)
def _idf_table(count: int) -> _IdfTable:
    return _IdfTable(count)


@lru_cache(maxsize=1024)
def _tf(occurrences: int) -> float:
    """Sublinear term frequency."""
    return 1.0 + math.log(occurrences)


def weigh(
    salient: Mapping[str, str],
    terms: Mapping[str, int],
    counts: DocumentCounts,
    *,
    kind_weights: Mapping[str, float],
    min_articles: int,
    max_df_fraction: float,
    min_df: int,
) -> Weights:
    """The vectors of one article over the neighbourhood `counts` (the article included).

    A neighbourhood of fewer than `min_articles` counts as that many; a feature is rare when
    more than one article holds it and at most `max(min_df, max_df_fraction · N)`."""
    count = max(counts.articles, min_articles)
    max_df = max(min_df, int(max_df_fraction * count))
    idf_of = _idf_table(count)
    salient_df = counts.salient
    vector: dict[str, float] = {}
    rare: list[str] = []
    for feature, kind in salient.items():
        df = salient_df.get(feature, 0)
        vector[feature] = idf_of[df] * kind_weights.get(kind, 1.0)
        if 1 < df <= max_df:
            rare.append(feature)
    term_df = counts.terms
    term_vector = {term: _tf(n) * idf_of[term_df.get(term, 0)] for term, n in terms.items()}
    return Weights(
        salient=vector,
        salient_norm=_norm(vector),
        rare=rare,
        terms=term_vector,
        terms_norm=_norm(term_vector),
    )


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values())) or 1.0


def salient_cosine(a: Weights, b: Weights) -> tuple[float, list[str]]:
    """Cosine of the salient vectors, and the shared features that weigh most (at most 8)."""
    va, vb = a.salient, b.salient
    shared = [(va[f] * vb[f], f) for f in va.keys() & vb.keys()]
    shared.sort(key=lambda item: (-item[0], item[1]))
    cosine = sum(w for w, _ in shared) / (a.salient_norm * b.salient_norm)
    return cosine, [f for w, f in shared[:8] if w > 0]


def text_cosine(a: Weights, b: Weights) -> float:
    """TF-IDF cosine of the content words."""
    va, vb = a.terms, b.terms
    return sum(va[t] * vb[t] for t in va.keys() & vb.keys()) / (a.terms_norm * b.terms_norm)
