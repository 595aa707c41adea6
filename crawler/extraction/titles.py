"""The article's title without the site's name, found from the page's own metadata.

Outlets put their name into `<title>` and often og:title: "Judul - Kompas.com", "Judul |
Republika Online", "KapanLagi.com: Musik - Judul", "Judul - Kompas.com Regional". Researchers
read and group by titles, so the name is cut off and kept as the site name. A part of the
title is cut only on the page's own evidence, never from a list of literal names:

- a name: an end part of the title set off by a separator and equal to, or starting with, a
  name the page gives for its site (og:site_name and the like, as trafilatura reads them),
  the registry's outlet name, or the registered name of the page's host ("tempo" of
  gaya.tempo.co for "Tempo Gaya");
- the headline: when an h1 (or og:title) is the title minus a part that holds such a name,
  that whole part goes, a section name with it ("KapanLagi.com: Musik - Judul").

A title part that names nothing (the "Banjir Bandang" of "Banjir Bandang - Ratusan Warga
Mengungsi") stays, whatever the headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Separators between a title and a site name: spaced dashes, bars, bullets, guillemets, and
#: a colon after the first part ("KapanLagi.com: Musik - Judul").
SEPARATOR = re.compile(r"\s+[-–—•·»]\s+|\s*(?<!\\)\|\s*|(?<=\S)\s*::?\s+")
#: A site-name part is short and is no sentence.
NAME_MAX_WORDS = 6
NAME_MAX_CHARS = 60
#: Words a name part may carry after the name itself ("Kompas.com Regional", "Republika
#: Online", "Tempo Gaya").
NAME_EXTRA_WORDS = 2
#: A name key shorter than this matches too much ("id", "tv").
MIN_NAME_KEY = 4
#: Second-level labels of domain suffixes (.co.id, .go.id, .or.id, .com.my, …): the label
#: before them is the site's registered name.
SECOND_LEVEL_LABELS = frozenset(
    {"com", "co", "net", "org", "or", "go", "ac", "sch", "web", "my", "gov", "edu", "biz"}
)
#: What a title keeps at least.
MIN_TITLE_WORDS = 2
#: A page number at the end of a title is pagination, not part of the headline ("… Halaman
#: all - Kompas.com", "… - Halaman 2 - TribunSultra.com").
PAGE_MARKER = re.compile(
    r"(?:\s+[-–—|]|\s)\s*(?:halaman|page|hal\.)\s*(?:\d{1,3}|all|semua)$", re.IGNORECASE
)


@dataclass(frozen=True)
class SplitTitle:
    title: str
    site_name: str | None  #: the part cut off, None when nothing was cut


def split_site_name(
    title: str, headlines: Iterable[str], names: Iterable[str], url: str | None
) -> SplitTitle:
    """`title` without the site's name (see the module docstring for the evidence used)."""
    keys = _name_keys(names, url)
    if not keys:
        return SplitTitle(title, None)
    for headline in headlines:
        cut = _cut_around(title, headline, keys)
        if cut is not None:
            return cut
    parts = SEPARATOR.split(title)
    if len(parts) < 2:
        return SplitTitle(title, None)
    spans = _part_spans(title)
    if _names_site(parts[-1], keys, extra_words=NAME_EXTRA_WORDS):
        return _keep(title, title[: spans[-1][0]], parts[-1])
    if _names_site(parts[0], keys, extra_words=0):
        rest_start = spans[0][1]
        # "KapanLagi.com: Musik - Judul": a one- or two-word section after the site's name
        if len(parts) >= 3 and len(parts[1].split()) <= 2 and len(parts[2].split()) >= 3:
            rest_start = spans[1][1]
        return _keep(title, title[rest_start:], parts[0])
    return SplitTitle(title, None)


def _cut_around(title: str, headline: str, keys: set[str]) -> SplitTitle | None:
    """The headline when `title` is it plus a part behind a separator that names the site."""
    headline = " ".join(headline.split())
    if len(headline.split()) < MIN_TITLE_WORDS or headline.casefold() == title.casefold():
        return None
    folded, wanted = title.casefold(), headline.casefold()
    if folded.startswith(wanted):
        rest = title[len(headline) :]
        match = SEPARATOR.match(rest)
        name = _site_piece(rest[match.end() :], keys) if match else None
        if name is not None:
            return SplitTitle(title[: len(headline)], name)
    if folded.endswith(wanted):
        rest = title[: len(title) - len(headline)]
        match = re.search(rf"(?:{SEPARATOR.pattern})$", rest)
        name = _site_piece(rest[: match.start()], keys) if match else None
        if name is not None:
            return SplitTitle(title[len(title) - len(headline) :], name)
    return None


def _site_piece(part: str, keys: set[str]) -> str | None:
    """The piece of `part` (split at separators) that names the site, if `part` is short."""
    if not _name_like(part):
        return None
    return next((piece for piece in SEPARATOR.split(part) if _names_site(piece, keys)), None)


def _keep(title: str, rest: str, name: str) -> SplitTitle:
    """`rest` as the title (without a page number), unless it is too short or shorter than
    the name cut off."""
    rest = PAGE_MARKER.sub("", rest.strip())
    if len(rest.split()) < max(MIN_TITLE_WORDS, len(name.split())):
        return SplitTitle(title, None)
    return SplitTitle(rest, name.strip())


def _part_spans(title: str) -> list[tuple[int, int]]:
    """(start, end) of each separator in `title`."""
    return [match.span() for match in SEPARATOR.finditer(title)]


def _name_like(part: str) -> bool:
    words = part.split()
    return (
        0 < len(words) <= NAME_MAX_WORDS
        and len(part) <= NAME_MAX_CHARS
        and not re.search(r"[!?]|\.(?:\s|$)", part)
    )


def _names_site(part: str, keys: set[str], extra_words: int = NAME_EXTRA_WORDS) -> bool:
    """Whether `part` is one of the site's names, with at most `extra_words` words before or
    after it ("Kompas.com Regional", "News Liputan6.com"), or one word starting with it
    ("detikNews"); with `extra_words` 0 the part must be the name exactly, as a leading part
    must: "Kendari Pos Raih Penghargaan" starts with a name but is a title."""
    if not _name_like(part):
        return False
    words = part.split()
    spans = {
        (start, end)
        for start in range(min(extra_words, len(words) - 1) + 1)
        for end in range(max(start + 1, len(words) - extra_words + start), len(words) + 1)
        if len(words) - (end - start) <= extra_words
    }
    if any(_key(" ".join(words[start:end])) in keys for start, end in spans):
        return True
    return bool(extra_words) and len(words) == 1 and any(_key(part).startswith(key) for key in keys)


def _name_keys(names: Iterable[str], url: str | None) -> set[str]:
    """Comparison keys of the site's names and of its host's registered name.

    Only the registered name counts ("kompas" and "kompas.com" of regional.kompas.com), not
    a subdomain: "sultra" of sultra.antaranews.com is a place, and a title may start with it.
    """
    keys = {_key(name) for name in names if name}
    labels = ((urlsplit(url).hostname or "") if url else "").split(".")
    suffix = len(labels) - 1  # the last label is the top-level domain, whatever it is
    while suffix > 1 and labels[suffix - 1] in SECOND_LEVEL_LABELS:
        suffix -= 1
    if suffix >= 1:  # the registered name and the domain
        keys.add(_key(labels[suffix - 1]))
        keys.add(_key("".join(labels[suffix - 1 :])))
    return {key for key in keys if len(key) >= MIN_NAME_KEY}


def _key(text: str) -> str:
    """Case, spacing and punctuation do not make a name different: "Kompas.com" = "KOMPAS com"."""
    return "".join(character for character in text.casefold() if character.isalnum())
