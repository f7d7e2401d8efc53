"""Levy tariffs as plain data and the arithmetic that turns one into SKRD lines (pure: no database).

A rule is a list of components, applied in order:

- ``fixed``: a fixed amount (one line);
- ``rate``: rate x quantity (one line); the quantity is the product of named values, each taken from
  the survey's measurements when the surveyor measured it, else from the object data;
- ``coefficient``: a factor chosen by the value of a class field (building function, floors, kind
  of billboard ...); every coefficient multiplies every rate line (``"*"`` is the factor of any
  value not listed);
- ``minimum``: when the lines add up to less, one more line brings the total up to the minimum.

Each line is rounded on its own as the regulation says (e.g. up to the next Rp 1.000), so the total
is always exactly the sum of the lines. Money is ``Decimal`` whole rupiah; there is no float here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

FIXED, RATE, COEFFICIENT, MINIMUM = "fixed", "rate", "coefficient", "minimum"
KINDS = (FIXED, RATE, COEFFICIENT, MINIMUM)
ROUNDING_MODES = {"up": ROUND_CEILING, "half_up": ROUND_HALF_UP, "down": ROUND_FLOOR}
ANY = "*"


@dataclass(frozen=True)
class Component:
    """One row of a tariff rule (see the module docstring for the kinds)."""

    kind: str
    label: str
    amount: Decimal = Decimal(0)  # fixed amount, rate per unit, or the minimum total
    quantities: tuple[str, ...] = ()  # rate: names of the values multiplied together
    unit: str = ""  # rate: unit of the quantity, for the printed basis ("m2", "m2 x muka x bulan")
    class_field: str = ""  # coefficient: the field whose value picks the factor
    factors: Mapping[str, Decimal] = field(default_factory=dict)  # coefficient: value -> factor


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


def _value(name: str, data: Mapping, measurements: Mapping) -> tuple[Decimal | None, str]:
    for source, values in (("survey", measurements), ("data", data)):
        raw = values.get(name)
        if raw in (None, ""):
            continue
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return None, source
        if not number.is_finite() or number < 0:
            return None, source
        return number, source
    return None, ""


def _factor(component: Component, data: Mapping, measurements: Mapping) -> tuple[Decimal | None, str]:
    raw = measurements.get(component.class_field, data.get(component.class_field))
    key = "" if raw is None else str(raw).strip()
    if key in component.factors:
        return Decimal(component.factors[key]), key
    if key and ANY in component.factors:
        return Decimal(component.factors[ANY]), key
    return None, key


def compute(rule: Rule, data: Mapping, measurements: Mapping | None = None) -> Computation:
    """SKRD lines of ``rule`` for an object's ``data`` and the survey's ``measurements``.

    Values are canonical decimal strings (as stored: "121.5"), not user input.
    """
    measurements = measurements or {}
    missing: list[str] = []
    sources: dict[str, str] = {}
    factors: list[tuple[Decimal, str, str]] = []
    for c in rule.components:
        if c.kind == COEFFICIENT:
            factor, key = _factor(c, data, measurements)
            if factor is None:
                missing.append(f"{c.class_field}={key}" if key else c.class_field)
            else:
                factors.append((factor, key, c.label))
    lines: list[Line] = []
    for c in rule.components:
        if c.kind == FIXED:
            lines.append(Line(c.label, "tetap", round_amount(c.amount, rule.rounding_unit, rule.rounding_mode)))
        elif c.kind == RATE:
            quantity, parts = Decimal(1), []
            for name in c.quantities:
                number, source = _value(name, data, measurements)
                if number is None:
                    missing.append(name)
                    continue
                sources[name] = source
                quantity *= number
                parts.append(fmt_number(number))
            exact = quantity * Decimal(c.amount)
            basis = [f"{' x '.join(parts)} {c.unit}".strip(), f"Rp {fmt_number(c.amount)}"]
            for factor, key, _label in factors:
                exact *= factor
                basis.append(f"{fmt_number(factor)} ({key})")
            lines.append(Line(c.label, " x ".join(basis), round_amount(exact, rule.rounding_unit, rule.rounding_mode)))
    if missing:
        return Computation((), Decimal(0), tuple(dict.fromkeys(missing)), sources)
    total = sum((line.amount for line in lines), Decimal(0))
    for c in rule.components:
        if c.kind == MINIMUM and total < Decimal(c.amount):
            top_up = Decimal(c.amount) - total
            lines.append(Line(c.label, f"minimum Rp {fmt_number(c.amount)}", top_up))
            total += top_up
    return Computation(tuple(lines), total, (), sources)


# --- rules as JSON-friendly dicts (assessment snapshots, demo data) -----------------------------


def rule_to_dict(rule: Rule) -> dict:
    return {
        "permit_type": rule.permit_type,
        "version": rule.version,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "legal_basis": rule.legal_basis,
        "rounding_unit": str(rule.rounding_unit),
        "rounding_mode": rule.rounding_mode,
        "components": [
            {
                "kind": c.kind,
                "label": c.label,
                "amount": str(c.amount),
                "quantities": list(c.quantities),
                "unit": c.unit,
                "class_field": c.class_field,
                "factors": {k: str(v) for k, v in c.factors.items()},
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
            )
            for c in d["components"]
        ),
    )
