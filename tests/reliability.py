"""Helpers shared by the end-to-end reliability tests and bench/reliability_table.py.

Real crawls only: `scrapy crawl <outlet>` in a subprocess against the replay web (the full
Scrapy stats land in the run's `crawl_runs.stats`), or `warta crawl` for several outlets in
one process. `snapshot` reads a database into comparable sets: the articles by canonical URL
with their texts, the near-duplicate groups and the event partition, as URL sets so that row
ids (which differ between runs) do not matter.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storage.database import make_engine, session_scope
from storage.models import Article, CrawlRun, Source
from tests.ops_support import url_partitions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
#: Small, quick crawls of the local replay web: no throttling, extraction inline (2 shared cores),
#: short waits so backoff is exercised without slowing the suite.
CRAWL_SETTINGS: dict[str, Any] = {
    "WARTA_ALLOW_PRIVATE_ADDRESSES": "1",
    "AUTOTHROTTLE_ENABLED": "0",
    "WARTA_EXTRACT_WORKERS": "0",
    "DOWNLOAD_TIMEOUT": "2",
    "WARTA_RETRY_BACKOFF_BASE": "0.2",
    "WARTA_RETRY_AFTER_MAX": "5",
    "LOG_LEVEL": "INFO",
}
#: Outlets with at least 7 articles: every transient fault hits its own article there.
ROOMY_OUTLETS = ("telisik", "tribunsultra", "zonasultra", "kabarsultra", "sibernas", "kendaripos")
PAGE_AND_DISCOVERY_FAULTS = (
    "truncated",
    "charset_cp1252_as_utf8",
    "charset_utf8_as_cp1252",
    "oversized",
    "gzip_bomb",
    "redirect_loop",
    "redirect_offsite",
    "pdf",
    "image",
    "json",
    "js_shell",
    "sitemap_loop",
    "feed_huge",
    "xml_bomb",
    "xml_external_entity",
    "feed_malformed",
)
#: Which faults each outlet gets in the fault scenario (see replayweb.faults for what they do).
FAULT_PLAN: dict[str, tuple[str, ...]] = {
    **{outlet: ("all",) for outlet in ROOMY_OUTLETS},
    "antarasultra": (*PAGE_AND_DISCOVERY_FAULTS, "http_500", "http_503_retry_after", "http_429"),
    "indeks": (*PAGE_AND_DISCOVERY_FAULTS, "http_503", "reset", "stall"),
    "chanetujuh": ("robots_disallow_all",),
}


def fault_spec(plan: Mapping[str, Sequence[str]] = FAULT_PLAN) -> list[str]:
    """The plan as `outlet:name` items for `replay_web(faults=...)`."""
    return [f"{outlet}:{name}" for outlet, names in plan.items() for name in names]


@dataclass(frozen=True)
class CrawlResult:
    outlet: str
    returncode: int
    log: str

    @property
    def crashed(self) -> bool:
        """A non-zero exit or an exception Scrapy caught in our code (spider, pipeline)."""
        markers = (
            "Traceback (most recent call last)",
            "Spider error processing",
            "Error processing",
        )
        return self.returncode != 0 or any(marker in self.log for marker in markers)


def environment(base_urls: Mapping[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env["WARTA_BASE_URLS"] = json.dumps(dict(base_urls))
    env.pop("WARTA_DATABASE_URL", None)
    return env


def scrapy_crawl(
    outlet: str,
    base_urls: Mapping[str, str],
    database_url: str,
    *,
    timeout: float = 180,
    arguments: Sequence[str] = (),
    **settings: Any,
) -> CrawlResult:
    """`scrapy crawl <outlet>` in a subprocess (WARTA_BASE_URLS through the environment)."""
    command = [str(VENV_BIN / "scrapy"), "crawl", outlet, *arguments]
    for name, value in {**CRAWL_SETTINGS, "WARTA_DATABASE_URL": database_url, **settings}.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=environment(base_urls),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CrawlResult(outlet, done.returncode, done.stdout + done.stderr)


def warta_crawl_command(
    outlets: Sequence[str],
    base_urls: Mapping[str, str],
    database: Path,
    work: Path,
    **settings: Any,
) -> list[str]:
    """`warta crawl` of `outlets` with a JOBDIR per source under work/jobs."""
    command = [
        str(VENV_BIN / "warta"),
        "crawl",
        *outlets,
        "--database",
        str(database),
        "--quiet",
        "--job-dir",
        str(work / "jobs"),
        "--log-file",
        str(work / "crawl.log"),
        "--lock-file",
        str(work / "crawl.lock"),
        "--base-urls",
        json.dumps(dict(base_urls)),
    ]
    for name, value in {**CRAWL_SETTINGS, **settings}.items():
        command += ["--set", f"{name}={value}"]
    return command


def warta(*arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "warta"), *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass(frozen=True)
class Snapshot:
    """A database as sets: what must be equal between two crawls of the same web."""

    texts: dict[str, str]  # canonical URL -> sha256 of the stored text
    duplicate_groups: frozenset[frozenset[str]]  # each: the original and its copies
    events: frozenset[frozenset[str]]  # each: the canonical URLs of one event
    rows: int  # article rows (more than len(texts) would mean one URL stored twice)
    half_written: tuple[str, ...]  # rows missing a field every stored article has

    def only(self, outlets: Sequence[str]) -> Snapshot:
        """The part of the snapshot whose URLs belong to the given outlets' hosts."""
        from crawler.sources import load_sources

        sources = load_sources()
        hosts = tuple(sources[o].base_url for o in outlets)

        def keep(url: str) -> bool:
            return url.startswith(hosts)

        def restrict(groups: frozenset[frozenset[str]]) -> frozenset[frozenset[str]]:
            return frozenset(
                g for g in (frozenset(u for u in group if keep(u)) for group in groups) if g
            )

        texts = {url: digest for url, digest in self.texts.items() if keep(url)}
        return Snapshot(
            texts,
            restrict(self.duplicate_groups),
            restrict(self.events),
            len(texts),
            tuple(url for url in self.half_written if keep(url)),
        )


def snapshot(database_url: str) -> Snapshot:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(
                    Article.id,
                    Article.canonical_url,
                    Article.text,
                    Article.duplicate_of,
                    Article.event_id,
                    Article.html_sha256,
                    Article.signature,
                    Article.features,
                    Article.clustered_at,
                )
            ).all()
    finally:
        engine.dispose()
    groups, events = url_partitions(rows)
    half = tuple(
        row.canonical_url
        for row in rows
        if not (
            row.text
            and row.html_sha256
            and row.signature
            and row.features is not None
            and row.clustered_at is not None
        )
    )
    return Snapshot(
        texts={row.canonical_url: hashlib.sha256(row.text.encode()).hexdigest() for row in rows},
        duplicate_groups=groups,
        events=events,
        rows=len(rows),
        half_written=half,
    )


def stored_texts(database_url: str) -> dict[str, str]:
    """canonical URL -> stored text."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return dict(session.execute(select(Article.canonical_url, Article.text)).tuples().all())
    finally:
        engine.dispose()


def run_stats(database_url: str) -> dict[str, dict[str, Any]]:
    """{spider name: Scrapy stats of its last run} from crawl_runs (scrapy crawl runs own a row)."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            runs = session.execute(
                select(CrawlRun.spider, CrawlRun.stats).order_by(CrawlRun.id)
            ).all()
    finally:
        engine.dispose()
    # the store stage files Scrapy's own stats under "scrapy" beside its figures
    return {spider: dict((stats or {}).get("scrapy", stats or {})) for spider, stats in runs}


def source_keys(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return list(session.scalars(select(Source.key).order_by(Source.key)))
    finally:
        engine.dispose()


def fault_urls(plan: Mapping[str, Sequence[str]] = FAULT_PLAN) -> list[tuple[str, str, str]]:
    """(outlet, public URL, fault) of every misbehaving URL under `plan`, as the replay web
    computes them (deterministic: an in-process replica with the same corpus and faults)."""
    from crawler.sources import load_sources
    from replayweb.server import ReplayWeb

    sources = load_sources()
    origins = {key: sources[key].base_url for key in sources}
    with ReplayWeb(faults=fault_spec(plan), origins=origins) as web:
        return [(f.outlet, f.url, f.fault) for f in web.fault_urls()]


def expected_articles() -> list[Any]:
    """What a correct crawl of the healthy replay web stores (public URLs)."""
    from crawler.sources import load_sources
    from replayweb.server import ReplayWeb

    sources = load_sources()
    with ReplayWeb(origins={key: sources[key].base_url for key in sources}) as web:
        return web.expected_articles()


def articles_in(database: Path) -> int:
    """Articles stored in a SQLite file (0 when the crawl made no file or no table)."""
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master")}
        return (
            connection.execute("select count(*) from articles").fetchone()[0]
            if "articles" in tables
            else 0
        )
