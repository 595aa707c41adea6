"""Articles of our own writing for the story tests: three cases over nine days.

- the licence case (one story, three events on different days): the Regent of Konawe revokes
  PT Sinar Tambang Lestari's nickel licence; two days later a DPRD member reacts; two days
  after that an environmental group audits the site;
- the same company a week after the audit: more than `max_gap_days` later, another story;
- two corruption cases in Sultra (a bridge in Kolaka, a village fund in Wawolesea): the same
  topic, two stories.
"""

from __future__ import annotations

from typing import Any

STORY_ARTICLES: list[dict[str, Any]] = [
    {
        "id": "licence-1",
        "outlet": "kendarinews",
        "published_at": "2024-06-03T14:00:00+08:00",
        "title": "Bupati Konawe Cabut Izin Tambang Nikel PT Sinar Tambang Lestari",
        "text": (
            "Bupati Konawe Yusran Akbar Tamalaki mencabut izin usaha pertambangan nikel PT "
            "Sinar Tambang Lestari di Desa Puuwonua, Kecamatan Routa, Senin (3/6/2024). "
            "Yusran Akbar Tamalaki menyebut PT Sinar Tambang Lestari merusak hutan dan sungai "
            "Lalindu di sekitar Puuwonua. Keputusan itu dibacakan di kantor Bupati Konawe di "
            "Unaaha. Warga Puuwonua menyambut pencabutan izin tersebut."
        ),
    },
    {
        "id": "licence-2",
        "outlet": "sultrapost",
        "published_at": "2024-06-03T17:30:00+08:00",
        "title": "Izin PT Sinar Tambang Lestari Dicabut Bupati Yusran Akbar Tamalaki",
        "text": (
            "Pemerintah Kabupaten Konawe resmi mencabut izin PT Sinar Tambang Lestari, Senin "
            "(3/6/2024). Bupati Yusran Akbar Tamalaki mengatakan tambang nikel di Puuwonua, "
            "Routa, mencemari Sungai Lalindu. Pencabutan diumumkan di Unaaha di hadapan "
            "kepala desa Puuwonua dan perwakilan perusahaan."
        ),
    },
    {
        "id": "reaction-1",
        "outlet": "kendarinews",
        "published_at": "2024-06-05T10:00:00+08:00",
        "title": (
            "Anggota DPRD Konawe Rusdin Lapodi Dukung Pencabutan Izin PT Sinar Tambang Lestari"
        ),
        "text": (
            "Anggota DPRD Konawe Rusdin Lapodi mendukung langkah Bupati Yusran Akbar Tamalaki "
            "mencabut izin PT Sinar Tambang Lestari. Ditemui di gedung DPRD Konawe, Rabu "
            "(5/6/2024), Rusdin Lapodi meminta perusahaan memulihkan Sungai Lalindu dan hutan "
            "Puuwonua sebelum meninggalkan Routa."
        ),
    },
    {
        "id": "audit-1",
        "outlet": "sultrapost",
        "published_at": "2024-06-07T15:00:00+08:00",
        "title": "Walhi Sultra Audit Bekas Lahan PT Sinar Tambang Lestari di Puuwonua",
        "text": (
            "Direktur Walhi Sultra Andi Rahman Ladongi memimpin audit lingkungan di bekas lahan "
            "PT Sinar Tambang Lestari di Puuwonua, Routa, Jumat (7/6/2024). Andi Rahman Ladongi "
            "menemukan lumpur di Sungai Lalindu. Audit menyusul pencabutan izin oleh Bupati "
            "Yusran Akbar Tamalaki pekan ini."
        ),
    },
    {
        "id": "later-1",
        "outlet": "kendarinews",
        "published_at": "2024-06-14T11:00:00+08:00",
        "title": "PT Sinar Tambang Lestari Gugat Bupati Konawe ke PTUN Kendari",
        "text": (
            "PT Sinar Tambang Lestari menggugat keputusan Bupati Yusran Akbar Tamalaki ke PTUN "
            "Kendari, Jumat (14/6/2024). Kuasa hukum perusahaan menyebut pencabutan izin "
            "tambang di Puuwonua, Routa, tidak sesuai prosedur. Sungai Lalindu disebut tidak "
            "tercemar oleh perusahaan."
        ),
    },
    {
        "id": "bridge-1",
        "outlet": "kendarinews",
        "published_at": "2024-06-04T13:00:00+08:00",
        "title": "Kejati Sultra Tahan Kepala Dinas PUPR Kolaka Hasanuddin Mokodompit",
        "text": (
            "Kejaksaan Tinggi Sulawesi Tenggara menahan Kepala Dinas PUPR Kolaka Hasanuddin "
            "Mokodompit dalam kasus korupsi jembatan Sungai Mangolo, Selasa (4/6/2024). "
            "Hasanuddin Mokodompit diduga menggelembungkan anggaran jembatan Mangolo senilai "
            "Rp 4,7 miliar. Ia ditahan di Rutan Kendari."
        ),
    },
    {
        "id": "bridge-2",
        "outlet": "sultrapost",
        "published_at": "2024-06-06T09:00:00+08:00",
        "title": "Kontraktor Jembatan Mangolo Ikut Diperiksa Kejati Sultra",
        "text": (
            "Penyidik Kejati Sultra memeriksa Direktur CV Bumi Mekongga Permai, Arifin "
            "Tandiarrang, kontraktor jembatan Sungai Mangolo, Kamis (6/6/2024). Pemeriksaan "
            "terkait penahanan Kepala Dinas PUPR Kolaka Hasanuddin Mokodompit. Anggaran "
            "jembatan Mangolo diduga digelembungkan Rp 4,7 miliar."
        ),
    },
    {
        "id": "village-1",
        "outlet": "kendarinews",
        "published_at": "2024-06-05T16:00:00+08:00",
        "title": "Polda Sultra Tetapkan Bendahara Desa Wawolesea Tersangka Korupsi Dana Desa",
        "text": (
            "Polda Sulawesi Tenggara menetapkan Bendahara Desa Wawolesea, Nurhayati Lamboasa, "
            "sebagai tersangka korupsi dana desa, Rabu (5/6/2024). Nurhayati Lamboasa diduga "
            "memakai dana desa Wawolesea Rp 600 juta untuk keperluan pribadi. Kasus ditangani "
            "Ditreskrimsus Polda Sultra di Kendari."
        ),
    },
]

#: the stories the articles form (as sets of article ids)
EXPECTED_STORIES = {
    frozenset({"licence-1", "licence-2", "reaction-1", "audit-1"}),
    frozenset({"later-1"}),
    frozenset({"bridge-1", "bridge-2"}),
    frozenset({"village-1"}),
}
#: the events: the licence decision's two reports are one; every other article alone
EXPECTED_EVENTS = {frozenset({"licence-1", "licence-2"})} | {
    frozenset({a["id"]}) for a in STORY_ARTICLES if a["id"] not in ("licence-1", "licence-2")
}
