"""Validation of a permit type's object data: pure Python, given the field definitions."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol


class FieldSpec(Protocol):
    code: str
    label_id: str
    type: str
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None

    @property
    def choice_list(self) -> list[str]: ...


def parse_decimal(raw: Any) -> Decimal:
    """Accept 1500, "1500", "1.500", "1.500,5" (Indonesian) and "1,500.5" (English) forms.

    A lone comma is the decimal mark ("120,5" = 120.5), as in Indonesian.
    """
    if isinstance(raw, bool):
        raise InvalidOperation
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "")
    if "," in text and "." in text:
        # whichever separator comes last is the decimal mark
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text):
        # Indonesian thousands separators: "1.234.567", and "1.500" (a lone dot before exactly
        # three digits reads as thousands here, as Indonesian users write it)
        text = text.replace(".", "")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


def validate_object_data(fields: list[FieldSpec], data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (clean data, errors by field code). Clean values are JSON-friendly strings/ints.

    Unknown keys are errors too: they would be silently lost otherwise.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {f.code for f in fields}
    for key in data:
        if key not in known:
            errors[key] = "Isian tidak dikenal untuk jenis izin ini."
    for f in fields:
        raw = data.get(f.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f.required:
                errors[f.code] = f"{f.label_id} wajib diisi."
            continue
        try:
            if f.type == "integer":
                value = parse_decimal(raw)
                if value != value.to_integral_value():
                    raise InvalidOperation
                value = int(value)
            elif f.type == "decimal":
                value = parse_decimal(raw)
            elif f.type == "date":
                value = raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(str(raw).strip())
            elif f.type == "choice":
                value = str(raw).strip()
                if value not in f.choice_list:
                    errors[f.code] = f"{f.label_id}: pilih salah satu dari {', '.join(f.choice_list)}."
                    continue
            else:
                value = str(raw).strip()
                if len(value) > 500:
                    errors[f.code] = f"{f.label_id} terlalu panjang (maks. 500 karakter)."
                    continue
        except (InvalidOperation, ValueError, TypeError):
            kind = {"integer": "bilangan bulat", "decimal": "angka", "date": "tanggal (YYYY-MM-DD)"}.get(f.type, "teks")
            errors[f.code] = f"{f.label_id} harus berupa {kind}."
            continue
        if f.type in ("integer", "decimal"):
            if f.min_value is not None and value < f.min_value:
                errors[f.code] = f"{f.label_id} minimal {f.min_value.normalize():f}."
                continue
            if f.max_value is not None and value > f.max_value:
                errors[f.code] = f"{f.label_id} maksimal {f.max_value.normalize():f}."
                continue
        if isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        clean[f.code] = value
    return clean, errors
