"""One rule for which rejection reason a code means: the permit type's own, else the general one; the page,
the service and the catalogue API all read it from permits/catalog/selectors.py, and the database keeps a
code unique per type and among the general reasons."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from permits.catalog.models import RejectionReason
from permits.catalog.selectors import rejection_reason_get, rejection_reasons_for
from permits.conftest import make_permit_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons():
    pt = make_permit_type()
    general = RejectionReason.objects.create(code="dokumen-palsu", text_id="Dokumen palsu", text_en="Forged document")
    shared_general = RejectionReason.objects.create(code="lainnya", text_id="Alasan umum", text_en="General reason")
    # Created after the general one, so a lookup by insertion order or by NULLs-first would pick the wrong row.
    own = RejectionReason.objects.create(
        permit_type=pt, code="lainnya", text_id="Alasan khusus izin ini", text_en="This permit's own reason"
    )
    return pt, general, shared_general, own


def test_a_types_own_reason_wins_over_the_general_one_with_the_same_code(reasons):
    pt, general, _shared_general, own = reasons
    assert rejection_reason_get(pt, "lainnya") == own
    assert rejection_reason_get(pt.pk, "dokumen-palsu") == general
    assert rejection_reason_get(pt, "tidak-ada") is None
    codes = [(r.code, r.permit_type_id) for r in rejection_reasons_for(pt)]
    assert ("lainnya", pt.pk) in codes and ("lainnya", None) not in codes and ("dokumen-palsu", None) in codes


def test_a_code_is_unique_per_type_and_among_the_general_reasons(reasons):
    pt = reasons[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        RejectionReason.objects.create(permit_type=pt, code="lainnya", text_id="Lagi")
    with pytest.raises(IntegrityError), transaction.atomic():
        RejectionReason.objects.create(code="dokumen-palsu", text_id="Lagi")


def test_the_catalogue_api_lists_each_types_rejection_reasons(client, reasons):
    res = client.get("/api/v1/permit-types")
    assert res.status_code == 200
    (entry,) = res.json()
    listed = {r["code"]: r for r in entry["rejection_reasons"]}
    own = {"code": "lainnya", "text": "Alasan khusus izin ini", "text_en": "This permit's own reason"}
    assert listed["lainnya"] == own
    assert listed["dokumen-palsu"]["text_en"] == "Forged document"
    assert listed["tata-ruang"]["text"] == "Tidak sesuai tata ruang"
    assert len(entry["rejection_reasons"]) == len(listed) == 3  # the general "lainnya" is shadowed


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_duplicate_codes_keeps_every_row():
    executor = MigrationExecutor(connection)
    executor.migrate([("catalog", "0001_initial")])
    old = executor.loader.project_state([("catalog", "0001_initial")]).apps
    PermitType = old.get_model("catalog", "PermitType")
    Reason = old.get_model("catalog", "RejectionReason")
    pt = PermitType.objects.create(code="LAMA", name_id="Izin lama", service_standard_days=5)
    first = Reason.objects.create(permit_type=pt, code="ganda", text_id="Pertama")
    second = Reason.objects.create(permit_type=pt, code="ganda", text_id="Kedua")
    Reason.objects.create(code="umum", text_id="Umum 1")
    Reason.objects.create(code="umum", text_id="Umum 2")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {r.text_id: r.code for r in RejectionReason.objects.all()}
    assert rows["Pertama"] == "ganda" and rows["Kedua"] == f"ganda-{second.pk}" and first.pk != second.pk
    assert {rows["Umum 1"], rows["Umum 2"]} == {"umum", f"umum-{Reason.objects.get(text_id='Umum 2').pk}"}
