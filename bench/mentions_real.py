"""Who is named, measured on real text: precision of people mentions, recall of people.

On ../shared/datasets/indonews-dev/articles.jsonl (real national outlets; never copied here):

- precision: a uniform sample (seeded hash, seed 18) of every person mention that
  `dedupe.mentions` extracts, each judged by reading its article
  (bench/judgements/mentions-precision.tsv: article id, offset, extracted name, yes|no,
  short reason). A mention whose extraction changed since it was judged (another name at
  that offset) counts as unjudged and is reported, not guessed.
- precision on a hold-out: a second sample (seed 28, 100 mentions) drawn and judged only after
  the rules were frozen (bench/judgements/mentions-precision-holdout.tsv), since the first
  sample was read while writing them.
- recall: a uniform sample (seed 19) of articles whose people were listed by hand
  (bench/judgements/mentions-recall.tsv: article id, name; "-" for an article naming nobody);
  a listed person is found when an extracted person of that article has the same name
  (exact: case, dots and spacing aside; lenient: one name's words are part of the other's).
- recall on a hold-out: 30 more articles (seed 29) listed by hand after the rules were frozen
  (bench/judgements/mentions-recall-holdout.tsv).
- baseline: the same recall lists against today's `dedupe.features` people.

The rules the judge follows are in docs/RESEARCH.md ("Who was there"). The report also gives
the CPU time of extracting every article once (process time, one core) and the machine.
`--packets DIR` writes the contexts to judge (article text: keep them out of the repository).

    .venv/bin/python bench/mentions_real.py
    .venv/bin/python bench/mentions_real.py --packets /tmp/mention-packets
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

import benchlib

from dedupe.features import extract_features
from dedupe.mentions import extract_mentions

DATASET = benchlib.PROJECT_ROOT.parent / "shared" / "datasets" / "indonews-dev" / "articles.jsonl"
JUDGEMENTS = benchlib.PROJECT_ROOT / "bench" / "judgements"
PRECISION_SEED, PRECISION_SAMPLE = 18, 220
#: a second sample, drawn and judged once the rules were frozen: never read while writing them
HOLDOUT_SEED, HOLDOUT_SAMPLE = 28, 100
RECALL_SEED, RECALL_ARTICLES = 19, 50
#: articles listed by hand after the rules were frozen: never read while writing them
RECALL_HOLDOUT_SEED, RECALL_HOLDOUT_ARTICLES = 29, 30
CONTEXT = 160  #: characters either side of a mention in a judging packet

Mention = tuple[
    str, int, str, str, str | None, str | None
]  # id, offset, surface, name, office, rank


def normalised(name: str) -> str:
    return " ".join(re.sub(r"[.\-']", " ", name.lower()).split())


def person_mentions(articles: list[dict]) -> list[Mention]:
    out: list[Mention] = []
    for article in articles:
        for person in extract_mentions(article["text"]).people:
            for start, _, surface in person.mentions:
                out.append((article["id"], start, surface, person.name, person.office, person.rank))
    return out


def read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [
            row for row in csv.reader(handle, delimiter="\t") if row and not row[0].startswith("#")
        ]


def precision_sample(
    mentions: list[Mention], seed: int = PRECISION_SEED, size: int = PRECISION_SAMPLE
) -> list[Mention]:
    """The mentions with the smallest seeded hash of (article, offset): uniform, and stable
    when the extractor changes elsewhere (a mention keeps its draw while it is extracted)."""

    def draw(mention: Mention) -> str:
        return hashlib.sha256(f"{seed}:{mention[0]}:{mention[1]}".encode()).hexdigest()

    return sorted(mentions, key=draw)[:size]


def precision(
    mentions: list[Mention],
    seed: int = PRECISION_SEED,
    size: int = PRECISION_SAMPLE,
    verdicts_file: str = "mentions-precision.tsv",
) -> dict:
    sample = precision_sample(mentions, seed, size)
    verdicts = {(r[0], int(r[1]), r[2]): r[3] for r in read_tsv(JUDGEMENTS / verdicts_file)}
    yes = no = unjudged = 0
    for article_id, offset, _, name, _, _ in sample:
        verdict = verdicts.get((article_id, offset, name))
        yes += verdict == "yes"
        no += verdict == "no"
        unjudged += verdict not in ("yes", "no")
    judged = yes + no
    return {
        "sample": len(sample),
        "judged": judged,
        "yes": yes,
        "unjudged": unjudged,
        "precision": round(yes / judged, 3) if judged else None,
        "population": len(mentions),
    }


def _found(listed: str, extracted: list[str], lenient: bool) -> bool:
    want = normalised(listed)
    for name in map(normalised, extracted):
        if name == want:
            return True
        if lenient and (
            set(name.split()) <= set(want.split()) or set(want.split()) <= set(name.split())
        ):
            return True
    return False


def recall(articles: dict[str, dict], lists_file: str = "mentions-recall.tsv") -> dict:
    listed: dict[str, list[str]] = {}
    for row in read_tsv(JUDGEMENTS / lists_file):
        listed.setdefault(row[0], [])
        if row[1] != "-":
            listed[row[0]].append(row[1])
    result: dict = {"articles": len(listed), "people": sum(map(len, listed.values()))}
    for label, names_of in (
        ("mentions", lambda a: [p.name for p in extract_mentions(a["text"]).people]),
        (
            "features",
            lambda a: [p["name"] for p in extract_features(a["title"], a["text"], None)["people"]],
        ),
    ):
        exact = lenient = extracted = 0
        for article_id, names in listed.items():
            got = names_of(articles[article_id])
            extracted += len(got)
            exact += sum(_found(n, got, False) for n in names)
            lenient += sum(_found(n, got, True) for n in names)
        people = result["people"] or 1
        result[label] = {
            "recall_exact": round(exact / people, 3),
            "recall_lenient": round(lenient / people, 3),
            "extracted": extracted,
        }
    return result


def recall_sample(
    articles: list[dict], seed: int = RECALL_SEED, size: int = RECALL_ARTICLES
) -> list[dict]:
    return random.Random(seed).sample(articles, size)


def write_packets(folder: Path, articles: dict[str, dict], mentions: list[Mention]) -> None:
    """Contexts of the precision sample and the texts of the recall sample, for judging."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (seed, size) in {
        "precision.txt": (PRECISION_SEED, PRECISION_SAMPLE),
        "holdout.txt": (HOLDOUT_SEED, HOLDOUT_SAMPLE),
    }.items():
        _write_contexts(folder / name, articles, precision_sample(mentions, seed, size))
    for name, (seed, size) in {
        "recall.txt": (RECALL_SEED, RECALL_ARTICLES),
        "recall-holdout.txt": (RECALL_HOLDOUT_SEED, RECALL_HOLDOUT_ARTICLES),
    }.items():
        with (folder / name).open("w", encoding="utf-8") as out:
            for article in recall_sample(list(articles.values()), seed, size):
                out.write(f"##### {article['id']} {article['title']}\n{article['text']}\n\n")


def _write_contexts(path: Path, articles: dict[str, dict], sample: list[Mention]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for article_id, offset, surface, name, office, rank in sample:
            text = articles[article_id]["text"]
            before = text[max(0, offset - CONTEXT) : offset].replace("\n", " ")
            after = text[offset + len(surface) : offset + len(surface) + CONTEXT].replace("\n", " ")
            out.write(f"{article_id}\t{offset}\t{name}\toffice={office}\trank={rank}\n")
            out.write(f"   ...{before}[[{surface}]]{after}...\n\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--packets", type=Path, help="write judging packets to this folder")
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        print(f"skipped: {args.dataset} is absent (the shared real-text set)")
        return 0
    with args.dataset.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    articles = {row["id"]: row for row in rows}
    host = benchlib.machine()
    started = time.process_time()
    mentions = person_mentions(rows)
    cpu = time.process_time() - started
    host.finish()
    if args.packets:
        write_packets(args.packets, articles, mentions)
        print(f"packets written to {args.packets}")
        return 0
    report = {
        "precision": precision(mentions),
        "precision_holdout": precision(
            mentions, HOLDOUT_SEED, HOLDOUT_SAMPLE, "mentions-precision-holdout.tsv"
        ),
        "recall": recall(articles),
        "recall_holdout": recall(articles, "mentions-recall-holdout.tsv"),
        "extraction": {
            "articles": len(rows),
            "cpu_seconds": round(cpu, 2),
            "ms_per_article": round(1000 * cpu / max(len(rows), 1), 2),
            "machine": asdict(host),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
