"""Demo applications for a newcomer to try the front desk and the tracking page at once."""

import datetime

from django.utils import timezone

from permits.catalog.models import PermitType

from .services import application_register

DEMO_APPLICANTS = [
    {
        "kind": "person",
        "name": "Siti Nurhaliza",
        "nik": "3271046504870002",
        "phone": "0812-1111-2201",
        "email": "siti@example.id",
        "address": "Jl. Pajajaran No. 12, Baranangsiang, Bogor Timur",
    },
    {
        "kind": "company",
        "name": "Budi Santoso",
        "nik": "3271011203800005",
        "nib": "9120001234567",
        "company_name": "PT Maju Reklame Nusantara",
        "phone": "+6281311112202",
        "email": "izin@majureklame.co.id",
        "address": "Jl. Suryakencana No. 88, Babakan Pasar, Bogor Tengah",
        "channel": "email",
    },
    {
        "kind": "person",
        "name": "dr. Rina Wulandari",
        "nik": "3271055709900003",
        "phone": "081511112203",
        "address": "Perum Bogor Baru Blok C2/5, Tegallega, Bogor Tengah",
        "channel": "sms",
    },
    {
        "kind": "person",
        "name": "Ahmad Fauzi",
        "nik": "3271020101750001",
        "phone": "085711112204",
        "address": "Jl. Raya Tajur No. 3, Muarasari, Bogor Selatan",
    },
    {
        "kind": "company",
        "name": "Dewi Lestari",
        "nik": "3271036808850004",
        "nib": "9120007654321",
        "company_name": "CV Sumber Air Bersih",
        "phone": "081911112205",
        "address": "Jl. Raya Cibungbulang Km 2, Bogor Barat",
    },
]


def demo_object_data(permit_type: PermitType) -> dict:
    """Plausible values for every field of a permit type, derived from its definitions."""
    today = timezone.localdate()
    data = {}
    for f in permit_type.data_fields.all():
        if f.type == "choice":
            data[f.code] = f.choice_list[0]
        elif f.type in ("integer", "decimal"):
            low = int(f.min_value) if f.min_value is not None else 1
            high = int(f.max_value) if f.max_value is not None else low + 100
            data[f.code] = str(max(low, min(high, low + 2 if f.type == "integer" else 120)))
        elif f.type == "date":
            data[f.code] = (today + datetime.timedelta(days=14)).isoformat()
        else:
            data[f.code] = f"{f.label_id} contoh"
    return data


def demo_applications_create(officer, per_type: int = 1) -> list[dict]:
    """Register `per_type` complete applications for each active permit type; return their entries."""
    entries = []
    i = 0
    for pt in PermitType.objects.filter(active=True).prefetch_related("requirements", "data_fields"):
        for _ in range(per_type):
            applicant = DEMO_APPLICANTS[i % len(DEMO_APPLICANTS)]
            i += 1
            reg = application_register(
                officer=officer,
                permit_type_code=pt.code,
                applicant=applicant,
                data=demo_object_data(pt),
                documents_received=[r.code for r in pt.requirements.all()],
            )
            app = reg.application
            entries.append(
                {
                    "registration_number": app.registration_number,
                    "pin": reg.pin,
                    "permit_type": pt.code,
                    "state": app.status,
                    "applicant": app.applicant.display_name,
                    "promised_completion_date": timezone.localtime(app.promised_completion_at).date().isoformat(),
                }
            )
    return entries
