"""The replay web's corpus: events and the articles outlets wrote about them, read from TOML.

One file per event in `corpus/events/*.toml` (an `[event]` table and its `[[article]]`s) plus
`corpus/rejects.toml` (articles the pipeline must drop: `expect = "rejected_language"` or
`"too_short"`). The article `body` is the exact clean text the pipeline should store; the site
renderers wrap it in boilerplate. Every other replay-web module reads these dataclasses only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).with_name("corpus")

#: Southeast Sulawesi is on WITA, UTC+8; articles without a zone are read as WITA.
WITA = timezone(timedelta(hours=8), "WITA")

KINDS = ("report", "republished")
EXPECTS = ("stored", "rejected_language", "too_short")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Event:
    """Something that happened, which one or more articles report."""

    label: str
    date: date
    place: str
    summary: str
    #: Kemendagri code of the kabupaten/kota where it happened (tests/test_places.py)
    regency: str | None = None


@dataclass(frozen=True)
class Article:
    """One article as one outlet published it; `body` is the clean text (blank-line paragraphs)."""

    id: str
    outlet: str
    slug: str
    title: str
    published: datetime
    body: str
    kind: str = "report"
    author: str | None = None
    editor: str | None = None
    republished_from: str | None = None
    event: str | None = None
    expect: str = "stored"

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.outlet):
            raise ValueError(f"article {self.id!r}: outlet {self.outlet!r} is not a registry key")
        if not _SLUG.fullmatch(self.slug):
            raise ValueError(
                f"article {self.id!r}: slug {self.slug!r} is not lower-case-with-dashes"
            )
        if self.kind not in KINDS:
            raise ValueError(f"article {self.id!r}: kind {self.kind!r} not in {KINDS}")
        if self.expect not in EXPECTS:
            raise ValueError(f"article {self.id!r}: expect {self.expect!r} not in {EXPECTS}")
        if (self.kind == "republished") != (self.republished_from is not None):
            raise ValueError(
                f"article {self.id!r}: republished_from goes with kind = 'republished'"
            )
        if self.published.tzinfo is None:
            raise ValueError(f"article {self.id!r}: published needs a time zone")
        if not self.title.strip() or not self.body.strip():
            raise ValueError(f"article {self.id!r}: empty title or body")

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in re.split(r"\n\s*\n", self.body.strip()) if part.strip()]


@dataclass(frozen=True)
class Corpus:
    """Events and articles; `articles` keeps file order, lookups are by id and outlet."""

    events: tuple[Event, ...] = ()
    articles: tuple[Article, ...] = ()
    _by_id: dict[str, Article] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Article] = {}
        seen: set[tuple[str, str]] = set()
        labels = {event.label for event in self.events}
        for article in self.articles:
            if article.id in by_id:
                raise ValueError(f"article id {article.id!r} appears twice")
            if (article.outlet, article.slug) in seen:
                raise ValueError(
                    f"article {article.id!r}: slug {article.slug!r} used twice on {article.outlet}"
                )
            if article.event is not None and article.event not in labels:
                raise ValueError(f"article {article.id!r}: unknown event {article.event!r}")
            by_id[article.id] = article
            seen.add((article.outlet, article.slug))
        for article in self.articles:
            if article.republished_from and article.republished_from not in by_id:
                raise ValueError(
                    f"article {article.id!r}: republished_from {article.republished_from!r} is "
                    f"unknown"
                )
        object.__setattr__(self, "_by_id", by_id)

    def article(self, article_id: str) -> Article:
        return self._by_id[article_id]

    def outlets(self) -> list[str]:
        return sorted({article.outlet for article in self.articles})

    def by_outlet(self) -> dict[str, list[Article]]:
        """Each outlet's articles, oldest first (ties by id), the order the sites number them in."""
        grouped: dict[str, list[Article]] = {}
        for article in sorted(self.articles, key=lambda a: (a.published, a.id)):
            grouped.setdefault(article.outlet, []).append(article)
        return grouped

    def with_articles(self, extra: Iterable[Article]) -> Corpus:
        return Corpus(self.events, self.articles + tuple(extra))


def load_corpus(path: Path | str | None = None) -> Corpus:
    """Read a corpus directory (default: the packaged one); `ValueError` names the file at fault."""
    root = Path(path) if path is not None else DEFAULT_CORPUS
    if not root.is_dir():
        raise ValueError(f"{root}: corpus directory not found")
    events: list[Event] = []
    articles: list[Article] = []
    files = sorted((root / "events").glob("*.toml"))
    for file in files:
        data = _read(file)
        try:
            event = _event(data.get("event"))
            events.append(event)
            articles.extend(_article(entry, event.label) for entry in data.get("article", []))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{file}: {_describe(error)}") from error
    rejects = root / "rejects.toml"
    if rejects.is_file():
        data = _read(rejects)
        try:
            articles.extend(_article(entry, None) for entry in data.get("article", []))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{rejects}: {_describe(error)}") from error
    try:
        return Corpus(tuple(events), tuple(articles))
    except ValueError as error:
        raise ValueError(f"{root}: {error}") from error


def _read(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{file}: not valid TOML: {error}") from error


def _describe(error: Exception) -> str:
    return f"missing field {error}" if isinstance(error, KeyError) else str(error)


def _event(table: Mapping[str, Any] | None) -> Event:
    if not isinstance(table, Mapping):
        raise ValueError("no [event] table")
    when = table["date"]
    if not isinstance(when, date) or isinstance(when, datetime):
        raise ValueError(f"event date {when!r} is not a TOML date")
    regency = table.get("regency")
    return Event(
        str(table["label"]),
        when,
        str(table["place"]),
        str(table["summary"]),
        str(regency) if regency is not None else None,
    )


def _article(entry: Mapping[str, Any], event: str | None) -> Article:
    published = entry["published"]
    if not isinstance(published, datetime):
        raise ValueError(
            f"article {entry.get('id')!r}: published {published!r} is not a TOML datetime"
        )
    if published.tzinfo is None:
        published = published.replace(tzinfo=WITA)
    expect = entry.get("expect", "stored")
    return Article(
        id=str(entry["id"]),
        outlet=str(entry["outlet"]),
        slug=str(entry["slug"]),
        title=str(entry["title"]),
        published=published,
        body=str(entry["body"]),
        kind=str(entry.get("kind", "report")),
        author=entry.get("author"),
        editor=entry.get("editor"),
        republished_from=entry.get("republished_from"),
        event=event if expect == "stored" else None,
        expect=str(expect),
    )


#: Seed files are named NNN_<hash>.txt; NNN is the outlet the project was created from.
SEED_OUTLETS = ("sibernas", "indeks", "kabarsultra", "antarasultra", "chanetujuh")


def seed_articles(directory: Path | str) -> list[Article]:
    """The seed texts (`../shared/seeds`) as their outlets' articles, for `extra_articles=`.

    The seeds are plain text (some with the widgets a copy-paste picked up); the title is the first
    line when it is short, otherwise the opening words. They are not part of any event.
    """
    articles = []
    for number, file in enumerate(sorted(Path(directory).glob("*.txt"))):
        lines = [
            line.strip() for line in file.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        if not lines:
            continue
        head = lines[0] if len(lines[0]) <= 120 else " ".join(lines[0].split()[:12])
        prefix = file.name.split("_", 1)[0]
        outlet = SEED_OUTLETS[int(prefix) % len(SEED_OUTLETS)] if prefix.isdigit() else "indeks"
        slug = "-".join(re.findall(r"[a-z0-9]+", head.lower())[:10]) or f"seed-{number}"
        articles.append(
            Article(
                id=f"seed-{file.stem}",
                outlet=outlet,
                slug=f"{slug}-{number}",
                title=head,
                published=datetime(2024, 7, 9, 10, tzinfo=WITA) + timedelta(hours=number),
                body="\n\n".join(lines),
            )
        )
    return articles
