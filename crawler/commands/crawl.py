"""`warta crawl [SOURCE...]`: the scheduled crawl, the entry point cron and systemd run.

One process crawls the named (default: all enabled) registry sources under a run lock, into
one crawl run row, incrementally (stored URLs are not fetched, old feed and sitemap entries
not followed). Exit codes, for cron and systemd:

    0   every source fetched something
    1   a source fetched nothing at all (down, moved, blocking us), a source went silent (no
        new article for longer than its history explains), or the database/Redis is unreachable
    2   bad arguments (unknown source, malformed date, ...), one line on stderr
    75  another `warta crawl` holds the run lock (EX_TEMPFAIL: try again later)
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from scrapy.settings import Settings

from crawler.commands.run_report import print_crawl_summary, silence_line, silence_options
from crawler.operations.distributed import redis_keys
from crawler.operations.incremental import automatic_since
from crawler.operations.lock import LOCK_FILE_NAME, RunLocked, run_lock
from crawler.operations.runner import CrawlOutcome, project_settings, run_crawl
from crawler.sources import load_sources
from storage.database import DatabaseUnavailable, make_engine, normalise_driver, session_scope
from storage.migrate import upgrade
from storage.runs import SilentSource, failing_sources, silent_sources

#: Exit code when another run holds the lock (sysexits.h EX_TEMPFAIL).
EXIT_LOCKED = 75
#: Exit code when a source fetched nothing (or a service is down).
EXIT_SOURCE_FAILED = 1
#: Log file name inside WARTA_LOG_DIR when --log-file is not given.
LOG_FILE_NAME = "warta-crawl.log"
#: Marker left in a spider's job directory while a run uses it: found at start, the last run
#: was killed (SIGKILL, power loss) and Scrapy's on-disk queue is torn (queuelib writes its
#: size header and Scrapy its active.json only at close), so that directory starts afresh.
RUNNING_MARKER = "warta-running"


class BadArgument(click.ClickException):
    """A usage mistake: one line on stderr, exit code 2."""

    exit_code = 2


class Unavailable(click.ClickException):
    exit_code = EXIT_SOURCE_FAILED


def parse_since(value: str) -> date | str:
    """ "auto" (default), "all", or a YYYY-MM-DD date."""
    if value in {"auto", "all"}:
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadArgument(f"--since {value!r}: expected YYYY-MM-DD, 'auto' or 'all'") from None


def parse_base_urls(value: str | None) -> dict[str, str]:
    """JSON object {source key: base URL}, inline or as @file.json."""
    if not value:
        return {}
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, OSError) as error:
        raise BadArgument(f"--base-urls: not a JSON object: {error}") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise BadArgument("--base-urls: expected a JSON object of source key to base URL")
    return {str(key): value for key, value in parsed.items()}


def parse_setting(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name.strip():
        raise BadArgument(f"--set {value!r}: expected NAME=VALUE")
    return name.strip(), setting


def prepare_job_dirs(job_dir: Path, names: list[str]) -> dict[str, Path]:
    """One JOBDIR per spider; a torn one (left by a killed run) is cleared first."""
    dirs = {}
    for name in names:
        folder = job_dir / name
        if (folder / RUNNING_MARKER).exists():
            click.echo(
                f"warta crawl: {folder} was left by a killed run; starting it afresh", err=True
            )
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUNNING_MARKER).write_text(f"{datetime.now(UTC).isoformat()}\n", encoding="utf-8")
        dirs[name] = folder
    return dirs


def settle_job_dirs(dirs: dict[str, Path], outcome: CrawlOutcome) -> None:
    """A finished job is done (the next run is a new job); a stopped one is kept to resume."""
    for name, folder in dirs.items():
        if outcome.sources.get(name, {}).get("finish_reason") == "finished":
            shutil.rmtree(folder, ignore_errors=True)
        else:
            (folder / RUNNING_MARKER).unlink(missing_ok=True)


def _note(log_file: Path, message: str) -> None:
    """A line in the crawl log for what happens outside Scrapy (refused start, failing sources)."""
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} [warta.crawl] {message}\n")
    except OSError:
        pass  # the message also goes to stderr; a read-only log dir must not hide it


@click.command("crawl")
# WARTA_SOURCES="a b": split outlets between timers or machines without editing the unit.
@click.argument("sources", nargs=-1, metavar="[SOURCE]...", envvar="WARTA_SOURCES")
@click.option(
    "--database",
    "database_url",
    default=None,
    metavar="URL",
    help="SQLAlchemy URL or SQLite path (default: WARTA_DATABASE_URL).",
)
@click.option(
    "--since",
    "since_value",
    default="auto",
    show_default=True,
    metavar="DATE|auto|all",
    help="Skip feed/sitemap entries older than DATE; auto: last complete run minus a margin.",
)
@click.option("--refresh", is_flag=True, help="Fetch article pages again even if stored.")
@click.option(
    "--max-articles", default=None, metavar="N", help="At most N article requests per source."
)
@click.option(
    "--job-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Scrapy JOBDIR root (one folder per source): a stopped crawl resumes.",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Log file (default: WARTA_LOG_DIR/warta-crawl.log).",
)
@click.option(
    "--lock-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Run lock (default: WARTA_LOG_DIR/warta-crawl.lock).",
)
@click.option(
    "--base-urls",
    default=None,
    metavar="JSON|@FILE",
    help='Fetch sources from other origins: {"telisik": "http://127.0.0.1:8001"}.',
)
@click.option(
    "--redis-url",
    default=None,
    metavar="URL",
    help="Share the crawl with other processes through Redis (WARTA_REDIS_URL).",
)
@click.option(
    "--redis-prefix",
    default=None,
    metavar="PREFIX",
    help="Key prefix of the shared crawl (WARTA_REDIS_PREFIX).",
)
@click.option(
    "--set",
    "extra_settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or Warta setting, e.g. --set AUTOTHROTTLE_ENABLED=false.",
)
@click.option("--quiet", "-q", is_flag=True, help="No summary table on stdout.")
def command(
    sources: tuple[str, ...],
    database_url: str | None,
    since_value: str,
    refresh: bool,
    max_articles: str | None,
    job_dir: Path | None,
    log_file: Path | None,
    lock_file: Path | None,
    base_urls: str | None,
    redis_url: str | None,
    redis_prefix: str | None,
    extra_settings: tuple[str, ...],
    quiet: bool,
) -> None:
    """Crawl the enabled sources (or those named, or in WARTA_SOURCES) into the database.

    Incremental: stored article URLs are not fetched again (--refresh does) and feed and
    sitemap entries older than the last complete run (minus WARTA_SINCE_MARGIN_DAYS) are not
    followed. Exit codes: 0 ok, 1 a source fetched nothing, 2 bad arguments, 75 another run
    holds the lock.

    Example: warta crawl --database postgresql://warta@db/warta --job-dir jobs telisik zonasultra
    """
    overrides: dict[str, Any] = dict(parse_setting(value) for value in extra_settings)
    if database_url:
        overrides["WARTA_DATABASE_URL"] = normalise_driver(
            database_url if "://" in database_url else f"sqlite:///{database_url}"
        )
    if refresh:
        overrides["WARTA_REFRESH"] = True
    if base_urls:
        overrides["WARTA_BASE_URLS"] = parse_base_urls(base_urls)
    if redis_url:
        overrides["WARTA_REDIS_URL"] = redis_url
    if redis_prefix:
        overrides["WARTA_REDIS_PREFIX"] = redis_prefix
    try:
        settings = project_settings(overrides)
    except ValueError as error:  # a malformed environment variable
        raise BadArgument(str(error)) from None
    since = parse_since(since_value)
    cap = _parse_max_articles(max_articles)
    names = _source_names(settings, sources)
    log_dir = Path(settings.get("WARTA_LOG_DIR") or "logs")
    log_path = log_file or log_dir / LOG_FILE_NAME
    distributed = bool(settings.get("WARTA_REDIS_URL"))
    if distributed:
        if job_dir:
            raise BadArgument(
                "--job-dir and Redis exclude each other: the shared queue is in Redis"
            )
        try:
            redis_keys(settings.get("WARTA_REDIS_PREFIX") or "")
        except ValueError as error:
            raise BadArgument(str(error)) from None
        _check_redis(settings.get("WARTA_REDIS_URL"))

    try:
        with run_lock(lock_file or log_dir / LOCK_FILE_NAME):
            outcome = _crawl(settings, names, since, cap, job_dir, log_path, distributed)
    except RunLocked as locked:
        message = f"not started: {locked}"
        _note(log_path, message)
        click.echo(f"warta crawl: {message}", err=True)
        click.get_current_context().exit(EXIT_LOCKED)
    except DatabaseUnavailable as error:
        raise Unavailable(f"database unavailable: {error}") from None

    silent = _report_failing(settings, log_path)
    if not quiet:
        print_crawl_summary(outcome, silent)
    if outcome.failed_sources:
        message = f"fetched nothing from: {', '.join(outcome.failed_sources)} (see {log_path})"
        _note(log_path, message)
        click.echo(f"warta crawl: {message}", err=True)
    if outcome.failed_sources or silent:
        click.get_current_context().exit(EXIT_SOURCE_FAILED)


def _parse_max_articles(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise BadArgument(f"--max-articles {value!r}: expected a whole number, at least 1")
    return int(value)


def _source_names(settings: Settings, requested: tuple[str, ...]) -> list[str]:
    try:
        registry = load_sources(settings.get("WARTA_SOURCES_FILE"))
    except (OSError, ValueError) as error:
        raise BadArgument(f"source registry: {error}") from None
    unknown = sorted(set(requested) - set(registry))
    if unknown:
        raise BadArgument(f"unknown source(s): {', '.join(unknown)} (see `scrapy list`)")
    overrides = set(settings.getdict("WARTA_BASE_URLS"))
    if unknown := sorted(overrides - set(registry)):
        raise BadArgument(f"--base-urls names unknown source(s): {', '.join(unknown)}")
    names = list(dict.fromkeys(requested)) or [key for key, s in registry.items() if s.enabled]
    if not names:
        raise BadArgument("no source to crawl: the registry has no enabled source")
    return names


def _check_redis(url: str) -> None:
    import redis  # only distributed crawls need it

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise Unavailable(f"Redis unavailable at {url}: {error}") from None
    finally:
        client.close()


def _crawl(
    settings: Settings,
    names: list[str],
    since: date | str,
    cap: int | None,
    job_dir: Path | None,
    log_path: Path,
    distributed: bool,
) -> CrawlOutcome:
    """Compute each source's `since`, run the spiders, settle the job directories."""
    database_url = settings.get("WARTA_DATABASE_URL")
    per_source: dict[str, date | None]
    if since == "auto":
        engine = make_engine(database_url)
        try:
            upgrade(engine)
            margin = timedelta(days=settings.getfloat("WARTA_SINCE_MARGIN_DAYS"))
            with session_scope(engine) as session:
                per_source = automatic_since(session, names, margin)
        finally:
            engine.dispose()
    else:
        fixed = since if isinstance(since, date) else None  # "all": no date
        per_source = dict.fromkeys(names, fixed)
    arguments: dict[str, dict[str, str]] = {}
    for name in names:
        arguments[name] = {}
        since_date = per_source[name]
        if since_date is not None:
            arguments[name]["since"] = since_date.isoformat()
        if cap is not None:
            arguments[name]["max_articles"] = str(cap)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    settings = settings.copy()
    settings.set("LOG_FILE", str(log_path), priority="cmdline")
    job_dirs = prepare_job_dirs(job_dir, names) if job_dir else {}
    options = {
        "since_mode": since if isinstance(since, str) else "explicit",
        "since": {name: value.isoformat() if value else None for name, value in per_source.items()},
        "max_articles": cap,
        "refresh": settings.getbool("WARTA_REFRESH"),
        "job_dir": str(job_dir) if job_dir else None,
        "distributed": distributed,
    }
    if since == "all":
        options["since_mode"] = "none"
    outcome = run_crawl(
        names,
        settings,
        spider_arguments=arguments,
        spider_settings={name: {"JOBDIR": str(folder)} for name, folder in job_dirs.items()},
        run_options=options,
    )
    settle_job_dirs(job_dirs, outcome)
    return outcome


def _report_failing(settings: Settings, log_path: Path) -> list[SilentSource]:
    """Sources dark for WARTA_FAILING_RUNS runs in a row, and silent ones (WARTA_SILENCE_*):
    one stderr line each (cron mails it)."""
    runs = settings.getint("WARTA_FAILING_RUNS")
    engine = make_engine(settings.get("WARTA_DATABASE_URL"))
    try:
        with session_scope(engine) as session:
            failing = failing_sources(session, runs)
            silent = silent_sources(session, **silence_options(settings))
    finally:
        engine.dispose()
    for quiet_source in silent:
        _note(log_path, silence_line(quiet_source))
        click.echo(f"warta crawl: warning: {silence_line(quiet_source)}", err=True)
    for source in failing:
        message = (
            f"source {source.key} fetched nothing in its last {source.failed_runs} runs "
            f"(runs {', '.join(map(str, source.run_ids))}; {source.errors} errors)"
        )
        _note(log_path, message)
        click.echo(f"warta crawl: warning: {message}", err=True)
    return silent
