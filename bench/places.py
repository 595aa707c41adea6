"""Places on real text (issue 26): the region of the happening against labels read by hand.

    .venv/bin/python bench/places.py   # needs ../shared/datasets/indonews-dev

Three uniform samples of 100 dev-set articles (bench/judgements/, ids and province/regency
codes or a country only; labelling rules in docs/PLACES.md): places_devset.json, on which the
rules were developed; places_holdout.json, labelled after a first freeze, scored, then looked
at; places_final.json, labelled with rules and code frozen and scored once. Scored: regency
right among articles labelled with one, province right among those labelled with one,
"invented" (an Indonesian region for an article labelled with none or abroad), the country
of those abroad. Baseline: the first region name of the gazetteer in the text.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from dedupe.gazetteer import gazetteer, name_key
from dedupe.places import place_of

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "datasets" / "indonews-dev" / "articles.jsonl"
JUDGEMENTS = ROOT / "bench" / "judgements"
#: in the order they were labelled (see the module doc)
SAMPLES = ("places_devset.json", "places_holdout.json", "places_final.json")


def baseline(title: str, text: str) -> str | None:
    """The first gazetteer province/regency name (one or two capitalised words) in the text."""
    places = gazetteer()
    words = re.findall(r"[A-Z][\w\-]*", f"{title}. {text}")
    for i, word in enumerate(words):
        for candidate in (" ".join(words[i : i + 2]), word):
            codes = places.names.get(name_key(candidate))
            if codes:
                return codes[0]
    return None


def score(predict, sample: str) -> dict[str, float | int]:  # type: ignore[no-untyped-def]
    labels = json.loads((JUDGEMENTS / sample).read_text(encoding="utf-8"))["labels"]
    wanted = {label["id"] for label in labels}
    articles = {}
    with DEVSET.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["id"] in wanted:
                articles[row["id"]] = row
    regency = province = invented = with_regency = with_province = 0
    abroad = abroad_right = none_right = 0
    for label in labels:
        row = articles[label["id"]]
        found = predict(row["title"] or "", row["text"] or "")
        code = None if found is None or found.startswith("abroad:") else found
        if label["regency"]:
            with_regency += 1
            regency += bool(code) and code[:5] == label["regency"]
        if label["province"]:
            with_province += 1
            province += bool(code) and code[:2] == label["province"]
        elif code:
            invented += 1  # an Indonesian region for an article with none, or abroad
        if label["country"] not in (None, "ID"):
            abroad += 1
            abroad_right += found == f"abroad:{label['country']}"
        elif label["country"] is None:
            none_right += found is None
    return {
        "articles": len(labels),
        "regency_right": round(regency / with_regency, 3),
        "labelled_regency": with_regency,
        "province_right": round(province / with_province, 3),
        "labelled_province": with_province,
        "invented": invented,
        "labelled_none_or_abroad": len(labels) - with_province,
        "country_right_abroad": f"{abroad_right}/{abroad}",
        "none_kept_none": f"{none_right}/{len(labels) - with_province - abroad}",
    }


def warta(title: str, text: str) -> str | None:
    """The region code, or "abroad:XX" for a country abroad."""
    place = place_of(title, text)
    if place is None:
        return None
    return place.code or f"abroad:{place.country}"


def main() -> int:
    if not DEVSET.is_file():
        print(f"skipped: {DEVSET} is absent", file=sys.stderr)
        return 0
    for sample in SAMPLES:
        for name, predict in (("warta", warta), ("baseline", baseline)):
            print(sample, name, json.dumps(score(predict, sample)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
