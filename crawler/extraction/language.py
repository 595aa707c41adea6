"""Language identification for extracted articles: the one boundary around langdetect.

The language stage keeps a page when its text is in an allowed language with enough
probability. langdetect runs through crawler.extraction.langdetect_port (its detection step for
step,
equal results, without its slow profile loading and loops). Its quirks are pinned here: it is
random unless seeded (we seed each detection, never the process-wide factory class), it finds
nothing in text without known n-grams and guesses wildly on text without letters, and it
ships no Malay ("ms") profile, so Malay text comes out as "id" anyway. Should a future profile
report "ms", `MALAY_AS_INDONESIAN` folds it into "id": on Sultra outlets a "ms" verdict is a
misreading of Indonesian (the languages share most of their vocabulary), not a Malaysian
page. docs/EXTRACTION.md has the figures measured on the seed articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crawler.extraction.langdetect_port import Profiles, ngrams, prepared_text, probabilities

#: langdetect labels counted as Indonesian (see the module docstring).
MALAY_AS_INDONESIAN = {"ms": "id"}
#: langdetect reads at most this much text: its cost grows with every character read, and
#: the first paragraphs decide (the same decisions as whole texts on the 4,048 articles of the
#: dev set; bench/language_sample.py, docs/EXTRACTION.md).
SAMPLE_CHARS = 1500
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Detection:
    """langdetect's best guess, its probability, and whether the language stage keeps it."""

    language: str
    probability: float
    allowed: bool


class LanguageDetector:
    """Detects the language of article text; deterministic for a given `seed`."""

    _loaded: Profiles | None = None  # read once per process

    def __init__(
        self,
        allowed: Iterable[str] = ("id",),
        min_probability: float = 0.7,
        seed: int = 0,
        sample_chars: int = SAMPLE_CHARS,
    ) -> None:
        self.allowed = frozenset(code.lower() for code in allowed)
        if not self.allowed:
            raise ValueError("allowed languages must not be empty")
        if not 0.0 <= min_probability <= 1.0:
            raise ValueError(f"min_probability must be within [0, 1], got {min_probability!r}")
        if sample_chars < 1:
            raise ValueError(f"sample_chars must be >= 1, got {sample_chars!r}")
        self.min_probability = min_probability
        self.seed = seed
        self.sample_chars = sample_chars

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> LanguageDetector:
        """A detector from Scrapy settings or any mapping: WARTA_LANGUAGES (a list or a
        comma-separated string), WARTA_LANGUAGE_MIN_PROBABILITY, WARTA_LANGDETECT_SEED."""
        languages = settings.get("WARTA_LANGUAGES") or ("id",)
        if isinstance(languages, str):
            languages = [part.strip() for part in languages.split(",") if part.strip()]
        return cls(
            allowed=tuple(languages),
            min_probability=float(settings.get("WARTA_LANGUAGE_MIN_PROBABILITY", 0.7)),
            seed=int(settings.get("WARTA_LANGDETECT_SEED", 0)),
        )

    @classmethod
    def _profiles(cls) -> Profiles:
        if cls._loaded is None:
            cls._loaded = Profiles()
        return cls._loaded

    def detect(self, text: str) -> Detection:
        """Return the most probable language of `text` ("unknown" when there is nothing to read)."""
        sample = text[: self.sample_chars]
        if not any(character.isalpha() for character in sample):
            # langdetect guesses a language even for symbols ("×××" comes out Korean)
            return Detection(UNKNOWN, 0.0, False)
        profiles = self._profiles()
        found = ngrams(prepared_text(sample), profiles)
        if not found:
            return Detection(UNKNOWN, 0.0, False)  # langdetect: "No features in text"
        summed: dict[str, float] = {}
        for guess, probability in probabilities(found, profiles, self.seed):
            language = MALAY_AS_INDONESIAN.get(guess, guess)
            summed[language] = summed.get(language, 0.0) + probability
        if not summed:
            return Detection(UNKNOWN, 0.0, False)
        language, probability = max(summed.items(), key=lambda item: item[1])
        allowed = language in self.allowed and probability >= self.min_probability
        return Detection(language, round(probability, 6), allowed)
