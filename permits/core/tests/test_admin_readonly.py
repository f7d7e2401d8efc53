"""The admin edits configuration only: case records (applications, bills, payments, decrees, audit
events, messages...) are read-only there, even for a superuser."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

# What the admin may edit: the catalogue, tariffs, calendar, templates, users and their devices.
CONFIGURATION = {
    "auth.group",
    "auth.user",
    "catalog.permittype",
    "catalog.rejectionreason",
    "catalog.section",
    "core.calendarclosure",
    "core.officialprofile",
    "decrees.decreetemplate",
    "levies.tariffrule",
    "notifications.messagetemplate",
    "notifications.officerprofile",
    "notifications.optout",
    "otp_totp.totpdevice",
}
# Records still editable in the admin, waiting for their app's fix (a fixed one fails the test until removed).
KNOWN_EDITABLE_RECORDS: set[str] = set()


def test_case_records_are_read_only_in_the_admin():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(username="root", is_superuser=True, is_staff=True, is_active=True)
    editable = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in CONFIGURATION:
            continue
        if any(
            (
                model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request),
            )
        ):
            editable.append(label)
    assert sorted(set(editable) - KNOWN_EDITABLE_RECORDS) == [], (
        "a record is editable in the admin: make its ModelAdmin read-only, or list it as configuration"
    )
    assert KNOWN_EDITABLE_RECORDS <= set(editable), "fixed: remove it from KNOWN_EDITABLE_RECORDS"
