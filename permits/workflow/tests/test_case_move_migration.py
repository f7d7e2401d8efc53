"""The application, its applicant and documents moved from intake to workflow (issue 17) by state-only
migrations: a database built at the schema before the move migrates forward with every row and every
link kept, and the application's audit stream goes on under the name its events have always carried."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from permits.core.audit import audit_record, audit_verify, event_hash
from permits.workflow.models import Application, ReceivedDocument, Task

BEFORE_THE_MOVE = [
    ("intake", "0003_application_app_type_status_finished_idx"),
    ("workflow", "0003_monitoring_indexes"),
    ("booking", "0001_initial"),
    ("decrees", "0001_initial"),
    ("levies", "0001_initial"),
    ("notifications", "0003_survey_invitation"),
    ("catalog", "0002_rejection_reason_unique_code"),
    ("core", "0004_throttle_counter"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row_and_its_audit_stream():
    old = _migrate(BEFORE_THE_MOVE)
    User = old.get_model("auth", "User")
    PermitType = old.get_model("catalog", "PermitType")
    Requirement = old.get_model("catalog", "Requirement")
    Step = old.get_model("catalog", "Step")
    Applicant = old.get_model("intake", "Applicant")
    OldApplication = old.get_model("intake", "Application")
    OldDocument = old.get_model("intake", "ReceivedDocument")
    OldTask = old.get_model("workflow", "Task")
    Message = old.get_model("notifications", "Message")
    AuditEvent = old.get_model("core", "AuditEvent")

    now = timezone.now()
    clerk = User.objects.create(username="loket-lama")
    pt = PermitType.objects.create(code="LAMA", name_id="Izin lama", service_standard_days=5)
    requirement = Requirement.objects.create(permit_type=pt, code="ktp", name_id="KTP", order=1)
    step = Step.objects.create(
        permit_type=pt,
        order=1,
        code="verifikasi",
        name_id="Verifikasi",
        kind="verification",
        role="verifier",
        bound_value=1,
    )
    applicant = Applicant.objects.create(name="Siti", nik="3271046504870002", phone="+6281211112201", address="Bogor")
    app = OldApplication.objects.create(
        permit_type=pt,
        applicant=applicant,
        registration_number="2026-000042",
        registered_at=now,
        registered_by=clerk,
        pin_hash="x" * 64,
        promised_completion_at=now + datetime.timedelta(days=7),
        status="in_process",
    )
    OldDocument.objects.create(application=app, requirement=requirement, received_at=now)
    OldTask.objects.create(
        application=app, step=step, kind="verification", role="verifier", started_at=now, due_at=now, bound_seconds=0
    )
    Message.objects.create(
        application=app,
        applicant=applicant,
        channel="sms",
        recipient="+6281211112201",
        template="x",
        text="Halo",
        next_attempt_at=now,
        expires_at=now,
        created_at=now,
    )
    first = AuditEvent(
        at=now,
        actor_label="loket-lama",
        action="application.register",
        object_type="intake.application",
        object_id=str(app.pk),
        stream=f"intake.application:{app.pk}",
        seq=1,
        after={"status": "registered"},
        prev_hash="",
    )
    first.hash = event_hash(first)
    first.save()

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Application.objects.select_related("applicant", "permit_type").get(pk=app.pk)
    assert (moved.registration_number, moved.status, moved.applicant.name) == ("2026-000042", "in_process", "Siti")
    assert ReceivedDocument.objects.get(application=moved).requirement.code == "ktp"
    assert Task.objects.get(application=moved).step.code == "verifikasi"
    assert moved.outbox_messages.get().text == "Halo"
    # The stream keeps its name: a new event continues the old chain, and the chain verifies.
    assert Application.audit_stream(moved.pk) == f"intake.application:{moved.pk}"
    nxt = audit_record(actor=None, action="application.start", obj=moved, stream=Application.audit_stream(moved.pk))
    assert (nxt.seq, nxt.prev_hash, nxt.object_type) == (2, first.hash, "intake.application")
    assert audit_verify([Application.audit_stream(moved.pk)]) == []
