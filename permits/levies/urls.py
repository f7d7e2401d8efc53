from django.conf import settings
from django.urls import path

from . import dev_views, views
from .snap import views as snap

app_name = "levies"
SNAP = f"{settings.SNAP_PREFIX}/v1.0" if settings.SNAP_PREFIX else "v1.0"
urlpatterns = [
    # the bank calls these (SNAP BI, docs/LEVY.md)
    path(f"{SNAP}/access-token/b2b", snap.access_token, name="snap_token"),
    path(f"{SNAP}/transfer-va/inquiry", snap.inquiry, name="snap_inquiry"),
    path(f"{SNAP}/transfer-va/payment", snap.payment, name="snap_payment"),
    path(f"{SNAP}/transfer-va/status", snap.status, name="snap_status"),
    # the treasurer's pages
    path("retribusi/", views.index, name="index"),
    path("retribusi/penetapan/<int:task_id>/", views.assess, name="assess"),
    path("retribusi/skrd/<int:pk>/", views.skrd, name="skrd"),
    path("retribusi/skrd/<int:pk>/pdf/", views.skrd_pdf, name="skrd_pdf"),
    path("retribusi/strd/<int:pk>/", views.strd, name="strd"),
    path("retribusi/strd/<int:pk>/pdf/", views.strd_pdf, name="strd_pdf"),
    path("retribusi/tagihan/<int:pk>/", views.bill_detail, name="bill"),
    path("retribusi/tagihan/<int:pk>/bayar/", views.teller, name="teller"),
    path("retribusi/tagihan/<int:pk>/terbitkan-ulang/", views.reissue, name="reissue"),
    path("retribusi/tagihan/<int:pk>/batalkan/", views.cancel, name="cancel"),
    path("retribusi/rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("retribusi/rekonsiliasi/selesaikan/", views.resolve, name="resolve"),
    # public: the QR code printed on an SKRD/SKPD/STRD opens this (docs/LEVY.md)
    path("verify/levy/<str:token>", views.verify, name="verify"),
    # development only (DEBUG): the bank simulator in the browser
    path("dev/bank/", dev_views.bank, name="dev_bank"),
]
