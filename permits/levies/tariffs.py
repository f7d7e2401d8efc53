"""Levy and tax tariffs as plain data and the arithmetic that turns one into SKRD/SKPD lines (pure: no
database, no expression evaluator).

A rule is an ordered list of components. Two kinds make **lines**:

- ``fixed``: a fixed amount (one line);
- ``rate``: base quantity x unit price (one line); the quantity is the product of named values, each
  taken from the survey's measurements when the surveyor measured it, else from the object data.
  An ``optional`` rate line (a fence, a paving area) is left out when one of its values is empty or 0.
  A unit price of 1 is not printed (the price then comes from a factor, e.g. the city's SHST).

Four kinds make **factors**; each multiplies the rate lines named in its ``applies_to`` (line
``code``s), or every rate line when ``applies_to`` is empty. So a building's indices multiply the
building line and leave the infrastructure (prasarana) lines alone:

- ``coefficient``: an index looked up by the value of one object-data field (``factors``: value ->
  index; ``"*"`` is the index of any value not listed);
- ``weighted``: a weighted sum of such lookups, sum(weight x index[value of field]) (``terms``), as
  PP 16/2021 computes the classification of a building from its complexity, permanence and height;
- ``constant``: a fixed factor (``amount``), e.g. a tax rate of 20% or a locality index of 0,5%;
  ``maximum`` is the legal cap it may not exceed (checked by ``rule_problems``);
- ``yearly``: a value for the year of the assessment (``factors``: "2026" -> value), e.g. the SHST;
  while next year's value is not set yet the latest earlier year's is used (and printed).

``minimum``: when the lines add up to less, one more line brings the total up to the minimum.

Each line keeps its basis of calculation in words and numbers (the formula with the values used, as
printed on the SKRD/SKPD) and is rounded on its own as the regulation says (e.g. up to the next
Rp 1.000), so the total is always exactly the sum of the lines. Money is ``Decimal`` whole rupiah;
there is no float here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

FIXED, RATE, MINIMUM = "fixed", "rate", "minimum"
COEFFICIENT, WEIGHTED, CONSTANT, YEARLY = "coefficient", "weighted", "constant", "yearly"
LINE_KINDS = (FIXED, RATE)
FACTOR_KINDS = (COEFFICIENT, WEIGHTED, CONSTANT, YEARLY)
KINDS = (FIXED, RATE, COEFFICIENT, WEIGHTED, CONSTANT, YEARLY, MINIMUM)
ROUNDING_MODES = {"up": ROUND_CEILING, "half_up": ROUND_HALF_UP, "down": ROUND_FLOOR}
ANY = "*"
YEAR = "tahun"  # what a yearly factor reports missing when no assessment day was given
BASIS_MAX = 500  # LevyLine.basis


@dataclass(frozen=True)
class Term:
    """One part of a weighted sum: ``weight`` x the index of the value of ``field``."""

    field: str
    weight: Decimal
    index: Mapping[str, Decimal]
    label: str = ""


@dataclass(frozen=True)
class Component:
    """One row of a tariff rule (see the module docstring for the kinds)."""

    kind: str
    label: str
    amount: Decimal = Decimal(0)  # fixed amount, unit price, constant factor, or the minimum total
    quantities: tuple[str, ...] = ()  # rate: names of the values multiplied together
    unit: str = ""  # rate: unit of the quantity ("m2"); yearly/constant: "Rp" when the factor is money
    class_field: str = ""  # coefficient: the field whose value picks the index
    factors: Mapping[str, Decimal] = field(default_factory=dict)  # coefficient: value -> index; yearly: year -> value
    code: str = ""  # rate: the line's name for ``applies_to``
    symbol: str = ""  # factor: short name in the printed basis ("If", "Ibg", "SHST"); none: the value alone
    applies_to: tuple[str, ...] = ()  # factor: the line codes it multiplies; empty = every rate line
    terms: tuple[Term, ...] = ()  # weighted: the parts of the sum
    optional: bool = False  # rate: no line when a value is empty or 0
    maximum: Decimal | None = None  # constant: the legal cap (a tax rate's "paling tinggi")

    def multiplies(self, line_code: str) -> bool:
        return not self.applies_to or line_code in self.applies_to


@dataclass(frozen=True)
class Rule:
    """A tariff of one permit type, in force from ``effective_from`` to ``effective_to`` (inclusive)."""

    permit_type: str
    version: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    legal_basis: str
    components: tuple[Component, ...]
    rounding_unit: Decimal = Decimal(1)
    rounding_mode: str = "up"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class Line:
    description: str
    basis: str  # how the amount was reached, readable on the SKRD
    amount: Decimal


@dataclass(frozen=True)
class Computation:
    """The result: lines and their total, or what is missing to compute them."""

    lines: tuple[Line, ...]
    total: Decimal
    missing: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)  # value name -> "survey" or "data"

    @property
    def ok(self) -> bool:
        return not self.missing


def rule_in_force(rules: Iterable[Rule], day: datetime.date) -> Rule | None:
    """The rule in force on ``day``: the latest ``effective_from`` among those covering the day."""
    candidates = [r for r in rules if r.in_force_on(day)]
    return max(candidates, key=lambda r: (r.effective_from, r.version), default=None)


def round_amount(amount: Decimal, unit: Decimal, mode: str) -> Decimal:
    """Round to a multiple of ``unit`` rupiah (up / half_up / down)."""
    unit = Decimal(unit)
    if unit <= 0:
        raise ValueError("rounding unit must be positive")
    steps = (Decimal(amount) / unit).to_integral_value(rounding=ROUNDING_MODES[mode])
    return (steps * unit).quantize(Decimal(1))


def fmt_number(value: Decimal) -> str:
    """Indonesian number: 1.234.567,5 (dots for thousands, comma for decimals, no trailing zeros)."""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value).normalize():f}"
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def _money_or_number(value: Decimal, unit: str) -> str:
    return f"Rp {fmt_number(value)}" if unit.strip().lower() == "rp" else fmt_number(value)


def _raw(name: str, data: Mapping, measurements: Mapping) -> tuple[object, str]:
    for source, values in (("survey", measurements), ("data", data)):
        raw = values.get(name)
        if raw not in (None, ""):
            return raw, source
    return None, ""


def _value(name: str, data: Mapping, measurements: Mapping) -> tuple[Decimal | None, str]:
    raw, source = _raw(name, data, measurements)
    if raw is None:
        return None, ""
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None, source
    if not number.is_finite() or number < 0:
        return None, source
    return number, source


def _lookup(field_name: str, index: Mapping, data: Mapping, measurements: Mapping) -> tuple[Decimal | None, str]:
    raw, _source = _raw(field_name, data, measurements)
    key = "" if raw is None else str(raw).strip()
    if key in index:
        return Decimal(index[key]), key
    if key and ANY in index:
        return Decimal(index[ANY]), key
    return None, key


def _missing(field_name: str, key: str) -> str:
    return f"{field_name}={key}" if key else field_name


def _factor(
    c: Component, data: Mapping, measurements: Mapping, day: datetime.date | None
) -> tuple[Decimal | None, str, list[str]]:
    """(value, text for the basis, what is missing) of one factor component."""
    name = f"{c.symbol} " if c.symbol else ""
    if c.kind == CONSTANT:
        return Decimal(c.amount), f"{name}{_money_or_number(c.amount, c.unit)}", []
    if c.kind == YEARLY:
        if day is None:
            return None, "", [YEAR]
        years = [int(y) for y in c.factors if str(y).isdigit() and int(y) <= day.year]
        if not years:
            return None, "", [f"{c.symbol or c.label} {day.year}"]
        year = str(max(years))
        value = Decimal(c.factors[year])
        return value, f"{name}{year} {_money_or_number(value, c.unit)}", []
    if c.kind == COEFFICIENT:
        value, key = _lookup(c.class_field, c.factors, data, measurements)
        if value is None:
            return None, "", [_missing(c.class_field, key)]
        return value, f"{name}{fmt_number(value)} ({key})", []
    # WEIGHTED
    total, parts, missing = Decimal(0), [], []
    for term in c.terms:
        index, key = _lookup(term.field, term.index, data, measurements)
        if index is None:
            missing.append(_missing(term.field, key))
            continue
        total += Decimal(term.weight) * index
        parts.append(f"{fmt_number(term.weight)}x{fmt_number(index)}")
    if missing:
        return None, "", missing
    return total, f"{name}{fmt_number(total)} ({' + '.join(parts)})", []


def compute(
    rule: Rule, data: Mapping, measurements: Mapping | None = None, *, day: datetime.date | None = None
) -> Computation:
    """SKRD/SKPD lines of ``rule`` for an object's ``data``, the survey's ``measurements`` and the
    assessment ``day`` (whose year picks the yearly values).

    Values are canonical decimal strings (as stored: "121.5"), not user input.
    """
    measurements = measurements or {}
    missing: list[str] = []
    sources: dict[str, str] = {}
    factors: list[tuple[Component, Decimal, str]] = []
    for c in rule.components:
        if c.kind in FACTOR_KINDS:
            value, text, lacking = _factor(c, data, measurements, day)
            missing.extend(lacking)
            if value is not None:
                factors.append((c, value, text))
    lines: list[Line] = []
    for c in rule.components:
        if c.kind == FIXED:
            lines.append(Line(c.label, "tetap", round_amount(c.amount, rule.rounding_unit, rule.rounding_mode)))
        elif c.kind == RATE:
            line = _rate_line(rule, c, data, measurements, factors, missing, sources)
            if line is not None:
                lines.append(line)
    if missing:
        return Computation((), Decimal(0), tuple(dict.fromkeys(missing)), sources)
    total = sum((line.amount for line in lines), Decimal(0))
    for c in rule.components:
        if c.kind == MINIMUM and total < Decimal(c.amount):
            top_up = Decimal(c.amount) - total
            lines.append(Line(c.label, f"minimum Rp {fmt_number(c.amount)}", top_up))
            total += top_up
    return Computation(tuple(lines), total, (), sources)


def _rate_line(rule, c, data, measurements, factors, missing, sources) -> Line | None:
    quantity, parts, lacking = Decimal(1), [], []
    for name in c.quantities:
        number, source = _value(name, data, measurements)
        if number is None:
            lacking.append(name)
            continue
        sources[name] = source
        quantity *= number
        parts.append(fmt_number(number))
    if c.optional and (lacking or quantity == 0):
        return None
    missing.extend(lacking)
    exact = quantity * Decimal(c.amount)
    basis = [f"{' x '.join(parts)} {c.unit}".strip()]
    if Decimal(c.amount) != 1:
        basis.append(f"Rp {fmt_number(c.amount)}")
    for factor, value, text in factors:
        if factor.multiplies(c.code):
            exact *= value
            basis.append(text)
    text = " x ".join(basis)
    if len(text) > BASIS_MAX:
        text = text[: BASIS_MAX - 1] + "…"
    return Line(c.label, text, round_amount(exact, rule.rounding_unit, rule.rounding_mode))


def rule_problems(rule: Rule) -> list[tuple[str, dict]]:
    """What makes a rule unusable, as (code, params) for the caller to word (empty when fine):
    ``no_line`` (a factor names a line code no rate line has), ``over_cap`` (a constant above its legal
    cap), ``no_terms`` (a weighted sum without parameters)."""
    problems: list[tuple[str, dict]] = []
    codes = {c.code for c in rule.components if c.kind == RATE and c.code}
    for c in rule.components:
        for code in c.applies_to:
            if c.kind in FACTOR_KINDS and code not in codes:
                problems.append(("no_line", {"label": c.label, "code": code, "codes": ", ".join(sorted(codes)) or "-"}))
        if c.kind == CONSTANT and c.maximum is not None and Decimal(c.amount) > Decimal(c.maximum):
            params = {"label": c.label, "value": fmt_number(c.amount), "maximum": fmt_number(c.maximum)}
            problems.append(("over_cap", params))
        if c.kind == WEIGHTED and not c.terms:
            problems.append(("no_terms", {"label": c.label}))
    return problems


def rule_fields(rule: Rule) -> set[str]:
    """The object-data fields the rule reads (quantities, lookups, weighted-sum parameters)."""
    names: set[str] = set()
    for c in rule.components:
        names.update(c.quantities)
        if c.class_field:
            names.add(c.class_field)
        names.update(t.field for t in c.terms)
    return names


# --- rules as JSON-friendly dicts (assessment snapshots, demo data) -----------------------------


def _num(value) -> str:
    """A decimal as canonical text: "10000", "0.005" (no exponent, no trailing zeros)."""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "0") else text


def terms_to_list(terms: Iterable[Term]) -> list[dict]:
    return [
        {
            "field": t.field,
            "weight": _num(t.weight),
            "label": t.label,
            "index": {k: _num(v) for k, v in t.index.items()},
        }
        for t in terms
    ]


def terms_from_list(raw) -> tuple[Term, ...]:
    """Weighted-sum terms from JSON: [{"field", "weight", "index": {value: index}, "label"}]."""
    if not isinstance(raw, list):
        raise ValueError("terms must be a list")
    out = []
    for t in raw:
        if not isinstance(t, dict) or not t.get("field") or not isinstance(t.get("index"), dict):
            raise ValueError("each term needs a field and an index")
        out.append(
            Term(
                field=str(t["field"]),
                weight=Decimal(str(t.get("weight", "1"))),
                index={str(k): Decimal(str(v)) for k, v in t["index"].items()},
                label=str(t.get("label", "")),
            )
        )
    return tuple(out)


def rule_to_dict(rule: Rule) -> dict:
    return {
        "permit_type": rule.permit_type,
        "version": rule.version,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "legal_basis": rule.legal_basis,
        "rounding_unit": _num(rule.rounding_unit),
        "rounding_mode": rule.rounding_mode,
        "components": [
            {
                "kind": c.kind,
                "label": c.label,
                "amount": _num(c.amount),
                "quantities": list(c.quantities),
                "unit": c.unit,
                "class_field": c.class_field,
                "factors": {k: _num(v) for k, v in c.factors.items()},
                "code": c.code,
                "symbol": c.symbol,
                "applies_to": list(c.applies_to),
                "terms": terms_to_list(c.terms),
                "optional": c.optional,
                "maximum": None if c.maximum is None else _num(c.maximum),
            }
            for c in rule.components
        ],
    }


def rule_from_dict(d: Mapping) -> Rule:
    return Rule(
        permit_type=d["permit_type"],
        version=str(d["version"]),
        effective_from=datetime.date.fromisoformat(str(d["effective_from"])),
        effective_to=datetime.date.fromisoformat(str(d["effective_to"])) if d.get("effective_to") else None,
        legal_basis=d.get("legal_basis", ""),
        rounding_unit=Decimal(str(d.get("rounding_unit", "1"))),
        rounding_mode=d.get("rounding_mode", "up"),
        components=tuple(
            Component(
                kind=c["kind"],
                label=c["label"],
                amount=Decimal(str(c.get("amount") or "0")),
                quantities=tuple(c.get("quantities") or ()),
                unit=c.get("unit", ""),
                class_field=c.get("class_field", ""),
                factors={str(k): Decimal(str(v)) for k, v in (c.get("factors") or {}).items()},
                code=c.get("code", ""),
                symbol=c.get("symbol", ""),
                applies_to=tuple(c.get("applies_to") or ()),
                terms=terms_from_list(c.get("terms") or []),
                optional=bool(c.get("optional", False)),
                maximum=None if c.get("maximum") in (None, "") else Decimal(str(c["maximum"])),
            )
            for c in d["components"]
        ),
    )
