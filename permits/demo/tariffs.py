"""Demo tariffs for the levied demo permit types in the structure of the regulations: SAMPLE data.

- PBG levy (retribusi, PP 16/2021 and UU 1/2022): total floor area x integrated index (function index x
  the weighted sum of the complexity, permanence and height indices x the ownership factor) x the
  building-development index x the locality index x the city's SHST of the year, and each piece of
  building infrastructure (prasarana) in a line of its own: quantity x its unit price x the
  building-development index only.
- Groundwater tax (pajak air tanah, UU 1/2022 art. 67-70): NPA = volume x raw-water price x the weight
  of its use x the weight of its conservation zone, times the tax rate (20% at most).
- Billboard tax (pajak reklame, UU 1/2022): NSR = face area x faces x months x base price x the index of
  its kind x the index of its road class, times the tax rate (25% at most).
- SLF: no levy (the PBG levy covers the SLF; see docs/LEVY.md), so no tariff.

The index tables of PBG are those of PP 16/2021 as regencies enact them; the prices (SHST, locality
index, prasarana prices, raw-water price, billboard base price) are realistic but not any city's: an
office enters its own Perda/Perkada values in the admin (`/admin/levies/tariffrule/`). Worked examples:
docs/LEVY.md, reproduced by permits/levies/tests/test_worked_examples.py.
"""

import datetime

from django.db import transaction

from permits.catalog.models import PermitType
from permits.levies import tariffs
from permits.levies.models import TariffComponent, TariffRule

SAMPLE_BASIS = " (CONTOH: harga satuan bukan tarif resmi; ganti dengan Perda/Perkada kota Anda)"

# PP 16/2021 function index (indeks fungsi, If), by the PBG `fungsi_bangunan` choices.
FUNCTION_INDEX = {
    "Hunian sederhana": "0.15",  # < 100 m2 and < 2 storeys
    "Hunian tidak sederhana": "0.17",
    "Usaha": "0.70",
    "Usaha UMKM": "0.50",  # micro/small business on a prototype design
    "Sosial budaya": "0.30",
    "Keagamaan": "0",
    "Khusus": "1",
    "Campuran kecil": "0.60",  # < 500 m2 and < 2 storeys
    "Campuran besar": "0.80",
}
# Parameter indices of the integrated index and their weights (bobot parameter, bp).
INTEGRATED_INDEX_TERMS = [
    {
        "field": "kompleksitas",
        "weight": "0.3",
        "label": "kompleksitas",
        "index": {"Sederhana": "1", "Tidak sederhana": "2"},
    },
    {"field": "permanensi", "weight": "0.2", "label": "permanensi", "index": {"Non permanen": "1", "Permanen": "2"}},
    {
        "field": "jumlah_lantai",
        "weight": "0.5",
        "label": "ketinggian (koefisien jumlah lantai)",
        "index": {"1": "1", "2": "1.09", "3": "1.12", "4": "1.135", "5": "1.162", "*": "1.197"},
    },
]
OWNERSHIP_FACTOR = {"Perorangan/Badan usaha": "1", "Negara": "0"}
# Building-development index (indeks bangunan gedung terbangun, Ibg).
DEVELOPMENT_INDEX = {"Bangunan baru": "1", "Perubahan (rusak sedang)": "0.45", "Perubahan (rusak berat)": "0.65"}
BUILDING_LINES = "bangunan,pagar,perkerasan"

DEMO_TARIFFS: list[dict] = [
    {
        "permit_type": "PBG",
        "version": "2025.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "PP No. 16 Tahun 2021 Pasal 261 dan 347, Lampiran (formula retribusi PBG); UU No. 1 Tahun 2022 "
        "Pasal 88; Perda Kota Contoh tentang Pajak Daerah dan Retribusi Daerah, Lampiran retribusi PBG" + SAMPLE_BASIS,
        "rounding_unit": 1000,
        "components": [
            {
                "kind": "rate",
                "code": "bangunan",
                "label": "Retribusi PBG bangunan gedung (LLt x It x Ibg x Ilo x SHST)",
                "amount": "1",
                "quantities": "luas_bangunan",
                "unit": "m2",
            },
            {
                "kind": "rate",
                "code": "pagar",
                "label": "Retribusi PBG prasarana: pagar (V x HSpbg x Ibg)",
                "amount": "25000",
                "quantities": "pagar_m",
                "unit": "m",
                "optional": True,
            },
            {
                "kind": "rate",
                "code": "perkerasan",
                "label": "Retribusi PBG prasarana: perkerasan halaman (V x HSpbg x Ibg)",
                "amount": "15000",
                "quantities": "perkerasan_m2",
                "unit": "m2",
                "optional": True,
            },
            {
                "kind": "coefficient",
                "label": "Indeks fungsi (If)",
                "symbol": "If",
                "class_field": "fungsi_bangunan",
                "factors": FUNCTION_INDEX,
                "applies_to": "bangunan",
            },
            {
                "kind": "weighted",
                "label": "Jumlah indeks parameter berbobot (kompleksitas 0,3; permanensi 0,2; ketinggian 0,5)",
                "symbol": "Σbp.Ip",
                "terms": INTEGRATED_INDEX_TERMS,
                "applies_to": "bangunan",
            },
            {
                "kind": "coefficient",
                "label": "Faktor kepemilikan (Fm)",
                "symbol": "Fm",
                "class_field": "status_kepemilikan",
                "factors": OWNERSHIP_FACTOR,
                "applies_to": "bangunan",
            },
            {
                "kind": "coefficient",
                "label": "Indeks bangunan gedung terbangun (Ibg)",
                "symbol": "Ibg",
                "class_field": "jenis_pembangunan",
                "factors": DEVELOPMENT_INDEX,
                "applies_to": BUILDING_LINES,
            },
            {
                "kind": "constant",
                "label": "Indeks lokalitas (Ilo)",
                "symbol": "Ilo",
                "amount": "0.005",
                "applies_to": "bangunan",
            },
            {
                "kind": "yearly",
                "label": "Standar harga satuan tertinggi bangunan gedung (SHST) per m2",
                "symbol": "SHST",
                "unit": "Rp",
                "factors": {"2024": "5300000", "2025": "5500000", "2026": "5800000"},
                "applies_to": "bangunan",
            },
        ],
    },
    {
        "permit_type": "REKLAME",
        "version": "2025.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "UU No. 1 Tahun 2022 Pasal 60-64 (pajak reklame: dasar pengenaan nilai sewa reklame, "
        "tarif paling tinggi 25%); Perda Kota Contoh tentang Pajak Daerah dan Retribusi Daerah; Perwali Contoh "
        "tentang nilai sewa reklame" + SAMPLE_BASIS,
        "rounding_unit": 100,
        "document_kind": "SKPD",  # a tax: assessed with an SKPD, not an SKRD
        "components": [
            {
                "kind": "rate",
                "code": "reklame",
                "label": "Pajak reklame (NSR x tarif; NSR = luas x muka x bulan x harga dasar x indeks)",
                "amount": "30000",
                "quantities": "panjang_m,lebar_m,jumlah_muka,durasi_bulan",
                "unit": "(m x m x muka x bulan)",
            },
            {
                "kind": "coefficient",
                "label": "Indeks jenis reklame",
                "symbol": "jenis",
                "class_field": "jenis_reklame",
                "factors": {
                    "Papan/Billboard": "1",
                    "Videotron/Megatron": "2",
                    "Baliho": "0.8",
                    "Spanduk": "0.5",
                    "Umbul-umbul": "0.5",
                    "Neon box": "1.2",
                    "Stiker": "0.3",
                },
            },
            {
                "kind": "coefficient",
                "label": "Indeks kelas jalan lokasi",
                "symbol": "lokasi",
                "class_field": "kelas_lokasi",
                "factors": {"Kelas I (jalan utama)": "1.5", "Kelas II": "1.2", "Kelas III (lingkungan)": "1"},
            },
            {
                "kind": "constant",
                "label": "Tarif pajak reklame",
                "symbol": "tarif",
                "amount": "0.25",
                "maximum": "0.25",
            },
        ],
    },
    {
        "permit_type": "SIPA",
        "version": "2025.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "UU No. 1 Tahun 2022 Pasal 65-70 (pajak air tanah: dasar pengenaan nilai perolehan air "
        "tanah, tarif paling tinggi 20%); Permen ESDM No. 20 Tahun 2017; Perda Kota Contoh tentang Pajak Daerah "
        "dan Retribusi Daerah; Pergub/Perwali Contoh tentang NPA air tanah" + SAMPLE_BASIS,
        "rounding_unit": 100,
        "document_kind": "SKPD",  # a tax: assessed with an SKPD, not an SKRD
        "components": [
            {
                "kind": "rate",
                "code": "air_tanah",
                "label": "Pajak air tanah masa pajak pertama (NPA x tarif; NPA = volume x harga air baku x bobot)",
                "amount": "3000",
                "quantities": "debit_rencana",
                "unit": "m3",
            },
            {
                "kind": "coefficient",
                "label": "Bobot peruntukan air",
                "symbol": "peruntukan",
                "class_field": "peruntukan",
                "factors": {
                    "Niaga/komersial": "1.5",
                    "Industri": "2",
                    "Hotel": "1.5",
                    "Rumah sakit": "1",
                    "Pertanian": "0.5",
                    "Sosial": "0.5",
                },
            },
            {
                "kind": "coefficient",
                "label": "Bobot zona konservasi air tanah",
                "symbol": "zona",
                "class_field": "zona_air_tanah",
                "factors": {"Aman": "1", "Rawan": "1.5", "Kritis": "2"},
            },
            {
                "kind": "constant",
                "label": "Tarif pajak air tanah",
                "symbol": "tarif",
                "amount": "0.20",
                "maximum": "0.20",
            },
        ],
    },
]


def demo_rule(permit_type: str) -> tariffs.Rule:
    """A demo tariff as plain data, as the admin would store it (for the worked examples' tests)."""
    spec = next(t for t in DEMO_TARIFFS if t["permit_type"] == permit_type)

    def names(text: str) -> list[str]:
        return [n.strip() for n in text.split(",") if n.strip()]

    return tariffs.rule_from_dict(
        {
            **spec,
            "components": [
                {**c, "quantities": names(c.get("quantities", "")), "applies_to": names(c.get("applies_to", ""))}
                for c in spec["components"]
            ],
        }
    )


@transaction.atomic
def levies_load_demo() -> int:
    """Create or update the demo tariffs (idempotent; a version already used by an SKRD/SKPD is left alone,
    as the model refuses to change it)."""
    loaded = 0
    for spec in DEMO_TARIFFS:
        permit_type = PermitType.objects.filter(code=spec["permit_type"]).first()
        if permit_type is None:
            continue
        loaded += 1
        rule = TariffRule.objects.filter(permit_type=permit_type, version=spec["version"]).first()
        if rule is not None and rule.is_used():
            continue
        rule = rule or TariffRule(permit_type=permit_type, version=spec["version"])
        rule.effective_from, rule.legal_basis = spec["effective_from"], spec["legal_basis"]
        rule.rounding_unit, rule.is_sample = spec["rounding_unit"], True
        rule.document_kind = spec.get("document_kind", "SKRD")
        rule.save()
        rule.components.all().delete()
        TariffComponent.objects.bulk_create(
            TariffComponent(rule=rule, order=i, **component) for i, component in enumerate(spec["components"], start=1)
        )
    return loaded
