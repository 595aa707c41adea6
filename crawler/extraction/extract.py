"""Article extraction: decoded HTML → `ExtractedArticle` (text, title, credits, date, URL).

First stage after the spider (pipelines.extract, `warta extract`). trafilatura is called once
per page, with metadata, and its quirks are pinned here: its date comes as a string and
without the page's time zone unless asked for, comments are excluded, and its output is not
Unicode-normalised in the Python form. crawler.extraction.cleanup then removes what trafilatura
leaves on
Indonesian news pages. Dates without a zone are read as WITA (UTC+8), the time of Sultra.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler.extraction.cleanup import Boilerplate, default_boilerplate, load_boilerplate
from crawler.extraction.titles import split_site_name
from crawler.urls import amp_to_canonical, is_amp_url, normalise_url

#: Sultra's clock; a date given without a zone was written there.
WITA = timezone(timedelta(hours=8), "WITA")
#: Ask htmldate (inside trafilatura) for the time and the zone, not only the day.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
#: Account names that say nothing about who wrote the article.
GENERIC_AUTHORS = frozenset({"admin", "administrator", "webmaster", "redaksi", "editor", "user"})
#: Larger "pages" are not articles (DOWNLOAD_MAXSIZE stops them earlier in a crawl).
MAX_HTML_CHARS = 20_000_000
#: Charsets whose declaration is often wrong: servers announce Latin-1 for UTF-8 bodies.
LATIN1_DECLARATIONS = frozenset({"iso8859-1", "latin-1", "cp1252", "ascii"})
#: h1 elements compared with the title (a page has one; themes add a logo or a widget's).
MAX_HEADLINES = 3
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class ExtractionOptions:
    """Everything extraction needs, built once (from settings or directly) and shared."""

    min_text_chars: int = 250
    #: trafilatura's precision mode drops more borderline paragraphs; off, see EXTRACTION.md.
    favor_precision: bool = False
    include_tables: bool = True
    default_timezone: tzinfo = WITA
    boilerplate: Boilerplate = field(default_factory=default_boilerplate)

    def __post_init__(self) -> None:
        if self.min_text_chars < 0:
            raise ValueError(f"min_text_chars must be >= 0, got {self.min_text_chars!r}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ExtractionOptions:
        """Options from Scrapy settings (or any mapping): WARTA_MIN_TEXT_CHARS,
        WARTA_BOILERPLATE_FILE (None: the packaged rules), WARTA_EXTRACT_FAVOR_PRECISION."""
        boilerplate_file = settings.get("WARTA_BOILERPLATE_FILE")
        return cls(
            min_text_chars=int(settings.get("WARTA_MIN_TEXT_CHARS", 250)),
            favor_precision=bool(settings.get("WARTA_EXTRACT_FAVOR_PRECISION", False)),
            boilerplate=load_boilerplate(boilerplate_file)
            if boilerplate_file
            else default_boilerplate(),
        )


@dataclass
class ExtractedArticle:
    """The article found in a page; `removed` names the boilerplate rules that fired."""

    title: str | None
    author: str | None
    editor: str | None
    published_at: datetime | None
    site_name: str | None
    canonical_url: str | None
    text: str
    html_sha256: str
    removed: list[str] = field(default_factory=list)


def extract_article(
    html: str, url: str | None, options: ExtractionOptions, outlet_name: str | None = None
) -> ExtractedArticle | None:
    """Extract the article of `html` fetched from `url`; None when there is no article text.

    "No article" also covers text shorter than `options.min_text_chars` after cleanup (menus,
    JavaScript shells, stubs) and HTML that trafilatura cannot parse. `outlet_name` (the
    registry's name of the outlet) helps find the site's name in the title.
    """
    if not html or not html.strip():
        return None
    html_sha256 = hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
    if len(html) > MAX_HTML_CHARS:
        return None  # no news article is this large; parsing it would only cost memory
    # NUL bytes make lxml refuse the whole document; they never carry text.
    html = html.replace("\x00", "")
    try:
        # One parse: the metadata readers and trafilatura's extraction share the tree
        # (bare_extraction works on its own copy of it).
        tree = load_html(html)
        if tree is None:
            return None
        metadata = _read_metadata(tree, url)
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=options.include_tables,
            favor_precision=options.favor_precision,
        )
    except (RecursionError, MemoryError, ValueError, TypeError):
        # Pathological nesting or broken markup: no article, not a crash of the stage.
        return None
    if document is None or isinstance(document, dict) or not document.text:
        return None

    title, site_name = _title_and_site(tree, metadata, url, outlet_name)
    cleaned = options.boilerplate.clean(unicodedata.normalize("NFC", document.text), title)
    if len(cleaned.text) < max(options.min_text_chars, 1):
        return None
    published_at = _parse_date(metadata.date, options.default_timezone)
    if published_at is None:
        published_at = _htmldate_fallback(tree, metadata.url or url, options.default_timezone)
    return ExtractedArticle(
        title=title,
        author=cleaned.author or _author(metadata.author),
        editor=cleaned.editor,
        published_at=published_at,
        site_name=site_name,
        canonical_url=_canonical_url(metadata.url, url),
        text=cleaned.text,
        html_sha256=html_sha256,
        removed=cleaned.removed,
    )


def _read_metadata(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's metadata readers, minus the slow ones we do not need.

    `extract_metadata` would add ~35% to a page's extraction time, mostly in its byline
    heuristics over the whole body, categories/tags and licence. Warta takes the author
    from meta tags and JSON-LD, and from the credit lines crawler.extraction.cleanup finds in the
    text;
    the date comes from htmldate's quick search (meta tags, JSON-LD, URL, <time>), which keeps
    the page's time and zone.
    """
    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - trafilatura's own guard: its JSON-LD parser has bugs
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    # trafilatura drops a root-relative canonical when the page has no og:url to prefix it
    # with (common on AMP pages); resolving against the page URL keeps it.
    canonical = _canonical_href(tree)
    if canonical and url:
        canonical = urljoin(url, canonical)
    metadata.url = canonical if canonical and "://" in canonical else extract_url(tree, url)
    metadata.date = find_date(
        tree,
        url=metadata.url,
        original_date=True,
        extensive_search=False,
        outputformat=DATE_FORMAT,
        # a /2024/08/14/ URL gives the day only; meta tags and JSON-LD give time and zone
        deferred_url_extractor=True,
    )
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
    metadata.clean_and_trim()
    return metadata


def _title_and_site(
    tree: HtmlElement, metadata: Document, url: str | None, outlet_name: str | None
) -> tuple[str | None, str | None]:
    """The title without the site's name (crawler.extraction.titles), and the site's name."""
    title = _clean_field(metadata.title)
    site_name = _clean_field(metadata.sitename)
    if title is None:
        return None, site_name
    headlines = [
        " ".join(h1.text_content().split())
        for h1 in itertools.islice(tree.iterfind(".//h1"), MAX_HEADLINES)
    ]
    names = [name for name in (site_name, outlet_name) if name]
    split = split_site_name(title, headlines, names, metadata.url or url)
    return split.title, site_name or split.site_name


def decode_html(body: bytes, declared: str | None) -> str:
    """Decode a page body: BOM, then the declared charset (HTTP header, else <meta>),
    then UTF-8, then cp1252, which decodes anything.

    A Latin-1 family declaration on a body that is valid UTF-8 with non-ASCII bytes is the
    usual server misconfiguration; UTF-8 wins there, as the text would otherwise be mojibake.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    if not declared:
        match = META_CHARSET.search(body[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
    candidates: list[str] = []
    codec = _codec_name(declared)
    if codec is not None:
        if codec in LATIN1_DECLARATIONS and not body.isascii():
            candidates.append("utf-8")
        candidates.append(codec)
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace")


def _codec_name(declared: str | None) -> str | None:
    """Python's name for a declared charset; None when unknown or not a text encoding."""
    if not declared:
        return None
    try:
        info = codecs.lookup(declared.strip().strip("\"'").lower())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # rot13, base64 and friends
    return info.name


def _canonical_href(tree: HtmlElement) -> str | None:
    """href of <link rel="canonical">, else content of og:url, as written in the page."""
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href:
                return href
    for meta in tree.iterfind(".//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            content = (meta.get("content") or "").strip()
            if content:
                return content
    return None


def _clean_field(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value or None


def _author(value: str | None) -> str | None:
    """trafilatura's author unless it is an account name such as "admin"."""
    value = _clean_field(value)
    if value is None or value.casefold() in GENERIC_AUTHORS:
        return None
    return value


def _parse_date(value: str | None, default_timezone: tzinfo) -> datetime | None:
    """An aware datetime from htmldate's output; a date without a zone is local (WITA)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_timezone)
    elif parsed.utcoffset() == timedelta(0):
        parsed = parsed.astimezone(UTC)
    return parsed


def _htmldate_fallback(
    tree: HtmlElement, url: str | None, default_timezone: tzinfo
) -> datetime | None:
    """htmldate's extensive search when the quick one found no date: it reads dates in the
    visible text (Indonesian month names too) and accepts a last-modified date."""
    try:
        value = find_date(
            tree, url=url, original_date=False, extensive_search=True, outputformat=DATE_FORMAT
        )
    except (ValueError, TypeError, RecursionError):
        return None
    return _parse_date(value, default_timezone)


def _canonical_url(found: str | None, page_url: str | None) -> str | None:
    """The article's URL: rel=canonical / og:url (as trafilatura read it) resolved against the
    page URL, else the page URL with AMP mapped away; normalised as a storage key.

    A canonical pointing at the site root from an article page is a theme bug seen on
    WordPress sites; trusting it would merge every article of the site, so it is ignored.
    """
    candidate = urljoin(page_url, found) if page_url and found else found
    if candidate and urlsplit(candidate).scheme in {"http", "https"}:
        root_claim = urlsplit(candidate).path in {"", "/"}
        page_is_root = page_url is None or urlsplit(page_url).path in {"", "/"}
        if not root_claim or page_is_root:
            return normalise_url(candidate)
    if page_url and urlsplit(page_url).scheme in {"http", "https"}:
        return normalise_url(amp_to_canonical(page_url) if is_amp_url(page_url) else page_url)
    return None
