"""The demo permit catalogue: seven permit types of a city DPMPTSP, as plain data, plus its loader.

These are SAMPLE data (every type is loaded with ``is_sample=True``): names, legal bases and
requirements are written the way a citizen would read them on an office's service-standard board,
but a real office must check them against its own regional regulations (Perda/Perwali) first.

Shape of one entry of ``DEMO_PERMIT_TYPES``: the ``PermitType`` fields by name, plus four lists
built with the tiny helpers below: ``requirements`` (``_req``), ``data_fields`` (``_field``),
``steps`` (``_step``) and ``rejection_reasons`` (``(code, text_id, text_en)`` tuples). The list
position gives each item's ``order``.

Time bounds: the bounds of all steps EXCEPT payment add up to at most the service standard
(``service_standard_days``; 8 working hours = 1 working day). The payment step waits on the
applicant, whose time does not count against the office's promise; it still carries a bound
(the SKRD due period) so a forgotten bill shows up as overdue.
"""

from decimal import Decimal

from django.db import models, transaction

from permits.catalog.models import DataField, PermitType, RejectionReason, Requirement, Section, Step
from permits.core import roles

ALWAYS = PermitType.SurveyPolicy.ALWAYS
NEVER = PermitType.SurveyPolicy.NEVER
AT_VERIFICATION = PermitType.SurveyPolicy.DECIDED_AT_VERIFICATION

ORIGINAL = Requirement.Form.ORIGINAL
COPY = Requirement.Form.COPY
EITHER = Requirement.Form.EITHER

TEXT = DataField.Type.TEXT
INTEGER = DataField.Type.INTEGER
DECIMAL = DataField.Type.DECIMAL
DATE = DataField.Type.DATE
CHOICE = DataField.Type.CHOICE

# Every procedure step, by its code: kind, owning role and default names (id, en).
STEP_CATALOGUE: dict[str, tuple[str, str, str, str]] = {
    "verifikasi": (Step.Kind.VERIFICATION, roles.VERIFIER, "Verifikasi berkas", "Document verification"),
    "survei": (Step.Kind.SURVEY, roles.SURVEYOR, "Survei lapangan", "Field survey"),
    "entri-data": (Step.Kind.DATA_ENTRY, roles.DATA_ENTRY, "Entri data", "Data entry"),
    "rekomendasi-teknis": (
        Step.Kind.TECHNICAL_REVIEW,
        roles.TECHNICAL,
        "Rekomendasi teknis",
        "Technical recommendation",
    ),
    "penetapan-retribusi": (
        Step.Kind.LEVY_ASSESSMENT,
        roles.TREASURER,
        "Penetapan retribusi (SKRD)",
        "Levy assessment (SKRD)",
    ),
    "pembayaran": (Step.Kind.PAYMENT, roles.TREASURER, "Pembayaran retribusi", "Levy payment"),
    "persetujuan": (
        Step.Kind.APPROVAL,
        roles.SUPERVISOR,
        "Persetujuan kepala bidang",
        "Division head approval",
    ),
    "tanda-tangan": (Step.Kind.SIGNING, roles.HEAD, "Penandatanganan SK", "Signing of the decree"),
    "penyerahan": (Step.Kind.HANDOVER, roles.FRONTDESK, "Penyerahan SK kepada pemohon", "Decree handover"),
}

_UNITS = {"d": Step.Unit.DAYS, "h": Step.Unit.HOURS}


def _req(code: str, name_id: str, name_en: str, form: str = COPY, *, condition: str = "", types: str = "") -> dict:
    """A requirement; one with a ``condition`` is conditional (``mandatory=False``)."""
    row = {"code": code, "name_id": name_id, "name_en": name_en, "form": form}
    row |= {"mandatory": not condition, "condition_id": condition}
    if types:
        row["accepted_types"] = types
    return row


# The units of the demo fields in English (DataField.unit_en).
UNITS_EN = {
    "m": "m",
    "m2": "m2",
    "m3/bulan": "m3/month",
    "m3": "m3",
    "lantai": "storeys",
    "muka": "faces",
    "bulan": "months",
    "tempat": "place",
    "inci": "inches",
    "orang": "people",
    "unit": "units",
}


def _field(
    code: str,
    label_id: str,
    label_en: str,
    type: str = TEXT,
    unit: str = "",
    lo: float | str | None = None,
    hi: float | str | None = None,
    *,
    choices: str = "",
    choices_en: str = "",
    required: bool = True,
) -> dict:
    """An object data field; ``lo``/``hi`` are the allowed range of a number. ``choices_en`` are the
    same choices in English, in the same order (shown on English pages; the Indonesian is stored)."""
    assert len(choices_en.split(",")) == len(choices.split(",")) if choices_en else not choices, code
    return {
        "code": code,
        "label_id": label_id,
        "label_en": label_en,
        "type": type,
        "unit": unit,
        "unit_en": UNITS_EN[unit] if unit else "",
        "min_value": None if lo is None else Decimal(str(lo)),
        "max_value": None if hi is None else Decimal(str(hi)),
        "choices": choices,
        "choices_en": choices_en,
        "required": required,
    }


def _step(code: str, bound: str, *, optional: bool = False, name_id: str = "", name_en: str = "") -> dict:
    """A procedure step from ``STEP_CATALOGUE``; ``bound`` is e.g. "2d" (working days) or "4h" (hours)."""
    kind, role, default_id, default_en = STEP_CATALOGUE[code]
    return {
        "code": code,
        "kind": kind,
        "role": role,
        "name_id": name_id or default_id,
        "name_en": name_en or default_en,
        "bound_value": int(bound[:-1]),
        "bound_unit": _UNITS[bound[-1]],
        "optional": optional,
    }


# Requirements and fields shared by several types (same text everywhere, so written once).
KTP = _req("ktp", "KTP elektronik pemohon / penanggung jawab", "Applicant's electronic ID card (KTP)")
NPWP = _req("npwp", "NPWP pemohon atau badan usaha", "Taxpayer number (NPWP) of the applicant or company")
NIB = _req("nib", "Nomor Induk Berusaha (NIB) dari OSS", "Business identity number (NIB) from OSS")
SURAT_KUASA = _req(
    "surat-kuasa",
    "Surat kuasa bermeterai Rp10.000 dan KTP penerima kuasa",
    "Stamped power of attorney and the proxy's ID card",
    ORIGINAL,
    condition="Bila dikuasakan: surat kuasa bermeterai",
)
AKTA = _req(
    "akta-pendirian",
    "Akta pendirian badan usaha dan SK pengesahan Kemenkumham",
    "Company deed of establishment and its ministry approval",
    condition="Bila pemohon badan usaha: akta pendirian dan pengesahannya",
)
SERTIFIKAT_TANAH = _req(
    "sertifikat-tanah",
    "Sertifikat hak atas tanah atau bukti penguasaan tanah lainnya",
    "Land title certificate or other proof of land tenure",
)
FUNGSI_BANGUNAN = _field(
    "fungsi_bangunan",
    "Fungsi bangunan",
    "Building function",
    CHOICE,
    choices="Hunian,Usaha,Sosial budaya,Keagamaan,Khusus",
    choices_en="Residential,Business,Social and cultural,Religious,Special",
)
ALAMAT_LOKASI = _field("alamat_lokasi", "Alamat lokasi", "Site address")

# What the PBG levy formula of PP 16/2021 reads (permits/demo/tariffs.py, docs/LEVY.md): the function
# classes of its function index, the parameters of the integrated index, the ownership factor, the
# building-development index, and the infrastructure (prasarana) assessed in lines of their own.
PBG_FUNCTIONS = (
    ("Hunian sederhana", "Simple residential"),
    ("Hunian tidak sederhana", "Non-simple residential"),
    ("Usaha", "Business"),
    ("Usaha UMKM", "Micro or small business"),
    ("Sosial budaya", "Social and cultural"),
    ("Keagamaan", "Religious"),
    ("Khusus", "Special"),
    ("Campuran kecil", "Mixed use (small)"),
    ("Campuran besar", "Mixed use (large)"),
)
PBG_LEVY_FIELDS = [
    _field(
        "fungsi_bangunan",
        "Fungsi bangunan",
        "Building function",
        CHOICE,
        choices=",".join(f[0] for f in PBG_FUNCTIONS),
        choices_en=",".join(f[1] for f in PBG_FUNCTIONS),
    ),
    _field(
        "kompleksitas",
        "Kompleksitas bangunan",
        "Building complexity",
        CHOICE,
        choices="Sederhana,Tidak sederhana",
        choices_en="Simple,Not simple",
    ),
    _field(
        "permanensi",
        "Permanensi bangunan",
        "Permanence",
        CHOICE,
        choices="Permanen,Non permanen",
        choices_en="Permanent,Non-permanent",
    ),
    _field(
        "status_kepemilikan",
        "Kepemilikan bangunan",
        "Ownership",
        CHOICE,
        choices="Perorangan/Badan usaha,Negara",
        choices_en="Private person or company,State",
    ),
    _field(
        "jenis_pembangunan",
        "Jenis pembangunan",
        "Kind of works",
        CHOICE,
        choices="Bangunan baru,Perubahan (rusak sedang),Perubahan (rusak berat)",
        choices_en="New building,Alteration (moderate damage),Alteration (heavy damage)",
    ),
    _field("pagar_m", "Prasarana: pagar", "Infrastructure: fence", DECIMAL, "m", 0, 10000, required=False),
    _field(
        "perkerasan_m2",
        "Prasarana: perkerasan halaman",
        "Infrastructure: paving",
        DECIMAL,
        "m2",
        0,
        100000,
        required=False,
    ),
]
KELURAHAN = _field("kelurahan", "Kelurahan", "Urban village (kelurahan)")


DEMO_PERMIT_TYPES: list[dict] = [
    {
        "code": "PBG",
        "name_id": "Persetujuan Bangunan Gedung (PBG)",
        "name_en": "Building Approval (PBG)",
        "legal_basis": (
            "UU No. 28 Tahun 2002 tentang Bangunan Gedung sebagaimana diubah dengan UU No. 6 Tahun 2023 "
            "tentang Penetapan Perppu No. 2 Tahun 2022 tentang Cipta Kerja\n"
            "PP No. 16 Tahun 2021 tentang Peraturan Pelaksanaan UU No. 28 Tahun 2002 "
            "tentang Bangunan Gedung\n"
            "UU No. 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah\n"
            "Perda Kota tentang Pajak Daerah dan Retribusi Daerah (retribusi PBG)"
        ),
        "description_id": (
            "Persetujuan untuk membangun baru, mengubah, memperluas, mengurangi dan/atau merawat bangunan "
            "gedung sesuai standar teknis; pengganti Izin Mendirikan Bangunan (IMB). Setiap permohonan "
            "disurvei ke lapangan dan dikonsultasikan dengan Tim Profesi Ahli (TPA). Dikenakan retribusi PBG "
            "yang dibayar melalui Bank BJB setelah SKRD terbit."
        ),
        "description_en": (
            "Approval to construct, alter, extend, reduce and/or maintain a building according to the "
            "technical standards; it replaces the former building permit (IMB). Every application gets a "
            "site survey and a consultation with the expert panel (TPA). A PBG levy is charged, payable at "
            "Bank BJB once the levy assessment (SKRD) is issued."
        ),
        "service_standard_days": 28,
        "has_levy": True,
        "survey_policy": ALWAYS,
        "validity_years": None,  # valid as long as the building is not altered
        "requirements": [
            KTP,
            NPWP,
            SERTIFIKAT_TANAH,
            _req(
                "perjanjian-pemanfaatan-tanah",
                "Surat perjanjian pemanfaatan tanah dengan pemegang hak atas tanah",
                "Land use agreement with the land owner",
                ORIGINAL,
                condition="Bila tanah bukan milik pemohon: perjanjian pemanfaatan tanah",
            ),
            _req(
                "kkpr",
                "Konfirmasi/Persetujuan Kesesuaian Kegiatan Pemanfaatan Ruang (KKPR)",
                "Spatial planning conformity confirmation (KKPR)",
            ),
            _req(
                "gambar-teknis",
                "Gambar teknis arsitektur, struktur dan utilitas yang ditandatangani perencana",
                "Architectural, structural and utility drawings signed by the designer",
                ORIGINAL,
                types="pdf",
            ),
            _req(
                "perhitungan-struktur",
                "Perhitungan struktur oleh tenaga ahli bersertifikat",
                "Structural calculation by a certified engineer",
                ORIGINAL,
                condition="Bila bangunan lebih dari 2 lantai: perhitungan struktur",
                types="pdf",
            ),
            _req("bukti-pbb", "Bukti lunas PBB tahun berjalan", "Receipt of this year's land and building tax"),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field("luas_tanah", "Luas tanah", "Land area", DECIMAL, "m2", 1, 1000000),
            _field("luas_bangunan", "Luas bangunan", "Floor area", DECIMAL, "m2", 1, 100000),
            _field("jumlah_lantai", "Jumlah lantai", "Number of storeys", INTEGER, "lantai", 1, 50),
            *PBG_LEVY_FIELDS,
            ALAMAT_LOKASI,
            KELURAHAN,
        ],
        "steps": [
            _step("verifikasi", "2d"),
            _step("survei", "3d"),
            _step("entri-data", "1d"),
            _step(
                "rekomendasi-teknis",
                "14d",
                name_id="Konsultasi Tim Profesi Ahli (TPA)",
                name_en="Consultation with the expert panel (TPA)",
            ),
            _step("penetapan-retribusi", "2d", name_id="Penetapan retribusi PBG (SKRD)"),
            _step("pembayaran", "10d", name_id="Pembayaran retribusi PBG"),
            _step("persetujuan", "3d"),
            _step("tanda-tangan", "2d"),
            _step("penyerahan", "4h"),
        ],  # 27.5 working days without payment
        "rejection_reasons": [
            (
                "melanggar-gsb",
                "Bangunan melanggar garis sempadan bangunan (GSB)",
                "Building breaches the setback line",
            ),
            (
                "kdb-klb-terlampaui",
                "Rencana melampaui KDB/KLB yang diizinkan",
                "Plan exceeds the permitted building coverage or floor-area ratio",
            ),
            (
                "gambar-tidak-sesuai-lapangan",
                "Gambar teknis tidak sesuai kondisi lapangan",
                "Technical drawings do not match the site",
            ),
            ("tanah-sengketa", "Tanah dalam sengketa", "The land is under dispute"),
        ],
    },
    {
        "code": "REKLAME",
        "name_id": "Izin Penyelenggaraan Reklame",
        "name_en": "Billboard and Outdoor Advertising Permit",
        "legal_basis": (
            "UU No. 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah "
            "(Pajak Reklame)\n"
            "PP No. 35 Tahun 2023 tentang Ketentuan Umum Pajak Daerah dan Retribusi Daerah\n"
            "Perda Kota tentang Pajak Daerah dan Retribusi Daerah\n"
            "Perda Kota tentang Penyelenggaraan Reklame dan Perwali tentang titik reklame"
        ),
        "description_id": (
            "Izin untuk memasang reklame (papan/billboard, videotron, baliho, spanduk, neon box dan "
            "sejenisnya) di suatu titik lokasi untuk jangka waktu tertentu. Titik lokasi selalu disurvei. "
            "Dikenakan pajak reklame yang dihitung dari ukuran, jumlah muka, lokasi dan lama pemasangan."
        ),
        "description_en": (
            "Permit to put up an advertisement (billboard, video screen, banner, neon box and the like) at a "
            "given spot for a given period. The spot is always surveyed. Billboard tax is charged, computed "
            "from the size, number of faces, location and duration."
        ),
        "service_standard_days": 7,
        "has_levy": True,  # pajak reklame, handled like a levy line
        "survey_policy": ALWAYS,
        "validity_years": 1,
        "requirements": [
            KTP,
            NPWP,
            _req(
                "nib",
                NIB["name_id"],
                NIB["name_en"],
                condition="Bila pemohon badan usaha / biro reklame: NIB",
            ),
            _req(
                "desain-reklame",
                "Desain reklame berwarna dengan ukuran dan naskah",
                "Colour design of the advertisement with dimensions and text",
                types="pdf,jpg,png",
            ),
            _req(
                "foto-denah-lokasi",
                "Foto titik lokasi dan denah/peta lokasi pemasangan",
                "Photo of the spot and a site map",
                types="jpg,png,pdf",
            ),
            _req(
                "persetujuan-pemilik-lahan",
                "Surat persetujuan pemilik lahan/bangunan tempat reklame dipasang",
                "Consent of the owner of the land or building",
                ORIGINAL,
            ),
            _req(
                "gambar-konstruksi",
                "Gambar konstruksi dan perhitungan struktur reklame",
                "Construction drawing and structural calculation",
                condition="Bila reklame berkonstruksi (billboard, videotron): gambar konstruksi",
                types="pdf",
            ),
            _req(
                "polis-asuransi",
                "Polis asuransi tanggung gugat pihak ketiga",
                "Third-party liability insurance policy",
                condition="Bila luas reklame 24 m2 atau lebih: polis asuransi",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field(
                "jenis_reklame",
                "Jenis reklame",
                "Kind of advertisement",
                CHOICE,
                choices="Papan/Billboard,Videotron/Megatron,Baliho,Spanduk,Umbul-umbul,Neon box,Stiker",
                choices_en="Board/billboard,Video screen,Large banner board,Banner,Flag banner,Neon box,Sticker",
            ),
            _field("naskah", "Naskah/tema reklame", "Advertisement text or theme"),
            _field("panjang_m", "Panjang", "Length", DECIMAL, "m", "0.1", 50),
            _field("lebar_m", "Lebar", "Width", DECIMAL, "m", "0.1", 20),
            _field("jumlah_muka", "Jumlah muka", "Number of faces", INTEGER, "muka", 1, 2),
            _field("lokasi", "Lokasi titik reklame", "Location of the advertisement"),
            _field(
                "kelas_lokasi",
                "Kelas jalan lokasi reklame",
                "Road class of the location",
                CHOICE,
                choices="Kelas I (jalan utama),Kelas II,Kelas III (lingkungan)",
                choices_en="Class I (main road),Class II,Class III (neighbourhood)",
            ),
            _field("tanggal_mulai", "Tanggal mulai tayang", "Start date", DATE),
            _field("durasi_bulan", "Lama pemasangan", "Duration", INTEGER, "bulan", 1, 12),
        ],
        "steps": [
            _step("verifikasi", "1d"),
            _step("survei", "2d", name_id="Survei titik reklame", name_en="Survey of the advertisement spot"),
            _step("entri-data", "4h"),
            _step(
                "penetapan-retribusi",
                "4h",
                name_id="Penetapan pajak reklame (SKPD)",
                name_en="Billboard tax assessment (SKPD)",
            ),
            _step("pembayaran", "10d", name_id="Pembayaran pajak reklame", name_en="Billboard tax payment"),
            _step("persetujuan", "1d"),
            _step("tanda-tangan", "1d"),
            _step("penyerahan", "4h"),
        ],  # 6.5 working days without payment
        "rejection_reasons": [
            (
                "kawasan-larangan-reklame",
                "Titik lokasi berada di kawasan larangan reklame",
                "The spot lies in a no-advertising zone",
            ),
            (
                "mengganggu-lalu-lintas",
                "Reklame menghalangi rambu atau membahayakan pengguna jalan",
                "The advertisement blocks traffic signs or endangers road users",
            ),
            (
                "materi-melanggar",
                "Materi reklame melanggar norma kesusilaan, agama atau ketentuan iklan rokok",
                "Content violates decency, religious norms or tobacco advertising rules",
            ),
            (
                "titik-sudah-terpakai",
                "Titik reklame sudah digunakan pemegang izin lain",
                "The spot is already used by another permit holder",
            ),
        ],
    },
    {
        "code": "SIP-DOKTER",
        "name_id": "Surat Izin Praktik (SIP) Dokter",
        "name_en": "Medical Practice Licence (SIP) for Doctors",
        "legal_basis": (
            "UU No. 17 Tahun 2023 tentang Kesehatan\n"
            "PP No. 28 Tahun 2024 tentang Peraturan Pelaksanaan UU No. 17 Tahun 2023 tentang Kesehatan\n"
            "Permenkes No. 2052/MENKES/PER/X/2011 tentang Izin Praktik dan Pelaksanaan Praktik Kedokteran"
        ),
        "description_id": (
            "Izin bagi dokter, dokter spesialis, dokter gigi dan dokter gigi spesialis untuk berpraktik "
            "di fasilitas pelayanan kesehatan atau praktik mandiri di kota ini; paling banyak tiga tempat "
            "praktik. Tanpa survei dan tanpa biaya. Berlaku 5 tahun dan dapat diperpanjang."
        ),
        "description_en": (
            "Licence for general practitioners, specialists, dentists and specialist dentists to practise "
            "at a health facility or in a private practice in this city; at most three places of practice. "
            "No site survey and free of charge. Valid for 5 years, renewable."
        ),
        "service_standard_days": 5,
        "has_levy": False,
        "survey_policy": NEVER,
        "validity_years": 5,
        "requirements": [
            KTP,
            _req(
                "str",
                "Surat Tanda Registrasi (STR) yang masih berlaku, dilegalisir",
                "Valid registration certificate (STR), certified copy",
                EITHER,
            ),
            _req(
                "surat-keterangan-fasyankes",
                "Surat keterangan dari pimpinan fasilitas pelayanan kesehatan tempat praktik",
                "Letter from the head of the health facility where the doctor will practise",
                ORIGINAL,
            ),
            _req(
                "surat-sehat",
                "Surat keterangan sehat dari dokter yang memiliki SIP",
                "Health certificate from a licensed doctor",
                ORIGINAL,
            ),
            _req(
                "pas-foto",
                "Pas foto berwarna 4x6 cm, 3 lembar",
                "Three colour passport photos (4x6 cm)",
                ORIGINAL,
                types="jpg,png",
            ),
            _req(
                "sip-lama",
                "SIP lama",
                "Previous practice licence",
                condition="Bila perpanjangan: SIP lama",
            ),
            _req(
                "sip-tempat-lain",
                "SIP di tempat praktik lain",
                "Licences held for other places of practice",
                condition="Bila sudah berpraktik di tempat lain: SIP tempat lain",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field(
                "jenis_dokter",
                "Jenis tenaga medis",
                "Kind of practitioner",
                CHOICE,
                choices="Dokter,Dokter spesialis,Dokter gigi,Dokter gigi spesialis",
                choices_en="Physician,Specialist physician,Dentist,Specialist dentist",
            ),
            _field("nomor_str", "Nomor STR", "STR number"),
            _field("nama_fasyankes", "Nama fasilitas pelayanan kesehatan", "Name of the health facility"),
            _field("alamat_praktik", "Alamat tempat praktik", "Practice address"),
            _field("tempat_praktik_ke", "Tempat praktik ke-", "Place of practice no.", INTEGER, "tempat", 1, 3),
            _field("jadwal_praktik", "Jadwal praktik", "Practice hours", required=False),
        ],
        "steps": [
            _step("verifikasi", "1d"),
            _step("entri-data", "4h"),
            _step(
                "rekomendasi-teknis",
                "2d",
                name_id="Rekomendasi Dinas Kesehatan",
                name_en="Health office recommendation",
            ),
            _step("persetujuan", "4h"),
            _step("tanda-tangan", "4h"),
            _step("penyerahan", "4h"),
        ],  # 5 working days
        "rejection_reasons": [
            (
                "str-tidak-berlaku",
                "STR tidak berlaku atau tidak sesuai identitas pemohon",
                "The STR is not valid or does not match the applicant",
            ),
            (
                "melebihi-tiga-tempat",
                "Pemohon sudah memiliki SIP di tiga tempat praktik",
                "The applicant already holds licences for three places of practice",
            ),
            (
                "fasyankes-tidak-berizin",
                "Fasilitas pelayanan kesehatan tempat praktik belum berizin",
                "The health facility has no operating licence",
            ),
            (
                "rekomendasi-dinkes-ditolak",
                "Dinas Kesehatan tidak memberikan rekomendasi",
                "The health office did not recommend the licence",
            ),
        ],
    },
    {
        "code": "SIPA",
        "name_id": "Surat Izin Pengambilan Air Tanah (SIPA)",
        "name_en": "Groundwater Abstraction Permit (SIPA)",
        "legal_basis": (
            "UU No. 17 Tahun 2019 tentang Sumber Daya Air\n"
            "PP No. 43 Tahun 2008 tentang Air Tanah\n"
            "UU No. 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah "
            "(Pajak Air Tanah)\n"
            "Perda tentang Pengelolaan Air Tanah dan Perda Kota tentang Pajak Daerah dan Retribusi Daerah"
        ),
        "description_id": (
            "Izin untuk mengambil dan memanfaatkan air tanah melalui sumur bor atau sumur gali untuk "
            "kegiatan usaha, industri, hotel, rumah sakit dan sejenisnya. Titik sumur selalu disurvei dan "
            "dimintakan rekomendasi teknis. Dikenakan pajak air tanah menurut volume pengambilan."
        ),
        "description_en": (
            "Permit to abstract and use groundwater through a drilled or dug well for business, industry, "
            "hotels, hospitals and the like. The well site is always surveyed and technically reviewed. "
            "Groundwater tax is charged according to the volume abstracted."
        ),
        "service_standard_days": 14,
        "has_levy": True,  # pajak air tanah
        "survey_policy": ALWAYS,
        "validity_years": 3,
        "requirements": [
            KTP,
            NPWP,
            _req("nib", NIB["name_id"], NIB["name_en"], condition="Bila pemohon badan usaha: NIB"),
            SERTIFIKAT_TANAH,
            _req(
                "peta-lokasi-sumur",
                "Peta situasi dan denah lokasi titik sumur dengan koordinat",
                "Site map of the well with its coordinates",
                types="pdf,jpg,png",
            ),
            _req(
                "gambar-konstruksi-sumur",
                "Gambar rencana konstruksi sumur",
                "Design drawing of the well construction",
                types="pdf",
            ),
            _req(
                "uji-pemompaan",
                "Laporan hasil uji pemompaan (pumping test)",
                "Pumping test report",
                condition="Bila sumur sudah ada: laporan uji pemompaan",
            ),
            _req(
                "dokumen-lingkungan",
                "Dokumen lingkungan (SPPL/UKL-UPL/AMDAL)",
                "Environmental document (SPPL, UKL-UPL or AMDAL)",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field(
                "jenis_sumur",
                "Jenis sumur",
                "Kind of well",
                CHOICE,
                choices="Sumur bor,Sumur gali",
                choices_en="Drilled well,Dug well",
            ),
            _field("kedalaman_m", "Kedalaman sumur", "Well depth", DECIMAL, "m", 1, 300),
            _field("diameter_pipa", "Diameter pipa", "Pipe diameter", DECIMAL, "inci", 1, 12),
            _field(
                "debit_rencana",
                "Rencana debit pengambilan",
                "Planned abstraction",
                DECIMAL,
                "m3/bulan",
                1,
                30000,
            ),
            _field(
                "peruntukan",
                "Peruntukan air",
                "Use of the water",
                CHOICE,
                choices="Niaga/komersial,Industri,Hotel,Rumah sakit,Pertanian,Sosial",
                choices_en="Trade/commercial,Industry,Hotel,Hospital,Agriculture,Social",
            ),
            _field(
                "zona_air_tanah",
                "Zona konservasi air tanah",
                "Groundwater conservation zone",
                CHOICE,
                choices="Aman,Rawan,Kritis",
                choices_en="Safe,Vulnerable,Critical",
            ),
            ALAMAT_LOKASI,
            _field("koordinat", "Koordinat titik sumur (lintang, bujur)", "Well coordinates (lat, long)"),
        ],
        "steps": [
            _step("verifikasi", "1d"),
            _step("survei", "3d", name_id="Survei titik sumur", name_en="Well site survey"),
            _step("entri-data", "1d"),
            _step(
                "rekomendasi-teknis",
                "5d",
                name_id="Rekomendasi teknis air tanah",
                name_en="Groundwater technical recommendation",
            ),
            _step(
                "penetapan-retribusi",
                "1d",
                name_id="Penetapan pajak air tanah (SKPD)",
                name_en="Groundwater tax assessment (SKPD)",
            ),
            _step("pembayaran", "10d", name_id="Pembayaran pajak air tanah", name_en="Groundwater tax payment"),
            _step("persetujuan", "1d"),
            _step("tanda-tangan", "1d"),
            _step("penyerahan", "4h"),
        ],  # 13.5 working days without payment
        "rejection_reasons": [
            (
                "zona-air-tanah-kritis",
                "Lokasi berada di zona air tanah kritis atau rusak",
                "The site lies in a critical or damaged groundwater zone",
            ),
            (
                "tersedia-air-perpipaan",
                "Tersedia jaringan air minum perpipaan (PDAM) yang mencukupi",
                "An adequate piped water supply is available",
            ),
            (
                "debit-melebihi-daya-dukung",
                "Debit yang dimohon melebihi daya dukung akuifer",
                "Requested volume exceeds the aquifer's capacity",
            ),
            (
                "jarak-antar-sumur",
                "Jarak ke sumur lain kurang dari ketentuan",
                "Too close to other wells",
            ),
        ],
    },
    {
        "code": "IZIN-TOKO",
        "name_id": "Izin Usaha Toko Swalayan (IUTS)",
        "name_en": "Modern Retail Store Business Permit (IUTS)",
        "legal_basis": (
            "Perpres No. 112 Tahun 2007 tentang Penataan dan Pembinaan Pasar Tradisional, Pusat Perbelanjaan "
            "dan Toko Modern\n"
            "PP No. 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko\n"
            "Permendag No. 23 Tahun 2021 tentang Pedoman Pengembangan, Penataan, dan Pembinaan Pusat "
            "Perbelanjaan dan Toko Swalayan\n"
            "Perda Kota tentang Perlindungan Pasar Rakyat dan Penataan Toko Swalayan"
        ),
        "description_id": (
            "Izin usaha untuk minimarket, supermarket, hypermarket, department store dan perkulakan, "
            "termasuk ketentuan jarak dari pasar rakyat dan kemitraan dengan UMKM. Verifikator menentukan "
            "apakah lokasi perlu disurvei. Tanpa biaya."
        ),
        "description_en": (
            "Business permit for minimarkets, supermarkets, hypermarkets, department stores and wholesale "
            "stores, including the rules on distance from traditional markets and partnership with small "
            "businesses. The verifier decides whether the premises need a site survey. Free of charge."
        ),
        "service_standard_days": 10,
        "has_levy": False,
        "survey_policy": AT_VERIFICATION,
        "validity_years": None,  # valid while the business operates at the same premises
        "requirements": [
            KTP,
            NPWP,
            NIB,
            AKTA,
            _req(
                "kkpr",
                "Konfirmasi/Persetujuan Kesesuaian Kegiatan Pemanfaatan Ruang (KKPR)",
                "Spatial planning conformity confirmation (KKPR)",
            ),
            _req(
                "pbg-slf",
                "PBG/IMB dan SLF bangunan tempat usaha",
                "Building approval (PBG/IMB) and occupancy certificate (SLF) of the premises",
            ),
            _req(
                "persetujuan-warga",
                "Surat pernyataan tidak keberatan warga sekitar, diketahui lurah",
                "Neighbours' statement of no objection, acknowledged by the lurah",
                ORIGINAL,
            ),
            _req(
                "kajian-sosial-ekonomi",
                "Kajian sosial ekonomi dan rencana kemitraan dengan UMKM",
                "Socio-economic study and partnership plan with small businesses",
                condition="Bila supermarket, hypermarket atau department store: kajian sosial ekonomi",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field("nama_toko", "Nama toko", "Store name"),
            _field(
                "jenis_toko",
                "Jenis toko swalayan",
                "Kind of store",
                CHOICE,
                choices="Minimarket,Supermarket,Hypermarket,Department store,Perkulakan",
                choices_en="Minimarket,Supermarket,Hypermarket,Department store,Wholesale store",
            ),
            _field("luas_lantai_usaha", "Luas lantai usaha", "Sales floor area", DECIMAL, "m2", 10, 50000),
            _field(
                "jarak_pasar_rakyat",
                "Jarak ke pasar rakyat terdekat",
                "Distance to the nearest market",
                DECIMAL,
                "m",
                0,
                50000,
            ),
            _field("jumlah_tenaga_kerja", "Jumlah tenaga kerja", "Number of employees", INTEGER, "orang", 1, 5000),
            ALAMAT_LOKASI,
            KELURAHAN,
            _field("jam_operasional", "Jam operasional", "Opening hours", required=False),
        ],
        "steps": [
            _step("verifikasi", "1d"),
            _step("survei", "2d", optional=True),
            _step("entri-data", "1d"),
            _step(
                "rekomendasi-teknis",
                "3d",
                name_id="Rekomendasi Dinas Perdagangan",
                name_en="Trade office recommendation",
            ),
            _step("persetujuan", "1d"),
            _step("tanda-tangan", "1d"),
            _step("penyerahan", "4h"),
        ],  # 9.5 working days
        "rejection_reasons": [
            (
                "jarak-pasar-rakyat",
                "Jarak dengan pasar rakyat kurang dari ketentuan Perda",
                "Closer to a traditional market than the regulation allows",
            ),
            (
                "kuota-zona-terpenuhi",
                "Kuota toko swalayan di zona tersebut sudah terpenuhi",
                "The quota of modern stores in the zone is full",
            ),
            (
                "keberatan-warga",
                "Ada keberatan warga sekitar yang belum diselesaikan",
                "Unresolved objections from the neighbours",
            ),
            (
                "tanpa-kemitraan-umkm",
                "Tidak ada komitmen kemitraan dengan UMKM",
                "No commitment to partner with small businesses",
            ),
        ],
    },
    {
        "code": "SLF",
        "name_id": "Sertifikat Laik Fungsi (SLF)",
        "name_en": "Certificate of Building Fitness for Use (SLF)",
        "legal_basis": (
            "UU No. 28 Tahun 2002 tentang Bangunan Gedung sebagaimana diubah dengan UU No. 6 Tahun 2023\n"
            "PP No. 16 Tahun 2021 tentang Peraturan Pelaksanaan UU No. 28 Tahun 2002 "
            "tentang Bangunan Gedung\n"
            "Permen PUPR No. 27/PRT/M/2018 tentang Sertifikat Laik Fungsi Bangunan Gedung"
        ),
        "description_id": (
            "Sertifikat yang menyatakan bangunan gedung yang sudah selesai dibangun laik dipakai sesuai "
            "fungsinya, berdasarkan pemeriksaan kelaikan fungsi. Bangunan selalu diperiksa di lapangan. "
            "Tanpa retribusi. Berlaku 5 tahun (20 tahun untuk rumah tinggal tunggal/deret)."
        ),
        "description_en": (
            "Certificate that a completed building is fit to be used for its function, based on an "
            "inspection. The building is always inspected on site. No levy. Valid for 5 years (20 years "
            "for single and row houses)."
        ),
        "service_standard_days": 14,
        "has_levy": False,
        "survey_policy": ALWAYS,
        "validity_years": 5,
        "requirements": [
            KTP,
            _req("pbg", "Persetujuan Bangunan Gedung (PBG) atau IMB", "Building approval (PBG) or former IMB"),
            SERTIFIKAT_TANAH,
            _req(
                "surat-pernyataan-kelaikan",
                "Surat pernyataan kelaikan fungsi dari penyedia jasa pengawasan/pengkaji teknis",
                "Statement of fitness for use from the supervising consultant or technical assessor",
                ORIGINAL,
            ),
            _req(
                "laporan-pemeriksaan",
                "Laporan pemeriksaan kelaikan fungsi bangunan gedung",
                "Building fitness inspection report",
                ORIGINAL,
                types="pdf",
            ),
            _req(
                "gambar-terbangun",
                "Gambar terbangun (as-built drawings)",
                "As-built drawings",
                EITHER,
                types="pdf",
            ),
            _req(
                "rekomendasi-damkar",
                "Rekomendasi sistem proteksi kebakaran dari Dinas Pemadam Kebakaran",
                "Fire protection recommendation from the fire department",
                condition="Bila bangunan umum atau lebih dari 4 lantai: rekomendasi Damkar",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field(
                "jenis_permohonan",
                "Jenis permohonan",
                "Kind of application",
                CHOICE,
                choices="SLF pertama,Perpanjangan SLF",
                choices_en="First SLF,SLF renewal",
            ),
            _field("nomor_pbg", "Nomor PBG/IMB", "PBG/IMB number"),
            _field("luas_bangunan", "Luas bangunan", "Floor area", DECIMAL, "m2", 1, 100000),
            _field("jumlah_lantai", "Jumlah lantai", "Number of storeys", INTEGER, "lantai", 1, 50),
            FUNGSI_BANGUNAN,
            ALAMAT_LOKASI,
            KELURAHAN,
        ],
        "steps": [
            _step("verifikasi", "1d"),
            _step("survei", "3d", name_id="Pemeriksaan lapangan", name_en="Site inspection"),
            _step("entri-data", "1d"),
            _step(
                "rekomendasi-teknis",
                "5d",
                name_id="Penilaian kelaikan fungsi oleh tim teknis",
                name_en="Fitness assessment by the technical team",
            ),
            _step("persetujuan", "1d"),
            _step("tanda-tangan", "1d"),
            _step("penyerahan", "4h"),
        ],  # 12.5 working days
        "rejection_reasons": [
            (
                "tidak-sesuai-pbg",
                "Bangunan terbangun tidak sesuai PBG",
                "The building as built does not match its PBG",
            ),
            (
                "proteksi-kebakaran",
                "Sistem proteksi kebakaran tidak memenuhi syarat",
                "Fire protection does not meet the requirements",
            ),
            (
                "struktur-tidak-laik",
                "Hasil pemeriksaan menyatakan struktur bangunan tidak laik",
                "The inspection found the structure unfit",
            ),
            ("belum-ada-pbg", "Bangunan belum memiliki PBG/IMB", "The building has no PBG/IMB"),
        ],
    },
    {
        "code": "TDUP",
        "name_id": "Tanda Daftar Usaha Pariwisata (TDUP)",
        "name_en": "Tourism Business Registration (TDUP)",
        "legal_basis": (
            "UU No. 10 Tahun 2009 tentang Kepariwisataan\n"
            "PP No. 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko\n"
            "Permenparekraf No. 4 Tahun 2021 tentang Standar Kegiatan Usaha pada Penyelenggaraan Perizinan "
            "Berusaha Berbasis Risiko Sektor Pariwisata"
        ),
        "description_id": (
            "Tanda daftar bagi usaha pariwisata: rumah makan dan kafe, akomodasi, hiburan dan rekreasi, jasa "
            "perjalanan wisata, MICE dan spa. Verifikator menentukan apakah tempat usaha perlu disurvei. "
            "Tanpa biaya; berlaku selama usaha berjalan."
        ),
        "description_en": (
            "Registration of a tourism business: restaurants and cafés, accommodation, entertainment and "
            "recreation, travel services, MICE and spas. The verifier decides whether the premises need a "
            "site survey. Free of charge; valid while the business operates."
        ),
        "service_standard_days": 5,
        "has_levy": False,
        "survey_policy": AT_VERIFICATION,
        "validity_years": None,
        "requirements": [
            KTP,
            NPWP,
            NIB,
            AKTA,
            _req(
                "sppl",
                "Surat Pernyataan Kesanggupan Pengelolaan Lingkungan (SPPL)",
                "Environmental management commitment statement (SPPL)",
                ORIGINAL,
            ),
            _req(
                "foto-tempat-usaha",
                "Foto tempat usaha tampak depan dan dalam",
                "Photos of the premises, outside and inside",
                types="jpg,png,pdf",
            ),
            _req(
                "sertifikat-standar",
                "Sertifikat standar usaha dari OSS",
                "Business standard certificate from OSS",
                condition="Bila usaha berisiko menengah: sertifikat standar",
            ),
            SURAT_KUASA,
        ],
        "data_fields": [
            _field("nama_usaha", "Nama usaha", "Business name"),
            _field(
                "bidang_usaha",
                "Bidang usaha pariwisata",
                "Tourism business field",
                CHOICE,
                choices=(
                    "Jasa makanan dan minuman,Penyediaan akomodasi,Hiburan dan rekreasi,"
                    "Jasa perjalanan wisata,Penyelenggaraan MICE,Spa"
                ),
                choices_en=(
                    "Food and beverage services,Accommodation,Entertainment and recreation,"
                    "Travel services,MICE organising,Spa"
                ),
            ),
            _field("kapasitas", "Kapasitas (kursi/kamar)", "Capacity (seats/rooms)", INTEGER, "unit", 1, 10000),
            _field("jumlah_tenaga_kerja", "Jumlah tenaga kerja", "Number of employees", INTEGER, "orang", 1, 5000),
            _field("alamat_usaha", "Alamat tempat usaha", "Business address"),
            KELURAHAN,
        ],
        "steps": [
            _step("verifikasi", "4h"),
            _step("survei", "1d", optional=True),
            _step("entri-data", "4h"),
            _step("persetujuan", "1d"),
            _step("tanda-tangan", "1d"),
            _step("penyerahan", "4h"),
        ],  # 4.5 working days
        "rejection_reasons": [
            (
                "kbli-tidak-sesuai",
                "Bidang usaha tidak sesuai KBLI pada NIB",
                "The business field does not match the KBLI code on the NIB",
            ),
            (
                "lokasi-dekat-ibadah-sekolah",
                "Usaha hiburan terlalu dekat dengan tempat ibadah atau sekolah",
                "Entertainment business too close to a place of worship or a school",
            ),
            (
                "tempat-usaha-tidak-ada",
                "Tempat usaha tidak ditemukan atau belum siap beroperasi saat survei",
                "Premises not found or not ready to operate at the survey",
            ),
        ],
    },
]

# Reasons valid for every permit type (permit_type empty).
DEMO_GLOBAL_REJECTION_REASONS: list[tuple[str, str, str]] = [
    ("dokumen-palsu", "Dokumen persyaratan terbukti palsu", "A required document proved to be forged"),
    (
        "tidak-sesuai-tata-ruang",
        "Kegiatan tidak sesuai rencana tata ruang wilayah (RTRW/RDTR)",
        "The activity does not conform to the spatial plan (RTRW/RDTR)",
    ),
    (
        "persyaratan-tidak-sah",
        "Persyaratan tidak sah atau sudah tidak berlaku",
        "A requirement is invalid or has expired",
    ),
]

_CHILD_KEYS = ("requirements", "data_fields", "steps", "rejection_reasons")


def _reason(code: str, text_id: str, text_en: str) -> dict:
    return {"code": code, "text_id": text_id, "text_en": text_en}


def _is_referenced(obj: models.Model) -> bool:
    """Whether any row anywhere (an application, a log ...) points at ``obj``."""
    for rel in obj._meta.related_objects:
        if rel.related_model._base_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def _sync(model: type[models.Model], permit_type: PermitType, rows: list[dict]) -> None:
    """Create/update ``rows`` of ``model`` for ``permit_type`` by code, in list order; drop stale
    rows that nothing references (a referenced one stays, after the listed ones)."""
    has_order = any(f.name == "order" for f in model._meta.get_fields())
    mine = model._base_manager.filter(permit_type=permit_type)
    if model is Step:
        # (permit_type, order) is unique: first move every existing step past any order in use or
        # about to be used, so renumbering never collides midway (a single UPDATE, no overlap).
        top = max(mine.values_list("order", flat=True), default=0)
        mine.update(order=models.F("order") + top + len(rows) + mine.count() + 1)
    for position, row in enumerate(rows, start=1):
        defaults = {k: v for k, v in row.items() if k != "code"}
        if has_order:
            defaults["order"] = position
        model._base_manager.update_or_create(permit_type=permit_type, code=row["code"], defaults=defaults)
    stale = mine.exclude(code__in=[row["code"] for row in rows])
    if has_order:
        stale = stale.order_by("order")
    position = len(rows)
    for obj in stale:
        if not _is_referenced(obj):
            obj.delete()
        elif has_order:
            position += 1
            obj.order = position
            obj.save(update_fields=["order"])


# The office's sections (bidang) and the permit types each handles: (code, name_id, name_en, type codes).
# Sample: an office maps its own types (and, where a step is another section's, that step) in the admin.
DEMO_SECTIONS = [
    ("usaha", "Bidang Perizinan Usaha", "Business Permits Division", ["IZIN-TOKO", "TDUP", "REKLAME"]),
    ("nonusaha", "Bidang Perizinan Non-Usaha", "Non-Business Permits Division", ["SIP-DOKTER", "SIPA"]),
    ("bangunan", "Bidang Perizinan Bangunan", "Building Permits Division", ["PBG", "SLF"]),
]


@transaction.atomic
def catalog_load_demo() -> int:
    """Create or update the demo catalogue (idempotent); return the number of permit types.

    Types are matched by code, their requirements, fields, steps and reasons by (type, code).
    Global reasons are only created/updated, never deleted (an office may add its own).
    """
    for position, spec in enumerate(DEMO_PERMIT_TYPES, start=1):
        defaults = {k: v for k, v in spec.items() if k != "code" and k not in _CHILD_KEYS}
        defaults |= {"is_sample": True, "order": position}
        permit_type, _ = PermitType.objects.update_or_create(code=spec["code"], defaults=defaults)
        _sync(Requirement, permit_type, spec["requirements"])
        _sync(DataField, permit_type, spec["data_fields"])
        _sync(Step, permit_type, spec["steps"])
        _sync(RejectionReason, permit_type, [_reason(*r) for r in spec["rejection_reasons"]])
    for code, text_id, text_en in DEMO_GLOBAL_REJECTION_REASONS:
        RejectionReason.objects.update_or_create(
            permit_type=None, code=code, defaults={"text_id": text_id, "text_en": text_en}
        )
    for position, (code, name_id, name_en, types) in enumerate(DEMO_SECTIONS, start=1):
        section, _ = Section.objects.update_or_create(
            code=code, defaults={"name_id": name_id, "name_en": name_en, "order": position}
        )
        PermitType.objects.filter(code__in=types).update(section=section)
    return len(DEMO_PERMIT_TYPES)
