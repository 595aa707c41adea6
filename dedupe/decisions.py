"""The events of one closed component of links (docs/EVENTS.md, "The algorithm", step 5).

Near-duplicate links are merged first, strongest first under the date rule: a group of copies
is one unit. Then every pair of the component is scored exactly and the UPGMA tree over those
scores is cut where a group stops being cohesive for its size (dedupe.average_linkage): an
article joins an event only when it fits the event as a whole. Decisions depend only on the
component's records, weights and links, so a segment, a join of segments and an incremental run
decide alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

import numpy as np

from dedupe.average_linkage import cohesive_groups, cosine_matrix
from dedupe.cluster_config import ClusterConfig
from dedupe.cluster_records import ArticleRecord, Assignment, EventGroup, Link, Prepared
from dedupe.components import DatedUnionFind
from dedupe.headlines import figures_disagree
from dedupe.rarity import Weights, salient_cosine, text_cosine

#: components of at most this many articles are scored pair by pair (`_cosines`)
SMALL_COMPONENT = 8


def decide(
    config: ClusterConfig, members: list[Prepared], links: list[Link]
) -> Iterator[EventGroup]:
    """The events of one closed component. Near-duplicate links are merged first, strongest
    first under the date rule; then groups merge by average linkage over every pair's exact
    score (dedupe.average_linkage): an event holds together as a whole."""
    if len(members) == 1:  # most components: an article no other linked to
        yield _alone(members[0].record)
        return
    members.sort(key=lambda item: item.index)
    members.sort(key=lambda item: item.record.rank)  # stable: sweep order breaks rank ties
    position = {item.index: p for p, item in enumerate(members)}
    duplicates = DatedUnionFind([item.date for item in members], config.date_tolerance_days)
    ordered = sorted(
        ((-link.score, position[link.a.index], position[link.b.index]), link) for link in links
    )
    for (_, a, b), link in ordered:
        if link.duplicate:
            duplicates.union(a, b)
    first_duplicate = [duplicates.find(p) for p in range(len(members))]
    scores, never = pair_scores(config, members)
    copies = np.equal.outer(first_duplicate, first_duplicate)
    scores[copies] = 1.0
    never[copies] = False
    strictness = np.array([config.strictness(item.weights.articles) for item in members])  # type: ignore[union-attr]

    def bar(group: list[int]) -> float:
        return config.cohesion_bar(len(group)) * float(np.mean(strictness[sorted(group)]))

    event_of = cohesive_groups(scores, never, bar)
    best: dict[int, tuple[tuple[float, int, int], Link]] = {}
    for order, link in ordered:  # why each article is where it is: its strongest link there
        a, b = order[1], order[2]
        if event_of[a] == event_of[b]:
            for end in (a, b):
                if end not in best or order < best[end][0]:
                    best[end] = (order, link)
    events: dict[int, list[int]] = {}
    for p in range(len(members)):
        events.setdefault(event_of[p], []).append(p)
    for group in events.values():
        if len(group) == 1:
            yield _alone(members[group[0]].record)
            continue
        records = [members[p].record for p in group]
        stored = stored_event_ids(records)
        assignments = []
        for p in group:
            record = members[p].record
            root = first_duplicate[p]
            if p in best:
                link = best[p][1]
                other = link.b if link.a is members[p] else link.a
                score = 1.0 if link.duplicate else link.score
                reason = dict(link.reason, linked_to=jsonable(other.record.key))
            else:  # in the event by its fit to the whole, without a link of its own
                other = members[max((q for q in group if q != p), key=lambda q: scores[p, q])]
                score, reason = (
                    float(scores[p, position[other.index]]),
                    {"linked_to": jsonable(other.record.key)},
                )
            fit = (scores[p, group].sum() - scores[p, p]) / (len(group) - 1)
            reason["fit"] = round(float(fit), 3)
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


def _alone(record: ArticleRecord) -> EventGroup:
    """The event of an article alone: it founded it."""
    stored = stored_event_ids([record])
    assignment = Assignment(
        key=record.key,
        duplicate_of=None,
        event=record.key,
        event_id=stored[0] if stored else None,
        score=1.0,
        reason={"founded": True},
    )
    return EventGroup([record], [assignment])


def pair_scores(config: ClusterConfig, members: list[Prepared]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's link score (0 where the pair rule refuses a link) and the pairs that may
    never share an event (two confident dates apart, headlines with different figures, a
    service item and anything but its copies)."""
    weights = [item.weights for item in members]
    assert all(w is not None for w in weights), "members are weighed before they are decided"
    salient, text = _cosines(weights)  # type: ignore[arg-type]
    days = [item.date for item in members]
    same_date = np.array([[x is not None and x == y for y in days] for x in days])
    scores = config.link_score(salient, text, same_date)
    never = np.zeros(scores.shape, dtype=bool)
    for i, a in enumerate(members):
        for j in range(i + 1, len(members)):
            b = members[j]
            if a.service or b.service or figures_disagree(a.figures, b.figures):
                never[i, j] = never[j, i] = True
            elif a.date is not None and b.date is not None:
                never[i, j] = never[j, i] = not compatible(config, a, b)  # dates too far apart
            if never[i, j] or not compatible(config, a, b):
                scores[i, j] = scores[j, i] = 0.0
            else:
                scores[i, j] = scores[j, i] = scores[i, j] * config.occasion_factor(a, b)
    return scores, never


def _cosines(weights: list[Weights]) -> tuple[np.ndarray, np.ndarray]:
    """Both cosine matrices of a component: pair by pair (rarity's exact sums) for the small
    components most are, where scipy's fixed cost per matrix is 30 pairs' worth; over the
    component's sorted vocabulary (dedupe.average_linkage) above that."""
    count = len(weights)
    if count > SMALL_COMPONENT:
        return (
            cosine_matrix([w.salient for w in weights], [w.salient_norm for w in weights]),
            cosine_matrix([w.terms for w in weights], [w.terms_norm for w in weights]),
        )
    salient, text = np.eye(count), np.eye(count)
    for i in range(count):
        for j in range(i + 1, count):
            salient[i, j] = salient[j, i] = salient_cosine(weights[i], weights[j])
            text[i, j] = text[j, i] = text_cosine(weights[i], weights[j])
    return salient, text


def compatible(config: ClusterConfig, a: Prepared, b: Prepared) -> bool:
    """The hard date rule for a pair, plus: an undated report follows its event closely,
    and headlines that state figures share one (dedupe.headlines)."""
    if figures_disagree(a.figures, b.figures):
        return False
    window = config.window_days
    if a.date is not None and b.date is not None:
        return abs((a.date - b.date).days) <= config.date_tolerance_days
    if a.date is not None or b.date is not None:
        dated, undated = (a, b) if a.date is not None else (b, a)
        if undated.published is None or dated.date is None:
            return True
        lag = (undated.published - dated.date).days
        return -1 <= lag <= window
    if a.published is None or b.published is None:
        return True
    return abs((a.published - b.published).days) <= config.undated_pair_days


def stored_event_ids(records: Iterable[ArticleRecord]) -> list[int]:
    """The event ids stored on the records, lowest (the one the event keeps) first."""
    return sorted({r.event_id for r in records if r.event_id is not None})


def jsonable(key: Hashable) -> Any:
    return key if isinstance(key, int | str) else str(key)
