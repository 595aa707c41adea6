"""Where an article's happening took place: a region of the gazetteer (or a country abroad),
with the evidence that says so and a confidence.

Evidence (dedupe.place_mentions), from strongest: the dateline, a venue with a
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

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from dedupe.gazetteer import Gazetteer, country_name, gazetteer
from dedupe.headlines import is_service_item
from dedupe.place_mentions import Evidence, echoes, find_evidence, find_region

__all__ = ["Evidence", "Place", "common_region", "decide", "find_region", "place_of"]


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


def place_of(title: str | None, text: str, places: Gazetteer | None = None) -> Place | None:
    """The place of the happening an article reports, or None when the text cannot tell.

    Opinion, editorials and fact checks (places.toml `no_happening`) report no happening. A
    desk city's dateline (places.toml `desk_cities`: Jakarta) alone places nothing: unless the
    text writes the city as a location again ("di Jakarta"), it is where the story was filed
    (national desks file recipes and foreign news from there). Nor does any dateline count in a
    service or evergreen item (a recipe, a horoscope, a how-to: dedupe.headlines)."""
    places = places or gazetteer()
    if places.no_happening.search(title or ""):
        return None
    evidence = find_evidence(title, text, places)
    if is_service_item(title) or _desk_alone(evidence, places):
        evidence = [e for e in evidence if not echoes(e, evidence)]
    # Where it took place is said by venues and "di …" phrases; offices, units and datelines
    # say who took part and who wrote (a Konawe Utara meeting held at a Kendari hotel is in
    # Kendari). Those of the headline and lead decide first; the rest only adds the level
    # below a province they name.
    located = [e for e in evidence if (e.kind == "venue" or e.locative) and e.lead]
    first = decide(located, places)
    if first is None:
        return decide(evidence, places)
    if first.code is None or "." in first.code:
        return first
    fuller = decide(evidence, places)
    return fuller if fuller and fuller.code and fuller.code.startswith(first.code) else first


def _desk_alone(evidence: list[Evidence], places: Gazetteer) -> bool:
    datelines = [e for e in evidence if e.kind == "dateline"]
    if not datelines or not set(datelines[0].codes) <= places.desk_cities:
        return False
    return all(
        e.kind == "dateline" or e.contextual or (echoes(e, evidence) and not e.locative)
        for e in evidence
        if e.kind != "abroad"
    )


def decide(evidence: list[Evidence], places: Gazetteer) -> Place | None:
    home = [e for e in evidence if e.kind != "abroad"]
    provinces = _votes((e.weight, {c[:2] for c in e.codes}) for e in home if not e.contextual)
    abroad = _votes((e.weight, set(e.codes)) for e in evidence if e.kind == "abroad")
    home_total = sum(provinces.values())
    weights = places.weights
    if abroad:
        # the dateline says where the desk is; abroad wins over the rest of the home evidence
        country, weight = _leader(abroad)
        rest = sum(e.weight for e in home if not e.contextual and not echoes(e, evidence))
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
    return replace(evidence, codes=tuple(c for c in evidence.codes if c.startswith(province)))
