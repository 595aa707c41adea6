"""Word lists from maintained packages rather than typed here: Indonesia's provinces, regencies
and cities (areaid's administrative data), and the world's given names (gender-guesser's name
dictionary, some 45,000 first names of many countries).

An office takes a region of several words whole ("Bupati Raja Ampat", not "Bupati Raja" and a
person "Ampat"); a capitalised pair opening with a given name of any country ("Luca Toni",
"Kai Havertz") is a person's name where no office or cue marks it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files

#: what areaid writes around a region's name: "Kabupaten Adm. Kepulauan Seribu",
#: "Kabupaten Bulungan (Bulongan)", "Kota Adm. Jakarta Pusat"
_REGION_MARKS = re.compile(r"\([^)]*\)|^(?:kabupaten|kota)\s+(?:adm\.\s+)?")
#: nam_dict.txt's lines: a gender code, the name (a "+" joins a compound name), then frequencies
_NAME_LINE = re.compile(r"^(?:M|F|1M|1F|\?M|\?F|\?)\s+(\S+)\s")


@cache
def regions() -> frozenset[str]:
    """Provinces, regencies and cities of Indonesia, lower case ("raja ampat", "banyuwangi")."""
    names: set[str] = set()
    for path in files("areaid").joinpath("data").iterdir():
        if not path.name.endswith(".json"):
            continue
        for province in json.loads(path.read_text("utf-8")):
            names.add(province["provinsi"].lower())
            for regency in province["kabupaten"]:
                names.add(_REGION_MARKS.sub("", regency["kab_kota"].lower()).strip())
    return frozenset(names)


@cache
def given_names() -> frozenset[str]:
    """First names of many countries, lower case, single words only ("luca", "kai", "eden")."""
    text = files("gender_guesser").joinpath("data", "nam_dict.txt").read_text("iso-8859-1")
    return frozenset(
        match.group(1).lower()
        for match in map(_NAME_LINE.match, text.splitlines())
        if match and "+" not in match.group(1)
    )
