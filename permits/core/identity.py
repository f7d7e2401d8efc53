"""Pure checks of Indonesian identity data: NIK, NIB, phone numbers. No database."""

import re

import phonenumbers

NIK_RE = re.compile(r"^\d{16}$")
NIB_RE = re.compile(r"^\d{13}$")


def clean_nik(raw: str) -> str:
    """A NIK is 16 digits; its first two digits are a province code (11..94) and it is not all zeros.

    Spaces and dots that people type between groups are removed.
    """
    value = re.sub(r"[\s.\-]", "", raw or "")
    if not NIK_RE.match(value):
        raise ValueError("NIK harus 16 digit angka.")
    if not 11 <= int(value[:2]) <= 94:
        raise ValueError("NIK tidak valid: kode provinsi (2 digit pertama) salah.")
    day = int(value[6:8])
    if not (1 <= day <= 31 or 41 <= day <= 71):  # women's birth day is stored +40
        raise ValueError("NIK tidak valid: tanggal lahir di dalam NIK salah.")
    return value


def clean_nib(raw: str) -> str:
    value = re.sub(r"[\s.\-]", "", raw or "")
    if not NIB_RE.match(value):
        raise ValueError("NIB harus 13 digit angka.")
    return value


def clean_phone(raw: str) -> str:
    """Normalise an Indonesian phone number (08..., 628..., +628...) to E.164 (+62...)."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("Nomor telepon wajib diisi.")
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("Nomor telepon tidak valid.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("Nomor telepon tidak valid.")
    if number.country_code != 62:
        raise ValueError("Nomor telepon harus nomor Indonesia (+62).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
