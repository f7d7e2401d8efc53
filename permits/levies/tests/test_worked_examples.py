"""The worked examples of docs/LEVY.md, on the demo tariffs, with every number worked out by hand
(pure: no database). If a demo parameter changes, the document and these numbers change together."""

import datetime
from decimal import Decimal

from permits.demo.tariffs import demo_rule
from permits.levies.tariffs import compute, rule_problems

D = Decimal
JUNE_2026 = datetime.date(2026, 6, 15)


def amounts(result):
    return [line.amount for line in result.lines]


def test_pbg_business_building_with_fence_and_paving():
    data = {
        "luas_bangunan": "150",
        "jumlah_lantai": "2",
        "fungsi_bangunan": "Usaha",
        "kompleksitas": "Tidak sederhana",
        "permanensi": "Permanen",
        "status_kepemilikan": "Perorangan/Badan usaha",
        "jenis_pembangunan": "Bangunan baru",
        "pagar_m": "40",
        "perkerasan_m2": "60",
    }
    result = compute(demo_rule("PBG"), data, day=JUNE_2026)
    assert result.ok, result.missing
    # sum of weighted parameters: 0,3 x 2 + 0,2 x 2 + 0,5 x 1,09 = 0,6 + 0,4 + 0,545 = 1,545
    # It = 0,70 x 1,545 x 1 = 1,0815
    # building: 150 x 1,0815 x 1 x 0,005 x 5.800.000 = 4.704.525 -> up to Rp 1.000 = 4.705.000
    # fence: 40 m x Rp 25.000 x Ibg 1 = 1.000.000; paving: 60 m2 x Rp 15.000 x Ibg 1 = 900.000
    assert amounts(result) == [D(4705000), D(1000000), D(900000)]
    assert result.total == D(6605000)
    assert result.lines[0].basis == (
        "150 m2 x If 0,7 (Usaha) x Σbp.Ip 1,545 (0,3x2 + 0,2x2 + 0,5x1,09) x Fm 1 (Perorangan/Badan usaha) "
        "x Ibg 1 (Bangunan baru) x Ilo 0,005 x SHST 2026 Rp 5.800.000"
    )
    assert result.lines[1].basis == "40 m x Rp 25.000 x Ibg 1 (Bangunan baru)"  # no building index on prasarana


def test_pbg_alteration_of_a_simple_house_without_infrastructure():
    data = {
        "luas_bangunan": "96",
        "jumlah_lantai": "1",
        "fungsi_bangunan": "Hunian sederhana",
        "kompleksitas": "Sederhana",
        "permanensi": "Permanen",
        "status_kepemilikan": "Perorangan/Badan usaha",
        "jenis_pembangunan": "Perubahan (rusak sedang)",
        "pagar_m": "0",  # no fence: no line
    }
    result = compute(demo_rule("PBG"), data, day=datetime.date(2025, 3, 3))
    # sum: 0,3 x 1 + 0,2 x 2 + 0,5 x 1 = 1,2; It = 0,15 x 1,2 x 1 = 0,18
    # 96 x 0,18 x 0,45 x 0,005 x 5.500.000 (SHST 2025) = 213.840 -> Rp 214.000
    assert amounts(result) == [D(214000)] and result.total == D(214000)
    assert "SHST 2025 Rp 5.500.000" in result.lines[0].basis


def test_pbg_uses_the_last_shst_set_until_next_years_is_entered():
    data = {
        "luas_bangunan": "100",
        "jumlah_lantai": "1",
        "fungsi_bangunan": "Khusus",
        "kompleksitas": "Sederhana",
        "permanensi": "Non permanen",
        "status_kepemilikan": "Perorangan/Badan usaha",
        "jenis_pembangunan": "Bangunan baru",
    }
    result = compute(demo_rule("PBG"), data, day=datetime.date(2028, 1, 5))
    # sum: 0,3 + 0,2 + 0,5 = 1; 100 x 1 x 1 x 1 x 0,005 x 5.800.000 (SHST 2026, the latest set) = 2.900.000
    assert amounts(result) == [D(2900000)] and "SHST 2026" in result.lines[0].basis
    assert compute(demo_rule("PBG"), data, day=datetime.date(2023, 12, 31)).missing == ("SHST 2023",)


def test_groundwater_tax_npa_times_rate():
    data = {"debit_rencana": "1500", "peruntukan": "Niaga/komersial", "zona_air_tanah": "Aman"}
    result = compute(demo_rule("SIPA"), data, day=JUNE_2026)
    # NPA = 1.500 m3 x Rp 3.000 x 1,5 x 1 = 6.750.000; tax = 20% = 1.350.000
    assert amounts(result) == [D(1350000)]
    assert result.lines[0].basis == (
        "1.500 m3 x Rp 3.000 x peruntukan 1,5 (Niaga/komersial) x zona 1 (Aman) x tarif 0,2"
    )
    industry = compute(
        demo_rule("SIPA"), {**data, "peruntukan": "Industri", "zona_air_tanah": "Kritis", "debit_rencana": "800"}
    )
    # 800 x 3.000 x 2 x 2 = 9.600.000 x 20% = 1.920.000
    assert industry.total == D(1920000)


def test_billboard_tax_nsr_times_rate():
    data = {
        "panjang_m": "8",
        "lebar_m": "4",
        "jumlah_muka": "2",
        "durasi_bulan": "12",
        "jenis_reklame": "Papan/Billboard",
        "kelas_lokasi": "Kelas I (jalan utama)",
    }
    result = compute(demo_rule("REKLAME"), data, day=JUNE_2026)
    # NSR = 8 x 4 x 2 x 12 = 768 x Rp 30.000 = 23.040.000 x 1 x 1,5 = 34.560.000; tax 25% = 8.640.000
    assert amounts(result) == [D(8640000)]
    neon = {**data, "panjang_m": "2.5", "lebar_m": "1", "jumlah_muka": "1", "durasi_bulan": "6"}
    neon |= {"jenis_reklame": "Neon box", "kelas_lokasi": "Kelas II"}
    # 2,5 x 1 x 1 x 6 = 15 x 30.000 = 450.000 x 1,2 x 1,2 = 648.000 x 25% = 162.000
    assert compute(demo_rule("REKLAME"), neon).total == D(162000)


def test_demo_rates_stay_within_the_law_and_every_factor_names_a_line():
    for code in ("PBG", "SIPA", "REKLAME"):
        assert rule_problems(demo_rule(code)) == [], code
    rates = {
        c.label: c.amount for code in ("SIPA", "REKLAME") for c in demo_rule(code).components if c.kind == "constant"
    }
    assert rates == {"Tarif pajak air tanah": D("0.20"), "Tarif pajak reklame": D("0.25")}
