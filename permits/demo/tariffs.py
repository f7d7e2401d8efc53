"""Demo tariffs for the levied demo permit types (PBG, REKLAME, SIPA): SAMPLE data.

The shapes follow the regional levy and tax rules (PBG: floor area x unit rate x function and
height indices; billboard tax: face area x faces x months x rate by kind; groundwater tax: volume x
rate by use), and the magnitudes are realistic, but the numbers are not any city's regulation: an
office enters its own Perda/Perwali tariffs in the admin (`/admin/levies/tariffrule/`).
"""

import datetime

from django.db import transaction

from permits.catalog.models import PermitType
from permits.levies.models import TariffComponent, TariffRule

SAMPLE_BASIS = " (CONTOH: bukan tarif resmi; ganti dengan Perda/Perwali kota Anda)"

DEMO_TARIFFS: list[dict] = [
    {
        "permit_type": "PBG",
        "version": "2024.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "Perda Kota Contoh No. 1 Tahun 2024 tentang Pajak Daerah dan Retribusi Daerah, Lampiran PBG"
        + SAMPLE_BASIS,
        "rounding_unit": 1000,
        "components": [
            {
                "kind": "rate",
                "label": "Retribusi PBG (luas bangunan x tarif x indeks)",
                "amount": "12500",
                "quantities": "luas_bangunan",
                "unit": "m2",
            },
            {
                "kind": "coefficient",
                "label": "Indeks fungsi bangunan",
                "class_field": "fungsi_bangunan",
                "factors": {
                    "Hunian": "1",
                    "Usaha": "1.5",
                    "Sosial budaya": "0.5",
                    "Keagamaan": "0.25",
                    "Khusus": "2",
                },
            },
            {
                "kind": "coefficient",
                "label": "Indeks ketinggian (jumlah lantai)",
                "class_field": "jumlah_lantai",
                "factors": {"1": "1", "2": "1.09", "3": "1.12", "4": "1.135", "*": "1.162"},
            },
            {"kind": "minimum", "label": "Penyesuaian ke retribusi minimum PBG", "amount": "500000"},
        ],
    },
    {
        "permit_type": "REKLAME",
        "version": "2024.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "Perda Kota Contoh No. 1 Tahun 2024 tentang Pajak Daerah dan Retribusi Daerah, Pajak Reklame"
        + SAMPLE_BASIS,
        "rounding_unit": 100,
        "document_kind": "SKPD",  # a tax: assessed with an SKPD, not an SKRD
        "components": [
            {
                "kind": "rate",
                "label": "Pajak reklame (luas muka x jumlah muka x bulan x tarif)",
                "amount": "25000",
                "quantities": "panjang_m,lebar_m,jumlah_muka,durasi_bulan",
            },
            {
                "kind": "coefficient",
                "label": "Koefisien jenis reklame",
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
            {"kind": "minimum", "label": "Penyesuaian ke pajak reklame minimum", "amount": "100000"},
        ],
    },
    {
        "permit_type": "SIPA",
        "version": "2024.1",
        "effective_from": datetime.date(2024, 1, 1),
        "legal_basis": "Perda Kota Contoh No. 1 Tahun 2024 tentang Pajak Daerah dan Retribusi Daerah, Pajak Air Tanah"
        + SAMPLE_BASIS,
        "rounding_unit": 100,
        "document_kind": "SKPD",  # a tax: assessed with an SKPD, not an SKRD
        "components": [
            {
                "kind": "rate",
                "label": "Pajak air tanah masa pajak pertama (debit x tarif x koefisien peruntukan)",
                "amount": "2500",
                "quantities": "debit_rencana",
                "unit": "m3",
            },
            {
                "kind": "coefficient",
                "label": "Koefisien peruntukan air",
                "class_field": "peruntukan",
                "factors": {
                    "Niaga/komersial": "1",
                    "Industri": "1.5",
                    "Hotel": "1.25",
                    "Rumah sakit": "0.75",
                    "Pertanian": "0.25",
                    "Sosial": "0.25",
                },
            },
            {"kind": "fixed", "label": "Biaya pemasangan meter air (segel)", "amount": "150000"},
        ],
    },
]


@transaction.atomic
def levies_load_demo() -> int:
    """Create or update the demo tariffs (idempotent; a rule already used by an SKRD is left alone)."""
    loaded = 0
    for spec in DEMO_TARIFFS:
        permit_type = PermitType.objects.filter(code=spec["permit_type"]).first()
        if permit_type is None:
            continue
        rule, created = TariffRule.objects.get_or_create(
            permit_type=permit_type,
            version=spec["version"],
            defaults={
                "effective_from": spec["effective_from"],
                "legal_basis": spec["legal_basis"],
                "rounding_unit": spec["rounding_unit"],
                "is_sample": True,
                "document_kind": spec.get("document_kind", "SKRD"),
            },
        )
        loaded += 1
        if not created and rule.assessments.exists():
            continue
        rule.effective_from, rule.legal_basis = spec["effective_from"], spec["legal_basis"]
        rule.rounding_unit, rule.is_sample = spec["rounding_unit"], True
        rule.document_kind = spec.get("document_kind", "SKRD")
        rule.save()
        rule.components.all().delete()
        TariffComponent.objects.bulk_create(
            TariffComponent(rule=rule, order=i, **component) for i, component in enumerate(spec["components"], start=1)
        )
    return loaded
