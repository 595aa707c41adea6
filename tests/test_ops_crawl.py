"""`warta crawl` end to end over the replay web: incremental request counts, kill and resume.

Real processes against a real replay web and SQLite files. One clean crawl of a few outlets
is the reference: a second crawl fetches no article page, and a crawl killed (SIGKILL) or
stopped (SIGTERM) mid-way and run again ends with the same articles, duplicate groups and
events.
"""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.commands.crawl import RUNNING_MARKER
from crawler.operations.replay import replay_web
from tests.ops_support import (
    Snapshot,
    article_count,
    assert_same_database,
    crawl_args,
    crawl_runs,
    run_warta,
    snapshot,
    start_warta,
)

pytestmark = pytest.mark.slow

#: Three outlets that republish each other: duplicate groups and multi-outlet events occur.
OUTLETS = ("indeks", "kabarsultra", "sibernas")


@pytest.fixture(scope="module")
def origins() -> Iterator[dict[str, str]]:
    with replay_web() as served:
        missing = set(OUTLETS) - set(served)
        assert not missing, f"the replay web does not serve {missing}"
        yield {key: served[key] for key in OUTLETS}


@pytest.fixture(scope="module")
def reference(
    origins: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Snapshot]:
    """One clean, uninterrupted crawl: the database every other crawl must end equal to."""
    folder = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{folder / 'warta.db'}"
    result = run_warta(crawl_args(origins, url), folder / "logs")
    assert result.returncode == 0, result.stderr
    state = snapshot(url)
    assert state.urls and state.events and state.unclustered == 0
    return folder / "warta.db", state


def _copy_database(source: Path, target: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


def _figures(url: str) -> dict[str, dict[str, int]]:
    """Per-source figures of the newest run."""
    return crawl_runs(url)[-1]["stats"]["sources"]


def test_second_crawl_of_an_unchanged_web_fetches_no_article(
    origins: dict[str, str], reference: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    url = _copy_database(reference[0], tmp_path / "warta.db")
    first = crawl_runs(url)[-1]["stats"]["sources"]

    result = run_warta(crawl_args(origins, url, "--since", "all"), tmp_path / "logs")
    assert result.returncode == 0, result.stderr
    second = _figures(url)
    for key in OUTLETS:
        assert second[key]["article_requests"] == 0, (key, second[key])
        assert second[key]["skipped_already_stored"] >= first[key]["articles_new"]
        # robots.txt (read once), feeds, sitemaps: discovery only
        assert second[key]["requests"] <= 8, (key, second[key])
        assert second[key]["requests"] < first[key]["requests"]
    assert snapshot(url) == reference[1]


def test_automatic_since_keeps_a_quiet_run_to_discovery(
    origins: dict[str, str], reference: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    url = _copy_database(reference[0], tmp_path / "warta.db")
    result = run_warta(crawl_args(origins, url), tmp_path / "logs")  # --since auto
    assert result.returncode == 0, result.stderr
    run = crawl_runs(url)[-1]
    assert all(value for value in run["stats"]["options"]["since"].values())
    for key in OUTLETS:
        figures = run["stats"]["sources"][key]
        assert figures["article_requests"] == 0 and figures["requests"] <= 8, (key, figures)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_stopped_crawl_resumes_to_the_same_database(
    origins: dict[str, str], reference: tuple[Path, Snapshot], tmp_path: Path, stop: signal.Signals
) -> None:
    url = f"sqlite:///{tmp_path / 'warta.db'}"
    jobs = tmp_path / "jobs"
    args = crawl_args(origins, url, "--job-dir", str(jobs))
    # slowed down (one request per outlet every 0.4 s, few in the downloader at once) so that
    # the signal lands mid-crawl with requests still queued for the job directory
    slow = start_warta(
        [*args, "--set", "DOWNLOAD_DELAY=0.4", "--set", "CONCURRENT_REQUESTS=3"], tmp_path / "logs"
    )
    deadline = time.monotonic() + 240
    while article_count(url) < 4:
        assert slow.poll() is None, slow.communicate()
        assert time.monotonic() < deadline, "no article stored in time"
        time.sleep(0.2)
    slow.send_signal(stop)
    slow.communicate(timeout=120)
    stored = article_count(url)
    assert stored < len(reference[1].urls), "the crawl finished before it was stopped"
    markers = list(jobs.glob(f"*/{RUNNING_MARKER}"))
    if stop == signal.SIGKILL:
        assert markers and crawl_runs(url)[-1]["status"] == "running"
    else:  # a graceful stop saves the queues: kept, unmarked, for the next run to resume
        assert not markers and any(jobs.iterdir())
        assert crawl_runs(url)[-1]["status"] == "interrupted"

    resumed = run_warta(args, tmp_path / "logs")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_database(url, f"sqlite:///{reference[0]}", tmp_path)
    assert not any(jobs.iterdir()), "finished jobs are cleared: the next run is a new job"
