"""`warta article ID`: one stored article, where it is archived, and its archived page."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from crawler.archive.reextract import page_html
from crawler.commands.events import ResearchCommand, console, printable, read_session
from crawler.commands.options import database_url_option, warc_dir_option
from storage.models import Article
from storage.queries import as_utc
from storage.warc import ArchiveError, read_page

#: Terminal controls (tab and line breaks excepted) a hostile page could carry.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@click.command("article", cls=ResearchCommand)
@click.argument("article_id", metavar="ID", type=click.IntRange(min=1))
@database_url_option
@warc_dir_option
@click.option("--html", "show_html", is_flag=True, help="Print the archived HTML page instead.")
def command(database_url: str, article_id: int, warc_dir: Path, show_html: bool) -> None:
    """Show article ID: outlet, URLs, dates, credits, event, its WARC record, and its text.

    With --html, print the page as archived when it was fetched (decoded as the crawl decoded
    it); pipe it into a file to open it in a browser.

    Example: warta article 12 --html > article-12.html
    """
    with read_session(database_url) as session:
        article = session.get(Article, article_id)
        if article is None:
            raise click.BadParameter(f"no article {article_id} in the database", param_hint="'ID'")
        if not show_html:
            _print(article)
            return
        file, offset, record_id = article.warc_file, article.warc_offset, article.warc_record_id
    if file is None or offset is None:
        raise click.ClickException(f"article {article_id} was stored without archiving")
    try:
        page = read_page(warc_dir, file, offset, record_id)
    except ArchiveError as error:
        raise click.ClickException(f"archived page unreadable: {error}") from error
    html = page_html(page)
    if sys.stdout.isatty():  # piped into a file it stays byte for byte what was archived
        html = _CONTROLS.sub("\ufffd", html)
    click.echo(html, nl=False)


def _facts(article: Article) -> list[tuple[str, Any]]:
    archived = (
        f"{article.warc_file} @ {article.warc_offset} {article.warc_record_id}"
        if article.warc_file
        else "not archived"
    )
    return [
        ("outlet", article.source.key),
        ("url", article.url),
        ("canonical url", article.canonical_url),
        ("published", as_utc(article.published_at)),
        ("fetched", as_utc(article.fetched_at)),
        ("author", article.author),
        ("editor", article.editor),
        ("language", f"{article.language} ({article.language_probability:.2f})"),
        ("words", article.word_count),
        ("event", article.event_id),
        ("copy of", article.duplicate_of),
        ("archived", archived),
    ]


def _print(article: Article) -> None:
    out = console()
    heading = Text(f"Article {article.id}: ", style="bold")
    heading.append(printable(article.title))
    out.print(heading)
    for name, value in _facts(article):
        line = Text(f"  {name}: ", style="dim")
        line.append(printable(value))
        out.print(line)
    out.print()
    for paragraph in article.text.split("\n"):
        out.print(Text(printable(paragraph)))
