from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("lacak/", views.track, name="track"),
    path("lacak/<str:number>/", views.track, name="track_number"),
    path("lacak/<str:number>/perbaikan/", views.track_corrections, name="track_corrections"),
    path("lacak/<str:number>/selesai/", views.track_forget, name="track_forget"),
    path("lacak/<str:number>/sk.pdf", views.decree_download, name="decree_download"),
    path("sms/masuk/", views.sms_inbound, name="sms_inbound"),
    path("layanan/", views.services, name="services"),
    path("layanan/<slug:code>/", views.service_detail, name="service_detail"),
]
