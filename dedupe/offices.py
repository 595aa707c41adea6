"""Offices as written, and the one office they name: head + jurisdiction.

"Penjabat (Pj) Wali Kota Kendari" and "Pj Walikota Kendari" are one office, "Pj Wali Kota /
Kota Kendari"; "Kepala Polda Sulawesi Tenggara" and "Kapolda Sultra" are "Kapolda / Polda
Sultra". The heads, the units they lead and the acting marks are data (offices.toml); a region's
spellings are the short forms of mentions.toml (the first of each pair names it). An office whose
head is not listed has no canonical form (None): it is grouped as written.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from dedupe.mention_lexicon import Phrases, mention_lexicon

OFFICES_FILE = Path(__file__).with_name("offices.toml")


@cache
def _data() -> tuple[
    Phrases, dict[str, str], Phrases, dict[str, tuple[str, str]], frozenset[str], frozenset[str]
]:
    data = tomllib.loads(OFFICES_FILE.read_text(encoding="utf-8"))
    return (
        Phrases(written for written, _ in data["acting"]),
        {written: label for written, label in data["acting"]},
        Phrases(written for written, _, _ in data["heads"]),
        {written: (head, unit) for written, head, unit in data["heads"]},
        frozenset(data["unit_words"]),
        frozenset(data["national"]),
    )


@cache
def _region_names() -> dict[str, str]:
    """Every spelling of a region with an alias → the spelling that names it ("sulawesi
    tenggara" → "sultra")."""
    names: dict[str, str] = {}
    for short, full in mention_lexicon().region_alias.items():
        names.setdefault(full, short)
        names.setdefault(short, short)
    return names


def _display(words: list[str]) -> str:
    return " ".join(w.upper() if len(w) <= 3 else w.capitalize() for w in words)


def canonical_office(office: str | None) -> str | None:
    """ "Pj Bupati Bombana" → "Pj Bupati / Kabupaten Bombana"; None for unlisted heads."""
    if not office:
        return None
    words = re.sub(r"\([^)]*\)|[.,]", " ", office.lower()).split()
    acting_phrases, acting, heads, canonical, unit_words, national = _data()
    marks, i = [], 0
    while length := acting_phrases.match(words, i):
        marks.append(acting[" ".join(words[i : i + length])])
        i += length
    length = heads.match(words, i)
    if not length:
        return None
    head, unit = canonical[" ".join(words[i : i + length])]
    rest = [w for w in words[i + length :] if w not in unit_words]
    place = " ".join(rest)
    region = _region_names().get(place, place)
    label = " ".join(dict.fromkeys(marks)) + (" " if marks else "") + head
    if not region or (not unit and region in national):
        return label
    return f"{label} / {' '.join(filter(None, (unit, _display(region.split()))))}"
