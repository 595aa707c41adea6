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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import mul


@dataclass(frozen=True, slots=True)
class Batch:
    """The features of some articles (one day of the window), counted together."""

    articles: int
    salient: Counter[str]
    terms: Counter[str]


def count(articles: Sequence[tuple[Iterable[str], Iterable[str]]]) -> Batch:
    """A batch of (salient features, content words) per article; counted by `Counter` in C,
    so the window's own dicts are touched once per distinct key of a day, not per article."""
    return Batch(
        articles=len(articles),
        salient=Counter(chain.from_iterable(salient for salient, _ in articles)),
        terms=Counter(chain.from_iterable(terms for _, terms in articles)),
    )


class DocumentCounts:
    """How many articles of a set hold each salient feature and each content word."""

    __slots__ = ("articles", "salient", "terms")

    def __init__(self) -> None:
        self.articles = 0
        self.salient: dict[str, int] = {}
        self.terms: dict[str, int] = {}

    def add(self, batch: Batch) -> None:
        self.articles += batch.articles
        _merge(self.salient, batch.salient, 1)
        _merge(self.terms, batch.terms, 1)

    def remove(self, batch: Batch) -> None:
        self.articles -= batch.articles
        _merge(self.salient, batch.salient, -1)
        _merge(self.terms, batch.terms, -1)


def _merge(totals: dict[str, int], counts: Counter[str], sign: int) -> None:
    get = totals.get
    for key, n in counts.items():
        left = get(key, 0) + sign * n
        if left:
            totals[key] = left
        else:
            del totals[key]  # the window stays as small as the features it holds


@dataclass(frozen=True, slots=True)
class Weights:
    """An article's weighted vectors, and the features rare enough to find candidates with."""

    salient: dict[str, float]
    salient_norm: float
    rare: list[str]
    terms: dict[str, float]
    terms_norm: float
    #: the size of the neighbourhood the weights were counted over (at least `min_articles`)
    articles: int = 1


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


class _TfTable(dict[int, float]):
    """Sublinear term frequency by occurrences, computed once per value."""

    def __missing__(self, occurrences: int) -> float:
        value = self[occurrences] = 1.0 + math.log(occurrences)
        return value


_TF = _TfTable()


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
    tf_of = _TF
    term_vector = {term: tf_of[n] * idf_of[term_df.get(term, 0)] for term, n in terms.items()}
    return Weights(
        salient=vector,
        salient_norm=_norm(vector),
        rare=rare,
        terms=term_vector,
        terms_norm=_norm(term_vector),
        articles=count,
    )


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values())) or 1.0


def salient_cosine(a: Weights, b: Weights) -> float:
    """Cosine of the salient vectors.

    The products are summed heaviest first: a set's order follows the process's string-hash
    seed, a sorted list's does not, so every process computes the same float."""
    va, vb = a.salient, b.salient
    products = sorted([-va[f] * vb[f] for f in va.keys() & vb.keys()])
    return -sum(products) / (a.salient_norm * b.salient_norm)


def shared_salient(a: Weights, b: Weights, limit: int = 8) -> list[str]:
    """The shared salient features that weigh most in the cosine, heaviest first (ties by
    name): why a pair was linked."""
    va, vb = a.salient, b.salient
    shared = sorted((-va[f] * vb[f], f) for f in va.keys() & vb.keys())
    return [f for w, f in shared[:limit] if w < 0]


def text_cosine(a: Weights, b: Weights) -> float:
    """TF-IDF cosine of the content words.

    `math.fsum` is exactly rounded, so the sum does not depend on the set's order (the
    process's string-hash seed): every worker of a segmented sweep computes the same float."""
    va, vb = a.terms, b.terms
    shared = va.keys() & vb.keys()
    dot = math.fsum(map(mul, map(va.__getitem__, shared), map(vb.__getitem__, shared)))
    return dot / (a.terms_norm * b.terms_norm)
