"""langdetect's detection, step for step, without its two slow parts.

`langdetect.DetectorFactory.load_profile` builds a 55-probability row for each of the 87,598
n-grams of its profiles before the first text is read (~0.3 s per process), and
`Detector.get_probabilities` runs its n-gram scan and its seven random trials in per-character
and per-language Python loops. `warta extract` over 181 pages spent 28% of its time there
(BENCHMARKS.md, issue 17). This module reads the same profiles in the same order, builds a
row when an n-gram is first met, and runs the same scan and trials with the same random
stream and the same arithmetic (element by element, the sums in the same order), so its
probabilities equal langdetect's to the last bit: `bench/language_sample.py --check` compares
them on every text of the dev set, the replay web, the seeds and the ScrapingHub pages, and
tests/test_language.py on texts in several scripts. Its constants are langdetect's defaults.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram
from langdetect.utils.unicode_block import unicode_block

N_TRIAL = 7
MAX_TEXT_LENGTH = 10_000
SPACE_RUNS = re.compile(" {2,}")
MAX_CACHED_WORDS = 200_000


class Profiles:
    """langdetect's language profiles, their rows built on first use (see the module doc)."""

    def __init__(self, directory: str | Path = PROFILES_DIRECTORY) -> None:
        names = os.listdir(directory)  # langdetect's order, hence the order of every sum
        self.languages: list[str] = []
        self._frequencies: list[dict[str, int]] = []  # per language: n-gram → count
        self._totals: list[list[int]] = []  # per language: n-grams seen, by length
        self.known: set[str] = set()
        for name in names:
            path = Path(directory, name)
            if name.startswith(".") or not path.is_file():
                continue
            profile = json.loads(path.read_text(encoding="utf-8"))
            self.languages.append(profile["name"])
            self._frequencies.append(profile["freq"])
            self._totals.append(profile["n_words"])
            self.known.update(profile["freq"])
        self._rows: dict[str, np.ndarray] = {}
        self._words: dict[str, list[str]] = {}

    def row(self, word: str) -> np.ndarray:
        """P(word | language) per language, as DetectorFactory.add_profile computes it."""
        row = self._rows.get(word)
        if row is None:
            values = [0.0] * len(self.languages)
            if 1 <= len(word) <= NGram.N_GRAM:
                position = len(word) - 1
                values = [
                    0.0 if count is None else 1.0 * count / totals[position]
                    for count, totals in zip(
                        [counts.get(word) for counts in self._frequencies],
                        self._totals,
                        strict=True,
                    )
                ]
            row = self._rows[word] = np.array(values)
        return row

    def word_ngrams(self, word: str) -> list[str]:
        """The known n-grams of one normalised word (with its trailing space, if any)."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= MAX_CACHED_WORDS:
                self._words.clear()  # a long crawl meets ever new words; keep memory bounded
            found = self._words[word] = _scan(word, self.known)
        return found


def prepared_text(text: str) -> str:
    """Detector.append then Detector.cleaning_text: URLs and e-mails out, Vietnamese
    normalised, space runs collapsed; Latin letters out of text mostly in another script."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = SPACE_RUNS.sub(" ", NGram.normalize_vi(text)[:MAX_TEXT_LENGTH])
    latin = sum(1 for ch in text if "A" <= ch <= "z")
    other = sum(
        1
        for ch in text
        if ch >= "\u0300"
        and not "A" <= ch <= "z"
        and unicode_block(ch) != "Latin Extended Additional"
    )
    if latin * 2 < other:
        text = "".join(ch for ch in text if ch < "A" or "z" < ch)
    return text


#: NGram.normalize of every character met so far, as a str.translate table, and those characters.
_NORMALISED: dict[int, str] = {}
_SEEN: set[str] = set()


def ngrams(text: str, profiles: Profiles) -> list[str]:
    """Detector._extract_ngrams over NGram.add_char: the same n-grams in the same order.

    langdetect's n-gram window starts afresh after every space, so a word's n-grams depend
    on the word alone (and on whether a space follows it): they are computed once per word.
    """
    for character in set(text).difference(_SEEN):
        _NORMALISED[ord(character)] = NGram.normalize(character)
        _SEEN.add(character)
    words = text.translate(_NORMALISED).split(" ")
    last = len(words) - 1
    result: list[str] = []
    for index, word in enumerate(words):
        if word:
            result.extend(profiles.word_ngrams(word + " " if index < last else word))
    return result


def _scan(normalised: str, known: set[str]) -> list[str]:
    """NGram.add_char and the n-gram loop of Detector._extract_ngrams, over normalised text
    starting after a space."""
    result: list[str] = []
    grams = " "
    capital_word = False
    for ch in normalised:
        last = grams[-1]
        if last == " ":
            grams = " "
            capital_word = False
            if ch == " ":
                continue
        elif len(grams) >= NGram.N_GRAM:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital_word = True
        else:
            capital_word = False
        if capital_word:
            continue
        if ch != " " and ch in known:
            result.append(ch)
        if len(grams) >= 2:
            if grams[-2:] in known:
                result.append(grams[-2:])
            if len(grams) >= 3 and grams[-3:] in known:
                result.append(grams[-3:])
    return result


def probabilities(found: list[str], profiles: Profiles, seed: int) -> list[tuple[str, float]]:
    """Detector._detect_block and _sort_probability: (language, probability) above
    PROB_THRESHOLD, most probable first.

    numpy does the per-language products and divisions, which are element by element and
    so the same IEEE operations as langdetect's loops; the sum is Python's, in list order,
    as in langdetect (numpy would add pairwise, another rounding).
    """
    generator = random.Random()
    generator.seed(seed)
    size = len(profiles.languages)
    totals = [0.0] * size
    for _ in range(N_TRIAL):
        prob = np.full(size, 1.0 / size)
        alpha = Detector.ALPHA_DEFAULT + generator.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        iteration = 0
        while True:
            prob *= weight + profiles.row(generator.choice(found))
            if iteration % 5 == 0:
                prob /= sum(prob.tolist())
                if prob.max() > Detector.CONV_THRESHOLD or iteration >= Detector.ITERATION_LIMIT:
                    break
            iteration += 1
        for index, p in enumerate(prob.tolist()):
            totals[index] += p / N_TRIAL
    ranked = [
        (language, p)
        for language, p in zip(profiles.languages, totals, strict=True)
        if p > Detector.PROB_THRESHOLD
    ]
    ranked.sort(key=lambda pair: pair[1], reverse=True)
    return ranked
