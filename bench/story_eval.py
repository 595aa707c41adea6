"""Stories measured on real news: judged pairs, Warta's stories against a TF-IDF baseline
(`python bench/events_real.py score --stories`, or this file directly).

As for events (bench/events_real.py), by JUDGING.md's story rules (docs/EVENTS.md, "Judging:
what 'the same story' means"), verdicts as ids in `bench/judgements/stories-dev.tsv`:

- precision: a uniform seeded sample of the pairs a system puts in one story;
- recall: a pool of pairs published within `POOL_DAYS` days of each other, drawn evenly from
  the TF-IDF cosine strata and weighted by each stratum's size;
- a pair judged the same *event* (bench/judgements/events-dev.tsv, "yes") is the same story:
  those verdicts are reused, never judged again.

The baseline is the issue's: TF-IDF cosine of title and text, average linkage at cosine
`BASELINE_MIN_COSINE`, nothing published more than `POOL_DAYS` days apart together.

    python bench/story_eval.py packets --out /tmp/story-packets   # pairs still to judge
    python bench/story_eval.py score                              # the table
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from events_real import (  # noqa: E402
    DEV_SET,
    STRATA,
    VERDICTS,
    Corpus,
    Pair,
    dispatch,
    judge_sample,
    pair,
    read_verdicts,
    recall,
    same_event_pairs,
    uniform_sample,
    write_packets,
)

from crawler.clustering.stage import cluster_rows  # noqa: E402

STORY_VERDICTS = VERDICTS.parent / "stories-dev.tsv"
#: "within a few days": the baseline's window and the pool's (the issue's baseline: 3 days)
POOL_DAYS = 3
#: the issue's story baseline: average TF-IDF cosine 0.12 (fixed before judging)
BASELINE_MIN_COSINE = 0.12


def story_partitions(corpus: Corpus) -> dict[str, dict[str, int]]:
    """Story id per article: Warta's (`warta cluster`'s story_id) and the baseline's."""
    from sklearn.cluster import AgglomerativeClustering

    warta = {row["id"]: row["story_id"] for row in cluster_rows(corpus.rows)}
    gap = np.abs(corpus.times[:, None] - corpus.times[None, :])
    apart = np.nan_to_num(gap, nan=np.inf) > POOL_DAYS * 24 * 3600
    distance = 1.0 - corpus.similarity
    distance[apart] = 10.0  # an average over such a pair cannot reach the cut
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - BASELINE_MIN_COSINE,
    ).fit_predict(distance)
    baseline = dict(zip(corpus.ids, (int(label) for label in labels), strict=True))
    return {"warta": warta, "baseline": baseline}


def story_pool(corpus: Corpus, per_stratum: int, seed: int) -> tuple[list[Pair], list[int]]:
    """Pairs published within POOL_DAYS days, `per_stratum` drawn uniformly (seeded hash
    order) from each TF-IDF cosine stratum, and how many pairs each stratum holds."""
    gap = np.abs(corpus.times[:, None] - corpus.times[None, :])
    near = np.triu(np.nan_to_num(gap, nan=np.inf) <= POOL_DAYS * 24 * 3600, k=1)
    pool, sizes = [], []
    for low, high in zip(STRATA, STRATA[1:], strict=False):
        rows, cols = np.nonzero(near & (corpus.similarity >= low) & (corpus.similarity < high))
        sizes.append(len(rows))
        pairs = [pair(corpus.ids[i], corpus.ids[j]) for i, j in zip(rows, cols, strict=True)]
        pool += uniform_sample(pairs, per_stratum, seed)
    return pool, sizes


def story_verdicts(path: Path = STORY_VERDICTS) -> dict[Pair, tuple[str, str]]:
    """Story verdicts, with every pair judged one event counted as one story."""
    verdicts = read_verdicts(path)
    for p, (verdict, _) in read_verdicts(VERDICTS).items():
        if verdict == "yes":
            verdicts.setdefault(p, ("yes", "one event (events-dev.tsv)"))
    return verdicts


def plan(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    corpus = Corpus.load(args.articles)
    partitions = story_partitions(corpus)
    links = {name: same_event_pairs(part) for name, part in partitions.items()}
    sizes = {"warta": args.sample, "baseline": args.baseline_sample}
    samples = {name: uniform_sample(links[name], sizes[name], args.seed) for name in links}
    pool, strata = story_pool(corpus, args.per_stratum, args.seed)
    seconds = time.perf_counter() - started
    return {"corpus": corpus, "partitions": partitions, "links": links, "samples": samples,
            "pool": pool, "strata": strata, "seconds": seconds}  # fmt: skip


def command_packets(args: argparse.Namespace) -> None:
    planned = plan(args)
    verdicts = story_verdicts(args.story_verdicts)
    wanted = dict.fromkeys([*planned["samples"]["warta"], *planned["pool"],
                            *planned["samples"]["baseline"]])  # fmt: skip
    todo = [p for p in wanted if p not in verdicts]
    count = write_packets(planned["corpus"], todo, args.out, args.packet_size)
    print(f"{count} pairs to judge in {args.out} ({len(wanted)} planned, {len(verdicts)} known)")


def command_score(args: argparse.Namespace) -> dict[str, Any]:
    planned = plan(args)
    corpus, verdicts = planned["corpus"], story_verdicts(args.story_verdicts)
    own = read_verdicts(args.story_verdicts)
    print(
        f"articles: {len(corpus.ids)}; seed {args.seed}; {len(own)} story verdicts in "
        f"{args.story_verdicts.name} + one-event verdicts of {VERDICTS.name}"
    )
    print(
        f"story recall pool: {len(planned['pool'])} pairs published within {POOL_DAYS} days, "
        f"strata {', '.join(f'{a:g}-{b:g}' for a, b in zip(STRATA, STRATA[1:], strict=False))}"
        f" holding {', '.join(map(str, planned['strata']))} pairs"
    )
    print()
    print(
        "| system | stories | largest (articles) | same-story pairs | precision (yes/judged, "
        "unsure) | recall, strata-weighted | pool true pairs linked |"
    )
    print("|---|---|---|---|---|---|---|")
    report: dict[str, Any] = {"strata_sizes": planned["strata"]}
    for name, partition in planned["partitions"].items():
        linked = set(planned["links"][name])
        judged = judge_sample(planned["samples"][name], verdicts)
        weighted, per = recall(corpus, planned["pool"], planned["strata"], verdicts, linked)
        sizes = Counter(partition.values())
        true = sum(t for t, _ in per)
        found = sum(f for _, f in per)
        unjudged = f", {judged.unjudged} unjudged" if judged.unjudged else ""
        print(
            f"| {name} | {len(sizes)} | {max(sizes.values())} | {len(linked)} "
            f"| {judged.precision:.3f} ({judged.yes}/{judged.yes + judged.no}, "
            f"{judged.unsure}{unjudged}) | {weighted:.3f} | {found}/{true} |"
        )
        report[name] = {"precision": judged.__dict__, "recall_weighted": weighted,
                        "per_stratum": per, "stories": len(sizes)}  # fmt: skip
    print()
    print(
        "true pairs per stratum (true / linked): "
        + "; ".join(
            f"{name}: " + ", ".join(f"{t}/{f}" for t, f in report[name]["per_stratum"])
            for name in planned["partitions"]
        )
    )
    print(f"({planned['seconds']:.0f} s to cluster and sample)")
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--story-verdicts", type=Path, default=STORY_VERDICTS)
    parser.add_argument("--story-sample", dest="sample", type=int, default=200)
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--story-per-stratum", dest="per_stratum", type=int, default=40)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("packets", "score"))
    parser.add_argument("--articles", type=Path, default=DEV_SET)
    parser.add_argument("--seed", type=int, default=20250610)
    parser.add_argument("--out", type=Path, help="packets: the folder to write them to")
    parser.add_argument("--packet-size", type=int, default=60)
    add_arguments(parser)
    dispatch(parser, argv, command_packets, command_score)


if __name__ == "__main__":
    main()
