"""Reading where an article says things happened: every mention of a place in a headline and a
text, as weighted evidence (dedupe.places decides from it), and a region named by a user.

Kinds of evidence: the dateline ("KENDARI –", "Liputan6.com, Jakarta", "TRIBUN-PAPUA.COM,
WAMENA -" after a byline), a venue with a known city (places.toml), a name after an office or a
unit ("Pj Bupati Bombana", "Kabupaten Konawe", "Kecamatan Wawotobi", "Polres Konsel"), a bare
region name ("Kendari", "Konsel"), a foreign place. Headline evidence weighs double, evidence
past the lead half (weights in places.toml). Bare kecamatan names are "contextual": they count
only inside a province other evidence names, never in a headline (which capitalises every
word), and not when the text also writes the word in lower case ("Tambang", "tambang").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dedupe.gazetteer import Gazetteer, gazetteer, name_key
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
    #: written as a location: after "di", "ke", "kawasan"… or in an address chain
    locative: bool = False
    #: in the headline or the lead (the first `lead_chars`), not further down
    lead: bool = True


def find_evidence(title: str | None, text: str, places: Gazetteer) -> list[Evidence]:
    """Every mention of a place in the headline and the text, weighted (see the module doc)."""
    weights = places.weights
    # words the text writes in lower case: a capitalised one is that word, not a place
    # ("Puncak" in a headline when the text speaks of "fase puncak"; "Tambang", "tambang")
    lower = frozenset(w for w in _TOKEN.findall(text) if w.islower())
    found = [
        _weighted(e, weights["title"])
        for _, e in _scan(title or "", places, lower, dateline=False)
        if not e.contextual  # a headline capitalises every word
    ]
    lead = int(weights["lead_chars"])
    seen: set[str] = set()
    for position, evidence in _scan(text, places, lower, dateline=True):
        if evidence.contextual and evidence.kind == "name":
            if evidence.text in seen:  # a bare kecamatan name counts once, however repeated
                continue
            seen.add(evidence.text)
        if evidence.kind == "dateline" and set(evidence.codes) <= places.desk_cities:
            evidence = replace(evidence, weight=weights["desk_dateline"])
        if position >= lead:
            evidence = replace(_weighted(evidence, weights["late"]), lead=False)
        found.append(evidence)
    return found


def echoes(evidence: Evidence, found: list[Evidence]) -> bool:
    """The evidence is the dateline or the dateline's city named again."""
    datelines = {e.codes for e in found if e.kind == "dateline"}
    return evidence.kind == "dateline" or (evidence.kind == "name" and evidence.codes in datelines)


def _weighted(evidence: Evidence, factor: float) -> Evidence:
    return replace(evidence, weight=evidence.weight * factor)


# --------------------------------------------------------------------------- mentions


def _scan(
    text: str, places: Gazetteer, lower: frozenset[str], *, dateline: bool
) -> list[tuple[int, Evidence]]:
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
    stopwords = lexicon().name_stopwords | lower
    i = 0
    while i < len(tokens):
        venue = _venue(tokens, i, places)  # "Polda Metro Jaya" before the marker "Polda"
        if venue is not None:
            evidence, used = venue
            if _locative(text, tokens, i, places):
                evidence = replace(evidence, locative=True)
            elif places.venue_needs_locative.get(name_key(evidence.text)):
                # an institution named as the subject ("Kejaksaan Agung mengamati…") is not
                # a venue: it counts as a bare name
                evidence = replace(evidence, kind="name", weight=places.weights["name"])
            found.append((tokens[i].start(), evidence))
            i += used
            continue
        marker, width = _marker(tokens, i, places)
        start = i + width
        hit = _lookup(tokens, start, marker, places, stopwords)
        if hit is None:
            i += max(width, 1)
            continue
        evidence, used = hit
        if marker is None and i and tokens[i - 1].group().lower() in places.origins:
            i = start + used  # "penyanyi asal NTT": where someone comes from, not a happening
            continue
        if evidence.kind != "abroad" and _in_venue(text, tokens, i):
            # "Aula Kantor Bupati Kolaka", "Hotel Plaza Inn Kendari": the venue's region
            evidence = replace(
                evidence, kind="venue", weight=places.weights["venue"], locative=True
            )
        elif _locative(text, tokens, i, places):  # "di Kendari", "di Kecamatan Wawotobi"
            evidence = replace(evidence, locative=True)
        found.append((tokens[i].start(), evidence))
        i = start + used
    return found


def _in_venue(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """The words at `i` end a capitalised run that names a venue (a venue word of
    lexicon.toml: Aula, Hotel, Kantor, Gedung…)."""
    venue_words = lexicon().venue_words
    j = i - 1
    while j >= 0 and i - j <= 6:
        word = tokens[j]
        if text[word.end() : tokens[j + 1].start()].strip() or not word.group()[0].isupper():
            return False
        if word.group().lower() in venue_words:
            return True
        j -= 1
    return False


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
        # a marked name found once in the whole country says its province by itself
        unique = len(codes) == 1
        if not codes:
            return None
        return Evidence(marker, surface, codes, weights["jurisdiction"], not unique)
    codes = tuple(places.names.get(key, ()))
    if codes and not short:
        codes = _of_kind(codes, marker, places)
        bare_word = (  # a regency named like a word the text writes in lower case
            marker is None
            and " " not in surface
            and surface.lower() in stopwords
            and all("." in c for c in codes)
        )
        if codes and (marker or key not in places.needs_marker) and not bare_word:
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


def _locative(text: str, tokens: list[re.Match[str]], i: int, places: Gazetteer) -> bool:
    """The name at token `i` is written as a location: after a locative word ("di Kendari",
    "kawasan Grogol") or after a comma that follows a capitalised word ("Pesanggrahan, Jakarta
    Selatan")."""
    if i == 0:
        return False
    before = tokens[i - 1]
    between = text[before.end() : tokens[i].start()]
    if before.group().lower() in places.locatives and between.strip() == "":
        return True
    return between.strip() == "," and before.group()[0].isupper()


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
