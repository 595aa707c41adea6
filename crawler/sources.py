"""The source registry: outlets declared as data in `sources.toml`, loaded into `Source` records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crawler.urls import normalise_url

DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")
SHAPES_FILE = Path(__file__).with_name("url_shapes.toml")


@dataclass(frozen=True)
class Shapes:
    """The URL shapes every outlet shares (crawler/url_shapes.toml), compiled."""

    shortlink: re.Pattern[str]
    page_suffix: re.Pattern[str]
    section_prefix: re.Pattern[str]
    not_sections: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> Shapes:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        return cls(
            shortlink=re.compile(data["shortlink"]),
            page_suffix=re.compile(data["page_suffix"]),
            section_prefix=re.compile(data["section_prefix"]),
            not_sections=frozenset(data["not_sections"]),
        )


SHAPES = Shapes.load(SHAPES_FILE)


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    base_url: str
    article_pattern: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listing: tuple[str, ...] = ("/",)
    #: query that makes a multi-page article show its whole text ("page=all"), added to its URL
    full_text_query: str = ""
    #: where the outlet keeps AMP copies away from its articles: `amp_copies = {"/amp/detail/" =
    #: "/news/"}` in the registry maps `/amp/detail/<slug>` onto the article `/news/<slug>`
    amp_copies: tuple[tuple[str, str], ...] = ()
    enabled: bool = True
    notes: str = ""
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.key):
            raise ValueError(f"source key {self.key!r}: lower-case letters, digits and _ only")
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"source {self.key}: base_url {self.base_url!r} is not an http(s) URL")
        for amp, article in self.amp_copies:
            if not (amp.startswith("/") and amp.endswith("/") and article.startswith("/")):
                raise ValueError(f"source {self.key}: amp_copies {amp!r} = {article!r}: paths")
        try:
            object.__setattr__(self, "_pattern", re.compile(self.article_pattern))
        except re.error as error:
            raise ValueError(f"source {self.key}: bad article_pattern: {error}") from error

    @property
    def host(self) -> str:
        """The host of `base_url` ("www." kept): storage keys of mobile and AMP hosts map to it."""
        return (urlsplit(self.base_url).netloc or "").lower()

    def is_article_path(self, path_and_query: str) -> bool:
        """True when a URL's path (and query) looks like one of this outlet's articles."""
        return self.article_path(path_and_query) is not None

    def article_path(self, path_and_query: str) -> str | None:
        """The path (and query) of the article a URL names, or None when it names none.

        The outlet's pattern first, then the shapes every outlet shares (crawler/url_shapes.toml):
        the WordPress shortlink, a section before an article path, and page N of an article
        (whose article is page 1).
        """
        if self._pattern.search(path_and_query) or SHAPES.shortlink.search(path_and_query):
            return path_and_query
        section = SHAPES.section_prefix.match(path_and_query)
        if (
            section
            and section["section"] not in SHAPES.not_sections
            and self._pattern.search(section["article"])
        ):
            return path_and_query
        page = SHAPES.page_suffix.match(path_and_query)
        if page and self._pattern.search(page["article"]):
            return page["article"]
        return None

    def key_of(self, url: str) -> str:
        """The storage key of one of this outlet's URLs: mobile and AMP forms mapped home, page N
        of an article mapped onto the article."""
        parts = urlsplit(url.strip())
        for amp, home in self.amp_copies:
            if parts.path.lower().startswith(amp):
                url = urlunsplit(parts._replace(path=home + parts.path[len(amp) :]))
                break
        key = urlsplit(normalise_url(url, site_host=self.host))
        path = key.path + (f"?{key.query}" if key.query else "")
        article = self.article_path(path)
        if article is None or article == path:
            return key.geturl()
        return urlunsplit((key.scheme, key.netloc, article, "", ""))

    def is_article_url(self, url: str) -> bool:
        """True for an article URL of this outlet, in any of its forms (AMP, mobile, tracking)."""
        key = urlsplit(self.key_of(url))
        return key.netloc == self.host and self.is_article_path(
            key.path + (f"?{key.query}" if key.query else "")
        )

    def page_one(self, url: str) -> str:
        """The URL of the article a page-N URL (`/<article>/4`) is part of; others unchanged."""
        parts = urlsplit(url)
        page = SHAPES.page_suffix.match(parts.path)
        if page and self.article_path(parts.path) == page["article"]:
            return urlunsplit(parts._replace(path=page["article"]))
        return url

    def full_text_url(self, url: str) -> str:
        """The URL of the whole article: `url` with `full_text_query` added where it is missing."""
        if not self.full_text_query or self.full_text_query in urlsplit(url).query.split("&"):
            return url
        return url + ("&" if urlsplit(url).query else "?") + self.full_text_query

    def with_base_url(self, base_url: str) -> Source:
        """The same outlet served from another origin (the replay web, a mirror)."""
        values = {
            name: getattr(self, name) for name in self.__dataclass_fields__ if name != "_pattern"
        }
        values["base_url"] = base_url.rstrip("/")
        return Source(**values)


def load_sources(path: Path | str | None = None) -> dict[str, Source]:
    """Read a registry file; raise `ValueError` naming the entry that is wrong."""
    registry = Path(path) if path else DEFAULT_REGISTRY
    with registry.open("rb") as handle:
        data = tomllib.load(handle)
    sources: dict[str, Source] = {}
    for entry in data.get("source", []):
        entry = dict(entry)
        entry["amp_copies"] = tuple(dict(entry.get("amp_copies", {})).items())
        for name in ("feeds", "sitemaps", "listing"):
            if name in entry:
                entry[name] = tuple(entry[name])
        try:
            source = Source(**entry)
        except TypeError as error:
            raise ValueError(f"{registry}: entry {entry.get('key')!r}: {error}") from error
        if source.key in sources:
            raise ValueError(f"{registry}: source key {source.key!r} appears twice")
        sources[source.key] = source
    return sources


def adhoc_key(url: str) -> str:
    """Key for an outlet met ad hoc, from its host ("www.example.co.id" → "example_co_id")."""
    host = (urlsplit(url).hostname or "unknown").lower().removeprefix("www.")
    key = re.sub(r"[^a-z0-9]+", "_", host).strip("_") or "unknown"
    return key if key[0].isalpha() else f"site_{key}"


def source_for_url(url: str, sources: dict[str, Source]) -> Source | None:
    """The registered outlet a URL belongs to (same host, ignoring "www.", "m." and "amp.")."""
    host = (urlsplit(url).hostname or "").lower()
    bare = host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")
    for source in sources.values():
        registered = (urlsplit(source.base_url).hostname or "").lower().removeprefix("www.")
        if bare == registered:
            return source
    return None
