"""Language identification for extracted articles: the one boundary around langdetect.

The language stage keeps a page when its text is in an allowed language with enough
probability. langdetect's quirks are pinned here: it is random unless seeded (we seed each
detector we create, not the process-wide factory class), it raises on empty text and
guesses wildly on text without letters, and it ships no Malay ("ms") profile, so Malay text
comes out as "id" anyway. Should a future profile report "ms", `MALAY_AS_INDONESIAN` folds it
into "id": on Sultra outlets a "ms" verdict is a misreading of Indonesian (the languages share
most of their vocabulary), not a Malaysian page. docs/EXTRACTION.md has the figures measured
on the seed articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from langdetect import DetectorFactory, LangDetectException
from langdetect.detector_factory import PROFILES_DIRECTORY

#: langdetect labels counted as Indonesian (see the module docstring).
MALAY_AS_INDONESIAN = {"ms": "id"}
#: langdetect reads at most this much text, cut at a word boundary: its cost grows with every
#: character read, and the first paragraph decides (bench/language_sample.py, EXTRACTION.md).
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

    _factory: DetectorFactory | None = None  # profiles are loaded once per process (slow, ~50 MB)

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
    def _profiles(cls) -> DetectorFactory:
        if cls._factory is None:
            factory = DetectorFactory()
            factory.load_profile(PROFILES_DIRECTORY)
            cls._factory = factory
        return cls._factory

    def detect(self, text: str) -> Detection:
        """Return the most probable language of `text` ("unknown" when there is nothing to read)."""
        sample = text_sample(text, self.sample_chars)
        if not any(character.isalpha() for character in sample):
            # langdetect guesses a language even for symbols ("×××" comes out Korean)
            return Detection(UNKNOWN, 0.0, False)
        detector = self._profiles().create()
        # Seeding the detector itself, not DetectorFactory.seed, keeps other langdetect users
        # in the process unaffected and our results reproducible.
        detector.seed = self.seed
        try:
            detector.append(sample)
            guesses = detector.get_probabilities()
        except LangDetectException:
            return Detection(UNKNOWN, 0.0, False)
        probabilities: dict[str, float] = {}
        for guess in guesses:
            language = MALAY_AS_INDONESIAN.get(guess.lang, guess.lang)
            probabilities[language] = probabilities.get(language, 0.0) + guess.prob
        if not probabilities:
            return Detection(UNKNOWN, 0.0, False)
        language, probability = max(probabilities.items(), key=lambda item: item[1])
        allowed = language in self.allowed and probability >= self.min_probability
        return Detection(language, round(probability, 6), allowed)


def text_sample(text: str, limit: int) -> str:
    """The first `limit` characters of `text`, without a word cut in half at the end."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" ", limit // 2, limit + 1), text.rfind("\n", limit // 2, limit + 1))
    return text[:cut] if cut > 0 else text[:limit]
