from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("lacak/", views.track, name="track"),
    path("lacak/<str:number>/", views.track, name="track_number"),
]
