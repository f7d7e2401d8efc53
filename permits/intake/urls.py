from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("daftar/<slug:code>/", views.register, name="register"),
    path("tanda-terima/<str:number>/", views.receipt, name="receipt"),
    path("tanda-terima/<str:number>/pin-baru/", views.reset_pin, name="reset_pin"),
    path("cari/", views.search, name="search"),
    path("permohonan/<str:number>/", views.application_detail, name="application"),
    path("permohonan/<str:number>/dokumen/<int:doc_id>/", views.document, name="document"),
]
