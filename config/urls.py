from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from permits.core import auth_views as core_auth_views
from permits.core import views as core_views

from .api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("masuk/", core_auth_views.LoginView.as_view(), name="login"),
    path("masuk/otp/", core_auth_views.otp_verify, name="otp_verify"),
    path("masuk/otp/atur/", core_auth_views.otp_setup, name="otp_setup"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("loket/", include("permits.intake.urls")),
    path("kerja/", include("permits.workflow.urls")),
    path("", include("permits.levies.urls")),  # retribusi/ (treasurer), snap/v1.0/... (bank), dev/bank/
    path("", include("permits.portal.urls")),
    path("", include("permits.notifications.urls")),  # pesan/gagal/, dev/inbox/, provider callbacks
    path("", include("permits.booking.urls")),  # daftar-online/ (public) and loket/booking/ (front desk)
    path("", include("permits.decrees.urls")),  # sk/ (officers), verify/<token>, lacak/<no>/sk.pdf, survei/<token>/
    path("", include("permits.monitoring.urls")),  # pimpinan/ (head, supervisors), penjelasan/<token>/, transparansi/
]
handler403 = "permits.core.views.forbidden"
handler500 = "permits.core.views.server_error"  # 503 while the database is away (testing/faults/)
