"""Names as Indonesian news writes them (issue 23), on fixtures of our own writing: words glued
to a name, degrees and honorifics kept apart, lists of names, offices kept whole, canonical
offices; and the seeds (../shared/seeds): every official with the office, degrees apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.mentions import extract_mentions
from dedupe.offices import canonical_office

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _people(text: str) -> dict[str, tuple[str | None, list[str]]]:
    return {p.name: (p.office, p.titles) for p in extract_mentions(text).people}


def test_a_word_glued_to_a_name_is_split_off() -> None:
    text = (
        "Menteri Investasi Rosan Perkasa Roeslani membuka forum itu. Rosan Perkasa "
        "Roeslaniakan kembali ke Jakarta, sedangkan Wali Kota Kendari Siska Karina "
        "Imranmengatakan warga menunggu. Siska Karina Imran hadir."
    )
    found = extract_mentions(text).people
    names = {p.name for p in found}
    assert "Rosan Perkasa Roeslani" in names and "Siska Karina Imran" in names
    assert not any(n.endswith(("akan", "mengatakan")) for n in names)
    roeslani = next(p for p in found if p.name == "Rosan Perkasa Roeslani")
    start, end, surface = roeslani.mentions[1]
    assert text[start:end] == surface == "Rosan Perkasa Roeslani"  # offsets of the text as given


def test_degrees_and_honorifics_are_kept_apart_from_the_name() -> None:
    people = _people(
        "Pj Bupati Kolaka Timur Drs H. Laode Ahmad Suhadi, M.Si, S.Sos membuka rapat. "
        "Kepala Dinas Kesehatan Ir. Wa Ode Ratna, S.H., M.H. mendampingi."
    )
    assert people["Laode Ahmad Suhadi"] == (
        "Pj Bupati Kolaka Timur",
        ["Drs", "H.", "M.Si", "S.Sos"],
    )
    assert people["Wa Ode Ratna"] == ("Kepala Dinas Kesehatan", ["Ir.", "S.H.", "M.H."])


def test_every_name_of_a_list_is_a_person() -> None:
    people = _people(
        "Klub itu merekrut tiga pemain baru, yakni Ruslan Obradovic, Teodor Kvasnik, dan "
        "Marvin Oyelaran. Pelatih Hendra Gunadi mengatakan ketiganya siap."
    )
    assert {"Ruslan Obradovic", "Teodor Kvasnik", "Marvin Oyelaran", "Hendra Gunadi"} <= set(people)


def test_a_list_of_products_is_not_people() -> None:
    people = _people("Aplikasi itu tersedia di Play Store dan App Store mulai pekan depan.")
    assert people == {}


def test_an_office_is_kept_whole_and_no_part_of_it_is_a_person() -> None:
    people = _people(
        "Jaksa Agung Muda Pidana Khusus Rahmat Salampessy mengatakan berkas lengkap. "
        "Kepala Balai Taman Nasional Yusran Hamdi meninjau lokasi. Presiden Jokowi hadir."
    )
    assert people["Rahmat Salampessy"][0] == "Jaksa Agung Muda Pidana Khusus"
    assert people["Yusran Hamdi"][0] == "Kepala Balai Taman Nasional"
    assert people["Jokowi"][0] == "Presiden"  # one word after a specific office
    assert set(people) == {"Rahmat Salampessy", "Yusran Hamdi", "Jokowi"}


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Penjabat (Pj) Wali Kota Kendari", "Pj Wali Kota / Kota Kendari"),
        ("Pj Walikota Kendari", "Pj Wali Kota / Kota Kendari"),
        ("Kepala Polda Sulawesi Tenggara", "Kapolda / Polda Sultra"),
        ("Kapolda Sultra", "Kapolda / Polda Sultra"),
        ("Bupati Kabupaten Bombana", "Bupati / Kabupaten Bombana"),
        ("Presiden RI", "Presiden"),
        ("Kepala Dinas Pertanian Sultra", None),  # a head not listed: grouped as written
    ],
)
def test_offices_are_one_office_however_written(written: str, canonical: str | None) -> None:
    assert canonical_office(written) == canonical


def test_the_seeds_name_every_official_with_the_office() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent (the shared seed articles)")
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for person in extract_mentions(path.read_text(encoding="utf-8")).people:
            found.setdefault(person.name, (person.office, person.titles))
    assert found["Edy Suharmanto"] == ("Pj Bupati Bombana", ["Drs", "M.si"])
    assert found["La Ode Saifuddin"][0] == "Pjs Bupati Konut"
    assert "Drs." in found["La Ode Saifuddin"][1]
    assert found["Muhammad Yusup"][0] == "Penjabat (Pj) Wali Kota Kendari"
    assert found["Amir Hasan"][0] == "Asisten I Pemerintah Kota Kendari"
    assert found["Junadin Umar"][0].startswith("Kepala Kesatuan Bangsa dan Politik")
    assert found["Aris Tri Yunarko"][0] == "Kapolresta Kendari"
    assert found["Dwi Irianto"][0] == "Kepala Polda Sultra"
    assert found["Andap Budhi Revianto"][0] == "Pj Gubernur Sultra"
    assert not any(name.split()[-1].lower() in {"drs", "msi"} for name in found)


def test_a_link_set_on_its_own_line_and_an_agent_noun_give_the_office() -> None:
    people = _people(
        "Kecelakaan itu nyaris merenggut nyawa pesinetron\nRaka Adinata\n. Ia kini pulih.\n"
        "Raka Adinata mengatakan ia bersyukur."
    )
    assert people["Raka Adinata"][0] == "pesinetron"


def test_streets_in_a_list_are_not_people() -> None:
    people = _people(
        "Patroli menyasar Jalan Frans Seda, Bundaran Tirosa, El Tari, Ahmad Yani dan Jalan "
        "Sudirman, kata Kasat Lantas Polresta Kupang Kota Kompol Darius Manek."
    )
    assert set(people) == {"Darius Manek"}


def test_a_dateline_and_a_verb_glued_to_a_name_are_split_off() -> None:
    people = _people(
        "JAKARTA-Paulus Tannawi, tersangka kasus itu, hadir di pengadilan. Paulus "
        "Tannawimengajukan penangguhan penahanan, kata kuasa hukumnya."
    )
    assert people["Paulus Tannawi"][0] == "tersangka"
    assert not any("JAKARTA" in name or "mengajukan" in name for name in people)


def test_a_read_also_headline_a_byline_and_a_body_before_the_name_are_no_people() -> None:
    people = _people(
        "Rapat itu membahas izin tambang. Baca juga: Izin Tambang Sagori Dicabut, Menteri Bahri "
        "Siapkan Audit Sebagaimana disampaikan Menteri Investasi dan Kepala Badan Pengelola "
        "Investasi (BPI) Nusantara, Rahmat Suryadi Hakim, izin dicabut karena dua alasan.\n"
        "(Yuliana Kartika)"
    )
    assert people == {
        "Rahmat Suryadi Hakim": (
            "Menteri Investasi dan Kepala Badan Pengelola Investasi (BPI) Nusantara",
            [],
        )
    }
