"""Demo applicants and object data, for the demo applications (see permits.demo.walk).

All people, companies, numbers and addresses here are invented (sample data), written the way a
Bogor front desk would meet them: honorifics, apostrophes, a non-ASCII letter, Balinese and
Sundanese names, companies with their NIB.
"""

import datetime

from django.utils import timezone

from permits.catalog.models import PermitType

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
    {
        "kind": "person",
        "name": "Ni Made Ayu Sri Rahayu",
        "nik": "3271065208920003",
        "phone": "0812-8765-4301",
        "email": "made.rahayu@example.id",
        "address": "Jl. Cemara Raya No. 17, RT 03/RW 08, Tegal Gundil, Bogor Utara",
    },
    {
        "kind": "company",
        "name": "Muh. Ma'ruf",
        "nik": "3271031709880006",
        "nib": "9120012345678",
        "company_name": "CV Kopi Aroma Ma'mur",
        "phone": "081298765402",
        "address": "Jl. Sempur Kaler No. 5, Sempur, Bogor Tengah",
    },
    {
        "kind": "person",
        "name": "René Tumbelaka",
        "nik": "3271012302790007",
        "phone": "0813-1422-0903",
        "email": "rene.tumbelaka@example.id",
        "address": "Jl. Veteran No. 41, Panaragan, Bogor Tengah",
        "channel": "email",
    },
    {
        "kind": "person",
        "name": "dr. Yohana Sitorus, Sp.A.",
        "nik": "3271046911840002",
        "phone": "0857-7100-2304",
        "address": "Villa Duta Blok F No. 8, Baranangsiang, Bogor Timur",
    },
    {
        "kind": "person",
        "name": "Hj. Nur'aini Syafi'i",
        "nik": "3271054403700009",
        "phone": "0821-1300-4405",
        "address": "Jl. Suryakencana No. 120, Gudang, Bogor Tengah",
    },
    {
        "kind": "company",
        "name": "Andi Pangerang",
        "nik": "3271020506810004",
        "nib": "9120023456789",
        "company_name": "PT Pakuan Ritel Mandiri",
        "phone": "0878-8123-4506",
        "email": "perizinan@pakuanritel.co.id",
        "address": "Jl. Raya Pemda No. 21, Kedung Badak, Tanah Sareal",
    },
    {
        "kind": "person",
        "name": "drg. Kadek Wiraguna",
        "nik": "3271011011900008",
        "phone": "0811-1190-2207",
        "address": "Jl. Malabar Ujung No. 3, Tegallega, Bogor Tengah",
        "channel": "sms",
    },
    {
        "kind": "person",
        "name": "Ujang Sopandi",
        "nik": "3271042408760001",
        "phone": "0838-9001-2308",
        "address": "Kp. Sindangsari RT 02/RW 05, Cilendek Barat, Bogor Barat",
    },
    {
        "kind": "company",
        "name": "Hendra Gunawan",
        "nik": "3271050307690002",
        "nib": "9120034567890",
        "company_name": "PT Segar Jaya Swalayan",
        "phone": "0812-9400-7709",
        "email": "legal@segarjaya.co.id",
        "address": "Jl. Dewi Sartika No. 77, Babakan Pasar, Bogor Tengah",
        "channel": "email",
    },
    {
        "kind": "company",
        "name": "Rudy Hartono",
        "nik": "3271022908720003",
        "nib": "9120045678901",
        "company_name": "PT Graha Bantarjati Properti",
        "phone": "0852-1533-6610",
        "address": "Jl. Raya Pajajaran No. 201, Bantarjati, Bogor Utara",
    },
    {
        "kind": "person",
        "name": "Ni Luh Ketut Sukarini",
        "nik": "3271035512830005",
        "phone": "0856-9211-0411",
        "address": "Jl. Bina Marga I No. 9, Baranangsiang, Bogor Timur",
    },
    {
        "kind": "company",
        "name": "H. Asep Saepudin",
        "nik": "3271011507740003",
        "nib": "9120056789012",
        "company_name": "Yayasan Pendidikan Bina Insani",
        "phone": "0813-8888-2112",
        "email": "sekretariat@binainsani.sch.id",
        "address": "Jl. KH. R. Abdullah bin Nuh No. 10, Curugmekar, Bogor Barat",
        "channel": "email",
    },
    {
        "kind": "person",
        "name": "Euis Komariah",
        "nik": "3271016104950006",
        "phone": "0812-2233-4455",
        "address": "Jl. Pahlawan No. 56, Bondongan, Bogor Selatan",
    },
]


def demo_applicant(name: str) -> dict:
    """A copy of the demo applicant called `name` (the person's name, as in DEMO_APPLICANTS)."""
    for applicant in DEMO_APPLICANTS:
        if applicant["name"] == name:
            return dict(applicant)
    raise KeyError(name)


# Realistic object data per permit type, several variants each. A `timedelta` value is a date
# that many days after the registration day (e.g. a billboard's start date).
DEMO_OBJECT_DATA: dict[str, list[dict]] = {
    "PBG": [
        {
            "luas_tanah": "200",
            "luas_bangunan": "144",
            "jumlah_lantai": "2",
            "fungsi_bangunan": "Hunian tidak sederhana",
            "kompleksitas": "Sederhana",
            "permanensi": "Permanen",
            "status_kepemilikan": "Perorangan/Badan usaha",
            "jenis_pembangunan": "Bangunan baru",
            "pagar_m": "36",
            "alamat_lokasi": "Jl. Cemara Raya No. 17, RT 03/RW 08",
            "kelurahan": "Tegal Gundil",
        },
        {
            "luas_tanah": "350",
            "luas_bangunan": "412,5",
            "jumlah_lantai": "3",
            "fungsi_bangunan": "Usaha",
            "kompleksitas": "Tidak sederhana",
            "permanensi": "Permanen",
            "status_kepemilikan": "Perorangan/Badan usaha",
            "jenis_pembangunan": "Bangunan baru",
            "pagar_m": "30",
            "perkerasan_m2": "80",
            "alamat_lokasi": "Jl. Raya Tajur No. 3A (rumah toko 3 lantai)",
            "kelurahan": "Muarasari",
        },
        {
            "luas_tanah": "120",
            "luas_bangunan": "96",
            "jumlah_lantai": "1",
            "fungsi_bangunan": "Hunian sederhana",
            "kompleksitas": "Sederhana",
            "permanensi": "Permanen",
            "status_kepemilikan": "Perorangan/Badan usaha",
            "jenis_pembangunan": "Perubahan (rusak sedang)",
            "alamat_lokasi": "Kp. Sindangsari RT 02/RW 05",
            "kelurahan": "Cilendek Barat",
        },
    ],
    "REKLAME": [
        {
            "jenis_reklame": "Papan/Billboard",
            "naskah": "Promo paket data 'Nyambung Terus' 50 GB",
            "panjang_m": "8",
            "lebar_m": "4",
            "jumlah_muka": "2",
            "lokasi": "Jl. Raya Tajur, depan SPBU 34-16712, Muarasari",
            "kelas_lokasi": "Kelas I (jalan utama)",
            "tanggal_mulai": datetime.timedelta(days=30),
            "durasi_bulan": "12",
        },
        {
            "jenis_reklame": "Neon box",
            "naskah": "Apotek Sehat Sentosa - buka 24 jam",
            "panjang_m": "2,5",
            "lebar_m": "1",
            "jumlah_muka": "1",
            "lokasi": "Jl. Suryakencana No. 120, Gudang",
            "kelas_lokasi": "Kelas II",
            "tanggal_mulai": datetime.timedelta(days=21),
            "durasi_bulan": "6",
        },
    ],
    "SIP-DOKTER": [
        {
            "jenis_dokter": "Dokter",
            "nomor_str": "3121100223145678",
            "nama_fasyankes": "Klinik Pratama Medika Bogor Baru",
            "alamat_praktik": "Jl. Bogor Baru Blok C1 No. 2, Tegallega",
            "tempat_praktik_ke": "1",
            "jadwal_praktik": "Senin-Jumat 16.00-21.00",
        },
        {
            "jenis_dokter": "Dokter spesialis",
            "nomor_str": "3221200118765432",
            "nama_fasyankes": "RS Ibu dan Anak Kenari Bogor",
            "alamat_praktik": "Jl. Kenari II No. 15, Babakan",
            "tempat_praktik_ke": "2",
            "jadwal_praktik": "Selasa dan Kamis 09.00-13.00",
        },
        {
            "jenis_dokter": "Dokter gigi",
            "nomor_str": "3331100320112233",
            "nama_fasyankes": "Praktik Mandiri drg. Kadek Wiraguna",
            "alamat_praktik": "Jl. Malabar Ujung No. 3, Tegallega",
            "tempat_praktik_ke": "1",
            "jadwal_praktik": "Senin-Sabtu 17.00-20.00",
        },
    ],
    "SIPA": [
        {
            "jenis_sumur": "Sumur bor",
            "kedalaman_m": "90",
            "diameter_pipa": "4",
            "debit_rencana": "1500",
            "peruntukan": "Niaga/komersial",
            "zona_air_tanah": "Aman",
            "alamat_lokasi": "Jl. Raya Cibungbulang Km 2 (depo air minum isi ulang)",
            "koordinat": "-6.5788, 106.7512",
        },
    ],
    "IZIN-TOKO": [
        {
            "nama_toko": "Pakuan Mart Kedung Badak",
            "jenis_toko": "Minimarket",
            "luas_lantai_usaha": "180",
            "jarak_pasar_rakyat": "1200",
            "jumlah_tenaga_kerja": "8",
            "alamat_lokasi": "Jl. Raya Pemda No. 21",
            "kelurahan": "Kedung Badak",
            "jam_operasional": "07.00-22.00",
        },
        {
            "nama_toko": "Segar Jaya Swalayan",
            "jenis_toko": "Supermarket",
            "luas_lantai_usaha": "1250",
            "jarak_pasar_rakyat": "650",
            "jumlah_tenaga_kerja": "45",
            "alamat_lokasi": "Jl. Dewi Sartika No. 77",
            "kelurahan": "Babakan Pasar",
            "jam_operasional": "08.00-21.00",
        },
    ],
    "SLF": [
        {
            "jenis_permohonan": "SLF pertama",
            "nomor_pbg": "SK-PBG-327101-15042025-0012",
            "luas_bangunan": "540",
            "jumlah_lantai": "3",
            "fungsi_bangunan": "Usaha",
            "alamat_lokasi": "Jl. Raya Pajajaran No. 201 (ruko 3 lantai, 4 unit)",
            "kelurahan": "Bantarjati",
        },
        {
            "jenis_permohonan": "Perpanjangan SLF",
            "nomor_pbg": "648/0231-IMB/DPMPTSP/2019",
            "luas_bangunan": "260",
            "jumlah_lantai": "2",
            "fungsi_bangunan": "Usaha",
            "alamat_lokasi": "Jl. Veteran No. 41",
            "kelurahan": "Panaragan",
        },
        {
            "jenis_permohonan": "SLF pertama",
            "nomor_pbg": "SK-PBG-327104-02092024-0031",
            "luas_bangunan": "1850",
            "jumlah_lantai": "4",
            "fungsi_bangunan": "Sosial budaya",
            "alamat_lokasi": "Jl. KH. R. Abdullah bin Nuh No. 10 (gedung sekolah)",
            "kelurahan": "Curugmekar",
        },
    ],
    "TDUP": [
        {
            "nama_usaha": "Kedai Kopi Ma'mur",
            "bidang_usaha": "Jasa makanan dan minuman",
            "kapasitas": "40",
            "jumlah_tenaga_kerja": "6",
            "alamat_usaha": "Jl. Sempur Kaler No. 5",
            "kelurahan": "Sempur",
        },
        {
            "nama_usaha": "Penginapan Puri Nurhaliza",
            "bidang_usaha": "Penyediaan akomodasi",
            "kapasitas": "12",
            "jumlah_tenaga_kerja": "5",
            "alamat_usaha": "Jl. Pajajaran No. 12",
            "kelurahan": "Baranangsiang",
        },
        {
            "nama_usaha": "Sanggar Spa Ni Luh",
            "bidang_usaha": "Spa",
            "kapasitas": "6",
            "jumlah_tenaga_kerja": "4",
            "alamat_usaha": "Jl. Bina Marga I No. 9",
            "kelurahan": "Baranangsiang",
        },
        {
            "nama_usaha": "Rumah Makan Sunda Saung Euis",
            "bidang_usaha": "Jasa makanan dan minuman",
            "kapasitas": "80",
            "jumlah_tenaga_kerja": "12",
            "alamat_usaha": "Jl. Pahlawan No. 56",
            "kelurahan": "Bondongan",
        },
    ],
}


def demo_object_data(permit_type: PermitType, variant: int = 0, *, today: datetime.date | None = None) -> dict:
    """Plausible values for every field of a permit type.

    Realistic values from DEMO_OBJECT_DATA (variant `variant`, wrapping around) for the fields it
    knows; any other field (an admin may have added one) gets a value derived from its definition.
    """
    today = today or timezone.localdate()
    variants = DEMO_OBJECT_DATA.get(permit_type.code) or [{}]
    known = variants[variant % len(variants)]
    data = {}
    for f in permit_type.data_fields.all():
        value = known.get(f.code)
        if isinstance(value, datetime.timedelta):
            data[f.code] = (today + value).isoformat()
        elif value is not None and (f.type != "choice" or value in f.choice_list):
            data[f.code] = value
        elif f.type == "choice":
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
