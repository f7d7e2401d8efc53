"""Decree routes, included at the site root (config/urls.py): officers' pages under sk/, the public
verification at the exact path the QR prints (/verify/<token>) and the survey for applicants (the download
with the PIN is the portal's: permits/portal/views.py)."""

from django.urls import path

from . import views

app_name = "decrees"
urlpatterns = [
    path("sk/antrian/", views.signing_queue, name="queue"),
    path("sk/antrian/tandatangani/", views.sign, name="sign"),
    path("sk/draf/<int:task_id>.pdf", views.draft_preview, name="draft"),
    path("sk/<int:decree_id>/", views.decree_detail, name="detail"),
    path("sk/<int:decree_id>/berkas.pdf", views.decree_file, name="file"),
    path("sk/<int:decree_id>/cabut/", views.decree_revoke, name="revoke"),
    path("verify/<str:token>", views.verify, name="verify"),
    path("survei/<str:token>/", views.survey, name="survey"),
    path("survei-selesai/", views.survey_done, name="survey_done"),
]
