"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE of audit events in the database itself.

The application never changes an audit row (AuditEvent.save/delete and its queryset refuse it);
this trigger stops every other client too, short of a superuser or the table's owner disabling it
(which the hash chain then still exposes: manage.py audit_verify). TRUNCATE is allowed only in a
session that sets `smart.audit_allow_truncate = on`: the test settings do, so that Django can empty
the test database between transactional tests. Other databases (SQLite) rely on the code checks.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION smart_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('smart.audit_allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit events are never changed or removed; record a new event instead.';
END
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION smart_audit_append_only();
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION smart_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS smart_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
