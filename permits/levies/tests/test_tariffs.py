"""Tariff arithmetic, checked against worked examples written out by hand (pure: no database)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permits.levies import tariffs
from permits.levies.tariffs import Component, Rule, compute, fmt_number, round_amount, rule_in_force

D = Decimal

PBG = Rule(
    permit_type="PBG",
    version="2024.1",
    effective_from=datetime.date(2024, 1, 1),
    effective_to=None,
    legal_basis="Perda contoh",
    rounding_unit=D(1000),
    components=(
        Component("rate", "Retribusi PBG", D(12500), ("luas_bangunan",), "m2"),
        Component(
            "coefficient",
            "Indeks fungsi",
            class_field="fungsi_bangunan",
            factors={"Hunian": D(1), "Usaha": D("1.5"), "Keagamaan": D("0.25")},
        ),
        Component(
            "coefficient",
            "Indeks ketinggian",
            class_field="jumlah_lantai",
            factors={"1": D(1), "2": D("1.09"), "3": D("1.12"), "*": D("1.162")},
        ),
        Component("minimum", "Penyesuaian ke retribusi minimum", D(500000)),
    ),
)

REKLAME = Rule(
    permit_type="REKLAME",
    version="2024.1",
    effective_from=datetime.date(2024, 1, 1),
    effective_to=None,
    legal_basis="Perda contoh",
    rounding_unit=D(100),
    components=(
        Component("rate", "Pajak reklame", D(25000), ("panjang_m", "lebar_m", "jumlah_muka", "durasi_bulan")),
        Component(
            "coefficient",
            "Jenis",
            class_field="jenis_reklame",
            factors={"Papan/Billboard": D(1), "Videotron/Megatron": D(2)},
        ),
    ),
)

SIPA = Rule(
    permit_type="SIPA",
    version="2024.1",
    effective_from=datetime.date(2024, 1, 1),
    effective_to=None,
    legal_basis="Perda contoh",
    rounding_unit=D(100),
    components=(
        Component("rate", "Pajak air tanah", D(2500), ("debit_rencana",), "m3"),
        Component("coefficient", "Peruntukan", class_field="peruntukan", factors={"Industri": D("1.5")}),
        Component("fixed", "Segel meter air", D(150000)),
    ),
)


def test_pbg_usaha_two_floors_worked_example():
    # 150 m2 x Rp 12.500 = 1.875.000; x 1,5 (Usaha) = 2.812.500; x 1,09 (2 lantai) = 3.065.625
    # -> rounded up to the next Rp 1.000 = Rp 3.066.000 (above the Rp 500.000 minimum)
    result = compute(PBG, {"luas_bangunan": "150", "fungsi_bangunan": "Usaha", "jumlah_lantai": "2"})
    assert result.ok
    assert [line.amount for line in result.lines] == [D(3066000)]
    assert result.total == D(3066000)
    assert result.lines[0].basis == "150 m2 x Rp 12.500 x 1,5 (Usaha) x 1,09 (2)"


def test_pbg_small_house_is_raised_to_the_minimum():
    # 30 m2 x 12.500 x 1 x 1 = 375.000 < 500.000: a second line of 125.000 brings it to the minimum
    result = compute(PBG, {"luas_bangunan": "30", "fungsi_bangunan": "Hunian", "jumlah_lantai": "1"})
    assert [(ln.description, ln.amount) for ln in result.lines] == [
        ("Retribusi PBG", D(375000)),
        ("Penyesuaian ke retribusi minimum", D(125000)),
    ]
    assert result.total == D(500000)


def test_pbg_more_floors_than_listed_takes_the_any_factor():
    # 200 m2 x 12.500 = 2.500.000 x 1 x 1,162 (7 lantai: "*") = 2.905.000 (already a whole thousand)
    result = compute(PBG, {"luas_bangunan": "200", "fungsi_bangunan": "Hunian", "jumlah_lantai": "7"})
    assert result.total == D(2905000)


def test_survey_measurement_beats_the_declared_floor_area():
    # declared 100 m2, surveyed 121,5 m2: 121,5 x 12.500 = 1.518.750 x 1 x 1,09 = 1.655.437,5 -> 1.656.000
    data = {"luas_bangunan": "100", "fungsi_bangunan": "Hunian", "jumlah_lantai": "2"}
    result = compute(PBG, data, {"luas_bangunan": "121.5"})
    assert result.total == D(1656000)
    assert result.sources == {"luas_bangunan": "survey"}
    assert compute(PBG, data).sources == {"luas_bangunan": "data"}


def test_billboard_tax_face_area_times_faces_times_months():
    # 4 m x 8 m x 2 muka x 12 bulan x Rp 25.000 x 1 = Rp 19.200.000
    data = {"panjang_m": "4", "lebar_m": "8", "jumlah_muka": "2", "durasi_bulan": "12"}
    data["jenis_reklame"] = "Papan/Billboard"
    assert compute(REKLAME, data).total == D(19200000)
    # videotron 2,5 m x 1,5 m x 1 muka x 5 bulan x 25.000 x 2 = 937.500 (a whole hundred)
    data = {"panjang_m": "2.5", "lebar_m": "1.5", "jumlah_muka": "1", "durasi_bulan": "5"}
    data["jenis_reklame"] = "Videotron/Megatron"
    result = compute(REKLAME, data)
    assert result.total == D(937500)
    assert result.lines[0].basis == "2,5 x 1,5 x 1 x 5 x Rp 25.000 x 2 (Videotron/Megatron)"


def test_groundwater_rate_and_fixed_line():
    # 333 m3 x 2.500 x 1,5 = 1.248.750 -> up to a hundred: 1.248.800; plus the fixed 150.000 = 1.398.800
    result = compute(SIPA, {"debit_rencana": "333", "peruntukan": "Industri"})
    assert [line.amount for line in result.lines] == [D(1248800), D(150000)]
    assert result.total == D(1398800)


def test_missing_values_and_unknown_class_are_reported_not_guessed():
    result = compute(PBG, {"fungsi_bangunan": "Gudang", "jumlah_lantai": "2"})
    assert not result.ok and result.total == 0 and result.lines == ()
    assert set(result.missing) == {"luas_bangunan", "fungsi_bangunan=Gudang"}
    assert compute(PBG, {"luas_bangunan": "-5", "fungsi_bangunan": "Hunian", "jumlah_lantai": "1"}).missing == (
        "luas_bangunan",
    )


@pytest.mark.parametrize(
    "amount,unit,mode,expected",
    [
        ("3065625", 1000, "up", 3066000),
        ("3065000", 1000, "up", 3065000),
        ("3065500", 1000, "half_up", 3066000),
        ("3065499.99", 1000, "half_up", 3065000),
        ("3065999", 1000, "down", 3065000),
        ("1248750", 100, "up", 1248800),
        ("0.4", 1, "up", 1),
    ],
)
def test_rounding_rules(amount, unit, mode, expected):
    assert round_amount(D(amount), D(unit), mode) == D(expected)


def test_rule_in_force_picks_the_latest_version_covering_the_day():
    old = Rule("PBG", "2024.1", datetime.date(2024, 1, 1), datetime.date(2026, 6, 30), "", ())
    new = Rule("PBG", "2026.2", datetime.date(2026, 7, 1), None, "", ())
    assert rule_in_force([old, new], datetime.date(2026, 6, 30)) is old
    assert rule_in_force([old, new], datetime.date(2026, 7, 1)) is new
    assert rule_in_force([old, new], datetime.date(2023, 12, 31)) is None
    # an open-ended old rule is superseded by a newer one from its start date
    forever = Rule("PBG", "2024.1", datetime.date(2024, 1, 1), None, "", ())
    assert rule_in_force([forever, new], datetime.date(2027, 1, 1)) is new


def test_rule_survives_a_round_trip_as_data():
    assert tariffs.rule_from_dict(tariffs.rule_to_dict(PBG)) == PBG


def test_indonesian_number_format():
    assert fmt_number(D("1234567.50")) == "1.234.567,5"
    assert fmt_number(D("12500")) == "12.500"
    assert fmt_number(D("0.25")) == "0,25"


@given(
    luas=st.decimals(min_value=1, max_value=100000, places=2),
    fungsi=st.sampled_from(["Hunian", "Usaha", "Keagamaan"]),
    lantai=st.integers(min_value=1, max_value=50),
)
def test_total_is_the_sum_of_whole_lines_and_never_below_the_minimum(luas, fungsi, lantai):
    result = compute(PBG, {"luas_bangunan": str(luas), "fungsi_bangunan": fungsi, "jumlah_lantai": str(lantai)})
    assert result.total == sum(line.amount for line in result.lines)
    assert all(line.amount == line.amount.to_integral_value() for line in result.lines)
    assert result.total >= D(500000)


# --- the structure of the regulations: separate lines, weighted sums, constants, yearly values -------

STRUCTURED = Rule(
    permit_type="PBG",
    version="x",
    effective_from=datetime.date(2024, 1, 1),
    effective_to=None,
    legal_basis="",
    rounding_unit=D(1),
    components=(
        Component("rate", "Bangunan", D(1), ("luas",), "m2", code="bg"),
        Component("rate", "Pagar", D(1000), ("pagar",), "m", code="pagar", optional=True),
        Component(
            "weighted",
            "Parameter",
            symbol="S",
            applies_to=("bg",),
            terms=(
                tariffs.Term("a", D("0.5"), {"x": D(2), "y": D(4)}),
                tariffs.Term("b", D("0.5"), {"*": D(1)}),
            ),
        ),
        Component("constant", "Ilo", D("0.5"), symbol="Ilo", applies_to=("bg",), maximum=D(1)),
        Component("yearly", "SHST", symbol="SHST", unit="Rp", factors={"2025": D(100), "2026": D(200)}),
    ),
)


def test_factors_multiply_only_the_lines_they_name():
    result = compute(STRUCTURED, {"luas": "10", "a": "y", "b": "z", "pagar": "3"}, day=datetime.date(2026, 2, 1))
    # building: 10 x (0,5x4 + 0,5x1 = 2,5) x 0,5 x 200 = 2.500; fence: 3 x 1.000 x 200 (yearly names no line: all)
    assert [line.amount for line in result.lines] == [D(2500), D(600000)]
    assert result.lines[0].basis == "10 m2 x S 2,5 (0,5x4 + 0,5x1) x Ilo 0,5 x SHST 2026 Rp 200"
    assert result.lines[1].basis == "3 m x Rp 1.000 x SHST 2026 Rp 200"


def test_an_optional_line_without_its_value_is_left_out_but_a_required_one_is_missing():
    result = compute(STRUCTURED, {"luas": "10", "a": "x", "b": "z"}, day=datetime.date(2025, 2, 1))
    # 10 x (0,5x2 + 0,5x1 = 1,5) x 0,5 x 100 (SHST 2025) = 750
    assert [line.description for line in result.lines] == ["Bangunan"] and result.total == D(750)
    assert compute(STRUCTURED, {"a": "x", "b": "z", "pagar": "3"}, day=datetime.date(2025, 2, 1)).missing == ("luas",)


def test_a_weighted_sum_reports_each_unknown_value_and_a_yearly_value_needs_a_day():
    result = compute(STRUCTURED, {"luas": "10", "a": "w"})
    # "*" stands for a value not listed, not for no value at all
    assert result.missing == ("a=w", "b", "tahun") and result.lines == ()
    assert compute(STRUCTURED, {"luas": "1", "a": "x", "b": "q"}, day=datetime.date(2024, 5, 1)).missing == (
        "SHST 2024",
    )


def test_rule_problems_name_a_rate_above_its_cap_and_a_factor_for_no_line():
    broken = Rule(
        "X",
        "1",
        datetime.date(2024, 1, 1),
        None,
        "",
        (
            Component("rate", "Pajak", D(1), ("v",), code="pajak"),
            Component("constant", "Tarif", D("0.3"), maximum=D("0.2")),
            Component("coefficient", "Indeks", class_field="k", factors={"*": D(1)}, applies_to=("bangunan",)),
        ),
    )
    problems = tariffs.rule_problems(broken)
    assert problems == [
        ("over_cap", {"label": "Tarif", "value": "0,3", "maximum": "0,2"}),
        ("no_line", {"label": "Indeks", "code": "bangunan", "codes": "pajak"}),
    ]
    assert tariffs.rule_problems(STRUCTURED) == []


def test_structured_rule_survives_a_round_trip_as_data():
    assert tariffs.rule_from_dict(tariffs.rule_to_dict(STRUCTURED)) == STRUCTURED
