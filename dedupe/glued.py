"""Words glued to the end of a name where a page's inline markup lost its space.

"Prabowo Subiantoakan", "Bahlil Lahadaliayang", "Vladimir Putindi": a capitalised word that is a
name the article writes on its own elsewhere ("Subianto") followed by an Indonesian word ("akan",
"yang", "di", "mengungkap"). The word list is PySastrawi's (its root-word dictionary and its stop
words, with its stemmer for derived words such as "mengatakan"), a maintained list rather than
one typed here. Only the split positions are returned, so offsets stay those of the text.
English words come from wordfreq's frequency lists (a common English word is no name's part).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
from wordfreq import zipf_frequency

MIN_NAME = 4  #: the name kept before the glued word: "Hadi" is never "Ha" + "di"
MIN_GLUED = 2  #: "di", "ke" are glued as often as "mengatakan"
MIN_VERB = 7  #: a verb this long glued to a name is split even if the name is not seen alone
VERB_PREFIXES = ("me", "ber", "ter", "di")
_CAPITALISED = re.compile(r"(?<![^\W\d_])[A-Z][a-z]+(?![^\W\d_])")


@cache
def _dictionary() -> frozenset[str]:
    roots = files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt").read_text("utf-8")
    stop = StopWordRemoverFactory().get_stop_words()
    return frozenset(roots.split()) | {w for w in stop if len(w) >= MIN_GLUED}


@cache
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@cache
def _stemmer():
    return StemmerFactory().create_stemmer()


def indonesian_word(word: str, derived: bool = True) -> bool:
    """A root word, a stop word, or (`derived`) a word derived from a root ("mengatakan" from
    "kata"; the stemmer also reads names so, "Rosan" from "ros", so offices ask for roots)."""
    words = _dictionary()
    if word in words:
        return True
    return derived and len(word) > 4 and _stem(word) in words and _stem(word) != word


def _verb(word: str) -> bool:
    """A long verb made from a root with a verb prefix ("mengklaim", "berharap", "ditahan"):
    split off a name even when the article never writes that name alone."""
    if len(word) < MIN_VERB or not word.startswith(VERB_PREFIXES):
        return False
    root = _stem(word)
    return root != word and len(root) >= MIN_NAME and root in _dictionary()


def glued_splits(text: str) -> list[int]:
    """Offsets in `text` where a known word is glued to a name the text also writes alone."""
    tokens = [m for m in _CAPITALISED.finditer(text)]
    alone = {m.group() for m in tokens}
    splits = []
    for match in tokens:
        word = match.group()
        if len(word) < MIN_NAME + MIN_GLUED or word.lower() in _dictionary():
            continue
        for cut in range(len(word) - MIN_GLUED, MIN_NAME - 1, -1):
            if (word[:cut] in alone and indonesian_word(word[cut:])) or _verb(word[cut:]):
                splits.append(match.start() + cut)
                break
    return splits


def english_word(word: str, zipf: float) -> bool:
    """A common English word by wordfreq's frequencies ("store", "news"): names of products and
    bodies written in English are made of them, personal names seldom are."""
    return zipf_frequency(word, "en") >= zipf
