"""End to end: crawls of the replay web archived as WARC, re-extracted without the network,
read by standard tools, killed and resumed, and shown by `warta article ID --html`.

The rule change is the one rules usually make: a crawl under older boilerplate rules (without
the `baca-juga` pattern) is re-extracted from its archive under the packaged rules, and must
equal a fresh crawl under the packaged rules, column by column and in its duplicate groups and
events.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from crawler.archive.reextract import REBUILT
from crawler.operations.replay import replay_web
from storage.database import normalise_driver
from storage.models import Article
from tests.archive_support import (
    BIN,
    archive_args,
    assert_every_article_archived,
    stored_pointers,
    warcio_check,
)
from tests.ops_support import (
    PROJECT_ROOT,
    WARTA,
    article_count,
    assert_same_database,
    crawl_args,
    run_warta,
    warta_env,
)

pytestmark = pytest.mark.slow
#: What re-extraction rebuilds, and the page's hash, compared with a fresh crawl (ids, fetch
#: times and WARC pointers differ between two crawls by nature).
COMPARED = ("html_sha256", *REBUILT)
PACKAGED_RULES = PROJECT_ROOT / "crawler" / "extraction" / "boilerplate.toml"


def rules_without(pattern: str, target: Path) -> Path:
    """The packaged boilerplate rules minus one named pattern: the "older rules"."""
    head, *entries = PACKAGED_RULES.read_text(encoding="utf-8").split("[[pattern]]")
    kept = [entry for entry in entries if f'name = "{pattern}"\n' not in entry]
    assert len(kept) == len(entries) - 1, f"no pattern {pattern} in the packaged rules"
    target.write_text("[[pattern]]".join([head, *kept]), encoding="utf-8")
    return target


def columns(database_url: str) -> dict[str, tuple]:
    """COMPARED columns of every article, by canonical URL."""
    engine = create_engine(normalise_driver(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Article.canonical_url, *(getattr(Article, name) for name in COMPARED))
        ).all()
    engine.dispose()
    return {row[0]: tuple(row[1:]) for row in rows}


@dataclass(frozen=True)
class Crawls:
    work: Path
    archived: str  #: crawled under the older rules, archiving on
    warc_dir: Path
    fresh: str  #: crawled under the packaged rules


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    work = tmp_path_factory.mktemp("archive")
    older = rules_without("baca-juga", work / "older-rules.toml")
    archived, fresh = f"sqlite:///{work / 'archived.db'}", f"sqlite:///{work / 'fresh.db'}"
    with replay_web() as served:
        done = run_warta(
            crawl_args(
                served,
                archived,
                "--set",
                f"WARTA_BOILERPLATE_FILE={older}",
                *archive_args(work / "warc"),
            ),
            work / "logs-archived",
        )
        assert done.returncode == 0, done.stderr
        done = run_warta(crawl_args(served, fresh), work / "logs-fresh")
        assert done.returncode == 0, done.stderr
    return Crawls(work, archived, work / "warc", fresh)


def test_reextract_from_the_archive_equals_a_fresh_crawl_under_the_new_rule(
    crawls: Crawls, tmp_path: Path
) -> None:
    before, expected = columns(crawls.archived), columns(crawls.fresh)
    assert set(before) == set(expected)
    differing = {url for url in expected if before[url] != expected[url]}
    assert differing, "the older rules must change some article, or the test shows nothing"

    copy = tmp_path / "reextracted.db"
    shutil.copy(crawls.archived.removeprefix("sqlite:///"), copy)
    # the replay web is down: re-extraction reads the archive only
    done = run_warta(
        # every changed article as an example: which come first follows the crawl's order
        ["reextract", "--database", str(copy), "--warc-dir", str(crawls.warc_dir),
         "--examples", "100"],
        tmp_path / "logs",
    )
    assert done.returncode == 0, done.stderr
    summary = done.stdout.splitlines()[0]
    assert summary == (
        f"selected {len(before)}  changed {len(differing)}  unchanged "
        f"{len(before) - len(differing)}  not archived 0  unreadable 0  no article now 0  "
        "other language now 0"
    ), done.stdout
    assert f"re-clustered {len(differing)} articles" in done.stdout
    assert "  - Baca Juga: " in done.stdout  # an example: the line the new rule removes

    assert columns(f"sqlite:///{copy}") == expected
    assert_same_database(f"sqlite:///{copy}", crawls.fresh, tmp_path)

    again = run_warta(
        ["reextract", "--database", str(copy), "--warc-dir", str(crawls.warc_dir)],
        tmp_path / "logs",
    )
    assert again.stdout.startswith(f"selected {len(before)}  changed 0  "), again.stdout


def test_reextract_filters_by_outlet_and_reports_a_missing_archive(
    crawls: Crawls, tmp_path: Path
) -> None:
    copy = tmp_path / "filtered.db"
    shutil.copy(crawls.archived.removeprefix("sqlite:///"), copy)
    done = run_warta(
        [
            "reextract",
            "--database",
            str(copy),
            "--warc-dir",
            str(tmp_path / "moved"),
            "--source",
            "telisik",
            "--dry-run",
        ],
        tmp_path / "logs",
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    telisik = first.split()[1]
    assert int(telisik) > 0
    assert f"changed 0  unchanged 0  not archived 0  unreadable {telisik}" in first
    assert "No such file" in done.stdout


def test_archives_pass_warcio_check_and_cdxj_indexes_every_article_where_rows_say(
    crawls: Crawls,
) -> None:
    files = warcio_check(crawls.warc_dir)
    assert_every_article_archived(crawls.archived, crawls.warc_dir)
    indexer = shutil.which("cdxj-indexer", path=str(BIN))
    if indexer is None:
        pytest.skip("cdxj-indexer not installed (pip install '.[test]')")
    index = subprocess.run(
        [indexer, *map(str, files)], capture_output=True, text=True, check=True
    ).stdout
    responses = {}
    for line in index.splitlines():
        entry = json.loads(line.split(" ", 2)[2])
        responses[entry["url"]] = (entry["filename"], int(entry["offset"]), entry["status"])
    for _, url, _, file, offset, _ in stored_pointers(crawls.archived):
        assert responses[url] == (file, offset, "200")
    assert any(url.endswith("/robots.txt") for url in responses)  # discovery archived too


def test_article_command_prints_the_archived_page(crawls: Crawls, tmp_path: Path) -> None:
    article_id, url, html_sha256, file, offset, _ = stored_pointers(crawls.archived)[0]
    database = crawls.archived.removeprefix("sqlite:///")
    common = ["--database", database, "--warc-dir", str(crawls.warc_dir)]
    shown = run_warta(["article", str(article_id), *common], tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"Article {article_id}: " in shown.stdout
    assert f"{file} @ {offset}" in shown.stdout.replace("\n", "")
    page = subprocess.run(
        [WARTA, "article", str(article_id), "--html", *common],
        cwd=PROJECT_ROOT,
        env=warta_env(tmp_path),
        capture_output=True,
        check=False,
    )
    assert page.returncode == 0, page.stderr
    assert hashlib.sha256(page.stdout).hexdigest() == html_sha256  # the very page stored
    assert page.stdout.lstrip().lower().startswith(b"<!doctype html")
    moved = run_warta(
        ["article", str(article_id), "--html", "--database", database, "--warc-dir", "nowhere"],
        tmp_path,
    )
    assert moved.returncode == 1 and "archived page unreadable" in moved.stderr


def test_sigkill_mid_crawl_leaves_readable_archives_and_a_resumed_crawl_adds_the_rest(
    crawls: Crawls, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'killed.db'}"
    warc_dir = tmp_path / "warc"
    total = len(columns(crawls.fresh))
    with replay_web() as served:
        slow = ["--set", "DOWNLOAD_DELAY=0.3", "--set", "WARTA_STORE_BATCH=1"]
        command = [WARTA, *crawl_args(served, database, *slow, *archive_args(warc_dir))]
        child = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=warta_env(tmp_path / "logs"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while article_count(database) < 5 and child.poll() is None:
            assert time.monotonic() < deadline, "the crawl stored nothing in 2 minutes"
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        killed_files = warcio_check(warc_dir)
        stored = assert_every_article_archived(database, warc_dir)
        assert 0 < stored < total, f"killed after {stored} of {total} articles"

        done = run_warta(crawl_args(served, database, *archive_args(warc_dir)), tmp_path / "logs")
        assert done.returncode == 0, done.stderr
    assert assert_every_article_archived(database, warc_dir) == total
    after = warcio_check(warc_dir)
    assert set(killed_files) < set(after), "the resumed run writes its own files"
    assert {url for url in columns(database)} == set(columns(crawls.fresh))


def test_datasette_article_row_links_to_its_archived_page(crawls: Crawls) -> None:
    import asyncio

    from crawler.commands.serve import make_datasette

    article_id, _, html_sha256, _, _, record_id = stored_pointers(crawls.archived)[0]
    path = Path(crawls.archived.removeprefix("sqlite:///"))

    async def pages() -> tuple[str, object, object]:
        datasette = make_datasette(path, crawls.warc_dir)
        row = await datasette.client.get(f"/{path.stem}/articles/{article_id}")
        href = f"/-/warta/archive/{path.stem}/{article_id}"
        archived = await datasette.client.get(href)
        missing = await make_datasette(path, crawls.warc_dir / "moved").client.get(href)
        return row.text, archived, missing

    row, archived, missing = asyncio.run(pages())
    assert f'href="/-/warta/archive/{path.stem}/{article_id}"' in row
    assert record_id is not None and record_id.replace("<", "&lt;").replace(">", "&gt;") in row
    assert archived.status_code == 200  # type: ignore[attr-defined]
    assert "sandbox" in archived.headers["content-security-policy"]  # type: ignore[attr-defined]
    assert archived.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    body: bytes = archived.content  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == html_sha256  # the page as fetched (UTF-8)
    assert missing.status_code == 404  # type: ignore[attr-defined]
