"""dedupe.evaluation scores, and the `warta cluster` / `warta evaluate` commands run for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.clustering.devset import seed_articles
from dedupe.evaluation import bcubed, components, pairwise

WARTA = [sys.executable, "-c", "from crawler.cli import main; main()"]


def test_bcubed_and_pairwise_by_hand():
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = bcubed(predicted, gold)
    # precision: a,b 1; c,d 1/2 → 3/4; recall: a,b 2/3; c 1/3; d 1 → 2/3
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(2 / 3)
    pairs = pairwise(predicted, gold)
    assert (pairs.precision, pairs.recall) == (pytest.approx(0.5), pytest.approx(1 / 3))
    assert bcubed(gold, gold).f1 == pairwise(gold, gold).f1 == 1.0
    with pytest.raises(ValueError):
        bcubed({"a": 1}, gold)


def test_components_take_the_first_key():
    assert components(["a", "b", "c", "d"], [("c", "b", 0.9), ("d", "c", 0.8)]) == {
        "a": "a",
        "b": "b",
        "c": "b",
        "d": "b",
    }


def _write_seeds(path: Path, seeds_dir: Path, label: bool) -> None:
    with path.open("w") as handle:
        for article in seed_articles(seeds_dir):
            row = article.to_json()
            if not label:
                row.pop("label")
            handle.write(json.dumps(row) + "\n")


def test_cluster_command(tmp_path, seeds_dir):
    file = tmp_path / "seeds.jsonl"
    _write_seeds(file, seeds_dir, label=False)
    done = subprocess.run([*WARTA, "cluster", str(file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["event_id"], r["duplicate_of"]) for r in lines] == [
        ("seed-000", 1, None),
        ("seed-001", 1, None),
        ("seed-002", 2, None),
        ("seed-003", 3, None),
        ("seed-004", 4, None),
    ]


def test_cluster_command_rejects_a_bad_file(tmp_path):
    file = tmp_path / "bad.jsonl"
    file.write_text('{"id": 1}\n')
    done = subprocess.run([*WARTA, "cluster", str(file)], capture_output=True, text=True)
    assert done.returncode == 2 and "needs at least" in done.stderr


def test_evaluate_command_on_a_file(tmp_path, seeds_dir):
    file = tmp_path / "labelled.jsonl"
    _write_seeds(file, seeds_dir, label=True)
    done = subprocess.run([*WARTA, "evaluate", str(file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = {line.split("|")[1].strip(): line for line in done.stdout.splitlines() if "|" in line}
    warta = [float(v) for v in rows["Warta events"].split("|")[2:8]]
    assert warta == [1.0] * 6
    assert any(k.startswith("MinHash LSH, best threshold 0.") for k in rows)
    assert "5 articles, 4 events" in done.stdout


def test_evaluate_command_on_the_development_set():
    done = subprocess.run([*WARTA, "evaluate"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = {line.split("|")[1].strip(): line for line in done.stdout.splitlines() if "|" in line}
    warta_f1 = float(rows["Warta events"].split("|")[4])
    baseline_f1 = float(next(v for k, v in rows.items() if k.startswith("MinHash")).split("|")[4])
    assert warta_f1 >= 0.95 and warta_f1 > baseline_f1 + 0.1
