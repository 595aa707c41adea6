"""Writing articles: one row per canonical URL, whatever URL and however often it is met.

The store stage calls `get_or_create_source` and `upsert_articles` for each batch of extracted
pages.
Several crawl processes may store the same page at the same moment, so every insert is
`INSERT ... ON CONFLICT DO NOTHING` followed by a read: the loser of a race reads the winner's row
instead of failing. Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.database import insert_for
from storage.models import Article, ArticleUrl, Source

UpsertStatus = Literal["new", "unchanged", "updated"]

#: Rows written by one round of statements (bound parameters stay far below SQLite's limit).
ROUND_ROWS = 200


@dataclass(frozen=True)
class UpsertResult:
    """What `upsert_article` did: the article's id and whether it was new, unchanged or updated."""

    article_id: int
    status: UpsertStatus


def get_or_create_source(session: Session, key: str, name: str, base_url: str) -> Source:
    """The source row for `key`, created on first use; an existing row keeps its name and URL."""
    source = session.scalars(select(Source).where(Source.key == key)).one_or_none()
    if source is not None:
        return source
    session.execute(
        insert_for(session, Source)
        .values(key=key, name=name, base_url=base_url)
        .on_conflict_do_nothing(index_elements=[Source.key])
    )
    return session.scalars(select(Source).where(Source.key == key)).one()


@dataclass(frozen=True)
class ArticleRow:
    """One extracted page as the store stage hands it over: where it was found and what it says."""

    source_id: int
    url: str
    canonical_url: str
    html_sha256: str
    title: str | None
    author: str | None
    editor: str | None
    published_at: datetime | None
    fetched_at: datetime
    language: str
    language_probability: float
    text: str
    signature: bytes | None
    features: dict[str, Any] | None
    crawl_run_id: int | None
    other_urls: Sequence[str] = ()
    #: the fetched page's WARC record (file in the archive directory, offset, record id)
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None

    @property
    def urls(self) -> list[str]:
        """Every URL of the page, most specific first: canonical, fetched, the others."""
        return _unique([self.canonical_url, self.url, *self.other_urls])

    def content(self) -> dict[str, Any]:
        """The columns a re-crawl may change."""
        return {
            "html_sha256": self.html_sha256,
            "title": self.title,
            "author": self.author,
            "editor": self.editor,
            "published_at": self.published_at,
            "fetched_at": self.fetched_at,
            "language": self.language,
            "language_probability": self.language_probability,
            "text": self.text,
            "word_count": len(self.text.split()),
            "signature": self.signature,
            "features": self.features,
        }

    def archive(self) -> dict[str, Any]:
        """The columns pointing at the page's WARC record (None when it was not archived)."""
        return {
            "warc_file": self.warc_file,
            "warc_offset": self.warc_offset,
            "warc_record_id": self.warc_record_id,
        }


def upsert_article(
    session: Session,
    *,
    source: Source | int | None = None,
    source_id: int | None = None,
    **fields: Any,
) -> UpsertResult:
    """Store one extracted page (`ArticleRow`'s fields as keywords), idempotently.

    The outlet is given as `source` (a Source or its id) or as `source_id`, whichever the caller
    has at hand. See `upsert_articles` for what is found, kept and replaced.
    """
    if (source is None) == (source_id is None):
        raise TypeError("upsert_article needs exactly one of source= or source_id=")
    if source is not None:
        source_id = source if isinstance(source, int) else source.id
    assert source_id is not None
    return upsert_articles(session, [ArticleRow(source_id=source_id, **fields)])[0]


def upsert_articles(session: Session, rows: Sequence[ArticleRow]) -> list[UpsertResult]:
    """Store extracted pages idempotently, a few statements per batch rather than per page.

    An article is found by its canonical URL or by any URL already recorded for it (AMP page,
    ?utm_ variant, the fetched URL, `other_urls`). Same HTML hash, or the same title and text
    under other HTML (AMP copy, rotated widgets): "unchanged", nothing is written. Changed title
    or text: "updated", content replaced and `clustered_at` reset so clustering revisits it.
    The first run that stored the article stays its `crawl_run_id`; `url` stays the first URL.

    The outcome is that of storing the rows one by one in order: a row sharing a URL with an
    earlier row of the batch waits for a later round, so the rows of one round are independent.
    """
    results: dict[int, UpsertResult] = {}
    waiting = list(range(len(rows)))
    while waiting:
        now, waiting = _next_round(rows, waiting)
        results.update(_upsert_round(session, {i: rows[i] for i in now}))
    return [results[i] for i in range(len(rows))]


def _next_round(rows: Sequence[ArticleRow], waiting: list[int]) -> tuple[list[int], list[int]]:
    """The waiting rows that share no URL with an earlier waiting row (at most ROUND_ROWS)."""
    claimed: set[str] = set()
    now: list[int] = []
    later: list[int] = []
    for i in waiting:
        urls = rows[i].urls
        if len(now) < ROUND_ROWS and claimed.isdisjoint(urls):
            now.append(i)
        else:
            later.append(i)
        claimed.update(urls)
    return now, later


def _upsert_round(session: Session, rows: dict[int, ArticleRow]) -> dict[int, UpsertResult]:
    urls = [url for row in rows.values() for url in row.urls]
    by_canonical: dict[str, int] = dict(
        session.execute(
            select(Article.canonical_url, Article.id).where(
                Article.canonical_url.in_([row.canonical_url for row in rows.values()])
            )
        ).all()
    )
    recorded: dict[str, int] = dict(
        session.execute(
            select(ArticleUrl.url, ArticleUrl.article_id).where(ArticleUrl.url.in_(urls))
        ).all()
    )
    found = {i: _match(row, by_canonical, recorded) for i, row in rows.items()}
    results: dict[int, UpsertResult] = {}
    new = [i for i, article_id in found.items() if article_id is None]
    if new:
        # Archive columns only when some page has a record: a database still at a revision
        # before 0004 (its upgrade runs when the crawl connects) is written without them.
        archived = any(rows[i].warc_file for i in new)
        # One compiled statement, executed for many rows (SQLAlchemy's insertmanyvalues sends
        # them as one multi-row INSERT): compiling a fresh VALUES list per batch cost more.
        inserted: dict[str, int] = dict(
            session.execute(
                insert_for(session, Article)
                .on_conflict_do_nothing(index_elements=[Article.canonical_url])
                .returning(Article.canonical_url, Article.id),
                [
                    {
                        "source_id": rows[i].source_id,
                        "crawl_run_id": rows[i].crawl_run_id,
                        "url": rows[i].url,
                        "canonical_url": rows[i].canonical_url,
                        **rows[i].content(),
                        **(rows[i].archive() if archived else {}),
                    }
                    for i in new
                ],
            ).all()
        )
        for i in new:
            canonical_url = rows[i].canonical_url
            if canonical_url in inserted:
                results[i] = UpsertResult(inserted[canonical_url], "new")
            else:  # another writer stored this canonical URL between our read and our insert
                found[i] = session.scalars(
                    select(Article.id).where(Article.canonical_url == canonical_url)
                ).one()
    inserted_ids = {i: result.article_id for i, result in results.items()}
    _record_urls(session, rows, {**found, **inserted_ids}, recorded)
    existing = {i: article_id for i, article_id in found.items() if article_id is not None}
    if existing:
        results.update(_compare_and_update(session, rows, existing))
    return results


def _match(row: ArticleRow, by_canonical: dict[str, int], recorded: dict[str, int]) -> int | None:
    """The stored article of `row`: by canonical URL, else by its most specific recorded URL."""
    if row.canonical_url in by_canonical:
        return by_canonical[row.canonical_url]
    return next((recorded[url] for url in row.urls if url in recorded), None)


def _record_urls(
    session: Session,
    rows: dict[int, ArticleRow],
    article_ids: dict[int, int | None],
    recorded: dict[str, int],
) -> None:
    """Record the URLs not yet known; a URL already claimed by any article keeps its owner."""
    missing = [
        {"url": url, "article_id": article_id}
        for i, article_id in article_ids.items()
        if article_id is not None
        for url in rows[i].urls
        if url not in recorded
    ]
    if missing:
        session.execute(
            insert_for(session, ArticleUrl).on_conflict_do_nothing(index_elements=[ArticleUrl.url]),
            missing,
        )


def _compare_and_update(
    session: Session, rows: dict[int, ArticleRow], existing: dict[int, int]
) -> dict[int, UpsertResult]:
    stored = {
        row.id: row
        for row in session.execute(
            select(Article.id, Article.html_sha256, Article.title, Article.text).where(
                Article.id.in_(set(existing.values()))
            )
        )
    }
    results: dict[int, UpsertResult] = {}
    for i, article_id in existing.items():
        row, before = rows[i], stored[article_id]
        if before.html_sha256 == row.html_sha256 or (before.title, before.text) == (
            row.title,
            row.text,
        ):
            # Same page, or the same article in other clothes (an AMP copy, a rotated sidebar):
            # not even a no-op UPDATE, which on SQLite would take the single write lock.
            results[i] = UpsertResult(article_id, "unchanged")
            continue
        # Conditional, so of two writers storing the same new version only one reports "updated".
        changed = session.execute(
            update(Article)
            .where(Article.id == article_id, Article.html_sha256 != row.html_sha256)
            # clustered and placed again (crawler.clustering.regions) from the new text
            .values(**row.content(), **row.archive(), clustered_at=None, region_confidence=None)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            _expire_loaded(session, article_id)
            results[i] = UpsertResult(article_id, "updated")
        else:
            results[i] = UpsertResult(article_id, "unchanged")
    return results


def replace_extraction(session: Session, article_id: int, values: dict[str, Any]) -> None:
    """Replace what extraction made of a stored page (`warta reextract`: the archived HTML read
    again with newer rules; `values` as `ArticleRow.content`) and mark it for clustering and
    placing."""
    session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(**values, clustered_at=None, region_confidence=None)
        .execution_options(synchronize_session=False)
    )
    _expire_loaded(session, article_id)


def article_id_for_url(session: Session, url: str) -> int | None:
    """The article stored under `url`, as its canonical URL or as a recorded alias."""
    return _find_article(session, url, [url])


def _find_article(session: Session, canonical_url: str, urls: Sequence[str]) -> int | None:
    by_canonical = session.scalars(
        select(Article.id).where(Article.canonical_url == canonical_url)
    ).one_or_none()
    if by_canonical is not None:
        return by_canonical
    aliases: dict[str, int] = {
        alias: article_id
        for alias, article_id in session.execute(
            select(ArticleUrl.url, ArticleUrl.article_id).where(ArticleUrl.url.in_(urls))
        )
    }
    # Prefer the most specific URL: the canonical one, then the fetched one, then the others.
    for candidate in urls:
        if candidate in aliases:
            return aliases[candidate]
    return None


def _expire_loaded(session: Session, article_id: int) -> None:
    """A loaded Article object would otherwise keep showing the old text to the caller."""
    loaded = session.identity_map.get(session.identity_key(Article, (article_id,)))
    if loaded is not None:
        session.expire(loaded)


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))
