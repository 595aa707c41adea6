"""Smoke runs of the benchmark scripts in bench/ at minimal sizes, so they do not rot.

Not timed: each script must start, run its real code path on a tiny input and exit 0 with a
table in its output. Timing belongs in BENCHMARKS.md, measured by hand.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"
SCRAPINGHUB = PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub"
SCRIPTS = (
    "extraction", "crawl", "lsh", "queries", "run", "clustering_stage", "recluster",
    "compare_clusterings", "archive", "events_real", "events_density", "mentions_real",
    "language_sample", "extract_command", "recorded_pages", "titles", "source_check",
)


def run(script: str, *args: str, timeout: float = 300, returncode: int = 0) -> str:
    completed = subprocess.run(
        [sys.executable, str(BENCH / f"{script}.py"), *args],
        capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT,
    )
    assert completed.returncode == returncode, (
        completed.stdout[-2000:] + completed.stderr[-4000:])
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


def test_language_sample_checks_the_port_against_langdetect() -> None:
    out = run("language_sample", "--limit", "3", "--sizes", "0,1500", "--check")
    assert "| replay web | 3 | whole |" in out
    assert "replay web: 3 texts, 0 with other probabilities than langdetect's" in out


def test_extract_command_on_the_recorded_pages() -> None:
    out = run("extract_command", str(PROJECT_ROOT / "tests" / "pages"), "--rounds", "1",
              "--profile")
    assert "warta / plain, CPU:" in out and "language (LanguageDetector.detect)" in out


def test_recorded_pages_have_no_leaks() -> None:
    assert run("recorded_pages").endswith(
        "with leaked lines: 0; titles not as expected: 0\n")


def test_titles() -> None:
    out = run("titles", "--replay-pages", "3")
    assert "replay web: 3 pages, 3 with a title, 3 equal to the generated title" in out


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


def test_recluster_and_compare(tmp_path: Path) -> None:
    """Build, rebuild twice (the same clustering), an incremental run; a changed row differs."""
    built, first, second = tmp_path / "b.db", tmp_path / "1.db", tmp_path / "2.db"
    run("recluster", "--build", "300", "--workers", "1", "--db", str(built))
    for kept in (first, second):
        scratch = json.loads(run("recluster", "--scratch", "--db", str(built), "--keep", str(kept)))
        assert scratch["articles"] == 300 and scratch["events_total"] > 0
    incremental = json.loads(run("recluster", "--incremental", "20", "--db", str(first),
                                 "--recluster-workers", "2"))
    assert incremental["pending"] == 20 and incremental["cluster_workers"] == 2
    same = json.loads(run("compare_clusterings", str(first), str(second)))
    assert same["articles"] == 300 and same["events_first"] == scratch["events_total"]
    assert not any(value for key, value in same.items() if "differs" in key or "only" in key)
    with sqlite3.connect(second) as connection:
        connection.execute("UPDATE articles SET event_score = event_score / 2 WHERE id = 1")
    changed = json.loads(run("compare_clusterings", str(first), str(second), returncode=1))
    assert changed["score_differs"] == 1 and changed["assignment_differs"] == 0


@pytest.mark.slow
def test_crawl(tmp_path: Path) -> None:
    out = run("crawl", "--articles", "20", "--repeats", "1", "--modes", "fetch,full-w0,full-warc",
              "--json", str(tmp_path / "c.json"), timeout=600)
    assert "| full-w0 |" in out
    assert "WARC archive (full-warc)" in out
    medians = json.loads((tmp_path / "c.json").read_text())["figures"]["medians"]
    assert medians["full-w0"]["articles"] > 0


def test_archive(tmp_path: Path) -> None:
    if not (SCRAPINGHUB / "html").is_dir():
        pytest.skip(f"scrapinghub pages not found at {SCRAPINGHUB}")
    out = run("archive", "--rounds", "1", "--json", str(tmp_path / "a.json"))
    assert "MB per 10,000 pages" in out
    figures = json.loads((tmp_path / "a.json").read_text())["figures"]
    assert figures["pages"] == 181 and 0 < figures["compression"] < 1


def _articles_file(tmp_path: Path) -> Path:
    """The development set of our own writing (replay corpus + seeds) as a file of articles."""
    from crawler.clustering.devset import development_set

    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(a.to_json()) + "\n" for a in development_set()))
    return path


def test_events_real(tmp_path: Path) -> None:
    """Packets of the pairs to judge, then the table from a verdict file written for them."""
    articles, verdicts = _articles_file(tmp_path), tmp_path / "verdicts.tsv"
    verdicts.write_text("")
    args = ["--articles", str(articles), "--verdicts", str(verdicts), "--sample", "6",
            "--per-stratum", "3"]
    out = run("events_real", "packets", "--out", str(tmp_path / "packets"), *args)
    pairs = [line.split(" ", 2)[2].split("\t")
             for packet in sorted((tmp_path / "packets").glob("packet-*.txt"))
             for line in packet.read_text().splitlines() if line.startswith("=== PAIR ")]
    assert pairs and f"{len(pairs)} pairs to judge" in out
    verdicts.write_text("".join(f"{a}\t{b}\tyes\tsmoke\n" for a, b in pairs))
    table = run("events_real", "score", *args, "--json", str(tmp_path / "e.json"))
    assert "| warta |" in table and "| baseline |" in table
    assert json.loads((tmp_path / "e.json").read_text())["warta"]["precision"]["unjudged"] == 0


def test_events_density(tmp_path: Path) -> None:
    out = run("events_density", "--articles", str(_articles_file(tmp_path)), "--copies", "3",
              "--json", str(tmp_path / "d.json"))
    figures = json.loads((tmp_path / "d.json").read_text())["figures"]
    assert figures["copies"] == 3 and figures["largest_event"] >= 1 and "events" in out


def test_source_check() -> None:
    output = run("source_check", "--healthy")
    assert "| telisik | ok |" in output and "exit 0" in output
