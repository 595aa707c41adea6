"""langdetect's detection, step for step, without its two slow parts.

`langdetect.DetectorFactory.load_profile` builds a 55-probability row for each of the 87,598
n-grams of its profiles before the first text is read (~0.3 s per process), and
`Detector.get_probabilities` runs its n-gram scan and its seven random trials one character,
one language and one iteration at a time. `warta extract` over 181 pages spent 28% of its time
there (BENCHMARKS.md, issue 17). This module reads the same profiles in the same order, builds
the rows of a text's new n-grams when first met, and runs the same scan and trials with the
same random stream and the same arithmetic, so its probabilities equal langdetect's to the last
bit: `bench/language_sample.py --check` compares them on every text of the dev set, the replay
web, the seeds and the ScrapingHub pages, and tests/test_language.py on texts in several
scripts. Its constants are langdetect's defaults. It is plain Python: on 55-element rows,
numpy's per-call cost is no gain, and importing numpy cost `warta extract` ~0.1 s a start
(issue 25).
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import orjson
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram

N_TRIAL = 7
MAX_TEXT_LENGTH = 10_000
SPACE_RUNS = re.compile(" {2,}")
MAX_CACHED_WORDS = 200_000
#: What Detector.cleaning_text counts as Latin: "A" <= ch <= "z".
LATIN_RANGE = "".join(map(chr, range(ord("A"), ord("z") + 1)))
#: What it counts as another script: every character from U+0300 on. (Its exception for
#: Latin Extended Additional compares unicode_block's number with a name, so never applies.)
NON_LATIN = re.compile("[\u0300-\U0010ffff]")


class Rows(dict[str, list[float]]):
    """n-gram → P(n-gram | language) per language, as DetectorFactory.add_profile computes
    it; a row is built when its n-gram is first looked up (a trial draws few of a text's)."""

    def __init__(self, frequencies: list[dict[str, int]], totals: list[list[int]]) -> None:
        super().__init__()
        self._frequencies = frequencies
        # per n-gram length: each language's count of n-grams of that length
        self._totals = [list(by_length) for by_length in zip(*totals, strict=True)]

    def __missing__(self, word: str) -> list[float]:
        if 1 <= len(word) <= NGram.N_GRAM:
            row = [
                0.0 if count is None else 1.0 * count / total
                for count, total in zip(
                    [counts.get(word) for counts in self._frequencies],
                    self._totals[len(word) - 1], strict=True,
                )
            ]
        else:
            row = [0.0] * len(self._frequencies)
        self[word] = row
        return row


class Profiles:
    """langdetect's language profiles, their rows built on first use (see the module doc)."""

    def __init__(self, directory: str | Path = PROFILES_DIRECTORY) -> None:
        names = os.listdir(directory)  # langdetect's order, hence the order of every sum
        self.languages: list[str] = []
        frequencies: list[dict[str, int]] = []  # per language: n-gram → count
        totals: list[list[int]] = []  # per language: n-grams seen, by length
        self.known: set[str] = set()
        for name in names:
            path = Path(directory, name)
            if name.startswith(".") or not path.is_file():
                continue
            profile = orjson.loads(path.read_bytes())  # a third faster than json here
            self.languages.append(profile["name"])
            frequencies.append(profile["freq"])
            totals.append(profile["n_words"])
            self.known.update(profile["freq"])
        self.rows = Rows(frequencies, totals)
        self._words: dict[str, list[str]] = {}

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
    latin = sum(map(text.count, LATIN_RANGE))
    other = len(NON_LATIN.findall(text))
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

    langdetect multiplies the probabilities by one n-gram's row per iteration and normalises
    them (p / sum) every fifth. Here a normalisation and the five products after it run in
    one pass over the languages, in langdetect's order ((p / sum × a) × b …), so every
    rounding is langdetect's; the largest normalised p is the largest p over the sum, as a
    correctly rounded division keeps the order.
    """
    generator = random.Random()
    generator.seed(seed)
    rows = profiles.rows
    choice = generator.choice
    size = len(profiles.languages)
    convergence, limit = Detector.CONV_THRESHOLD, Detector.ITERATION_LIMIT
    totals = [0.0] * size
    for _ in range(N_TRIAL):
        alpha = Detector.ALPHA_DEFAULT + generator.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        # iteration 0 is followed by a normalisation, then iterations 1-5, 6-10, …
        prob = [1.0 / size * (weight + value) for value in rows[choice(found)]]
        iteration = 0
        total = sum(prob)
        while max(prob) / total <= convergence and iteration < limit:
            a = rows[choice(found)]
            b = rows[choice(found)]
            c = rows[choice(found)]
            d = rows[choice(found)]
            e = rows[choice(found)]
            prob = [
                p / total * (weight + va) * (weight + vb) * (weight + vc) * (weight + vd)
                * (weight + ve)
                for p, va, vb, vc, vd, ve in zip(prob, a, b, c, d, e, strict=True)
            ]
            total = sum(prob)
            iteration += 5
        for index, p in enumerate(prob):
            totals[index] += p / total / N_TRIAL
    ranked = [
        (language, p) for language, p in zip(profiles.languages, totals, strict=True)
        if p > Detector.PROB_THRESHOLD
    ]
    ranked.sort(key=lambda pair: pair[1], reverse=True)
    return ranked
