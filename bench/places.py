"""Places on real text (issue 26): the region of the happening against labels read by hand.

    .venv/bin/python bench/places.py   # needs ../shared/datasets/indonews-dev

Labels: bench/judgements/places_devset.json (the sample the rules were developed on) and
places_holdout.json (labelled after the rules were frozen); ids and province/regency codes or
a country only; labelling rules in docs/PLACES.md. Scored: regency right among articles labelled with one, province
right among those labelled with one, and "invented": an Indonesian place given to an article
labelled with none or abroad. Baseline: the first region name of the gazetteer in the text.
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
#: the sample the rules were developed on, and the hold-out labelled after they were frozen
SAMPLES = ("places_devset.json", "places_holdout.json")


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
    for label in labels:
        row = articles[label["id"]]
        code = predict(row["title"] or "", row["text"] or "")
        if label["regency"]:
            with_regency += 1
            regency += bool(code) and code[:5] == label["regency"]
        if label["province"]:
            with_province += 1
            province += bool(code) and code[:2] == label["province"]
        elif code:
            invented += 1
    return {
        "articles": len(labels),
        "regency_right": round(regency / with_regency, 3),
        "labelled_regency": with_regency,
        "province_right": round(province / with_province, 3),
        "labelled_province": with_province,
        "invented": invented,
        "labelled_none_or_abroad": len(labels) - with_province,
    }


def warta(title: str, text: str) -> str | None:
    place = place_of(title, text)
    return place.code if place else None


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
