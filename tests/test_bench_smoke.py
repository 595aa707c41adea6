"""Smoke runs of the benchmark scripts in bench/ at minimal sizes, so they do not rot.

Not timed: each script must start, run its real code path on a tiny input and exit 0 with a
table in its output. Timing belongs in BENCHMARKS.md, measured by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"
SCRAPINGHUB = PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub"
SCRIPTS = ("extraction", "crawl", "lsh", "queries", "run", "clustering_stage")


def run(script: str, *args: str, timeout: float = 300) -> str:
    completed = subprocess.run(
        [sys.executable, str(BENCH / f"{script}.py"), *args],
        capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-4000:]
    return completed.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script: str) -> None:
    assert "usage:" in run(script, "--help")


def test_extraction(tmp_path: Path) -> None:
    scrapinghub = ["--scrapinghub-pages", "3"] if SCRAPINGHUB.is_dir() else [
        "--scrapinghub-pages", "0"]
    out = run("extraction", *scrapinghub, "--replay-pages", "3", "--rounds", "1",
              "--processes", "1", "--profile", "--json", str(tmp_path / "x.json"))
    assert "| extract |" in out
    figures = json.loads((tmp_path / "x.json").read_text())["figures"]
    assert figures["replay web"]["pool"]["processes"] == 1


def test_lsh(tmp_path: Path) -> None:
    out = run("lsh", "--texts", "30", "--loop-texts", "5", "--sizes", "50", "--queries", "20",
              "--repeats", "1", "--json", str(tmp_path / "l.json"))
    assert "inserts/s" in out


def test_queries(tmp_path: Path) -> None:
    out = run("queries", "--articles", "150", "--runs", "5", "--repeats", "1",
              "--sqlite", str(tmp_path / "q.db"), "--json", str(tmp_path / "q.json"))
    assert "| events-month |" in out and "count only" in out
    assert json.loads((tmp_path / "q.json").read_text())["figures"]["sqlite"]["plans"]


def test_clustering_stage() -> None:
    out = run("clustering_stage", "--articles", "200")
    assert "cluster_pending over 200 stored articles" in out and "pending=200" in out


@pytest.mark.slow
def test_crawl(tmp_path: Path) -> None:
    out = run("crawl", "--articles", "20", "--repeats", "1", "--modes", "fetch,full-w0",
              "--json", str(tmp_path / "c.json"), timeout=600)
    assert "| full-w0 |" in out
    medians = json.loads((tmp_path / "c.json").read_text())["figures"]["medians"]
    assert medians["full-w0"]["articles"] > 0
