from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from permits.core import views as core_views

from .api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("loket/", include("permits.intake.urls")),
    path("", include("permits.portal.urls")),
]
handler403 = "permits.core.views.forbidden"
