"""Re-extraction: stored articles rebuilt from their archived pages with the current rules.

Behind `warta reextract`. For each selected article with a WARC record, the archived response
(storage.warc) goes through the crawl's own stages — decode and extract
(crawler.extraction.extract),
language (crawler.extraction.language), signature and features (pipelines.dedupe) — on the stored
bytes
instead of the network. Articles whose columns change are rewritten with `clustered_at` reset
(storage.articles.replace_extraction), and only those are re-clustered (cluster_pending). The
canonical URL, the article's identity, is kept. A page the current rules would drop (no
article text, another language) is reported and left as stored: deleting is the operator's
call. Work is committed a batch at a time, so a stopped run keeps what it rewrote.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, select
from w3lib.encoding import http_content_type_encoding

from crawler.clustering.stage import ClusterReport, cluster_pending
from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.language import LanguageDetector
from dedupe.inputs import signature_and_features
from dedupe.signatures import MinHasher
from storage.actors import rows_from_json, store_mentions
from storage.articles import ArticleRow, replace_extraction
from storage.database import session_scope
from storage.models import Article, Source
from storage.queries import REGION_TZ
from storage.warc import ArchivedPage, ArchiveError, read_page

#: Articles read, re-extracted and committed together.
BATCH = 200
#: Columns compared and rewritten (ArticleRow.content minus what re-reading cannot change).
REBUILT = (
    "title",
    "author",
    "editor",
    "published_at",
    "language",
    "language_probability",
    "text",
    "word_count",
    "signature",
    "features",
)


@dataclass(frozen=True)
class Rules:
    """The current extraction rules, language policy and signer, built once per run."""

    extraction: ExtractionOptions
    detector: LanguageDetector
    hasher: MinHasher


@dataclass(frozen=True)
class Selection:
    """Which articles: outlets (none: all), publication days in WITA (inclusive)."""

    sources: Sequence[str] = ()
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Change:
    """One rewritten article: which columns changed, and a paragraph gone and one new."""

    article_id: int
    url: str
    fields: tuple[str, ...]
    removed: str | None
    added: str | None


@dataclass
class ReextractReport:
    selected: int = 0
    changed: int = 0
    unchanged: int = 0
    not_archived: int = 0  #: stored before archiving was on: nothing to re-read
    unreadable: int = 0  #: record missing or damaged (see `problems`)
    no_article: int = 0  #: the current rules find no article text: kept as stored
    other_language: int = 0  #: the current language policy rejects it: kept as stored
    fields: Counter[str] = field(default_factory=Counter)
    examples: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    clustering: ClusterReport | None = None


def reextract(
    engine: Engine,
    archive_dir: Path,
    rules: Rules,
    selection: Selection = Selection(),
    *,
    examples: int = 5,
    dry_run: bool = False,
    cluster_workers: int = 1,
) -> ReextractReport:
    """Rebuild the selected articles from the archive in `archive_dir` (see module doc)."""
    report = ReextractReport()
    with session_scope(engine) as session:
        ids = list(session.scalars(_selected(selection)))
    report.selected = len(ids)
    for start in range(0, len(ids), BATCH):
        with session_scope(engine) as session:
            stored = session.scalars(
                select(Article).where(Article.id.in_(ids[start : start + BATCH]))
            ).all()
            for article in sorted(stored, key=lambda a: a.id):
                rebuilt = _rebuilt(article, archive_dir, rules, report)
                if rebuilt is None:
                    continue
                values, mentions = rebuilt
                changed = tuple(name for name in REBUILT if _differs(article, name, values[name]))
                if not changed:
                    report.unchanged += 1
                    continue
                report.changed += 1
                report.fields.update(changed)
                if len(report.examples) < examples:
                    report.examples.append(_change(article, changed, values["text"]))
                if not dry_run:
                    replace_extraction(session, article.id, values)
                    store_mentions(session, article.id, rows_from_json(mentions))
            if dry_run:
                session.rollback()
    if report.changed and not dry_run:
        with session_scope(engine) as session:
            report.clustering = cluster_pending(session, workers=cluster_workers)
    return report


def _selected(selection: Selection) -> Select[Any]:
    query = select(Article.id).order_by(Article.id)
    if selection.sources:
        query = query.join(Source, Source.id == Article.source_id).where(
            Source.key.in_(list(selection.sources))
        )
    if selection.since is not None:
        query = query.where(Article.published_at >= _day_start(selection.since))
    if selection.until is not None:
        query = query.where(Article.published_at < _day_start(selection.until + timedelta(1)))
    return query


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), REGION_TZ)


def _rebuilt(
    article: Article, archive_dir: Path, rules: Rules, report: ReextractReport
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The article's columns as the current rules make them from its archived page, and the
    people, bodies and places it names (dedupe.mentions); None (counted in `report`) when there
    is no page or the rules would not keep it."""
    if article.warc_file is None or article.warc_offset is None:
        report.not_archived += 1
        return None
    try:
        page = read_page(
            archive_dir, article.warc_file, article.warc_offset, article.warc_record_id
        )
    except ArchiveError as error:
        report.unreadable += 1
        report.problems.append(f"article {article.id}: {error}")
        return None
    extracted = extract_article(page_html(page), page.url, rules.extraction)
    if extracted is None:
        report.no_article += 1
        return None
    detection = rules.detector.detect(extracted.text)
    if not detection.allowed:
        report.other_language += 1
        return None
    published_at = extracted.published_at or article.published_at
    signature, features, mentions = signature_and_features(
        rules.hasher, extracted.title, extracted.text, published_at
    )
    row = ArticleRow(
        source_id=article.source_id,
        url=article.url,
        canonical_url=article.canonical_url,
        html_sha256=extracted.html_sha256,
        title=extracted.title,
        author=extracted.author,
        editor=extracted.editor,
        published_at=published_at,
        fetched_at=article.fetched_at,
        language=detection.language,
        language_probability=detection.probability,
        text=extracted.text,
        signature=signature,
        features=json.loads(json.dumps(features)),  # as the JSON column gives it back
        crawl_run_id=article.crawl_run_id,
    )
    return {name: value for name, value in row.content().items() if name in REBUILT}, mentions


def page_html(page: ArchivedPage) -> str:
    """The archived page decoded as the crawl decoded it (spiders.base.WartaSpider.page_item)."""
    return decode_html(page.body, http_content_type_encoding(page.header("Content-Type") or ""))


def _differs(article: Article, name: str, value: Any) -> bool:
    return bool(getattr(article, name) != value)


def _change(article: Article, fields: tuple[str, ...], text: str) -> Change:
    before, after = _paragraphs(article.text), _paragraphs(text)
    return Change(
        article_id=article.id,
        url=article.canonical_url,
        fields=fields,
        removed=next((p for p in before if p not in set(after)), None),
        added=next((p for p in after if p not in set(before)), None),
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def iter_report_lines(report: ReextractReport, width: int = 100) -> Iterator[str]:
    """The report as the lines `warta reextract` prints."""
    yield (
        f"selected {report.selected}  changed {report.changed}  unchanged {report.unchanged}  "
        f"not archived {report.not_archived}  unreadable {report.unreadable}  "
        f"no article now {report.no_article}  other language now {report.other_language}"
    )
    if report.fields:
        counts = ", ".join(f"{name} {count}" for name, count in report.fields.most_common())
        yield f"changed columns: {counts}"
    for change in report.examples:
        yield f"article {change.article_id} {change.url}: {', '.join(change.fields)}"
        if change.removed:
            yield f"  - {_shorten(change.removed, width)}"
        if change.added:
            yield f"  + {_shorten(change.added, width)}"
    yield from report.problems[:10]
    if report.clustering is not None:
        c = report.clustering
        yield (
            f"re-clustered {c.pending} articles: duplicates {c.duplicates}, events created "
            f"{c.events_created}, updated {c.events_updated}, merged {c.events_merged}"
        )


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
