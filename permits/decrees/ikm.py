"""The community satisfaction index (IKM) of PermenPANRB 14/2017, as plain arithmetic (no database).

For each of the nine elements (unsur) the average perception value is
    NRR_i = (sum of the answers to element i) / (number of answers to element i);
every element weighs the same, 1/9 (the regulation writes the weight rounded, 0,11 / 0.111), so
    NRR tertimbang = sum(NRR_i x 1/9),
and the index, converted to the 25-100 scale, is
    IKM = NRR tertimbang x 25,
graded by the regulation's table of converted intervals (nilai interval konversi):
    88,31 - 100,00  A  Sangat baik
    76,61 - 88,30   B  Baik
    65,00 - 76,60   C  Kurang baik
    25,00 - 64,99   D  Tidak baik
Arithmetic is exact (fractions); the results are rounded half-up to two decimals only at the end,
and the grade is read from the rounded index, as the table's two-decimal bounds require.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ELEMENT_COUNT = 9
WEIGHT = Fraction(1, ELEMENT_COUNT)
# (lowest converted value, grade, Indonesian, English), best first.
GRADES: tuple[tuple[Decimal, str, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik", "Very good"),
    (Decimal("76.61"), "B", "Baik", "Good"),
    (Decimal("65.00"), "C", "Kurang baik", "Poor"),
    (Decimal("25.00"), "D", "Tidak baik", "Bad"),
)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class IkmResult:
    """The index of a set of answers: per-element averages, weighted average, index and grade."""

    respondents: int
    nrr: tuple[Decimal, ...]  # per element, 2 decimals
    nrr_weighted: Decimal  # 3 decimals (the regulation's tables show three)
    ikm: Decimal  # 2 decimals, 25.00-100.00
    grade: str  # A-D
    grade_id: str
    grade_en: str


def _decimal(value: Fraction, places: Decimal = TWO_PLACES) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def grade(ikm: Decimal) -> tuple[str, str, str]:
    """(grade, Indonesian, English) of a converted index rounded to two decimals."""
    for low, letter, label_id, label_en in GRADES:
        if ikm >= low:
            return letter, label_id, label_en
    return GRADES[-1][1:]


def ikm_from_totals(
    totals: Sequence[int], answered: Sequence[int], respondents: int, weight: Fraction = WEIGHT
) -> IkmResult | None:
    """The index from each element's sum of answers and count of answers (None without answers).

    `weight` is the exact 1/9 by default; pass Fraction("0.111") to reproduce spreadsheets that use
    the rounded weight (all answers 4 then give 99.90 instead of 100.00).
    """
    if len(totals) != ELEMENT_COUNT or len(answered) != ELEMENT_COUNT:
        raise ValueError("nine elements expected")
    if respondents <= 0 or any(n <= 0 for n in answered):
        return None
    nrr = [Fraction(total, n) for total, n in zip(totals, answered, strict=True)]
    if any(not 1 <= value <= 4 for value in nrr):
        raise ValueError("answers are on a 1-4 scale")
    weighted = sum((value * weight for value in nrr), Fraction(0))
    ikm = _decimal(weighted * 25)
    letter, label_id, label_en = grade(ikm)
    return IkmResult(
        respondents=respondents,
        nrr=tuple(_decimal(value) for value in nrr),
        nrr_weighted=_decimal(weighted, Decimal("0.001")),
        ikm=ikm,
        grade=letter,
        grade_id=label_id,
        grade_en=label_en,
    )


def ikm_from_answers(answers: Iterable[Sequence[int]], weight: Fraction = WEIGHT) -> IkmResult | None:
    """The index of individual questionnaires, each nine answers of 1-4."""
    totals = [0] * ELEMENT_COUNT
    count = 0
    for row in answers:
        if len(row) != ELEMENT_COUNT or any(int(v) not in (1, 2, 3, 4) for v in row):
            raise ValueError("each questionnaire has nine answers of 1-4")
        count += 1
        for i, value in enumerate(row):
            totals[i] += int(value)
    return ikm_from_totals(totals, [count] * ELEMENT_COUNT, count, weight)
