from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permits.catalog.rules import parse_decimal, validate_object_data


def field(code, type="text", required=True, min_value=None, max_value=None, choices=""):
    return SimpleNamespace(
        code=code,
        label_id=code.title(),
        type=type,
        required=required,
        min_value=None if min_value is None else Decimal(min_value),
        max_value=None if max_value is None else Decimal(max_value),
        choice_list=[c for c in choices.split(",") if c],
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1500", Decimal("1500")),
        ("1.500", Decimal("1500")),
        ("1.500,5", Decimal("1500.5")),
        ("1,500.5", Decimal("1500.5")),
        ("120,5", Decimal("120.5")),
        (12, Decimal(12)),
        ("1.234.567", Decimal("1234567")),
    ],
)
def test_parse_decimal_understands_indonesian_and_english_separators(raw, expected):
    assert parse_decimal(raw) == expected


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_decimal_roundtrips_indonesian_thousands(n):
    assert parse_decimal(f"{n:,}".replace(",", ".")) == n


def test_validate_object_data_cleans_valid_values():
    fields = [
        field("luas", "decimal", min_value=1),
        field("lantai", "integer"),
        field("fungsi", "choice", choices="Hunian,Usaha"),
        field("mulai", "date"),
        field("catatan", required=False),
    ]
    clean, errors = validate_object_data(
        fields, {"luas": "120,50", "lantai": "3", "fungsi": "Usaha", "mulai": "2026-12-01"}
    )
    assert errors == {}
    assert clean == {"luas": "120.5", "lantai": 3, "fungsi": "Usaha", "mulai": "2026-12-01"}


def test_validate_object_data_names_every_bad_field():
    fields = [
        field("luas", "decimal", min_value=1, max_value=10),
        field("lantai", "integer"),
        field("fungsi", "choice", choices="Hunian"),
        field("mulai", "date"),
        field("nama"),
    ]
    _, errors = validate_object_data(
        fields, {"luas": "11", "lantai": "2.5", "fungsi": "Pabrik", "mulai": "kemarin", "asing": "x"}
    )
    assert set(errors) == {"luas", "lantai", "fungsi", "mulai", "nama", "asing"}
    assert "maksimal" in errors["luas"]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e400x", "", "abc"])
def test_validate_object_data_refuses_non_numbers(bad):
    _, errors = validate_object_data([field("luas", "decimal")], {"luas": bad})
    assert "luas" in errors
