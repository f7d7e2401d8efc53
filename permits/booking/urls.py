"""Public pre-registration (daftar-online/) and the front desk's booking pages (loket/booking/)."""

from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("daftar-online/", views.start, name="start"),
    path("daftar-online/kode/<str:code>/", views.done, name="done"),
    path("daftar-online/<slug:code>/", views.booking_form, name="form"),
    path("loket/booking/", views.desk_open, name="desk_open"),
    path("loket/booking/<str:code>/", views.desk_detail, name="desk_detail"),
    path("loket/booking/<str:code>/dokumen/<int:doc_id>/", views.document, name="document"),
]
