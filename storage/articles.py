"""Writing articles: one row per canonical URL, whatever URL and however often it is met.

The store stage calls `get_or_create_source` and `upsert_article` for every extracted page.
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


def upsert_article(
    session: Session,
    *,
    source: Source | int | None = None,
    source_id: int | None = None,
    url: str,
    canonical_url: str,
    other_urls: Iterable[str] = (),
    html_sha256: str,
    title: str | None,
    author: str | None,
    editor: str | None,
    published_at: datetime | None,
    fetched_at: datetime,
    language: str,
    language_probability: float,
    text: str,
    signature: bytes | None,
    features: dict[str, Any] | None,
    crawl_run_id: int | None,
) -> UpsertResult:
    """Store one extracted page, idempotently.

    The article is found by its canonical URL or by any URL already recorded for it (AMP page,
    ?utm_ variant, `url`, `other_urls`). Same HTML hash, or the same title and text under other
    HTML (AMP copy, rotated widgets): "unchanged", nothing is written. Changed title or text:
    "updated", content replaced and `clustered_at` reset so clustering revisits it.
    The first run that stored the article stays its `crawl_run_id`; `url` stays the first URL.
    The outlet is given as `source` (a Source or its id) or as `source_id`, whichever the caller
    has at hand.
    """
    if (source is None) == (source_id is None):
        raise TypeError("upsert_article needs exactly one of source= or source_id=")
    if source is not None:
        source_id = source if isinstance(source, int) else source.id
    urls = _unique([canonical_url, url, *other_urls])
    content: dict[str, Any] = {
        "html_sha256": html_sha256,
        "title": title,
        "author": author,
        "editor": editor,
        "published_at": published_at,
        "fetched_at": fetched_at,
        "language": language,
        "language_probability": language_probability,
        "text": text,
        "word_count": len(text.split()),
        "signature": signature,
        "features": features,
    }
    article_id = _find_article(session, canonical_url, urls)
    if article_id is None:
        inserted = session.execute(
            insert_for(session, Article)
            .values(
                source_id=source_id,
                crawl_run_id=crawl_run_id,
                url=url,
                canonical_url=canonical_url,
                **content,
            )
            .on_conflict_do_nothing(index_elements=[Article.canonical_url])
            .returning(Article.id)
        ).scalar_one_or_none()
        if inserted is not None:
            _record_urls(session, inserted, urls)
            return UpsertResult(inserted, "new")
        # Another writer stored this canonical URL between our read and our insert.
        article_id = session.scalars(
            select(Article.id).where(Article.canonical_url == canonical_url)
        ).one()

    _record_urls(session, article_id, urls)
    stored = session.execute(
        select(Article.html_sha256, Article.title, Article.text).where(Article.id == article_id)
    ).one()
    if stored.html_sha256 == html_sha256 or (stored.title, stored.text) == (title, text):
        # Same page, or the same article in other clothes (an AMP copy, a rotated sidebar):
        # not even a no-op UPDATE, which on SQLite would take the single write lock.
        return UpsertResult(article_id, "unchanged")
    # Conditional, so of two writers storing the same new version only one reports "updated".
    changed = session.execute(
        update(Article)
        .where(Article.id == article_id, Article.html_sha256 != html_sha256)
        .values(**content, clustered_at=None)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount:  # type: ignore[attr-defined]
        _expire_loaded(session, article_id)
        return UpsertResult(article_id, "updated")
    return UpsertResult(article_id, "unchanged")


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


def _record_urls(session: Session, article_id: int, urls: Sequence[str]) -> None:
    """Record the URLs not yet known; a URL already claimed by any article keeps its owner."""
    known = set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(urls))))
    missing = [u for u in urls if u not in known]
    if not missing:
        return
    session.execute(
        insert_for(session, ArticleUrl)
        .values([{"url": u, "article_id": article_id} for u in missing])
        .on_conflict_do_nothing(index_elements=[ArticleUrl.url])
    )


def _expire_loaded(session: Session, article_id: int) -> None:
    """A loaded Article object would otherwise keep showing the old text to the caller."""
    loaded = session.identity_map.get(session.identity_key(Article, (article_id,)))
    if loaded is not None:
        session.expire(loaded)


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))
