"""`warta sources`: the registry with each outlet's standing, and `warta sources check`, live.

`warta sources` lists the registered outlets with their last live check (verdict, why, newest
article); an outlet is *verified* when that check was ok. `warta sources check [KEY]...`
checks outlets live through Scrapy (spiders/check.py; robots.txt obeyed, AutoThrottle, the
project's User-Agent), stores each verdict in `source_checks` and exits 1 when an outlet turned
bad since its last check (cron mails stderr). `--url URL` checks a site not registered yet,
judged as the `site` spider judges it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from crawler.commands.crawl import BadArgument, parse_base_urls, parse_setting
from crawler.commands.options import database_url_option
from crawler.commands.output import console, new_table
from crawler.health.probe import Thresholds
from crawler.health.runner import run_checks
from crawler.health.verdict import Verdict, judge, worse
from crawler.operations.runner import project_settings
from crawler.sources import Source, adhoc_key, load_sources
from crawler.urls import UnsafeURL, check_fetchable_url
from spiders.check import CheckSpider
from spiders.site import SiteSpider
from storage.database import DatabaseUnavailable, make_engine, session_scope, sqlite_path
from storage.migrate import upgrade
from storage.models import SourceCheck
from storage.source_checks import latest_checks, record_check

#: Exit code when an outlet turned bad since its last check (or the database is unreachable).
EXIT_TURNED_BAD = 1
LOG_FILE_NAME = "warta-sources-check.log"
FORMATS = click.Choice(["table", "csv", "json"])
RECORD_FIELDS = ("source", "base_url", "verdict", "reasons", "suggested_base_url",
                 "newest_article", "requests", "previous_verdict", "checked_at")  # fmt: skip


@click.group("sources", invoke_without_command=True)
@database_url_option
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def command(context: click.Context, database_url: str, output_format: str) -> None:
    """The registered outlets with their last live check: verified, verdict, newest article.

    Example: warta sources --database warta.db
    """
    if context.invoked_subcommand is not None:
        return
    settings = project_settings()
    registry = load_sources(settings.get("WARTA_SOURCES_FILE"))
    checks = _stored_checks(database_url)
    records = []
    for key, source in registry.items():
        check = checks.get(key)
        records.append(
            {
                "source": key,
                "base_url": source.base_url,
                "enabled": source.enabled,
                "verified": bool(check and check.verdict == "ok"),
                "checked_at": _iso(check.checked_at) if check else None,
                "verdict": check.verdict if check else None,
                "reasons": list(check.reasons) if check else [],
                "suggested_base_url": check.suggested_base_url if check else None,
                "newest_article": _iso(check.newest_article) if check else None,
            }
        )
    verified = sum(bool(record["verified"]) for record in records)
    _print(records, output_format, f"Outlets: {len(records)}, {verified} verified (last check ok)")


def _stored_checks(database_url: str) -> dict[str, SourceCheck]:
    """Latest checks; none when the database does not exist yet or predates the table."""
    path = sqlite_path(database_url)
    if path is not None and not path.is_file():
        return {}
    try:
        engine = make_engine(database_url)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from None
    try:
        with session_scope(engine) as session:
            checks = latest_checks(session)
            session.expunge_all()
            return checks
    except SQLAlchemyError:
        return {}  # not migrated yet: `warta sources check` creates the table
    finally:
        engine.dispose()


@command.command("check")
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option("--url", "urls", multiple=True, metavar="URL", help="A site not registered yet.")
@database_url_option
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.option(
    "--thresholds",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Thresholds file (default: crawler/health/thresholds.toml).",
)
@click.option(
    "--base-urls",
    default=None,
    metavar="JSON|@FILE",
    help='Fetch outlets from other origins: {"telisik": "http://127.0.0.1:8001"}.',
)
@click.option(
    "--set",
    "extra_settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or Warta setting, e.g. --set AUTOTHROTTLE_ENABLED=false.",
)
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Log file (default: WARTA_LOG_DIR/{LOG_FILE_NAME}).")  # fmt: skip
def check(
    keys: tuple[str, ...],
    urls: tuple[str, ...],
    database_url: str,
    output_format: str,
    thresholds: Path | None,
    base_urls: str | None,
    extra_settings: tuple[str, ...],
    log_file: Path | None,
) -> None:
    """Check outlets live (default: every registered outlet) and store the verdicts.

    Per outlet: robots.txt, feeds, sitemaps, listing pages and the newest articles, within a
    fixed budget of requests. Verdicts: ok, degraded, moved (new base URL suggested), broken.
    Exit codes: 0 none turned bad, 1 an outlet's verdict is worse than at its last check (or
    bad at its first), 2 bad arguments.

    Example: warta sources check telisik zonasultra --format csv
    """
    overrides: dict[str, Any] = dict(parse_setting(value) for value in extra_settings)
    overrides["WARTA_DATABASE_URL"] = database_url
    if base_urls:
        overrides["WARTA_BASE_URLS"] = parse_base_urls(base_urls)
    settings = project_settings(overrides)
    try:
        limits = Thresholds.load(thresholds)
        registry = load_sources(settings.get("WARTA_SOURCES_FILE"))
    except (OSError, ValueError) as error:
        raise BadArgument(str(error)) from None
    unknown = sorted(set(keys) - set(registry))
    if unknown:
        raise BadArgument(f"unknown source(s): {', '.join(unknown)} (see `warta sources`)")
    outlets = [(registry[key], False) for key in dict.fromkeys(keys)]
    outlets += [(_adhoc(url, settings.getbool("WARTA_ALLOW_PRIVATE_ADDRESSES")), True)
                for url in urls]  # fmt: skip
    if not outlets:
        outlets = [(source, False) for source in registry.values()]
    log_path = log_file or Path(settings.get("WARTA_LOG_DIR") or "logs") / LOG_FILE_NAME
    log_path.parent.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_path), priority="cmdline")

    probes = run_checks(CheckSpider, outlets, settings, limits)
    verdicts = [judge(probe, limits.limits) for probe in probes]
    checked_at = datetime.now(UTC)
    try:
        engine = make_engine(database_url)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from None
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            previous = {key: c.verdict for key, c in latest_checks(session).items()}
            for verdict, probe in zip(verdicts, probes, strict=True):
                record_check(session, **_stored(verdict), checked_at=checked_at,
                             requests=probe.requests, details=probe.summary())  # fmt: skip
    finally:
        engine.dispose()
    records = [
        {**_stored(verdict), "requests": probe.requests,
         "previous_verdict": previous.get(verdict.key), "checked_at": _iso(checked_at)}
        for verdict, probe in zip(verdicts, probes, strict=True)
    ]  # fmt: skip
    for record in records:
        record["newest_article"] = _iso(record["newest_article"])
    _print(records, output_format, f"Outlets checked: {len(records)}")
    turned = [v for v in verdicts if worse(v.verdict, previous.get(v.key))]
    for verdict in turned:
        was = previous.get(verdict.key) or "never checked"
        why = "; ".join(verdict.reasons)
        click.echo(f"warta sources check: {verdict.key} is {verdict.verdict} (was {was}): {why}",
                   err=True)  # fmt: skip
    if turned:
        click.get_current_context().exit(EXIT_TURNED_BAD)


def _adhoc(url: str, allow_private: bool) -> Source:
    """A site not registered: the `site` spider's feed, sitemap and listing paths."""
    try:
        check_fetchable_url(url, allow_private=allow_private)
    except UnsafeURL as refusal:
        raise BadArgument(f"--url {url}: {refusal}") from None
    parts = urlsplit(url)
    return Source(
        key=adhoc_key(url),
        name=parts.hostname or url,
        base_url=f"{parts.scheme}://{parts.netloc}",
        article_pattern="(?!)",  # never used: ad-hoc sites are judged by the slug rule
        feeds=SiteSpider.feed_paths,
        sitemaps=SiteSpider.sitemap_paths,
        listing=SiteSpider.listing_paths,
    )


def _stored(verdict: Verdict) -> dict[str, Any]:
    return {
        "source": verdict.key,
        "base_url": verdict.base_url,
        "verdict": verdict.verdict,
        "reasons": list(verdict.reasons),
        "suggested_base_url": verdict.suggested_base_url,
        "newest_article": verdict.newest_article,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _print(records: list[dict[str, Any]], output_format: str, title: str) -> None:
    if output_format == "json":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    columns = list(records[0]) if records else list(RECORD_FIELDS)
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "reasons": "; ".join(record["reasons"])})
        click.echo(buffer.getvalue(), nl=False)
        return
    table = new_table(title)
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(Text(_cell(record[column])) for column in columns))
    console().print(table)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(value) or "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "–" if value is None else str(value)
