from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("pimpinan/", views.dashboard, name="dashboard"),
    path("pimpinan/tersendat/", views.stalled, name="stalled"),
    path("pimpinan/petugas/<str:username>/", views.officer, name="officer"),
    path("pimpinan/penjelasan/", views.explanations, name="explanations"),
    path("pimpinan/ekspor/", views.export, name="export"),
    path("penjelasan/", views.my_explanations, name="my_explanations"),
    path("penjelasan/<str:token>/", views.explanation, name="explanation"),
    path("transparansi/", views.transparency, name="transparency"),
]
