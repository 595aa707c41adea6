"""Typed SQLAlchemy models of Warta's tables, on one base with a naming convention.

sources ─< articles >─ events;  crawl_runs ─< articles (the run that first stored them).
An article's `duplicate_of` points at the first-stored article of its near-duplicate group
(NULL for that first article); its `event_id` at the real-world event it reports.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    """An outlet, as registered in crawler/sources.toml or met ad hoc."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class CrawlRun(Base):
    """One crawl (one `scrapy crawl` or `warta crawl`), with what it fetched, stored and lost."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: running, finished, failed, interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected_language: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    #: Scrapy stats and per-source counts, {"sources": {"telisik": {...}}, "errors": {...}}
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Event(Base):
    """A real-world happening; every article that reports it points here."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    outlet_count: Mapped[int] = mapped_column(Integer, default=0)
    representative_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True, ondelete="SET NULL")
    )
    #: salient terms of the event, most weighty first
    top_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: where it happened (issue 26): the region most of its placed articles agree on
    #: (regions.code, any level), and the country (ISO alpha-2; "ID" at home, NULL: unknown)
    region_code: Mapped[str | None] = mapped_column(String(13), index=True)
    region_country: Mapped[str | None] = mapped_column(String(2))

    articles: Mapped[list[Article]] = relationship(
        back_populates="event", foreign_keys="Article.event_id"
    )


class Article(Base):
    """A clean article: one row per canonical URL, whatever URLs it was met under."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("canonical_url"),
        Index("ix_articles_source_published", "source_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: no index of its own: ix_articles_source_event leads with it (migration 0003)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000))
    html_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    editor: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(8))
    language_probability: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    #: serialised MinHash of the text (dedupe.signatures), so later runs need not recompute it
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: event features (dedupe.features): resolved date, places, people, organisations
    features: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: first-stored article of this article's near-duplicate group; NULL for that first one
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    #: no index of its own: ix_articles_event_source (event_id, source_id) leads with it
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    #: how strongly the article matched its event, and which features matched
    event_score: Mapped[float | None] = mapped_column(Float)
    event_reason: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: set when clustering has seen the article (NULL: pending)
    clustered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: the fetched page in the WARC archive (storage.warc): file name inside WARTA_WARC_DIR,
    #: offset of the response record, its WARC-Record-ID; fetched_at is its WARC-Date.
    #: NULL when the crawl did not archive.
    warc_file: Mapped[str | None] = mapped_column(String(300))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(100))
    #: where the reported happening took place (dedupe.places, issue 26): its most specific
    #: region (regions.code), country (ISO alpha-2), confidence (0: no place; NULL: not yet
    #: placed) and the evidence read ([{"kind", "text", "codes"}])
    region_code: Mapped[str | None] = mapped_column(String(13), index=True)
    region_country: Mapped[str | None] = mapped_column(String(2))
    region_confidence: Mapped[float | None] = mapped_column(Float)
    region_evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    source: Mapped[Source] = relationship(back_populates="articles")
    event: Mapped[Event | None] = relationship(back_populates="articles", foreign_keys=[event_id])
    urls: Mapped[list[ArticleUrl]] = relationship(back_populates="article")


class ArticleUrl(Base):
    """Every URL an article was met under (AMP, ?utm_*, mobile host): one article, many URLs."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )

    article: Mapped[Article] = relationship(back_populates="urls")


class RejectedPage(Base):
    """A page dropped for its language or for having no article text, so later runs skip it.

    Keyed by the URL that was requested; `source` is the outlet's registry key (or the ad-hoc
    key). A page is fetched again once its `rejected_at` is older than
    WARTA_REJECTED_RETRY_DAYS: outlets fix broken pages, and a language verdict can change.
    """

    __tablename__ = "rejected_pages"
    __table_args__ = (Index("ix_rejected_pages_source_rejected_at", "source", "rejected_at"),)

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    #: "no_article" or "language_<code>"
    reason: Mapped[str] = mapped_column(String(40))
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Actor(Base):
    """A person or a body named in articles; spellings of one person point to one canonical."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: person, organisation
    kind: Mapped[str] = mapped_column(String(20))
    #: the spelling's key ("person:andap budhi revianto", "organisation:kpu|sulawesi tenggara")
    key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    #: the actor this spelling is one person with (dedupe.actors), NULL for a canonical actor
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    #: why the spelling joins its canonical actor, in words
    reason: Mapped[str | None] = mapped_column(Text)


class ActorMention(Base):
    """One mention of an actor in an article, with the office and rank as the article writes."""

    __tablename__ = "actor_mentions"
    __table_args__ = (Index("ix_actor_mentions_actor_article", "actor_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    #: the words as written at this place ("Kapolresta", "Andap")
    surface: Mapped[str] = mapped_column(String(500))
    office: Mapped[str | None] = mapped_column(String(500))
    rank: Mapped[str | None] = mapped_column(String(100))
    #: character offset of the mention in the article's text
    position: Mapped[int] = mapped_column(Integer)
    #: issue 23: degrees and honorifics written around the name ("Drs, M.Si"), kept apart
    titles: Mapped[str | None] = mapped_column(String(200))
    #: issue 23: the office as one office (head + jurisdiction, dedupe.offices)
    office_canonical: Mapped[str | None] = mapped_column(String(200), index=True)


class SourceCheck(Base):
    """One live check of an outlet (`warta sources check`): its verdict, kept with its history.

    `source` is the registry key (or the ad-hoc key of `--url`); the newest row per source is
    the outlet's standing: it is verified when that verdict is "ok".
    """

    __tablename__ = "source_checks"
    __table_args__ = (Index("ix_source_checks_source_checked_at", "source", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    base_url: Mapped[str] = mapped_column(String(500))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: ok, degraded, moved, broken (crawler.health.verdict)
    verdict: Mapped[str] = mapped_column(String(16))
    #: why, as a JSON list of sentences ("feed empty: ...")
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggested_base_url: Mapped[str | None] = mapped_column(String(500))
    newest_article: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requests: Mapped[int] = mapped_column(Integer, default=0)
    #: what the check saw: robots.txt, home page, feeds, sitemaps, listings, the sample
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Region(Base):
    """An official region of Indonesia (Kemendagri code) down to the kecamatan, filled from the
    gazetteer (dedupe.gazetteer) when articles are first placed: for grouping by region in SQL."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: province, regency, district
    level: Mapped[str] = mapped_column(String(10))
    #: provinsi, kabupaten, kota, kecamatan
    kind: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    regency_code: Mapped[str | None] = mapped_column(String(5), index=True)
