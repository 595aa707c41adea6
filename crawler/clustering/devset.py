"""The labelled development set of event clustering: the replay-web corpus plus the five seeds.

One label per real-world event. Corpus articles take their event file's label. The seeds are
real reports (read at run time from ../shared/seeds, never copied into the project), labelled
as issue 3 states: 000 and 001 one event, 002, 003, 004 one each. The corpus retells the seed
events with invented people (another Kapolresta, another Kapolda), so a seed and a corpus
article are not labelled one event: reports that name different office-holders contradict each
other, and the clusterer is not asked to reconcile invented facts with real ones.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.clustering.stage import cluster_rows
from dedupe.clustering import ClusterConfig
from dedupe.evaluation import Scores, bcubed, components, pairwise
from dedupe.near_duplicates import duplicate_pairs
from dedupe.signatures import MinHasher

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS_EVENTS = PROJECT_ROOT / "replayweb" / "corpus" / "events"
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

#: seed number → (outlet, event date, organiser slug) as stated in issue 3
SEED_EVENTS: dict[str, tuple[str, str, str]] = {
    "000": ("sibernas", "2024-07-09", "polresta-kendari"),
    "001": ("indeks", "2024-07-09", "polresta-kendari"),
    "002": ("kabarsultra", "2024-11-12", "konawe-utara"),
    "003": ("antaranews", "2024-08-06", "polda-sultra"),
    "004": ("chanetujuh", "2024-11-06", "pemprov-sultra"),
}


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    outlet: str | None
    title: str | None
    text: str
    published_at: datetime | None
    label: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "text": self.text,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "label": self.label,
        }


def corpus_articles(events_dir: Path = CORPUS_EVENTS) -> list[LabelledArticle]:
    """Every article of the replay-web corpus, labelled with its event file's label."""
    articles = []
    for path in sorted(events_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        label = data["event"]["label"]
        for entry in data.get("article", []):
            if entry.get("expect", "stored") != "stored":
                continue
            published = entry.get("published")
            articles.append(
                LabelledArticle(
                    id=entry["id"],
                    outlet=entry.get("outlet"),
                    title=entry.get("title"),
                    text=entry["body"].strip(),
                    published_at=published if isinstance(published, datetime) else None,
                    label=label,
                    url=f"https://{entry.get('outlet')}.example/{entry.get('slug', entry['id'])}",
                )
            )
    return articles


def seed_articles(seeds_dir: Path = SEEDS_DIR) -> list[LabelledArticle]:
    """The five seed articles (no publication date: the files carry none)."""
    articles = []
    for path in sorted(seeds_dir.glob("*.txt")):
        number = path.name[:3]
        if number not in SEED_EVENTS:
            continue
        outlet, day, organiser = SEED_EVENTS[number]
        label = f"seed-{day}-{organiser}"
        articles.append(
            LabelledArticle(
                id=f"seed-{number}",
                outlet=outlet,
                title=None,
                text=path.read_text(encoding="utf-8"),
                published_at=None,
                label=label,
            )
        )
    return articles


def development_set(
    events_dir: Path = CORPUS_EVENTS, seeds_dir: Path = SEEDS_DIR
) -> list[LabelledArticle]:
    """Corpus articles, then the seeds (those found), each with its event label."""
    corpus = corpus_articles(events_dir) if events_dir.is_dir() else []
    seeds = seed_articles(seeds_dir) if seeds_dir.is_dir() else []
    return corpus + seeds


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Articles of a JSON-lines file (`id`, `text`, and `url`, `outlet`, `title`, ...)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from error
            if not isinstance(row, dict) or "id" not in row or "text" not in row:
                raise ValueError(f"{path}:{number}: an article needs at least `id` and `text`")
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Evaluation:
    """Scores of Warta and of the plain MinHash-LSH baseline on one labelled set."""

    articles: int
    events: int
    warta_bcubed: Scores
    warta_pairwise: Scores
    baseline_threshold: float
    baseline_bcubed: Scores
    baseline_pairwise: Scores


#: thresholds scanned for the baseline; its best BCubed F1 is reported
BASELINE_THRESHOLDS = (0.01, 0.02, 0.03, 0.04) + tuple(round(0.05 * k, 2) for k in range(1, 20))


def evaluate_rows(rows: list[dict[str, Any]], config: ClusterConfig | None = None) -> Evaluation:
    """Cluster labelled rows with Warta and with plain MinHash LSH; score both against `label`."""
    gold = {row["id"]: row["label"] for row in rows}
    predicted = {row["id"]: row["event_id"] for row in cluster_rows(rows, config)}
    hasher = MinHasher()
    keys = [row["id"] for row in rows]
    signatures = {
        key: hasher.from_bytes(data)
        for key, data in zip(
            keys, hasher.signatures_bytes(str(r.get("text") or "") for r in rows), strict=True
        )
    }
    best: tuple[float, float, dict[Any, Any]] | None = None
    for threshold in BASELINE_THRESHOLDS:
        partition = components(keys, duplicate_pairs(signatures, threshold))
        score = bcubed(partition, gold).f1
        if best is None or score > best[0] + 1e-12:
            best = (score, threshold, partition)
    assert best is not None
    _, threshold, partition = best
    return Evaluation(
        articles=len(rows),
        events=len(set(gold.values())),
        warta_bcubed=bcubed(predicted, gold),
        warta_pairwise=pairwise(predicted, gold),
        baseline_threshold=threshold,
        baseline_bcubed=bcubed(partition, gold),
        baseline_pairwise=pairwise(partition, gold),
    )
