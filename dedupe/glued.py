"""Words glued to the end of a name where a page's inline markup lost its space.

"Prabowo Subiantoakan", "Bahlil Lahadaliayang", "Vladimir Putindi": a capitalised word that is a
name the article writes on its own elsewhere ("Subianto") followed by an Indonesian word ("akan",
"yang", "di", "mengungkap"). The word list is PySastrawi's (its root-word dictionary and its stop
words, with its stemmer for derived words such as "mengatakan"), a maintained list rather than
one typed here. Only the split positions are returned, so offsets stay those of the text.
wordfreq's frequency lists tell a common English word (no name's part) and a frequent
Indonesian one ("yang", "akan": glued even to a name the article never writes alone).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
from wordfreq import zipf_frequency

from dedupe.mention_lexicon import mention_lexicon

MIN_NAME = 4  #: the name kept before the glued word: "Hadi" is never "Ha" + "di"
MIN_GLUED = 2  #: "di", "ke" are glued as often as "mengatakan"
MIN_STOP = 4  #: "yang", "akan", "ingin" glued to a name of five letters or more are split
#: a verb this long glued to a name is split even if the name is never written alone
MIN_VERB = 7
VERB_PREFIXES = ("me", "ber", "ter", "di")
#: a verb glued to a name never written alone: not "di-", which Javanese surnames hold
#: ("Djojohadikusumo" is no "Djojoha" + "dikusumo")
UNSEEN_PREFIXES = ("me", "ber", "ter")
_CAPITALISED = re.compile(r"(?<![^\W\d_])[A-Z][a-z]+(?![^\W\d_])")


@cache
def stop_words() -> frozenset[str]:
    """PySastrawi's stop words ("yang", "di", "dan") of two letters or more."""
    return frozenset(w for w in StopWordRemoverFactory().get_stop_words() if len(w) >= MIN_GLUED)


@cache
def _dictionary() -> frozenset[str]:
    roots = files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt").read_text("utf-8")
    return frozenset(roots.split()) | stop_words()


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


def verb(word: str, min_length: int = MIN_NAME + 2) -> bool:
    """A verb made from a root with a verb prefix ("mengklaim", "berharap", "ditahan")."""
    if len(word) < min_length or not word.startswith(VERB_PREFIXES):
        return False
    root = _stem(word)
    # a short root makes a long verb: "mengajukan" from "aju"
    shortest = MIN_NAME - 1 if len(word) >= min_length + 2 else MIN_NAME
    return root != word and len(root) >= shortest and root in _dictionary()


def _short_is_frequent(glued: str) -> bool:
    """A two-letter word glued is a frequent one ("di", "ke"), not a name's end ("Newsom")."""
    return len(glued) > MIN_GLUED or zipf_frequency(glued, "id") >= mention_lexicon().glued_zipf


def _stop(word: str, cut: int) -> bool:
    """A frequent stop word glued to a long name ("Misrinyang", "Thohiringin"): split; a rare
    one is more likely the name's own end ("Indraguna")."""
    glued = word[cut:]
    return (
        cut >= MIN_NAME + 1
        and len(glued) >= MIN_STOP
        and glued in stop_words()
        and zipf_frequency(glued, "id") >= mention_lexicon().glued_zipf
    )


def glued_splits(text: str) -> list[int]:
    """Offsets in `text` where a known word is glued to a name the text also writes alone."""
    tokens = [m for m in _CAPITALISED.finditer(text)]
    alone = {m.group() for m in tokens}
    splits = []
    for match in tokens:
        word = match.group()
        if len(word) < MIN_NAME + MIN_GLUED or indonesian_word(word.lower()):  # "Pelacakan"
            continue
        for cut in range(MIN_NAME, len(word) - MIN_GLUED + 1):  # the longest glued word
            glued = word[cut:]
            if (
                (word[:cut] in alone and indonesian_word(glued) and _short_is_frequent(glued))
                or (glued.startswith(UNSEEN_PREFIXES) and verb(glued, MIN_VERB))
                or _stop(word, cut)
            ):
                splits.append(match.start() + cut)
                break
    return splits


def english_word(word: str, zipf: float) -> bool:
    """A common English word by wordfreq's frequencies ("store", "news"): names of products and
    bodies written in English are made of them, personal names seldom are."""
    return zipf_frequency(word, "en") >= zipf
