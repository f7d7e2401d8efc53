"""Pure checks of identity data: NIK, NIB, a foreigner's passport/KITAS number, phone numbers. No database.

A NIP (Nomor Induk Pegawai of a civil servant, PP 11/2017 and BKN rules) is 18 digits: YYYYMMDD yyyymm S NNN:
date of birth, month of appointment (TMT CPNS), sex (1 man, 2 woman) and a serial starting at 001.

A NIK (Nomor Induk Kependudukan, UU 24/2013 and Permendagri on Dukcapil) is 16 digits: PP KK CC DDMMYY SSSS:
province, regency/city and district codes (Kemendagri), date of birth (women's day + 40) and a serial that starts
at 0001. The region codes are checked against data/wilayah.txt (source and date in its header). A NIK keeps the
district code in force when it was issued: a district split or renamed later leaves old NIKs valid, so the list
only ever grows.
"""

import datetime
import functools
import re
from pathlib import Path

import phonenumbers
from django.utils.translation import gettext as _

NIK_RE = re.compile(r"^\d{16}$")
NIP_RE = re.compile(r"^\d{18}$")
NIB_RE = re.compile(r"^\d{13}$")
FOREIGN_ID_RE = re.compile(r"^[A-Z0-9]{6,20}$")
SEPARATORS_RE = re.compile(r"[\s.\-]")
WILAYAH_FILE = Path(__file__).resolve().parent / "data" / "wilayah.txt"


@functools.cache
def regions() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(provinces, regencies, districts): 2-, 4- and 6-digit Kemendagri codes, read once."""
    provinces: set[str] = set()
    regencies: set[str] = set()
    districts: set[str] = set()
    for line in WILAYAH_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        head, *rest = line.split()
        if head == "P":
            provinces.update(rest)
        else:
            regencies.add(head)
            districts.update(head + tail for tail in rest)
    return frozenset(provinces), frozenset(regencies), frozenset(districts)


@functools.cache
def region_unchecked_provinces() -> frozenset[str]:
    """Provinces listed without their regencies (newer than the list): only the province code can be checked."""
    provinces, regencies, _districts = regions()
    return frozenset(p for p in provinces if not any(r.startswith(p) for r in regencies))


def _nik_region_error(value: str) -> str | None:
    provinces, regencies, districts = regions()
    province, regency, district = value[:2], value[2:4], value[4:6]
    if province not in provinces:
        return _("NIK tidak valid: kode provinsi %(code)s tidak ada.") % {"code": province}
    if regency == "00":
        return _("NIK tidak valid: kode kabupaten/kota 00 tidak ada.")
    if district == "00":
        return _("NIK tidak valid: kode kecamatan 00 tidak ada.")
    if province in region_unchecked_provinces():
        return None
    if value[:4] not in regencies:
        return _("NIK tidak valid: kode kabupaten/kota %(code)s tidak ada di provinsi %(province)s.") % {
            "code": regency,
            "province": province,
        }
    if value[:6] not in districts:
        return _("NIK tidak valid: kode kecamatan %(code)s tidak ada di kabupaten/kota %(regency)s.") % {
            "code": district,
            "regency": value[:4],
        }
    return None


def _real_date(day: int, month: int, yy: int) -> bool:
    """True when DD-MM-YY is a calendar date in either century (a NIK does not say which)."""
    for year in (1900 + yy, 2000 + yy):
        try:
            datetime.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _nik_birth_error(value: str) -> str | None:
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if day > 40:  # women's day of birth is stored + 40
        day -= 40
    if not 1 <= day <= 31:
        return _("NIK tidak valid: tanggal lahir %(day)s tidak ada (01-31, perempuan 41-71).") % {"day": value[6:8]}
    if not 1 <= month <= 12:
        return _("NIK tidak valid: bulan lahir %(month)s tidak ada.") % {"month": value[8:10]}
    if not _real_date(day, month, yy):
        return _("NIK tidak valid: tanggal lahir %(date)s tidak ada di kalender.") % {
            "date": f"{day:02d}-{month:02d}-{value[10:12]}"
        }
    return None


def clean_nik(raw: str) -> str:
    """The NIK's 16 digits, or ValueError whose message names the part that is wrong.

    Spaces, dots and dashes that people type between groups are removed.
    """
    value = SEPARATORS_RE.sub("", raw or "")
    if not NIK_RE.match(value):
        raise ValueError(_("NIK harus 16 digit angka."))
    error = _nik_region_error(value) or _nik_birth_error(value)
    if error:
        raise ValueError(error)
    if value[12:] == "0000":
        raise ValueError(_("NIK tidak valid: nomor urut 0000 tidak ada (mulai 0001)."))
    return value


def clean_nip(raw: str) -> str:
    """The NIP's 18 digits, or ValueError whose message names the part that is wrong.

    Spaces, dots and dashes are removed (NIPs are often printed as 19700101 199503 1 001).
    """
    value = SEPARATORS_RE.sub("", raw or "")
    if not NIP_RE.match(value):
        raise ValueError(_("NIP harus 18 digit angka."))
    try:
        birth = datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValueError(
            _("NIP tidak valid: tanggal lahir %(date)s tidak ada di kalender.") % {"date": value[:8]}
        ) from None
    appointed_year, appointed_month = int(value[8:12]), int(value[12:14])
    if not 1 <= appointed_month <= 12:
        raise ValueError(_("NIP tidak valid: bulan pengangkatan %(month)s tidak ada.") % {"month": value[12:14]})
    if appointed_year < birth.year + 15:
        raise ValueError(
            _("NIP tidak valid: tahun pengangkatan %(year)s sebelum usia 15 tahun.") % {"year": value[8:12]}
        )
    if value[14] not in "12":
        raise ValueError(
            _("NIP tidak valid: kode jenis kelamin %(code)s (1 laki-laki, 2 perempuan).") % {"code": value[14]}
        )
    if value[15:] == "000":
        raise ValueError(_("NIP tidak valid: nomor urut 000 tidak ada (mulai 001)."))
    return value


def clean_nib(raw: str) -> str:
    """A NIB (Nomor Induk Berusaha, issued by OSS RBA) is 13 digits.

    OSS publishes no further structure (no check digit, no region or date part), so digits-only is all that can
    be checked here.
    """
    value = SEPARATORS_RE.sub("", raw or "")
    if not NIB_RE.match(value):
        raise ValueError(_("NIB harus 13 digit angka."))
    return value


def clean_foreign_id(raw: str) -> str:
    """A passport or KITAS number of a foreign applicant: 6-20 letters and digits, upper-cased.

    Passport formats differ by country and KITAS numbers by issuing year, and no registry can be asked from the
    desk, so only the shape is checked; spaces, dots and dashes typed between groups are removed.
    """
    value = SEPARATORS_RE.sub("", raw or "").upper()
    if not value:
        raise ValueError(_("Nomor paspor/KITAS wajib diisi."))
    if not FOREIGN_ID_RE.match(value):
        raise ValueError(_("Nomor paspor/KITAS harus 6-20 huruf dan angka."))
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


def nip_printed(nip: str) -> str:
    """'19700101 199503 1 001': the NIP in its four groups, as printed under a signature."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
