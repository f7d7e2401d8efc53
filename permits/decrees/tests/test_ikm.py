"""The IKM arithmetic of PermenPANRB 14/2017, checked against a hand-worked example."""

from decimal import Decimal
from fractions import Fraction

import pytest

from permits.decrees.ikm import grade, ikm_from_answers, ikm_from_totals

# Four questionnaires (u1..u9), worked by hand:
#   element sums  14 14 11 12 14 14 16 11 13
#   NRR           3.50 3.50 2.75 3.00 3.50 3.50 4.00 2.75 3.25   (sum 29.75)
#   NRR tertimbang = 29.75 x 1/9 = 3.30555...  ->  3.306
#   IKM = 3.30555... x 25 = 82.638...          ->  82.64, grade B (76.61-88.30), "Baik"
WORKED = [
    (4, 4, 3, 3, 4, 3, 4, 3, 3),
    (3, 3, 3, 2, 3, 3, 4, 3, 3),
    (4, 3, 2, 3, 4, 4, 4, 2, 3),
    (3, 4, 3, 4, 3, 4, 4, 3, 4),
]


def test_hand_worked_example():
    result = ikm_from_answers(WORKED)
    assert result.respondents == 4
    assert result.nrr == tuple(Decimal(x) for x in "3.50 3.50 2.75 3.00 3.50 3.50 4.00 2.75 3.25".split())
    assert result.nrr_weighted == Decimal("3.306")
    assert result.ikm == Decimal("82.64")
    assert (result.grade, result.grade_id, result.grade_en) == ("B", "Baik", "Good")


def test_rounded_weight_reproduces_the_spreadsheet_figure():
    # 29.75 x 0.111 = 3.30225; x 25 = 82.55625 -> 82.56
    assert ikm_from_answers(WORKED, weight=Fraction("0.111")).ikm == Decimal("82.56")


def test_extremes_are_100_a_and_25_d():
    best = ikm_from_answers([(4,) * 9] * 3)
    worst = ikm_from_answers([(1,) * 9])
    assert (best.ikm, best.grade) == (Decimal("100.00"), "A")
    assert (worst.ikm, worst.grade, worst.grade_id) == (Decimal("25.00"), "D", "Tidak baik")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_follow_the_regulations_table(value, expected):
    assert grade(Decimal(value))[0] == expected


def test_totals_form_matches_answers_form_and_empty_is_none():
    totals = [sum(row[i] for row in WORKED) for i in range(9)]
    assert ikm_from_totals(totals, [4] * 9, 4) == ikm_from_answers(WORKED)
    assert ikm_from_answers([]) is None


@pytest.mark.parametrize("row", [(5,) * 9, (0,) * 9, (3,) * 8])
def test_answers_outside_the_scale_are_refused(row):
    with pytest.raises(ValueError):
        ikm_from_answers([row])
