"""Where an article's happening took place: a region of the gazetteer (or a country abroad),
with the evidence that says so and a confidence.

Evidence, from strongest: the dateline ("KENDARI –", "Liputan6.com, Jakarta"), a venue with a
known city (places.toml), a name after an office or a unit ("Pj Bupati Bombana", "Kabupaten
Konawe", "Kecamatan Wawotobi", "Polres Konsel"), a bare region name ("Kendari", "Konsel").
Headline evidence weighs double, evidence past the lead half (weights in places.toml).

The decision goes down one level at a time and stops where it is not sure: the province with
most weight, then the regency with most weight inside it (only evidence that names a regency
or something inside one), then a kecamatan of that regency. A name with several meanings
(Kabupaten and Kota Malang; a kecamatan name found in two regencies) counts only for the
meaning other evidence supports; a bare kecamatan or desa name counts only inside a province
that other evidence already names. A tie at any level stops there. Foreign evidence (ISO
country names in Indonesian, foreign cities of places.toml) wins when it outweighs the
Indonesian evidence `abroad_lead` times.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dedupe.gazetteer import Gazetteer, country_name, gazetteer, name_key
from dedupe.headlines import is_service_item
from dedupe.lexicon import lexicon

_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")  # "JakartaAnnisa": a link's words run together
_DATELINE = re.compile(r"\A\s*(?P<head>[^\n–—]{2,90}?)\s*(?:[–—]+|\s-+\s|-{2,}|-(?=[A-Z\s]))")
#: "Liputan6.com, Jakarta" with no dash after the city (the scraper ran the lead into it)
_OUTLET_CITY = re.compile(r"\A\s*[\w.]+\.(?:com|id),\s*(?P<head>[A-Z][a-z]+)\b")
#: "Laporan Wartawan Tribun-Papua.com, … TRIBUN-PAPUA.COM, WAMENA -": the dateline after a byline
_BYLINE_DATELINE = re.compile(
    r"[\w.\-]+\.(?:COM|CO\.ID|ID|CO|NET)\s*,\s*(?P<head>[A-Z][A-Z .']{2,40}?)\s*[–—-]"
)
_OUTLET = re.compile(r"\.(?:com|id|co|net|org|news)\b|^(?:antara|kompas|tribun\w*)$", re.I)
MIN_BARE_DISTRICT = 5  #: shortest kecamatan/desa name that may count without a marker


@dataclass(frozen=True)
class Evidence:
    kind: str  #: dateline, venue, jurisdiction, name, district, village, abroad
    text: str  #: the words as written
    codes: tuple[str, ...]  #: the regions it can mean (a country's alpha-2 for abroad)
    weight: float
    #: counts only inside a province other evidence names (bare kecamatan and desa names)
    contextual: bool = False


@dataclass(frozen=True)
class Place:
    """The happening's place: `code` its most specific region (None abroad), `country` ISO
    alpha-2 ("ID" at home)."""

    code: str | None
    country: str
    confidence: float
    evidence: tuple[Evidence, ...] = field(default=())

    def record(self, places: Gazetteer | None = None) -> dict[str, Any]:
        """{"code", "name", "regency", "province", "country"} as `warta mentions` writes it."""
        places = places or gazetteer()
        if self.code is None:
            return {
                "code": None,
                "name": country_name(self.country),
                "regency": None,
                "province": None,
                "country": self.country,
            }
        region = places[self.code]
        regency = places.regency_of(self.code)
        return {
            "code": self.code,
            "name": region.name,
            "regency": regency.name if regency else None,
            "province": places.province_of(self.code).name,
            "country": "ID",
        }

    def evidence_json(self) -> list[dict[str, Any]]:
        return [{"kind": e.kind, "text": e.text, "codes": list(e.codes)} for e in self.evidence]


def find_evidence(title: str | None, text: str, places: Gazetteer) -> list[Evidence]:
    """Every mention of a place in the headline and the text, weighted (see the module doc)."""
    weights = places.weights
    found = [
        _weighted(e, weights["title"])
        for e in _mentions(title or "", places, dateline=False)
        if not e.contextual  # a headline capitalises every word
    ]
    lead = int(weights["lead_chars"])
    for position, evidence in _positioned(text, places):
        found.append(evidence if position < lead else _weighted(evidence, weights["late"]))
    return found


def place_of(title: str | None, text: str, places: Gazetteer | None = None) -> Place | None:
    """The place of the happening an article reports, or None when the text cannot tell.

    A dateline alone places nothing: the desk's city, never named again in the text nor in
    the headline, is where the story was filed, not where anything happened (a national desk
    files recipes and foreign news from Jakarta). Nor does it count in a service or evergreen
    item (a recipe, a horoscope, a how-to: dedupe.headlines), which reports no happening."""
    places = places or gazetteer()
    evidence = find_evidence(title, text, places)
    home = [e for e in evidence if e.kind != "abroad"]
    if is_service_item(title) or all(e.kind == "dateline" or e.contextual for e in home):
        evidence = [e for e in evidence if not _echoes(e, evidence)]
    return decide(evidence, places)


def decide(evidence: list[Evidence], places: Gazetteer) -> Place | None:
    home = [e for e in evidence if e.kind != "abroad"]
    provinces = _votes((e.weight, {c[:2] for c in e.codes}) for e in home if not e.contextual)
    abroad = _votes((e.weight, set(e.codes)) for e in evidence if e.kind == "abroad")
    home_total = sum(provinces.values())
    weights = places.weights
    if abroad:
        # the dateline says where the desk is; abroad wins over the rest of the home evidence
        country, weight = _leader(abroad)
        rest = sum(e.weight for e in home if not e.contextual and not _echoes(e, evidence))
        if country and weight >= weights["abroad_min"] and weight > weights["abroad_lead"] * rest:
            used = tuple(e for e in evidence if e.kind == "abroad" and country in e.codes)
            return Place(None, country, round(weight / sum(abroad.values()), 2), used)
    province, weight = _leader(provinces)
    if province is None or weight < weights["min_weight"]:
        return None
    confidence = weight / home_total
    inside = [e for e in home if any(c.startswith(province) for c in e.codes)]
    inside = [_narrowed(e, province) for e in inside]
    regencies = _votes(
        (e.weight, {c[:5] for c in e.codes}) for e in inside if all("." in c for c in e.codes)
    )
    regency, regency_weight = _leader(regencies)
    code = province
    if regency is not None and regency_weight >= weights["min_regency_weight"]:
        share = regency_weight / sum(regencies.values())
        if share >= weights["min_confidence"]:
            code, confidence = regency, confidence * share
            districts = _votes(
                (e.weight, {c[:8] for c in e.codes if c.startswith(regency + ".")})
                for e in inside
                if e.kind in {"district", "village"}
            )
            district, district_weight = _leader(districts)
            if (
                district
                and district_weight >= weights["min_district_weight"]
                and (district_weight / sum(districts.values()) >= weights["min_confidence"])
            ):
                code = district
    used = tuple(e for e in inside if any(c.startswith(code[:5]) for c in e.codes))
    return Place(code, "ID", round(confidence, 2), used)


def common_region(
    places: list[tuple[str | None, str | None]],
) -> tuple[str | None, str | None]:
    """An event's (region code, country) from its articles' (code, country) pairs: the country
    most of them name, then level by level the region most of those agree on, stopping at a
    tie (articles without a place do not vote)."""
    countries = _votes((1.0, {country}) for _, country in places if country)
    country, _ = _leader(countries)
    if country != "ID":
        return None, country
    codes = [code for code, c in places if c == "ID" and code]
    chosen: str | None = None
    for width in (2, 5, 8):
        votes = _votes(
            (1.0, {code[:width]})
            for code in codes
            if len(code) >= width and (chosen is None or code.startswith(chosen))
        )
        leader, _ = _leader(votes)
        if leader is None:
            break
        chosen = leader
    return chosen, country


# --------------------------------------------------------------------------- votes


def _echoes(evidence: Evidence, found: list[Evidence]) -> bool:
    """The evidence is the dateline or the dateline's city named again."""
    datelines = {e.codes for e in found if e.kind == "dateline"}
    return evidence.kind == "dateline" or (evidence.kind == "name" and evidence.codes in datelines)


def _votes(items: Any) -> dict[str, float]:
    """Weight per key of the items that mean one key only (several meanings: no vote)."""
    votes: dict[str, float] = defaultdict(float)
    for weight, keys in items:
        if len(keys) == 1:
            votes[next(iter(keys))] += weight
    return votes


def _leader(votes: dict[str, float]) -> tuple[str | None, float]:
    """The key with most weight, or None on a tie or no votes."""
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None, 0.0
    return ranked[0]


def _narrowed(evidence: Evidence, province: str) -> Evidence:
    codes = tuple(c for c in evidence.codes if c.startswith(province))
    return Evidence(evidence.kind, evidence.text, codes, evidence.weight, evidence.contextual)


def _weighted(evidence: Evidence, factor: float) -> Evidence:
    return Evidence(
        evidence.kind,
        evidence.text,
        evidence.codes,
        evidence.weight * factor,
        evidence.contextual,
    )


# --------------------------------------------------------------------------- mentions


def _positioned(text: str, places: Gazetteer) -> list[tuple[int, Evidence]]:
    return [(position, e) for position, e in _scan(text, places, dateline=True)]


def _mentions(text: str, places: Gazetteer, *, dateline: bool) -> list[Evidence]:
    return [e for _, e in _scan(text, places, dateline=dateline)]


def _scan(text: str, places: Gazetteer, *, dateline: bool) -> list[tuple[int, Evidence]]:
    """(position, evidence) of every place mention of `text`, the dateline first."""
    text = _GLUED.sub(" ", text)
    found: list[tuple[int, Evidence]] = []
    body = 0  #: where the text after the dateline starts (the dateline's words count once)
    if dateline:
        head = _dateline(text, places)
        if head is not None:
            found.append((0, head[0]))
            body = head[1]
    tokens = [t for t in _TOKEN.finditer(text) if t.start() >= body]
    # a kecamatan named like a word the text also writes in lower case ("Tambang") is that word
    stopwords = lexicon().name_stopwords | {t.group() for t in tokens if t.group().islower()}
    i = 0
    while i < len(tokens):
        venue = _venue(tokens, i, places)  # "Polda Metro Jaya" before the marker "Polda"
        if venue is not None:
            found.append((tokens[i].start(), venue[0]))
            i += venue[1]
            continue
        marker, width = _marker(tokens, i, places)
        start = i + width
        hit = _lookup(tokens, start, marker, places, stopwords)
        if hit is None:
            i += max(width, 1)
            continue
        evidence, used = hit
        found.append((tokens[i].start(), evidence))
        i = start + used
    return found


def _marker(tokens: list[re.Match[str]], i: int, places: Gazetteer) -> tuple[str | None, int]:
    """The marker kind of the words at `i` ("pj bupati" → kabupaten) and how many words."""
    best: tuple[str | None, int] = (None, 0)
    for width in (1, 2, 3):
        words = " ".join(t.group().lower() for t in tokens[i : i + width])
        kind = places.markers.get(words) or places.markers.get(words + ".")
        if kind is not None:
            best = (kind, width)
    if best[0] is not None:  # "DPRD Kota Kendari": the innermost marker says the kind
        inner, width = _marker(tokens, i + best[1], places) if best[1] else (None, 0)
        if inner is not None:
            return inner, best[1] + width
    return best


def _venue(tokens: list[re.Match[str]], i: int, places: Gazetteer) -> tuple[Evidence, int] | None:
    for width in range(places.longest, 1, -1):
        words = tokens[i : i + width]
        key = name_key(" ".join(w.group() for w in words))
        if len(words) == width and key in places.venues:
            surface = " ".join(w.group() for w in words)
            return Evidence("venue", surface, (places.venues[key],), places.weights["venue"]), width
    return None


def _lookup(
    tokens: list[re.Match[str]],
    start: int,
    marker: str | None,
    places: Gazetteer,
    stopwords: frozenset[str],
) -> tuple[Evidence, int] | None:
    """The longest place name of capitalised words at `start` (evidence, words used)."""
    for width in range(places.longest, 0, -1):
        words = tokens[start : start + width]
        if len(words) < width or not all(w.group()[0].isupper() for w in words):
            continue
        surface = " ".join(w.group() for w in words)
        evidence = _meaning(surface, marker, places, stopwords)
        if evidence is not None:
            return evidence, width
    return None


def _meaning(
    surface: str, marker: str | None, places: Gazetteer, stopwords: frozenset[str]
) -> Evidence | None:
    key = name_key(surface)
    weights = places.weights
    short = len(key) <= 3 and not surface.isupper()  # "AS", "DIY", "NTB" only in capitals
    if marker in {"district", "village"}:
        index = places.districts if marker == "district" else places.villages
        codes = tuple(index.get(key, ()))
        return Evidence(marker, surface, codes, weights["jurisdiction"], True) if codes else None
    codes = tuple(places.names.get(key, ()))
    if codes and not short:
        codes = _of_kind(codes, marker, places)
        if codes and (marker or key not in places.needs_marker):
            kind = "jurisdiction" if marker else "name"
            return Evidence(kind, surface, codes, weights[kind])
        return None
    if key in places.abroad and not short and marker is None:
        return Evidence("abroad", surface, (places.abroad[key],), weights["name"])
    if marker is None and len(key) >= MIN_BARE_DISTRICT and surface.lower() not in stopwords:
        codes = tuple(places.districts.get(key, ()))
        if codes:
            return Evidence("name", surface, codes, weights["name"], True)
    return None


def _of_kind(codes: tuple[str, ...], marker: str | None, places: Gazetteer) -> tuple[str, ...]:
    """The meanings of a name that its marker allows ("Kota Malang": the kota only)."""
    if marker in {"kabupaten", "kota"}:
        return tuple(c for c in codes if places[c].kind == marker) or tuple(
            c for c in codes if places[c].level == "province"
        )
    if marker == "province":
        return tuple(c for c in codes if "." not in c) or codes
    return codes


def _dateline(text: str, places: Gazetteer) -> tuple[Evidence, int] | None:
    """The city of a dateline: the place word of the words before the first dash."""
    for match in (
        _DATELINE.match(text[:120]),
        _OUTLET_CITY.match(text[:120]),
        _BYLINE_DATELINE.search(text[:300]),
    ):
        found = _dateline_place(match, places) if match else None
        if found is not None:
            return found
    return None


def _dateline_place(match: re.Match[str], places: Gazetteer) -> tuple[Evidence, int] | None:
    parts = re.split(r"[,()]", match.group("head"))
    for part in (p.strip() for p in parts):
        if not part or _OUTLET.search(part) or len(part.split()) > 4:
            continue
        key = name_key(part)
        codes = tuple(places.names.get(key, ()))
        if not codes and key in places.abroad:
            return Evidence(
                "abroad", part, (places.abroad[key],), places.weights["dateline"]
            ), match.end()
        if codes:
            cities = tuple(c for c in codes if places[c].kind == "kota")
            return Evidence(
                "dateline", part, cities or codes, places.weights["dateline"]
            ), match.end()
        districts = places.districts.get(key, [])
        if len(districts) == 1:  # "WAMENA –": a town known by its kecamatan
            return Evidence(
                "dateline", part, tuple(districts), places.weights["dateline"]
            ), match.end()
    return None


_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")


def find_region(value: str, places: Gazetteer | None = None) -> str:
    """The code of the region a user names: a code ("74.05"), a name with or without its kind
    ("Konawe Selatan", "Kabupaten Konawe Selatan", "Kota Kendari"), a short name ("Konsel") or
    a kecamatan's name. LookupError, saying the choices, when it names none or several."""
    places = places or gazetteer()
    value = " ".join(value.split())
    if _CODE.fullmatch(value):
        if value in places.regions:
            return value
        raise LookupError(f"no region has the code {value!r}")
    tokens = list(_TOKEN.finditer(value))
    marker, width = _marker(tokens, 0, places)
    key = name_key(" ".join(t.group() for t in tokens[width:]))
    codes = _of_kind(tuple(places.names.get(key, ())), marker, places)
    if not codes and marker in {None, "district"}:
        codes = tuple(places.districts.get(key, ()))
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise LookupError(f"no region is named {value!r}")
    choices = ", ".join(f"{places[c].name} ({c})" for c in codes[:8])
    raise LookupError(f"{value!r} names several regions: {choices}")
