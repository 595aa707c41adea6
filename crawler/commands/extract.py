"""`warta extract`: run the extraction and language stages on saved HTML files.

A thin wrapper over crawler.extraction.extract and crawler.extraction.language, the code path of
the pipeline, for
checking what Warta makes of a page without crawling it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

import crawler.settings
from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.language import LanguageDetector


def project_settings() -> dict[str, Any]:
    """Warta's settings (crawler/settings.py, environment overrides applied) as a plain dict,
    independent of the working directory. Extraction and language need no Scrapy, whose
    import would cost `warta extract` ~0.4 s at every start."""
    return {
        name: getattr(crawler.settings, name) for name in dir(crawler.settings) if name.isupper()
    }


def extract_file(
    path: Path, url: str | None, options: ExtractionOptions, detector: LanguageDetector
) -> dict[str, Any]:
    """One output record for `path`; failures become an `error` field, never an exception."""
    record: dict[str, Any] = {
        "file": str(path),
        "url": url,
        "title": None,
        "author": None,
        "published_at": None,
        "language": None,
        "text": None,
    }
    try:
        body = path.read_bytes()
    except OSError as error:
        record["error"] = f"cannot read file: {error.strerror or error}"
        return record
    article = extract_article(decode_html(body, None), url, options)
    if article is None:
        record["error"] = "no article text found"
        return record
    record.update(
        url=article.canonical_url or url,
        title=article.title,
        author=article.author,
        published_at=article.published_at.isoformat() if article.published_at else None,
        language=detector.detect(article.text).language,
        text=article.text,
    )
    return record


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


@click.command(name="extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    callback=_http_url,
    help="URL the pages were fetched from (resolves relative canonical links).",
)
def command(files: tuple[Path, ...], base_url: str | None) -> None:
    """Print one JSON object per FILE: url, title, author, published_at, language, text.

    Unreadable files and pages without an article give a line with text null and an error.

    Example: warta extract page.html --base-url https://telisik.net/news/contoh
    """
    settings = project_settings()
    options = ExtractionOptions.from_settings(settings)
    detector = LanguageDetector.from_settings(settings)
    for path in files:
        record = extract_file(path, base_url, options, detector)
        click.echo(json.dumps(record, ensure_ascii=False))
