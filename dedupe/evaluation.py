"""Scores of a clustering against gold labels: BCubed and pairwise precision, recall, F1.

BCubed (Bagga & Baldwin) averages per article: precision = share of its predicted cluster that
has its gold label, recall = share of its gold class found in its predicted cluster. Pairwise
counts article pairs put together. Both take two mappings article → cluster id / label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def _check(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> None:
    if set(predicted) != set(gold):
        missing = set(gold) ^ set(predicted)
        raise ValueError(
            f"predicted and gold cover different articles: {sorted(map(str, missing))[:5]}"
        )


def bcubed(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> Scores:
    """BCubed precision and recall, averaged over articles."""
    _check(predicted, gold)
    if not gold:
        return Scores(1.0, 1.0)
    both = Counter((predicted[k], gold[k]) for k in gold)
    cluster_size = Counter(predicted[k] for k in gold)
    class_size = Counter(gold[k] for k in gold)
    precision = sum(both[(predicted[k], gold[k])] / cluster_size[predicted[k]] for k in gold)
    recall = sum(both[(predicted[k], gold[k])] / class_size[gold[k]] for k in gold)
    return Scores(precision / len(gold), recall / len(gold))


def pairwise(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> Scores:
    """Precision and recall over article pairs (1.0 when there are no pairs to get right)."""
    _check(predicted, gold)

    def pairs(counts: Counter[Hashable]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter((predicted[k], gold[k]) for k in gold))
    predicted_pairs = pairs(Counter(predicted[k] for k in gold))
    gold_pairs = pairs(Counter(gold[k] for k in gold))
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return Scores(precision, recall)


def components(
    keys: list[Hashable], pairs: list[tuple[Hashable, Hashable, float]]
) -> dict[Hashable, Hashable]:
    """Connected components of `pairs`: key → the first key (in `keys` order) of its component."""
    parent = {key: key for key in keys}
    order = {key: i for i, key in enumerate(keys)}

    def find(key: Hashable) -> Hashable:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b, _ in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b), key=order.__getitem__)
            parent[high] = low
    return {key: find(key) for key in keys}
