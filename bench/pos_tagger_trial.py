"""nlp-id's part-of-speech tagger as a filter of extracted names: tried, not adopted
(docs/RESEARCH.md, "Second round"). nlp-id pins its own numpy and scikit-learn and its PosTag
downloads its model from a hub at first use, so the trial runs in two environments:

    .venv/bin/python bench/pos_tagger_trial.py dump /tmp/names.json   # the rules' people
    python3 -m venv /tmp/nlpid && /tmp/nlpid/bin/pip install nlp-id
    /tmp/nlpid/bin/python bench/pos_tagger_trial.py tag /tmp/names.json

`dump` writes every person the rules extract on hold-outs 1-5 with the sentence it is first
named in and whether the hand list holds the name; `tag` trains PosTag's own features and
classifier (a RandomForest, 10 trees) on the corpus nlp-id ships, caches it beside the dump, and
counts right and wrong names whose every word it tags NNP.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections import Counter
from pathlib import Path


def dump(out: Path) -> None:
    import mentions_names as names
    import mentions_real as real

    from dedupe.mentions import extract_mentions

    rows = []
    for lists in names.LISTS[:5]:
        listed: dict[str, list[str]] = {}
        for row in real.read_tsv(real.JUDGEMENTS / lists):
            others = row[3].split(";") if len(row) > 3 and row[3] else []
            listed.setdefault(row[0], []).extend([row[1], *others] if row[1] != "-" else [])
        with real.DATASET.open(encoding="utf-8") as handle:
            texts = {a["id"]: a["text"] for a in map(json.loads, handle) if a["id"] in listed}
        for article_id, listed_names in listed.items():
            text = texts[article_id]
            for person in extract_mentions(text).people:
                start, end, _ = person.mentions[0]
                left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
                ends = [k for k in (text.find(".", end), text.find("\n", end)) if k > 0]
                right = any(names._part(person.name, n) for n in listed_names)
                rows.append(
                    {
                        "name": person.name,
                        "right": right,
                        "sentence": text[left : min(ends or [len(text)]) + 1],
                    }
                )
    out.write_text(json.dumps(rows), encoding="utf-8")
    print(f"{len(rows)} people written to {out}")


def _trained(cache: Path):
    from importlib.resources import files

    from nlp_id.postag import PosTag
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.pipeline import Pipeline

    tagger = PosTag.__new__(PosTag)  # not __init__: it downloads the published model
    if cache.exists():
        tagger.clf = pickle.loads(cache.read_bytes())
        return tagger
    corpus = files("nlp_id").joinpath("data", "dataset_postag.txt").read_text("utf-8")
    features, tags = [], []
    for block in corpus.split("\n\n"):
        pairs = [line.rsplit("\t", 1) for line in block.splitlines() if "\t" in line]
        words = [w for w, _ in pairs]
        features += [tagger.features(words, k) for k in range(len(words))]
        tags += [t for _, t in pairs]
    forest = RandomForestClassifier(n_estimators=10, min_samples_leaf=2, random_state=0)
    tagger.clf = Pipeline([("vectorise", DictVectorizer()), ("forest", forest)]).fit(features, tags)
    cache.write_bytes(pickle.dumps(tagger.clf))
    return tagger


def tag(rows_file: Path) -> None:
    from nlp_id.tokenizer import Tokenizer

    tagger, tokenizer = _trained(rows_file.with_suffix(".postagger.pkl")), Tokenizer()
    counts: Counter[tuple[str, bool]] = Counter()
    for row in json.loads(rows_file.read_text(encoding="utf-8")):
        words = tokenizer.tokenize(row["sentence"]) or [""]
        predicted = tagger.clf.predict([tagger.features(words, k) for k in range(len(words))])
        tags = dict(zip(words, predicted, strict=True))
        proper = all(tags.get(w) == "NNP" for w in row["name"].split())
        counts["right" if row["right"] else "wrong", proper] += 1
    for (kind, proper), n in sorted(counts.items()):
        print(f"{kind} names, every word NNP: {proper}: {n}")


if __name__ == "__main__":
    command, path = sys.argv[1], Path(sys.argv[2])
    dump(path) if command == "dump" else tag(path)
